-- Shared helpers for the built-in rule packs: `local k8s = require("k8s")`.
--
-- Everything here is a pure function of its arguments: no globals, no state. Objects passed in
-- may be read-only snapshot views, so helpers only index them and iterate with ipairs/pairs;
-- they never modify them and never call next(), table.sort() or rawget() on them.

local M = {}

local SECONDS_PER_DAY = 86400

-- Nil-safe walk through nested tables/views: M.dig(pod, "status", "phase").
function M.dig(v, ...)
  local keys = { ... }
  for i = 1, #keys do
    if type(v) ~= "table" and type(v) ~= "userdata" then return nil end
    v = v[keys[i]]
    if v == nil then return nil end
  end
  return v
end

-- Plain array of the sorted keys of a table or view.
function M.sorted_keys(t)
  local keys = {}
  if t == nil then return keys end
  for k in pairs(t) do keys[#keys + 1] = k end
  table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
  return keys
end

-- Count the entries of a map (views have no reliable # for maps).
function M.count(t)
  local n = 0
  if t == nil then return 0 end
  for _ in pairs(t) do n = n + 1 end
  return n
end

function M.join(list, sep)
  local parts = {}
  for i, v in ipairs(list or {}) do parts[i] = tostring(v) end
  return table.concat(parts, sep or ", ")
end

function M.starts_with(s, prefix)
  return type(s) == "string" and s:sub(1, #prefix) == prefix
end

function M.contains(list, value)
  for _, v in ipairs(list or {}) do
    if v == value then return true end
  end
  return false
end

-- Truthy test for values that may arrive as booleans or as the strings kubectl/flags use.
function M.is_true(v)
  return v == true or (type(v) == "string" and v:lower() == "true")
end

function M.is_false(v)
  return v == false or (type(v) == "string" and v:lower() == "false")
end

-- Split a comma-separated flag value into trimmed, non-empty tokens.
function M.split_csv(value)
  local out = {}
  if value == nil then return out end
  for token in tostring(value):gmatch("[^,]+") do
    local t = token:match("^%s*(.-)%s*$")
    if t ~= "" then out[#out + 1] = t end
  end
  return out
end

-- ---------------------------------------------------------------------------------------------
-- Formatting

function M.percent(n)
  return string.format("%.1f%%", n)
end

-- "3d 4h", "2h 5m", "45s": compact durations for messages.
function M.human_duration(seconds)
  seconds = math.floor(math.abs(seconds))
  local d = seconds // SECONDS_PER_DAY
  local h = (seconds % SECONDS_PER_DAY) // 3600
  local m = (seconds % 3600) // 60
  if d > 0 then return string.format("%dd %dh", d, h) end
  if h > 0 then return string.format("%dh %dm", h, m) end
  if m > 0 then return string.format("%dm", m) end
  return string.format("%ds", seconds % 60)
end

-- Whole days from `now` until `t`, truncated towards zero: 0 for anything under a day away,
-- negative once `t` is more than a day past. Callers test `t <= now` for "already passed".
function M.days_until(now, t)
  local d = (t - now) / SECONDS_PER_DAY
  return d >= 0 and math.floor(d) or -math.floor(-d)
end

-- "1 certificate", "3 certificates"
function M.plural(n, word, plural_word)
  return string.format("%d %s", n, n == 1 and word or (plural_word or word .. "s"))
end

-- ---------------------------------------------------------------------------------------------
-- Objects

-- The condition of `type` from obj.status.conditions, or nil.
function M.condition(obj, ctype)
  local conds = M.dig(obj, "status", "conditions")
  if conds == nil then return nil end
  for _, c in ipairs(conds) do
    if c.type == ctype then return c end
  end
  return nil
end

-- The controlling owner reference ({kind=, name=, ...}) of an object, or nil.
function M.controller(obj)
  local refs = M.dig(obj, "metadata", "ownerReferences")
  if refs == nil then return nil end
  for _, r in ipairs(refs) do
    if r.controller == true then return r end
  end
  return refs[1]
end

-- Kind of the controlling owner ("ReplicaSet", "Job", ...), or nil for a bare object.
function M.owner_kind(obj)
  local r = M.controller(obj)
  return r and r.kind or nil
end

-- Whether a label selector's matchLabels all appear in `labels` (matchExpressions ignored;
-- returns false for an empty selector so callers never match everything by accident).
function M.selector_matches(selector, labels)
  local ml = selector and selector.matchLabels
  if ml == nil then return false end
  local n = 0
  for k, v in pairs(ml) do
    n = n + 1
    if labels == nil or labels[k] ~= v then return false end
  end
  return n > 0
end

-- ---------------------------------------------------------------------------------------------
-- Pods

-- Pods that finished (completed Job pods, evicted pods) are history, not running workload.
function M.pod_terminated(pod)
  local phase = M.dig(pod, "status", "phase")
  return phase == "Succeeded" or phase == "Failed"
end

-- Plain array of { kind = "init"|"container"|"ephemeral", status = <containerStatus> }.
function M.container_statuses(pod)
  local out = {}
  local groups = {
    { "init", "initContainerStatuses" },
    { "container", "containerStatuses" },
    { "ephemeral", "ephemeralContainerStatuses" },
  }
  for _, g in ipairs(groups) do
    local list = M.dig(pod, "status", g[2])
    if list ~= nil then
      for _, st in ipairs(list) do out[#out + 1] = { kind = g[1], status = st } end
    end
  end
  return out
end

-- Plain array of { kind = "init"|"container", spec = <container> } for the containers that
-- can carry resources (ephemeral containers cannot).
function M.resource_containers(pod)
  local out = {}
  for _, c in ipairs(M.dig(pod, "spec", "initContainers") or {}) do
    out[#out + 1] = { kind = "init", spec = c }
  end
  for _, c in ipairs(M.dig(pod, "spec", "containers") or {}) do
    out[#out + 1] = { kind = "container", spec = c }
  end
  return out
end

-- The container spec with `name` (regular, init or ephemeral), or nil.
function M.container_spec(pod, name)
  for _, key in ipairs({ "containers", "initContainers", "ephemeralContainers" }) do
    for _, c in ipairs(M.dig(pod, "spec", key) or {}) do
      if c.name == name then return c end
    end
  end
  return nil
end

-- ---------------------------------------------------------------------------------------------
-- Images

-- Parse an image reference into { name, tag, digest }. The tag is the part after the last ':'
-- of the last path component, so "registry:5000/team/app" has no tag while
-- "registry:5000/team/app:1.2" has tag "1.2". Digest is the part after '@'.
function M.parse_image(ref)
  local out = { name = ref }
  if type(ref) ~= "string" or ref == "" then return out end
  local rest, digest = ref:match("^([^@]*)@(.+)$")
  if rest == nil then rest = ref end
  out.digest = digest
  local prefix, last = rest:match("^(.*/)([^/]*)$")
  if last == nil then prefix, last = "", rest end
  local base, tag = last:match("^([^:]*):(.*)$")
  if base ~= nil then
    out.name = prefix .. base
    if tag ~= "" then out.tag = tag end
  else
    out.name = rest
  end
  return out
end

-- ---------------------------------------------------------------------------------------------
-- Exemptions

-- First entry of `list` ({ namespace=, name=, name_prefix=, reason= }) that matches the object;
-- unset fields match anything, but an entry must set at least one of name / name_prefix /
-- namespace. Returns the entry or nil.
function M.exemption(list, namespace, name)
  for _, e in ipairs(list or {}) do
    local constrained = e.namespace ~= nil or e.name ~= nil or e.name_prefix ~= nil
    local ok = constrained
      and (e.namespace == nil or e.namespace == namespace)
      and (e.name == nil or e.name == name)
      and (e.name_prefix == nil or M.starts_with(name, e.name_prefix))
    if ok then return e end
  end
  return nil
end

-- "exempt: <reason> (kube-system/kube-proxy*)" for na() messages.
function M.exemption_reason(e)
  local what = (e.namespace or "*") .. "/" .. (e.name or ((e.name_prefix or "") .. "*"))
  return string.format("exempt (%s): %s", what, e.reason or "listed in the rule's exemptions")
end

-- ---------------------------------------------------------------------------------------------
-- Host facts

-- Look up the first of `candidates` in facts.files. Returns:
--   "found", path, entry     the file exists
--   "absent", path           every recorded candidate is recorded as not existing
--   "unknown"                none of the candidates was collected
function M.find_file(files, candidates)
  local absent
  for _, path in ipairs(candidates) do
    local entry = files and files[path]
    if entry ~= nil then
      if entry.exists == false then
        absent = absent or path
      else
        return "found", path, entry
      end
    end
  end
  if absent then return "absent", absent end
  return "unknown"
end

-- Result for "file at `path` has mode `max` or stricter". `entry` is the facts.files entry.
function M.file_mode_result(ctx, path, entry, max)
  local mode = entry.mode
  if mode == nil then
    return ctx.error("the mode of " .. path .. " was not collected")
  end
  local evidence = { path = path, mode = mode, expected = max .. " or stricter",
                     owner = entry.owner, group = entry.group }
  if ctx.mode_at_most(mode, max) then
    return ctx.pass(string.format("%s has mode %s (%s or stricter)", path, mode, max), evidence)
  end
  return ctx.fail(string.format("%s has mode %s, expected %s or stricter", path, mode, max),
                  evidence)
end

-- argv of a host process ("kube-apiserver", "kubelet", ...), or nil.
function M.process_argv(facts, name)
  local p = facts and facts.processes and facts.processes[name]
  return p and p.argv or nil
end

-- ---------------------------------------------------------------------------------------------
-- Scheduling

-- Whether a toleration list tolerates one taint ({key, value, effect}), as the scheduler
-- decides: an empty key with Exists tolerates everything; otherwise keys match, Exists
-- ignores the value, Equal (the default) compares it; an empty effect matches every effect.
function M.tolerates(tolerations, taint)
  for _, t in ipairs(tolerations or {}) do
    local op = t.operator or "Equal"
    local effect_ok = t.effect == nil or t.effect == "" or t.effect == taint.effect
    if effect_ok then
      if (t.key == nil or t.key == "") and op == "Exists" then return true end
      if t.key == taint.key then
        if op == "Exists" then return true end
        if op == "Equal" and (t.value or "") == (taint.value or "") then return true end
      end
    end
  end
  return false
end

local function expression_matches(e, value)
  local op = e.operator
  if op == "Exists" then return value ~= nil end
  if op == "DoesNotExist" then return value == nil end
  if op == "In" or op == "NotIn" then
    local found = value ~= nil and M.contains(e.values or {}, value)
    if op == "In" then return found end
    return not found
  end
  if op == "Gt" or op == "Lt" then
    local a = tonumber(value)
    local b = tonumber((e.values or {})[1])
    if a == nil or b == nil then return false end
    if op == "Gt" then return a > b end
    return a < b
  end
  return false
end

-- Whether a Pod spec (nodeSelector and required nodeAffinity) lets the Pod run on `node`.
-- Terms are ORed, the expressions of a term ANDed; a term without expressions matches no node.
function M.node_affinity_matches(spec, node)
  local labels = M.dig(node, "metadata", "labels") or {}
  for k, v in pairs((spec or {}).nodeSelector or {}) do
    if labels[k] ~= v then return false end
  end
  local terms = M.dig(spec, "affinity", "nodeAffinity",
    "requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms")
  if terms == nil then return true end
  for _, term in ipairs(terms) do
    local exprs, fields = term.matchExpressions or {}, term.matchFields or {}
    if #exprs + #fields > 0 then
      local ok = true
      for _, e in ipairs(exprs) do
        if not expression_matches(e, labels[e.key]) then ok = false end
      end
      for _, e in ipairs(fields) do
        local v = e.key == "metadata.name" and M.dig(node, "metadata", "name") or nil
        if not expression_matches(e, v) then ok = false end
      end
      if ok then return true end
    end
  end
  return false
end

-- Whether a Pod spec may be scheduled to `node`: node affinity, and every NoSchedule /
-- NoExecute taint tolerated (PreferNoSchedule only steers).
function M.schedulable_on(spec, node)
  if not M.node_affinity_matches(spec, node) then return false end
  for _, taint in ipairs(M.dig(node, "spec", "taints") or {}) do
    if taint.effect ~= "PreferNoSchedule" and not M.tolerates((spec or {}).tolerations, taint) then
      return false
    end
  end
  return true
end

-- ECI / virtual-kubelet virtual nodes: label type=virtual-kubelet, a name starting with
-- virtual-kubelet, or the virtual-kubelet.io/provider taint (seed 003).
function M.is_virtual_node(node)
  if M.dig(node, "metadata", "labels", "type") == "virtual-kubelet" then return true end
  if M.starts_with(M.dig(node, "metadata", "name") or "", "virtual-kubelet") then return true end
  for _, t in ipairs(M.dig(node, "spec", "taints") or {}) do
    if t.key == "virtual-kubelet.io/provider" then return true end
  end
  return false
end

return M
