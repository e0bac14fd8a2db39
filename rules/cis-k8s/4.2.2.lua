-- CIS 4.2.2: the kubelet authorization mode is not AlwaysAllow.
--
-- Semantics: effective value = --authorization-mode flag, else authorization.mode in the config
-- file, else AlwaysAllow (the kubelet flag default) -> an unset value fails, as in kube-bench.
return {
  api = 1,
  id = "cis-k8s/4.2.2",
  title = {
    en = "Kubelet authorization mode is not AlwaysAllow",
    zh = "Kubelet 授权模式不是 AlwaysAllow",
  },
  severity = "high",
  scope = "node",
  requires = { "kubelet" },
  applies = function(s) return s.roles.virtual ~= true end,
  baselines = {
    cis = { control = "4.2.2", scored = true },
    mlps = { control = "8.1.4.2 a)" },
  },
  impact = {
    en = "With AlwaysAllow any client that authenticates to the kubelet (or any anonymous "
      .. "client, if anonymous auth is on) may read logs, exec into Pods and read secrets mounted "
      .. "on the node.",
    zh = "AlwaysAllow 模式下，任何通过 kubelet 认证的客户端（若开启匿名访问则包括匿名用户）"
      .. "都可以查看日志、进入容器执行命令、读取节点上挂载的 Secret。",
  },
  remediation = {
    en = "Set authorization.mode: Webhook in the kubelet config file (or "
      .. "--authorization-mode=Webhook), then restart the kubelet.",
    zh = "在 kubelet 配置文件中设置 authorization.mode: Webhook（或启动参数 "
      .. "--authorization-mode=Webhook），然后重启 kubelet。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 4.2.2" },
  tags = { "kubelet", "authorization" },
  check = function(s, ctx)
    local v, source = ctx.effective(s, "kubelet", "authorization.mode", "authorization-mode",
                                    "AlwaysAllow")
    local evidence = { actual = v, source = source, expected = "Webhook" }
    if v == "AlwaysAllow" then
      if source == "default" then
        return ctx.fail("authorization mode is not configured; the kubelet default is AlwaysAllow",
          evidence)
      end
      return ctx.fail("authorization mode is AlwaysAllow (" .. source .. "), expected Webhook",
        evidence)
    end
    return ctx.pass("authorization mode " .. tostring(v) .. " (" .. source .. ")", evidence)
  end,
}
