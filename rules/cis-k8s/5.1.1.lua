-- CIS 5.1.1: The cluster-admin role is only used where required.
--
-- Semantics:
--   * one cluster finding: every ClusterRoleBinding and RoleBinding whose roleRef is the
--     ClusterRole cluster-admin, except the bindings in `allowed_bindings` (the built-in
--     cluster-admin binding of system:masters, kubeadm's kubeadm:cluster-admins for admin.conf).
--     kube-bench checks ClusterRoleBindings only; a RoleBinding to cluster-admin gives full
--     control of its namespace and is listed too.
--   * any -> fail with binding -> subjects; none -> pass.
local cis = require("cis")

return {
  api = 1,
  id = "cis-k8s/5.1.1",
  title = {
    en = "The cluster-admin role is only used where required",
    zh = "cluster-admin 角色仅在必要时授予",
  },
  severity = "high",
  scope = "cluster",
  requires = { "objects.clusterrolebindings" },
  baselines = {
    cis = { control = "5.1.1", scored = false },
    mlps = { control = "8.1.4.2 d)" },
  },
  params = {
    allowed_bindings = {
      default = { "cluster-admin", "kubeadm:cluster-admins" },
      description = "ClusterRoleBindings allowed to reference cluster-admin",
    },
  },
  impact = {
    en = "cluster-admin can do everything in the cluster; each extra holder is a full compromise "
      .. "waiting to happen.",
    zh = "cluster-admin 可以在集群中执行任何操作，每多一个持有者就多一个整体失陷的风险点。",
  },
  remediation = {
    en = "Review the listed bindings; bind narrower roles instead (kubectl delete "
      .. "clusterrolebinding <name> once a replacement is in place). Keep cluster-admin for a "
      .. "break-glass identity.",
    zh = "逐一审查所列绑定，改为授予更小权限的角色（替代方案就绪后执行 kubectl delete clusterrolebinding <name>），cluster-admin "
      .. "仅保留给应急账号。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 5.1.1" },
  tags = { "rbac" },
  check = function(s, ctx)
    local allowed = ctx.param("allowed_bindings")
    local hits = {}
    for _, b in ipairs(cis.bindings(ctx)) do
      if b.role_kind == "ClusterRole" and b.role_name == "cluster-admin"
          and not (b.kind == "ClusterRoleBinding" and cis.contains(allowed, b.name)) then
        hits[#hits + 1] = string.format("%s %s%s -> %s", b.kind,
          b.namespace and (b.namespace .. "/") or "", tostring(b.name), cis.join(b.subjects))
      end
    end
    table.sort(hits)
    local evidence = { bindings = hits, allowed = ctx.copy(allowed) }
    if #hits > 0 then
      return ctx.fail(cis.msg(string.format("%d binding%s to cluster-admin: %s", #hits,
        #hits == 1 and "" or "s", cis.shorten(hits, 8)),
        string.format("%d 个绑定授予了 cluster-admin：%s", #hits, cis.shorten(hits, 8))), evidence)
    end
    return ctx.pass(cis.msg("cluster-admin is bound only by the allowed bindings", "cluster-admin 仅由允许的绑定授予"), evidence)
  end,
}
