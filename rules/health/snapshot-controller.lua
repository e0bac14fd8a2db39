-- Volume snapshots have a controller: when the VolumeSnapshot CRDs
-- (volumesnapshots.snapshot.storage.k8s.io) are installed, a snapshot-controller Deployment
-- (name containing "snapshot-controller", any namespace) must have an available replica.
--   CRDs present, no controller or none available -> fail (snapshots stay not ready to use)
--   CRDs absent -> pass (snapshots not used); CRDs not collected -> na
local k8s = require("k8s")

return {
  api = 1,
  id = "health/snapshot-controller",
  title = { en = "Volume snapshots have a running snapshot controller", zh = "卷快照功能的快照控制器（snapshot-controller）正常运行" },
  severity = "medium",
  scope = "cluster",
  requires = { "objects.deployments" },
  impact = {
    en = "Without the snapshot controller VolumeSnapshots are never taken (readyToUse stays "
      .. "false): backups silently do not happen and restores have nothing to restore.",
    zh = "快照控制器缺失时 VolumeSnapshot 不会被处理（readyToUse 一直为 false），备份实际上没有发生，恢复时也没有可用快照。",
  },
  remediation = {
    en = "Deploy the snapshot controller (external-snapshotter: CRDs, snapshot-controller "
      .. "Deployment and RBAC) and a VolumeSnapshotClass for each CSI driver that supports "
      .. "snapshots.",
    zh = "部署快照控制器（external-snapshotter：CRD、snapshot-controller Deployment 与 RBAC），并为支持快照的 CSI 驱动创建 VolumeSnapshotClass。",
  },
  references = { "ACP 存储: 部署快照控制器", "Kubernetes CSI external-snapshotter" },
  tags = { "storage", "addon" },
  check = function(s, ctx)
    if not ctx.has_objects("customresourcedefinitions") then
      return ctx.na("CustomResourceDefinitions were not collected: cannot tell whether volume snapshots are used")
    end
    local crd = false
    for _, c in ipairs(ctx.objects("customresourcedefinitions")) do
      if k8s.dig(c, "metadata", "name") == "volumesnapshots.snapshot.storage.k8s.io" then crd = true end
    end
    if not crd then return ctx.pass("VolumeSnapshot CRDs are not installed: snapshots are not used") end
    for _, d in ipairs(ctx.objects("deployments")) do
      local name = k8s.dig(d, "metadata", "name") or ""
      if name:find("snapshot-controller", 1, true) then
        local avail = k8s.dig(d, "status", "availableReplicas") or 0
        local evidence = { deployment = k8s.dig(d, "metadata", "namespace") .. "/" .. name, available = avail }
        if avail > 0 then return ctx.pass("snapshot controller " .. evidence.deployment .. " has " .. avail .. " available replicas", evidence) end
        return ctx.fail("snapshot controller " .. evidence.deployment .. " has no available replica", evidence)
      end
    end
    return ctx.fail("VolumeSnapshot CRDs are installed but no snapshot-controller Deployment exists")
  end,
}
