-- No container of the Pod runs privileged (securityContext.privileged: true), init and
-- ephemeral containers included.
--
-- System agents that need host access by design (kube-proxy, CNI and CSI node plugins) are
-- listed in the `exempt` parameter ({ namespace, name_prefix | name, reason }, matched against
-- the Pod's namespace and name) and get na with the reason. Profiles can extend the list;
-- completed Pods (Succeeded/Failed, e.g. certificate-renewal Jobs) are not evaluated.
local k8s = require("k8s")

local CNI = "CNI node agent: programs routes, iptables/eBPF and interfaces on the host"
local CSI = "CSI node plugin: mounts volumes on the host and needs mount propagation"

local function privileged(ctx, pod)
  local out = {}
  for _, c in ipairs(ctx.containers(pod)) do
    if k8s.dig(c, "securityContext", "privileged") == true then out[#out + 1] = c.name end
  end
  return out
end

return {
  api = 1,
  id = "workload/privileged-container",
  title = {
    en = "Containers do not run privileged",
    zh = "容器未以特权模式运行",
  },
  severity = "high",
  scope = "pod",
  applies = function(s) return not k8s.pod_terminated(s.object) end,
  baselines = {
    cis = { control = "5.2.2", scored = false },
    mlps = { control = "8.2.4.3 a)" },
  },
  params = {
    exempt = {
      default = {
        { namespace = "kube-system", name_prefix = "kube-proxy",
          reason = "kube-proxy programs iptables/IPVS rules on the host" },
        { namespace = "kube-system", name_prefix = "calico-node", reason = CNI },
        { namespace = "calico-system", name_prefix = "calico-node", reason = CNI },
        { namespace = "kube-system", name_prefix = "kube-flannel", reason = CNI },
        { namespace = "kube-flannel", name_prefix = "kube-flannel", reason = CNI },
        { namespace = "kube-system", name_prefix = "cilium", reason = CNI },
        { namespace = "kube-system", name_prefix = "terway", reason = CNI },
        { namespace = "kube-system", name_prefix = "csi-plugin", reason = CSI },
        { namespace = "kube-system", name_prefix = "ebs-csi-node", reason = CSI },
      },
      description = "Pods allowed to run privileged: list of { namespace, name_prefix or name, reason }",
    },
  },
  impact = {
    en = "A privileged container has all capabilities and access to the host's devices: "
      .. "escaping to the node, and from there to the cluster, is trivial.",
    zh = "特权容器拥有全部 Linux Capabilities 并可访问宿主机设备，攻击者可轻易逃逸到节点，进而入侵整个集群。",
  },
  remediation = {
    en = "Remove securityContext.privileged (or set it to false). If the workload needs a "
      .. "specific kernel feature, add only that capability (capabilities.add) and drop the "
      .. "rest. Enforce with Pod Security Admission (baseline or restricted) on the namespace. "
      .. "If the Pod is a trusted system agent, add it to the rule's exempt list with a reason.",
    zh = "删除 securityContext.privileged 字段（或设为 false）。如确需某项内核能力，只通过 capabilities.add 添加"
      .. "所需的 Capability，并 drop 其余能力；在命名空间上启用 Pod 安全准入（baseline 或 restricted）强制约束。"
      .. "若为可信的系统组件，请在本规则的 exempt 参数中加入白名单并注明原因。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 5.2.2", "ACK 配置巡检 runAsPrivileged" },
  tags = { "security", "pod-security", "config-inspection" },
  check = function(s, ctx)
    local names = privileged(ctx, s.object)
    if #names == 0 then return ctx.pass("no privileged container") end
    local e = k8s.exemption(ctx.param("exempt"), s.namespace, s.name)
    if e ~= nil then return ctx.na(k8s.exemption_reason(e)) end
    return ctx.fail("privileged container" .. (#names > 1 and "s " or " ") .. k8s.join(names)
      .. " (securityContext.privileged: true), expected false or unset",
      { containers = names, expected = "privileged false or unset" })
  end,
}
