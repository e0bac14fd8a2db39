-- Helpers for the 等保 2.0 三级 pack: `local mlps = require("mlps")`.
--
-- All reading of the 等保 host facts goes through this file, so that a change in a fact's shape
-- (docs/snapshot.md) is one edit here rather than one per rule. Pure functions of their
-- arguments; facts are read-only views, so nothing here modifies them or sorts them in place.

local M = {}

-- ---------------------------------------------------------------------------------------------
-- Values

-- Number from a number or a numeric string ("90", " 600 ", "-1"); nil otherwise.
-- A bilingual finding message for ctx.pass/fail/warn/na/manual/error: the Chinese text is what
-- an assessor reads in a `--lang zh` report (等保 terminology), the English one the rest.
function M.msg(en, zh) return { en = en, zh = zh } end

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
--   files = { ["/etc/pam.d/<service>"] = { { type=, control=, module=, args={ key=value|true } },
--                                          { include = "<file>" }, ... } },
--   pwquality = { minlen = 8, ..., module = "pam_pwquality"|"pam_cracklib"|nil },
--                -- pwquality.conf (+ .d) merged with the module's PAM arguments
--   lockout = { deny = 5, unlock_time = 600, ..., module = "pam_faillock"|"pam_tally2"|nil },
--                -- faillock.conf merged with the auth lines' arguments
--   remember = N | nil,
-- }
-- (The collector's shape. `stacks` for `files`, list-form args and a separate `faillock` map
-- are accepted too.)

local function module_base(module)
  if type(module) ~= "string" then return nil end
  return module:match("([^/]+)$")
end

-- "key=value" arguments of a PAM line as a plain map; bare words ("preauth") map to true.
function M.pam_args(line)
  local out = {}
  local args = line and line.args
  if args == nil then return out end
  if args[1] ~= nil then
    for _, a in ipairs(args) do
      local k, v = tostring(a):match("^([%w_]+)=(.*)$")
      if k then out[k] = v else out[tostring(a)] = true end
    end
  else
    for k, v in pairs(args) do out[k] = v end
  end
  return out
end

-- Every PAM line of `ptype` ("auth", "password", ...) whose module is one of `modules`
-- (base names, "pam_faillock.so"), as plain tables { file=, type=, control=, module=, args= }
-- (args a plain map), in file-name order.
function M.pam_lines(facts, ptype, modules)
  local out = {}
  local pam = facts and facts.pam
  local stacks = pam and (pam.files or pam.stacks)
  if stacks == nil then return out end
  local files = {}
  for f in pairs(stacks) do files[#files + 1] = f end
  table.sort(files)
  for _, f in ipairs(files) do
    for _, line in ipairs(stacks[f]) do
      local base = module_base(line.module)
      if base ~= nil and (ptype == nil or line.type == ptype) and M.contains(modules, base) then
        out[#out + 1] = { file = f, type = line.type, control = line.control, module = base,
                          args = M.pam_args(line) }
      end
    end
  end
  return out
end

local CONF = {
  pwquality = { keys = { "pwquality" }, file = "/etc/security/pwquality.conf" },
  faillock = { keys = { "faillock", "lockout" }, file = "/etc/security/faillock.conf" },
}

-- Setting `key` of a PAM module: the PAM line's argument wins over the module's config file
-- (pwquality.conf, faillock.conf), as the modules read them. Returns value, source.
function M.pam_setting(facts, line, conf_name, key)
  local args = line and line.args or {}
  if args[key] ~= nil then return args[key], line.file end
  local pam = facts and facts.pam
  local c = CONF[conf_name]
  for _, k in ipairs(c.keys) do
    local conf = pam and pam[k]
    if conf ~= nil and conf[key] ~= nil then
      if k ~= "lockout" or conf.module == nil or conf.module == "pam_faillock" then
        return conf[key], c.file
      end
    end
  end
  return nil, "default"
end

-- ---------------------------------------------------------------------------------------------
-- sshd: facts.sshd = { source = "sshd -T" | "sshd_config", settings = { permitrootlogin = "no",
-- ... } } — keys lower case; from sshd_config the collector fills OpenSSH defaults for unset
-- keys. Returns the settings map or nil.

function M.sshd_config(facts)
  local s = facts and facts.sshd
  if s == nil then return nil end
  return s.settings or s.effective or s.config or s
end

function M.sshd(facts, key)
  local cfg = M.sshd_config(facts)
  if cfg == nil then return nil end
  return cfg[key:lower()]
end

-- ---------------------------------------------------------------------------------------------
-- Audit: facts.audit = { auditd_running = bool, enabled = 0|1|2 (auditctl -s), status = {...},
-- rules_count = N, rules_source = "auditctl -l"|"rules files", auditd_conf = { key = value },
-- rules = { "<rule>", ... } (when collected), remote = { active, server }, oldest_record }

function M.audit(facts)
  return facts and (facts.audit or facts.auditd)
end

function M.auditd_conf(facts)
  local a = M.audit(facts)
  return a and (a.auditd_conf or a.config)
end

-- ---------------------------------------------------------------------------------------------
-- Shell profile: facts.shell = { tmout = N|nil, tmout_file =, tmout_readonly = bool,
-- umask = "027"|nil, login_defs_umask = "022", settings = [...] }

function M.shell(facts)
  return facts and facts.shell
end

-- ---------------------------------------------------------------------------------------------
-- Accounts: facts.accounts = { uid0 = { "root" }, count = N,
--   empty_password = { count = N, names = { ... } }, users = [ { name, uid, shell, locked } ] }

function M.empty_password_names(facts)
  local ep = facts and facts.accounts and facts.accounts.empty_password
  if ep == nil then return nil end
  if ep.names ~= nil then return M.list(ep.names) end
  return M.list(ep)
end

-- ---------------------------------------------------------------------------------------------
-- Units and sockets (assumed shapes until docs/snapshot.md has them):
--   facts.units = { ["<unit>"] = { active = bool, enabled = bool } }   (systemctl)
--   facts.services = { ["<daemon>"] = { running = true, pid = N } }   (running daemons)
--   facts.listening = { { proto = "tcp", address = "0.0.0.0", port = 22, process = "sshd" } }

local function unit_state(facts, name)
  local units = facts and facts.units
  if units ~= nil then
    local st = units[name] or units[name .. ".service"]
    if st ~= nil then
      return st.active == true or st.running == true, st.enabled == true, true
    end
  end
  local services = facts and facts.services
  if services ~= nil then
    local st = services[name] or services[name .. ".service"]
    if st ~= nil then return st.active == true or st.running == true, st.enabled == true, true end
  end
  return false, false, false
end

-- Sorted "unit (active, enabled)" strings of the units of `names` that are active or enabled.
function M.running_services(facts, names)
  local found = {}
  for _, want in ipairs(names) do
    local active, enabled = unit_state(facts, want)
    if active or enabled then
      local what = {}
      if active then what[#what + 1] = "active" end
      if enabled then what[#what + 1] = "enabled" end
      found[#found + 1] = want .. " (" .. table.concat(what, ", ") .. ")"
    end
  end
  table.sort(found)
  return found
end

-- active, enabled, known (the unit or daemon appears in the facts at all)
function M.service_state(facts, name)
  return unit_state(facts, name)
end

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
