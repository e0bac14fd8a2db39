-- The Pod's DNS settings are usable (ACK DNS 策略配置):
--   dnsPolicy None without dnsConfig.nameservers -> fail (the Pod has no resolver)
--   dnsConfig.nameservers more than max_nameservers (3) or searches more than max_searches (6)
--     -> fail (the API server rejects them; only the first ones would be used)
--   hostNetwork with dnsPolicy ClusterFirst (the default) -> warn: it falls back to the node's
--     resolv.conf and cannot resolve cluster Services (use ClusterFirstWithHostNet)
--   dnsConfig options ndots above max_ndots (5) -> warn (every name is tried with all search
--     domains first)
-- System workloads in `exempt` skip the hostNetwork check (node agents resolve like the node).
local k8s = require("k8s")

return {
  api = 1,
  id = "health/pod-dns-config",
  title = { en = "Pod DNS settings are usable", zh = "Pod DNS 配置（dnsPolicy/dnsConfig）合理" },
  severity = "medium",
  scope = "pod",
  applies = function(s) return not k8s.pod_terminated(s.object) end,
  params = {
    max_nameservers = { default = 3, description = "most nameservers a Pod may list" },
    max_searches = { default = 6, description = "most search domains a Pod may list" },
    max_ndots = { default = 5, description = "warn above this ndots" },
    exempt = {
      default = {
        { namespace = "kube-system", reason = "node agents on the host network resolve like the node" },
        { name_prefix = "node-exporter", reason = "node-exporter needs no cluster DNS" },
      },
      description = "Pods not checked for hostNetwork + ClusterFirst: { namespace, name_prefix or name, reason }",
    },
  },
  impact = {
    en = "The Pod cannot resolve cluster Services or any name at all, or every lookup goes "
      .. "through a long list of search domains first.",
    zh = "Pod 无法解析集群内 Service 或任何域名，或每次解析都要先尝试大量搜索域，导致解析缓慢。",
  },
  remediation = {
    en = "Use dnsPolicy ClusterFirstWithHostNet for hostNetwork Pods that need cluster DNS; give "
      .. "dnsPolicy None Pods dnsConfig.nameservers; keep at most 3 nameservers and 6 search "
      .. "domains; lower ndots (e.g. 2) for Pods resolving mostly external names.",
    zh = "需要集群 DNS 的 hostNetwork Pod 使用 dnsPolicy: ClusterFirstWithHostNet；dnsPolicy None 时必须配置 dnsConfig.nameservers；"
      .. "nameservers 不超过 3 个、searches 不超过 6 个；主要解析外部域名的 Pod 可调低 ndots（如 2）。",
  },
  references = { "ACK DNS 策略配置和域名解析说明" },
  tags = { "dns", "dns-client", "pod" },
  check = function(s, ctx)
    local spec = s.object.spec or {}
    local policy = spec.dnsPolicy or "ClusterFirst"
    local cfg = spec.dnsConfig or {}
    local ns, searches = cfg.nameservers or {}, cfg.searches or {}
    local evidence = { dnsPolicy = policy, hostNetwork = spec.hostNetwork == true,
                       nameservers = #ns, searches = #searches }
    if policy == "None" and #ns == 0 then
      return ctx.fail("dnsPolicy None without dnsConfig.nameservers: the Pod has no resolver", evidence)
    end
    if #ns > ctx.param("max_nameservers") then
      return ctx.fail(string.format("%d nameservers in dnsConfig; at most %d", #ns, ctx.param("max_nameservers")), evidence)
    end
    if #searches > ctx.param("max_searches") then
      return ctx.fail(string.format("%d search domains in dnsConfig; at most %d", #searches, ctx.param("max_searches")), evidence)
    end
    for _, o in ipairs(cfg.options or {}) do
      if o.name == "ndots" and tonumber(o.value) and tonumber(o.value) > ctx.param("max_ndots") then
        evidence.ndots = tonumber(o.value)
        return ctx.warn(string.format("ndots %s: every name is first tried with each search domain", o.value), evidence)
      end
    end
    if spec.hostNetwork == true and policy == "ClusterFirst" then
      local e = k8s.exemption(ctx.param("exempt"), s.namespace, s.name)
      if e == nil then
        return ctx.warn("hostNetwork Pod with dnsPolicy ClusterFirst resolves through the node's "
          .. "resolv.conf and cannot resolve cluster Services; use ClusterFirstWithHostNet", evidence)
      end
    end
    return ctx.pass("dnsPolicy " .. policy, evidence)
  end,
}
