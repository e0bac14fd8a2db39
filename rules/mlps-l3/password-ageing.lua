-- 等保 8.1.4.1 a) (IA-08..IA-10): passwords are changed periodically (/etc/login.defs).
--
-- Semantics: PASS_MAX_DAYS <= pass_max_days (90), PASS_MIN_DAYS >= pass_min_days (1) and
-- PASS_WARN_AGE >= pass_warn_age (7). A setting missing from login.defs counts as the shadow
-- default (99999 / 0 / 7). Each violated setting is listed. login.defs only applies to accounts
-- created afterwards; existing accounts keep their shadow fields (chage -l), which the
-- remediation says to update.
local mlps = require("mlps")

local DEFAULTS = { PASS_MAX_DAYS = 99999, PASS_MIN_DAYS = 0, PASS_WARN_AGE = 7 }

return {
  api = 1,
  id = "mlps-l3/password-ageing",
  title = {
    en = "Password ageing: maximum age, minimum age and warning period (login.defs)",
    zh = "口令定期更换：最长使用期限、最短使用期限与到期提醒（login.defs）",
  },
  severity = "medium",
  scope = "node",
  requires = { "login_defs" },
  applies = function(s) return s.roles.virtual ~= true end,
  baselines = { mlps = { control = "8.1.4.1 a)" } },
  params = {
    pass_max_days = { default = 90, description = "PASS_MAX_DAYS must be at most this" },
    pass_min_days = { default = 1, description = "PASS_MIN_DAYS must be at least this" },
    pass_warn_age = { default = 7, description = "PASS_WARN_AGE must be at least this" },
  },
  impact = {
    en = "Without a maximum age a leaked or guessed password stays valid for ever; without a "
      .. "minimum age a user can cycle back to the old password at once.",
    zh = "不设置最长使用期限，泄露或被猜解的口令将永久有效；不设置最短使用期限，用户可立即改回旧口令。",
  },
  remediation = {
    en = "In /etc/login.defs set `PASS_MAX_DAYS 90`, `PASS_MIN_DAYS 1` and `PASS_WARN_AGE 7`; "
      .. "apply the same to existing interactive accounts: `chage -M 90 -m 1 -W 7 <user>` "
      .. "(check with `chage -l <user>`).",
    zh = "在 /etc/login.defs 中设置 `PASS_MAX_DAYS 90`、`PASS_MIN_DAYS 1`、`PASS_WARN_AGE 7`；"
      .. "对已存在的交互账户执行 `chage -M 90 -m 1 -W 7 <用户名>`（用 `chage -l <用户名>` 核对）。",
  },
  references = { "GB/T 22239-2019 8.1.4.1 a)", "GB/T 28448-2019 L3-CES1-01" },
  tags = { "node", "password" },
  check = function(s, ctx)
    local limits = {
      { key = "PASS_MAX_DAYS", want = ctx.param("pass_max_days"), op = "<=" },
      { key = "PASS_MIN_DAYS", want = ctx.param("pass_min_days"), op = ">=" },
      { key = "PASS_WARN_AGE", want = ctx.param("pass_warn_age"), op = ">=" },
    }
    local evidence, bad, good, bad_zh, good_zh = {}, {}, {}, {}, {}
    for _, l in ipairs(limits) do
      local raw = mlps.login_def(s.facts, l.key)
      local v = mlps.num(raw)
      local shown = raw ~= nil and tostring(raw) or ("unset, default " .. DEFAULTS[l.key])
      if v == nil then v = DEFAULTS[l.key] end
      evidence[l.key] = shown
      evidence[l.key .. "_expected"] = l.op .. " " .. l.want
      local ok = (l.op == "<=" and v <= l.want) or (l.op == ">=" and v >= l.want)
      local text = string.format("%s %s", l.key, shown)
      local text_zh = string.format("%s %s", l.key, raw ~= nil and tostring(raw)
        or ("未设置，默认 " .. DEFAULTS[l.key]))
      if ok then
        good[#good + 1] = text
        good_zh[#good_zh + 1] = text_zh
      else
        bad[#bad + 1] = string.format("%s (expected %s %d)", text, l.op, l.want)
        bad_zh[#bad_zh + 1] = string.format("%s（应%s %d）", text_zh,
          l.op == "<=" and "不大于" or "不小于", l.want)
      end
    end
    evidence.actual = string.format("PASS_MAX_DAYS %s, PASS_MIN_DAYS %s, PASS_WARN_AGE %s",
      evidence.PASS_MAX_DAYS, evidence.PASS_MIN_DAYS, evidence.PASS_WARN_AGE)
    evidence.expected = string.format("PASS_MAX_DAYS <= %d, PASS_MIN_DAYS >= %d, PASS_WARN_AGE >= %d",
      limits[1].want, limits[2].want, limits[3].want)
    if #bad > 0 then
      return ctx.fail(mlps.msg(table.concat(bad, "; "),
        "口令有效期设置不符合要求：" .. table.concat(bad_zh, "；")), evidence)
    end
    return ctx.pass(mlps.msg(table.concat(good, ", "),
      "口令定期更换要求已配置：" .. table.concat(good_zh, "，")), evidence)
  end,
}
