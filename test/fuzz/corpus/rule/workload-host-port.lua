-- No container publishes a hostPort (containers[].ports[].hostPort set is a risk; init
-- containers included). ACK 配置巡检 hostPortSet; the ACK and strict readings are the same.
-- System workloads in `exempt` get na with the reason.
local k8s = require("k8s")
local podsec = require("podsec")

return {
  api = 1,
  id = "workload/host-port",
  title = { en = "Containers do not use hostPort", zh = "容器未使用宿主机端口（hostPort）" },
  severity = "medium",
  scope = "pod",
  applies = podsec.applies,
  params = {
    exempt = { default = podsec.system_exempt(),
               description = "Pods allowed to use hostPort: { namespace, name_prefix or name, reason }" },
  },
  impact = {
    en = "A hostPort occupies the port on the node (one Pod per node, scheduling failures) and "
      .. "exposes the container to anyone who can reach the node's address.",
    zh = "hostPort 会占用节点端口（每个节点只能运行一个副本，容易调度失败），并使容器暴露给任何能访问节点地址的客户端。",
  },
  remediation = {
    en = "Remove ports[].hostPort and expose the container through a Service (ClusterIP, "
      .. "NodePort or LoadBalancer).",
    zh = "删除 ports[].hostPort，通过 Service（ClusterIP、NodePort 或 LoadBalancer）暴露容器。",
  },
  references = { "ACK 配置巡检 hostPortSet" },
  tags = { "security", "network", "config-inspection" },
  check = function(s, ctx)
    local bad = {}
    for _, e in ipairs(podsec.containers(s.object)) do
      for _, p in ipairs(e.c.ports or {}) do
        if p.hostPort ~= nil and p.hostPort ~= 0 then
          bad[#bad + 1] = { container = e.label, hostPort = p.hostPort, containerPort = p.containerPort }
        end
      end
    end
    return podsec.result(ctx, s, bad, "publish a hostPort", "no hostPort")
  end,
}
