-- The Pod's liveness, readiness and startup probes are not failing (seed: pods with failing
-- probes; `kubectl describe pod` shows them as Unhealthy events).
--
-- Only Pods with a container that is not ready or has restarted are looked at: a container
-- whose liveness or startup probe fails failureThreshold times is restarted, one whose
-- readiness probe fails is not ready, so a Pod with every container ready and no restart has
-- no probe failing now (pass, no event needed). For the others, the Warning events with
-- reason Unhealthy ("Liveness probe failed: ...", "Readiness probe failed: ...", "Startup
-- probe failed: ...") of the last `window_minutes` are counted per container and probe:
--   liveness or startup failures >= liveness_failures                -> fail (restarts)
--   readiness failures >= readiness_failures on a container not ready -> fail (no traffic)
--   fewer failures                                                    -> warn
--   no probe failure event                                            -> pass (another cause:
--     pod-crashloop, pod-oomkilled, pod-not-ready report it)
-- Events not collected while a container is not ready or restarted -> error (cannot tell).
local k8s = require("k8s")

local KINDS = { Liveness = "liveness", Readiness = "readiness", Startup = "startup" }

-- "spec.containers{web}" -> "web"
local function container_of(field_path)
  if type(field_path) ~= "string" then return nil end
  return field_path:match("{([^}]*)}")
end

local function event_time(ctx, e)
  local candidates = { k8s.dig(e, "series", "lastObservedTime"), e.lastTimestamp, e.eventTime,
                       e.firstTimestamp, k8s.dig(e, "metadata", "creationTimestamp") }
  for i = 1, 5 do  -- not ipairs: any of them may be nil
    local v = candidates[i]
    local t = type(v) == "string" and ctx.parse_time(v) or nil
    if t ~= nil then return t end
  end
  return nil
end

local function troubled(pod)
  local out = {}
  for _, c in ipairs(k8s.container_statuses(pod)) do
    local st = c.status
    if c.kind == "container" and (st.ready ~= true or (st.restartCount or 0) > 0) then
      out[st.name] = { ready = st.ready == true, restarts = st.restartCount or 0 }
    end
  end
  return out
end

return {
  api = 1,
  id = "health/pod-probe-failing",
  title = {
    en = "No Pod's liveness, readiness or startup probe is failing",
    zh = "Pod 的存活、就绪与启动探针未持续失败",
  },
  severity = "high",
  scope = "pod",
  applies = function(s)
    return not k8s.pod_terminated(s.object) and k8s.dig(s.object, "status", "containerStatuses") ~= nil
  end,
  params = {
    window_minutes = { default = 60, description = "count probe failure events seen within this many minutes" },
    liveness_failures = { default = 3, description = "fail at this many liveness or startup probe failures (the default failureThreshold)" },
    readiness_failures = { default = 3, description = "fail at this many readiness probe failures of a container that is not ready" },
  },
  impact = {
    en = "A failing liveness or startup probe makes the kubelet restart the container over and "
      .. "over; a failing readiness probe takes the Pod out of its Services' endpoints, so it "
      .. "gets no traffic.",
    zh = "存活或启动探针失败会导致 kubelet 反复重启容器；就绪探针失败会使 Pod 从 Service 的后端中摘除，不再接收流量。",
  },
  remediation = {
    en = "kubectl describe pod <pod> shows the probe's error (status code, timeout, connection "
      .. "refused). Fix the endpoint the probe calls, or fit the probe to the application: a "
      .. "startupProbe for slow starts, larger timeoutSeconds/periodSeconds/failureThreshold, "
      .. "the right port and path.",
    zh = "执行 kubectl describe pod <pod> 查看探针失败原因（状态码、超时、连接被拒绝）。修复探针访问的接口，"
      .. "或按应用特性调整探针：启动慢的应用配置 startupProbe，适当增大 timeoutSeconds、periodSeconds、"
      .. "failureThreshold，确认端口与路径正确。",
  },
  references = { "ACK 集群检查: Pod 探针失败", "Kubernetes: Configure Liveness, Readiness and Startup Probes" },
  tags = { "pod", "probes" },
  check = function(s, ctx)
    local pod = s.object
    local bad = troubled(pod)
    if next(bad) == nil then return ctx.pass("every container is ready and has not restarted") end
    if not ctx.has_objects("events") then
      return ctx.error("events were not collected: cannot tell whether failing probes make "
        .. k8s.join(k8s.sorted_keys(bad), ", ") .. " unready or restart")
    end
    local md = pod.metadata or {}
    local now = ctx.now()
    local since = now - ctx.param("window_minutes") * 60
    local counts, last = {}, {}
    for _, e in ipairs(ctx.objects("events")) do
      local io = e.involvedObject or {}
      if e.reason == "Unhealthy" and io.kind == "Pod" and io.name == md.name
          and io.namespace == md.namespace and type(e.message) == "string" then
        local kind = KINDS[e.message:match("^(%a+) probe failed") or ""]
        local t = event_time(ctx, e)
        local c = container_of(io.fieldPath) or "?"
        if kind ~= nil and (t == nil or t >= since) then
          local key = c .. "|" .. kind
          counts[key] = (counts[key] or 0) + (k8s.dig(e, "series", "count") or e.count or 1)
          last[key] = e.message
        end
      end
    end
    local failing, warned, evidence = {}, {}, { window_minutes = ctx.param("window_minutes"), probes = {} }
    for _, key in ipairs(k8s.sorted_keys(counts)) do
      local c, kind = key:match("^(.*)|(%a+)$")
      local n = counts[key]
      local state = bad[c]
      local text = string.format("%s %s probe failed %s (%s)", c, kind, k8s.plural(n, "time"),
        string.sub(last[key], 1, 200))
      evidence.probes[#evidence.probes + 1] = { container = c, probe = kind, failures = n,
                                                last_message = last[key] }
      if (kind ~= "readiness" and n >= ctx.param("liveness_failures"))
          or (kind == "readiness" and state ~= nil and not state.ready and n >= ctx.param("readiness_failures")) then
        failing[#failing + 1] = text
      elseif state ~= nil then
        warned[#warned + 1] = text
      end
    end
    if #failing > 0 then return ctx.fail(table.concat(failing, "; "), evidence) end
    if #warned > 0 then return ctx.warn(table.concat(warned, "; "), evidence) end
    return ctx.pass("containers not ready or restarted ("
      .. k8s.join(k8s.sorted_keys(bad), ", ") .. "), but no probe failed in the last "
      .. ctx.param("window_minutes") .. " minutes", evidence)
  end,
}
