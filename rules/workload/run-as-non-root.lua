-- Containers must not run as root.
--   ACK reading (配置巡检 runAsRootAllowed, the default): risk unless securityContext.runAsNonRoot
--     is true on the container or the Pod.
--   strict reading (parameter reading = "strict", as Pod Security "restricted"): additionally
--     runAsUser must not be 0 on the container or the Pod.
-- Init containers included; system workloads in `exempt` get na with the reason.
local k8s = require("k8s")
local podsec = require("podsec")

return {
  api = 1,
  id = "workload/run-as-non-root",
  title = { en = "Containers run as a non-root user", zh = "容器以非 root 用户运行" },
  severity = "medium",
  scope = "pod",
  applies = podsec.applies,
  params = {
    reading = { default = "ack", description = "ack (runAsNonRoot must be true) or strict (and runAsUser not 0)" },
    exempt = { default = podsec.system_exempt(),
               description = "Pods allowed to run as root: { namespace, name_prefix or name, reason }" },
  },
  impact = {
    en = "A process running as root in the container can damage the application, and after a "
      .. "container escape it is root on the node.",
    zh = "以 root 运行的容器进程一旦被利用，可以破坏应用；容器逃逸后即获得节点的 root 权限，进而危害整个集群。",
  },
  remediation = {
    en = "Set securityContext.runAsNonRoot: true (and a non-zero runAsUser) on the Pod or each "
      .. "container, and build the image with a non-root USER.",
    zh = "在 Pod 或每个容器的 securityContext 中设置 runAsNonRoot: true（并指定非 0 的 runAsUser），镜像中使用非 root 的 USER。",
  },
  references = { "ACK 配置巡检 runAsRootAllowed", "Pod Security Standards restricted: runAsNonRoot, runAsUser" },
  tags = { "security", "pod-security", "config-inspection" },
  check = function(s, ctx)
    local strict = ctx.param("reading") == "strict"
    local bad = {}
    for _, e in ipairs(podsec.containers(s.object)) do
      local non_root = podsec.effective(s.object, e.c, "runAsNonRoot")
      local user = podsec.effective(s.object, e.c, "runAsUser")
      if non_root ~= true then
        bad[#bad + 1] = { container = e.label, runAsNonRoot = non_root, runAsUser = user }
      elseif strict and user == 0 then
        bad[#bad + 1] = { container = e.label, runAsNonRoot = non_root, runAsUser = user }
      end
    end
    return podsec.result(ctx, s, bad, "may run as root",
      strict and "runAsNonRoot: true and runAsUser not 0" or "runAsNonRoot: true")
  end,
}
