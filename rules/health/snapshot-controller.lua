-- Volume snapshots that are used have their infrastructure (seed 004, K8S-STO-010): when
-- VolumeSnapshot objects exist, the snapshot CRDs are installed, a snapshot-controller
-- Deployment (name containing "snapshot-controller", any namespace) has an available replica,
-- and every snapshot's VolumeSnapshotClass exists (or a default class does, for snapshots
-- that name none).
--   VolumeSnapshots exist and anything above is missing    -> fail (snapshots never become
--                                                              readyToUse: no backup is taken)
--   VolumeSnapshots collected and none exists             -> pass (snapshots are not used)
--   not collected: the CRD absent -> pass; the CRD installed and a controller available ->
--   pass; the CRD installed and no controller -> error (cannot tell whether snapshots are
--   used); neither VolumeSnapshots nor CRDs collected -> na (the snapshot API is not served)
local k8s = require("k8s")

local SNAPSHOT_CRDS = { "volumesnapshots.snapshot.storage.k8s.io",
                        "volumesnapshotcontents.snapshot.storage.k8s.io",
                        "volumesnapshotclasses.snapshot.storage.k8s.io" }

local function controller(ctx)
  for _, d in ipairs(ctx.objects("deployments")) do
    local name = k8s.dig(d, "metadata", "name") or ""
    if name:find("snapshot-controller", 1, true) then
      return k8s.dig(d, "metadata", "namespace") .. "/" .. name, k8s.dig(d, "status", "availableReplicas") or 0
    end
  end
  return nil, 0
end

local function installed_crds(ctx)
  if not ctx.has_objects("customresourcedefinitions") then return nil end
  local have = {}
  for _, c in ipairs(ctx.objects("customresourcedefinitions")) do
    have[k8s.dig(c, "metadata", "name") or ""] = true
  end
  return have
end

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
    local crds = installed_crds(ctx)
    local name, avail = controller(ctx)
    local evidence = { controller = name, available = avail }
    if not ctx.has_objects("volumesnapshots") then
      if crds == nil then
        return ctx.na("neither VolumeSnapshots nor CustomResourceDefinitions were collected: the snapshot API is not served")
      end
      if not crds[SNAPSHOT_CRDS[1]] then return ctx.pass("VolumeSnapshot CRDs are not installed: snapshots are not used") end
      if avail > 0 then
        return ctx.pass("snapshot controller " .. name .. " has " .. avail .. " available replicas", evidence)
      end
      return ctx.error("the VolumeSnapshot CRD is installed but VolumeSnapshots were not collected: "
        .. "cannot tell whether snapshots are used while no snapshot controller is available")
    end
    local snaps = ctx.objects("volumesnapshots")
    if #snaps == 0 then return ctx.pass("no VolumeSnapshot exists: snapshots are not used", evidence) end
    evidence.volumesnapshots = #snaps
    local problems = {}
    if crds ~= nil then
      for _, c in ipairs(SNAPSHOT_CRDS) do
        if not crds[c] then problems[#problems + 1] = "CRD " .. c .. " missing" end
      end
    end
    if name == nil then
      problems[#problems + 1] = "no snapshot-controller Deployment"
    elseif avail == 0 then
      problems[#problems + 1] = "snapshot controller " .. name .. " has no available replica"
    end
    if not ctx.has_objects("volumesnapshotclasses") then
      return ctx.error("VolumeSnapshots exist but VolumeSnapshotClasses were not collected"
        .. (#problems > 0 and ("; also: " .. table.concat(problems, "; ")) or ""))
    end
    local classes, default = {}, false
    for _, c in ipairs(ctx.objects("volumesnapshotclasses")) do
      classes[k8s.dig(c, "metadata", "name") or ""] = true
      if k8s.dig(c, "metadata", "annotations", "snapshot.storage.kubernetes.io/is-default-class") == "true" then
        default = true
      end
    end
    local missing, seen, not_ready = {}, {}, 0
    for _, v in ipairs(snaps) do
      local class = k8s.dig(v, "spec", "volumeSnapshotClassName")
      local id = tostring(k8s.dig(v, "metadata", "namespace")) .. "/" .. tostring(k8s.dig(v, "metadata", "name"))
      if k8s.dig(v, "status", "readyToUse") ~= true then not_ready = not_ready + 1 end
      if class == nil and not default and not seen[""] then
        seen[""] = true
        missing[#missing + 1] = id .. " names no VolumeSnapshotClass and there is no default class"
      elseif class ~= nil and not classes[class] and not seen[class] then
        seen[class] = true
        missing[#missing + 1] = "VolumeSnapshotClass " .. class .. " (used by " .. id .. ") does not exist"
      end
    end
    for _, m in ipairs(missing) do problems[#problems + 1] = m end
    evidence.not_ready = not_ready
    if #problems > 0 then
      return ctx.fail(string.format("%s used, but %s", k8s.plural(#snaps, "VolumeSnapshot"),
        table.concat(problems, "; ")), evidence)
    end
    return ctx.pass(string.format("%s; snapshot controller %s has %d available replicas",
      k8s.plural(#snaps, "VolumeSnapshot"), name, avail), evidence)
  end,
}
