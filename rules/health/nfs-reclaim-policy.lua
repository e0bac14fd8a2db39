-- NFS volumes are not deleted on release: PersistentVolumes backed by NFS (spec.nfs or CSI
-- driver nfs.csi.k8s.io) and StorageClasses of provisioner nfs.csi.k8s.io must use
-- reclaimPolicy Retain (seed 004: the platform does not support Delete for NFS shared storage;
-- a deleted claim would wipe a directory other clusters may share).
--   Delete -> fail; no NFS volume or class -> pass
local k8s = require("k8s")

return {
  api = 1,
  id = "health/nfs-reclaim-policy",
  title = { en = "NFS volumes use reclaimPolicy Retain", zh = "NFS 存储卷回收策略为 Retain" },
  severity = "medium",
  scope = "cluster",
  requires = { "objects.persistentvolumes" },
  impact = {
    en = "Deleting the claim deletes the data on the shared NFS export, including data other "
      .. "workloads or clusters may still use.",
    zh = "删除 PVC 时会同时删除 NFS 共享目录中的数据，其他工作负载或集群可能仍在使用这些数据。",
  },
  remediation = {
    en = "kubectl patch pv <pv> -p '{\"spec\":{\"persistentVolumeReclaimPolicy\":\"Retain\"}}'; "
      .. "for StorageClasses create a new class with reclaimPolicy: Retain (classes cannot be edited).",
    zh = "执行 kubectl patch pv <pv> -p '{\"spec\":{\"persistentVolumeReclaimPolicy\":\"Retain\"}}'；StorageClass 不可修改，需新建 reclaimPolicy: Retain 的存储类。",
  },
  references = { "ACP 存储: NFS 共享存储的持久卷回收策略不支持删除" },
  tags = { "storage" },
  check = function(s, ctx)
    local bad, nfs = {}, 0
    for _, pv in ipairs(ctx.objects("persistentvolumes")) do
      local is_nfs = k8s.dig(pv, "spec", "nfs") ~= nil or k8s.dig(pv, "spec", "csi", "driver") == "nfs.csi.k8s.io"
      if is_nfs then
        nfs = nfs + 1
        local policy = k8s.dig(pv, "spec", "persistentVolumeReclaimPolicy") or "Retain"
        if policy == "Delete" then bad[#bad + 1] = "PV " .. tostring(k8s.dig(pv, "metadata", "name")) end
      end
    end
    if ctx.has_objects("storageclasses") then
      for _, sc in ipairs(ctx.objects("storageclasses")) do
        if sc.provisioner == "nfs.csi.k8s.io" then
          nfs = nfs + 1
          if (sc.reclaimPolicy or "Delete") == "Delete" then
            bad[#bad + 1] = "StorageClass " .. tostring(k8s.dig(sc, "metadata", "name"))
          end
        end
      end
    end
    if #bad > 0 then return ctx.fail(k8s.join(bad) .. " use reclaimPolicy Delete on NFS; expected Retain", { objects = bad }) end
    if nfs == 0 then return ctx.pass("no NFS volume or StorageClass") end
    return ctx.pass(string.format("%d NFS volumes/classes, all Retain", nfs))
  end,
}
