-- CIS 4.2.2: the kubelet authorization mode is not AlwaysAllow.
--
-- Semantics: effective value = --authorization-mode flag, else authorization.mode in the config
-- file, else the default of the world the kubelet runs in (reference §9.1): AlwaysAllow (flag
-- default) without --config -> fail; Webhook (KubeletConfiguration v1beta1 default) with a
-- config file -> pass, where kube-bench reports a false FAIL because the key is absent.
local cis = require("cis")

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
    local v, source = cis.kubelet_effective(s, ctx, "authorization.mode", "authorization-mode",
                                            "AlwaysAllow", "Webhook")
    local evidence = { actual = v, source = source, expected = "Webhook" }
    if v == "AlwaysAllow" then
      if source == "default" then
        return ctx.fail(cis.msg("authorization mode is not configured and the kubelet runs "
          .. "without a config file: the default is AlwaysAllow",
          "未配置授权模式，且 kubelet 未使用配置文件运行：默认值为 AlwaysAllow（不做授权）"), evidence)
      end
      return ctx.fail(cis.msg("authorization mode is AlwaysAllow (" .. source .. "), expected "
        .. "Webhook", "授权模式为 AlwaysAllow（" .. cis.src_zh(source) .. "），应为 Webhook"), evidence)
    end
    if source == "default" then
      return ctx.pass(cis.msg("authorization mode Webhook (default: the kubelet runs with a config "
        .. "file, whose default is Webhook; kube-bench reports the absent key as FAIL)",
        "授权模式为 Webhook（默认值：kubelet 使用配置文件运行，其默认值为 Webhook；kube-bench 会把"
        .. "未配置该项报告为 FAIL）"), evidence)
    end
    return ctx.pass(cis.msg("authorization mode " .. tostring(v) .. " (" .. source .. ")",
      "授权模式为 " .. tostring(v) .. "（" .. cis.src_zh(source) .. "）"), evidence)
  end,
}
