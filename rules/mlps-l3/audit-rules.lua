-- 等保 8.1.4.3 a) (AU-03): the loaded audit rules cover the important security events.
--
-- Semantics: facts.audit.rules = the loaded rules (`auditctl -l`, else the rules files), one
-- string per rule. When the collector recorded only facts.audit.rules_count: 0 fails, more is
-- manual (the rules' content must be read).
--   * every path of `watched_files` is watched for writes: `-w <path> -p <perms with w>` or
--     `-a ... -F path=<path>|dir=<path> -F perm=<perms with w>` (account and sudo changes);
--   * every syscall of `syscalls` is audited by some `-S` list (file deletion and renaming).
--   No rules at all ("No rules"): fail. Missing items are listed.
local mlps = require("mlps")

local function watched(rules, path)
  for _, r in ipairs(rules) do
    local p, perm = r:match("%-w%s+(%S+).-%-p%s+(%S+)")
    if p == nil then
      p = r:match("%-F%s*path=(%S+)") or r:match("%-F%s*dir=(%S+)")
      perm = r:match("%-F%s*perm=(%S+)")
    end
    if p ~= nil and (p == path or p .. "/" == path or p == path .. "/") and perm and perm:find("w") then
      return true
    end
  end
  return false
end

local function syscall_audited(rules, name)
  for _, r in ipairs(rules) do
    for list in r:gmatch("%-S%s*([%w_,]+)") do
      for sc in list:gmatch("[^,]+") do
        if sc == name or sc == "all" then return true end
      end
    end
  end
  return false
end

return {
  api = 1,
  id = "mlps-l3/audit-rules",
  title = {
    en = "Audit rules cover account, sudo and file-deletion events",
    zh = "审计规则覆盖账户变更、sudo 配置变更与文件删除等重要安全事件",
  },
  severity = "medium",
  scope = "node",
  requires = { "audit" },
  applies = function(s) return s.roles.virtual ~= true end,
  baselines = { mlps = { control = "8.1.4.3 a)" } },
  params = {
    watched_files = {
      default = { "/etc/passwd", "/etc/group", "/etc/shadow", "/etc/gshadow",
                  "/etc/security/opasswd", "/etc/sudoers", "/etc/sudoers.d" },
      description = "files and directories that must be watched for writes (-w PATH -p wa)",
    },
    syscalls = { default = { "unlink", "unlinkat", "rename", "renameat" },
      description = "syscalls that must be audited (file deletion and renaming)" },
  },
  impact = {
    en = "auditd records only what its rules select: without them, new accounts, sudo grants "
      .. "and deleted evidence leave no audit record even though the daemon runs.",
    zh = "auditd 只记录规则选中的事件：缺少这些规则时，即使服务在运行，新建账户、sudo 授权与删除痕迹也不会留下审计记录。",
  },
  remediation = {
    en = "Create /etc/audit/rules.d/mlps.rules with `-w /etc/passwd -p wa -k identity` (same "
      .. "for /etc/group, /etc/shadow, /etc/gshadow, /etc/security/opasswd), `-w /etc/sudoers "
      .. "-p wa -k scope`, `-w /etc/sudoers.d/ -p wa -k scope`, and `-a always,exit -F arch=b64 "
      .. "-S unlink,unlinkat,rename,renameat -F auid>=1000 -F auid!=unset -k delete` (repeat "
      .. "with arch=b32); load with `augenrules --load` and check with `auditctl -l`. On busy "
      .. "Kubernetes nodes keep execve rules scoped to auid>=1000.",
    zh = "新建 /etc/audit/rules.d/mlps.rules，写入 `-w /etc/passwd -p wa -k identity`（/etc/group、"
      .. "/etc/shadow、/etc/gshadow、/etc/security/opasswd 同理）、`-w /etc/sudoers -p wa -k scope`、"
      .. "`-w /etc/sudoers.d/ -p wa -k scope`，以及 `-a always,exit -F arch=b64 -S unlink,unlinkat,rename,"
      .. "renameat -F auid>=1000 -F auid!=unset -k delete`（arch=b32 再写一条）；执行 `augenrules --load` "
      .. "加载并用 `auditctl -l` 核对。Kubernetes 节点上的 execve 规则应限定 auid>=1000，避免日志量过大。",
  },
  references = { "GB/T 22239-2019 8.1.4.3 a)", "GB/T 28448-2019 L3-CES1-12" },
  tags = { "node", "audit" },
  check = function(s, ctx)
    local a = mlps.audit(s.facts)
    if a.rules == nil then
      local n = mlps.num(a.rules_count)
      local ev = { rules_count = n, rules_source = a.rules_source,
                   actual = tostring(n) .. " rules (" .. tostring(a.rules_source) .. ")",
                   expected = "watches on account/sudo files; deletion syscalls audited" }
      if n == nil then
        return ctx.error(mlps.msg("neither the audit rules nor their count were collected",
          "未采集到审计规则及其数量"))
      end
      if n == 0 then
        return ctx.fail(mlps.msg("no audit rules are loaded ("
          .. tostring(a.rules_source or "auditctl -l") .. ": 0 rules)",
          "未加载任何审计规则（" .. tostring(a.rules_source or "auditctl -l") .. "：0 条），"
          .. "重要的用户行为和安全事件不会被审计"), ev)
      end
      return ctx.manual(mlps.msg(n .. " audit rules loaded (" .. tostring(a.rules_source)
        .. "), content not collected; verify with `auditctl -l` that "
        .. mlps.join(ctx.param("watched_files")) .. " are watched (-p wa) and "
        .. mlps.join(ctx.param("syscalls")) .. " are audited",
        "已加载 " .. n .. " 条审计规则（" .. tostring(a.rules_source) .. "），但未采集规则内容；请用 "
        .. "`auditctl -l` 核查是否监控了 " .. mlps.join(ctx.param("watched_files"))
        .. " 的写入（-p wa），并审计了 " .. mlps.join(ctx.param("syscalls")) .. " 系统调用"), ev)
    end
    local rules = {}
    for _, r in ipairs(a.rules) do
      if type(r) == "string" and not r:match("^%s*No rules") then rules[#rules + 1] = r end
    end
    local missing_files, missing_calls = {}, {}
    for _, p in ipairs(ctx.param("watched_files")) do
      if not watched(rules, p) then missing_files[#missing_files + 1] = p end
    end
    for _, sc in ipairs(ctx.param("syscalls")) do
      if not syscall_audited(rules, sc) then missing_calls[#missing_calls + 1] = sc end
    end
    local evidence = { rules_loaded = #rules, missing_watches = missing_files,
                       actual = #rules .. " rules; missing: " .. ((#missing_files + #missing_calls) > 0
                         and mlps.join(missing_files) .. (#missing_calls > 0 and (" " .. mlps.join(missing_calls)) or "")
                         or "none"),
                       missing_syscalls = missing_calls,
                       expected = "watches on account/sudo files; deletion syscalls audited" }
    if #rules == 0 then
      return ctx.fail(mlps.msg("no audit rules are loaded (auditctl -l: No rules)",
        "未加载任何审计规则（auditctl -l：No rules），重要的用户行为和安全事件不会被审计"), evidence)
    end
    local bad, bad_zh = {}, {}
    if #missing_files > 0 then
      bad[#bad + 1] = "not watched for writes: " .. mlps.join(missing_files)
      bad_zh[#bad_zh + 1] = "未监控写入的文件：" .. mlps.join(missing_files)
    end
    if #missing_calls > 0 then
      bad[#bad + 1] = "syscalls not audited: " .. mlps.join(missing_calls)
      bad_zh[#bad_zh + 1] = "未审计的系统调用：" .. mlps.join(missing_calls)
    end
    if #bad > 0 then
      return ctx.fail(mlps.msg(#rules .. " rules loaded; " .. table.concat(bad, "; "),
        "已加载 " .. #rules .. " 条审计规则；" .. table.concat(bad_zh, "；")), evidence)
    end
    return ctx.pass(mlps.msg(#rules .. " rules loaded, covering account, sudo and file-deletion "
      .. "events", "已加载 " .. #rules .. " 条审计规则，覆盖账户变更、sudo 使用和文件删除事件"),
      evidence)
  end,
}
