-- CIS 5.1.5: Default service accounts are not actively used.
--
-- Semantics:
--   * one finding per namespace: its `default` ServiceAccount must set
--     automountServiceAccountToken: false (as kube-bench). Namespaces in `exempt_namespaces` ->
--     na with the reason; no default ServiceAccount -> na.
--   * Pods that actually carry a token are control 5.1.6 (one finding per Pod).
local cis = require("cis")

return {
  api = 1,
  id = "cis-k8s/5.1.5",
  title = {
    en = "Default service accounts are not actively used",
    zh = "不使用默认 ServiceAccount（default）",
  },
  severity = "medium",
  scope = "namespace",
  requires = { "objects.serviceaccounts" },
  baselines = {
    cis = { control = "5.1.5", scored = false },
    mlps = { control = "8.1.4.2 b)" },
  },
  params = {
    exempt_namespaces = {
      default = { "kube-system", "kube-public", "kube-node-lease" },
      description = "namespaces not evaluated (system namespaces)",
    },
  },
  impact = {
    en = "Every Pod without its own service account gets the namespace's default account and, "
      .. "unless automount is off, its token: a compromised Pod then holds whatever was granted to "
      .. "default.",
    zh = "未指定 ServiceAccount 的 Pod 都会使用命名空间的 default 账号，若未关闭自动挂载则会获得其令牌，Pod 被攻破后即拥有授予 default "
      .. "的全部权限。",
  },
  remediation = {
    en = "Set automountServiceAccountToken: false on the default ServiceAccount of each namespace "
      .. "(kubectl patch serviceaccount default -n <ns> -p '{\"automountServiceAccountToken\": "
      .. "false}') and give workloads that need API access their own service account.",
    zh = "为每个命名空间的 default ServiceAccount 设置 automountServiceAccountToken: false（kubectl patch "
      .. "serviceaccount default -n <ns> -p '{\"automountServiceAccountToken\": false}'），需要访问 API "
      .. "的工作负载使用各自独立的 ServiceAccount。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 5.1.5" },
  tags = { "rbac", "service-accounts" },
  check = function(s, ctx)
    if cis.contains(ctx.param("exempt_namespaces"), s.name) then
      return ctx.na(cis.msg("exempt: " .. s.name .. " is listed in exempt_namespaces", "豁免：命名空间 " .. s.name .. " 在豁免列表（exempt_namespaces）中"))
    end
    local default
    for _, a in ipairs(ctx.objects("serviceaccounts")) do
      if cis.dig(a, "metadata", "namespace") == s.name and cis.dig(a, "metadata", "name") == "default" then
        default = a
      end
    end
    if default == nil then return ctx.na(cis.msg("namespace " .. s.name .. " has no default ServiceAccount", "命名空间 " .. s.name .. " 没有 default ServiceAccount")) end
    local evidence = { automountServiceAccountToken = default.automountServiceAccountToken,
                       expected = false }
    if default.automountServiceAccountToken == false then
      return ctx.pass(cis.msg("default ServiceAccount does not automount its token", "default ServiceAccount 不自动挂载令牌"), evidence)
    end
    return ctx.fail(cis.msg("default ServiceAccount automounts its token "
      .. "(automountServiceAccountToken "
      .. (default.automountServiceAccountToken == nil and "unset, default true" or "true")
      .. "): every Pod without its own account gets it",
      "default ServiceAccount 会自动挂载令牌（automountServiceAccountToken "
      .. (default.automountServiceAccountToken == nil and "未设置，默认 true" or "为 true")
      .. "）：未指定 ServiceAccount 的 Pod 都会获得该令牌"), evidence)
  end,
}
