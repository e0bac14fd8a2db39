-- 等保 8.1.4.1 b) (IA-13..IA-15): accounts are locked after repeated failed logins.
--
-- Semantics:
--   * the lockout module is pam_faillock.so (Linux-PAM >= 1.4, RHEL 8+, Debian 11+, Ubuntu
--     22.04+) or pam_tally2.so (older systems; removed in Linux-PAM 1.5) in an `auth` stack.
--     Neither present: fail.
--   * deny / unlock_time: the PAM line's argument, else /etc/security/faillock.conf
--     (pam_faillock only), else the module default (faillock: deny 3, unlock_time 600;
--     pam_tally2: no deny = no lockout, no unlock_time = locked until an admin resets it).
--   * pass when 0 < deny <= `deny` (default 5) and unlock_time >= `unlock_time` (default 300
--     s, the most common value of the public baselines) or 0 (manual unlock only, also
--     accepted by assessors).
local mlps = require("mlps")

local function lockout(s)
  local fl = mlps.pam_lines(s.facts, "auth", { "pam_faillock.so" })
  if #fl > 0 then
    local line = fl[1]
    local deny, dsrc = mlps.pam_setting(s.facts, line, "faillock", "deny")
    local unlock, usrc = mlps.pam_setting(s.facts, line, "faillock", "unlock_time")
    if deny == nil then deny, dsrc = 3, "faillock default" end
    if unlock == nil then unlock, usrc = 600, "faillock default" end
    return { module = "pam_faillock.so", file = line.file, deny = mlps.num(deny), deny_source = dsrc,
             unlock_time = unlock, unlock_source = usrc }
  end
  local t2 = mlps.pam_lines(s.facts, "auth", { "pam_tally2.so" })
  if #t2 > 0 then
    local args = mlps.pam_args(t2[1])
    return { module = "pam_tally2.so", file = t2[1].file, deny = mlps.num(args.deny),
             deny_source = args.deny and t2[1].file or "unset (no lockout)",
             unlock_time = args.unlock_time or 0,
             unlock_source = args.unlock_time and t2[1].file or "unset (admin unlock)" }
  end
  return nil
end

