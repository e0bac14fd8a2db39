-- Containers cannot gain more privileges than their parent process: risk unless
-- securityContext.allowPrivilegeEscalation is false (ACK 配置巡检 privilegeEscalationAllowed).
-- A privileged container can always escalate, whatever the field says. The ACK and strict
-- readings are the same. System workloads in `exempt` get na with the reason.
local k8s = require("k8s")
local podsec = require("podsec")

return {
  api = 1,
  id = "workload/privilege-escalation",
  title = { en = "Containers disallow privilege escalation", zh = "容器禁止特权提升（allowPrivilegeEscalation: false）" },
  severity = "medium",
  scope = "pod",
  applies = podsec.applies,
  params = {
    exempt = { default = podsec.system_exempt(),
               description = "Pods allowed to escalate: { namespace, name_prefix or name, reason }" },
  },
  impact = {
    en = "With privilege escalation allowed, a setuid binary or file capability gives a child "
      .. "process more privileges than the container's user.",
    zh = "允许特权提升时，子进程可以通过 setuid 程序或文件 Capability 获得比父进程更高的权限。",
  },
  remediation = {
    en = "Set securityContext.allowPrivilegeEscalation: false on every container (and do not "
      .. "run it privileged).",
    zh = "为每个容器设置 securityContext.allowPrivilegeEscalation: false（且不要以特权模式运行）。",
  },
  references = { "ACK 配置巡检 privilegeEscalationAllowed", "CIS Kubernetes Benchmark v1.12 5.2.6" },
  tags = { "security", "pod-security", "config-inspection" },
  check = function(s, ctx)
    local bad = {}
    for _, e in ipairs(podsec.containers(s.object)) do
      local sc = e.c.securityContext or {}
      if sc.privileged == true or sc.allowPrivilegeEscalation ~= false then
        bad[#bad + 1] = { container = e.label, allowPrivilegeEscalation = sc.allowPrivilegeEscalation,
                          privileged = sc.privileged }
      end
    end
    return podsec.result(ctx, s, bad, "may escalate privileges",
      "allowPrivilegeEscalation: false and not privileged")
  end,
}
