-- 等保 8.1.4.1 b) (IA-16): idle shell sessions are logged out (TMOUT).
--
-- Semantics: facts.shell.tmout (seconds, or nil when no profile file sets it), tmout_file and
-- tmout_readonly (the login shell's TMOUT from /etc/profile, /etc/profile.d/*.sh, /etc/bashrc). Pass when
-- 0 < TMOUT <= tmout_max (default 600 s; public baselines use 300-900). Unset or 0: fail. Set
-- but not readonly: pass with a note in the evidence (a user can unset it in the session).
local mlps = require("mlps")

local function tmout_of(f)
  return mlps.num(f.tmout), f.tmout_readonly, f.tmout_file
end

return {
  api = 1,
  id = "mlps-l3/session-timeout",
  title = {
    en = "Idle shell sessions time out (TMOUT)",
    zh = "登录会话超时自动退出（TMOUT）",
  },
  severity = "medium",
  scope = "node",
  requires = { "shell" },
  applies = function(s) return s.roles.virtual ~= true end,
  baselines = { mlps = { control = "8.1.4.1 b)" } },
  params = {
    tmout_max = { default = 600, description = "TMOUT must be set and at most this (seconds)" },
  },
  impact = {
    en = "An unattended root or admin shell stays open indefinitely and can be used by anyone "
      .. "with access to the terminal or the session; 8.1.4.1 b) requires idle connections to "
      .. "log out automatically.",
    zh = "无人值守的 root 或管理员终端会一直保持登录，任何能接触终端或会话的人都可以使用；8.1.4.1 b) "
      .. "要求连接超时自动退出。",
  },
  remediation = {
    en = "Create /etc/profile.d/tmout.sh with `TMOUT=600`, `readonly TMOUT` and `export TMOUT` "
      .. "(600 or the assessor's value, in seconds); it applies to new login shells. Pair it with "
      .. "the SSH idle limit (ClientAliveInterval).",
    zh = "新建 /etc/profile.d/tmout.sh，内容为 `TMOUT=600`、`readonly TMOUT`、`export TMOUT`"
      .. "（600 秒或测评要求的值），对新登录的 shell 生效；同时配置 SSH 空闲超时（ClientAliveInterval）。",
  },
  references = { "GB/T 22239-2019 8.1.4.1 b)", "GB/T 28448-2019 L3-CES1-02" },
  tags = { "node", "session" },
  check = function(s, ctx)
    local max = ctx.param("tmout_max")
    local v, readonly, file = tmout_of(s.facts.shell)
    local evidence = { tmout = v, readonly = readonly, file = file,
                       actual = v and ("TMOUT=" .. v .. (readonly and " (readonly)" or "")) or "unset",
                       expected = "1.." .. max .. " s" }
    if v == nil or v <= 0 then
      return ctx.fail(mlps.msg("TMOUT is " .. (v == nil and "not set" or tostring(v))
        .. ": idle shells never time out; expected 1-" .. max .. " s",
        "TMOUT " .. (v == nil and "未设置" or ("为 " .. tostring(v)))
        .. "：空闲会话不会自动退出，应设置为 1-" .. max .. " 秒"), evidence)
    end
    local where = file and (" in " .. file) or ""
    local where_zh = file and ("（" .. file .. "）") or ""
    if v > max then
      return ctx.fail(mlps.msg(string.format("TMOUT=%d%s, expected at most %d s", v, where, max),
        string.format("TMOUT=%d%s，会话超时时间应不超过 %d 秒", v, where_zh, max)), evidence)
    end
    return ctx.pass(mlps.msg(string.format("TMOUT=%d%s%s", v, where,
      readonly == false and " (not readonly: a user can unset it)" or ""),
      string.format("TMOUT=%d%s，空闲会话超时自动退出%s", v, where_zh,
      readonly == false and "（未设为 readonly，用户可自行取消）" or "")), evidence)
  end,
}
