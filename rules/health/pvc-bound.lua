-- PersistentVolumeClaims are Bound and PersistentVolumes healthy.
--   PVC Lost (its PV is gone), or PV Failed                    -> fail
--   PVC Pending for longer than pending_minutes (5)            -> fail, with the provisioning
--     events' reason when events were collected (ProvisioningFailed, FailedBinding ...)
--   PVC Pending with volumeBindingMode WaitForFirstConsumer and no Pod using it yet -> pass
--     (binding waits for a consumer by design)
local k8s = require("k8s")
local storage = require("storage")

local function last_event(ctx, pvc)
  if not ctx.has_objects("events") then return nil end
  local md = pvc.metadata or {}
  local best
  for _, e in ipairs(ctx.objects("events")) do
    local io = e.involvedObject or {}
    if io.kind == "PersistentVolumeClaim" and io.name == md.name and io.namespace == md.namespace
        and e.type == "Warning" then
      best = e
    end
  end
  return best and (tostring(best.reason) .. ": " .. tostring(best.message)) or nil
end

local function consumed(ctx, pvc)
  if not ctx.has_objects("pods") then return true end
  local md = pvc.metadata or {}
  for _, p in ipairs(ctx.objects("pods")) do
    if k8s.dig(p, "metadata", "namespace") == md.namespace then
      for _, v in ipairs(k8s.dig(p, "spec", "volumes") or {}) do
        if k8s.dig(v, "persistentVolumeClaim", "claimName") == md.name then return true end
      end
    end
  end
  return false
end

return {
  api = 1,
  id = "health/pvc-bound",
  title = { en = "PersistentVolumeClaims are Bound", zh = "存储卷声明（PVC）已绑定" },
  severity = "high",
  scope = "cluster",
  requires = { "objects.persistentvolumeclaims" },
  params = {
    pending_minutes = { default = 5, description = "fail when a PVC is Pending longer than this" },
  },
  impact = {
    en = "Pods using an unbound or lost claim cannot start (Pending, FailedMount); a lost "
      .. "volume may mean lost data.",
    zh = "使用未绑定或丢失 PVC 的 Pod 无法启动（Pending、FailedMount）；PVC 丢失（Lost）可能意味着数据丢失。",
  },
  remediation = {
    en = "kubectl describe pvc <pvc>: check the StorageClass exists and its provisioner (CSI "
      .. "controller) runs, the requested size and access mode are supported, and for static "
      .. "PVs that a matching PV exists. For Lost claims restore the PV from backup.",
    zh = "执行 kubectl describe pvc <pvc>：确认 StorageClass 存在且其存储插件（CSI controller）正常运行，申请的容量和访问模式受支持；静态 PV 需有匹配的 PV。"
      .. "PVC 为 Lost 时需要从备份恢复 PV。",
  },
  references = { "ACK 存储: PVC 一直处于 Pending", "ACP 存储: 等待持久卷声明状态变为 Bound" },
  tags = { "storage" },
  check = function(s, ctx)
    local classes = storage.classes(ctx)
    local limit = ctx.param("pending_minutes") * 60
    local fails, waiting, total, unknown = {}, 0, 0, 0
    for _, pvc in ipairs(ctx.objects("persistentvolumeclaims")) do
      total = total + 1
      -- No status at all (manifests, not a live cluster): its state is unknown, not Pending.
      local phase = k8s.dig(pvc, "status", "phase")
      if phase == nil then unknown = unknown + 1 end
      local id = storage.pvc_id(pvc)
      if phase == "Lost" then
        fails[#fails + 1] = { pvc = id, phase = phase, problem = "its PersistentVolume is gone" }
      elseif phase == "Pending" then
        local created = ctx.parse_time(k8s.dig(pvc, "metadata", "creationTimestamp") or "")
        local age = created and (ctx.now() - created) or limit + 1
        local sc = classes[k8s.dig(pvc, "spec", "storageClassName") or ""]
        local wffc = sc ~= nil and sc.volumeBindingMode == "WaitForFirstConsumer"
        if wffc and not consumed(ctx, pvc) then
          waiting = waiting + 1
        elseif age > limit then
          fails[#fails + 1] = { pvc = id, phase = phase, pending = k8s.human_duration(age),
                                storageClass = k8s.dig(pvc, "spec", "storageClassName"),
                                problem = last_event(ctx, pvc) }
        end
      end
    end
    if ctx.has_objects("persistentvolumes") then
      for _, pv in ipairs(ctx.objects("persistentvolumes")) do
        if k8s.dig(pv, "status", "phase") == "Failed" then
          fails[#fails + 1] = { pv = k8s.dig(pv, "metadata", "name"), phase = "Failed",
                                problem = k8s.dig(pv, "status", "message") }
        end
      end
    end
    if #fails > 0 then
      local parts = {}
      for i, f in ipairs(fails) do
        parts[i] = (f.pvc and ("PVC " .. f.pvc) or ("PV " .. tostring(f.pv))) .. " " .. f.phase
          .. (f.pending and (" for " .. f.pending) or "") .. (f.problem and (" (" .. f.problem .. ")") or "")
      end
      return ctx.fail(table.concat(parts, "; "), { problems = fails })
    end
    if unknown > 0 and unknown == total then
      return ctx.error(string.format("none of the %d PVCs reports a status.phase (manifests "
        .. "carry no status): whether they are bound cannot be told", total))
    end
    return ctx.pass(string.format("%d PVCs, none Pending or Lost%s", total - unknown,
      waiting > 0 and string.format(" (%d wait for their first consumer)", waiting) or ""))
  end,
}
