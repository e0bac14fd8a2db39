-- CIS 5.1.8: Access to the bind, impersonate and escalate permissions is limited.
--
-- Semantics:
--   * one cluster finding over the collected ClusterRoles/Roles and their bindings.
--   * a role grants bind, escalate or impersonate when one of its rules matches the verb and the
--     group/resource, wildcards ("*", "*/subresource") included; only roles bound to at least
--     one subject count; built-in roles (system:*, label kubernetes.io/bootstrapping=rbac-
--     defaults, e.g. cluster-admin, admin, edit) and the `exempt_roles` parameter are left out:
--     who holds cluster-admin is control 5.1.1.
--   * any such role -> fail listing role -> subjects (the review the benchmark asks for);
--     none -> pass. The benchmark marks the control Manual (no audit in kube-bench).
local cis = require("cis")

local VERBS = { "bind", "escalate", "impersonate" }
local RESOURCES = { "rbac.authorization.k8s.io/roles", "rbac.authorization.k8s.io/clusterroles", "/users", "/groups", "/serviceaccounts", "authentication.k8s.io/userextras/scopes", "authentication.k8s.io/uids" }

return {
  api = 1,
  id = "cis-k8s/5.1.8",
  title = {
    en = "Access to the bind, impersonate and escalate permissions is limited",
    zh = "限制 bind、impersonate、escalate 权限的授予",
  },
  severity = "high",
  scope = "cluster",
  requires = { "objects.clusterroles", "objects.clusterrolebindings" },
  baselines = {
    cis = { control = "5.1.8", scored = false },
    mlps = { control = "8.1.4.2 d)" },
  },
  params = {
    exempt_roles = {
      default = {},
      description = "names of (Cluster)Roles accepted for this control (e.g. an operator's role)",
    },
  },
  impact = {
    en = "bind and escalate let a subject grant itself any role; impersonate lets it act as any "
      .. "user or group, cluster-admin included.",
    zh = "bind 和 escalate 可让主体为自己授予任意角色，impersonate 可让主体冒充任意用户或组（包括 cluster-admin）。",
  },
  remediation = {
    en = "Remove bind, escalate and impersonate (and * verbs on roles, users, groups and service "
      .. "accounts) from the listed roles, or restrict them with resourceNames; keep them for "
      .. "platform administrators only.",
    zh = "从所列角色中删除 bind、escalate、impersonate（以及对 roles、users、groups、serviceaccounts 的 * 动词），或用 "
      .. "resourceNames 限定范围，仅保留给平台管理员。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 5.1.8" },
  tags = { "rbac" },
  check = function(s, ctx)
    local list = cis.bound_grants(ctx, VERBS, RESOURCES, ctx.param("exempt_roles"))
    local evidence = { roles = list, expected = "none outside the built-in roles" }
    if #list > 0 then
      return ctx.fail(cis.msg(cis.plural_roles(#list) .. " grant bind, escalate or impersonate: " .. cis.shorten(list, 8), #list .. " 个角色授予了 bind、escalate 或 impersonate 权限：" .. cis.shorten(list, 8)), evidence)
    end
    return ctx.pass(cis.msg("no role outside the built-in ones grants bind, escalate or impersonate", "内置角色之外没有角色授予 bind、escalate 或 impersonate 权限"), evidence)
  end,
}
