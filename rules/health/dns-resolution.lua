-- Active resolution from the node works and is fast (facts.dns.resolution: the collector
-- queried a cluster name (kubernetes.default.svc.<domain>) and external names against the
-- cluster DNS from the node).
--   a query failed (status not NOERROR, no answer, timeout) -> fail
--   resolution not probed (the collector runs it only when given the cluster DNS address) -> na
--   slowest successful query >= fail_ms (5000: the seed's "> 5 s means the server is
--     unreachable") -> fail; >= warn_ms (1000) -> warn
local k8s = require("k8s")

return {
  api = 1,
  id = "health/dns-resolution",
  title = { en = "DNS resolution from the node works and is fast", zh = "节点到集群 DNS 的域名解析正常且延迟低" },
  severity = "high",
  scope = "node",
  requires = { "dns" },
  params = {
    warn_ms = { default = 1000, description = "warn when a query takes this long (ms)" },
    fail_ms = { default = 5000, description = "fail when a query takes this long (ms)" },
  },
  impact = {
    en = "Pods on this node cannot resolve names, or only slowly: connections to Services and "
      .. "external endpoints fail or time out.",
    zh = "该节点上的 Pod 无法解析或解析很慢，访问 Service 与外部服务失败或超时。",
  },
  remediation = {
    en = "Follow the DNS diagnosis (kpatrol diagnose dns): CoreDNS Pods and load, the node's "
      .. "conntrack table, kube-proxy rules for the kube-dns Service, security groups/ACLs for "
      .. "UDP 53, and for external names the upstream resolvers.",
    zh = "按 DNS 诊断流程排查（kpatrol diagnose dns）：CoreDNS 副本与负载、节点 conntrack 表、kube-dns Service 的 kube-proxy 规则、"
      .. "安全组/ACL 是否放行 UDP 53；外部域名失败时检查上游 DNS。",
  },
  references = { "ACK DNS 解析异常排查: 诊断流程" },
  tags = { "dns", "dns-resolution", "network" },
  check = function(s, ctx)
    local r = s.facts.dns.resolution
    if r == nil then
      return ctx.na("resolution from this node was not probed (facts.dns.resolution absent)")
    end
    local queries = r.queries or {}
    if #queries == 0 then return ctx.error("no resolution query was recorded") end
    local failed, slowest = {}, nil
    for _, q in ipairs(queries) do
      if q.ok ~= true then
        failed[#failed + 1] = string.format("%s (%s): %s", tostring(q.name), tostring(q.kind), tostring(q.status))
      elseif type(q.query_time_ms) == "number" and (slowest == nil or q.query_time_ms > slowest.query_time_ms) then
        slowest = q
      end
    end
    local evidence = { server = r.server, tool = r.tool, queries = ctx.copy(queries),
                       warn_ms = ctx.param("warn_ms"), fail_ms = ctx.param("fail_ms") }
    if #failed > 0 then
      return ctx.fail(string.format("%d of %d queries to %s failed: %s", #failed, #queries,
        tostring(r.server), table.concat(failed, "; ")), evidence)
    end
    if slowest ~= nil then
      local ms = slowest.query_time_ms
      local msg = string.format("slowest query %s took %.0f ms", tostring(slowest.name), ms)
      if ms >= ctx.param("fail_ms") then return ctx.fail(msg .. ", threshold " .. ctx.param("fail_ms") .. " ms", evidence) end
      if ms >= ctx.param("warn_ms") then return ctx.warn(msg .. ", warning threshold " .. ctx.param("warn_ms") .. " ms", evidence) end
      return ctx.pass(string.format("%d queries to %s resolved; %s", #queries, tostring(r.server), msg), evidence)
    end
    return ctx.pass(string.format("%d queries to %s resolved", #queries, tostring(r.server)), evidence)
  end,
}
