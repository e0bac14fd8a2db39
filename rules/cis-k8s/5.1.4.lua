-- CIS 5.1.4: Access to create Pods is minimised.
--
-- Semantics:
--   * one cluster finding emulating the benchmark audit `kubectl auth can-i create pods -A
--     --as=system:authenticated`: a binding that gives system:authenticated, system:unauthenticated,
--     system:serviceaccounts or system:anonymous a role granting create on pods (wildcards
--     included) -> fail, listing the bindings. None -> pass; the evidence lists the other
--     non-built-in roles that create Pods (who holds them is the manual part of the review).
local cis = require("cis")

local VERBS = { "create" }
local RESOURCES = { "/pods" }

return {
  api = 1,
  id = "cis-k8s/5.1.4",
  title = {
    en = "Access to create Pods is minimised",
    zh = "最小化创建 Pod 的权限",
  },
  severity = "high",
  scope = "cluster",
  requires = { "objects.clusterroles", "objects.clusterrolebindings" },
  baselines = {
    cis = { control = "5.1.4", scored = false },
    mlps = { control = "8.1.4.2 d)" },
  },
  impact = {
    en = "Whoever can create Pods can mount any Secret and service account of the namespace and, "
      .. "without pod-security enforcement, escape to the node.",
    zh = "能创建 Pod 的主体可以挂载命名空间内的任意 Secret 和 ServiceAccount，若无 Pod 安全策略还可逃逸到节点。",
  },
  remediation = {
    en = "Remove create on pods from the roles bound to the listed broad groups; let people deploy "
      .. "through controllers and CI with reviewed roles.",
    zh = "从绑定给所列大范围用户组的角色中删除对 pods 的 create 权限，改由经过审查的控制器和 CI 流程部署。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 5.1.4" },
  tags = { "rbac" },
  check = function(s, ctx)
    local broad = cis.broad_grants(ctx, VERBS, RESOURCES)
    local others = cis.bound_grants(ctx, VERBS, RESOURCES, {})
    local evidence = { broad = broad, other_roles = others }
    if #broad > 0 then
      return ctx.fail(cis.msg("every authenticated (or anonymous) user can create Pods: "
        .. cis.shorten(broad, 8), "所有已认证（或匿名）用户都能创建 Pod：" .. cis.shorten(broad, 8)),
        evidence)
    end
    return ctx.pass(cis.msg("broad groups cannot create Pods; " .. cis.plural_roles(#others)
      .. " outside the built-in ones can (listed in the evidence for review)",
      "宽泛的用户组不能创建 Pod；内置角色之外有 " .. #others .. " 个角色可以创建（列在证据中供复核）"),
      evidence)
  end,
}
