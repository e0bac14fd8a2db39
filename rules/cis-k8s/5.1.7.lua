-- CIS 5.1.7: The system:masters group is not used.
--
-- Semantics:
--   * one cluster finding: bindings with the Group system:masters as a subject other than the
--     built-in cluster-admin ClusterRoleBinding -> fail. (system:masters bypasses RBAC entirely;
--     membership comes from client certificates with O=system:masters, which cannot be seen in
--     API objects: the pass message says what remains to verify.)
local cis = require("cis")

return {
  api = 1,
  id = "cis-k8s/5.1.7",
  title = {
    en = "The system:masters group is not used",
    zh = "不使用 system:masters 组",
  },
  severity = "high",
  scope = "cluster",
  requires = { "objects.clusterrolebindings" },
  baselines = {
    cis = { control = "5.1.7", scored = false },
    mlps = { control = "8.1.4.2 d)" },
  },
  impact = {
    en = "Members of system:masters bypass RBAC and every authorization webhook, and their access "
      .. "cannot be revoked short of rotating the cluster CA.",
    zh = "system:masters 组成员会绕过 RBAC 及所有鉴权 Webhook，其权限只能通过轮换集群 CA 才能撤销。",
  },
  remediation = {
    en = "Remove system:masters from the listed bindings; issue no client certificates with "
      .. "O=system:masters except a break-glass one kept offline (kubeadm >= 1.29: "
      .. "super-admin.conf).",
    zh = "从所列绑定中删除 system:masters；除离线保存的应急证书（kubeadm 1.29+ 的 super-admin.conf）外，不签发 "
      .. "O=system:masters 的客户端证书。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 5.1.7" },
  tags = { "rbac" },
  check = function(s, ctx)
    local hits = {}
    for _, b in ipairs(cis.bindings(ctx)) do
      if cis.contains(b.subjects, "Group:system:masters")
          and not (b.kind == "ClusterRoleBinding" and b.name == "cluster-admin") then
        hits[#hits + 1] = string.format("%s %s%s -> %s %s", b.kind, b.namespace and (b.namespace .. "/") or "",
          tostring(b.name), tostring(b.role_kind), tostring(b.role_name))
      end
    end
    table.sort(hits)
    if #hits > 0 then
      return ctx.fail(cis.msg("bindings grant to system:masters: " .. cis.shorten(hits), "存在授予 system:masters 的绑定：" .. cis.shorten(hits)), { bindings = hits })
    end
    return ctx.pass(cis.msg("only the built-in cluster-admin binding names system:masters; "
      .. "verify that no client certificate with O=system:masters is in use besides a "
      .. "break-glass one", "只有内置的 cluster-admin 绑定引用 system:masters；请核查除应急证书外"
      .. "没有在用的 O=system:masters 客户端证书"), { bindings = hits })
  end,
}
