-- CIS 5.1.11: Access to approve certificate signing requests is limited.
--
-- Semantics:
--   * one cluster finding over the collected ClusterRoles/Roles and their bindings.
--   * a role grants CSR approval when one of its rules matches the verb and the
--     group/resource, wildcards ("*", "*/subresource") included; only roles bound to at least
--     one subject count; built-in roles (system:*, label kubernetes.io/bootstrapping=rbac-
--     defaults, e.g. cluster-admin, admin, edit) and the `exempt_roles` parameter are left out:
--     who holds cluster-admin is control 5.1.1.
--   * any such role -> fail listing role -> subjects (the review the benchmark asks for);
--     none -> pass. The benchmark marks the control Manual (no audit in kube-bench).
local cis = require("cis")

local VERBS = { "update", "patch" }
local RESOURCES = { "certificates.k8s.io/certificatesigningrequests/approval" }

return {
  api = 1,
  id = "cis-k8s/5.1.11",
  title = {
    en = "Access to approve certificate signing requests is limited",
    zh = "限制审批证书签名请求（CSR）的权限",
  },
  severity = "high",
  scope = "cluster",
  requires = { "objects.clusterroles", "objects.clusterrolebindings" },
  baselines = {
    cis = { control = "5.1.11", scored = false },
    mlps = { control = "8.1.4.2 d)" },
  },
  params = {
    exempt_roles = {
      default = {},
      description = "names of (Cluster)Roles accepted for this control (e.g. an operator's role)",
    },
  },
  impact = {
    en = "Whoever can approve CSRs can issue client certificates for any identity, including "
      .. "system:masters.",
    zh = "能审批 CSR 的主体可以为任意身份（包括 system:masters）签发客户端证书。",
  },
  remediation = {
    en = "Remove update/patch on certificatesigningrequests/approval from the listed roles.",
    zh = "从所列角色中删除对 certificatesigningrequests/approval 的 update/patch 权限。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 5.1.11" },
  tags = { "rbac" },
  check = function(s, ctx)
    local list = cis.bound_grants(ctx, VERBS, RESOURCES, ctx.param("exempt_roles"))
    local evidence = { roles = list, expected = "none outside the built-in roles" }
    if #list > 0 then
      return ctx.fail(cis.msg(cis.plural_roles(#list) .. " grant CSR approval: " .. cis.shorten(list, 8), #list .. " 个角色授予了 CSR 审批权限：" .. cis.shorten(list, 8)), evidence)
    end
    return ctx.pass(cis.msg("no role outside the built-in ones grants CSR approval", "内置角色之外没有角色授予 CSR 审批权限"), evidence)
  end,
}
