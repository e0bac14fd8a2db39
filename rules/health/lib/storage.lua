-- Storage helpers: `local storage = require("storage")`.
local k8s = require("k8s")

local M = {}

-- Capability table of seed 004 (ACP storage guide) merged with the ECI/ACK storage seeds:
-- provisioner patterns (Lua patterns, matched against the StorageClass provisioner) ->
-- supported access modes, volume modes, expansion and snapshots. A function: parameter
-- defaults must be fresh tables.
function M.default_capabilities()
  return {
    { type = "CephFS", match = "cephfs%.csi%.ceph%.com$", access = { "ReadWriteOnce", "ReadWriteMany" },
      volume_modes = { "Filesystem" }, expansion = true, snapshot = true },
    { type = "CephRBD", match = "rbd%.csi%.ceph%.com$", access = { "ReadWriteOnce", "ReadWriteOncePod" },
      volume_modes = { "Filesystem", "Block" }, expansion = true, snapshot = true },
    { type = "TopoLVM", match = "^topolvm", access = { "ReadWriteOnce", "ReadWriteOncePod" },
      volume_modes = { "Filesystem", "Block" }, expansion = true, snapshot = true },
    { type = "NFS", match = "^nfs%.csi%.k8s%.io$", access = { "ReadWriteOnce", "ReadWriteMany" },
      warn_access = { "ReadOnlyMany" }, volume_modes = { "Filesystem" }, expansion = false, snapshot = false },
    { type = "Alibaba Cloud disk", match = "^diskplugin%.csi%.alibabacloud%.com$",
      access = { "ReadWriteOnce", "ReadWriteOncePod" }, volume_modes = { "Filesystem", "Block" },
      expansion = true },
    { type = "Alibaba Cloud NAS", match = "^nasplugin%.csi%.alibabacloud%.com$",
      access = { "ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany" }, volume_modes = { "Filesystem" } },
    { type = "Alibaba Cloud OSS", match = "^ossplugin%.csi%.alibabacloud%.com$",
      access = { "ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany" }, volume_modes = { "Filesystem" },
      expansion = false, snapshot = false },
    { type = "local", match = "^kubernetes%.io/no%-provisioner$", access = { "ReadWriteOnce", "ReadWriteOncePod" },
      volume_modes = { "Filesystem", "Block" }, expansion = false, snapshot = false },
  }
end

-- StorageClass objects by name (plain table).
function M.classes(ctx)
  local out = {}
  if not ctx.has_objects("storageclasses") then return out end
  for _, sc in ipairs(ctx.objects("storageclasses")) do
    out[k8s.dig(sc, "metadata", "name")] = sc
  end
  return out
end

-- The capability entry for a provisioner, or nil.
function M.capability(caps, provisioner)
  if provisioner == nil then return nil end
  for _, c in ipairs(caps) do
    if provisioner:find(c.match) then return c end
  end
  return nil
end

function M.pvc_id(pvc)
  return tostring(k8s.dig(pvc, "metadata", "namespace")) .. "/" .. tostring(k8s.dig(pvc, "metadata", "name"))
end

return M
