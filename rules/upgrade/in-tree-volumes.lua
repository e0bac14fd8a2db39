-- Volumes whose in-tree plugin the target removes (ref_upgrade.md §3, volume removal table):
--   PV, StorageClass provisioner or inline Pod volume of a removed type without CSI migration
--     (flocker, quobyte, storageos, glusterfs, cephfs, rbd, scaleIO, gitRepo ...) -> fail;
--   a type migrated to CSI (awsElasticBlockStore, gcePersistentDisk, azureDisk, azureFile, cinder,
--     vsphereVolume, portworxVolume) when its CSI driver is not installed -> fail;
--   FlexVolume (deprecated since 1.23; ACK's Flexvolume plugin has no migration to CSI) -> warn.
local up = require("upgrade")
local b = require("breakers")

return {
  api = 1,
  id = "upgrade/in-tree-volumes",
  title = {
    en = "No volumes depend on in-tree plugins removed by the target",
    zh = "没有存储卷依赖目标版本已移除的 in-tree 插件",
  },
  severity = "critical",
  scope = "cluster",
  params = {
    target_version = { default = "", description = "the target Kubernetes version (set by kpatrol precheck --to)" },
  },
  impact = {
    en = "Pods using a removed in-tree volume type cannot mount their volumes after the upgrade; "
      .. "migrated types keep working only when the CSI driver is installed.",
    zh = "使用已移除 in-tree 存储类型的 Pod 在升级后无法挂载存储卷；已迁移到 CSI 的类型只有安装了对应 CSI 驱动才能继续使用。",
  },
  remediation = {
    en = "Install the CSI driver of migrated types before upgrading; re-create volumes of removed "
      .. "types on a CSI driver (e.g. ceph-csi for rbd/cephfs) and move the data; replace "
      .. "Flexvolume with CSI (ACK: CSI-Plugin / CSI-Provisioner; Flexvolume clusters cannot be "
      .. "migrated in place — plan new node pools or a new cluster).",
    zh = "升级前先安装已迁移类型对应的 CSI 驱动；已移除类型的存储卷需在 CSI 驱动（如 rbd/cephfs 使用 ceph-csi）上重建并迁移数据；"
      .. "将 Flexvolume 替换为 CSI（ACK：CSI-Plugin / CSI-Provisioner；Flexvolume 集群无法原地迁移，需规划新节点池或新集群）。",
  },
  tags = { "upgrade", "storage" },
  check = function(s, ctx)
    local target, why = up.target(ctx)
    if target == nil then return ctx.na(why) end
    local drivers, have_drivers = {}, ctx.has_objects("csidrivers")
    if have_drivers then
      for _, d in ipairs(ctx.objects("csidrivers")) do drivers[d.metadata.name] = true end
    end
    local fails, warns, looked = {}, {}, false
    local function consider(vtype, where)
      local info = b.volumes[vtype]
      if info == nil or info.rem > target then return end
      if info.csi ~= nil then
        if not drivers[info.csi] then
          fails[#fails + 1] = string.format("%s: %s (removed in %s) needs CSI driver %s%s", where, vtype,
            up.v(info.rem), info.csi, have_drivers and "" or " (CSIDriver objects not collected)")
        end
      else
        fails[#fails + 1] = string.format("%s: %s, removed in %s without CSI migration", where, vtype, up.v(info.rem))
      end
    end
    local function volumes_of(spec_like, where)
      if spec_like == nil then return end
      for key, _ in pairs(b.volumes) do
        if spec_like[key] ~= nil then consider(key, where) end
      end
      if spec_like.flexVolume ~= nil then
        warns[#warns + 1] = string.format("%s: flexVolume %s", where, tostring(spec_like.flexVolume.driver))
      end
    end
    if ctx.has_objects("persistentvolumes") then
      looked = true
      for _, pv in ipairs(ctx.objects("persistentvolumes")) do volumes_of(pv.spec, "PV " .. pv.metadata.name) end
    end
    if ctx.has_objects("storageclasses") then
      looked = true
      for _, sc in ipairs(ctx.objects("storageclasses")) do
        local vtype = b.provisioners[tostring(sc.provisioner)]
        if vtype ~= nil then consider(vtype, "StorageClass " .. sc.metadata.name .. " (" .. sc.provisioner .. ")") end
      end
    end
    if up.has_workloads(ctx) then
      looked = true
      for _, ps in ipairs(up.pod_specs(ctx)) do
        for _, v in ipairs(ps.spec.volumes or {}) do volumes_of(v, ps.ref .. " volume " .. tostring(v.name)) end
      end
    end
    if not looked then return ctx.error("PersistentVolumes, StorageClasses and workloads were not collected") end
    table.sort(fails)
    table.sort(warns)
    if #fails > 0 then
      return ctx.fail(string.format("%d volume(s) use in-tree plugins removed by %s: %s", #fails, up.v(target),
        up.summary(fails, 4)), { problems = up.head(fails, 20), flexvolume = up.head(warns, 10) })
    end
    if #warns > 0 then
      return ctx.warn(string.format("%d FlexVolume volume(s) (deprecated since 1.23, no CSI migration): %s",
        #warns, up.summary(warns, 4)), { flexvolume = up.head(warns, 20) })
    end
    return ctx.pass("no volumes on in-tree plugins removed by " .. up.v(target))
  end,
}
