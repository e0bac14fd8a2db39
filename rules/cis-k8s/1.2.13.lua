-- CIS 1.2.13: NamespaceLifecycle admission plugin is not disabled.
--
-- Semantics:
--   * control-plane nodes only; flags from the running kube-apiserver process (argv), which is
--     what the component really uses (the manifest may have been edited since).
--   * managed control plane (no control-plane node, e.g. ACK managed) -> na with the reason
--     on one representative node (lib/cis.lua).
--   * no kube-apiserver process on a control-plane node -> error; facts missing -> error.
--   * pass when --disable-admission-plugins is absent or does not list NamespaceLifecycle (token test).
local cis = require("cis")

local SPEC = {
  process = "kube-apiserver",
  flag = "disable-admission-plugins",
  kind = "nothave",
  token = "NamespaceLifecycle",
  expected = "no NamespaceLifecycle",
}

return {
  api = 1,
  id = "cis-k8s/1.2.13",
  title = {
    en = "NamespaceLifecycle admission plugin is not disabled",
    zh = "kube-apiserver 未禁用 NamespaceLifecycle 准入插件",
  },
  severity = "medium",
  scope = "node",
  requires = { "processes" },
  applies = cis.cp_applies,
  baselines = {
    cis = { control = "1.2.13", scored = true },
    mlps = { control = "8.1.4.2 a)" },
  },
  impact = {
    en = "Without NamespaceLifecycle objects can be created in namespaces that are being deleted "
      .. "or do not exist, and the system namespaces can be deleted.",
    zh = "禁用 NamespaceLifecycle 后，可以在正在删除或不存在的命名空间中创建对象，系统命名空间也可能被删除。",
  },
  remediation = {
    en = "Edit /etc/kubernetes/manifests/kube-apiserver.yaml on each control-plane node and remove "
      .. "NamespaceLifecycle from --disable-admission-plugins (it is enabled by default); the "
      .. "kubelet restarts the component.",
    zh = "在每个控制面节点编辑 /etc/kubernetes/manifests/kube-apiserver.yaml，从 --disable-admission-plugins "
      .. "中删除 NamespaceLifecycle（该插件默认启用）；kubelet 会自动重启该组件。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 1.2.13" },
  tags = { "control-plane", "apiserver", "admission" },
  check = function(s, ctx) return cis.flag_check(s, ctx, SPEC) end,
}
