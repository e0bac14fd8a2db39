-- A Running Pod is Ready: containers that run but stay unready for longer than
-- `grace_minutes` (5) mean a failing readiness probe (or a startup probe that never succeeds).
--   Ready False/ContainersReady False for longer than the grace period -> warn, naming the
--     unready running containers and whether they have a readiness probe
-- Pods whose containers are waiting (CrashLoopBackOff, image pulls, ContainerCreating) are left
-- to health/pod-crashloop, health/pod-image-pull and health/pod-pending (na here); completed
-- and Pending Pods are not evaluated.
local k8s = require("k8s")

return {
  api = 1,
  id = "health/pod-not-ready",
  title = { en = "Running Pods pass their readiness probes", zh = "运行中的 Pod 就绪探针检查通过（Ready）" },
  severity = "medium",
  scope = "pod",
  applies = function(s) return k8s.dig(s.object, "status", "phase") == "Running" end,
  params = {
    grace_minutes = { default = 5, description = "warn when not Ready for longer than this" },
  },
  impact = {
    en = "An unready Pod receives no Service traffic: the workload runs with less capacity, "
      .. "and a rollout waiting for it stalls.",
    zh = "未就绪的 Pod 不会接收 Service 流量，工作负载实际容量下降，等待其就绪的发布也会卡住。",
  },
  remediation = {
    en = "kubectl describe pod <pod> shows the probe failures (Unhealthy events). Check the "
      .. "probe's path, port and timeout against the application, and the dependencies the "
      .. "application waits for.",
    zh = "执行 kubectl describe pod <pod> 查看探针失败事件（Unhealthy），核对探针的路径、端口、超时与应用是否一致，并检查应用依赖的下游服务。",
  },
  references = { "ACK Pod 诊断: Pod 状态", "Kubernetes pod conditions" },
  tags = { "pod", "probes", "availability" },
  check = function(s, ctx)
    local ready = k8s.condition(s.object, "Ready")
    if ready == nil or ready.status == "True" then return ctx.pass("pod is Ready") end
    local waiting, unready = {}, {}
    for _, c in ipairs(k8s.container_statuses(s.object)) do
      if c.kind == "container" then
        local w = k8s.dig(c.status, "state", "waiting")
        if w ~= nil then
          waiting[#waiting + 1] = c.status.name .. ": " .. tostring(w.reason)
        elseif c.status.ready ~= true then
          local spec = k8s.container_spec(s.object, c.status.name)
          unready[#unready + 1] = { container = c.status.name,
                                    readiness_probe = spec ~= nil and spec.readinessProbe ~= nil }
        end
      end
    end
    if #waiting > 0 then
      return ctx.na("not Ready because containers are waiting (" .. table.concat(waiting, ", ")
        .. "): see the CrashLoopBackOff, image pull and Pending checks")
    end
    local since = ready.lastTransitionTime and ctx.parse_time(ready.lastTransitionTime)
    local age = since and (ctx.now() - since) or nil
    local names = {}
    for i, u in ipairs(unready) do
      names[i] = u.container .. (u.readiness_probe and " (readiness probe failing)" or "")
    end
    local msg = string.format("pod not Ready%s%s", age and (" for " .. k8s.human_duration(age)) or "",
      #names > 0 and ("; unready: " .. table.concat(names, ", ")) or "")
    local evidence = { reason = ready.reason, message = ready.message, since = ready.lastTransitionTime,
                       containers = unready }
    if age ~= nil and age <= ctx.param("grace_minutes") * 60 then
      return ctx.pass(msg .. string.format(" (within the %dm grace period)", ctx.param("grace_minutes")),
        evidence)
    end
    return ctx.warn(msg, evidence)
  end,
}
