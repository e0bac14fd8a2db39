-- Each PVC asks for access and volume modes its StorageClass's storage type supports, per the
-- capability table (parameter `capabilities`, from seed 004 and the ACK storage guides: e.g.
-- RWX on CephRBD/TopoLVM/cloud disks, Block on CephFS/NFS/NAS are unsupported).
--   unsupported access or volume mode -> fail (the claim never binds, or binds and fails to mount)
--   a mode the sources disagree on (NFS ReadOnlyMany) -> warn
--   provisioner not in the table -> not judged (listed in the pass message)
local k8s = require("k8s")
local storage = require("storage")

return {
  api = 1,
  id = "health/pvc-access-modes",
  title = { en = "PVC access and volume modes match the storage type", zh = "PVC 访问模式与卷模式符合存储类型能力" },
  severity = "high",
  scope = "cluster",
  requires = { "objects.persistentvolumeclaims", "objects.storageclasses" },
  params = {
    capabilities = { default = storage.default_capabilities(),
                     description = "storage types: { type, match (provisioner pattern), access, warn_access, volume_modes, expansion, snapshot }" },
  },
  impact = {
    en = "A claim asking for a mode its storage cannot provide stays Pending or its Pods fail "
      .. "to mount (e.g. RWX on a block device, Block on a file system).",
    zh = "申请存储不支持的访问模式或卷模式时，PVC 会一直 Pending 或 Pod 挂载失败（例如在块存储上申请 RWX、在文件存储上申请 Block）。",
  },
  remediation = {
    en = "Recreate the claim on a StorageClass that supports the mode (shared file storage "
      .. "such as CephFS/NFS/NAS for ReadWriteMany, block storage for volumeMode Block), or "
      .. "change the workload to ReadWriteOnce with a StatefulSet volumeClaimTemplate.",
    zh = "在支持该模式的 StorageClass 上重新创建 PVC（ReadWriteMany 使用 CephFS、NFS、NAS 等共享文件存储，Block 使用块存储），"
      .. "或将工作负载改为 ReadWriteOnce 并使用 StatefulSet 的 volumeClaimTemplate。",
  },
  references = { "ACP 存储: 存储类型访问模式与卷模式能力表", "ACK 存储: 云盘/NAS/OSS 使用限制" },
  tags = { "storage" },
  check = function(s, ctx)
    local caps = ctx.param("capabilities")
    local classes = storage.classes(ctx)
    local fails, warns, unknown, judged = {}, {}, {}, 0
    for _, pvc in ipairs(ctx.objects("persistentvolumeclaims")) do
      local sc = classes[k8s.dig(pvc, "spec", "storageClassName") or ""]
      local prov = sc and sc.provisioner
      local cap = storage.capability(caps, prov)
      if cap == nil then
        if prov then unknown[prov] = true end
      else
        judged = judged + 1
        local id = storage.pvc_id(pvc)
        for _, m in ipairs(k8s.dig(pvc, "spec", "accessModes") or {}) do
          if k8s.contains(cap.warn_access, m) then
            warns[#warns + 1] = string.format("%s asks %s on %s (support unclear)", id, m, cap.type)
          elseif not k8s.contains(cap.access, m) then
            fails[#fails + 1] = string.format("%s asks %s, unsupported on %s", id, m, cap.type)
          end
        end
        local vm = k8s.dig(pvc, "spec", "volumeMode") or "Filesystem"
        if cap.volume_modes and not k8s.contains(cap.volume_modes, vm) then
          fails[#fails + 1] = string.format("%s asks volumeMode %s, unsupported on %s", id, vm, cap.type)
        end
      end
    end
    local evidence = { problems = fails, warnings = warns, unknown_provisioners = k8s.sorted_keys(unknown) }
    if #fails > 0 then return ctx.fail(table.concat(fails, "; "), evidence) end
    if #warns > 0 then return ctx.warn(table.concat(warns, "; "), evidence) end
    local u = k8s.sorted_keys(unknown)
    return ctx.pass(string.format("%d PVCs on known storage types use supported modes%s", judged,
      #u > 0 and ("; not judged (unknown provisioners): " .. k8s.join(u)) or ""), evidence)
  end,
}
