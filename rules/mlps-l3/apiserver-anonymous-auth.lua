-- 等保 8.1.4.1 a): every request to the Kubernetes API server is identified and authenticated
-- (CIS 1.2.1, anonymous auth).
--
-- Semantics: control-plane nodes, flags from the running kube-apiserver (argv). Pass when
-- --anonymous-auth=false. When --authentication-config is set (structured authentication,
-- 1.30+), anonymous access may be restricted to health endpoints there: manual, with what to
-- check. Otherwise (unset = the default true, or true) fail.
local mlps = require("mlps")

return {
  api = 1,
  id = "mlps-l3/apiserver-anonymous-auth",
  title = {
    en = "The API server rejects anonymous requests",
    zh = "kube-apiserver 已禁用匿名访问",
  },
  severity = "high",
  scope = "node",
  requires = { "processes" },
  applies = function(s) return s.roles.control_plane == true end,
  baselines = {
    cis = { control = "1.2.1", scored = false },
    mlps = { control = "8.1.4.1 a)" },
  },
  impact = {
    en = "Anonymous requests are served as system:anonymous: they are not tied to an "
      .. "identified user, and any RBAC binding to system:unauthenticated exposes data to the "
      .. "network.",
    zh = "匿名请求以 system:anonymous 身份处理，无法对应到已鉴别的用户；任何绑定到 "
      .. "system:unauthenticated 的权限都会直接暴露给网络。",
  },
  remediation = {
    en = "Add `--anonymous-auth=false` to /etc/kubernetes/manifests/kube-apiserver.yaml (the "
      .. "kubelet restarts the API server). Liveness probes and load-balancer health checks "
      .. "then need credentials, or (1.32+) an AuthenticationConfiguration that allows "
      .. "anonymous only for /livez, /readyz and /healthz.",
    zh = "在 /etc/kubernetes/manifests/kube-apiserver.yaml 中加入 `--anonymous-auth=false`（kubelet 会自动"
      .. "重启 API Server）。此后存活探针与负载均衡健康检查需要携带凭据，或（1.32+）通过 "
      .. "AuthenticationConfiguration 仅对 /livez、/readyz、/healthz 放开匿名访问。",
  },
  references = { "GB/T 22239-2019 8.1.4.1 a)", "CIS Kubernetes Benchmark v1.12 1.2.1" },
  tags = { "control-plane", "apiserver", "authentication" },
  check = function(s, ctx)
    local argv = mlps.argv(s.facts, "kube-apiserver")
    if argv == nil then
      return ctx.error(mlps.msg("kube-apiserver process not found on this control-plane node",
        "在本控制面节点上未找到 kube-apiserver 进程"))
    end
    local v = ctx.flag(argv, "anonymous-auth")
    local evidence = { flag = "--anonymous-auth", actual = v or "unset (default true)",
                       expected = "false" }
    if v ~= nil and v:lower() == "false" then
      return ctx.pass(mlps.msg("--anonymous-auth=false",
        "--anonymous-auth=false，API Server 拒绝匿名访问"), evidence)
    end
    local authn = ctx.flag(argv, "authentication-config")
    if v == nil and authn ~= nil then
      return ctx.manual(mlps.msg("anonymous access is configured in " .. authn
        .. " (--authentication-config); verify that `anonymous.enabled` is false or limited to "
        .. "/livez, /readyz and /healthz",
        "匿名访问在 " .. authn .. "（--authentication-config）中配置；请核查 anonymous.enabled 为 "
        .. "false，或仅允许访问 /livez、/readyz、/healthz"), evidence)
    end
    return ctx.fail(mlps.msg("--anonymous-auth is " .. (v or "not set (default true)")
      .. ": anonymous requests are accepted",
      "--anonymous-auth " .. (v and ("为 " .. v) or "未设置（默认 true）")
      .. "：API Server 接受匿名请求，未对访问者进行身份鉴别"), evidence)
  end,
}
