-- CIS 5.6.2: The seccomp profile is set to RuntimeDefault in Pod definitions.
--
-- Semantics:
--   * one finding per running Pod (completed Pods are not evaluated); init, regular and
--     ephemeral containers all count. Pods in `exempt_namespaces` (default kube-system) -> na
--     with the reason.
--   * per container, seccompProfile.type (container over Pod): RuntimeDefault or Localhost -> fine;
--     Unconfined -> fail; unset -> fine when the Pod's node runs its kubelet with seccompDefault
--     true (host facts of spec.nodeName), else fail (the runtime default is Unconfined);
--     a privileged container without a profile is Unconfined whatever the kubelet default.
local cis = require("cis")

return {
  api = 1,
  id = "cis-k8s/5.6.2",
  title = {
    en = "The seccomp profile is set to RuntimeDefault in Pod definitions",
    zh = "Pod 定义中将 seccomp 配置设为 RuntimeDefault",
  },
  severity = "medium",
  scope = "pod",
  requires = { "objects.pods" },
  applies = function(s) return not cis.pod_terminated(s.object) end,
  baselines = {
    cis = { control = "5.6.2", scored = false },
    mlps = { control = "8.1.4.2 g)" },
  },
  params = {
    exempt_namespaces = {
      default = { "kube-system" },
      description = "namespaces not evaluated (system components need host access by design)",
    },
  },
  impact = {
    en = "Without a seccomp profile a container can use every system call, including those used in "
      .. "kernel exploits and container escapes.",
    zh = "未配置 seccomp 时容器可以调用所有系统调用，包括内核漏洞利用和容器逃逸所用的调用。",
  },
  remediation = {
    en = "Set securityContext.seccompProfile.type: RuntimeDefault on the Pod (or each container), "
      .. "or enable seccompDefault on the kubelets (4.2.14).",
    zh = "在 Pod（或每个容器）的 securityContext 中设置 seccompProfile.type: RuntimeDefault，或在 kubelet 上开启 "
      .. "seccompDefault（4.2.14）。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 5.6.2" },
  tags = { "seccomp" },
  check = function(s, ctx)
    if cis.contains(ctx.param("exempt_namespaces"), s.namespace) then
      return ctx.na(cis.msg("exempt: namespace " .. tostring(s.namespace) .. " is listed in exempt_namespaces", "豁免：命名空间 " .. tostring(s.namespace) .. " 在豁免列表（exempt_namespaces）中"))
    end
    local pod = s.object
    local node = ctx.node_facts(cis.dig(pod, "spec", "nodeName") or "")
    local node_default = false
    if node ~= nil and node.kubelet ~= nil then
      local flag = node.kubelet.args and node.kubelet.args["seccomp-default"]
      if flag ~= nil then node_default = cis.is_true(flag)
      else node_default = cis.dig(node.kubelet, "config", "seccompDefault") == true end
    end
    local unconfined, unset = {}, {}
    for _, c in ipairs(ctx.containers(pod)) do
      local t = cis.dig(c, "securityContext", "seccompProfile", "type")
        or cis.dig(pod, "spec", "securityContext", "seccompProfile", "type")
      if t == "Unconfined" then unconfined[#unconfined + 1] = c.name
      elseif t == nil and cis.dig(c, "securityContext", "privileged") == true then
        -- the kubelet's seccompDefault does not apply to privileged containers
        unconfined[#unconfined + 1] = c.name .. " (privileged)"
      elseif t == nil then unset[#unset + 1] = c.name end
    end
    local evidence = { unconfined = unconfined, unset = unset, node_seccomp_default = node_default }
    if #unconfined > 0 then
      return ctx.fail(cis.msg("seccomp Unconfined: " .. cis.join(unconfined), "seccomp 为 Unconfined：" .. cis.join(unconfined)), evidence)
    end
    if #unset > 0 and not node_default then
      return ctx.fail(cis.msg("no seccomp profile (runs Unconfined): " .. cis.join(unset), "未设置 seccomp 配置（以 Unconfined 运行）：" .. cis.join(unset)), evidence)
    end
    if #unset > 0 then
      return ctx.pass(cis.msg("RuntimeDefault through the node's kubelet seccompDefault", "通过节点 kubelet 的 seccompDefault 使用 RuntimeDefault"), evidence)
    end
    return ctx.pass(cis.msg("every container has a seccomp profile", "所有容器均设置了 seccomp 配置"), evidence)
  end,
}
