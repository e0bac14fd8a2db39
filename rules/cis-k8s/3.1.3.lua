-- CIS 3.1.3: Bootstrap token authentication is not used for users.
--
-- Semantics:
--   * one cluster finding. The benchmark is Manual (no audit). Bootstrap tokens authenticate as
--     groups system:bootstrappers[:...]; kubeadm binds those groups only to the node-join roles.
--     Any other role bound to a bootstrappers group means bootstrap tokens grant more than joining
--     a node -> fail; otherwise pass (whether people hold bootstrap tokens cannot be seen: Secrets
--     are never collected).
local cis = require("cis")

local JOIN_ROLES = {
  "system:node-bootstrapper", "system:certificates.k8s.io:certificatesigningrequests:nodeclient",
  "kubeadm:get-nodes", "system:certificates.k8s.io:certificatesigningrequests:selfnodeclient",
}

return {
  api = 1,
  id = "cis-k8s/3.1.3",
  title = {
    en = "Bootstrap token authentication is not used for users",
    zh = "不使用引导令牌（Bootstrap Token）对用户进行认证",
  },
  severity = "medium",
  scope = "cluster",
  requires = { "objects.clusterrolebindings" },
  baselines = {
    cis = { control = "3.1.3", scored = false },
    mlps = { control = "8.1.4.1 a)" },
  },
  impact = {
    en = "Bootstrap tokens are bearer secrets meant only for joining nodes; used by people or "
      .. "given more rights, they become long-lived shared credentials.",
    zh = "引导令牌是仅用于节点加入的持有者令牌；若供人使用或被授予更多权限，就成了长期有效的共享凭据。",
  },
  remediation = {
    en = "Use bootstrap tokens only for node join (kubeadm token create --ttl 1h), delete expired "
      .. "ones, and remove bindings that give system:bootstrappers groups anything beyond the "
      .. "node-join roles.",
    zh = "仅在节点加入时使用引导令牌（kubeadm token create --ttl 1h），删除过期令牌，并删除为 system:bootstrappers "
      .. "组授予节点加入以外权限的绑定。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 3.1.3" },
  tags = { "authentication", "rbac" },
  check = function(s, ctx)
    local extra = {}
    for _, b in ipairs(cis.bindings(ctx)) do
      for _, sub in ipairs(b.raw.subjects or {}) do
        if sub.kind == "Group" and type(sub.name) == "string"
            and sub.name:sub(1, 21) == "system:bootstrappers"
            and not cis.contains(JOIN_ROLES, b.role_name) then
          extra[#extra + 1] = string.format("%s %s -> %s %s (%s)", b.kind, tostring(b.name),
            tostring(b.role_kind), tostring(b.role_name), sub.name)
        end
      end
    end
    table.sort(extra)
    if #extra > 0 then
      return ctx.fail(cis.msg("bootstrap-token groups hold more than the node-join roles: "
        .. cis.shorten(extra), "bootstrap 令牌组持有节点加入所需之外的角色：" .. cis.shorten(extra)),
        { bindings = extra })
    end
    return ctx.pass(cis.msg("bootstrap-token groups hold only the node-join roles; verify that "
      .. "bootstrap tokens are short-lived and not handed to people",
      "bootstrap 令牌组仅持有节点加入所需的角色；请核查 bootstrap 令牌有效期短且不交给人员使用"),
      { bindings = extra })
  end,
}
