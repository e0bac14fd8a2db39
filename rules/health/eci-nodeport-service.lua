-- NodePort Services do not front ECI Pods only (seed 003, ECI-VK-004: NodePort is not
-- supported for ECI). A Service of type NodePort whose selector matches running Pods that are
-- all on virtual nodes (ECI / virtual-kubelet) has no node that forwards its node port.
--   such Services -> warn (listed);  otherwise -> pass;  no virtual node -> na
local k8s = require("k8s")

local function all_labels_match(selector, labels)
  local n = 0
  for k, v in pairs(selector or {}) do
    n = n + 1
    if labels == nil or labels[k] ~= v then return false end
  end
  return n > 0
end

return {
  api = 1,
  id = "health/eci-nodeport-service",
  title = { en = "No NodePort Service fronts only ECI Pods", zh = "NodePort 类型的 Service 后端不全是 ECI Pod" },
  severity = "medium",
  scope = "cluster",
  requires = { "objects.nodes", "objects.services", "objects.pods" },
  impact = {
    en = "ECI Pods are not reachable through a node port: clients of the NodePort get no "
      .. "answer from these Pods.",
    zh = "ECI Pod 不支持通过 NodePort 访问：访问该 NodePort 的客户端得不到这些 Pod 的响应。",
  },
  remediation = {
    en = "Expose ECI Pods through a LoadBalancer Service (or an Ingress) instead of NodePort.",
    zh = "改用 LoadBalancer 类型的 Service（或 Ingress）暴露 ECI Pod，而不是 NodePort。",
  },
  references = { "ECI: Kubernetes 对接 ECI 不支持的功能（NodePort）" },
  tags = { "eci", "network" },
  check = function(s, ctx)
    local virtual = {}
    local any = false
    for _, n in ipairs(ctx.objects("nodes")) do
      if k8s.is_virtual_node(n) then
        virtual[k8s.dig(n, "metadata", "name")] = true
        any = true
      end
    end
    if not any then return ctx.na("no virtual node in the cluster") end
    local bad, checked = {}, 0
    for _, svc in ipairs(ctx.objects("services")) do
      local md = svc.metadata or {}
      local sel = k8s.dig(svc, "spec", "selector")
      if k8s.dig(svc, "spec", "type") == "NodePort" and sel ~= nil then
        checked = checked + 1
        local total, eci = 0, 0
        for _, p in ipairs(ctx.objects("pods")) do
          if k8s.dig(p, "metadata", "namespace") == md.namespace and not k8s.pod_terminated(p)
              and all_labels_match(sel, k8s.dig(p, "metadata", "labels")) then
            total = total + 1
            local node = k8s.dig(p, "spec", "nodeName") or ""
            if virtual[node] or k8s.starts_with(node, "virtual-kubelet") then eci = eci + 1 end
          end
        end
        if total > 0 and eci == total then bad[#bad + 1] = md.namespace .. "/" .. md.name end
      end
    end
    table.sort(bad)
    local evidence = { services = bad, nodeport_services = checked }
    if #bad > 0 then
      return ctx.warn("NodePort Services whose Pods all run on ECI: " .. table.concat(bad, ", "), evidence)
    end
    return ctx.pass(string.format("%s checked, none fronts only ECI Pods",
      k8s.plural(checked, "NodePort Service")), evidence)
  end,
}
