-- 等保 8.1.4.1 a) (IA-04): root is the only account with UID 0.
--
-- Semantics: facts.accounts.uid0 lists the accounts of /etc/passwd with UID 0. Pass when it is
-- exactly the accounts of `allowed` (default root). Any other UID-0 account is a second,
-- anonymous superuser: fail with the names. An empty list is an error (a Linux host always has
-- root, so the collection is broken).
local mlps = require("mlps")

return {
  api = 1,
  id = "mlps-l3/uid0-accounts",
  title = {
    en = "Only root has UID 0",
    zh = "仅 root 账户的 UID 为 0",
  },
  severity = "critical",
  scope = "node",
  requires = { "accounts.uid0" },
  applies = function(s) return s.roles.virtual ~= true end,
  baselines = { mlps = { control = "8.1.4.1 a)" } },
  params = {
    allowed = { default = { "root" }, description = "accounts allowed to have UID 0" },
  },
  impact = {
    en = "Another account with UID 0 is a full superuser under a different name: actions are "
      .. "not attributable to a unique identity and the account escapes root-specific controls "
      .. "(PermitRootLogin, audit filters on root). It is also a classic backdoor.",
    zh = "其他 UID 为 0 的账户是换了名字的超级用户：操作无法对应到唯一身份，并可绕过针对 root 的控制"
      .. "（PermitRootLogin、审计规则），也是常见的后门手法。",
  },
  remediation = {
    en = "List them with `awk -F: '($3==0){print $1}' /etc/passwd`; give each non-root account "
      .. "its own UID (`usermod -u <uid> <user>`) or delete it (`userdel <user>`) after checking "
      .. "who created it and why. Administrators use their own accounts plus sudo.",
    zh = "用 `awk -F: '($3==0){print $1}' /etc/passwd` 列出；查明来源后为非 root 账户分配独立 UID"
      .. "（`usermod -u <uid> <用户名>`）或删除（`userdel <用户名>`）。管理员应使用个人账户加 sudo。",
  },
  references = { "GB/T 22239-2019 8.1.4.1 a)", "GB/T 28448-2019 L3-CES1-01" },
  tags = { "node", "accounts" },
  check = function(s, ctx)
    local allowed = ctx.param("allowed")
    local uid0 = mlps.sorted(mlps.list(s.facts.accounts.uid0))
    if #uid0 == 0 then
      return ctx.error("the UID-0 account list is empty (root is missing): the accounts fact "
        .. "looks incomplete")
    end
    local extra = {}
    for _, name in ipairs(uid0) do
      if not mlps.contains(allowed, name) then extra[#extra + 1] = name end
    end
    local evidence = { uid0_accounts = uid0, actual = mlps.join(uid0), expected = mlps.join(mlps.list(allowed)) }
    if #extra > 0 then
      return ctx.fail(string.format("UID 0 besides %s: %s", mlps.join(allowed), mlps.join(extra)),
        evidence)
    end
    return ctx.pass("UID 0: " .. mlps.join(uid0), evidence)
  end,
}
