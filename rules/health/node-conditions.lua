-- The node reports no pressure or problem condition.
--   MemoryPressure, DiskPressure, PIDPressure, NetworkUnavailable True -> fail (the kubelet is
--     evicting Pods or the node has no Pod network)
--   any other condition True whose type is in `problem_conditions` (node-problem-detector:
--     KernelDeadlock, ReadonlyFilesystem, FrequentKubeletRestart, ..., InstanceExpired) -> fail
--   a condition in the lists reported Unknown -> warn
-- The Ready condition is health/node-ready's. Nodes known only from host facts get na.
local k8s = require("k8s")

local PRESSURE = { "MemoryPressure", "DiskPressure", "PIDPressure", "NetworkUnavailable" }

return {
  api = 1,
  id = "health/node-conditions",
  title = { en = "Node reports no pressure or problem condition", zh = "节点无资源压力或异常状况（Condition）" },
  severity = "high",
  scope = "node",
  requires = { "objects.nodes" },
  params = {
    problem_conditions = {
      default = { "KernelDeadlock", "ReadonlyFilesystem", "FrequentKubeletRestart",
                  "FrequentDockerRestart", "FrequentContainerdRestart", "CorruptDockerOverlay2",
                  "InstanceExpired", "NTPProblem", "DockerHung", "KubeletProblem",
                  "ContainerRuntimeProblem", "FDPressure" },
      description = "node-problem-detector condition types that are a problem when True",
    },
  },
  impact = {
    en = "Under memory, disk or PID pressure the kubelet evicts Pods and refuses new ones; "
      .. "NetworkUnavailable leaves Pods without a network; node-problem-detector conditions "
      .. "mark kernel or runtime faults that precede NotReady.",
    zh = "存在内存、磁盘或 PID 压力时 kubelet 会驱逐 Pod 并拒绝新的 Pod；NetworkUnavailable 表示 Pod 网络不可用；"
      .. "node-problem-detector 上报的异常状况（内核死锁、只读文件系统、运行时频繁重启等）通常是节点 NotReady 的前兆。",
  },
  remediation = {
    en = "kubectl describe node <node> shows the condition's reason and message. Free memory, "
      .. "disk or PIDs (see the usage findings), check the CNI agent for NetworkUnavailable, and "
      .. "follow the node-problem-detector message for kernel and runtime conditions (often a "
      .. "reboot or node replacement).",
    zh = "执行 kubectl describe node <节点> 查看状况的原因与消息。释放内存、磁盘或 PID（参考使用率检查结果）；NetworkUnavailable 时检查 CNI 组件；"
      .. "内核、运行时类状况按 node-problem-detector 的提示处理（通常需要重启或替换节点）。",
  },
  references = { "ACK 集群检查 节点状态", "ACK node-problem-detector conditions" },
  tags = { "node", "availability" },
  check = function(s, ctx)
    if s.object == nil then return ctx.na("no Node object: this host is known only from host facts") end
    local watched = {}
    for _, t in ipairs(PRESSURE) do watched[t] = true end
    for _, t in ipairs(ctx.param("problem_conditions")) do watched[t] = true end
    local conditions = k8s.dig(s.object, "status", "conditions")
    if conditions == nil or #conditions == 0 then
      -- A Node without status (from manifests, or a node the API never heard from) cannot
      -- vouch for itself: that is "could not evaluate", never a pass.
      return ctx.error("the Node object reports no conditions (no status.conditions)")
    end
    local bad, unknown = {}, {}
    for _, c in ipairs(conditions) do
      if watched[c.type] then
        local item = { type = c.type, status = c.status, reason = c.reason, message = c.message,
                       since = c.lastTransitionTime }
        if c.status == "True" then bad[#bad + 1] = item
        elseif c.status == "Unknown" then unknown[#unknown + 1] = item end
      end
    end
    local function describe(list)
      local parts = {}
      for i, c in ipairs(list) do
        parts[i] = c.type .. "=" .. tostring(c.status) .. (c.reason and (" (" .. c.reason .. ")") or "")
      end
      return table.concat(parts, ", ")
    end
    if #bad > 0 then return ctx.fail("node reports " .. describe(bad), { conditions = bad }) end
    if #unknown > 0 then
      return ctx.warn("node reports " .. describe(unknown) .. ": the kubelet or node-problem-detector stopped reporting",
        { conditions = unknown })
    end
    return ctx.pass("no pressure or problem condition")
  end,
}
