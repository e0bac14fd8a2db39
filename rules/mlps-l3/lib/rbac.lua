-- RBAC helpers for the 等保 pack: `local rbac = require("rbac")`. Pure functions over
-- read-only views of Role/ClusterRole/(Cluster)RoleBinding objects.

local M = {}

-- "Group:system:masters", "User:alice", "ServiceAccount:kube-system/coredns"
function M.subject_key(sub)
  if sub.kind == "ServiceAccount" then
    return "ServiceAccount:" .. tostring(sub.namespace) .. "/" .. tostring(sub.name)
  end
  return tostring(sub.kind) .. ":" .. tostring(sub.name)
end

-- Whether a subject is a human identity (User or Group) rather than a system component.
function M.is_human(sub)
  if sub.kind ~= "User" and sub.kind ~= "Group" then return false end
  local name = tostring(sub.name)
  return name:sub(1, 7) ~= "system:"
end

local function has(list, v)
  for _, x in ipairs(list or {}) do
    if x == v then return true end
  end
  return false
end

-- Whether every rule of a role only reads (get/list/watch).
function M.read_only(role)
  local any = false
  for _, r in ipairs(role.rules or {}) do
    any = true
    for _, verb in ipairs(r.verbs or {}) do
      if verb ~= "get" and verb ~= "list" and verb ~= "watch" then return false end
    end
  end
  return any
end

-- Whether a role grants "*" verbs on "*" resources (full admin).
function M.full_admin(role)
  for _, r in ipairs(role.rules or {}) do
    if has(r.verbs, "*") and has(r.resources, "*") then return true end
  end
  return false
end

-- Whether a role can change RBAC objects or NetworkPolicies (security administration).
function M.security_admin(role)
  for _, r in ipairs(role.rules or {}) do
    local writes = false
    for _, verb in ipairs(r.verbs or {}) do
      if verb ~= "get" and verb ~= "list" and verb ~= "watch" then writes = true end
    end
    if writes then
      local groups = r.apiGroups or {}
      if has(groups, "rbac.authorization.k8s.io") or has(groups, "networking.k8s.io")
        or (has(groups, "*") and has(r.resources, "*")) then
        return true
      end
    end
  end
  return false
end

-- Index of roles: "ClusterRole/<name>" and "Role/<ns>/<name>" -> object.
function M.index_roles(clusterroles, roles)
  local idx = {}
  for _, r in ipairs(clusterroles or {}) do idx["ClusterRole/" .. r.metadata.name] = r end
  for _, r in ipairs(roles or {}) do
    idx["Role/" .. tostring(r.metadata.namespace) .. "/" .. r.metadata.name] = r
  end
  return idx
end

-- The role a binding refers to, from the index (nil when not found).
function M.role_of(idx, binding)
  local ref = binding.roleRef or {}
  if ref.kind == "ClusterRole" then return idx["ClusterRole/" .. tostring(ref.name)] end
  return idx["Role/" .. tostring(binding.metadata.namespace) .. "/" .. tostring(ref.name)]
end

return M
