-- 等保 8.1.4.3 c) and 8.1.5.4 d) (AU-10/AU-13; 网络安全法 Art. 21): audit records are kept for
-- at least audit_retention_days (180).
--
-- Semantics, in this order:
--   * the records are shipped off the host (facts.audit.remote.active: audisp-remote / the
--     au-remote plugin): pass — the central store's retention is the assessor's document check,
--     named in the message;
--   * the oldest local record (facts.audit.oldest_record, RFC 3339) is at least
--     audit_retention_days old: pass;
--   * it is younger: if max_log_file_action is keep_logs and the node booted less than the
--     retention ago, warn (history cannot be longer than the node's life, but nothing deletes
--     it); otherwise fail with the days covered;
--   * nothing to go on (no remote shipping, no oldest record): with max_log_file_action rotate
--     (or unset: the default), warn — rotation deletes the oldest records after num_logs files;
--     otherwise manual, with the commands.
local mlps = require("mlps")

local DAY = 86400

return {
  api = 1,
  id = "mlps-l3/audit-retention",
  title = {
    en = "Audit records are kept for at least 180 days",
    zh = "审计记录留存不少于 180 天",
  },
  severity = "medium",
  scope = "node",
  requires = { "audit" },
  applies = function(s) return s.roles.virtual ~= true end,
  baselines = { mlps = { control = "8.1.4.3 c)" } },
  params = {
    audit_retention_days = { default = 180,
      description = "days of audit history required (网络安全法 Art. 21: at least six months)" },
  },
  impact = {
    en = "The Cybersecurity Law (Art. 21) requires network logs to be kept for at least six "
      .. "months; shorter local history means incidents discovered late cannot be investigated.",
    zh = "《网络安全法》第二十一条要求网络日志留存不少于六个月；本地留存不足时，发现较晚的安全事件将无从调查。",
  },
  remediation = {
    en = "Ship audit records to a central log server that keeps them 180 days: enable the "
      .. "au-remote plugin (`active = yes` in /etc/audit/plugins.d/au-remote.conf, "
      .. "`remote_server = <host>` in /etc/audit/audisp-remote.conf) or forward with rsyslog "
      .. "over TLS; or keep them locally with `max_log_file_action = keep_logs` and enough disk. "
      .. "Check the oldest record with `ausearch --start this-year -i | head` or `ls -ltr "
      .. "/var/log/audit/`.",
    zh = "将审计记录外发到留存 180 天以上的集中日志服务器：启用 au-remote 插件（/etc/audit/plugins.d/"
      .. "au-remote.conf 中 `active = yes`，/etc/audit/audisp-remote.conf 中 `remote_server = <地址>`），"
      .. "或用 rsyslog 经 TLS 转发；或在本地设置 `max_log_file_action = keep_logs` 并预留足够磁盘。可用 "
      .. "`ausearch --start this-year -i | head` 或 `ls -ltr /var/log/audit/` 查看最早的记录。",
  },
  references = { "GB/T 22239-2019 8.1.4.3 c)", "GB/T 22239-2019 8.1.5.4 d)",
                 "网络安全法 第二十一条" },
  tags = { "node", "audit", "retention" },
  check = function(s, ctx)
    local days = ctx.param("audit_retention_days")
    local a = mlps.audit(s.facts)
    local remote = a.remote
    local evidence = { expected = ">= " .. days .. " days" }
    if remote ~= nil and remote.active == true then
      evidence.remote_server = remote.server
      return ctx.pass(mlps.msg("audit records are shipped to "
        .. tostring(remote.server or "a remote server")
        .. " (audisp-remote); verify that the log server keeps them " .. days .. " days",
        "审计记录已通过 audisp-remote 转发到 " .. tostring(remote.server or "远程日志服务器")
        .. "；请核查日志服务器的留存时间不少于 " .. days .. " 天"), evidence)
    end
    local oldest = a.oldest_record and ctx.parse_time(a.oldest_record)
    local conf = mlps.auditd_conf(s.facts)
    local action = mlps.lower(conf and conf.max_log_file_action)
    evidence.oldest_record = a.oldest_record
    evidence.max_log_file_action = action
    evidence.actual = (a.oldest_record and ("oldest record " .. tostring(a.oldest_record)) or
      "age of the audit history not collected") .. "; max_log_file_action "
      .. tostring(action or "unset (rotate)") .. "; not shipped by audisp-remote"
    if oldest == nil then
      if conf ~= nil and (action == nil or action == "rotate") then
        evidence.num_logs, evidence.max_log_file = conf.num_logs, conf.max_log_file
        return ctx.warn(mlps.msg(string.format("auditd rotates its logs (max_log_file_action %s, "
          .. "%s files of %s MB) and no remote shipping was found: the oldest records are "
          .. "deleted, so %d days are retained only if the logs are forwarded "
          .. "(rsyslog/audisp-remote) — verify and record the log server's retention",
          action or "rotate (default)", tostring(conf.num_logs or 5),
          tostring(conf.max_log_file or 8), days),
          string.format("auditd 对审计日志轮转覆盖（max_log_file_action %s，%s 个 %s MB 的文件），"
          .. "且未发现远程转发：最早的记录会被删除，只有转发到日志服务器（rsyslog/audisp-remote）才能"
          .. "满足留存 %d 天的要求——请核查并记录日志服务器的留存策略", action or "rotate（默认）",
          tostring(conf.num_logs or 5), tostring(conf.max_log_file or 8), days)), evidence)
      end
      return ctx.manual(mlps.msg("the age of the audit history was not collected and the "
        .. "records are not shipped by audisp-remote; verify " .. days .. " days of retention: "
        .. "`ls -ltr /var/log/audit/`, the log server's retention policy, or rsyslog forwarding",
        "未采集到审计记录的时间跨度，且记录未通过 audisp-remote 转发；请核查审计记录留存不少于 "
        .. days .. " 天：`ls -ltr /var/log/audit/`、日志服务器的留存策略或 rsyslog 转发配置"),
        evidence)
    end
    local covered = math.floor((ctx.now() - oldest) / DAY)
    evidence.days_covered = covered
    if covered >= days then
      return ctx.pass(mlps.msg(string.format("the oldest audit record is %d days old (>= %d)",
        covered, days), string.format("最早的审计记录距今 %d 天（不少于 %d 天）", covered, days)),
        evidence)
    end
    local uptime = mlps.num(s.facts.uptime_seconds)
    if action == "keep_logs" and uptime ~= nil and uptime < days * DAY
       and covered >= math.floor(uptime / DAY) - 1 then
      return ctx.warn(mlps.msg(string.format("the oldest audit record is %d days old, as old as "
        .. "the node's uptime; keep_logs will keep them, but confirm %d days are retained (or "
        .. "ship them)", covered, days),
        string.format("最早的审计记录距今 %d 天，与节点运行时长相当；keep_logs 会保留这些记录，"
        .. "但请确认能留存 %d 天（或转发到日志服务器）", covered, days)), evidence)
    end
    return ctx.fail(mlps.msg(string.format("the oldest audit record is %d days old: only %d days "
      .. "of audit history, expected %d (max_log_file_action %s, not shipped)", covered, covered,
      days, tostring(action or "rotate")),
      string.format("最早的审计记录距今仅 %d 天：审计记录只留存了 %d 天，应不少于 %d 天"
      .. "（max_log_file_action %s，未转发）", covered, covered, days,
      tostring(action or "rotate"))), evidence)
  end,
}
