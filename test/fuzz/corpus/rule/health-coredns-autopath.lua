-- The Corefile does not use `autopath @kubernetes`. The ACK guide lists autopath as a cause of
-- intermittent wrong or failed answers (external names, and internal names while Pods are
-- created quickly) and advises removing it.
--   autopath present -> warn; no ConfigMap kube-system/coredns -> na
local coredns = require("coredns")

return {
  api = 1,
  id = "health/coredns-autopath",
  title = { en = "CoreDNS does not use autopath", zh = "CoreDNS 未启用 autopath 插件" },
  severity = "low",
  scope = "cluster",
  requires = { "objects.configmaps" },
  impact = {
    en = "autopath answers search-path expansions on the server from its Pod cache; when the "
      .. "cache lags (Pods created at a high rate) names resolve to wrong addresses or fail.",
    zh = "autopath 根据 Pod 缓存在服务端展开搜索域，缓存滞后（高频创建 Pod）时会出现解析错误或间歇性失败。",
  },
  remediation = {
    en = "Remove the autopath line from ConfigMap kube-system/coredns; CoreDNS reloads it "
      .. "(look for \"reload\" in its logs).",
    zh = "从 kube-system/coredns ConfigMap 中删除 autopath 行，CoreDNS 会自动重新加载（日志中出现 reload）。",
  },
  references = { "ACK DNS 解析异常排查: AutoPath 插件问题" },
  tags = { "dns", "dns-config" },
  check = function(s, ctx)
    local text, why = coredns.corefile(ctx)
    if text == nil then return ctx.na(why) end
    local ap = coredns.plugins(text, "autopath")
    if #ap > 0 then return ctx.warn("the Corefile uses autopath " .. ap[1].args, { autopath = ap[1].args }) end
    return ctx.pass("no autopath in the Corefile")
  end,
}
