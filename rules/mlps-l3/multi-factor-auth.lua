-- 等保 8.1.4.1 d) (IA-24): administrators authenticate with two or more combined techniques,
-- at least one of them cryptographic.
--
-- Semantics (effective sshd settings):
--   * pass when AuthenticationMethods requires two methods in every allowed alternative and one
--     of them is publickey (a key is the cryptographic factor), e.g. "publickey,password" or
--     "publickey,keyboard-interactive".
--   * warn when a password alone logs in: PasswordAuthentication (or
--     KbdInteractiveAuthentication) yes without such AuthenticationMethods.
--   * otherwise (key-only logins) manual: one cryptographic factor; the second is usually a
--     bastion host (堡垒机) enforcing MFA or an OTP PAM module, which the node cannot show.
--   Kubernetes API access: MFA is the identity provider's (OIDC) job, named in the guidance.
local mlps = require("mlps")

local function two_factor(methods)
  if methods == nil then return false end
  local any = false
  for alt in tostring(methods):gmatch("%S+") do
    any = true
    local n, key = 0, false
    for m in alt:gmatch("[^,]+") do
      n = n + 1
      if m:match("^publickey") then key = true end
    end
    if n < 2 or not key then return false end
  end
  return any
end

return {
  api = 1,
  id = "mlps-l3/multi-factor-auth",
  title = {
    en = "Administrators log in with two factors, one cryptographic",
    zh = "管理员采用两种或以上组合鉴别技术（至少一种为密码技术）",
  },
  severity = "medium",
  scope = "node",
  requires = { "sshd" },
  applies = function(s) return s.roles.virtual ~= true end,
  baselines = { mlps = { control = "8.1.4.1 d)" } },
  impact = {
    en = "With a single factor, one stolen password or key is enough to administer the node "
      .. "and, from it, the cluster.",
    zh = "只用单一鉴别因素时，一个被盗的口令或密钥就足以管理节点并进一步控制集群。",
  },
  remediation = {
    en = "Either require two SSH factors in /etc/ssh/sshd_config, e.g. `AuthenticationMethods "
      .. "publickey,keyboard-interactive` with an OTP PAM module (pam_google_authenticator, "
      .. "pam_oath, RADIUS) in /etc/pam.d/sshd, or allow node SSH only from a bastion host "
      .. "(堡垒机) that enforces MFA (security group / AllowUsers user@bastion-ip) and keep its "
      .. "configuration and login records as evidence. For kubectl, enforce MFA at the OIDC "
      .. "identity provider.",
    zh = "二选一：在 /etc/ssh/sshd_config 中要求双因素，如 `AuthenticationMethods "
      .. "publickey,keyboard-interactive`，并在 /etc/pam.d/sshd 中配置 OTP 模块（pam_google_authenticator、"
      .. "pam_oath、RADIUS）；或仅允许从启用多因素认证的堡垒机登录节点（安全组 / AllowUsers 用户@堡垒机IP），"
      .. "并保留堡垒机配置与登录记录作为证据。kubectl 访问应在 OIDC 身份提供方启用多因素认证。",
  },
  references = { "GB/T 22239-2019 8.1.4.1 d)", "GB/T 28448-2019 L3-CES1-04" },
  tags = { "node", "ssh", "mfa" },
  check = function(s, ctx)
    local methods = mlps.sshd(s.facts, "authenticationmethods")
    local evidence = { authenticationmethods = methods or "not collected",
                       actual = "AuthenticationMethods " .. tostring(methods or "not collected")
                         .. ", PasswordAuthentication "
                         .. tostring(mlps.sshd(s.facts, "passwordauthentication") or "default yes"),
                       expected = "e.g. publickey,keyboard-interactive, or MFA at a bastion host" }
    if two_factor(methods) then
      return ctx.pass(mlps.msg("sshd requires AuthenticationMethods " .. tostring(methods),
        "sshd 要求多因素认证：AuthenticationMethods " .. tostring(methods)), evidence)
    end
    local password = mlps.lower(mlps.sshd(s.facts, "passwordauthentication"))
    local kbd = mlps.lower(mlps.sshd(s.facts, "kbdinteractiveauthentication")
      or mlps.sshd(s.facts, "challengeresponseauthentication"))
    evidence.passwordauthentication = password or "unset (default yes)"
    evidence.kbdinteractiveauthentication = kbd
    if password == nil or password == "yes" or kbd == "yes" then
      return ctx.warn(mlps.msg("a password alone logs in over SSH (PasswordAuthentication "
        .. (password or "default yes") .. (kbd == "yes" and ", KbdInteractiveAuthentication yes" or "")
        .. ", AuthenticationMethods " .. tostring(methods or "any") .. "): single-factor "
        .. "authentication; require publickey plus a second factor, or reach nodes only through "
        .. "an MFA bastion host and record it as evidence",
        "仅凭口令即可通过 SSH 登录（PasswordAuthentication " .. (password or "默认 yes")
        .. (kbd == "yes" and "，KbdInteractiveAuthentication yes" or "")
        .. "，AuthenticationMethods " .. tostring(methods or "any") .. "）：属于单因素认证；应要求"
        .. "公钥加第二因素，或仅允许通过具备双因素认证的堡垒机访问节点，并留存为测评证据"), evidence)
    end
    return ctx.manual(mlps.msg("SSH does not require two factors (AuthenticationMethods "
      .. tostring(methods or "not collected") .. "); verify that administrators reach this node "
      .. "only through a bastion host (堡垒机) with MFA, or an OTP PAM module, and collect its "
      .. "configuration and login records as evidence",
      "SSH 未要求双因素认证（AuthenticationMethods " .. tostring(methods or "未采集")
      .. "）；请核查管理员只能通过具备双因素认证的堡垒机或 OTP PAM 模块登录本节点，并收集其配置和"
      .. "登录记录作为测评证据"), evidence)
  end,
}
