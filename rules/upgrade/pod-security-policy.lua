-- PodSecurityPolicy is removed in 1.25 (API and admission plugin). Before a target >= 1.25:
--   PodSecurityPolicy objects exist -> fail (their enforcement silently disappears);
--   kube-apiserver enables the PodSecurityPolicy admission plugin (static Pod command or the
--     process argv in node facts) -> fail (the upgraded apiserver refuses to start);
--   Pods annotated kubernetes.io/psp are counted in the evidence.
local up = require("upgrade")
local k8s = require("k8s")

local function admission_plugins(ctx)
  local found = {}
  for _, p in ipairs(up.system_pods(ctx, "kube-apiserver")) do
    for _, c in ipairs((p.spec and p.spec.containers) or {}) do
      local argv = {}
      for _, a in ipairs(c.command or {}) do argv[#argv + 1] = a end
      for _, a in ipairs(c.args or {}) do argv[#argv + 1] = a end
      local v = ctx.flag(argv, "enable-admission-plugins")
      if v ~= nil then found[#found + 1] = { where = "pod " .. p.metadata.name, value = v } end
    end
  end
  if ctx.has_objects("nodes") then
    for _, n in ipairs(ctx.objects("nodes")) do
      local facts = ctx.node_facts(n.metadata.name)
      local argv = facts and ctx.get(facts, "processes.kube-apiserver.argv")
      local v = argv and ctx.flag(argv, "enable-admission-plugins")
      if v ~= nil then found[#found + 1] = { where = "node " .. n.metadata.name, value = v } end
    end
  end
  return found
end

return {
  api = 1,
  id = "upgrade/pod-security-policy",
  title = {
    en = "No PodSecurityPolicy is in use before an upgrade to 1.25 or later",
    zh = "升级到 1.25 及以上版本前未使用 PodSecurityPolicy",
  },
  severity = "critical",
  scope = "cluster",
  params = {
    target_version = { default = "", description = "the target Kubernetes version (set by kpatrol precheck --to)" },
  },
  impact = {
    en = "1.25 removes the PodSecurityPolicy API and admission plugin: an apiserver still "
      .. "configured with the plugin does not start, and the policies stop protecting anything.",
    zh = "1.25 移除了 PodSecurityPolicy API 与准入插件：仍启用该插件的 apiserver 无法启动，原有策略也不再提供任何防护。",
  },
  remediation = {
    en = "Migrate to Pod Security Admission: label namespaces with pod-security.kubernetes.io/"
      .. "enforce (start with audit/warn), or use a policy engine (Kyverno, Gatekeeper); then "
      .. "remove PodSecurityPolicy from --enable-admission-plugins (ACK: 关闭 PSP in the cluster "
      .. "settings) and delete the PodSecurityPolicy objects.",
    zh = "迁移到 Pod Security Admission：为命名空间设置 pod-security.kubernetes.io/enforce 标签（可先用 audit/warn），"
      .. "或使用策略引擎（Kyverno、Gatekeeper）；然后从 --enable-admission-plugins 中移除 PodSecurityPolicy"
      .. "（ACK 在集群配置中关闭 PSP），并删除 PodSecurityPolicy 对象。",
  },
  tags = { "upgrade", "psp", "security" },
  check = function(s, ctx)
    local target, why = up.target(ctx)
    if target == nil then return ctx.na(why) end
    if target < 25 then return ctx.pass("PodSecurityPolicy is served until 1.24; the target is " .. up.v(target)) end
    local current = up.minor(s.version)
    if current ~= nil and current >= 25 then
      return ctx.pass("the cluster (" .. s.version .. ") no longer serves PodSecurityPolicy")
    end
    local problems, evidence = {}, { target = up.v(target) }
    local looked = false
    if ctx.has_objects("podsecuritypolicies") then
      looked = true
      local names = {}
      for _, p in ipairs(ctx.objects("podsecuritypolicies")) do names[#names + 1] = p.metadata.name end
      if #names > 0 then
        problems[#problems + 1] = string.format("%d PodSecurityPolicy object(s): %s", #names, up.summary(names, 5))
        evidence.policies = up.head(names, 20)
      end
    end
    local plugins = admission_plugins(ctx)
    for _, p in ipairs(plugins) do
      looked = true
      if k8s.contains(k8s.split_csv(p.value), "PodSecurityPolicy") then
        problems[#problems + 1] = "the PodSecurityPolicy admission plugin is enabled (" .. p.where .. ")"
        evidence.admission_plugins = p.value
      end
    end
    if ctx.has_objects("pods") then
      local n = 0
      for _, p in ipairs(ctx.objects("pods")) do
        if p.metadata.annotations and p.metadata.annotations["kubernetes.io/psp"] ~= nil then n = n + 1 end
      end
      if n > 0 then
        looked = true
        evidence.pods_admitted_by_psp = n
        if #problems == 0 then
          problems[#problems + 1] = string.format("%d Pod(s) were admitted by a PodSecurityPolicy (kubernetes.io/psp)", n)
        end
      end
    end
    if #problems > 0 then
      return ctx.fail(table.concat(problems, "; ") .. ": removed in 1.25", evidence)
    end
    if not looked then
      return ctx.error("PodSecurityPolicies were not collected and the apiserver flags are unknown")
    end
    return ctx.pass("no PodSecurityPolicy objects or admission plugin", evidence)
  end,
}
