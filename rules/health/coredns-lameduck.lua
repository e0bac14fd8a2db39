-- The Corefile's health plugin sets `lameduck` to `lameduck_seconds` (15 s, the ACK advice):
-- a stopping CoreDNS Pod keeps answering while kube-proxy removes it from the Service.
--   no health plugin, no lameduck, or another duration -> warn
-- No ConfigMap kube-system/coredns -> na.
local coredns = require("coredns")

return {
  api = 1,
  id = "health/coredns-lameduck",
  title = { en = "CoreDNS health plugin has lameduck 15s", zh = "CoreDNS health 插件配置了 lameduck 15s" },
  severity = "low",
  scope = "cluster",
  requires = { "objects.configmaps" },
  params = {
    lameduck_seconds = { default = 15, description = "expected lameduck duration in seconds" },
  },
  impact = {
    en = "Without a long enough lameduck, queries sent to a CoreDNS Pod that is being "
      .. "stopped (rolling update, scale-in, node drain) fail for a few seconds.",
    zh = "lameduck 时间不足时，CoreDNS 副本在滚动更新、缩容或节点排水期间退出，发往该副本的解析请求会短暂失败。",
  },
  remediation = {
    en = "Edit ConfigMap kube-system/coredns: health { lameduck 15s }. The reload needs some "
      .. "memory: keep the CoreDNS memory limit at 2Gi.",
    zh = "修改 kube-system/coredns ConfigMap：health { lameduck 15s }。重新加载配置需要额外内存，建议 CoreDNS 内存 limit 保持 2Gi。",
  },
  references = { "ACK DNS 最佳实践: 配置 CoreDNS 优雅退出 (lameduck)" },
  tags = { "dns", "dns-config" },
  check = function(s, ctx)
    local text, why = coredns.corefile(ctx)
    if text == nil then return ctx.na(why) end
    local want = ctx.param("lameduck_seconds")
    local health = coredns.plugins(text, "health")
    if #health == 0 then return ctx.warn("the Corefile has no health plugin; expected health { lameduck " .. want .. "s }") end
    local value = health[1].block and health[1].block:match("lameduck%s+(%S+)")
    local evidence = { lameduck = value, expected = want .. "s" }
    if value == nil then return ctx.warn("health plugin without lameduck; expected lameduck " .. want .. "s", evidence) end
    local secs = ctx.parse_duration(value)
    if secs ~= want then
      return ctx.warn(string.format("lameduck %s; expected %ds", value, want), evidence)
    end
    return ctx.pass("health { lameduck " .. value .. " }", evidence)
  end,
}
