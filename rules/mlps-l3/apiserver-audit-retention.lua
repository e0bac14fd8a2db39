-- 等保 8.1.4.3 c) (Kubernetes; CIS 1.2.17 asks >= 30, 等保 >= 180): API audit logs are kept
-- for audit_retention_days.
--
-- Semantics (control-plane nodes, kube-apiserver argv; only meaningful with --audit-log-path):
--   * no --audit-log-path (or "-"): webhook backend -> manual (retention is the receiver's);
--     no backend at all -> fail (see apiserver-audit-policy);
--   * --audit-log-maxage >= audit_retention_days: pass;
--   * maxage set and smaller: fail;
--   * maxage unset/0 (no age limit): pass when maxbackup is 0 too (nothing is deleted); warn when
--     maxbackup > 0 (retention is maxbackup x maxsize MB, not a number of days).
local mlps = require("mlps")

return {
  api = 1,
  id = "mlps-l3/apiserver-audit-retention",
  title = {
    en = "API server audit logs are kept for at least 180 days (--audit-log-maxage)",
    zh = "kube-apiserver 审计日志留存不少于 180 天（--audit-log-maxage）",
  },
  severity = "medium",
  scope = "node",
  requires = { "processes" },
  applies = function(s) return s.roles.control_plane == true end,
  baselines = {
    cis = { control = "1.2.17", scored = true },
    mlps = { control = "8.1.4.3 c)" },
  },
  params = {
    audit_retention_days = { default = 180,
      description = "days the API audit log must be kept (网络安全法 Art. 21: six months)" },
  },
  impact = {
    en = "The API server deletes audit files older than --audit-log-maxage days; with the CIS "
      .. "value 30 (or ACK's 7), the six months of logs the Cybersecurity Law requires are gone.",
    zh = "kube-apiserver 会删除超过 --audit-log-maxage 天的审计文件；按 CIS 的 30 天（或 ACK 默认的 7 天）设置，"
      .. "无法满足《网络安全法》要求的六个月留存。",
  },
  remediation = {
    en = "In /etc/kubernetes/manifests/kube-apiserver.yaml set `--audit-log-maxage=180` and "
      .. "size `--audit-log-maxbackup`/`--audit-log-maxsize` so 180 days fit on the disk — or "
      .. "ship /var/log/kubernetes/audit to a log store that keeps 180 days (ACK: set the SLS "
      .. "logstore audit-<cluster id> retention to 180 days).",
    zh = "在 /etc/kubernetes/manifests/kube-apiserver.yaml 中设置 `--audit-log-maxage=180`，并调整 "
      .. "`--audit-log-maxbackup`/`--audit-log-maxsize` 使磁盘能容纳 180 天的日志；或将 /var/log/kubernetes/"
      .. "audit 外发到留存 180 天的日志系统（ACK：把 SLS 日志库 audit-<集群ID> 的保存时间设为 180 天）。",
  },
  references = { "GB/T 22239-2019 8.1.4.3 c)", "CIS Kubernetes Benchmark v1.12 1.2.17",
                 "网络安全法 第二十一条" },
  tags = { "control-plane", "apiserver", "audit", "retention" },
  check = function(s, ctx)
    local days = ctx.param("audit_retention_days")
    local argv = mlps.argv(s.facts, "kube-apiserver")
    if argv == nil then
      return ctx.error(mlps.msg("kube-apiserver process not found on this control-plane node",
        "在本控制面节点上未找到 kube-apiserver 进程"))
    end
    local path = ctx.flag(argv, "audit-log-path")
    local maxage = mlps.num(ctx.flag(argv, "audit-log-maxage"))
    local maxbackup = mlps.num(ctx.flag(argv, "audit-log-maxbackup"))
    local maxsize = mlps.num(ctx.flag(argv, "audit-log-maxsize"))
    local evidence = { audit_log_path = path, audit_log_maxage = maxage,
                       actual = "--audit-log-maxage=" .. tostring(maxage or "unset"),
                       audit_log_maxbackup = maxbackup, audit_log_maxsize = maxsize,
                       expected = "--audit-log-maxage >= " .. days .. " (days)" }
    if path == nil or path == "-" then
      local webhook = ctx.flag(argv, "audit-webhook-config-file")
      if webhook ~= nil then
        return ctx.manual(mlps.msg("audit events go to a webhook (" .. webhook .. "); verify "
          .. "that the receiving log store keeps them " .. days .. " days",
          "审计事件通过 webhook（" .. webhook .. "）外发；请核查接收端日志系统的留存时间不少于 "
          .. days .. " 天"), evidence)
      end
      return ctx.fail(mlps.msg("the API server writes no audit log file (no --audit-log-path): "
        .. "nothing is retained",
        "API Server 未写审计日志文件（未设置 --audit-log-path），审计记录无法留存"), evidence)
    end
    if maxage ~= nil and maxage > 0 then
      if maxage >= days then
        return ctx.pass(mlps.msg(string.format("--audit-log-maxage=%d (>= %d days)", maxage, days),
          string.format("--audit-log-maxage=%d，审计日志留存不少于 %d 天", maxage, days)), evidence)
      end
      return ctx.fail(mlps.msg(string.format("--audit-log-maxage=%d: audit files are deleted after "
        .. "%d days, expected at least %d", maxage, maxage, days),
        string.format("--audit-log-maxage=%d：审计日志 %d 天后即被删除，留存时间应不少于 %d 天",
          maxage, maxage, days)), evidence)
    end
    if maxbackup ~= nil and maxbackup > 0 then
      return ctx.warn(mlps.msg(string.format("no --audit-log-maxage, but --audit-log-maxbackup=%d "
        .. "keeps only %d files of %s MB: confirm that covers %d days", maxbackup, maxbackup,
        tostring(maxsize or 100), days),
        string.format("未设置 --audit-log-maxage，但 --audit-log-maxbackup=%d 仅保留 %d 个 %s MB 的"
          .. "日志文件：请确认可覆盖 %d 天", maxbackup, maxbackup, tostring(maxsize or 100), days)),
        evidence)
    end
    return ctx.pass(mlps.msg("no age or count limit on audit files: nothing is deleted (watch the "
      .. "disk)", "审计日志文件未设置时间或数量上限，不会被删除（请关注磁盘空间）"), evidence)
  end,
}
