-- CIS 1.2.1: API server anonymous authentication is disabled.
--
-- Semantics:
--   * control-plane nodes only; flags from the running kube-apiserver process (argv), which is
--     what the component really uses (the manifest may have been edited since).
--   * managed control plane (no control-plane node, e.g. ACK managed) -> na with the reason
--     on one representative node (lib/cis.lua).
--   * no kube-apiserver process on a control-plane node -> error; facts missing -> error.
--   * flag absent -> fail: the API server default is true (kubeadm does not set it, so stock
--     kubeadm fails, as kube-bench reports too). The benchmark marks the control Manual (WARN in
--     kube-bench) because health probes may rely on anonymous access.
local cis = require("cis")

local SPEC = {
  process = "kube-apiserver",
  flag = "anonymous-auth",
  kind = "eq",
  value = "false",
  unset = "fail",
  default = "true (anonymous requests allowed)",
  expected = "false",
  ack = "the ACK benchmark has no anonymous-auth control",
}

return {
  api = 1,
  id = "cis-k8s/1.2.1",
  title = {
    en = "API server anonymous authentication is disabled",
    zh = "kube-apiserver 已禁用匿名访问（--anonymous-auth=false）",
  },
  severity = "medium",
  scope = "node",
  requires = { "processes" },
  applies = cis.cp_applies,
  baselines = {
    cis = { control = "1.2.1", scored = false },
    mlps = { control = "8.1.4.1 a)" },
  },
  impact = {
    en = "With anonymous auth on, unauthenticated requests are served as system:anonymous; any "
      .. "RBAC grant to that user or to system:unauthenticated becomes public.",
    zh = "开启匿名访问时，未认证的请求以 system:anonymous 身份被处理，任何授予该用户或 system:unauthenticated 组的权限都等于对外公开。",
  },
  remediation = {
    en = "Edit /etc/kubernetes/manifests/kube-apiserver.yaml on each control-plane node and add "
      .. "--anonymous-auth=false (health probes then need credentials, or use an "
      .. "AuthenticationConfiguration with anonymous access limited to /healthz, /readyz, /livez); "
      .. "the kubelet restarts the component.",
    zh = "在每个控制面节点编辑 /etc/kubernetes/manifests/kube-apiserver.yaml，加入 "
      .. "--anonymous-auth=false（健康检查需改为带凭据访问，或使用 AuthenticationConfiguration 仅对 "
      .. "/healthz、/readyz、/livez 放开匿名访问）；kubelet 会自动重启该组件。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 1.2.1" },
  tags = { "control-plane", "apiserver", "authentication" },
  check = function(s, ctx) return cis.flag_check(s, ctx, SPEC) end,
}
