-- kube-proxy sizes the conntrack table generously: conntrack.maxPerCore of the
-- KubeProxyConfiguration (ConfigMap kube-system/kube-proxy or kube-proxy-worker) is at least
-- `min_max_per_core` (65536, the ACK advice). Unset (null/absent) means kube-proxy's default,
-- 32768. 0 means kube-proxy leaves nf_conntrack_max alone (pass with a note).
--   below the minimum -> warn; no kube-proxy ConfigMap -> na
local kubeproxy = require("kubeproxy")

return {
  api = 1,
  id = "health/kube-proxy-conntrack",
  title = { en = "kube-proxy conntrack.maxPerCore is at least 65536", zh = "kube-proxy conntrack.maxPerCore 不低于 65536" },
  severity = "low",
  scope = "cluster",
  requires = { "objects.configmaps" },
  params = {
    min_max_per_core = { default = 65536, description = "smallest maxPerCore accepted" },
  },
  impact = {
    en = "A small conntrack table fills up under many short connections or DNS queries and "
      .. "the kernel drops new connections.",
    zh = "conntrack 表过小时，大量短连接或 DNS 查询会将其占满，内核随后丢弃新建连接。",
  },
  remediation = {
    en = "Set conntrack.maxPerCore: 65536 (or more) in the kube-proxy ConfigMap (ACK: "
      .. "kube-proxy-worker; dedicated clusters also kube-proxy-master) and recreate the "
      .. "kube-proxy Pods.",
    zh = "在 kube-proxy ConfigMap（ACK 为 kube-proxy-worker，专有版还有 kube-proxy-master）中设置 conntrack.maxPerCore: 65536 或更高，然后重建 kube-proxy Pod。",
  },
  references = { "ACK 网络: 调整 conntrack 上限 (maxPerCore 65536)" },
  tags = { "network", "conntrack", "kube-proxy" },
  check = function(s, ctx)
    local cfg, name = kubeproxy.config(ctx)
    if cfg == nil then return ctx.na(name) end
    local raw = cfg["conntrack.maxPerCore"]
    local value = tonumber(raw)
    local source = "ConfigMap kube-system/" .. name
    if value == nil then value = 32768; source = source .. " (unset: kube-proxy default 32768)" end
    local min = ctx.param("min_max_per_core")
    local evidence = { configmap = name, maxPerCore = value, expected_min = min }
    if value == 0 then return ctx.pass("maxPerCore 0: kube-proxy does not manage nf_conntrack_max (" .. source .. ")", evidence) end
    if value < min then
      return ctx.warn(string.format("conntrack.maxPerCore %d < %d in %s", value, min, source), evidence)
    end
    return ctx.pass(string.format("conntrack.maxPerCore %d in %s", value, source), evidence)
  end,
}
