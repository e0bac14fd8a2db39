-- The node's Ready condition is True and fresh.
--   Ready False/Unknown for longer than notready_minutes (10, the ACK managed node pool's
--     auto-repair trigger) -> fail; for a shorter time -> warn (a kubelet restart, a reboot)
--   Ready True but its lastHeartbeatTime older than heartbeat_minutes (10) before the scan ->
--     fail: the node stopped reporting and the status is stale
-- Nodes known only from host facts (no Node object) get na; a Node without any Ready condition
-- fails (the kubelet never reported).
local k8s = require("k8s")

return {
  api = 1,
  id = "health/node-ready",
  title = {
    en = "Node is Ready",
    zh = "节点状态为 Ready",
  },
  severity = "critical",
  scope = "node",
  requires = { "objects.nodes" },
  params = {
    notready_minutes = { default = 10, description = "fail when NotReady for longer than this (warn before)" },
    heartbeat_minutes = { default = 10, description = "fail when the Ready heartbeat is older than this" },
  },
  impact = {
    en = "No new Pods are scheduled to a NotReady node, and after the eviction timeout its Pods "
      .. "are evicted; Unknown means the kubelet stopped reporting altogether.",
    zh = "NotReady 节点不会再被调度新的 Pod，超时后其上的 Pod 会被驱逐；状态为 Unknown 表示 kubelet 已停止上报心跳。",
  },
  remediation = {
    en = "Check the kubelet and the container runtime on the node (systemctl status kubelet "
      .. "containerd; journalctl -u kubelet), disk/memory/PID pressure, the CNI plugin and the "
      .. "node's network path to the API server.",
    zh = "登录节点检查 kubelet 与容器运行时（systemctl status kubelet containerd；journalctl -u kubelet），"
      .. "排查磁盘、内存、PID 压力，CNI 网络插件，以及节点到 API Server 的网络连通性。也可使用节点诊断功能定位。",
  },
  tags = { "node", "availability" },
  check = function(s, ctx)
    if s.object == nil then
      return ctx.na("no Node object: this host is known only from host facts")
    end
    local c = k8s.condition(s.object, "Ready")
    if c == nil then
      return ctx.fail("node reports no Ready condition", { expected = "Ready=True" })
    end
    local evidence = { status = c.status, reason = c.reason, message = c.message,
                       since = c.lastTransitionTime, expected = "True" }
    if c.status == "True" then
      local beat = c.lastHeartbeatTime and ctx.parse_time(c.lastHeartbeatTime)
      local limit = ctx.param("heartbeat_minutes") * 60
      if beat ~= nil and ctx.now() - beat > limit then
        evidence.last_heartbeat = c.lastHeartbeatTime
        return ctx.fail(string.format("node is Ready but its last heartbeat was %s ago (threshold %dm): "
          .. "the status is stale", k8s.human_duration(ctx.now() - beat), ctx.param("heartbeat_minutes")),
          evidence)
      end
      return ctx.pass("node is Ready", evidence)
    end
    local since = c.lastTransitionTime and ctx.parse_time(c.lastTransitionTime)
    local age = since and (" for " .. k8s.human_duration(ctx.now() - since)) or ""
    local state = c.status == "Unknown" and "Unknown" or "NotReady"
    local detail = c.reason and (": " .. c.reason .. (c.message and (" (" .. c.message .. ")") or ""))
      or ""
    local msg = string.format("node is %s%s%s", state, age, detail)
    if since ~= nil and ctx.now() - since <= ctx.param("notready_minutes") * 60 then
      return ctx.warn(msg .. string.format("; within the %dm grace period", ctx.param("notready_minutes")),
        evidence)
    end
    return ctx.fail(msg, evidence)
  end,
}
