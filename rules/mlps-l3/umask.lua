-- 等保 8.1.4.2 a) (AC-01): new files are not readable by other users (default umask).
--
-- Semantics: facts.shell.umask (the umask the shell profile files set, e.g. /etc/profile);
-- when no profile file sets one, UMASK of /etc/login.defs (facts.shell.login_defs_umask or
-- facts.login_defs.UMASK), which pam_umask/useradd apply. Pass when the umask masks at least the bits of `umask` (default 027: no
-- group write, nothing for others), i.e. (umask & required) == required.
local mlps = require("mlps")

local function octal(v)
  if v == nil then return nil end
  local str = tostring(v):match("^%s*0*([0-7]+)%s*$")
  if str == nil then return nil end
  return tonumber(str, 8)
end

return {
  api = 1,
  id = "mlps-l3/umask",
  title = {
    en = "Default umask is 027 or stricter",
    zh = "默认 umask 为 027 或更严格",
  },
  severity = "low",
  scope = "node",
  applies = function(s) return s.roles.virtual ~= true end,
  requires = { "shell" },
  baselines = { mlps = { control = "8.1.4.2 a)" } },
  params = {
    umask = { default = "027", description = "bits the default umask must mask (octal)" },
  },
  impact = {
    en = "With umask 022 every file an administrator creates (exports, configs, keys copied by "
      .. "hand) is readable by every local user and service account.",
    zh = "umask 为 022 时，管理员创建的文件（导出数据、配置、手工复制的密钥）对所有本地用户和服务账户可读。",
  },
  remediation = {
    en = "Set `UMASK 027` in /etc/login.defs and `umask 027` in /etc/profile and /etc/bashrc "
      .. "(Debian/Ubuntu: /etc/bash.bashrc, or `session optional pam_umask.so` in "
      .. "/etc/pam.d/common-session); check with `bash -lc umask` as a normal user.",
    zh = "在 /etc/login.defs 中设置 `UMASK 027`，并在 /etc/profile 与 /etc/bashrc（Debian/Ubuntu 为 "
      .. "/etc/bash.bashrc，或在 /etc/pam.d/common-session 中加入 `session optional pam_umask.so`）中设置 "
      .. "`umask 027`；以普通用户执行 `bash -lc umask` 核对。",
  },
  references = { "GB/T 22239-2019 8.1.4.2 a)", "GB/T 28448-2019 L3-CES1-05" },
  tags = { "node", "permissions" },
  check = function(s, ctx)
    local want_s = tostring(ctx.param("umask"))
    local want = octal(want_s)
    local sh = s.facts.shell
    local raw, file = sh.umask, "shell profile"
    for _, entry in ipairs(sh.settings or {}) do
      if entry.umask ~= nil and tostring(entry.umask) == tostring(raw) then file = entry.file end
    end
    if raw == nil then
      raw = sh.login_defs_umask or mlps.login_def(s.facts, "UMASK")
      file = "/etc/login.defs UMASK"
    end
    local shown = raw
    local v = octal(raw)
    local evidence = { umask = shown, file = file, actual = shown and ("umask " .. tostring(shown)) or "unset",
                       expected = "umask " .. want_s .. " or stricter" }
    if v == nil then
      return ctx.fail(mlps.msg("no default umask is set (the system default 022 applies); "
        .. "expected " .. want_s .. " or stricter",
        "未设置默认 umask（使用系统默认值 022）；应为 " .. want_s .. " 或更严格"), evidence)
    end
    local where = file and (" (" .. file .. ")") or ""
    local where_zh = file and ("（" .. file .. "）") or ""
    if (v & want) == want then
      return ctx.pass(mlps.msg("umask " .. tostring(shown) .. where,
        "umask " .. tostring(shown) .. where_zh .. "，新建文件默认权限符合要求"), evidence)
    end
    return ctx.fail(mlps.msg(string.format("umask %s%s, expected %s or stricter", tostring(shown),
      where, want_s), string.format("umask %s%s，应为 %s 或更严格", tostring(shown), where_zh,
      want_s)), evidence)
  end,
}
