-- The node's /etc/resolv.conf fits what the kubelet passes on to Pods (facts.dns.resolv_conf):
--   more than max_nameservers (3) nameservers -> warn (the resolver uses the first 3; the
--     kubelet drops the rest for dnsPolicy Default Pods)
--   search domains + the 3 cluster domains above max_searches (6) -> warn (ClusterFirst Pods
--     lose search domains: "Search Line limits were exceeded")
--   options ndots above max_ndots (5) -> warn
local k8s = require("k8s")

return {
  api = 1,
  id = "health/node-resolv-conf",
  title = { en = "Node resolv.conf is within the DNS limits", zh = "节点 resolv.conf 符合 DNS 限制（nameserver、search、ndots）" },
  severity = "low",
  scope = "node",
  requires = { "dns.resolv_conf" },
  params = {
    max_nameservers = { default = 3, description = "most nameservers honoured" },
    max_searches = { default = 6, description = "most search domains a Pod gets (node's + 3 cluster domains)" },
    max_ndots = { default = 5, description = "warn above this ndots" },
  },
  impact = {
    en = "Pods inherit the node's resolver settings: extra nameservers are ignored and search "
      .. "domains beyond the limit are dropped (the kubelet logs DNSConfigForming events).",
    zh = "Pod 会继承节点的解析配置：超出的 nameserver 被忽略，超出限制的搜索域被丢弃（kubelet 产生 DNSConfigForming 事件）。",
  },
  remediation = {
    en = "Keep at most 3 nameservers and 3 search domains in the node's /etc/resolv.conf (or "
      .. "point the kubelet's resolvConf at a trimmed file).",
    zh = "节点 /etc/resolv.conf 中最多保留 3 个 nameserver 和 3 个搜索域（或让 kubelet 的 resolvConf 指向精简后的文件）。",
  },
  references = { "ACK DNS 策略配置: dnsConfig 限制", "kubelet DNS search line limits" },
  tags = { "dns", "dns-client", "node" },
  check = function(s, ctx)
    local rc = s.facts.dns.resolv_conf
    local ns, search = rc.nameservers or {}, rc.search or {}
    local ndots = tonumber(k8s.dig(rc, "options", "ndots"))
    local evidence = { nameservers = ctx.copy(ns), search = ctx.copy(search), ndots = ndots }
    local problems = {}
    if #ns > ctx.param("max_nameservers") then
      problems[#problems + 1] = string.format("%d nameservers (only %d are used)", #ns, ctx.param("max_nameservers"))
    end
    if #search + 3 > ctx.param("max_searches") then
      problems[#problems + 1] = string.format("%d search domains + 3 cluster domains exceed %d", #search, ctx.param("max_searches"))
    end
    if ndots ~= nil and ndots > ctx.param("max_ndots") then
      problems[#problems + 1] = string.format("ndots %d", ndots)
    end
    if #problems > 0 then return ctx.warn(table.concat(problems, "; "), evidence) end
    return ctx.pass(string.format("%d nameservers, %d search domains", #ns, #search), evidence)
  end,
}
