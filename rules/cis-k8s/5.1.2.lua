-- CIS 5.1.2: Access to Secrets is minimised.
--
-- Semantics:
--   * one cluster finding emulating the benchmark audit `kubectl auth can-i get secrets -A
--     --as=system:authenticated`: a binding that gives system:authenticated, system:unauthenticated,
--     system:serviceaccounts or system:anonymous a role granting get/list/watch on secrets (wildcards
--     included) -> fail, listing the bindings. None -> pass; the evidence lists the other
--     non-built-in roles that read Secrets (who holds them is the manual part of the review).
local cis = require("cis")

local VERBS = { "get", "list", "watch" }
local RESOURCES = { "/secrets" }

return {
  api = 1,
  id = "cis-k8s/5.1.2",
  title = {
    en = "Access to Secrets is minimised",
    zh = "最小化对 Secret 的访问权限",
  },
  severity = "high",
  scope = "cluster",
  requires = { "objects.clusterroles", "objects.clusterrolebindings" },
  baselines = {
    cis = { control = "5.1.2", scored = false },
    mlps = { control = "8.1.4.2 d)" },
  },
  impact = {
    en = "Reading Secrets yields credentials (service-account tokens, database passwords, TLS "
      .. "keys) for other systems and identities.",
    zh = "读取 Secret 即可获得其他系统和身份的凭据（ServiceAccount 令牌、数据库密码、TLS 私钥等）。",
  },
  remediation = {
    en = "Remove get/list/watch on secrets from the roles bound to the listed broad groups; grant "
      .. "Secret access per application with resourceNames.",
    zh = "从绑定给所列大范围用户组的角色中删除对 secrets 的 get/list/watch 权限，按应用使用 resourceNames 精确授权。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 5.1.2" },
  tags = { "rbac" },
  check = function(s, ctx)
    local broad = cis.broad_grants(ctx, VERBS, RESOURCES)
    local others = cis.bound_grants(ctx, VERBS, RESOURCES, {})
    local evidence = { broad = broad, other_roles = others }
    if #broad > 0 then
      return ctx.fail(cis.msg("every authenticated (or anonymous) user can read Secrets: "
        .. cis.shorten(broad, 8), "所有已认证（或匿名）用户都能读取 Secret：" .. cis.shorten(broad, 8)),
        evidence)
    end
    return ctx.pass(cis.msg("broad groups cannot read Secrets; " .. cis.plural_roles(#others)
      .. " outside the built-in ones can (listed in the evidence for review)",
      "宽泛的用户组不能读取 Secret；内置角色之外有 " .. #others .. " 个角色可以读取（列在证据中供复核）"),
      evidence)
  end,
}
