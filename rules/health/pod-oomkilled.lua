-- A container of the Pod was killed for exceeding its memory (lastState or current state
-- terminated with reason OOMKilled). Warn: the container restarted and may be running now, but
-- the limit or the application's memory use needs attention.
-- Completed Pods (Succeeded/Failed) are not evaluated.
local k8s = require("k8s")

local function oom_info(pod, st)
  for _, key in ipairs({ "lastState", "state" }) do
    local t = k8s.dig(st, key, "terminated")
    if t ~= nil and t.reason == "OOMKilled" then
      local spec = k8s.container_spec(pod, st.name)
      return {
        container = st.name,
        restartCount = st.restartCount or 0,
        exit_code = t.exitCode,
        finished_at = t.finishedAt,
        memory_limit = k8s.dig(spec, "resources", "limits", "memory"),
        memory_request = k8s.dig(spec, "resources", "requests", "memory"),
      }
    end
  end
  return nil
end

local function describe(c)
  local limit = c.memory_limit and ("memory limit " .. c.memory_limit) or "no memory limit"
  local at = c.finished_at and (", last at " .. c.finished_at) or ""
  return string.format("%s (%s, restarted %d times%s)", c.container, limit, c.restartCount, at)
end

return {
  api = 1,
  id = "health/pod-oomkilled",
  title = {
    en = "No container was OOM-killed",
    zh = "容器未发生 OOM（因内存超限被终止）",
  },
  severity = "medium",
  scope = "pod",
  applies = function(s) return not k8s.pod_terminated(s.object) end,
  impact = {
    en = "The kernel killed the container when it exceeded its memory limit; requests in "
      .. "flight were lost and repeated kills lead to CrashLoopBackOff.",
    zh = "容器内存超过限制后被内核强制终止，正在处理的请求丢失；频繁 OOM 会导致 CrashLoopBackOff。",
  },
  remediation = {
    en = "Compare the container's real memory use (kubectl top pod, monitoring) with "
      .. "resources.limits.memory. Raise the limit (and request) if the workload needs more, or "
      .. "fix the leak / cap the runtime heap (e.g. JVM -Xmx, Redis maxmemory) below the limit.",
    zh = "对比容器实际内存用量（kubectl top pod 或监控）与 resources.limits.memory。业务确实需要时调大"
      .. "内存 limit（及 request）；否则排查内存泄漏，或把运行时堆内存上限（如 JVM -Xmx、Redis maxmemory）设置在 limit 以下。",
  },
  tags = { "pod", "memory" },
  check = function(s, ctx)
    local list = {}
    for _, c in ipairs(k8s.container_statuses(s.object)) do
      local info = oom_info(s.object, c.status)
      if info ~= nil then list[#list + 1] = info end
    end
    if #list == 0 then return ctx.pass("no container was OOM-killed") end
    local parts = {}
    for i, c in ipairs(list) do parts[i] = describe(c) end
    local what = #list == 1 and "container " or "containers "
    local verb = #list == 1 and " was" or " were"
    return ctx.warn(what .. table.concat(parts, "; ") .. verb .. " OOMKilled",
      { containers = list })
  end,
}
