-- Threshold helpers for the node usage rules: `local usage = require("usage")`.
local k8s = require("k8s")

local M = {}

-- pct rounded to one decimal, for evidence.
function M.round(pct)
  return math.floor(pct * 10 + 0.5) / 10
end

-- Result for a usage percentage: fail when pct reaches fail_pct, warn when it reaches
-- warn_pct (`inclusive` true: >=, the seeds' "≥ 85 %"; false: >, NPD's "超过 80 %").
function M.result(ctx, pct, warn_pct, fail_pct, inclusive, text, evidence)
  evidence.percent = M.round(pct)
  evidence.warn_percent = warn_pct
  evidence.fail_percent = fail_pct
  local function over(limit)
    if inclusive then return pct >= limit end
    return pct > limit
  end
  local msg = string.format("%s %s", text, k8s.percent(pct))
  if over(fail_pct) then
    return ctx.fail(msg .. ", threshold " .. fail_pct .. "%", evidence)
  elseif over(warn_pct) then
    return ctx.warn(msg .. ", warning threshold " .. warn_pct .. "%", evidence)
  end
  return ctx.pass(msg, evidence)
end

-- "12.3 GiB"
function M.gib(bytes)
  return string.format("%.1f GiB", bytes / (1024 * 1024 * 1024))
end

return M
