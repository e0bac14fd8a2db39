-- Helpers for the 等保 2.0 三级 pack: `local mlps = require("mlps")`.
--
-- All reading of the 等保 host facts goes through this file, so that a change in a fact's shape
-- (docs/snapshot.md) is one edit here rather than one per rule. Pure functions of their
-- arguments; facts are read-only views, so nothing here modifies them or sorts them in place.

local M = {}

-- ---------------------------------------------------------------------------------------------
-- Values

-- Number from a number or a numeric string ("90", " 600 ", "-1"); nil otherwise.
function M.num(v)
  if type(v) == "number" then return v end
  if type(v) == "string" then return tonumber((v:match("^%s*(.-)%s*$"))) end
  return nil
end

-- Lower-cased string of a scalar, or nil.
function M.lower(v)
  if v == nil then return nil end
  if type(v) == "boolean" then return v and "yes" or "no" end
  return tostring(v):lower()
end

function M.sorted(list)
  local out = {}
  for i, v in ipairs(list or {}) do out[i] = v end
  table.sort(out, function(a, b) return tostring(a) < tostring(b) end)
  return out
end

-- Plain array of the strings of a list view (nil -> {}).
function M.list(v)
  local out = {}
  if type(v) ~= "table" and type(v) ~= "userdata" then return out end
  for _, x in ipairs(v) do out[#out + 1] = x end
  return out
end

function M.contains(list, value)
  for _, v in ipairs(list or {}) do
    if v == value then return true end
  end
  return false
end

function M.join(list, sep)
  local parts = {}
  for i, v in ipairs(list or {}) do parts[i] = tostring(v) end
  return table.concat(parts, sep or ", ")
end

-- ---------------------------------------------------------------------------------------------
-- /etc/login.defs: facts.login_defs = { "PASS_MAX_DAYS": "90", ... } (keys as in the file)

function M.login_def(facts, key)
  local defs = facts and facts.login_defs
  if defs == nil then return nil end
  local v = defs[key]
  if v == nil then v = defs[key:lower()] end
  return v
end

-- ---------------------------------------------------------------------------------------------
-- PAM: facts.pam = {
--   stacks = { ["<service file>"] = { { type=, control=, module=, args={...} }, ... } },
--   pwquality = { minlen = "8", ... },   -- /etc/security/pwquality.conf (+ pwquality.conf.d)
--   faillock = { deny = "5", ... },      -- /etc/security/faillock.conf
-- }

local function module_base(module)
  if type(module) ~= "string" then return nil end
  return module:match("([^/]+)$")
end

-- Every PAM line of `ptype` ("auth", "password", ...) whose module is one of `modules`
-- (base names, "pam_faillock.so"), as plain tables { file=, type=, control=, module=, args= },
-- in file-name order.
function M.pam_lines(facts, ptype, modules)
  local out = {}
  local stacks = facts and facts.pam and facts.pam.stacks
  if stacks == nil then return out end
  local files = {}
  for f in pairs(stacks) do files[#files + 1] = f end
  table.sort(files)
  for _, f in ipairs(files) do
    for _, line in ipairs(stacks[f]) do
      local base = module_base(line.module)
      if (ptype == nil or line.type == ptype) and M.contains(modules, base) then
        out[#out + 1] = { file = f, type = line.type, control = line.control, module = base,
                          args = M.list(line.args) }
      end
    end
  end
  return out
end

-- "key=value" arguments of a PAM line as a map; bare words ("preauth") map to true.
function M.pam_args(line)
  local out = {}
  for _, a in ipairs(line.args or {}) do
    local k, v = tostring(a):match("^([%w_]+)=(.*)$")
    if k then out[k] = v else out[tostring(a)] = true end
  end
  return out
end

-- Setting `key` of a PAM module: the PAM line's argument wins over the module's config file
-- (pwquality.conf, faillock.conf), as the modules read them. Returns value, source.
function M.pam_setting(facts, line, conf_name, key)
  local args = line and M.pam_args(line) or {}
  if args[key] ~= nil then return args[key], line.file end
  local conf = facts and facts.pam and facts.pam[conf_name]
  if conf ~= nil and conf[key] ~= nil then
    return conf[key], "/etc/security/" .. conf_name .. ".conf"
  end
  return nil, "default"
end

-- ---------------------------------------------------------------------------------------------
-- sshd: facts.sshd = { effective = { permitrootlogin = "no", ... } } — the `sshd -T` output,
-- keys lower-case. Returns the map or nil.

function M.sshd_config(facts)
  local s = facts and facts.sshd
  if s == nil then return nil end
  return s.effective or s.config or s
end

function M.sshd(facts, key)
  local cfg = M.sshd_config(facts)
  if cfg == nil then return nil end
  return cfg[key:lower()]
end

-- ---------------------------------------------------------------------------------------------
-- Services: facts.services = { ["<unit>"] = { active = true, enabled = true } }.
-- Returns the sorted names of the units in `names` (with or without ".service") that are active
-- or enabled, with their state.

function M.running_services(facts, names)
  local found = {}
  local services = facts and facts.services
  if services == nil then return found end
  for _, want in ipairs(names) do
    for _, unit in ipairs({ want, want .. ".service" }) do
      local st = services[unit]
      if st ~= nil and (st.active == true or st.enabled == true) then
        local what = {}
        if st.active == true then what[#what + 1] = "active" end
        if st.enabled == true then what[#what + 1] = "enabled" end
        found[#found + 1] = unit .. " (" .. table.concat(what, ", ") .. ")"
        break
      end
    end
  end
  table.sort(found)
  return found
end

-- Whether the unit (or unit.service) is active.
function M.service_active(facts, name)
  local services = facts and facts.services
  if services == nil then return nil end
  local st = services[name] or services[name .. ".service"]
  if st == nil then return nil end
  return st.active == true, st.enabled == true
end

-- ---------------------------------------------------------------------------------------------
-- Listening sockets: facts.listening = { { proto = "tcp", address = "0.0.0.0", port = 22,
-- process = "sshd" }, ... }

function M.is_loopback(address)
  if type(address) ~= "string" then return false end
  return address:match("^127%.") ~= nil or address == "::1" or address == "localhost"
    or address == "[::1]"
end

function M.listening(facts)
  return facts and facts.listening
end

-- ---------------------------------------------------------------------------------------------
-- Control-plane processes

function M.argv(facts, name)
  local p = facts and facts.processes and facts.processes[name]
  return p and p.argv or nil
end

-- ---------------------------------------------------------------------------------------------
-- Cluster objects

-- "<namespace>/<name>" or "<name>" for an object.
function M.ref(obj)
  local m = obj.metadata or {}
  if m.namespace ~= nil then return m.namespace .. "/" .. tostring(m.name) end
  return tostring(m.name)
end

-- Whether the cluster's control plane is run by the provider (no control-plane nodes to check).
function M.managed(s)
  local f = s and s.flavour
  return f == "ack-managed"
end

return M
