-- Probe settings are valid (ACK console rules for health checks):
--   livenessProbe or startupProbe successThreshold other than 1 -> fail (the API server
--     rejects it on create; a legacy object keeps it)
--   periodSeconds, timeoutSeconds, failureThreshold, successThreshold below 1 -> fail
--   livenessProbe without startupProbe and with initialDelaySeconds + period x failures below
--     `min_liveness_budget_seconds` (10) -> warn (a slow start gets the container killed)
-- Completed Pods are not evaluated.
local k8s = require("k8s")

local KINDS = { "livenessProbe", "readinessProbe", "startupProbe" }

return {
  api = 1,
  id = "health/pod-probe-config",
  title = { en = "Probe settings are valid", zh = "健康检查探针参数配置合理" },
  severity = "low",
  scope = "pod",
  applies = function(s) return not k8s.pod_terminated(s.object) end,
  params = {
    min_liveness_budget_seconds = { default = 10, description = "warn when a liveness probe can kill the container within this many seconds of its start" },
  },
  impact = {
    en = "Wrong probe parameters restart healthy containers (liveness too strict) or keep "
      .. "broken ones in the Service.",
    zh = "探针参数不合理会导致健康的容器被反复重启（存活探针过严），或让异常的容器继续接收流量。",
  },
  remediation = {
    en = "Use successThreshold 1 for liveness and startup probes, periodSeconds/timeoutSeconds "
      .. ">= 1, and a startupProbe (or initialDelaySeconds) that covers "
      .. "the application's start-up time.",
    zh = "存活与启动探针的 successThreshold 必须为 1；periodSeconds、timeoutSeconds 不小于 1；用 startupProbe（或 initialDelaySeconds）覆盖应用的启动时间。",
  },
  references = { "ACK 工作负载健康检查参数（initialDelaySeconds, periodSeconds, timeoutSeconds, successThreshold, failureThreshold）" },
  tags = { "pod", "probes" },
  check = function(s, ctx)
    local fails, warns = {}, {}
    for _, c in ipairs(k8s.dig(s.object, "spec", "containers") or {}) do
      for _, kind in ipairs(KINDS) do
        local p = c[kind]
        if p ~= nil then
          local where = c.name .. " " .. kind
          for _, f in ipairs({ "periodSeconds", "timeoutSeconds", "failureThreshold", "successThreshold" }) do
            if p[f] ~= nil and p[f] < 1 then fails[#fails + 1] = string.format("%s %s %s < 1", where, f, tostring(p[f])) end
          end
          if kind ~= "readinessProbe" and p.successThreshold ~= nil and p.successThreshold ~= 1 then
            fails[#fails + 1] = string.format("%s successThreshold %d (must be 1)", where, p.successThreshold)
          end
          local period = p.periodSeconds or 10
          if kind == "livenessProbe" and c.startupProbe == nil then
            local budget = (p.initialDelaySeconds or 0) + period * (p.failureThreshold or 3)
            if budget < ctx.param("min_liveness_budget_seconds") then
              warns[#warns + 1] = string.format("%s kills the container %ds after start (no startupProbe)", where, budget)
            end
          end
        end
      end
    end
    if #fails > 0 then return ctx.fail("invalid probe settings: " .. table.concat(fails, "; "), { problems = fails, warnings = warns }) end
    if #warns > 0 then return ctx.warn("risky probe settings: " .. table.concat(warns, "; "), { warnings = warns }) end
    return ctx.pass("probe settings are valid")
  end,
}
