-- CIS 5.1.12: Access to webhook configuration objects is limited.
--
-- Semantics:
--   * one cluster finding over the collected ClusterRoles/Roles and their bindings.
--   * a role grants write access to webhook configurations when one of its rules matches the verb and the
--     group/resource, wildcards ("*", "*/subresource") included; only roles bound to at least
--     one subject count; built-in roles (system:*, label kubernetes.io/bootstrapping=rbac-
--     defaults, e.g. cluster-admin, admin, edit) and the `exempt_roles` parameter are left out:
--     who holds cluster-admin is control 5.1.1.
--   * any such role -> fail listing role -> subjects (the review the benchmark asks for);
--     none -> pass. The benchmark marks the control Manual (no audit in kube-bench).
local cis = require("cis")

local VERBS = { "create", "update", "patch", "delete" }
local RESOURCES = { "admissionregistration.k8s.io/validatingwebhookconfigurations", "admissionregistration.k8s.io/mutatingwebhookconfigurations" }

return {
  api = 1,
  id = "cis-k8s/5.1.12",
  title = {
    en = "Access to webhook configuration objects is limited",
    zh = "限制对准入 Webhook 配置对象的访问",
  },
  severity = "high",
  scope = "cluster",
  requires = { "objects.clusterroles", "objects.clusterrolebindings" },
  baselines = {
    cis = { control = "5.1.12", scored = false },
    mlps = { control = "8.1.4.2 d)" },
  },
  params = {
    exempt_roles = {
      default = {},
      description = "names of (Cluster)Roles accepted for this control (e.g. an operator's role)",
    },
  },
  impact = {
    en = "Changing a webhook configuration can switch off admission policies or send every request "
      .. "(Secrets included) to an attacker's endpoint.",
    zh = "修改 Webhook 配置可以关闭准入策略，或把所有请求（包括 Secret）发送到攻击者的服务。",
  },
  remediation = {
    en = "Remove create/update/patch/delete on validatingwebhookconfigurations and "
      .. "mutatingwebhookconfigurations from the listed roles (operators managing their own "
      .. "webhook can be exempted by name).",
    zh = "从所列角色中删除对 validatingwebhookconfigurations、mutatingwebhookconfigurations 的 "
      .. "create/update/patch/delete 权限（管理自身 Webhook 的 Operator 可按名称豁免）。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 5.1.12" },
  tags = { "rbac" },
  check = function(s, ctx)
    local list = cis.bound_grants(ctx, VERBS, RESOURCES, ctx.param("exempt_roles"))
    local evidence = { roles = list, expected = "none outside the built-in roles" }
    if #list > 0 then
      return ctx.fail(cis.msg(cis.plural_roles(#list) .. " grant write access to webhook configurations: " .. cis.shorten(list, 8), #list .. " 个角色授予了 webhook 配置的写权限：" .. cis.shorten(list, 8)), evidence)
    end
    return ctx.pass(cis.msg("no role outside the built-in ones grants write access to webhook configurations", "内置角色之外没有角色授予 webhook 配置的写权限"), evidence)
  end,
}
