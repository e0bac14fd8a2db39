-- 等保 8.1.4.2 d) (least privilege; CIS 5.1.3): Roles and ClusterRoles do not use wildcards.
--
-- Semantics: a rule with "*" in verbs, resources or apiGroups grants everything present and
-- future. Built-in roles are skipped: names starting with "system:", the default user-facing
-- roles cluster-admin/admin/edit/view, and roles labelled kubernetes.io/bootstrapping=rbac-defaults;
-- `exempt` lists more (by name, "Role/<ns>/<name>" or "ClusterRole/<name>"). Fail lists the
-- offending roles; pass otherwise.
local mlps = require("mlps")

local BUILTIN = { ["cluster-admin"] = true, admin = true, edit = true, view = true }

local function wildcard(role)
  for _, r in ipairs(role.rules or {}) do
    for _, field in ipairs({ "verbs", "resources", "apiGroups" }) do
      if mlps.contains(mlps.list(r[field]), "*") then return field end
    end
  end
  return nil
end

return {
  api = 1,
  id = "mlps-l3/rbac-wildcards",
  title = {
    en = "Roles do not grant wildcard (*) permissions",
    zh = "角色未使用通配符（*）授权",
  },
  severity = "medium",
  scope = "cluster",
  requires = { "objects.clusterroles", "objects.roles" },
  baselines = {
    cis = { control = "5.1.3", scored = false },
    mlps = { control = "8.1.4.2 d)" },
  },
  params = {
    exempt = { default = {}, description = "roles allowed to use wildcards: ClusterRole/<name> or Role/<ns>/<name>" },
  },
  impact = {
    en = "A wildcard grants every verb or resource, including ones added later by CRDs or "
      .. "upgrades, so the role's holders get more than they were meant to.",
    zh = "通配符授予所有动作或资源，包括之后由 CRD 或升级新增的资源，角色持有者获得的权限会超出预期。",
  },
  remediation = {
    en = "Replace `*` with the explicit apiGroups, resources and verbs the subject needs "
      .. "(`kubectl get clusterrole <name> -o yaml`; `kubectl auth can-i --list --as <subject>` "
      .. "shows what is in use), then `kubectl apply` the narrowed role.",
    zh = "把 `*` 替换为主体实际需要的 apiGroups、resources 与 verbs（`kubectl get clusterrole <名称> -o yaml`；"
      .. "`kubectl auth can-i --list --as <主体>` 可查看实际权限），然后 `kubectl apply` 收紧后的角色。",
  },
  references = { "GB/T 22239-2019 8.1.4.2 d)", "CIS Kubernetes Benchmark v1.12 5.1.3" },
  tags = { "rbac", "least-privilege" },
  check = function(s, ctx)
    local exempt = ctx.param("exempt")
    local bad = {}
    local function scan(list, kind)
      for _, r in ipairs(list) do
        local name = tostring(r.metadata.name)
        local key = kind == "ClusterRole" and ("ClusterRole/" .. name)
          or ("Role/" .. tostring(r.metadata.namespace) .. "/" .. name)
        local labels = r.metadata.labels or {}
        local builtin = name:sub(1, 7) == "system:" or (kind == "ClusterRole" and BUILTIN[name])
          or labels["kubernetes.io/bootstrapping"] == "rbac-defaults"
        if not builtin and not mlps.contains(exempt, key) and not mlps.contains(exempt, name) then
          local field = wildcard(r)
          if field then bad[#bad + 1] = key .. " (" .. field .. ": *)" end
        end
      end
    end
    scan(ctx.objects("clusterroles"), "ClusterRole")
    scan(ctx.objects("roles"), "Role")
    table.sort(bad)
    local evidence = { roles = bad, actual = #bad > 0 and mlps.join(bad, "; ") or "none",
                       expected = "no * in verbs, resources or apiGroups" }
    if #bad > 0 then
      return ctx.fail(mlps.msg(string.format("%d role%s use wildcards: %s", #bad,
        #bad == 1 and "" or "s", mlps.join(bad, "; ")),
        string.format("%d 个角色使用了通配符 *，不符合最小权限原则：%s", #bad, mlps.join(bad, "；"))),
        evidence)
    end
    return ctx.pass(mlps.msg("no non-built-in role uses wildcards",
      "非内置角色均未使用通配符授权"), evidence)
  end,
}
