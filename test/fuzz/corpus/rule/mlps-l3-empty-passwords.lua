-- 等保 8.1.4.1 a) (IA-01/IA-02): no account can log in without a password.
--
-- Semantics: fail when facts.accounts.empty_password.names (accounts whose /etc/shadow password
-- field is empty; the collector records names only, never hashes) is not empty. The
-- sshd PermitEmptyPasswords setting is reported too: `yes` fails on its own, because an account
-- given an empty password later could then log in over SSH.
local mlps = require("mlps")

return {
  api = 1,
  id = "mlps-l3/empty-passwords",
  title = {
    en = "No account has an empty password",
    zh = "不存在空口令账户",
  },
  severity = "critical",
  scope = "node",
  requires = { "accounts.empty_password" },
  applies = function(s) return s.roles.virtual ~= true end,
  baselines = { mlps = { control = "8.1.4.1 a)" } },
  impact = {
    en = "An account with an empty password can be used by anyone who reaches a login prompt: "
      .. "there is no authentication at all.",
    zh = "空口令账户无需任何鉴别即可登录，任何能访问登录入口的人都可以使用该账户。",
  },
  remediation = {
    en = "Lock or set a password for each listed account: `passwd -l <user>` (or `passwd "
      .. "<user>`); list them with `awk -F: '($2==\"\"){print $1}' /etc/shadow`. In "
      .. "/etc/ssh/sshd_config set `PermitEmptyPasswords no` and run `systemctl reload sshd`.",
    zh = "对列出的账户加锁或设置口令：`passwd -l <用户名>`（或 `passwd <用户名>`）；可用 "
      .. "`awk -F: '($2==\"\"){print $1}' /etc/shadow` 查出空口令账户。在 /etc/ssh/sshd_config 中设置 "
      .. "`PermitEmptyPasswords no` 并执行 `systemctl reload sshd`。",
  },
  references = { "GB/T 22239-2019 8.1.4.1 a)", "GB/T 28448-2019 L3-CES1-01" },
  tags = { "node", "accounts", "password" },
  check = function(s, ctx)
    local empty = mlps.sorted(mlps.empty_password_names(s.facts))
    local permit = mlps.lower(mlps.sshd(s.facts, "permitemptypasswords"))
    local evidence = { empty_password_accounts = empty, sshd_permitemptypasswords = permit,
                       actual = (#empty > 0 and mlps.join(empty) or "none")
                         .. "; PermitEmptyPasswords " .. tostring(permit or "not collected"),
                       expected = "none; PermitEmptyPasswords no" }
    if #empty > 0 then
      return ctx.fail(string.format("%d account%s with an empty password: %s", #empty,
        #empty == 1 and "" or "s", mlps.join(empty)), evidence)
    end
    if permit == "yes" then
      return ctx.fail("sshd allows empty passwords (PermitEmptyPasswords yes)", evidence)
    end
    return ctx.pass("no account has an empty password"
      .. (permit and ("; sshd PermitEmptyPasswords " .. permit) or ""), evidence)
  end,
}
