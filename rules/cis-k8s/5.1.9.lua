-- CIS 5.1.9: Access to create PersistentVolumes is limited.
--
-- Semantics:
--   * one cluster finding over the collected ClusterRoles/Roles and their bindings.
--   * a role grants create on persistentvolumes when one of its rules matches the verb and the
--     group/resource, wildcards ("*", "*/subresource") included; only roles bound to at least
--     one subject count; built-in roles (system:*, label kubernetes.io/bootstrapping=rbac-
--     defaults, e.g. cluster-admin, admin, edit) and the `exempt_roles` parameter are left out:
--     who holds cluster-admin is control 5.1.1.
--   * any such role -> fail listing role -> subjects (the review the benchmark asks for);
--     none -> pass. The benchmark marks the control Manual (no audit in kube-bench).
local cis = require("cis")

local VERBS = { "create" }
local RESOURCES = { "/persistentvolumes" }

return {
  api = 1,
  id = "cis-k8s/5.1.9",
  title = {
    en = "Access to create PersistentVolumes is limited",
    zh = "限制创建 PersistentVolume 的权限",
  },
  severity = "medium",
  scope = "cluster",
  requires = { "objects.clusterroles", "objects.clusterrolebindings" },
  baselines = {
    cis = { control = "5.1.9", scored = false },
    mlps = { control = "8.1.4.2 d)" },
  },
  params = {
    exempt_roles = {
      default = {},
      description = "names of (Cluster)Roles accepted for this control (e.g. an operator's role)",
    },
  },
  impact = {
    en = "Creating a PersistentVolume of type hostPath gives access to any directory of a node.",
    zh = "创建 hostPath 类型的 PersistentVolume 可以访问节点上的任意目录。",
  },
  remediation = {
    en = "Remove create on persistentvolumes from the listed roles; let storage classes and CSI "
      .. "drivers provision volumes.",
    zh = "从所列角色中删除对 persistentvolumes 的 create 权限，改由 StorageClass 和 CSI 驱动动态创建存储卷。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 5.1.9" },
  tags = { "rbac" },
  check = function(s, ctx)
    local list = cis.bound_grants(ctx, VERBS, RESOURCES, ctx.param("exempt_roles"))
    local evidence = { roles = list, expected = "none outside the built-in roles" }
    if #list > 0 then
      return ctx.fail(cis.msg(cis.plural_roles(#list) .. " grant create on persistentvolumes: " .. cis.shorten(list, 8), #list .. " 个角色授予了 persistentvolumes 的 create 权限：" .. cis.shorten(list, 8)), evidence)
    end
    return ctx.pass(cis.msg("no role outside the built-in ones grants create on persistentvolumes", "内置角色之外没有角色授予 persistentvolumes 的 create 权限"), evidence)
  end,
}
