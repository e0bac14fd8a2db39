-- 等保 8.1.4.1 a) (IA-05/IA-07): passwords have a minimum length enforced by PAM.
--
-- Semantics:
--   * the enforcing module is pam_pwquality.so or pam_cracklib.so in a `password` stack
--     (system-auth/password-auth on RHEL-family, common-password on Debian-family). Without it
--     nothing enforces a length: fail, even if PASS_MIN_LEN is set in /etc/login.defs (shadow
--     ignores it when PAM is used; it is shown as evidence).
--   * minlen: the module's argument, else pwquality.conf (pwquality only), else the module
--     default (pwquality 8, cracklib 9).
--   * pass when minlen >= pass_min_len (default 8, the value of most public 三级 baselines; the
--     range seen is 8-12).
local mlps = require("mlps")

local DEFAULT_MINLEN = { ["pam_pwquality.so"] = 8, ["pam_cracklib.so"] = 9 }

return {
  api = 1,
  id = "mlps-l3/password-min-length",
  title = {
    en = "Password minimum length is enforced (pam_pwquality minlen)",
    zh = "口令最小长度已强制（pam_pwquality minlen）",
  },
  severity = "high",
  scope = "node",
  requires = { "pam" },
  applies = function(s) return s.roles.virtual ~= true end,
  baselines = { mlps = { control = "8.1.4.1 a)" } },
  params = {
    pass_min_len = { default = 8, description = "minimum password length (minlen)" },
  },
  impact = {
    en = "Short passwords of local accounts (root, admin users) can be guessed or brute-forced "
      .. "over SSH; 8.1.4.1 a) requires credentials with complexity.",
    zh = "本地账户（root、管理员）的短口令容易被猜解或经 SSH 暴力破解，不满足 8.1.4.1 a)"
      .. "“鉴别信息具有复杂度要求”。",
  },
  remediation = {
    en = "Enforce the length with pam_pwquality: set `minlen = 8` (or the assessor's value) in "
      .. "/etc/security/pwquality.conf and make sure the password stack calls the module — RHEL "
      .. "family: `password requisite pam_pwquality.so try_first_pass local_users_only retry=3` "
      .. "in /etc/pam.d/system-auth and password-auth (authselect keeps it); Debian/Ubuntu: "
      .. "`apt install libpam-pwquality`, which adds it to /etc/pam.d/common-password. Also set "
      .. "PASS_MIN_LEN 8 in /etc/login.defs for tools that read it.",
    zh = "用 pam_pwquality 强制口令长度：在 /etc/security/pwquality.conf 中设置 `minlen = 8`"
      .. "（或测评要求的值），并确认 password 栈调用了该模块——RHEL 系：/etc/pam.d/system-auth 与 "
      .. "password-auth 中有 `password requisite pam_pwquality.so try_first_pass local_users_only retry=3`"
      .. "（authselect 会保留）；Debian/Ubuntu：执行 `apt install libpam-pwquality`，会自动加入 "
      .. "/etc/pam.d/common-password。同时在 /etc/login.defs 中设置 PASS_MIN_LEN 8。",
  },
  references = { "GB/T 22239-2019 8.1.4.1 a)", "GB/T 28448-2019 L3-CES1-01" },
  tags = { "node", "password", "pam" },
  check = function(s, ctx)
    local want = ctx.param("pass_min_len")
    local lines = mlps.pam_lines(s.facts, "password", { "pam_pwquality.so", "pam_cracklib.so" })
    local login_defs = mlps.login_def(s.facts, "PASS_MIN_LEN")
    if #lines == 0 then
      return ctx.fail(mlps.msg("no pam_pwquality.so or pam_cracklib.so in any PAM password "
        .. "stack: nothing enforces a password length (PASS_MIN_LEN in login.defs is "
        .. tostring(login_defs or "unset") .. " and is not enforced by PAM)",
        "PAM 口令配置中没有 pam_pwquality.so 或 pam_cracklib.so：未强制口令最小长度（login.defs 中的 "
        .. "PASS_MIN_LEN 为 " .. tostring(login_defs or "未设置") .. "，PAM 不会执行该设置）"),
        { module = "none", actual = "no pam_pwquality/pam_cracklib in the password stack",
          login_defs_pass_min_len = login_defs, expected = "minlen >= " .. want })
    end
    local line = lines[1]
    local v, source = mlps.pam_setting(s.facts, line, "pwquality", "minlen")
    if line.module == "pam_cracklib.so" and source ~= line.file then
      v, source = nil, "default"
    end
    local minlen = mlps.num(v)
    if minlen == nil then minlen, source = DEFAULT_MINLEN[line.module], "module default" end
    local evidence = { module = line.module, pam_file = line.file, minlen = minlen,
                       source = source, login_defs_pass_min_len = login_defs,
                       actual = string.format("minlen=%d (%s)", minlen, source),
                       expected = "minlen >= " .. want }
    if minlen >= want then
      return ctx.pass(mlps.msg(string.format("%s enforces minlen=%d (%s)", line.module, minlen,
        source), string.format("%s 要求口令长度不少于 %d 位（minlen，来源：%s）", line.module,
        minlen, source)), evidence)
    end
    return ctx.fail(mlps.msg(string.format("%s enforces minlen=%d (%s), expected at least %d",
      line.module, minlen, source, want),
      string.format("%s 的口令最小长度为 %d 位（minlen，来源：%s），应不少于 %d 位", line.module,
      minlen, source, want)), evidence)
  end,
}
