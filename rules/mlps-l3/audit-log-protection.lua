-- 等保 8.1.4.3 c) and d) (AU-11/AU-12/AU-16): audit records are protected from deletion,
-- overwriting and silent loss.
--
-- Semantics (facts.audit.auditd_conf = /etc/audit/auditd.conf; values compared
-- case-insensitively):
--   * max_log_file_action: keep_logs passes; rotate warns (the oldest file is overwritten after
--     num_logs x max_log_file MB unless the logs are shipped off the host); ignore, syslog and
--     suspend fail (logging stops or records are lost);
--   * space_left_action, admin_space_left_action, disk_full_action, disk_error_action must not
--     be ignore;
--   * /var/log/audit (facts.files, when collected) grants nothing beyond 0750.
--   Failures win over warnings; every problem is listed.
local mlps = require("mlps")

return {
  api = 1,
  id = "mlps-l3/audit-log-protection",
  title = {
    en = "Audit logs are not overwritten or silently dropped, and are root-only",
    zh = "审计记录受到保护：不被覆盖或静默丢弃，仅 root 可访问",
  },
  severity = "medium",
  scope = "node",
  requires = { "audit.auditd_conf" },
  applies = function(s) return s.roles.virtual ~= true end,
  baselines = { mlps = { control = "8.1.4.3 c)" } },
  impact = {
    en = "With the default rotation (5 files of 8 MB) a busy node overwrites its audit trail in "
      .. "hours; with IGNORE actions a full disk silently stops auditing; readable logs let users "
      .. "learn what is being watched.",
    zh = "默认轮转（5 个 8 MB 文件）下，繁忙节点数小时内就会覆盖审计记录；动作为 IGNORE 时磁盘写满会静默停止审计；"
      .. "日志可被普通用户读取会暴露审计策略。",
  },
  remediation = {
    en = "In /etc/audit/auditd.conf set `max_log_file_action = keep_logs` (or ship the logs to a "
      .. "log server and size rotation accordingly), `space_left_action = email` or `syslog`, "
      .. "`admin_space_left_action = single` or `halt` per policy, `disk_full_action = "
      .. "suspend`, `disk_error_action = syslog`; `chmod 0700 /var/log/audit`; then `service "
      .. "auditd restart`.",
    zh = "在 /etc/audit/auditd.conf 中设置 `max_log_file_action = keep_logs`（或将日志外发至日志服务器并相应配置轮转），"
      .. "`space_left_action = email` 或 `syslog`，按策略设置 `admin_space_left_action = single` 或 `halt`，"
      .. "`disk_full_action = suspend`，`disk_error_action = syslog`；执行 `chmod 0700 /var/log/audit`，"
      .. "然后 `service auditd restart`。",
  },
  references = { "GB/T 22239-2019 8.1.4.3 c)", "GB/T 28448-2019 L3-CES1-14" },
  tags = { "node", "audit" },
  check = function(s, ctx)
    local conf = mlps.auditd_conf(s.facts)
    local fails, warns = {}, {}
    local action = mlps.lower(conf.max_log_file_action)
    local evidence = { max_log_file_action = action, num_logs = conf.num_logs,
                       actual = "max_log_file_action " .. tostring(action or "unset (rotate)"),
                       max_log_file = conf.max_log_file,
                       expected = "keep_logs (or rotate with remote shipping); no ignore actions; "
                         .. "/var/log/audit 0750 or stricter" }
    local fails_zh, warns_zh = {}, {}
    if action == nil then
      warns[#warns + 1] = "max_log_file_action unset (default rotate)"
      warns_zh[#warns_zh + 1] = "未设置 max_log_file_action（默认 rotate，轮转覆盖）"
    elseif action == "rotate" then
      warns[#warns + 1] = string.format("max_log_file_action rotate: the oldest records are "
        .. "overwritten after %s x %s MB", tostring(conf.num_logs or 5), tostring(conf.max_log_file or 8))
      warns_zh[#warns_zh + 1] = string.format("max_log_file_action 为 rotate：写满 %s 个 %s MB 的文件后"
        .. "最早的审计记录会被覆盖", tostring(conf.num_logs or 5), tostring(conf.max_log_file or 8))
    elseif action ~= "keep_logs" then
      fails[#fails + 1] = "max_log_file_action " .. action
      fails_zh[#fails_zh + 1] = "max_log_file_action 为 " .. action
    end
    for _, key in ipairs({ "space_left_action", "admin_space_left_action", "disk_full_action",
                           "disk_error_action" }) do
      local v = mlps.lower(conf[key])
      evidence[key] = v
      if v == "ignore" then
        fails[#fails + 1] = key .. " ignore"
        fails_zh[#fails_zh + 1] = key .. " 为 ignore（磁盘异常时不采取任何措施）"
      end
    end
    local dir = s.facts.files and s.facts.files["/var/log/audit"]
    if dir ~= nil and dir.exists ~= false and dir.mode ~= nil then
      evidence.log_dir_mode = dir.mode
      if not ctx.mode_at_most(dir.mode, "0750") then
        fails[#fails + 1] = "/var/log/audit has mode " .. dir.mode .. " (expected 0750 or stricter)"
        fails_zh[#fails_zh + 1] = "/var/log/audit 的权限为 " .. dir.mode .. "（应不宽于 0750）"
      end
    end
    if #fails > 0 then
      local all, all_zh = fails, fails_zh
      for _, w in ipairs(warns) do all[#all + 1] = w end
      for _, w in ipairs(warns_zh) do all_zh[#all_zh + 1] = w end
      return ctx.fail(mlps.msg(table.concat(all, "; "), table.concat(all_zh, "；")), evidence)
    end
    if #warns > 0 then
      return ctx.warn(mlps.msg(table.concat(warns, "; ") .. "; keep_logs, or confirm the logs "
        .. "are shipped to a log server", table.concat(warns_zh, "；")
        .. "；应设置为 keep_logs，或确认审计日志已实时转发到日志服务器"), evidence)
    end
    return ctx.pass(mlps.msg("max_log_file_action keep_logs; no ignore actions",
      "max_log_file_action 为 keep_logs，且没有设置为 ignore 的处置动作，审计记录受到保护"), evidence)
  end,
}
