-- CIS 5.1.6: Service account tokens are only mounted where necessary.
--
-- Semantics:
--   * one finding per running Pod (completed Pods are not evaluated). The token is mounted when
--     spec.automountServiceAccountToken is true, or unset and the Pod's ServiceAccount does not
--     set automountServiceAccountToken: false (kube-bench's test).
--   * not mounted -> pass; mounted -> warn: whether the Pod needs API access is the manual part
--     of the control, the message names the account. Namespaces in `exempt_namespaces` -> na.
local cis = require("cis")

return {
  api = 1,
  id = "cis-k8s/5.1.6",
  title = {
    en = "Service account tokens are only mounted where necessary",
    zh = "仅在必要时挂载 ServiceAccount 令牌",
  },
  severity = "medium",
  scope = "pod",
  requires = { "objects.serviceaccounts" },
  applies = function(s) return not cis.pod_terminated(s.object) end,
  baselines = {
    cis = { control = "5.1.6", scored = false },
    mlps = { control = "8.1.4.2 b)" },
  },
  params = {
    exempt_namespaces = {
      default = { "kube-system" },
      description = "namespaces not evaluated (system components that call the API by design)",
    },
  },
  impact = {
    en = "A mounted token lets anyone who compromises the container call the API server with the "
      .. "Pod's identity.",
    zh = "挂载的令牌会让攻破容器的人以该 Pod 的身份调用 API Server。",
  },
  remediation = {
    en = "Set automountServiceAccountToken: false in the Pod spec (or on its ServiceAccount) for "
      .. "workloads that do not call the Kubernetes API.",
    zh = "对不需要访问 Kubernetes API 的工作负载，在 Pod 规格（或其 ServiceAccount）中设置 automountServiceAccountToken: "
      .. "false。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 5.1.6" },
  tags = { "service-accounts" },
  check = function(s, ctx)
    if cis.contains(ctx.param("exempt_namespaces"), s.namespace) then
      return ctx.na("exempt: namespace " .. tostring(s.namespace) .. " is listed in exempt_namespaces")
    end
    local spec = s.object.spec or {}
    local account = spec.serviceAccountName or spec.serviceAccount or "default"
    local sa_setting
    for _, a in ipairs(ctx.objects("serviceaccounts")) do
      if cis.dig(a, "metadata", "namespace") == s.namespace and cis.dig(a, "metadata", "name") == account then
        sa_setting = a.automountServiceAccountToken
      end
    end
    local mounted, why
    if spec.automountServiceAccountToken ~= nil then
      mounted, why = spec.automountServiceAccountToken == true, "Pod spec"
    elseif sa_setting ~= nil then
      mounted, why = sa_setting == true, "ServiceAccount " .. account
    else
      mounted, why = true, "default"
    end
    local evidence = { service_account = account, pod_setting = spec.automountServiceAccountToken,
                       service_account_setting = sa_setting, mounted = mounted }
    if not mounted then
      return ctx.pass("no service-account token mounted (" .. why .. ")", evidence)
    end
    return ctx.warn("token of ServiceAccount " .. account .. " is mounted (" .. why .. "); verify "
      .. "that the Pod needs API access", evidence)
  end,
}
