-- 等保 8.1.5.4 d) (central collection of audit data; cloud 8.2.5.1 c)): node and cluster logs are
-- shipped to a central log store.
--
-- Semantics (cluster):
--   * a log-shipping DaemonSet (name, image or arguments contain one of `shippers`: fluent-bit,
--     fluentd, logtail (ACK), loongcollector, filebeat, vector, promtail, alloy, ...) ready on
--     every scheduled node, or an API-server audit webhook (--audit-webhook-config-file on a
--     control-plane node): pass;
--   * a shipper DaemonSet not ready everywhere: warn;
--   * nothing found: manual — host-level forwarding (rsyslog, audisp-remote) and managed log
--     services are not visible here; the guidance lists the evidence (targets, retention >= 180
--     days, time sync).
local wl = require("workloads")
local mlps = require("mlps")

return {
  api = 1,
  id = "mlps-l3/central-audit",
  title = {
    en = "Audit and log data are shipped to a central log store",
    zh = "审计数据集中收集（日志外发至集中日志平台）",
  },
  severity = "medium",
  scope = "cluster",
  requires = { "objects.daemonsets" },
  baselines = { mlps = { control = "8.1.5.4 d)" } },
  params = {
    shippers = {
      default = { "fluent-bit", "fluentbit", "fluentd", "logtail", "loongcollector", "filebeat",
                  "vector", "promtail", "grafana/alloy", "otel-collector", "opentelemetry-collector",
                  "logstash", "rsyslog" },
      description = "name or image fragments of log-shipping agents",
    },
  },
  impact = {
    en = "Logs kept only on the nodes are lost with the node and can be erased by whoever "
      .. "compromises it; 8.1.5.4 d) requires central collection and analysis with the retention "
      .. "the law demands (six months).",
    zh = "仅保存在节点本地的日志会随节点一起丢失，也可能被入侵者删除；8.1.5.4 d) 要求审计数据集中汇总分析，且留存时间符合法律要求（六个月）。",
  },
  remediation = {
    en = "Deploy a log agent DaemonSet on every node (ACK: the logtail-ds / loongcollector "
      .. "component with SLS; elsewhere fluent-bit to Elasticsearch/Loki) collecting "
      .. "/var/log/audit/audit.log, /var/log/secure or auth.log, container logs and "
      .. "/var/log/kubernetes/audit; or send API audit events with --audit-webhook-config-file. "
      .. "Set the central store's retention to at least 180 days and keep its configuration as "
      .. "evidence.",
    zh = "在每个节点部署日志采集 DaemonSet（ACK：logtail-ds / loongcollector 组件配合日志服务 SLS；其他环境："
      .. "fluent-bit 外发到 Elasticsearch/Loki），采集 /var/log/audit/audit.log、/var/log/secure 或 auth.log、"
      .. "容器日志与 /var/log/kubernetes/audit；或通过 --audit-webhook-config-file 外发 API 审计事件。把集中"
      .. "日志平台的保存时间设为不少于 180 天，并保留其配置作为证据。",
  },
  references = { "GB/T 22239-2019 8.1.5.4 d)", "GB/T 22239-2019 8.2.5.1 c)" },
  tags = { "audit", "logging" },
  check = function(s, ctx)
    local found = wl.daemonsets(ctx.objects("daemonsets"), ctx.param("shippers"))
    local all, short = wl.describe(found)
    local webhooks = {}
    if ctx.has_objects("nodes") then
      for _, n in ipairs(ctx.objects("nodes")) do
        local argv = mlps.argv(ctx.node_facts(n.metadata.name), "kube-apiserver")
        if argv and ctx.flag(argv, "audit-webhook-config-file") then
          webhooks[#webhooks + 1] = tostring(n.metadata.name)
        end
      end
    end
    table.sort(webhooks)
    local evidence = { log_shippers = all, audit_webhook_on = webhooks,
                       actual = (#all > 0 and mlps.join(all) or "no log-shipping DaemonSet")
                         .. (#webhooks > 0 and ("; audit webhook on " .. mlps.join(webhooks)) or ""),
                       expected = "log shipping from every node; retention >= 180 days centrally" }
    if #short > 0 then
      return ctx.warn(mlps.msg("log shipping is not running on every node: " .. mlps.join(short),
        "日志采集转发未在所有节点上运行：" .. mlps.join(short)), evidence)
    end
    if #found > 0 or #webhooks > 0 then
      local parts, parts_zh = {}, {}
      if #found > 0 then
        parts[#parts + 1] = "log shipping: " .. mlps.join(all)
        parts_zh[#parts_zh + 1] = "日志采集转发：" .. mlps.join(all)
      end
      if #webhooks > 0 then
        parts[#parts + 1] = "API audit webhook on " .. mlps.join(webhooks)
        parts_zh[#parts_zh + 1] = "API 审计 webhook 已在 " .. mlps.join(webhooks) .. " 上配置"
      end
      return ctx.pass(mlps.msg(table.concat(parts, "; ") .. "; verify the central store keeps "
        .. "180 days", table.concat(parts_zh, "；") .. "；请核查集中日志系统的留存时间不少于 180 天"),
        evidence)
    end
    return ctx.manual(mlps.msg("no log-shipping DaemonSet or API audit webhook found; verify how "
      .. "node audit logs (auditd, auth logs) and the API audit log reach a central store "
      .. "(rsyslog `@@host:514` / audisp-remote / a managed log service) and that it keeps them "
      .. "180 days",
      "未发现日志采集 DaemonSet 或 API 审计 webhook；请核查节点审计日志（auditd、认证日志）和 API "
      .. "审计日志如何汇总到集中审计系统（rsyslog `@@host:514`、audisp-remote 或云日志服务），"
      .. "以及其留存时间是否不少于 180 天"), evidence)
  end,
}
