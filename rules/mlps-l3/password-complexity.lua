-- 等保 8.1.4.1 a) (IA-06): passwords must combine several character classes.
--
-- Semantics: the classes the module requires are the larger of `minclass` and the number of
-- negative credits (dcredit/ucredit/lcredit/ocredit <= -1 each demand one character of that
-- class); settings come from the pam_pwquality/pam_cracklib line, else pwquality.conf. Pass when
-- that number >= min_classes (default 3, "three of four", the accepted alternative to all four
-- credits = -1; set 4 for the stricter reading). No complexity module in a password stack: fail.
local mlps = require("mlps")

local CREDITS = { "dcredit", "ucredit", "lcredit", "ocredit" }

return {
  api = 1,
  id = "mlps-l3/password-complexity",
  title = {
    en = "Passwords must mix character classes (pam_pwquality minclass / credits)",
    zh = "口令复杂度：须包含多类字符（pam_pwquality minclass / credit）",
  },
  severity = "high",
  scope = "node",
  requires = { "pam" },
  applies = function(s) return s.roles.virtual ~= true end,
  baselines = { mlps = { control = "8.1.4.1 a)" } },
  params = {
    min_classes = { default = 3,
      description = "character classes (upper, lower, digit, other) a password must contain" },
  },
  impact = {
    en = "Passwords from a single class (only digits, only lower case) fall quickly to "
      .. "dictionary and brute-force attacks.",
    zh = "只含一类字符（纯数字、纯小写字母）的口令很容易被字典或暴力破解。",
  },
  remediation = {
    en = "In /etc/security/pwquality.conf set `minclass = 3` (or, for all four classes, "
      .. "`dcredit = -1`, `ucredit = -1`, `lcredit = -1`, `ocredit = -1`), and make sure "
      .. "pam_pwquality.so is in the password stack (/etc/pam.d/system-auth and password-auth, or "
      .. "/etc/pam.d/common-password after `apt install libpam-pwquality`).",
    zh = "在 /etc/security/pwquality.conf 中设置 `minclass = 3`（要求四类字符时设置 `dcredit = -1`、"
      .. "`ucredit = -1`、`lcredit = -1`、`ocredit = -1`），并确认 password 栈中调用了 pam_pwquality.so"
      .. "（/etc/pam.d/system-auth 与 password-auth，或安装 libpam-pwquality 后的 /etc/pam.d/common-password）。",
  },
  references = { "GB/T 22239-2019 8.1.4.1 a)", "GB/T 28448-2019 L3-CES1-01" },
  tags = { "node", "password", "pam" },
  check = function(s, ctx)
    local want = ctx.param("min_classes")
    local lines = mlps.pam_lines(s.facts, "password", { "pam_pwquality.so", "pam_cracklib.so" })
    if #lines == 0 then
      return ctx.fail(mlps.msg("no pam_pwquality.so or pam_cracklib.so in any PAM password "
        .. "stack: password complexity is not enforced",
        "PAM 口令配置中没有 pam_pwquality.so 或 pam_cracklib.so：未强制口令复杂度"),
        { module = "none", actual = "no pam_pwquality/pam_cracklib", expected = ">= " .. want .. " classes" })
    end
    local line = lines[1]
    local evidence = { module = line.module, pam_file = line.file, expected = ">= " .. want .. " classes" }
    local required = {}
    for _, key in ipairs(CREDITS) do
      local v = mlps.pam_setting(s.facts, line, "pwquality", key)
      evidence[key] = v
      local n = mlps.num(v)
      if n ~= nil and n <= -1 then required[#required + 1] = key .. "=" .. v end
    end
    local minclass = mlps.num((mlps.pam_setting(s.facts, line, "pwquality", "minclass"))) or 0
    evidence.minclass = minclass
    local classes = math.max(minclass, #required)
    evidence.classes = classes
    evidence.actual = classes .. " classes (" .. string.format("minclass=%d%s", minclass,
      #required > 0 and ", " .. table.concat(required, " ") or "") .. ")"
    local how = string.format("minclass=%d%s", minclass,
      #required > 0 and ", " .. table.concat(required, " ") or "")
    if classes >= want then
      return ctx.pass(mlps.msg(string.format("%s requires %d character classes (%s)", line.module,
        classes, how), string.format("%s 要求口令至少包含 %d 类字符（%s）", line.module, classes,
        how)), evidence)
    end
    return ctx.fail(mlps.msg(string.format("%s requires %d character class%s (%s), expected at "
      .. "least %d", line.module, classes, classes == 1 and "" or "es", how, want),
      string.format("%s 仅要求口令包含 %d 类字符（%s），应至少 %d 类", line.module, classes, how,
      want)), evidence)
  end,
}
