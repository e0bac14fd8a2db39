-- 等保 8.1.4.2 b)/c) (AC-05/AC-06): default and system accounts cannot log in.
--
-- Semantics: needs the per-account list facts.accounts.users = [ { name, uid, shell, locked } ].
--   * fail when an account of `default_accounts` (legacy accounts such as shutdown, halt, sync,
--     games, lp, news, uucp, ftp) has a login shell and an unlocked password, or when a system
--     account (uid 1..system_uid_max, root excluded) has a login shell and an unlocked password.
--   * "cannot log in" = shell is one of nologin/false/sync/shutdown/halt, or the password is
--     locked.
--   * pass otherwise.
--   * when the collector recorded no per-account list (only the UID-0 and empty-password names),
--     manual with the commands to run: the rule never passes without the data.
local mlps = require("mlps")

local NOLOGIN = { ["/sbin/nologin"] = true, ["/usr/sbin/nologin"] = true, ["/bin/false"] = true,
                  ["/usr/bin/false"] = true, ["/bin/sync"] = true, ["/sbin/shutdown"] = true,
                  ["/sbin/halt"] = true }

return {
  api = 1,
  id = "mlps-l3/default-accounts",
  title = {
    en = "Default and system accounts cannot log in",
    zh = "默认账户与系统账户不可登录",
  },
  severity = "medium",
  scope = "node",
  requires = { "accounts" },
  applies = function(s) return s.roles.virtual ~= true end,
  baselines = { mlps = { control = "8.1.4.2 b)" } },
  params = {
    default_accounts = {
      default = { "shutdown", "halt", "sync", "games", "lp", "news", "uucp", "ftp", "operator",
                  "gopher" },
      description = "legacy default accounts that must be locked or removed",
    },
    system_uid_max = { default = 999, description = "highest UID of system accounts" },
  },
  impact = {
    en = "Default and system accounts are known to every attacker; one with a shell and a "
      .. "usable password is an entry point nobody owns.",
    zh = "默认账户和系统账户的名称人所共知；其中任何一个拥有可登录的 shell 和可用口令，都是无人负责的入侵入口。",
  },
  remediation = {
    en = "For each listed account: `usermod -s /sbin/nologin <user>` and `passwd -l <user>`, or "
      .. "`userdel <user>` when nothing uses it. Find them with `awk -F: '($3>0 && $3<1000 && "
      .. "$7!~/nologin|false/){print $1\":\"$7}' /etc/passwd` and `passwd -S -a` (status L = "
      .. "locked).",
    zh = "对每个列出的账户执行 `usermod -s /sbin/nologin <用户名>` 与 `passwd -l <用户名>`，无用的账户直接 "
      .. "`userdel <用户名>`。可用 `awk -F: '($3>0 && $3<1000 && $7!~/nologin|false/){print $1\":\"$7}' "
      .. "/etc/passwd` 与 `passwd -S -a`（状态 L 表示已锁定）查找。",
  },
  references = { "GB/T 22239-2019 8.1.4.2 b)", "GB/T 28448-2019 L3-CES1-06" },
  tags = { "node", "accounts" },
  check = function(s, ctx)
    local users = s.facts.accounts.users
    if users == nil then
      return ctx.manual(mlps.msg("the per-account list was not collected (only UID-0 and "
        .. "empty-password accounts); verify on the node that default accounts ("
        .. mlps.join(ctx.param("default_accounts")) .. ") and system accounts have /sbin/nologin "
        .. "and a locked password: `awk -F: '($3>0 && $3<1000 && $7!~/nologin|false/)' "
        .. "/etc/passwd`, `passwd -S -a`",
        "未采集到完整的账户列表（仅采集了 UID 为 0 和空口令的账户）；请在节点上核查默认账户（"
        .. mlps.join(ctx.param("default_accounts")) .. "）和系统账户的 shell 为 /sbin/nologin 且口令"
        .. "已锁定：`awk -F: '($3>0 && $3<1000 && $7!~/nologin|false/)' /etc/passwd`、`passwd -S -a`"))
    end
    local defaults, max_uid = ctx.param("default_accounts"), ctx.param("system_uid_max")
    local bad = {}
    for _, u in ipairs(users) do
      local uid = mlps.num(u.uid)
      local can_login = not NOLOGIN[u.shell or ""] and u.locked ~= true
      if u.name ~= "root" and can_login and
         (mlps.contains(defaults, u.name) or (uid ~= nil and uid > 0 and uid <= max_uid)) then
        bad[#bad + 1] = string.format("%s (uid %s, %s)", u.name, tostring(u.uid),
          tostring(u.shell))
      end
    end
    table.sort(bad)
    local evidence = { accounts = bad, actual = #bad > 0 and mlps.join(bad) or "none can log in",
                       expected = "nologin shell or locked password" }
    if #bad > 0 then
      return ctx.fail(mlps.msg(string.format("%d default/system account%s can log in: %s", #bad,
        #bad == 1 and "" or "s", mlps.join(bad)),
        string.format("%d 个默认账户或系统账户可以登录，应禁用或锁定：%s", #bad, mlps.join(bad))),
        evidence)
    end
    return ctx.pass(mlps.msg("no default or system account can log in",
      "默认账户和系统账户均不能登录（nologin 或口令已锁定）"), evidence)
  end,
}
