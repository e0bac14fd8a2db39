-- node-problem-detector runs on the nodes: a DaemonSet whose name contains
-- "node-problem-detector" (ACK: ack-node-problem-detector-daemonset).
--   missing -> warn (kernel, runtime and NTP problems are not reported as node conditions/events)
--   fewer ready than desired Pods -> fail (some nodes are not watched)
local k8s = require("k8s")

return {
  api = 1,
  id = "health/addon-node-problem-detector",
  title = { en = "node-problem-detector runs on every node", zh = "node-problem-detector 已安装并在所有节点运行" },
  severity = "low",
  scope = "cluster",
  requires = { "objects.daemonsets" },
  impact = {
    en = "Kernel deadlocks, runtime hangs, fd/PID pressure and NTP failures are not turned "
      .. "into node conditions and events, so alerts and the cluster check miss them.",
    zh = "内核死锁、运行时卡死、文件句柄/PID 压力与 NTP 异常不会被转换为节点状况和事件，告警与集群检查无法发现这些问题。",
  },
  remediation = {
    en = "Install node-problem-detector (ACK console: Add-ons > Logs and Monitoring > ack-node-problem-detector, "
      .. "with the event centre), and fix the Pods that are not ready.",
    zh = "安装 node-problem-detector（ACK：组件管理 > 日志与监控 > ack-node-problem-detector，并创建事件中心），并修复未就绪的 Pod。",
  },
  references = { "ACK 事件监控: node-problem-detector" },
  tags = { "addon", "node" },
  check = function(s, ctx)
    for _, ds in ipairs(ctx.objects("daemonsets")) do
      local name = k8s.dig(ds, "metadata", "name") or ""
      if name:find("node-problem-detector", 1, true) then
        local desired = k8s.dig(ds, "status", "desiredNumberScheduled") or 0
        local ready = k8s.dig(ds, "status", "numberReady") or 0
        local evidence = { daemonset = k8s.dig(ds, "metadata", "namespace") .. "/" .. name, desired = desired, ready = ready }
        if ready < desired then
          return ctx.fail(string.format("%s: %d of %d Pods ready", name, ready, desired), evidence)
        end
        return ctx.pass(string.format("%s: %d of %d Pods ready", name, ready, desired), evidence)
      end
    end
    return ctx.warn("node-problem-detector is not installed: node kernel and runtime problems go unreported")
  end,
}
