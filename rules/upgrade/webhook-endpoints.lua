-- Admission webhooks with failurePolicy Fail (the v1 default) whose Service has no ready
-- endpoint (EndpointSlices labelled kubernetes.io/service-name): every matching API request is
-- rejected, including the writes the upgrade makes (kube-system Pods, nodes, leases) -> fail.
-- Webhooks called by URL, or with failurePolicy Ignore, are not checked.
local up = require("upgrade")

local function ready_endpoints(slices, ns, name)
  local n = 0
  for _, sl in ipairs(slices) do
    local labels = sl.metadata.labels or {}
    if sl.metadata.namespace == ns and labels["kubernetes.io/service-name"] == name then
      for _, ep in ipairs(sl.endpoints or {}) do
        local ready = ep.conditions and ep.conditions.ready
        if ready ~= false then n = n + 1 end
      end
    end
  end
  return n
end

return {
  api = 1,
  id = "upgrade/webhook-endpoints",
  title = {
    en = "Fail-closed admission webhooks have ready endpoints",
    zh = "失败即拒绝的准入 Webhook 有可用端点",
  },
  severity = "critical",
  scope = "cluster",
  requires = { "objects.endpointslices" },
  params = {
    target_version = { default = "", description = "the target Kubernetes version (set by kpatrol precheck --to)" },
  },
  impact = {
    en = "A failurePolicy: Fail webhook without a backend rejects every request it matches: "
      .. "control-plane Pods, node updates and the upgrade's own writes fail.",
    zh = "failurePolicy 为 Fail 且没有可用后端的 Webhook 会拒绝其匹配的所有请求：控制面 Pod、节点更新以及升级过程本身的写操作都会失败。",
  },
  remediation = {
    en = "Restore the webhook's backend (its Deployment and Service), or delete the stale "
      .. "webhook configuration, or set failurePolicy: Ignore and exclude kube-system with a "
      .. "namespaceSelector before upgrading.",
    zh = "恢复 Webhook 的后端（其 Deployment 与 Service），或删除失效的 Webhook 配置，或在升级前将 failurePolicy 设为 Ignore，"
      .. "并通过 namespaceSelector 排除 kube-system。",
  },
  tags = { "upgrade", "webhook" },
  check = function(s, ctx)
    local target, why = up.target(ctx)
    if target == nil then return ctx.na(why) end
    local have_v = ctx.has_objects("validatingwebhookconfigurations")
    local have_m = ctx.has_objects("mutatingwebhookconfigurations")
    if not have_v and not have_m then
      return ctx.error("webhook configurations were not collected")
    end
    local slices = ctx.objects("endpointslices")
    local bad, checked = {}, 0
    for _, plural in ipairs({ "validatingwebhookconfigurations", "mutatingwebhookconfigurations" }) do
      if ctx.has_objects(plural) then
        for _, cfg in ipairs(ctx.objects(plural)) do
          for _, wh in ipairs(cfg.webhooks or {}) do
            local policy = wh.failurePolicy or "Fail"
            local svc = wh.clientConfig and wh.clientConfig.service
            if policy == "Fail" and svc ~= nil then
              checked = checked + 1
              if ready_endpoints(slices, svc.namespace, svc.name) == 0 then
                bad[#bad + 1] = string.format("%s/%s → service %s/%s has no ready endpoints", up.ref(cfg),
                  tostring(wh.name), tostring(svc.namespace), tostring(svc.name))
              end
            end
          end
        end
      end
    end
    if #bad > 0 then
      return ctx.fail(string.format("%d fail-closed webhook(s) without a backend: %s", #bad, up.summary(bad, 4)),
        { webhooks = up.head(bad, 20) })
    end
    return ctx.pass(string.format("%d fail-closed webhook(s), all with ready endpoints", checked))
  end,
}
