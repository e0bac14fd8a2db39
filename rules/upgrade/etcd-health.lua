-- etcd is healthy and recently backed up before the upgrade:
--   an etcd Pod in kube-system that is not Running and Ready -> fail;
--   backup signal: a CronJob whose name, image or arguments mention one of `patterns`, with a
--     successful run (status.lastSuccessfulTime, else lastScheduleTime) within max_age_hours ->
--     pass; older, suspended or never run -> warn; none found -> warn (take a snapshot first:
--     backups kept as host cron jobs are not visible in the snapshot).
-- No etcd Pods: ack-managed -> na (ACK backs up the managed etcd); otherwise error.
local up = require("upgrade")
local k8s = require("k8s")

local function text_of(cj)
  local parts = { tostring(cj.metadata.name) }
  local spec = cj.spec and cj.spec.jobTemplate and cj.spec.jobTemplate.spec
    and cj.spec.jobTemplate.spec.template and cj.spec.jobTemplate.spec.template.spec
  for _, c in ipairs((spec and spec.containers) or {}) do
    parts[#parts + 1] = tostring(c.image)
    for _, a in ipairs(c.command or {}) do parts[#parts + 1] = tostring(a) end
    for _, a in ipairs(c.args or {}) do parts[#parts + 1] = tostring(a) end
  end
  return table.concat(parts, " ")
end

return {
  api = 1,
  id = "upgrade/etcd-health",
  title = {
    en = "etcd is healthy and has a recent backup",
    zh = "etcd 健康且有近期备份",
  },
  severity = "critical",
  scope = "cluster",
  requires = { "objects.pods" },
  params = {
    target_version = { default = "", description = "the target Kubernetes version (set by kpatrol precheck --to)" },
    max_age_hours = { default = 24, description = "a backup must have succeeded within this many hours" },
    patterns = {
      default = { "etcdctl snapshot", "etcd-backup", "etcd-snapshot", "backup-etcd", "etcdutl snapshot", "velero" },
      description = "name/image/argument fragments that mark an etcd backup CronJob",
    },
  },
  impact = {
    en = "An upgrade rewrites etcd data (storage migrations, the etcd binary itself): starting "
      .. "with an unhealthy member or without a fresh snapshot leaves no way back.",
    zh = "升级会改写 etcd 数据（存储迁移、etcd 本身升级）：在成员不健康或没有最新快照的情况下开始升级，出问题时将无法回退。",
  },
  remediation = {
    en = "Make every etcd member healthy (etcdctl endpoint health --cluster) and take a snapshot "
      .. "right before the upgrade: etcdctl snapshot save /var/backups/etcd/pre-upgrade.db; keep a "
      .. "copy off the node.",
    zh = "确保所有 etcd 成员健康（etcdctl endpoint health --cluster），并在升级前立即做一次快照："
      .. "etcdctl snapshot save /var/backups/etcd/pre-upgrade.db，并在节点之外保存一份副本。",
  },
  tags = { "upgrade", "etcd", "backup" },
  check = function(s, ctx)
    local target, why = up.target(ctx)
    if target == nil then return ctx.na(why) end
    local pods = up.system_pods(ctx, "etcd")
    if #pods == 0 then
      if s.flavour == "ack-managed" then return ctx.na("etcd is managed (and backed up) by ACK") end
      return ctx.error("no etcd Pods in kube-system: etcd health unknown (external etcd?)")
    end
    local bad = {}
    for _, p in ipairs(pods) do
      local ready = false
      for _, c in ipairs((p.status and p.status.conditions) or {}) do
        if c.type == "Ready" and c.status == "True" then ready = true end
      end
      if not (p.status and p.status.phase == "Running" and ready) then
        bad[#bad + 1] = string.format("%s is %s%s", p.metadata.name, tostring(p.status and p.status.phase),
          ready and "" or ", not Ready")
      end
    end
    if #bad > 0 then
      return ctx.fail("unhealthy etcd member(s): " .. table.concat(bad, "; "), { pods = bad })
    end
    local now, max_age = ctx.now(), ctx.param("max_age_hours") * 3600
    local best, notes = nil, {}
    if ctx.has_objects("cronjobs") then
      for _, cj in ipairs(ctx.objects("cronjobs")) do
        local text = text_of(cj):lower()
        local match = false
        for _, p in ipairs(ctx.param("patterns")) do
          if text:find(tostring(p):lower(), 1, true) then match = true end
        end
        if match then
          local st = cj.status or {}
          local t = ctx.parse_time(st.lastSuccessfulTime or st.lastScheduleTime or "")
          if cj.spec.suspend == true then
            notes[#notes + 1] = up.ref(cj) .. " is suspended"
          elseif t == nil then
            notes[#notes + 1] = up.ref(cj) .. " never succeeded"
          elseif best == nil or t > best.t then
            best = { t = t, name = up.ref(cj) }
          end
        end
      end
    end
    local evidence = { etcd_members = #pods, max_age_hours = ctx.param("max_age_hours") }
    if best ~= nil and now - best.t <= max_age then
      evidence.backup = best.name
      return ctx.pass(string.format("%d etcd member(s) Ready; last backup by %s %s ago", #pods, best.name,
        k8s.human_duration(now - best.t)), evidence)
    end
    if best ~= nil then
      return ctx.warn(string.format("the last etcd backup (%s) is %s old: take a snapshot before upgrading",
        best.name, k8s.human_duration(now - best.t)), evidence)
    end
    local detail = #notes > 0 and (" (" .. table.concat(notes, "; ") .. ")") or ""
    return ctx.warn("no recent etcd backup found" .. detail .. ": take an etcd snapshot before upgrading", evidence)
  end,
}
