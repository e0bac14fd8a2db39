-- House rule: sshd shows the organisation's legal warning banner before login (the login
-- notice the house standard adds to 等保 8.1.4.1 identification). Reads facts.sshd.settings
-- (`sshd -T`, or the config files when sshd -T could not run).
--   Banner unset or "none" -> fail;  set -> pass.
return {
  api = 1,
  id = "corp-mlps/ssh-login-banner",
  title = { en = "SSH shows the login warning banner", zh = "SSH 登录前显示警示横幅" },
  severity = "low",
  scope = "node",
  requires = { "sshd" },
  impact = {
    en = "Without the banner, users are not told before login that access is restricted and "
      .. "monitored, which the house standard and legal counsel require.",
    zh = "未配置登录横幅时，用户在登录前未被告知系统受限且受监控，不符合本单位标准与法务要求。",
  },
  remediation = {
    en = "Set `Banner /etc/issue.net` in /etc/ssh/sshd_config with the approved text, then reload sshd.",
    zh = "在 /etc/ssh/sshd_config 中设置 Banner /etc/issue.net（内容为审定的警示文本），然后重新加载 sshd。",
  },
  tags = { "node", "ssh", "house" },
  check = function(s, ctx)
    local sshd = s.facts.sshd
    local cfg = sshd.settings or sshd.effective or sshd.config or {}
    local banner = cfg.banner
    if banner == nil or banner == "" or banner == "none" then
      return ctx.fail("sshd has no Banner (expected the approved warning text, e.g. Banner /etc/issue.net)",
        { banner = banner or "unset", source = sshd.source })
    end
    return ctx.pass("sshd Banner " .. banner, { banner = banner, source = sshd.source })
  end,
}
