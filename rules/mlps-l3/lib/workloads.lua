-- Helpers for finding known agents and jobs among cluster workloads: `require("workloads")`.

local M = {}

-- Lower-cased text of a workload for matching: name plus every container image, command and
-- argument of its pod template (DaemonSet/Deployment) or job template (CronJob).
function M.text(obj)
  local parts = { tostring(obj.metadata and obj.metadata.name or "") }
  local spec = obj.spec or {}
  local tmpl = spec.template or (spec.jobTemplate and spec.jobTemplate.spec
    and spec.jobTemplate.spec.template)
  local pod = tmpl and tmpl.spec
  if pod ~= nil then
    for _, key in ipairs({ "initContainers", "containers" }) do
      for _, c in ipairs(pod[key] or {}) do
        parts[#parts + 1] = tostring(c.image or "")
        for _, f in ipairs({ "command", "args" }) do
          for _, a in ipairs(c[f] or {}) do parts[#parts + 1] = tostring(a) end
        end
      end
    end
  end
  return table.concat(parts, " "):lower()
end

-- First pattern of `patterns` found (plain substring) in the workload's text, or nil.
function M.match(obj, patterns)
  local text = M.text(obj)
  for _, p in ipairs(patterns) do
    if text:find(p:lower(), 1, true) then return p end
  end
  return nil
end

-- DaemonSets matching one of `patterns`: plain array of { ref=, pattern=, desired=, ready= }.
function M.daemonsets(list, patterns)
  local out = {}
  for _, ds in ipairs(list) do
    local p = M.match(ds, patterns)
    if p ~= nil then
      local st = ds.status or {}
      out[#out + 1] = { ref = tostring(ds.metadata.namespace) .. "/" .. tostring(ds.metadata.name),
                        pattern = p, desired = st.desiredNumberScheduled or 0,
                        ready = st.numberReady or 0 }
    end
  end
  table.sort(out, function(a, b) return a.ref < b.ref end)
  return out
end

-- "ns/name (ready/desired)" strings; and the ones not ready on every node.
function M.describe(found)
  local all, short = {}, {}
  for _, d in ipairs(found) do
    local text = string.format("%s (%d/%d ready)", d.ref, d.ready, d.desired)
    all[#all + 1] = text
    if d.ready < d.desired then short[#short + 1] = text end
  end
  return all, short
end

return M
