-- 等保 8.1.4.4 e) (IP-09): known vulnerabilities are patched in time — signals from the node.
--
-- Semantics: the node cannot prove it is fully patched, so this rule looks for the signals that
-- it is not:
--   * pending security updates (facts.updates.security, when collected) > 0: fail;
--   * the running kernel was built more than max_kernel_age_days ago (build date from
--     facts.kernel.build_date, or the date in facts.kernel.version = `uname -v`): warn;
--   * the node has not rebooted for more than max_uptime_days (kernel fixes installed since then
--     are not running): warn;
--   * otherwise pass, naming what was checked. Kernel facts are required.
local mlps = require("mlps")

local MONTHS = { Jan = 1, Feb = 2, Mar = 3, Apr = 4, May = 5, Jun = 6, Jul = 7, Aug = 8,
                 Sep = 9, Oct = 10, Nov = 11, Dec = 12 }

-- Date of `uname -v` ("#101-Ubuntu SMP Tue Nov 14 13:30:08 UTC 2023") as "YYYY-MM-DD".
local function build_date(kernel)
  if kernel.build_date ~= nil then return tostring(kernel.build_date):sub(1, 10) end
  local v = kernel.version
  if type(v) ~= "string" then return nil end
  local mon, day, year = v:match("(%a%a%a)%s+(%d+)%s+%d+:%d+:%d+%s+%a*%s*(%d%d%d%d)")
  if mon == nil or MONTHS[mon] == nil then return nil end
  return string.format("%s-%02d-%02d", year, MONTHS[mon], tonumber(day))
end

return {
  api = 1,
  id = "mlps-l3/patch-level",
  title = {
    en = "Patch signals: no pending security updates, kernel not stale",
    zh = "漏洞修补：无待安装的安全更新，内核未长期未更新",
  },
  severity = "medium",
  scope = "node",
  requires = { "kernel" },
  applies = function(s) return s.roles.virtual ~= true end,
  baselines = { mlps = { control = "8.1.4.4 e)" } },
  params = {
    max_kernel_age_days = { default = 365, description = "warn when the running kernel is older (days since build)" },
    max_uptime_days = { default = 180, description = "warn when the node has not rebooted for longer (days)" },
  },
  impact = {
    en = "Kernel and package vulnerabilities (container escapes such as Dirty Pipe, runc "
      .. "CVE-2024-21626) are fixed only when updates are installed and the node rebooted.",
    zh = "内核与软件包漏洞（如 Dirty Pipe、runc CVE-2024-21626 等容器逃逸漏洞）只有在安装更新并重启节点后才会修复。",
  },
  remediation = {
    en = "List pending security updates (`yum updateinfo list security` / `dnf updateinfo list "
      .. "--security` / `apt list --upgradable`), test them on one node, then roll them out node "
      .. "by node: `kubectl drain <node> --ignore-daemonsets --delete-emptydir-data`, update, "
      .. "reboot, `kubectl uncordon <node>`. Keep the vulnerability-scan and patch records as "
      .. "evidence.",
    zh = "列出待安装的安全更新（`yum updateinfo list security`、`dnf updateinfo list --security` 或 "
      .. "`apt list --upgradable`），先在一个节点验证，再逐个节点滚动：`kubectl drain <节点> --ignore-daemonsets "
      .. "--delete-emptydir-data`、更新、重启、`kubectl uncordon <节点>`。保留漏洞扫描与补丁记录作为证据。",
  },
  references = { "GB/T 22239-2019 8.1.4.4 e)", "GB/T 28448-2019 L3-CES1-21" },
  tags = { "node", "patching" },
  check = function(s, ctx)
    local f = s.facts
    local evidence = { kernel = f.kernel.release }
    local warns, checked, warns_zh, checked_zh = {}, {}, {}, {}
    local updates = f.updates and mlps.num(f.updates.security)
    if updates ~= nil then
      evidence.pending_security_updates = updates
      checked[#checked + 1] = "pending updates"
      checked_zh[#checked_zh + 1] = "待安装补丁"
      if updates > 0 then
        evidence.actual = updates .. " pending security updates"
        evidence.expected = "no pending security updates"
        return ctx.fail(mlps.msg(string.format("%d security update%s pending (kernel %s)", updates,
          updates == 1 and "" or "s", tostring(f.kernel.release)),
          string.format("有 %d 个安全补丁未安装（内核 %s）", updates, tostring(f.kernel.release))),
          evidence)
      end
    end
    local built = build_date(f.kernel)
    local built_t = built and ctx.parse_time(built .. "T00:00:00Z")
    if built_t ~= nil then
      local age = math.floor((ctx.now() - built_t) / 86400)
      evidence.kernel_build_date, evidence.kernel_age_days = built, age
      checked[#checked + 1] = "kernel age"
      checked_zh[#checked_zh + 1] = "内核构建时间"
      if age > ctx.param("max_kernel_age_days") then
        warns[#warns + 1] = string.format("kernel %s was built %s (%d days ago)",
          tostring(f.kernel.release), built, age)
        warns_zh[#warns_zh + 1] = string.format("内核 %s 构建于 %s（已 %d 天）",
          tostring(f.kernel.release), built, age)
      end
    end
    local uptime = mlps.num(f.uptime_seconds)
    if uptime ~= nil then
      local days = math.floor(uptime / 86400)
      evidence.uptime_days = days
      checked[#checked + 1] = "uptime"
      checked_zh[#checked_zh + 1] = "运行时长"
      if days > ctx.param("max_uptime_days") then
        warns[#warns + 1] = string.format("not rebooted for %d days: kernel fixes installed since "
          .. "are not running", days)
        warns_zh[#warns_zh + 1] = string.format("已 %d 天未重启：此后安装的内核补丁尚未生效", days)
      end
    end
    local actual = { "kernel " .. tostring(f.kernel.release) }
    if built then actual[#actual + 1] = "built " .. built end
    if evidence.uptime_days then actual[#actual + 1] = "up " .. evidence.uptime_days .. " days" end
    evidence.actual = table.concat(actual, ", ")
    evidence.expected = string.format("no pending security updates; kernel <= %d days old; "
      .. "uptime <= %d days", ctx.param("max_kernel_age_days"), ctx.param("max_uptime_days"))
    if #warns > 0 then
      return ctx.warn(mlps.msg(table.concat(warns, "; ") .. "; check pending security updates",
        table.concat(warns_zh, "；") .. "；请核查是否有未安装的安全补丁"), evidence)
    end
    return ctx.pass(mlps.msg(string.format("kernel %s; checked %s%s", tostring(f.kernel.release),
      #checked > 0 and mlps.join(checked) or "the release only",
      updates == nil and " (pending updates not collected: check with the package manager)" or ""),
      string.format("内核 %s；已检查：%s%s", tostring(f.kernel.release),
      #checked > 0 and mlps.join(checked_zh, "、") or "仅内核版本",
      updates == nil and "（未采集待安装补丁信息，请用包管理器核查）" or "")), evidence)
  end,
}
