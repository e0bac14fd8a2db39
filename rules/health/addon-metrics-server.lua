-- metrics-server is installed and serving the resource metrics API.
--   no metrics-server Deployment (kube-system, name metrics-server or label
--     k8s-app=metrics-server) -> warn (HPA and kubectl top do not work)
--   Deployment without an available replica -> fail
--   APIService v1beta1.metrics.k8s.io (when collected) not Available, or pointing to another
--     Service than kube-system/metrics-server (overwritten by another adapter) -> fail
local k8s = require("k8s")

return {
  api = 1,
  id = "health/addon-metrics-server",
  title = { en = "metrics-server is installed and healthy", zh = "metrics-server 组件已安装且运行正常" },
  severity = "medium",
  scope = "cluster",
  requires = { "objects.deployments" },
  impact = {
    en = "Without resource metrics, HorizontalPodAutoscalers show <unknown> and stop scaling, "
      .. "and kubectl top and the console's monitoring stay empty.",
    zh = "资源指标不可用时 HPA 显示 <unknown> 并停止伸缩，kubectl top 与控制台监控数据为空。",
  },
  remediation = {
    en = "Install or repair metrics-server (ACK console: Add-ons > metrics-server); restore APIService "
      .. "v1beta1.metrics.k8s.io to service kube-system/metrics-server if another component "
      .. "replaced it.",
    zh = "安装或修复 metrics-server（ACK：组件管理 > metrics-server）；若 APIService v1beta1.metrics.k8s.io 被其他组件覆盖，将其恢复为指向 kube-system/metrics-server。",
  },
  references = { "ACK metrics-server 常见问题", "ACK HPA: FailedGetResourceMetric" },
  tags = { "addon" },
  check = function(s, ctx)
    local dep
    for _, d in ipairs(ctx.objects("deployments")) do
      local md = d.metadata or {}
      if md.namespace == "kube-system" and (md.name == "metrics-server"
          or k8s.dig(md, "labels", "k8s-app") == "metrics-server") then dep = d end
    end
    if dep == nil then return ctx.warn("no metrics-server Deployment in kube-system: HPA and kubectl top do not work") end
    local avail = k8s.dig(dep, "status", "availableReplicas") or 0
    local evidence = { deployment = "kube-system/" .. dep.metadata.name, available = avail,
                       desired = k8s.dig(dep, "spec", "replicas") or 1 }
    if avail == 0 then return ctx.fail("metrics-server has no available replica", evidence) end
    if ctx.has_objects("apiservices") then
      local found = false
      for _, a in ipairs(ctx.objects("apiservices")) do
        if k8s.dig(a, "metadata", "name") == "v1beta1.metrics.k8s.io" then
          found = true
          local svc = k8s.dig(a, "spec", "service") or {}
          local cond = k8s.condition(a, "Available")
          evidence.apiservice_service = tostring(svc.namespace) .. "/" .. tostring(svc.name)
          evidence.apiservice_available = cond and cond.status
          if svc.namespace ~= "kube-system" or svc.name ~= dep.metadata.name then
            return ctx.fail("APIService v1beta1.metrics.k8s.io points to " .. evidence.apiservice_service
              .. ", not kube-system/" .. dep.metadata.name, evidence)
          end
          if cond == nil or cond.status ~= "True" then
            return ctx.fail("APIService v1beta1.metrics.k8s.io is not Available"
              .. (cond and cond.reason and (" (" .. cond.reason .. ")") or ""), evidence)
          end
        end
      end
      if not found then return ctx.fail("APIService v1beta1.metrics.k8s.io is missing", evidence) end
    end
    return ctx.pass(string.format("metrics-server has %d available replicas", avail), evidence)
  end,
}
