-- seccomp alpha annotations (seccomp.security.alpha.kubernetes.io/pod and
-- container.seccomp.security.alpha.kubernetes.io/<name>) are no longer applied from 1.25:
-- a Pod or template that sets one and has no securityContext.seccompProfile -> warn (it silently
-- loses its seccomp profile).
local up = require("upgrade")

local function has_profile_field(spec)
  if spec.securityContext and spec.securityContext.seccompProfile ~= nil then return true end
  for _, c in ipairs(spec.containers or {}) do
    if c.securityContext and c.securityContext.seccompProfile ~= nil then return true end
  end
  return false
end

return {
  api = 1,
  id = "upgrade/seccomp-annotations",
  title = {
    en = "No workload relies on seccomp annotations",
    zh = "没有工作负载依赖 seccomp 注解",
  },
  severity = "medium",
  scope = "cluster",
  params = {
    target_version = { default = "", description = "the target Kubernetes version (set by kpatrol precheck --to)" },
  },
  impact = {
    en = "From 1.25 the seccomp alpha annotations are ignored: the containers run without the "
      .. "profile they asked for (a silent security regression).",
    zh = "自 1.25 起 seccomp alpha 注解被忽略：容器将在没有所要求 seccomp 配置的情况下运行（静默的安全降级）。",
  },
  remediation = {
    en = "Set securityContext.seccompProfile (type: RuntimeDefault or Localhost with "
      .. "localhostProfile) in the Pod template and drop the annotations.",
    zh = "在 Pod 模板中设置 securityContext.seccompProfile（type: RuntimeDefault，或 Localhost 并指定 localhostProfile），并删除注解。",
  },
  tags = { "upgrade", "security" },
  check = function(s, ctx)
    local target, why = up.target(ctx)
    if target == nil then return ctx.na(why) end
    if target < 25 then return ctx.pass("seccomp annotations still work before 1.25") end
    if not up.has_workloads(ctx) then return ctx.error("no Pods or workloads were collected") end
    local found = {}
    for _, ps in ipairs(up.pod_specs(ctx)) do
      local uses = false
      for k, _ in pairs(ps.annotations) do
        if k == "seccomp.security.alpha.kubernetes.io/pod"
          or tostring(k):find("^container%.seccomp%.security%.alpha%.kubernetes%.io/") then uses = true end
      end
      if uses and not has_profile_field(ps.spec) then found[#found + 1] = ps.ref end
    end
    table.sort(found)
    if #found > 0 then
      return ctx.warn(string.format("%d workload(s) set seccomp only by annotation, ignored from 1.25: %s",
        #found, up.summary(found, 5)), { workloads = up.head(found, 20) })
    end
    return ctx.pass("no workload relies on seccomp annotations")
  end,
}
