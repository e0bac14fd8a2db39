-- Workloads that select nodes by labels the upgrade takes away:
--   node-role.kubernetes.io/master in a nodeSelector or node affinity, target >= 1.24 on kubeadm
--     -> fail (kubeadm no longer sets it; those Pods stop scheduling); other flavours -> warn;
--   a toleration only for the node-role.kubernetes.io/master taint, target >= 1.25 on kubeadm
--     -> warn (the taint is node-role.kubernetes.io/control-plane now);
--   deprecated beta labels (beta.kubernetes.io/os|arch|instance-type,
--     failure-domain.beta.kubernetes.io/zone|region) -> warn, with the GA label to use.
local up = require("upgrade")

local BETA = {
  ["beta.kubernetes.io/os"] = "kubernetes.io/os",
  ["beta.kubernetes.io/arch"] = "kubernetes.io/arch",
  ["beta.kubernetes.io/instance-type"] = "node.kubernetes.io/instance-type",
  ["failure-domain.beta.kubernetes.io/zone"] = "topology.kubernetes.io/zone",
  ["failure-domain.beta.kubernetes.io/region"] = "topology.kubernetes.io/region",
}
local MASTER = "node-role.kubernetes.io/master"

local function selector_keys(spec)
  local keys = {}
  for k, _ in pairs(spec.nodeSelector or {}) do keys[#keys + 1] = k end
  local terms = spec.affinity and spec.affinity.nodeAffinity
    and spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution
    and spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms
  for _, t in ipairs(terms or {}) do
    for _, e in ipairs(t.matchExpressions or {}) do keys[#keys + 1] = tostring(e.key) end
  end
  table.sort(keys)
  return keys
end

return {
  api = 1,
  id = "upgrade/node-labels",
  title = {
    en = "Workloads do not select nodes by removed or deprecated labels",
    zh = "工作负载未使用已删除或已废弃的节点标签选择节点",
  },
  severity = "high",
  scope = "cluster",
  params = {
    target_version = { default = "", description = "the target Kubernetes version (set by kpatrol precheck --to)" },
  },
  impact = {
    en = "kubeadm stopped labelling control-plane nodes node-role.kubernetes.io/master in 1.24 and "
      .. "replaced the taint in 1.25: Pods selecting or tolerating only the old key stop scheduling "
      .. "on the upgraded nodes. Beta topology labels are deprecated.",
    zh = "kubeadm 自 1.24 起不再为控制面节点设置 node-role.kubernetes.io/master 标签，1.25 起替换了对应污点："
      .. "只选择或只容忍旧键的 Pod 在升级后的节点上无法调度。beta 拓扑标签已废弃。",
  },
  remediation = {
    en = "Select control-plane nodes with node-role.kubernetes.io/control-plane (and tolerate that "
      .. "taint); replace beta labels with kubernetes.io/os, kubernetes.io/arch, "
      .. "topology.kubernetes.io/zone|region and node.kubernetes.io/instance-type.",
    zh = "改用 node-role.kubernetes.io/control-plane 选择控制面节点（并容忍该污点）；将 beta 标签替换为 kubernetes.io/os、"
      .. "kubernetes.io/arch、topology.kubernetes.io/zone|region 与 node.kubernetes.io/instance-type。",
  },
  tags = { "upgrade", "scheduling" },
  check = function(s, ctx)
    local target, why = up.target(ctx)
    if target == nil then return ctx.na(why) end
    if not up.has_workloads(ctx) then return ctx.error("no Pods or workloads were collected") end
    local kubeadm = s.flavour == "kubeadm"
    local fails, warns = {}, {}
    for _, ps in ipairs(up.pod_specs(ctx)) do
      for _, key in ipairs(selector_keys(ps.spec)) do
        if key == MASTER and target >= 24 then
          local text = ps.ref .. " selects " .. MASTER
          if kubeadm then fails[#fails + 1] = text else warns[#warns + 1] = text end
        elseif BETA[key] ~= nil then
          warns[#warns + 1] = string.format("%s selects %s (use %s)", ps.ref, key, BETA[key])
        end
      end
      if kubeadm and target >= 25 then
        local old, new = false, false
        for _, t in ipairs(ps.spec.tolerations or {}) do
          if t.key == MASTER then old = true end
          if t.key == "node-role.kubernetes.io/control-plane" then new = true end
        end
        if old and not new then warns[#warns + 1] = ps.ref .. " tolerates only the " .. MASTER .. " taint" end
      end
    end
    if #fails > 0 then
      return ctx.fail(string.format("%d workload(s) select the removed %s label: %s", #fails, MASTER,
        up.summary(fails, 4)), { workloads = up.head(fails, 20), warnings = up.head(warns, 10) })
    end
    if #warns > 0 then return ctx.warn(up.summary(warns, 4), { workloads = up.head(warns, 20) }) end
    return ctx.pass("no workload selects nodes by removed or deprecated labels")
  end,
}
