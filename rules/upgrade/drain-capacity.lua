-- Capacity to drain a node: for each schedulable, Ready worker, the CPU and memory requested by
-- its evictable Pods (not DaemonSet or mirror Pods, not finished) must fit into the free
-- allocatable capacity (allocatable - requests) of the other schedulable Ready workers.
-- A node that does not fit -> fail (its Pods would stay Pending during the rolling upgrade).
-- Aggregate capacity, not bin packing: a pass is necessary, not sufficient (affinity, taints,
-- topology spread and per-node pod limits are not modelled).
local up = require("upgrade")

local function is_control_plane(n)
  local l = n.metadata.labels or {}
  return l["node-role.kubernetes.io/control-plane"] ~= nil or l["node-role.kubernetes.io/master"] ~= nil
end

local function ready(n)
  for _, c in ipairs((n.status and n.status.conditions) or {}) do
    if c.type == "Ready" then return c.status == "True" end
  end
  return false
end

local function requests(ctx, pod)
  local cpu, mem = 0, 0
  for _, c in ipairs((pod.spec and pod.spec.containers) or {}) do
    local r = c.resources and c.resources.requests
    if r ~= nil then
      cpu = cpu + (ctx.parse_quantity(tostring(r.cpu or "0")) or 0)
      mem = mem + (ctx.parse_quantity(tostring(r.memory or "0")) or 0)
    end
  end
  return cpu, mem
end

local function gib(b) return string.format("%.1f GiB", b / 1073741824) end
local function cores(c) return string.format("%.2f CPU", c) end

return {
  api = 1,
  id = "upgrade/drain-capacity",
  title = {
    en = "The other nodes can take the Pods of any drained node",
    zh = "其他节点可以容纳任一被排空节点上的 Pod",
  },
  severity = "high",
  scope = "cluster",
  requires = { "objects.nodes", "objects.pods" },
  params = {
    target_version = { default = "", description = "the target Kubernetes version (set by kpatrol precheck --to)" },
  },
  impact = {
    en = "When a drained node's Pods do not fit elsewhere they stay Pending for the whole node "
      .. "upgrade: an outage of those workloads.",
    zh = "被排空节点上的 Pod 如果在其他节点放不下，会在整个节点升级期间保持 Pending，相应工作负载中断。",
  },
  remediation = {
    en = "Add a node (or use surge nodes: ACK 额外节点数 / a larger node pool) before the upgrade, "
      .. "or lower over-sized requests, so the largest node's Pods fit on the others.",
    zh = "升级前增加节点（或使用额外节点：ACK 的“额外节点数”/扩大节点池），或调低过大的 requests，使最大节点上的 Pod 能放到其他节点。",
  },
  tags = { "upgrade", "capacity", "drain" },
  check = function(s, ctx)
    local target, why = up.target(ctx)
    if target == nil then return ctx.na(why) end
    local workers, by_name = {}, {}
    for _, n in ipairs(ctx.objects("nodes")) do
      if not is_control_plane(n) and not (n.spec and n.spec.unschedulable) and ready(n) then
        local a = (n.status and n.status.allocatable) or {}
        local w = { name = n.metadata.name, cpu = ctx.parse_quantity(tostring(a.cpu or "0")) or 0,
                    mem = ctx.parse_quantity(tostring(a.memory or "0")) or 0, rcpu = 0, rmem = 0,
                    ecpu = 0, emem = 0 }
        workers[#workers + 1] = w
        by_name[w.name] = w
      end
    end
    if #workers == 0 then return ctx.na("no schedulable Ready worker nodes") end
    for _, p in ipairs(ctx.objects("pods")) do
      local w = by_name[tostring(p.spec and p.spec.nodeName)]
      local phase = p.status and p.status.phase
      if w ~= nil and phase ~= "Succeeded" and phase ~= "Failed" then
        local cpu, mem = requests(ctx, p)
        w.rcpu, w.rmem = w.rcpu + cpu, w.rmem + mem
        local owner = p.metadata.ownerReferences and p.metadata.ownerReferences[1]
        local mirror = p.metadata.annotations and p.metadata.annotations["kubernetes.io/config.mirror"]
        if (owner == nil or owner.kind ~= "DaemonSet") and mirror == nil then
          w.ecpu, w.emem = w.ecpu + cpu, w.emem + mem
        end
      end
    end
    local tight, largest = {}, nil
    for _, w in ipairs(workers) do
      local fcpu, fmem = 0, 0
      for _, o in ipairs(workers) do
        if o ~= w then
          fcpu = fcpu + math.max(0, o.cpu - o.rcpu)
          fmem = fmem + math.max(0, o.mem - o.rmem)
        end
      end
      if w.ecpu > fcpu or w.emem > fmem then
        tight[#tight + 1] = string.format("%s (%s, %s evictable; the others have %s, %s free)", w.name,
          cores(w.ecpu), gib(w.emem), cores(fcpu), gib(fmem))
      end
      if largest == nil or w.ecpu > largest.ecpu or (w.ecpu == largest.ecpu and w.emem > largest.emem) then
        largest = w
        largest.fcpu, largest.fmem = fcpu, fmem
      end
    end
    local evidence = { workers = #workers, largest = largest.name, largest_cpu = largest.ecpu,
                       largest_memory_bytes = largest.emem }
    if #tight > 0 then
      return ctx.fail(string.format("draining %d node(s) leaves Pods without room: %s", #tight,
        up.summary(tight, 3)), evidence)
    end
    return ctx.pass(string.format("the largest node %s (%s, %s requested) fits in the free capacity of the "
      .. "other %d worker(s) (%s, %s)", largest.name, cores(largest.ecpu), gib(largest.emem), #workers - 1,
      cores(largest.fcpu), gib(largest.fmem)), evidence)
  end,
}
