-- CIS 3.1.2: Service account tokens are not used for users.
--
-- Semantics:
--   * one cluster finding. The benchmark is Manual (no audit). Automated proxy for the common
--     misuse (an "admin-user" service account whose token people use, e.g. for a dashboard): a
--     ServiceAccount outside the system namespaces bound to cluster-admin -> fail, listing the
--     bindings; otherwise pass with what remains to verify (token use cannot be seen in the
--     API objects).
local cis = require("cis")

return {
  api = 1,
  id = "cis-k8s/3.1.2",
  title = {
    en = "Service account tokens are not used for users",
    zh = "不使用 ServiceAccount 令牌对用户进行认证",
  },
  severity = "medium",
  scope = "cluster",
  requires = { "objects.clusterrolebindings" },
  baselines = {
    cis = { control = "3.1.2", scored = false },
    mlps = { control = "8.1.4.1 a)" },
  },
  params = {
    system_namespaces = {
      default = { "kube-system" },
      description = "namespaces whose service accounts are components, not people",
    },
  },
  impact = {
    en = "Service-account tokens are shared secrets: whoever holds one acts as the account, and "
      .. "its actions cannot be told apart from those of other holders.",
    zh = "ServiceAccount 令牌是共享密钥：持有者即可以该账号身份操作，无法区分具体是谁执行了操作。",
  },
  remediation = {
    en = "Give people individual identities (OIDC or the provider's IAM), remove cluster-admin "
      .. "bindings of service accounts used by people, and delete their long-lived token Secrets.",
    zh = "为人员提供独立身份（OIDC 或云厂商 IAM），删除供人使用的 ServiceAccount 的 cluster-admin 绑定及其长期令牌 Secret。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 3.1.2" },
  tags = { "authentication", "rbac" },
  check = function(s, ctx)
    local system = ctx.param("system_namespaces")
    local hits = {}
    for _, b in ipairs(cis.bindings(ctx)) do
      if b.role_kind == "ClusterRole" and b.role_name == "cluster-admin" then
        for _, sub in ipairs(b.raw.subjects or {}) do
          if sub.kind == "ServiceAccount" and not cis.contains(system, sub.namespace) then
            hits[#hits + 1] = string.format("%s %s -> ServiceAccount %s/%s", b.kind, tostring(b.name),
              tostring(sub.namespace), tostring(sub.name))
          end
        end
      end
    end
    table.sort(hits)
    if #hits > 0 then
      return ctx.fail(cis.msg("service accounts outside the system namespaces hold cluster-admin "
        .. "(typical of tokens handed to people): " .. cis.shorten(hits),
        "系统命名空间之外的 ServiceAccount 持有 cluster-admin（常见于把令牌交给人员使用）："
        .. cis.shorten(hits)), { bindings = hits })
    end
    return ctx.pass(cis.msg("no service account outside the system namespaces is bound to "
      .. "cluster-admin; verify that people do not use service-account tokens",
      "系统命名空间之外没有 ServiceAccount 绑定 cluster-admin；请核查人员不使用 ServiceAccount 令牌"),
      { bindings = hits })
  end,
}
