-- 等保 8.1.4.4 b) (IP-04): no high-risk port listens on a non-loopback address.
--
-- Semantics: facts.listening = [ { proto, address, port, process } ] (`ss -tulpn`). Fail when a
-- port of `ports` listens on an address other than loopback (127.0.0.0/8, ::1); the finding
-- names the address and process. Ports a Kubernetes node needs (6443, 10250, 2379-2380, CNI
-- ports, NodePorts) are not on the list.
local mlps = require("mlps")

return {
  api = 1,
  id = "mlps-l3/high-risk-ports",
  title = {
    en = "No high-risk ports listen (FTP, telnet, SMTP, RPC, SMB, VNC ...)",
    zh = "未开放高危端口（FTP、Telnet、SMTP、RPC、SMB、VNC 等）",
  },
  severity = "high",
  scope = "node",
  requires = { "listening" },
  applies = function(s) return s.roles.virtual ~= true end,
  baselines = { mlps = { control = "8.1.4.4 b)" } },
  params = {
    ports = {
      default = { 20, 21, 23, 25, 69, 111, 135, 137, 138, 139, 427, 445, 512, 513, 514, 631,
                  5900, 5901, 5902 },
      description = "ports that must not listen on a non-loopback address",
    },
  },
  impact = {
    en = "These ports belong to services with clear-text logins or a history of wormable "
      .. "exploits (SMB, RPC, VNC); reachable from the network they are a direct way in.",
    zh = "这些端口对应明文登录或曾被蠕虫大规模利用的服务（SMB、RPC、VNC），一旦可从网络访问即为直接入侵途径。",
  },
  remediation = {
    en = "Find the owner with `ss -tulpn | grep ':<port> '`, stop and disable the service "
      .. "(`systemctl disable --now <unit>`), or bind it to 127.0.0.1 (postfix: `inet_interfaces "
      .. "= loopback-only` in /etc/postfix/main.cf). Also block the ports in the security group.",
    zh = "用 `ss -tulpn | grep ':<端口> '` 找到对应进程，停止并禁用该服务（`systemctl disable --now <服务名>`），"
      .. "或仅监听 127.0.0.1（postfix：在 /etc/postfix/main.cf 中设置 `inet_interfaces = loopback-only`）；"
      .. "同时在安全组中封禁这些端口。",
  },
  references = { "GB/T 22239-2019 8.1.4.4 b)", "GB/T 28448-2019 L3-CES1-18" },
  tags = { "node", "network", "ports" },
  check = function(s, ctx)
    local ports = ctx.param("ports")
    local open = {}
    for _, l in ipairs(s.facts.listening) do
      local p = mlps.num(l.port)
      if p ~= nil and mlps.contains(ports, p) and not mlps.is_loopback(l.address) then
        open[#open + 1] = string.format("%s %s:%d%s", tostring(l.proto or "tcp"),
          tostring(l.address or "*"), p, l.process and (" (" .. l.process .. ")") or "")
      end
    end
    table.sort(open)
    local evidence = { listening = open, actual = #open > 0 and mlps.join(open) or "none",
                       expected = "none of " .. mlps.join(mlps.list(ports)) }
    if #open > 0 then
      return ctx.fail(mlps.msg(string.format("%d high-risk listener%s: %s", #open,
        #open == 1 and "" or "s", mlps.join(open)),
        string.format("%d 个高危端口对外监听，应关闭：%s", #open, mlps.join(open))), evidence)
    end
    return ctx.pass(mlps.msg(#s.facts.listening .. " listening sockets, none on a high-risk port",
      "共 " .. #s.facts.listening .. " 个监听端口，未开放高危端口"), evidence)
  end,
}
