-- 等保 8.1.4.1 b) (IA-17/IA-18): sshd ends idle sessions and limits login attempts.
--
-- Semantics (effective sshd settings, `sshd -T`, keys lower case):
--   * 0 < ClientAliveInterval <= client_alive_interval_max (300 s) and ClientAliveCountMax >= 1
--     (OpenSSH >= 8.2: CountMax 0 disables the idle disconnect instead of disconnecting at
--     once). Unset: the sshd default 0 = never.
--   * MaxAuthTries <= max_auth_tries (4; default 6) and LoginGraceTime <= login_grace_time_max
--     (60 s; default 120). LoginGraceTime 0 means no limit.
-- Every violation is listed; values shown as sshd reports them.
local mlps = require("mlps")

local DEFAULTS = { clientaliveinterval = 0, clientalivecountmax = 3, maxauthtries = 6,
                   logingracetime = 120 }

local function seconds(v)
  local n = mlps.num(v)
  if n ~= nil then return n end
  if type(v) ~= "string" then return nil end
  local total, ok = 0, false
  for num, unit in v:lower():gmatch("(%d+)([smhdw]?)") do
    local mult = ({ [""] = 1, s = 1, m = 60, h = 3600, d = 86400, w = 604800 })[unit]
    total, ok = total + tonumber(num) * mult, true
  end
  return ok and total or nil
end

return {
  api = 1,
  id = "mlps-l3/ssh-session-limits",
  title = {
    en = "SSH ends idle sessions and limits login attempts",
    zh = "SSH 空闲会话超时断开并限制登录尝试次数",
  },
  severity = "medium",
  scope = "node",
  requires = { "sshd" },
  applies = function(s) return s.roles.virtual ~= true end,
  baselines = { mlps = { control = "8.1.4.1 b)" } },
  params = {
    client_alive_interval_max = { default = 300, description = "ClientAliveInterval at most (s)" },
    max_auth_tries = { default = 4, description = "MaxAuthTries at most" },
    login_grace_time_max = { default = 60, description = "LoginGraceTime at most (s)" },
  },
  impact = {
    en = "Idle SSH sessions that never time out stay usable by whoever gets to the client; many "
      .. "password attempts per connection and long login windows make brute force cheaper.",
    zh = "SSH 空闲会话永不超时，拿到客户端的人即可继续使用；每个连接允许多次尝试口令、登录等待时间过长，"
      .. "会降低暴力破解的成本。",
  },
  remediation = {
    en = "In /etc/ssh/sshd_config (before any Match block; on RHEL 9/Ubuntu 22.04 drop-ins in "
      .. "/etc/ssh/sshd_config.d/ are read first and win) set `ClientAliveInterval 300`, "
      .. "`ClientAliveCountMax 1`, `MaxAuthTries 4`, `LoginGraceTime 60`; check with `sshd -T | "
      .. "grep -E 'clientalive|maxauthtries|logingracetime'` and run `systemctl reload sshd`.",
    zh = "在 /etc/ssh/sshd_config 中（任何 Match 段之前；RHEL 9/Ubuntu 22.04 会先读取 "
      .. "/etc/ssh/sshd_config.d/ 下的文件且先读到的值生效）设置 `ClientAliveInterval 300`、"
      .. "`ClientAliveCountMax 1`、`MaxAuthTries 4`、`LoginGraceTime 60`；用 `sshd -T | grep -E "
      .. "'clientalive|maxauthtries|logingracetime'` 核对后执行 `systemctl reload sshd`。",
  },
  references = { "GB/T 22239-2019 8.1.4.1 b)", "GB/T 28448-2019 L3-CES1-02" },
  tags = { "node", "ssh", "session" },
  check = function(s, ctx)
    local cfg = mlps.sshd_config(s.facts)
    local function get(key)
      local raw = cfg[key]
      if raw == nil then return DEFAULTS[key], "default " .. DEFAULTS[key] end
      return seconds(raw), tostring(raw)
    end
    local interval, interval_s = get("clientaliveinterval")
    local countmax, countmax_s = get("clientalivecountmax")
    local tries, tries_s = get("maxauthtries")
    local grace, grace_s = get("logingracetime")
    local max_interval = ctx.param("client_alive_interval_max")
    local max_tries = ctx.param("max_auth_tries")
    local max_grace = ctx.param("login_grace_time_max")
    local evidence = {
      clientaliveinterval = interval_s, clientalivecountmax = countmax_s,
      maxauthtries = tries_s, logingracetime = grace_s,
      actual = string.format("ClientAliveInterval %s, ClientAliveCountMax %s, MaxAuthTries %s, "
        .. "LoginGraceTime %s", interval_s, countmax_s, tries_s, grace_s),
      expected = string.format("ClientAliveInterval 1..%d, ClientAliveCountMax >= 1, "
        .. "MaxAuthTries <= %d, LoginGraceTime 1..%d", max_interval, max_tries, max_grace),
    }
    local bad, bad_zh = {}, {}
    if interval == nil or interval <= 0 then
      bad[#bad + 1] = "ClientAliveInterval " .. interval_s .. " (idle sessions never end)"
      bad_zh[#bad_zh + 1] = "ClientAliveInterval " .. interval_s .. "（空闲会话永不断开）"
    elseif interval > max_interval then
      bad[#bad + 1] = string.format("ClientAliveInterval %s (expected <= %d)", interval_s, max_interval)
      bad_zh[#bad_zh + 1] = string.format("ClientAliveInterval %s（应不大于 %d）", interval_s,
        max_interval)
    end
    if interval ~= nil and interval > 0 and (countmax == nil or countmax < 1) then
      bad[#bad + 1] = "ClientAliveCountMax " .. countmax_s .. " (0 disables the idle disconnect)"
      bad_zh[#bad_zh + 1] = "ClientAliveCountMax " .. countmax_s .. "（为 0 时空闲断开不生效）"
    end
    if tries == nil or tries > max_tries then
      bad[#bad + 1] = string.format("MaxAuthTries %s (expected <= %d)", tries_s, max_tries)
      bad_zh[#bad_zh + 1] = string.format("MaxAuthTries %s（应不大于 %d）", tries_s, max_tries)
    end
    if grace == nil or grace <= 0 or grace > max_grace then
      bad[#bad + 1] = string.format("LoginGraceTime %s (expected 1-%d s)", grace_s, max_grace)
      bad_zh[#bad_zh + 1] = string.format("LoginGraceTime %s（应为 1-%d 秒）", grace_s, max_grace)
    end
    if #bad > 0 then
      return ctx.fail(mlps.msg(table.concat(bad, "; "),
        "SSH 会话限制不符合要求：" .. table.concat(bad_zh, "；")), evidence)
    end
    return ctx.pass(mlps.msg(string.format("ClientAliveInterval %s x CountMax %s, MaxAuthTries %s, "
      .. "LoginGraceTime %s", interval_s, countmax_s, tries_s, grace_s),
      string.format("SSH 空闲超时 ClientAliveInterval %s × CountMax %s，MaxAuthTries %s，"
      .. "LoginGraceTime %s", interval_s, countmax_s, tries_s, grace_s)), evidence)
  end,
}
