-- CoreDNS has the memory the seed recommends (DNS best practice: "memory limit 2 GB", the
-- default from CoreDNS 1.7.0, needed when a Corefile reload doubles memory for a while).
-- The coredns container of the CoreDNS Deployment (kube-system/coredns or k8s-app=kube-dns):
--   a CoreDNS Pod whose coredns container was OOM-killed (now or last time)  -> fail
--   no memory limit                                          -> warn (require_limit, unbounded)
--   limit < min_limit (2Gi)                                  -> warn (seed: WARN below 2 GB)
--   request > limit is rejected by the API server, so not checked.
-- Memory usage against the limit (the seed's `kubectl top` reading) needs the metrics API,
-- which kpatrol does not collect: the OOM kills are the usage signal used here.
local k8s = require("k8s")
local coredns = require("coredns")

local function oom_killed(ctx)
  local out = {}
  if not ctx.has_objects("pods") then return out end
  for _, p in ipairs(ctx.objects("pods")) do
    local md = p.metadata or {}
    if md.namespace == "kube-system" and k8s.dig(md, "labels", "k8s-app") == "kube-dns" then
      for _, c in ipairs(k8s.container_statuses(p)) do
        local st = c.status
        if k8s.dig(st, "lastState", "terminated", "reason") == "OOMKilled"
            or k8s.dig(st, "state", "terminated", "reason") == "OOMKilled" then
          out[#out + 1] = md.name .. "/" .. tostring(st.name)
        end
      end
    end
  end
  table.sort(out)
  return out
end

return {
  api = 1,
  id = "health/coredns-memory",
  title = { en = "CoreDNS has enough memory", zh = "CoreDNS 内存配置充足" },
  severity = "medium",
  scope = "cluster",
  requires = { "objects.deployments" },
  params = {
    min_limit = { default = "2Gi", description = "warn when the coredns container's memory limit is below this" },
    require_limit = { default = true, description = "warn when the coredns container has no memory limit" },
  },
  impact = {
    en = "CoreDNS close to or over its memory limit is OOM-killed, typically while it reloads "
      .. "the Corefile or under query bursts: resolution slows down or fails cluster-wide "
      .. "until it restarts.",
    zh = "CoreDNS 内存接近或超过限制时会被 OOM Kill（常见于 Corefile 重新加载或请求突增时），在重启完成前整个集群的域名解析变慢或失败。",
  },
  remediation = {
    en = "Set the coredns container's memory limit to 2Gi (the default from CoreDNS 1.7.0): "
      .. "kubectl -n kube-system edit deployment coredns. Under high query load also deploy "
      .. "NodeLocal DNSCache and scale CoreDNS out.",
    zh = "将 coredns 容器的内存限制设置为 2Gi（CoreDNS 1.7.0 起的默认值）：kubectl -n kube-system edit deployment coredns。"
      .. "查询量大时同时部署 NodeLocal DNSCache 并增加 CoreDNS 副本数。",
  },
  references = { "ACK DNS 最佳实践: 合理配置 CoreDNS 资源（内存限制 2 GB）", "ACK CoreDNS 1.7.0 默认内存限制" },
  tags = { "dns", "dns-coredns", "addon" },
  check = function(s, ctx)
    local d = coredns.deployment(ctx)
    if d == nil then return ctx.na("no CoreDNS Deployment in kube-system") end
    local container
    for _, c in ipairs(k8s.dig(d, "spec", "template", "spec", "containers") or {}) do
      if c.name == "coredns" or container == nil then container = c end
    end
    if container == nil then return ctx.error("the CoreDNS Deployment has no container") end
    local min_text = ctx.param("min_limit")
    local min = ctx.parse_quantity(min_text)
    if min == nil then return ctx.error("parameter min_limit is not a quantity: " .. tostring(min_text)) end
    local limit_text = k8s.dig(container, "resources", "limits", "memory")
    local limit = limit_text and ctx.parse_quantity(limit_text)
    local evidence = { deployment = "kube-system/" .. tostring(k8s.dig(d, "metadata", "name")),
                       container = container.name, limit = limit_text, min_limit = min_text,
                       request = k8s.dig(container, "resources", "requests", "memory") }
    local oom = oom_killed(ctx)
    if #oom > 0 then
      evidence.oom_killed = oom
      return ctx.fail(string.format("CoreDNS was OOM-killed (%s) with memory limit %s; recommended %s",
        table.concat(oom, ", "), tostring(limit_text or "none"), min_text), evidence)
    end
    if limit_text == nil then
      if ctx.param("require_limit") then
        return ctx.warn("the coredns container has no memory limit (recommended " .. min_text .. ")", evidence)
      end
      return ctx.pass("no memory limit (not required by the profile)", evidence)
    end
    if limit == nil then return ctx.error("memory limit is not a quantity: " .. tostring(limit_text)) end
    if limit < min then
      return ctx.warn(string.format("coredns memory limit %s is below the recommended %s",
        limit_text, min_text), evidence)
    end
    return ctx.pass(string.format("coredns memory limit %s (recommended at least %s)", limit_text, min_text), evidence)
  end,
}
