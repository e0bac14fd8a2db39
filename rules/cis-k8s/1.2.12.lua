-- CIS 1.2.12: ServiceAccount admission plugin is not disabled.
--
-- Semantics:
--   * control-plane nodes only; flags from the running kube-apiserver process (argv), which is
--     what the component really uses (the manifest may have been edited since).
--   * managed control plane (no control-plane node, e.g. ACK managed) -> na with the reason
--     on one representative node (lib/cis.lua).
--   * no kube-apiserver process on a control-plane node -> error; facts missing -> error.
--   * pass when --disable-admission-plugins is absent or does not list ServiceAccount (token test).
local cis = require("cis")

local SPEC = {
  process = "kube-apiserver",
  flag = "disable-admission-plugins",
  kind = "nothave",
  token = "ServiceAccount",
  expected = "no ServiceAccount",
}

return {
  api = 1,
  id = "cis-k8s/1.2.12",
  title = {
    en = "ServiceAccount admission plugin is not disabled",
    zh = "kube-apiserver 未禁用 ServiceAccount 准入插件",
  },
  severity = "medium",
  scope = "node",
  requires = { "processes" },
  applies = cis.cp_applies,
  baselines = {
    cis = { control = "1.2.12", scored = true },
    mlps = { control = "8.1.4.2 a)" },
  },
  impact = {
    en = "Without the ServiceAccount plugin Pods are not given a service account automatically and "
      .. "token references are not validated.",
    zh = "禁用 ServiceAccount 插件后 Pod 不会自动关联 ServiceAccount，令牌引用也不再被校验。",
  },
  remediation = {
    en = "Edit /etc/kubernetes/manifests/kube-apiserver.yaml on each control-plane node and remove "
      .. "ServiceAccount from --disable-admission-plugins (it is enabled by default); the kubelet "
      .. "restarts the component.",
    zh = "在每个控制面节点编辑 /etc/kubernetes/manifests/kube-apiserver.yaml，从 --disable-admission-plugins "
      .. "中删除 ServiceAccount（该插件默认启用）；kubelet 会自动重启该组件。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 1.2.12" },
  tags = { "control-plane", "apiserver", "admission" },
  check = function(s, ctx) return cis.flag_check(s, ctx, SPEC) end,
}
