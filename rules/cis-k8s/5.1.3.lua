-- CIS 5.1.3: Use of wildcards in Roles and ClusterRoles is minimised.
--
-- Semantics:
--   * one cluster finding over the collected ClusterRoles and Roles: a rule with "*" in
--     apiGroups, resources or verbs is a wildcard. Built-in roles (system:*, rbac-defaults label:
--     cluster-admin, admin, edit, ...) and the `exempt_roles` parameter are left out (kube-bench
--     flags cluster-admin itself, so it never passes there).
--   * any -> fail listing the roles and the wildcard fields; none -> pass.
local cis = require("cis")

local function wildcards(role)
  local fields = {}
  for _, r in ipairs(role.rules or {}) do
    for _, f in ipairs({ "apiGroups", "resources", "verbs" }) do
      if cis.contains(r[f], "*") and not cis.contains(fields, f) then fields[#fields + 1] = f end
    end
  end
  return fields
end

return {
  api = 1,
  id = "cis-k8s/5.1.3",
  title = {
    en = "Use of wildcards in Roles and ClusterRoles is minimised",
    zh = "最小化 Role 和 ClusterRole 中通配符的使用",
  },
  severity = "medium",
  scope = "cluster",
  requires = { "objects.clusterroles" },
  baselines = {
    cis = { control = "5.1.3", scored = false },
    mlps = { control = "8.1.4.2 d)" },
  },
  params = {
    exempt_roles = {
      default = {},
      description = "names of (Cluster)Roles accepted for this control (e.g. an operator's role)",
    },
  },
  impact = {
    en = "A wildcard grants every present and future resource or verb, including ones added later "
      .. "by CRDs.",
    zh = "通配符会授予现有及将来新增（如 CRD 引入）的所有资源或动词的权限。",
  },
  remediation = {
    en = "Replace \"*\" in the listed roles with the explicit apiGroups, resources and verbs the "
      .. "workload needs.",
    zh = "将所列角色中的 \"*\" 替换为业务实际需要的 apiGroups、resources 和 verbs。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 5.1.3" },
  tags = { "rbac" },
  check = function(s, ctx)
    local exempt = ctx.param("exempt_roles")
    local hits = {}
    for _, plural in ipairs({ "clusterroles", "roles" }) do
      if ctx.has_objects(plural) then
        for _, r in ipairs(ctx.objects(plural)) do
          local name = cis.dig(r, "metadata", "name")
          if not cis.is_system_role(r) and not cis.contains(exempt, name) then
            local f = wildcards(r)
            if #f > 0 then
              local ns = cis.dig(r, "metadata", "namespace")
              hits[#hits + 1] = (plural == "clusterroles" and "ClusterRole/" or ("Role/" .. tostring(ns) .. "/"))
                .. tostring(name) .. " (" .. cis.join(f, "/") .. ")"
            end
          end
        end
      end
    end
    table.sort(hits)
    if #hits > 0 then
      return ctx.fail(cis.msg(cis.plural_roles(#hits) .. " with wildcards: " .. cis.shorten(hits, 8),
        #hits .. " 个角色使用了通配符：" .. cis.shorten(hits, 8)),
        { roles = hits })
    end
    return ctx.pass(cis.msg("no wildcards outside the built-in roles", "内置角色之外没有使用通配符的角色"), { roles = hits })
  end,
}
