-- CIS 3.1.1: Client certificate authentication is not used for users.
--
-- Semantics:
--   * one cluster finding. The benchmark is Manual (no audit). Automated proxy: people need an
--     alternative to client certificates, so the API server flags of the control-plane nodes
--     (host facts) are read: --oidc-issuer-url, --authentication-config (structured JWT
--     authenticators) or --authentication-token-webhook-config-file configured -> pass with what to
--     keep verifying; none on any control-plane node -> fail (people can only use certificates or
--     tokens). No control-plane facts (managed clusters, no SSH) -> manual. ACK: kubeconfigs
--     handed out by ACK are client certificates (ACK benchmark 3.1.1: revoke them on leakage).
local cis = require("cis")

local AUTHN = { "oidc-issuer-url", "authentication-config", "authentication-token-webhook-config-file" }

return {
  api = 1,
  id = "cis-k8s/3.1.1",
  title = {
    en = "Client certificate authentication is not used for users",
    zh = "不使用客户端证书对用户进行认证",
  },
  severity = "medium",
  scope = "cluster",
  requires = { "objects.nodes" },
  baselines = {
    cis = { control = "3.1.1", scored = false },
    mlps = { control = "8.1.4.1 a)" },
  },
  impact = {
    en = "Client certificates cannot be revoked: a leaked or departed user's certificate stays "
      .. "valid until it expires.",
    zh = "客户端证书无法吊销：泄露的证书或离职人员的证书在到期前始终有效。",
  },
  remediation = {
    en = "Configure an OIDC provider (--oidc-issuer-url or an AuthenticationConfiguration) or a "
      .. "webhook authenticator for people, give each person individual credentials, and keep "
      .. "client certificates for components and a break-glass admin only. On ACK, use "
      .. "RAM/SSO-based kubeconfigs with short validity and revoke leaked kubeconfigs in the "
      .. "console.",
    zh = "为人员配置 OIDC 身份源（--oidc-issuer-url 或 AuthenticationConfiguration）或 Webhook "
      .. "认证，每人使用独立凭据，客户端证书仅用于组件和应急管理员。ACK 集群应使用有效期较短的 RAM/SSO kubeconfig，并在控制台吊销已泄露的 kubeconfig。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 3.1.1" },
  tags = { "authentication" },
  check = function(s, ctx)
    local ack = cis.is_ack(s, ctx)
    local found, checked = {}, 0
    for _, n in ipairs(ctx.objects("nodes")) do
      local name = cis.dig(n, "metadata", "name")
      local argv = cis.dig(ctx.node_facts(name), "processes", "kube-apiserver", "argv")
      if argv ~= nil then
        checked = checked + 1
        for _, f in ipairs(AUTHN) do
          local v = ctx.flag(argv, f)
          if v ~= nil and not cis.contains(found, "--" .. f .. "=" .. v) then
            found[#found + 1] = "--" .. f .. "=" .. v
          end
        end
      end
    end
    local ack_text = ack and " [ACK: kubeconfigs issued by ACK are client certificates; revoke "
      .. "them in the console when leaked (ACK benchmark 3.1.1)]" or ""
    local ack_zh = ack and "（ACK：ACK 下发的 kubeconfig 使用客户端证书，泄露时应在控制台吊销"
      .. "（ACK 基准 3.1.1））" or ""
    if checked == 0 then
      return ctx.manual(cis.msg("no kube-apiserver process in the host facts: verify that people "
        .. "authenticate with OIDC or another revocable method, not client certificates" .. ack_text,
        "主机数据中没有 kube-apiserver 进程：请核查用户通过 OIDC 或其他可吊销的方式认证，而不是客户端证书"
        .. ack_zh))
    end
    if #found == 0 then
      return ctx.fail(cis.msg("no OIDC, structured or webhook authenticator on the API server: "
        .. "people can only use client certificates or tokens" .. ack_text,
        "API Server 未配置 OIDC、结构化或 webhook 认证：用户只能使用客户端证书或令牌" .. ack_zh),
        { checked_nodes = checked })
    end
    return ctx.pass(cis.msg("alternative authentication configured (" .. cis.join(found) .. "); "
      .. "verify that no client certificates are issued to people" .. ack_text,
      "已配置替代认证方式（" .. cis.join(found) .. "）；请核查未向用户签发客户端证书" .. ack_zh),
      { authenticators = found, checked_nodes = checked })
  end,
}
