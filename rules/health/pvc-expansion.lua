-- A PVC whose requested size exceeds its capacity (an expansion in progress) is on a
-- StorageClass that allows expansion and a storage type that supports it (NFS does not).
--   StorageClass allowVolumeExpansion not true, or type without expansion -> fail (the resize
--     never happens; recovery needs the seed's six-step procedure)
--   condition Resizing / FileSystemResizePending present -> warn (waiting for the resize or a
--     Pod restart)
local k8s = require("k8s")
local storage = require("storage")

return {
  api = 1,
  id = "health/pvc-expansion",
  title = { en = "PVC expansions are allowed by their StorageClass", zh = "PVC 扩容请求受存储类支持" },
  severity = "medium",
  scope = "cluster",
  requires = { "objects.persistentvolumeclaims", "objects.storageclasses" },
  params = {
    capabilities = { default = storage.default_capabilities(),
                     description = "storage types (see health/pvc-access-modes); expansion = false marks types without expansion" },
  },
  impact = {
    en = "An expansion the StorageClass does not allow never completes: the application "
      .. "keeps running out of space and the claim is stuck with a larger request.",
    zh = "存储类不允许扩容时扩容请求永远无法完成，应用存储空间持续不足，PVC 停留在更大的申请值上。",
  },
  remediation = {
    en = "Storage classes cannot be edited: create a StorageClass with allowVolumeExpansion: "
      .. "true and migrate the data, or roll back the request following the failed-expansion "
      .. "recovery procedure (set the PV to Retain, recreate the PVC with the old size bound to "
      .. "the PV, restore the reclaim policy).",
    zh = "StorageClass 不能直接修改：创建 allowVolumeExpansion: true 的新存储类并迁移数据；或按扩容失败恢复流程回退（PV 改为 Retain，按原容量重建 PVC 绑定该 PV，再恢复回收策略）。",
  },
  references = { "ACP 存储: 扩容失败的恢复流程", "ACK 存储: 云盘在线扩容" },
  tags = { "storage" },
  check = function(s, ctx)
    local caps = ctx.param("capabilities")
    local classes = storage.classes(ctx)
    local fails, warns, resizing = {}, {}, 0
    for _, pvc in ipairs(ctx.objects("persistentvolumeclaims")) do
      local req = ctx.parse_quantity(tostring(k8s.dig(pvc, "spec", "resources", "requests", "storage") or ""))
      local cap = ctx.parse_quantity(tostring(k8s.dig(pvc, "status", "capacity", "storage") or ""))
      local id = storage.pvc_id(pvc)
      local cond = k8s.condition(pvc, "Resizing") or k8s.condition(pvc, "FileSystemResizePending")
      if req and cap and req > cap then
        resizing = resizing + 1
        local name = k8s.dig(pvc, "spec", "storageClassName")
        local sc = classes[name or ""]
        local t = sc and storage.capability(caps, sc.provisioner)
        if sc == nil then
          fails[#fails + 1] = string.format("%s grows to %s but its StorageClass %s does not exist", id,
            tostring(k8s.dig(pvc, "spec", "resources", "requests", "storage")), tostring(name))
        elseif sc.allowVolumeExpansion ~= true then
          fails[#fails + 1] = string.format("%s grows to %s but StorageClass %s does not allow expansion", id,
            tostring(k8s.dig(pvc, "spec", "resources", "requests", "storage")), name)
        elseif t and t.expansion == false then
          fails[#fails + 1] = string.format("%s grows but %s storage does not support expansion", id, t.type)
        elseif cond then
          warns[#warns + 1] = string.format("%s is %s", id, cond.type)
        end
      end
    end
    local evidence = { problems = fails, warnings = warns }
    if #fails > 0 then return ctx.fail(table.concat(fails, "; "), evidence) end
    if #warns > 0 then return ctx.warn(table.concat(warns, "; "), evidence) end
    return ctx.pass(resizing == 0 and "no PVC expansion pending" or
      string.format("%d expansions on expandable StorageClasses", resizing), evidence)
  end,
}
