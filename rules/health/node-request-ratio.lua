-- Requested CPU and memory per node stay below its allocatable.
-- requested = Σ requests of the node's non-terminated Pods (a container without a request
-- counts as 0; init containers count with their maximum, as the scheduler does).
--   ratio >= fail_percent (100): the scheduler places no new Pod asking for that resource -> fail
--   ratio >= warn_percent (90) -> warn
-- Cluster scope (one pass over the Pods); the message names the worst nodes, the evidence lists
-- every node over the warning threshold.
local k8s = require("k8s")

local function pod_requests(ctx, pod)
  local cpu, mem = 0, 0
  for _, c in ipairs(k8s.dig(pod, "spec", "containers") or {}) do
    cpu = cpu + (ctx.parse_quantity(tostring(k8s.dig(c, "resources", "requests", "cpu") or "0")) or 0)
    mem = mem + (ctx.parse_quantity(tostring(k8s.dig(c, "resources", "requests", "memory") or "0")) or 0)
  end
  for _, c in ipairs(k8s.dig(pod, "spec", "initContainers") or {}) do
    cpu = math.max(cpu, ctx.parse_quantity(tostring(k8s.dig(c, "resources", "requests", "cpu") or "0")) or 0)
    mem = math.max(mem, ctx.parse_quantity(tostring(k8s.dig(c, "resources", "requests", "memory") or "0")) or 0)
  end
  return cpu, mem
end

return {
  api = 1,
  id = "health/node-request-ratio",
  title = { en = "Nodes have unrequested CPU and memory", zh = "节点 CPU 与内存请求率（requests）未饱和" },
  severity = "medium",
  scope = "cluster",
  requires = { "objects.nodes", "objects.pods" },
  params = {
    warn_percent = { default = 90, description = "warn at or above this request ratio (percent)" },
    fail_percent = { default = 100, description = "fail at or above this request ratio (percent)" },
  },
  impact = {
    en = "A node whose allocatable is fully requested accepts no new Pod: rollouts and "
      .. "rescheduled Pods stay Pending although the node may be idle.",
    zh = "节点可分配资源被 requests 占满后不能再调度新的 Pod，即使节点实际负载很低，发布和重建的 Pod 也会 Pending。",
  },
  remediation = {
    en = "Right-size requests from observed usage, spread workloads (kubectl describe node "
      .. "shows Allocated resources) or add nodes.",
    zh = "根据实际用量调整 requests，分散负载（kubectl describe node 查看 Allocated resources），或扩容节点。",
  },
  references = { "ACK 节点资源水位：CPU/内存请求率" },
  tags = { "node", "resources", "scheduling" },
  check = function(s, ctx)
    local per = {}
    for _, p in ipairs(ctx.objects("pods")) do
      local node = k8s.dig(p, "spec", "nodeName")
      if node ~= nil and not k8s.pod_terminated(p) then
        local cpu, mem = pod_requests(ctx, p)
        local e = per[node] or { cpu = 0, mem = 0 }
        e.cpu, e.mem = e.cpu + cpu, e.mem + mem
        per[node] = e
      end
    end
    local warn_pct, fail_pct = ctx.param("warn_percent"), ctx.param("fail_percent")
    local over, worst, checked = {}, nil, 0
    for _, n in ipairs(ctx.objects("nodes")) do
      local name = k8s.dig(n, "metadata", "name")
      local alloc = k8s.dig(n, "status", "allocatable") or {}
      local acpu = ctx.parse_quantity(tostring(alloc.cpu or "0")) or 0
      local amem = ctx.parse_quantity(tostring(alloc.memory or "0")) or 0
      local req = per[name] or { cpu = 0, mem = 0 }
      if acpu > 0 and amem > 0 then
        checked = checked + 1
        local cp, mp = req.cpu * 100 / acpu, req.mem * 100 / amem
        local pct, what = cp, "cpu"
        if mp > cp then pct, what = mp, "memory" end
        local row = { node = name, cpu_percent = math.floor(cp * 10 + 0.5) / 10,
                      memory_percent = math.floor(mp * 10 + 0.5) / 10, resource = what, percent = pct }
        if pct >= warn_pct then over[#over + 1] = row end
        if worst == nil or pct > worst.percent then worst = row end
      end
    end
    if worst == nil then return ctx.na("no node reports allocatable cpu and memory") end
    table.sort(over, function(a, b)
      if a.percent ~= b.percent then return a.percent > b.percent end
      return a.node < b.node
    end)
    for _, r in ipairs(over) do r.percent = nil end
    local evidence = { warn_percent = warn_pct, fail_percent = fail_pct, nodes = over }
    local top = string.format("%s requests %s of its allocatable %s", worst.node,
      k8s.percent(worst.resource == "cpu" and worst.cpu_percent or worst.memory_percent), worst.resource)
    local worst_pct = worst.resource == "cpu" and worst.cpu_percent or worst.memory_percent
    if worst_pct >= fail_pct then
      return ctx.fail(string.format("%d of %d nodes are fully requested; %s", #over, checked, top), evidence)
    elseif worst_pct >= warn_pct then
      return ctx.warn(string.format("%d of %d nodes at or above %d%% requested; %s", #over, checked,
        warn_pct, top), evidence)
    end
    return ctx.pass(string.format("%d nodes below %d%% requested; highest: %s", checked, warn_pct, top),
      evidence)
  end,
}
