-- CIS 4.2.1: the kubelet rejects anonymous requests.
--
-- Semantics: effective value = --anonymous-auth flag, else authentication.anonymous.enabled in
-- the config file, else the default of the world the kubelet runs in (reference §9.1): true
-- (flag default) for a kubelet started without --config, false (KubeletConfiguration v1beta1
-- default) for one started with a config file. So an unset key fails on a flags-only kubelet
-- and passes on a config-file kubelet, where kube-bench reports a false FAIL because the key is
-- absent; the message says which default applied.
local k8s = require("k8s")
local cis = require("cis")

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
    local v, source = cis.kubelet_effective(s, ctx, "authentication.anonymous.enabled",
                                            "anonymous-auth", true, false)
    local evidence = { actual = v, source = source, expected = false }
    if k8s.is_false(v) then
      if source == "default" then
        return ctx.pass(cis.msg("anonymous auth disabled (default: the kubelet runs with a config "
          .. "file, whose default is false; kube-bench reports the absent key as FAIL)",
          "已禁用匿名访问（默认值：kubelet 使用配置文件运行，其默认值为 false；kube-bench 会把未配置"
          .. "该项报告为 FAIL）"), evidence)
      end
      return ctx.pass(cis.msg("anonymous auth disabled (" .. source .. ")",
        "已禁用匿名访问（" .. cis.src_zh(source) .. "）"), evidence)
    end
    if source == "default" then
      return ctx.fail(cis.msg("anonymous auth is not configured and the kubelet runs without a "
        .. "config file: the flag default enables it",
        "未配置匿名访问，且 kubelet 未使用配置文件运行：启动参数的默认值允许匿名访问"), evidence)
    end
    return ctx.fail(cis.msg("anonymous auth is enabled (" .. source .. "), expected false",
      "已启用匿名访问（" .. cis.src_zh(source) .. "），应为 false"), evidence)
  end,
}
