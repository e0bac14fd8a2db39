-- Usage of the node's netfilter connection-tracking table (nf_conntrack_count / nf_conntrack_max).
--   usage > fail_percent (90, the NPD network_problem_check threshold) -> fail
--   usage > warn_percent (80)                                          -> warn
-- When the table is full the kernel drops new connections ("nf_conntrack: table full,
-- dropping packet"), which shows up as random timeouts and DNS failures. The evidence carries
-- the insert_failed/drop/early_drop counters (cumulative since boot) for the diagnosis.
local k8s = require("k8s")

return {
  api = 1,
  id = "health/conntrack-usage",
  title = {
    en = "Conntrack table has headroom",
    zh = "节点 conntrack 连接跟踪表使用率正常",
  },
  severity = "high",
  scope = "node",
  requires = { "conntrack" },
  params = {
    warn_percent = { default = 80, description = "warn above this usage (percent)" },
    fail_percent = { default = 90, description = "fail above this usage (percent)" },
  },
  impact = {
    en = "A full conntrack table makes the kernel drop new connections: Service traffic and DNS "
      .. "lookups fail intermittently on this node.",
    zh = "conntrack 表满后内核会丢弃新建连接，该节点上的 Service 访问和域名解析会出现间歇性失败。",
  },
  remediation = {
    en = "Find what fills the table (conntrack -L | awk '{print $1}' | sort | uniq -c): many TCP "
      .. "entries -> turn short connections into long-lived ones; many UDP/DNS entries -> deploy "
      .. "NodeLocal DNSCache. Raise the limit through kube-proxy conntrack.maxPerCore (65536 or "
      .. "more) and recreate the kube-proxy Pods, or set net.netfilter.nf_conntrack_max.",
    zh = "先用 conntrack -L 统计各协议条目：TCP 条目多则将短连接改为长连接；UDP/DNS 条目多则部署 NodeLocal DNSCache。"
      .. "调大上限：修改 kube-proxy 配置中的 conntrack.maxPerCore（建议 65536 或更高）后重建 kube-proxy Pod，"
      .. "或直接设置内核参数 net.netfilter.nf_conntrack_max。",
  },
  tags = { "node", "network", "conntrack" },
  check = function(s, ctx)
    local ct = s.facts.conntrack
    local count, max = ct.count, ct.max
    if type(count) ~= "number" or type(max) ~= "number" or max <= 0 then
      return ctx.error("conntrack count/max not available (count=" .. tostring(count)
        .. ", max=" .. tostring(max) .. ")")
    end
    local pct = count * 100 / max
    local warn_pct, fail_pct = ctx.param("warn_percent"), ctx.param("fail_percent")
    local stats = ct.stats or {}
    local evidence = { count = count, max = max, percent = math.floor(pct * 10 + 0.5) / 10,
                       warn_percent = warn_pct, fail_percent = fail_pct,
                       insert_failed = stats.insert_failed, drop = stats.drop,
                       early_drop = stats.early_drop }
    local usage = string.format("conntrack table %s full (%d of %d)", k8s.percent(pct),
      math.floor(count), math.floor(max))
    if pct > fail_pct then
      return ctx.fail(usage .. ", threshold " .. fail_pct .. "%", evidence)
    elseif pct > warn_pct then
      return ctx.warn(usage .. ", warning threshold " .. warn_pct .. "%", evidence)
    end
    return ctx.pass(usage, evidence)
  end,
}
