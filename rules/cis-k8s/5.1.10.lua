-- CIS 5.1.10: Access to the nodes/proxy sub-resource is limited.
--
-- Semantics:
--   * one cluster finding over the collected ClusterRoles/Roles and their bindings.
--   * a role grants access to nodes/proxy when one of its rules matches the verb and the
--     group/resource, wildcards ("*", "*/subresource") included; only roles bound to at least
--     one subject count; built-in roles (system:*, label kubernetes.io/bootstrapping=rbac-
--     defaults, e.g. cluster-admin, admin, edit) and the `exempt_roles` parameter are left out:
--     who holds cluster-admin is control 5.1.1.
--   * any such role -> fail listing role -> subjects (the review the benchmark asks for);
--     none -> pass. The benchmark marks the control Manual (no audit in kube-bench).
local cis = require("cis")

local VERBS = { "get", "list", "watch", "create", "update", "patch", "delete" }
local RESOURCES = { "/nodes/proxy" }

return {
  api = 1,
  id = "cis-k8s/5.1.10",
  title = {
    en = "Access to the nodes/proxy sub-resource is limited",
    zh = "限制对 nodes/proxy 子资源的访问",
  },
  severity = "high",
  scope = "cluster",
  requires = { "objects.clusterroles", "objects.clusterrolebindings" },
  baselines = {
    cis = { control = "5.1.10", scored = false },
    mlps = { control = "8.1.4.2 d)" },
  },
  params = {
    exempt_roles = {
      default = {},
      description = "names of (Cluster)Roles accepted for this control (e.g. an operator's role)",
    },
  },
  impact = {
    en = "nodes/proxy reaches the kubelet API directly, bypassing admission and audit: exec into "
      .. "any Pod on the node.",
    zh = "nodes/proxy 可直接访问 kubelet API，绕过准入控制和审计，可在节点上任意 Pod 中执行命令。",
  },
  remediation = {
    en = "Remove nodes/proxy from the listed roles; monitoring agents should use the metrics "
      .. "endpoints instead.",
    zh = "从所列角色中删除 nodes/proxy，监控组件应改用指标接口。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 5.1.10" },
  tags = { "rbac" },
  check = function(s, ctx)
    local list = cis.bound_grants(ctx, VERBS, RESOURCES, ctx.param("exempt_roles"))
    local evidence = { roles = list, expected = "none outside the built-in roles" }
    if #list > 0 then
      return ctx.fail(cis.msg(cis.plural_roles(#list) .. " grant access to nodes/proxy: " .. cis.shorten(list, 8), #list .. " 个角色授予了 nodes/proxy 访问权限：" .. cis.shorten(list, 8)), evidence)
    end
    return ctx.pass(cis.msg("no role outside the built-in ones grants access to nodes/proxy", "内置角色之外没有角色授予 nodes/proxy 访问权限"), evidence)
  end,
}
