-- A container of the Pod is in CrashLoopBackOff (waiting to be restarted after crashing).
-- Completed Pods (Succeeded/Failed) are not evaluated.
local k8s = require("k8s")

local function crashing(pod)
  local out = {}
  for _, c in ipairs(k8s.container_statuses(pod)) do
    local st = c.status
    if k8s.dig(st, "state", "waiting", "reason") == "CrashLoopBackOff" then
      local last = k8s.dig(st, "lastState", "terminated") or {}
      out[#out + 1] = {
        container = st.name,
        restartCount = st.restartCount or 0,
        last_reason = last.reason,
        last_exit_code = last.exitCode,
        last_finished = last.finishedAt,
      }
    end
  end
  return out
end

local function describe(c)
  local last = ""
  if c.last_reason ~= nil or c.last_exit_code ~= nil then
    last = string.format(", last exit: %s, code %s", c.last_reason or "?",
      tostring(c.last_exit_code or "?"))
  end
  return string.format("%s (restarted %d times%s)", c.container, c.restartCount, last)
end

return {
  api = 1,
  id = "health/pod-crashloop",
  title = {
    en = "No container is in CrashLoopBackOff",
    zh = "容器未处于 CrashLoopBackOff（反复崩溃重启）状态",
  },
  severity = "high",
  scope = "pod",
  applies = function(s) return not k8s.pod_terminated(s.object) end,
  impact = {
    en = "The container keeps crashing and the kubelet waits longer and longer between "
      .. "restarts; the Pod serves no traffic for most of the time.",
    zh = "容器反复崩溃，kubelet 的重启间隔不断拉长，Pod 绝大部分时间无法对外提供服务。",
  },
  remediation = {
    en = "Look at the previous run's output: kubectl logs <pod> -c <container> --previous, and "
      .. "kubectl describe pod <pod> for the exit code. Common causes: a bad configuration or "
      .. "missing dependency (exit code 1), a failing liveness probe, OOM (exit code 137).",
    zh = "查看上一次运行的日志：kubectl logs <pod> -c <容器> --previous，并用 kubectl describe pod <pod> "
      .. "查看退出码。常见原因：配置错误或依赖服务不可用（退出码 1）、存活探针（livenessProbe）失败、内存超限被 OOM（退出码 137）。",
  },
  tags = { "pod", "availability" },
  check = function(s, ctx)
    local list = crashing(s.object)
    if #list == 0 then return ctx.pass("no container in CrashLoopBackOff") end
    local parts = {}
    for i, c in ipairs(list) do parts[i] = describe(c) end
    local what = #list == 1 and "container " or "containers "
    local verb = #list == 1 and " is" or " are"
    return ctx.fail(what .. table.concat(parts, "; ") .. verb .. " in CrashLoopBackOff",
      { containers = list })
  end,
}
