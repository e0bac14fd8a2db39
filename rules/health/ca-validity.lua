-- CA certificates on the node (is_ca) stay valid well beyond the certificates they sign.
--   a CA expired or not yet valid                              -> fail
--   a CA expiring within ca_warn_days (365)                    -> warn: renewing leaf
--     certificates cannot extend them past the CA, and rotating a CA takes planning
--   a leaf certificate issued by a CA on the node that outlives it -> warn
local k8s = require("k8s")

return {
  api = 1,
  id = "health/ca-validity",
  title = { en = "Cluster CA certificates are valid for long enough", zh = "集群 CA 证书有效期充足" },
  severity = "high",
  scope = "node",
  requires = { "certificates" },
  params = {
    ca_warn_days = { default = 365, description = "warn when a CA expires within this many days" },
  },
  impact = {
    en = "When a CA expires every certificate it signed stops being trusted at once: the "
      .. "whole control plane and all kubelets fail together.",
    zh = "CA 证书过期后其签发的所有证书同时失去信任，整个管控面和所有 kubelet 会同时失效。",
  },
  remediation = {
    en = "Plan a CA rotation well before expiry (kubeadm: manual CA rotation procedure; ACK: "
      .. "contact support for managed CAs), then re-issue the leaf certificates.",
    zh = "在 CA 过期前尽早规划 CA 轮换（kubeadm：按手动轮换 CA 的流程操作；ACK 托管 CA 请联系技术支持），然后重新签发各组件证书。",
  },
  references = { "ACK 集群证书: CA 证书有效期", "Kubernetes: manual rotation of CA certificates" },
  tags = { "node", "certificates", "node-component" },
  check = function(s, ctx)
    local now = ctx.now()
    local warn_days = ctx.param("ca_warn_days")
    local cas, fails, warns = {}, {}, {}
    for _, c in ipairs(s.facts.certificates) do
      if c.is_ca == true then
        local na = c.not_after and ctx.parse_time(c.not_after)
        local nb = c.not_before and ctx.parse_time(c.not_before)
        if na == nil then return ctx.error("cannot parse not_after of " .. tostring(c.path)) end
        cas[#cas + 1] = { path = c.path, subject = c.subject, not_after = c.not_after, t = na,
                          days_left = k8s.days_until(now, na) }
        if na <= now then fails[#fails + 1] = c.path .. " expired on " .. c.not_after
        elseif nb ~= nil and nb > now then fails[#fails + 1] = c.path .. " is not valid before " .. c.not_before
        elseif k8s.days_until(now, na) <= warn_days then
          warns[#warns + 1] = string.format("%s expires in %d days (%s)", c.path, k8s.days_until(now, na), c.not_after)
        end
      end
    end
    if #cas == 0 then return ctx.na("no CA certificate on this node") end
    for _, c in ipairs(s.facts.certificates) do
      if c.is_ca ~= true and c.issuer ~= nil then
        local na = c.not_after and ctx.parse_time(c.not_after)
        for _, ca in ipairs(cas) do
          if ca.subject == c.issuer and na ~= nil and na > ca.t then
            warns[#warns + 1] = string.format("%s outlives its CA %s (%s > %s)", tostring(c.path), ca.path, c.not_after, ca.not_after)
          end
        end
      end
    end
    local evidence = { cas = {} }
    for i, ca in ipairs(cas) do evidence.cas[i] = { path = ca.path, not_after = ca.not_after, days_left = ca.days_left } end
    if #fails > 0 then return ctx.fail(table.concat(fails, "; "), evidence) end
    if #warns > 0 then return ctx.warn(table.concat(warns, "; "), evidence) end
    table.sort(cas, function(a, b) return a.t < b.t end)
    return ctx.pass(string.format("%s valid; the earliest expires in %d days: %s", k8s.plural(#cas, "CA"),
      cas[1].days_left, cas[1].path), evidence)
  end,
}
