-- 等保 8.1.4.9 a) (BR-01; Kubernetes: etcd snapshots scheduled, newest < 24 h): the cluster
-- state is backed up.
--
-- Semantics (cluster):
--   * managed control plane (ack-managed): na — the provider backs up etcd; application data
--     backups are a separate evidence item (named in the message);
--   * backup CronJobs: a CronJob whose name, images or arguments mention one of `patterns`
--     ("etcdctl snapshot", "etcd-backup", "velero", ...). For each: suspended -> fail; never
--     succeeded or the last success older than max_age_hours -> fail; otherwise pass with the
--     time of the last success;
--   * none found: manual — backups are often host cron jobs or systemd timers on the control-plane
--     nodes, or Velero schedules (not collected); the guidance says what evidence to collect
--     (schedule, off-cluster location, a restore test record).
local wl = require("workloads")
local mlps = require("mlps")

return {
  api = 1,
  id = "mlps-l3/etcd-backup",
  title = {
    en = "etcd (cluster state) is backed up regularly",
    zh = "etcd（集群状态数据）定期备份",
  },
  severity = "high",
  scope = "cluster",
  requires = { "objects.cronjobs" },
  baselines = { mlps = { control = "8.1.4.9 a)" } },
  params = {
    max_age_hours = { default = 24, description = "the newest successful backup must be younger (hours)" },
    patterns = {
      default = { "etcdctl snapshot", "etcd-backup", "etcd-snapshot", "backup-etcd", "velero",
                  "etcdutl snapshot" },
      description = "name/image/argument fragments that mark a backup CronJob",
    },
  },
  impact = {
    en = "etcd holds the whole cluster configuration; losing it (disk failure, corruption, "
      .. "a bad upgrade, ransomware) without a recent snapshot means rebuilding every object by "
      .. "hand (8.1.4.9 a)).",
    zh = "etcd 保存整个集群的配置；在没有近期快照的情况下丢失（磁盘故障、数据损坏、升级失败、勒索软件），"
      .. "只能手工重建所有对象（8.1.4.9 a)）。",
  },
  remediation = {
    en = "Schedule `ETCDCTL_API=3 etcdctl --endpoints=https://127.0.0.1:2379 --cacert="
      .. "/etc/kubernetes/pki/etcd/ca.crt --cert=/etc/kubernetes/pki/etcd/healthcheck-client.crt "
      .. "--key=/etc/kubernetes/pki/etcd/healthcheck-client.key snapshot save /var/backups/etcd/"
      .. "snap-$(date +%F-%H%M).db` at least daily (a CronJob on a control-plane node, or a "
      .. "systemd timer), copy the snapshots off the cluster (encrypted object storage in "
      .. "another zone), check them with `etcdctl snapshot status`, and run and record a restore "
      .. "test. Velero schedules cover application objects and volumes.",
    zh = "至少每天执行一次 `ETCDCTL_API=3 etcdctl --endpoints=https://127.0.0.1:2379 --cacert="
      .. "/etc/kubernetes/pki/etcd/ca.crt --cert=/etc/kubernetes/pki/etcd/healthcheck-client.crt "
      .. "--key=/etc/kubernetes/pki/etcd/healthcheck-client.key snapshot save /var/backups/etcd/"
      .. "snap-$(date +%F-%H%M).db`（控制面节点上的 CronJob 或 systemd 定时器），把快照复制到集群外"
      .. "（另一可用区的加密对象存储），用 `etcdctl snapshot status` 校验，并定期进行恢复演练且留存记录。"
      .. "应用对象与数据卷可用 Velero 定时备份。",
  },
  references = { "GB/T 22239-2019 8.1.4.9 a)", "GB/T 28448-2019 L3-CES1-29" },
  tags = { "backup", "etcd" },
  check = function(s, ctx)
    if mlps.managed(s) then
      return ctx.na(mlps.msg("managed control plane (" .. tostring(s.flavour) .. "): the provider "
        .. "backs up etcd; collect evidence of application data backups separately",
        "托管控制面（" .. tostring(s.flavour) .. "）：etcd 由云服务商备份；应用数据的备份证据需另行收集"))
    end
    local max_age = ctx.param("max_age_hours")
    local found, bad, good = {}, {}, {}
    for _, cj in ipairs(ctx.objects("cronjobs")) do
      if wl.match(cj, ctx.param("patterns")) then
        local ref = mlps.ref(cj)
        local st = cj.status or {}
        local last = st.lastSuccessfulTime
        local t = last and ctx.parse_time(last)
        found[#found + 1] = ref
        if cj.spec and cj.spec.suspend == true then
          bad[#bad + 1] = ref .. " is suspended"
        elseif t == nil then
          bad[#bad + 1] = ref .. " has never succeeded"
        else
          local hours = (ctx.now() - t) / 3600
          if hours > max_age then
            bad[#bad + 1] = string.format("%s last succeeded %.0f h ago (%s)", ref, hours, last)
          else
            good[#good + 1] = string.format("%s (schedule %s, last success %s, %.0f h ago)", ref,
              tostring(cj.spec and cj.spec.schedule), last, hours)
          end
        end
      end
    end
    table.sort(found) table.sort(bad) table.sort(good)
    local evidence = { backup_cronjobs = found,
                       actual = #good > 0 and table.concat(good, "; ") or
                         (#bad > 0 and table.concat(bad, "; ") or "no backup CronJob"),
                       expected = "a successful backup within "
      .. max_age .. " h, stored off the cluster, with a restore test record" }
    if #found == 0 then
      return ctx.manual(mlps.msg("no etcd backup CronJob found; verify host-level backups on the "
        .. "control-plane nodes (`crontab -l`, `systemctl list-timers`, Velero schedules), that "
        .. "snapshots are copied off the cluster, and a restore test record",
        "未发现 etcd 备份 CronJob；请核查控制面节点上的主机级备份（`crontab -l`、"
        .. "`systemctl list-timers`、Velero 备份计划）、快照是否异地保存，以及恢复测试记录"), evidence)
    end
    if #bad > 0 and #good == 0 then
      return ctx.fail(mlps.msg(table.concat(bad, "; "),
        "etcd 备份未正常执行：" .. table.concat(bad, "；")), evidence)
    end
    return ctx.pass(mlps.msg("etcd backup: " .. table.concat(good, "; ")
      .. (#bad > 0 and ("; also: " .. table.concat(bad, "; ")) or "")
      .. "; check the off-cluster copy and the restore test record",
      "etcd 备份：" .. table.concat(good, "；")
      .. (#bad > 0 and ("；另有：" .. table.concat(bad, "；")) or "")
      .. "；请核查备份的异地保存和恢复测试记录"), evidence)
  end,
}
