-- Containers of the Pod do not restart over and over.
-- restarts = the highest restartCount among the Pod's containers (init included).
--   restarts >= fail_restarts (100, the descheduler's podRestartThreshold) -> fail
--   restarts >  warn_restarts (5) -> warn
-- restartCount is cumulative since the Pod was created; the message gives the last
-- termination reason so a CrashLoopBackOff or OOM can be told apart.
local k8s = require("k8s")

return {
  api = 1,
  id = "health/pod-restarts",
  title = { en = "Containers do not restart repeatedly", zh = "容器未频繁重启" },
  severity = "medium",
  scope = "pod",
  applies = function(s) return not k8s.pod_terminated(s.object) end,
  params = {
    warn_restarts = { default = 5, description = "warn above this many restarts" },
    fail_restarts = { default = 100, description = "fail at this many restarts" },
  },
  impact = {
    en = "Each restart drops the container's in-flight work and connections; many restarts "
      .. "mean the application is unstable.",
    zh = "每次重启都会中断容器正在处理的请求和连接；重启次数持续增加说明应用不稳定。",
  },
  remediation = {
    en = "kubectl logs <pod> -c <container> --previous and kubectl describe pod <pod> (last "
      .. "state, exit code, events): fix the crash, the OOM (raise the memory limit) or the "
      .. "liveness probe that kills a slow application.",
    zh = "执行 kubectl logs <pod> -c <容器> --previous 与 kubectl describe pod <pod>（查看上次退出原因、退出码和事件），修复崩溃原因、OOM（调大内存 limit）或过于严格的存活探针。",
  },
  references = { "ACK 集群检查 容器组重启次数", "descheduler podRestartThreshold 100" },
  tags = { "pod", "availability" },
  check = function(s, ctx)
    local worst
    for _, c in ipairs(k8s.container_statuses(s.object)) do
      local n = c.status.restartCount or 0
      if worst == nil or n > worst.restarts then
        local last = k8s.dig(c.status, "lastState", "terminated") or {}
        worst = { container = c.status.name, restarts = n, last_reason = last.reason,
                  last_exit_code = last.exitCode, last_finished = last.finishedAt }
      end
    end
    if worst == nil then return ctx.pass("no container has started yet") end
    local msg = string.format("container %s restarted %d times%s", worst.container, worst.restarts,
      worst.last_reason and string.format(" (last exit: %s, code %s)", worst.last_reason,
        tostring(worst.last_exit_code)) or "")
    worst.warn_restarts, worst.fail_restarts = ctx.param("warn_restarts"), ctx.param("fail_restarts")
    if worst.restarts >= ctx.param("fail_restarts") then return ctx.fail(msg, worst) end
    if worst.restarts > ctx.param("warn_restarts") then return ctx.warn(msg, worst) end
    return ctx.pass(msg, worst)
  end,
}
