-- cgroup v1 on the node (from host facts: cgroup.version, or the kubelet metric
-- kubelet_cgroup_version collected as facts.cgroup.version):
--   target >= 1.35 -> fail (the kubelet refuses to start on cgroup v1 by default: failCgroupV1),
--     unless the kubelet config sets failCgroupV1: false -> warn;
--   target 1.31 - 1.34 -> warn (cgroup v1 is in maintenance mode);
--   cgroup v2 -> pass. No cgroup fact -> na (the collector did not report it).
local up = require("upgrade")

return {
  api = 1,
  id = "upgrade/cgroup-v1",
  title = {
    en = "Node uses cgroup v2 where the target requires it",
    zh = "节点在目标版本要求时使用 cgroup v2",
  },
  severity = "high",
  scope = "node",
  params = {
    target_version = { default = "", description = "the target Kubernetes version (set by kpatrol precheck --to)" },
  },
  impact = {
    en = "From 1.35 the kubelet does not start on cgroup v1 hosts by default: the node goes "
      .. "NotReady after the upgrade.",
    zh = "自 1.35 起 kubelet 默认无法在 cgroup v1 主机上启动：升级后节点将变为 NotReady。",
  },
  remediation = {
    en = "Move the node to cgroup v2 (a newer OS image, or systemd.unified_cgroup_hierarchy=1 on "
      .. "the kernel command line, with containerd's SystemdCgroup = true), then upgrade.",
    zh = "将节点切换到 cgroup v2（使用更新的操作系统镜像，或在内核启动参数中设置 systemd.unified_cgroup_hierarchy=1，"
      .. "并在 containerd 中设置 SystemdCgroup = true），然后再升级。",
  },
  tags = { "upgrade", "node", "cgroup" },
  check = function(s, ctx)
    local target, why = up.target(ctx)
    if target == nil then return ctx.na(why) end
    local version = s.facts and ctx.get(s.facts, "cgroup.version")
    if version == nil then return ctx.na("the node facts do not include the cgroup version") end
    version = tonumber(version)
    local evidence = { cgroup_version = version, target = up.v(target) }
    if version ~= 1 then return ctx.pass("cgroup v" .. tostring(version), evidence) end
    if target >= 35 then
      local allow = s.facts.kubelet and ctx.get(s.facts.kubelet, "config.failCgroupV1")
      if allow == false then
        return ctx.warn("cgroup v1, allowed only because failCgroupV1 is false", evidence)
      end
      return ctx.fail("cgroup v1: the " .. up.v(target) .. " kubelet refuses to start on it", evidence)
    end
    if target >= 31 then return ctx.warn("cgroup v1 is in maintenance mode from 1.31", evidence) end
    return ctx.pass("cgroup v1 (supported by " .. up.v(target) .. ")", evidence)
  end,
}
