-- Kubelet flags that the target version removed, found in the node's kubelet arguments
-- (facts.kubelet.args) or its process argv (facts.processes.kubelet.argv): a kubelet given an
-- unknown flag exits, so the node goes NotReady right after the upgrade -> fail.
-- The table is lib/breakers.lua (kubelet_flags); --container-runtime=docker fails from 1.24.
local up = require("upgrade")
local b = require("breakers")

return {
  api = 1,
  id = "upgrade/kubelet-flags",
  title = {
    en = "Kubelet uses no flags removed by the target version",
    zh = "kubelet 未使用目标版本已删除的参数",
  },
  severity = "critical",
  scope = "node",
  params = {
    target_version = { default = "", description = "the target Kubernetes version (set by kpatrol precheck --to)" },
  },
  impact = {
    en = "The upgraded kubelet refuses to start with a flag it no longer knows: the node goes "
      .. "NotReady and its Pods are evicted.",
    zh = "升级后的 kubelet 遇到已删除的参数会拒绝启动：节点变为 NotReady，其上的 Pod 被驱逐。",
  },
  remediation = {
    en = "Remove the flags from the kubelet unit / KUBELET_EXTRA_ARGS (/etc/default/kubelet, "
      .. "/var/lib/kubelet/kubeadm-flags.env) or move the settings into the KubeletConfiguration "
      .. "file before upgrading the node.",
    zh = "升级节点前，从 kubelet 服务单元或 KUBELET_EXTRA_ARGS（/etc/default/kubelet、/var/lib/kubelet/kubeadm-flags.env）"
      .. "中删除这些参数，或将相应设置迁移到 KubeletConfiguration 配置文件。",
  },
  tags = { "upgrade", "kubelet" },
  check = function(s, ctx)
    local target, why = up.target(ctx)
    if target == nil then return ctx.na(why) end
    if s.facts == nil then return ctx.na("no host facts for this node") end
    local args = s.facts.kubelet and s.facts.kubelet.args
    local argv = ctx.get(s.facts, "processes.kubelet.argv")
    if args == nil and argv == nil then return ctx.na("the kubelet arguments were not collected") end
    local found = {}
    local function value(flag)
      local v = args and ctx.flag(args, flag)
      if v == nil and argv ~= nil then v = ctx.flag(argv, flag) end
      return v
    end
    for _, f in ipairs(b.kubelet_flags) do
      if f.rem <= target and not f.keep then
        local v = value(f.flag)
        if v ~= nil then
          found[#found + 1] = string.format("--%s=%s (removed in %s: %s)", f.flag, tostring(v), up.v(f.rem), f.why)
        end
      end
    end
    local runtime = value("container-runtime")
    if target >= 24 and target < 27 and runtime ~= nil and runtime ~= "remote" then
      found[#found + 1] = string.format("--container-runtime=%s (only remote from 1.24)", tostring(runtime))
    end
    if #found > 0 then
      return ctx.fail(string.format("%d kubelet flag(s) removed by %s: %s", #found, up.v(target),
        table.concat(found, "; ")), { flags = found, target = up.v(target) })
    end
    return ctx.pass("no kubelet flags removed by " .. up.v(target))
  end,
}