return {
  api = 1,
  id = "mlps-l3/login-failure-lockout",
  title = {
    en = "Accounts are locked after repeated login failures (pam_faillock)",
    zh = "登录失败处理：连续登录失败后锁定账户（pam_faillock）",
  },
  severity = "high",
  scope = "node",
  requires = { "pam" },
  applies = function(s) return s.roles.virtual ~= true end,
  baselines = { mlps = { control = "8.1.4.1 b)" } },
  params = {
    deny = { default = 5, description = "at most this many consecutive failures before locking" },
    unlock_time = { default = 300,
      description = "lock for at least this many seconds (0 = manual unlock, always accepted)" },
  },
  impact = {
    en = "Without a lockout an attacker can try passwords over SSH or the console without "
      .. "limit; 8.1.4.1 b) requires limiting consecutive failed logins.",
    zh = "没有登录失败锁定，攻击者可通过 SSH 或控制台无限次尝试口令；8.1.4.1 b) 要求限制非法登录次数。",
  },
  remediation = {
    en = "RHEL 8+/Alibaba Cloud Linux 3: `authselect enable-feature with-faillock`, then in "
      .. "/etc/security/faillock.conf set `deny = 5` and `unlock_time = 300` (add "
      .. "`even_deny_root` and `root_unlock_time = 300` if policy covers root). Debian 11+/Ubuntu "
      .. "22.04+: add `auth required pam_faillock.so preauth` before and `auth [default=die] "
      .. "pam_faillock.so authfail` after pam_unix in /etc/pam.d/common-auth, and `account "
      .. "required pam_faillock.so` to common-account. CentOS 7/Alibaba Cloud Linux 2: `auth "
      .. "required pam_tally2.so deny=5 unlock_time=300` in system-auth and password-auth. Keep "
      .. "a root session open while testing.",
    zh = "RHEL 8+/Alibaba Cloud Linux 3：执行 `authselect enable-feature with-faillock`，然后在 "
      .. "/etc/security/faillock.conf 中设置 `deny = 5`、`unlock_time = 300`（如策略要求覆盖 root，再加 "
      .. "`even_deny_root` 与 `root_unlock_time = 300`）。Debian 11+/Ubuntu 22.04+：在 /etc/pam.d/common-auth "
      .. "中 pam_unix 之前加入 `auth required pam_faillock.so preauth`、之后加入 `auth [default=die] "
      .. "pam_faillock.so authfail`，并在 common-account 中加入 `account required pam_faillock.so`。"
      .. "CentOS 7/Alibaba Cloud Linux 2：在 system-auth 与 password-auth 中加入 `auth required "
      .. "pam_tally2.so deny=5 unlock_time=300`。修改时保留一个 root 会话以防锁死。",
  },
  references = { "GB/T 22239-2019 8.1.4.1 b)", "GB/T 28448-2019 L3-CES1-02" },
  tags = { "node", "pam", "lockout" },
  check = function(s, ctx)
    local max_deny, min_unlock = ctx.param("deny"), ctx.param("unlock_time")
    local l = lockout(s)
    local expected = string.format("deny 1..%d, unlock_time >= %d or 0", max_deny, min_unlock)
    if l == nil then
      return ctx.fail(mlps.msg("no login-failure lockout: neither pam_faillock.so nor "
        .. "pam_tally2.so is in a PAM auth stack",
        "未配置登录失败处理：PAM 认证配置中既没有 pam_faillock.so 也没有 pam_tally2.so"),
        { module = "none", actual = "no lockout module", expected = expected })
    end
    local unlock = mlps.num(l.unlock_time)
    local evidence = { module = l.module, pam_file = l.file, deny = l.deny,
                       deny_source = l.deny_source, unlock_time = unlock,
                       unlock_source = l.unlock_source, expected = expected,
                       actual = string.format("%s deny=%s unlock_time=%s", l.module,
                         tostring(l.deny or "unset"), tostring(l.unlock_time)) }
    local bad, bad_zh = {}, {}
    if l.deny == nil or l.deny <= 0 then
      bad[#bad + 1] = "deny is " .. (l.deny and tostring(l.deny) or "unset") .. " (no lockout)"
      bad_zh[#bad_zh + 1] = "deny " .. (l.deny and ("为 " .. tostring(l.deny)) or "未设置")
        .. "（不会锁定账户）"
    elseif l.deny > max_deny then
      bad[#bad + 1] = string.format("deny=%d (%s), expected at most %d", l.deny, l.deny_source,
        max_deny)
      bad_zh[#bad_zh + 1] = string.format("deny=%d（%s），连续失败次数上限应不大于 %d", l.deny,
        l.deny_source, max_deny)
    end
    if unlock == nil or (unlock ~= 0 and unlock < min_unlock) then
      bad[#bad + 1] = string.format("unlock_time=%s (%s), expected at least %d s or 0",
        tostring(l.unlock_time), l.unlock_source, min_unlock)
      bad_zh[#bad_zh + 1] = string.format("unlock_time=%s（%s），锁定时间应不少于 %d 秒或为 0"
        .. "（需管理员解锁）", tostring(l.unlock_time), l.unlock_source, min_unlock)
    end
    if #bad > 0 then
      return ctx.fail(mlps.msg(l.module .. ": " .. table.concat(bad, "; "),
        l.module .. "：" .. table.concat(bad_zh, "；")), evidence)
    end
    return ctx.pass(mlps.msg(string.format("%s locks after %d failures for %s", l.module, l.deny,
      unlock == 0 and "good (manual unlock)" or (unlock .. " s")),
      string.format("%s 在连续 %d 次登录失败后锁定账户%s", l.module, l.deny,
      unlock == 0 and "，需管理员解锁" or ("，锁定 " .. unlock .. " 秒"))), evidence)
  end,
}
