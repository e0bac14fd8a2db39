-- Service kube-system/kube-dns has sessionAffinity None: with ClientIP affinity (timeout 3 h)
-- each client sticks to one CoreDNS Pod and the load becomes uneven.
--   ClientIP -> warn; no kube-dns Service -> na
local k8s = require("k8s")

return {
  api = 1,
  id = "health/kube-dns-session-affinity",
  title = { en = "kube-dns Service has no session affinity", zh = "kube-dns Service 未开启会话保持（sessionAffinity）" },
  severity = "low",
  scope = "cluster",
  requires = { "objects.services" },
  impact = {
    en = "With ClientIP affinity busy clients keep hitting the same CoreDNS replica: load is "
      .. "uneven and adding replicas does not help.",
    zh = "开启 ClientIP 会话保持后，高负载客户端始终访问同一个 CoreDNS 副本，负载不均，扩容副本也无法分担。",
  },
  remediation = {
    en = "kubectl -n kube-system edit svc kube-dns: remove sessionAffinity and "
      .. "sessionAffinityConfig (sessionAffinity: None).",
    zh = "执行 kubectl -n kube-system edit svc kube-dns，删除 sessionAffinity 与 sessionAffinityConfig（即 sessionAffinity: None）。",
  },
  references = { "ACK DNS 最佳实践: 关闭 kube-dns 服务的亲和性配置" },
  tags = { "dns", "dns-coredns" },
  check = function(s, ctx)
    for _, svc in ipairs(ctx.objects("services")) do
      local md = svc.metadata or {}
      if md.namespace == "kube-system" and md.name == "kube-dns" then
        local aff = k8s.dig(svc, "spec", "sessionAffinity") or "None"
        local evidence = { sessionAffinity = aff,
                           timeoutSeconds = k8s.dig(svc, "spec", "sessionAffinityConfig", "clientIP", "timeoutSeconds") }
        if aff == "ClientIP" then return ctx.warn("kube-dns uses sessionAffinity ClientIP; expected None", evidence) end
        return ctx.pass("kube-dns sessionAffinity " .. aff, evidence)
      end
    end
    return ctx.na("no Service kube-system/kube-dns")
  end,
}
