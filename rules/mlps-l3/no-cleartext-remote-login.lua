-- 等保 8.1.4.1 c) (IA-21): remote administration only over encrypted channels — no telnet,
-- rsh/rlogin/rexec, tftp or plain FTP services.
--
-- Semantics: fail when something listens on one of `ports` (23, 512-514, 69, 21) on a
-- non-loopback address (facts.listening, required: a clear-text login service has to listen to
-- be usable), or when a unit of `services` (telnet.socket, rsh.socket, ..., xinetd) is active
-- or enabled (facts.units, when collected). Pass otherwise; SSH is then the remote channel
-- (see ssh-crypto).
local mlps = require("mlps")

return {
  api = 1,
  id = "mlps-l3/no-cleartext-remote-login",
  title = {
    en = "No clear-text remote login services (telnet, rsh, rlogin, tftp, ftp)",
    zh = "未启用明文远程管理服务（telnet、rsh、rlogin、tftp、ftp）",
  },
  severity = "high",
  scope = "node",
  requires = { "listening" },
  applies = function(s) return s.roles.virtual ~= true end,
  baselines = { mlps = { control = "8.1.4.1 c)" } },
  params = {
    services = {
      default = { "telnet.socket", "telnetd", "inetd", "xinetd", "rsh.socket", "rlogin.socket",
                  "rexec.socket", "tftp.socket", "tftpd-hpa", "vsftpd" },
      description = "clear-text remote access services that must be neither active nor enabled",
    },
    ports = { default = { 21, 23, 69, 512, 513, 514 },
              description = "clear-text remote access ports that must not listen" },
  },
  impact = {
    en = "telnet, rsh/rlogin and FTP send user names and passwords in clear text: anyone on the "
      .. "network path can sniff the administrator's credentials (8.1.4.1 c)).",
    zh = "telnet、rsh/rlogin、FTP 以明文传输用户名和口令，网络路径上的任何人都可以嗅探到管理员的鉴别信息"
      .. "（8.1.4.1 c)）。",
  },
  remediation = {
    en = "Stop, disable and remove the services: `systemctl disable --now telnet.socket "
      .. "rsh.socket rlogin.socket rexec.socket tftp.socket xinetd vsftpd` and `yum remove "
      .. "telnet-server rsh-server tftp-server` / `apt purge telnetd rsh-server tftpd-hpa`. "
      .. "Administer the node over SSH only; check with `ss -tulpn`.",
    zh = "停止、禁用并卸载这些服务：`systemctl disable --now telnet.socket rsh.socket rlogin.socket "
      .. "rexec.socket tftp.socket xinetd vsftpd`，并执行 `yum remove telnet-server rsh-server tftp-server`"
      .. " 或 `apt purge telnetd rsh-server tftpd-hpa`。只通过 SSH 远程管理节点；用 `ss -tulpn` 核对。",
  },
  references = { "GB/T 22239-2019 8.1.4.1 c)", "GB/T 28448-2019 L3-CES1-03" },
  tags = { "node", "remote-access" },
  check = function(s, ctx)
    local running = mlps.running_services(s.facts, ctx.param("services"))
    local ports = ctx.param("ports")
    local listening = mlps.listening(s.facts)
    local open = {}
    if listening ~= nil then
      for _, l in ipairs(listening) do
        local p = mlps.num(l.port)
        if p ~= nil and mlps.contains(ports, p) and not mlps.is_loopback(l.address) then
          open[#open + 1] = string.format("%s %s:%d%s", tostring(l.proto or "tcp"),
            tostring(l.address or "*"), p, l.process and (" (" .. l.process .. ")") or "")
        end
      end
      table.sort(open)
    end
    local actual = {}
    for _, x in ipairs(running) do actual[#actual + 1] = x end
    for _, x in ipairs(open) do actual[#actual + 1] = x end
    local evidence = { services = running, listening = open,
                       actual = #actual > 0 and mlps.join(actual) or "none",
                       units_checked = s.facts.units ~= nil and "yes" or "no (unit states not collected)",
                       expected = "none" }
    local bad, bad_zh = {}, {}
    if #running > 0 then
      bad[#bad + 1] = "clear-text services: " .. mlps.join(running)
      bad_zh[#bad_zh + 1] = "运行着明文传输的远程管理服务：" .. mlps.join(running)
    end
    if #open > 0 then
      bad[#bad + 1] = "listening: " .. mlps.join(open)
      bad_zh[#bad_zh + 1] = "明文协议端口在监听：" .. mlps.join(open)
    end
    if #bad > 0 then
      return ctx.fail(mlps.msg(table.concat(bad, "; "), table.concat(bad_zh, "；")), evidence)
    end
    return ctx.pass(mlps.msg("none of ports " .. mlps.join(ports) .. " listening"
      .. (s.facts.units ~= nil and "; no telnet/rsh/rlogin/rexec/tftp/ftp unit active or enabled"
          or ""),
      "端口 " .. mlps.join(ports) .. " 均未监听"
      .. (s.facts.units ~= nil and "；telnet/rsh/rlogin/rexec/tftp/ftp 服务均未启用" or "")
      .. "，远程管理不使用明文协议"), evidence)
  end,
}
