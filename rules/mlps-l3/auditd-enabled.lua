-- 等保 8.1.4.3 a) and d) (AU-01/AU-14): the Linux audit daemon is enabled and running.
--
-- Semantics: facts.audit.auditd_running (the daemon runs now) and facts.audit.enabled (the
-- kernel audit state from `auditctl -s`: 0 off, 1 on, 2 on and locked). Running with enabled
-- 1 or 2 (or not reported): pass. Not running: fail. Running but enabled 0: fail (the kernel
-- records nothing).
local mlps = require("mlps")

return {
  api = 1,
  id = "mlps-l3/auditd-enabled",
  title = {
    en = "The audit daemon (auditd) is running and kernel auditing is on",
    zh = "已启用安全审计：auditd 审计服务正在运行",
  },
  severity = "high",
  scope = "node",
  requires = { "audit" },
  applies = function(s) return s.roles.virtual ~= true end,
  baselines = { mlps = { control = "8.1.4.3 a)" } },
  impact = {
    en = "Without auditd, logins, privilege use and changes to accounts and system files leave "
      .. "no tamper-resistant record: incidents cannot be reconstructed and 8.1.4.3 a) is not met.",
    zh = "没有 auditd，登录、提权以及账户和系统文件的变更都不会留下可靠记录，安全事件无法追溯，不满足 8.1.4.3 a)。",
  },
  remediation = {
    en = "Install and start auditd: `yum install audit` / `apt install auditd`, then `systemctl "
      .. "enable --now auditd` (RHEL refuses a manual stop by design; restart with `service "
      .. "auditd restart`). Check with `systemctl is-enabled auditd; systemctl is-active auditd; "
      .. "auditctl -s`.",
    zh = "安装并启动 auditd：`yum install audit` 或 `apt install auditd`，然后执行 `systemctl enable --now "
      .. "auditd`（RHEL 默认禁止手动停止，重启请用 `service auditd restart`）。用 `systemctl is-enabled auditd; "
      .. "systemctl is-active auditd; auditctl -s` 核对。",
  },
  references = { "GB/T 22239-2019 8.1.4.3 a)", "GB/T 28448-2019 L3-CES1-12" },
  tags = { "node", "audit" },
  check = function(s, ctx)
    local a = mlps.audit(s.facts)
    local enabled = mlps.num(a.enabled)
    local evidence = { auditd_running = a.auditd_running, kernel_audit_enabled = enabled,
                       actual = (a.auditd_running == true and "running" or "not running")
                         .. (enabled ~= nil and (", enabled " .. enabled) or ""),
                       expected = "auditd running, auditctl -s enabled 1 or 2" }
    if a.auditd_running ~= true then
      return ctx.fail(mlps.msg("auditd is not running: no audit records are written",
        "auditd 未运行：系统未开启安全审计，不产生审计记录"), evidence)
    end
    if enabled == 0 then
      return ctx.fail(mlps.msg("auditd runs but kernel auditing is off (auditctl -s: enabled 0)",
        "auditd 在运行，但内核审计未启用（auditctl -s：enabled 0）"), evidence)
    end
    return ctx.pass(mlps.msg("auditd is running" .. (enabled ~= nil and (", kernel auditing "
      .. "enabled " .. enabled .. (enabled == 2 and " (rules locked)" or "")) or ""),
      "auditd 正在运行" .. (enabled ~= nil and ("，内核审计已启用（enabled " .. enabled
      .. (enabled == 2 and "，审计规则已锁定" or "") .. "）") or "")), evidence)
  end,
}
