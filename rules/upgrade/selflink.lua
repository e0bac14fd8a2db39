-- metadata.selfLink is always empty from 1.20 (RemoveSelfLink, locked in 1.24). Controllers
-- that build URLs from it break. The seed (UPG-011): before upgrading to 1.20, ACK's
-- alicloud-nas-controller must run v1.14.8.17-7b898e5-aliyun or later; the community
-- nfs-client-provisioner (quay.io/external_storage) needs its selfLink fix (use
-- nfs-subdir-external-provisioner).
--   applies when the target is >= 1.20 and the cluster is older than 1.24 (after that the
--   field is gone already and such controllers would be broken today).
local up = require("upgrade")

local NAS_MIN = "1.14.8.17"

return {
  api = 1,
  id = "upgrade/selflink",
  title = {
    en = "No controller depends on metadata.selfLink",
    zh = "没有控制器依赖 metadata.selfLink",
  },
  severity = "critical",
  scope = "cluster",
  params = {
    target_version = { default = "", description = "the target Kubernetes version (set by kpatrol precheck --to)" },
  },
  impact = {
    en = "From 1.20 selfLink is empty: old alicloud-nas-controller and nfs-client-provisioner "
      .. "images stop provisioning volumes (PVCs stay Pending).",
    zh = "自 1.20 起 selfLink 为空：旧版 alicloud-nas-controller 与 nfs-client-provisioner 镜像无法再创建存储卷（PVC 一直 Pending）。",
  },
  remediation = {
    en = "Before upgrading to 1.20: update alicloud-nas-controller to registry.cn-hangzhou.aliyuncs.com/"
      .. "acs/alicloud-nas-controller:v1.14.8.17-7b898e5-aliyun or later; replace "
      .. "nfs-client-provisioner with nfs-subdir-external-provisioner.",
    zh = "升级到 1.20 之前：将 alicloud-nas-controller 升级到 registry.cn-hangzhou.aliyuncs.com/acs/"
      .. "alicloud-nas-controller:v1.14.8.17-7b898e5-aliyun 或更新版本；将 nfs-client-provisioner 替换为 "
      .. "nfs-subdir-external-provisioner。",
  },
  tags = { "upgrade", "storage", "ack" },
  check = function(s, ctx)
    local target, why = up.target(ctx)
    if target == nil then return ctx.na(why) end
    if target < 20 then return ctx.pass("selfLink is still set before 1.20") end
    local current = up.minor(s.version)
    if current ~= nil and current >= 24 then
      return ctx.pass("the cluster (" .. s.version .. ") already has no selfLink")
    end
    if not up.has_workloads(ctx) then return ctx.error("no Pods or workloads were collected") end
    local found = {}
    for _, ps in ipairs(up.pod_specs(ctx)) do
      for _, c in ipairs(ps.spec.containers or {}) do
        local name, tag = up.image_name(c.image), up.image_tag(c.image)
        if name == "alicloud-nas-controller" and (tag == nil or up.compare(tag, NAS_MIN) == -1) then
          found[#found + 1] = string.format("%s runs %s (needs v%s-7b898e5-aliyun or later)", ps.ref, c.image, NAS_MIN)
        elseif name == "nfs-client-provisioner" then
          found[#found + 1] = string.format("%s runs %s (uses selfLink)", ps.ref, c.image)
        end
      end
    end
    table.sort(found)
    if #found > 0 then
      return ctx.fail(up.summary(found, 4), { target = up.v(target), controllers = up.head(found, 20) })
    end
    return ctx.pass("no known selfLink users")
  end,
}
