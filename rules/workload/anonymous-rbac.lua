-- No (Cluster)RoleBinding grants anything to unauthenticated users.
--   ACK reading (配置巡检 anonymousUserRBACBinding, the default): fail when a binding has the
--     subject User system:anonymous or Group system:unauthenticated.
--   strict reading (reading = "strict"): additionally fail when a binding grants a role other
--     than the Kubernetes defaults (`default_authenticated`) to Group system:authenticated,
--     i.e. to every account with any credential.
-- Bindings that Kubernetes itself creates for discovery (system:public-info-viewer) are listed
-- in `allowed_roles` and pass.
local k8s = require("k8s")

local function scan(ctx, plural, strict, allowed, authenticated_ok, out)
  for _, b in ipairs(ctx.objects(plural)) do
    local role = k8s.dig(b, "roleRef", "name")
    for _, subj in ipairs(b.subjects or {}) do
      local who = subj.name
      local anon = (subj.kind == "User" and who == "system:anonymous")
        or (subj.kind == "Group" and who == "system:unauthenticated")
      local authn = strict and subj.kind == "Group" and who == "system:authenticated"
        and not k8s.contains(authenticated_ok, role)
      if (anon and not k8s.contains(allowed, role)) or authn then
        local ns = k8s.dig(b, "metadata", "namespace")
        out[#out + 1] = { binding = (ns and (ns .. "/") or "") .. tostring(k8s.dig(b, "metadata", "name")),
                          kind = plural == "rolebindings" and "RoleBinding" or "ClusterRoleBinding",
                          role = role, subject = who }
      end
    end
  end
end

return {
  api = 1,
  id = "workload/anonymous-rbac",
  title = { en = "No RBAC binding grants access to anonymous users", zh = "不存在授权给匿名用户的 RBAC 绑定" },
  severity = "high",
  scope = "cluster",
  requires = { "objects.clusterrolebindings", "objects.rolebindings" },
  params = {
    reading = { default = "ack", description = "ack (anonymous/unauthenticated subjects) or strict (also system:authenticated beyond the defaults)" },
    allowed_roles = { default = { "system:public-info-viewer" },
                      description = "roles Kubernetes binds to unauthenticated users by default" },
    default_authenticated = {
      default = { "system:basic-user", "system:discovery", "system:public-info-viewer",
                  "system:service-account-issuer-discovery" },
      description = "roles Kubernetes binds to system:authenticated by default (strict reading)",
    },
  },
  impact = {
    en = "Anyone who can reach the API server can use the bound permissions without any "
      .. "credential: read sensitive data or attack the cluster.",
    zh = "任何能访问 API Server 的人无需凭证即可使用这些权限，窃取集群敏感信息或对集群发起攻击。",
  },
  remediation = {
    en = "Delete the listed bindings (kubectl delete clusterrolebinding <name>), or replace "
      .. "the anonymous subject by the users or service accounts that need the access.",
    zh = "删除列出的绑定（kubectl delete clusterrolebinding <名称>），或将匿名主体替换为确实需要该权限的用户或 ServiceAccount。",
  },
  references = { "ACK 配置巡检 anonymousUserRBACBinding", "CIS Kubernetes Benchmark v1.12 5.1" },
  tags = { "security", "rbac", "config-inspection" },
  check = function(s, ctx)
    local strict = ctx.param("reading") == "strict"
    local bad = {}
    scan(ctx, "clusterrolebindings", strict, ctx.param("allowed_roles"),
         ctx.param("default_authenticated"), bad)
    scan(ctx, "rolebindings", strict, ctx.param("allowed_roles"),
         ctx.param("default_authenticated"), bad)
    if #bad == 0 then return ctx.pass("no binding grants access to anonymous users") end
    local names = {}
    for i, b in ipairs(bad) do names[i] = b.kind .. " " .. b.binding .. " (" .. tostring(b.role) .. " to " .. b.subject .. ")" end
    return ctx.fail(k8s.plural(#bad, "binding") .. " grant access without authentication: "
      .. table.concat(names, "; "), { bindings = bad })
  end,
}
