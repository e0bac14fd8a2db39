-- CIS 1.2.11: AlwaysPullImages admission plugin is enabled.
--
-- Semantics:
--   * control-plane nodes only; flags from the running kube-apiserver process (argv), which is
--     what the component really uses (the manifest may have been edited since).
--   * managed control plane (no control-plane node, e.g. ACK managed) -> na with the reason
--     on one representative node (lib/cis.lua).
--   * no kube-apiserver process on a control-plane node -> error; facts missing -> error.
--   * token test on --enable-admission-plugins; absent -> fail. Manual in the benchmark: single-
--     tenant clusters may accept the risk (waive it).
local cis = require("cis")

local SPEC = {
  process = "kube-apiserver",
  flag = "enable-admission-plugins",
  kind = "has",
  token = "AlwaysPullImages",
  default = "AlwaysPullImages is off by default",
  expected = "includes AlwaysPullImages",
}

return {
  api = 1,
  id = "cis-k8s/1.2.11",
  title = {
    en = "AlwaysPullImages admission plugin is enabled",
    zh = "kube-apiserver 已启用 AlwaysPullImages 准入插件",
  },
  severity = "medium",
  scope = "node",
  requires = { "processes" },
  applies = cis.cp_applies,
  baselines = {
    cis = { control = "1.2.11", scored = false },
    mlps = { control = "8.1.4.2 a)" },
  },
  impact = {
    en = "Without it, a Pod on a multi-tenant node can use a private image another tenant already "
      .. "pulled, without having the pull credentials.",
    zh = "未启用时，多租户节点上的 Pod 可以直接使用其他租户已拉取的私有镜像，而无需拥有该镜像的拉取凭据。",
  },
  remediation = {
    en = "Edit /etc/kubernetes/manifests/kube-apiserver.yaml on each control-plane node and add "
      .. "AlwaysPullImages to --enable-admission-plugins (mind the registry load and the "
      .. "dependency on registry availability); the kubelet restarts the component.",
    zh = "在每个控制面节点编辑 /etc/kubernetes/manifests/kube-apiserver.yaml，在 --enable-admission-plugins "
      .. "中加入 AlwaysPullImages（注意镜像仓库负载及对仓库可用性的依赖）；kubelet 会自动重启该组件。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 1.2.11" },
  tags = { "control-plane", "apiserver", "admission" },
  check = function(s, ctx) return cis.flag_check(s, ctx, SPEC) end,
}
