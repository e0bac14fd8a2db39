-- CIS 5.1.13: Access to the service account token creation is limited.
--
-- Semantics:
--   * one cluster finding over the collected ClusterRoles/Roles and their bindings.
--   * a role grants create on serviceaccounts/token when one of its rules matches the verb and the
--     group/resource, wildcards ("*", "*/subresource") included; only roles bound to at least
--     one subject count; built-in roles (system:*, label kubernetes.io/bootstrapping=rbac-
--     defaults, e.g. cluster-admin, admin, edit) and the `exempt_roles` parameter are left out:
--     who holds cluster-admin is control 5.1.1.
--   * any such role -> fail listing role -> subjects (the review the benchmark asks for);
--     none -> pass. The benchmark marks the control Manual (no audit in kube-bench).
local cis = require("cis")

local VERBS = { "create" }
local RESOURCES = { "/serviceaccounts/token" }

return {
  api = 1,
  id = "cis-k8s/5.1.13",
  title = {
    en = "Access to the service account token creation is limited",
    zh = "限制创建 ServiceAccount 令牌（serviceaccounts/token）的权限",
  },
  severity = "high",
  scope = "cluster",
  requires = { "objects.clusterroles", "objects.clusterrolebindings" },
  baselines = {
    cis = { control = "5.1.13", scored = false },
    mlps = { control = "8.1.4.2 d)" },
  },
  params = {
    exempt_roles = {
      default = {},
      description = "names of (Cluster)Roles accepted for this control (e.g. an operator's role)",
    },
  },
  impact = {
    en = "Creating tokens for a service account gives all of that account's rights, for as long as "
      .. "the token lives.",
    zh = "为 ServiceAccount 创建令牌即获得该账号的全部权限，且在令牌有效期内持续有效。",
  },
  remediation = {
    en = "Remove create on serviceaccounts/token from the listed roles.",
    zh = "从所列角色中删除对 serviceaccounts/token 的 create 权限。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 5.1.13" },
  tags = { "rbac" },
  check = function(s, ctx)
    local list = cis.bound_grants(ctx, VERBS, RESOURCES, ctx.param("exempt_roles"))
    local evidence = { roles = list, expected = "none outside the built-in roles" }
    if #list > 0 then
      return ctx.fail(cis.msg(cis.plural_roles(#list) .. " grant create on serviceaccounts/token: " .. cis.shorten(list, 8), #list .. " 个角色授予了 serviceaccounts/token 的 create 权限：" .. cis.shorten(list, 8)), evidence)
    end
    return ctx.pass(cis.msg("no role outside the built-in ones grants create on serviceaccounts/token", "内置角色之外没有角色授予 serviceaccounts/token 的 create 权限"), evidence)
  end,
}
