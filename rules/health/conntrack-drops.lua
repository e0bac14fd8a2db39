-- The node's conntrack table has not dropped connections (facts.conntrack.stats, summed over
-- CPUs since boot, and the kernel log's "nf_conntrack: table full, dropping packet" count when
-- collected).
--   "table full" messages in the kernel log -> fail
--   insert_failed or drop > 0 -> warn (cumulative since boot: compare with a later scan)
--   no stats collected -> na
local k8s = require("k8s")

return {
  api = 1,
  id = "health/conntrack-drops",
  title = { en = "Conntrack has not dropped connections", zh = "conntrack 未发生丢包（insert_failed/drop）" },
  severity = "medium",
  scope = "node",
  requires = { "conntrack" },
  impact = {
    en = "Dropped conntrack entries show as connection timeouts and failed DNS lookups, often "
      .. "at peak time; insert_failed also comes from the UDP race behind intermittent 5 s DNS "
      .. "delays.",
    zh = "conntrack 丢弃或插入失败表现为连接超时和域名解析失败（常见于业务高峰）；insert_failed 也可能来自 UDP 并发竞争导致的间歇性 5 秒解析延迟。",
  },
  remediation = {
    en = "If the table is full, raise kube-proxy conntrack.maxPerCore and find what fills it; "
      .. "for DNS races deploy NodeLocal DNSCache or use options single-request-reopen.",
    zh = "表满时调大 kube-proxy conntrack.maxPerCore 并排查占用来源；DNS 并发竞争导致的问题可部署 NodeLocal DNSCache 或配置 single-request-reopen。",
  },
  references = { "ACK 网络: conntrack full 排查", "ACK DNS: A/AAAA 并发竞争" },
  tags = { "node", "network", "conntrack" },
  check = function(s, ctx)
    local stats = s.facts.conntrack.stats
    local km = s.facts.kernel_messages
    local full = km and k8s.dig(km, "conntrack_full", "count")
    if stats == nil and full == nil then return ctx.na("conntrack statistics were not collected") end
    stats = stats or {}
    local evidence = { insert_failed = stats.insert_failed, drop = stats.drop, early_drop = stats.early_drop,
                       table_full_messages = full }
    if full ~= nil and full > 0 then
      return ctx.fail(string.format("kernel logged %s \"nf_conntrack: table full, dropping packet\"",
        k8s.plural(full, "time")), evidence)
    end
    local ins, drop = stats.insert_failed or 0, stats.drop or 0
    if ins > 0 or drop > 0 then
      return ctx.warn(string.format("conntrack insert_failed %d, drop %d since boot", ins, drop), evidence)
    end
    return ctx.pass("no conntrack insert failures or drops", evidence)
  end,
}
