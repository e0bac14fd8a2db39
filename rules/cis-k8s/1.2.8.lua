-- CIS 1.2.8: API server authorization modes include RBAC.
--
-- Semantics:
--   * control-plane nodes only; flags from the running kube-apiserver process (argv), which is
--     what the component really uses (the manifest may have been edited since).
--   * managed control plane (no control-plane node, e.g. ACK managed) -> na with the reason
--     on one representative node (lib/cis.lua).
--   * no kube-apiserver process on a control-plane node -> error; facts missing -> error.
--   * the mode list is split on commas and compared token by token (kube-bench's substring test
--     would also accept "Node" inside another name). Flag absent: with --authorization-config the
--     authorizer chain is in that file, which is not collected -> manual; otherwise the default
--     AlwaysAllow applies -> fail.
local cis = require("cis")

local SPEC = {
  process = "kube-apiserver",
  flag = "authorization-mode",
  kind = "has",
  token = "RBAC",
  default = "the default is AlwaysAllow",
  expected = "includes RBAC",
  authz_config = true,
  manual_what = "that an authorizer of type RBAC is listed",
}

return {
  api = 1,
  id = "cis-k8s/1.2.8",
  title = {
    en = "API server authorization modes include RBAC",
    zh = "kube-apiserver 授权模式包含 RBAC",
  },
  severity = "high",
  scope = "node",
  requires = { "processes" },
  applies = cis.cp_applies,
  baselines = {
    cis = { control = "1.2.8", scored = true },
    mlps = { control = "8.1.4.2 a)" },
  },
  impact = {
    en = "Without RBAC the cluster has no role-based access control: permissions cannot be granted "
      .. "per user, group or service account.",
    zh = "未启用 RBAC 时集群没有基于角色的访问控制，无法按用户、组或 ServiceAccount 精细授权。",
  },
  remediation = {
    en = "Edit /etc/kubernetes/manifests/kube-apiserver.yaml on each control-plane node and make "
      .. "--authorization-mode include RBAC (e.g. --authorization-mode=Node,RBAC); the kubelet "
      .. "restarts the component.",
    zh = "在每个控制面节点编辑 /etc/kubernetes/manifests/kube-apiserver.yaml，确保 --authorization-mode 包含 "
      .. "RBAC（例如 --authorization-mode=Node,RBAC）；kubelet 会自动重启该组件。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 1.2.8" },
  tags = { "control-plane", "apiserver", "authorization" },
  check = function(s, ctx) return cis.flag_check(s, ctx, SPEC) end,
}
