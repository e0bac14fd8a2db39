-- 等保 8.1.4.2 b) (AC-04): the default superuser root cannot log in directly over SSH.
--
-- Semantics: effective PermitRootLogin (`sshd -T`) must be "no". "prohibit-password" /
-- "without-password" (key only, the OpenSSH >= 7.0 default) and "forced-commands-only" fail
-- unless allow_prohibit_password is true (some assessors accept key-only root on Ubuntu). Unset
-- is the OpenSSH default prohibit-password. Alibaba's 等保 hardening of ACK nodes forbids root
-- SSH.
local mlps = require("mlps")

return {
  api = 1,
  id = "mlps-l3/ssh-root-login",
  title = {
    en = "root cannot log in over SSH (PermitRootLogin no)",
    zh = "禁止 root 通过 SSH 直接登录（PermitRootLogin no）",
  },
  severity = "high",
  scope = "node",
  requires = { "sshd" },
  applies = function(s) return s.roles.virtual ~= true end,
  baselines = { mlps = { control = "8.1.4.2 b)" } },
  params = {
    allow_prohibit_password = { default = false,
      description = "accept PermitRootLogin prohibit-password (key-only root login)" },
  },
  impact = {
    en = "root is the default account of every Linux host: logins as root are not attributable "
      .. "to a person and give full control at once. 8.1.4.2 b) requires renaming or restricting "
      .. "default accounts; root cannot be renamed, so direct login is forbidden.",
    zh = "root 是每台 Linux 主机的默认账户：以 root 登录无法对应到具体人员，且直接拥有全部权限。8.1.4.2 b) "
      .. "要求重命名或限制默认账户，root 无法重命名，因此应禁止其直接登录。",
  },
  remediation = {
    en = "Create a named admin account with sudo first, then set `PermitRootLogin no` in "
      .. "/etc/ssh/sshd_config (and in any /etc/ssh/sshd_config.d/*.conf that sets it), check "
      .. "with `sshd -T | grep permitrootlogin` and run `systemctl reload sshd`. Node "
      .. "provisioning tools (kubeasz, kubespray) must then connect as the sudo user.",
    zh = "先创建具有 sudo 权限的个人管理账户，再在 /etc/ssh/sshd_config（以及设置了该项的 "
      .. "/etc/ssh/sshd_config.d/*.conf）中设置 `PermitRootLogin no`，用 `sshd -T | grep permitrootlogin` "
      .. "核对后执行 `systemctl reload sshd`。节点部署工具（kubeasz、kubespray）随后需改用该 sudo 用户连接。",
  },
  references = { "GB/T 22239-2019 8.1.4.2 b)", "GB/T 28448-2019 L3-CES1-06" },
  tags = { "node", "ssh", "accounts" },
  check = function(s, ctx)
    local v = mlps.lower(mlps.sshd(s.facts, "permitrootlogin"))
    local shown = v or "unset (default prohibit-password)"
    local evidence = { permitrootlogin = shown, actual = "PermitRootLogin " .. shown,
                       expected = "PermitRootLogin no" }
    local shown_zh = v or "未设置（默认 prohibit-password）"
    if v == "no" then
      return ctx.pass(mlps.msg("PermitRootLogin no", "PermitRootLogin no，禁止 root 通过 SSH 远程登录"),
        evidence)
    end
    local key_only = v == nil or v == "prohibit-password" or v == "without-password"
    if key_only and ctx.param("allow_prohibit_password") == true then
      return ctx.pass(mlps.msg("PermitRootLogin " .. shown .. " (key-only root login accepted by "
        .. "the profile)", "PermitRootLogin " .. shown_zh .. "（配置文件允许 root 仅凭密钥登录）"),
        evidence)
    end
    return ctx.fail(mlps.msg("PermitRootLogin " .. shown .. ": root can log in over SSH"
      .. (key_only and " with a key" or ""), "PermitRootLogin " .. shown_zh
      .. "：root 可以" .. (key_only and "凭密钥" or "") .. "通过 SSH 远程登录，应禁止超级管理员直接远程登录"),
      evidence)
  end,
}
