-- ConfigMap kube-system/eci-profile is complete when the cluster has virtual nodes (Node label
-- type=virtual-kubelet) (seed 003):
--   missing ConfigMap; securityGroupId, vSwitchIds or vpcId missing or without the sg-, vsw-,
--     vpc- prefixes; enableHybridMode / enableClusterIp / enablePrivateZone not "true"/"false"
--     -> fail
--   a single vSwitch -> warn (one zone: NoStock risk; several vSwitches give several zones)
--   no virtual node -> na
local k8s = require("k8s")

return {
  api = 1,
  id = "health/eci-profile",
  title = { en = "eci-profile is complete for virtual nodes", zh = "虚拟节点的 eci-profile 配置完整" },
  severity = "high",
  scope = "cluster",
  requires = { "objects.nodes", "objects.configmaps" },
  impact = {
    en = "virtual-kubelet reads eci-profile to create ECI instances: without the network "
      .. "settings ECI Pods fail to create or land in the wrong network.",
    zh = "virtual-kubelet 根据 eci-profile 创建 ECI 实例，缺少网络配置时 ECI Pod 无法创建或被创建到错误的网络中。",
  },
  remediation = {
    en = "kubectl -n kube-system edit configmap eci-profile: set vpcId, securityGroupId and "
      .. "vSwitchIds (several, in different zones), and \"true\"/\"false\" for the enable* keys.",
    zh = "执行 kubectl -n kube-system edit configmap eci-profile：填写 vpcId、securityGroupId 与 vSwitchIds（建议多个不同可用区的交换机），enable* 键使用 \"true\"/\"false\"。",
  },
  references = { "ECI: 配置 eci-profile" },
  tags = { "eci", "addon" },
  check = function(s, ctx)
    local virtual = 0
    for _, n in ipairs(ctx.objects("nodes")) do
      if k8s.dig(n, "metadata", "labels", "type") == "virtual-kubelet" then virtual = virtual + 1 end
    end
    if virtual == 0 then return ctx.na("no virtual node (label type=virtual-kubelet)") end
    local data
    for _, cm in ipairs(ctx.objects("configmaps")) do
      if k8s.dig(cm, "metadata", "namespace") == "kube-system" and k8s.dig(cm, "metadata", "name") == "eci-profile" then
        data = cm.data or {}
      end
    end
    if data == nil then return ctx.fail(string.format("%d virtual nodes but no ConfigMap kube-system/eci-profile", virtual)) end
    local fails = {}
    local function need(key, prefix)
      local v = data[key]
      if v == nil or v == "" then fails[#fails + 1] = key .. " is empty"; return {} end
      local list = k8s.split_csv(v)
      for _, id in ipairs(list) do
        if not k8s.starts_with(id, prefix .. "-") then fails[#fails + 1] = key .. " " .. id .. " lacks the " .. prefix .. "- prefix" end
      end
      return list
    end
    need("vpcId", "vpc")
    need("securityGroupId", "sg")
    local vsw = need("vSwitchIds", "vsw")
    for _, key in ipairs({ "enableHybridMode", "enableClusterIp", "enablePrivateZone" }) do
      local v = data[key]
      if v ~= nil and v ~= "true" and v ~= "false" then fails[#fails + 1] = key .. " is " .. tostring(v) .. ", expected \"true\" or \"false\"" end
    end
    local evidence = { virtual_nodes = virtual, vSwitchIds = data.vSwitchIds, vpcId = data.vpcId,
                       securityGroupId = data.securityGroupId }
    if #fails > 0 then return ctx.fail(table.concat(fails, "; "), evidence) end
    if #vsw == 1 then return ctx.warn("only one vSwitch in vSwitchIds: ECI instances use a single zone", evidence) end
    return ctx.pass(string.format("eci-profile complete (%d vSwitches)", #vsw), evidence)
  end,
}
