-- CIS 4.2.1: the kubelet rejects anonymous requests.
--
-- Semantics: effective value = --anonymous-auth flag, else authentication.anonymous.enabled in
-- the config file, else true (the kubelet flag default). An unset value therefore fails, as in
-- kube-bench: the benchmark wants the setting explicit.
local k8s = require("k8s")

return {
  api = 1,
  id = "cis-k8s/4.2.1",
  title = {
    en = "Kubelet anonymous authentication is disabled",
    zh = "Kubelet 已禁用匿名访问",
  },
  severity = "high",
  scope = "node",
  requires = { "kubelet" },
  applies = function(s) return s.roles.virtual ~= true end,
  baselines = {
    cis = { control = "4.2.1", scored = true },
    mlps = { control = "8.1.4.2 a)" },
  },
  impact = {
    en = "Anonymous requests to the kubelet API (port 10250) are served as system:anonymous; "
      .. "combined with a permissive authorizer they allow exec into any Pod on the node.",
    zh = "匿名请求可以以 system:anonymous 身份访问 kubelet API（10250 端口）；若鉴权宽松，"
      .. "攻击者可在该节点任意容器中执行命令。",
  },
  remediation = {
    en = "Set authentication.anonymous.enabled: false in the kubelet config file (or "
      .. "--anonymous-auth=false), then restart the kubelet: systemctl restart kubelet.",
    zh = "在 kubelet 配置文件中设置 authentication.anonymous.enabled: false（或启动参数 "
      .. "--anonymous-auth=false），然后执行 systemctl restart kubelet 重启 kubelet。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 4.2.1" },
  tags = { "kubelet", "authentication" },
  check = function(s, ctx)
    local v, source = ctx.effective(s, "kubelet", "authentication.anonymous.enabled",
                                    "anonymous-auth", true)
    local evidence = { actual = v, source = source, expected = false }
    if k8s.is_false(v) then
      return ctx.pass("anonymous auth disabled (" .. source .. ")", evidence)
    end
    if source == "default" then
      return ctx.fail("anonymous auth is not configured; the kubelet default is enabled",
        evidence)
    end
    return ctx.fail("anonymous auth is enabled (" .. source .. "), expected false", evidence)
  end,
}
