-- 等保 8.1.4.4 a) and b) (IP-01/IP-03): only needed services run — no file sharing, printing,
-- discovery or legacy network services on a node.
--
-- Semantics: facts.units (systemd unit states); fail when a unit of `services` is active or
-- enabled (listed with its state), pass otherwise. The default list merges the Alibaba Cloud Linux 等保 image's
-- removals and the usual 三级 checklists; an assessor adds site-specific units in the profile.
local mlps = require("mlps")

return {
  api = 1,
  id = "mlps-l3/unneeded-services",
  title = {
    en = "No unneeded services (file sharing, printing, discovery, legacy daemons)",
    zh = "关闭不需要的系统服务（文件共享、打印、服务发现、遗留守护进程）",
  },
  severity = "medium",
  scope = "node",
  requires = { "units" },
  applies = function(s) return s.roles.virtual ~= true end,
  baselines = { mlps = { control = "8.1.4.4 b)" } },
  params = {
    services = {
      default = { "rpcbind", "rpcbind.socket", "nfs-server", "cups", "cups.socket", "avahi-daemon",
                  "avahi-daemon.socket", "smb", "smbd", "nmb", "nmbd", "snmpd", "rsyncd", "rsync",
                  "ypbind", "ypserv", "bluetooth", "wpa_supplicant", "named", "dovecot",
                  "httpd", "nginx", "squid", "slapd", "xinetd", "telnet.socket", "vsftpd" },
      description = "units that must be neither active nor enabled on a node",
    },
  },
  impact = {
    en = "Every extra service is attack surface: rpcbind, Samba, CUPS and avahi have a long "
      .. "history of remote exploits, and none of them is needed to run Kubernetes.",
    zh = "每个多余的服务都是攻击面：rpcbind、Samba、CUPS、avahi 都有大量远程漏洞历史，且运行 Kubernetes 完全不需要它们。",
  },
  remediation = {
    en = "For each listed unit: `systemctl disable --now <unit>` (and its .socket), then remove "
      .. "the package (`yum remove` / `apt purge`). rpcbind is needed only by NFSv3 clients; keep "
      .. "it and record why if NFS volumes use v3. Check with `systemctl list-unit-files "
      .. "--state=enabled`.",
    zh = "对列出的每个服务执行 `systemctl disable --now <服务名>`（包括对应的 .socket），再卸载软件包"
      .. "（`yum remove` / `apt purge`）。rpcbind 仅 NFSv3 客户端需要；若 NFS 卷使用 v3，保留并记录原因。"
      .. "用 `systemctl list-unit-files --state=enabled` 核对。",
  },
  references = { "GB/T 22239-2019 8.1.4.4 a) b)", "GB/T 28448-2019 L3-CES1-17, L3-CES1-18" },
  tags = { "node", "services" },
  check = function(s, ctx)
    local running = mlps.running_services(s.facts, ctx.param("services"))
    local evidence = { services = running, actual = #running > 0 and mlps.join(running) or "none",
                       expected = "none of the listed units active or enabled" }
    if #running > 0 then
      return ctx.fail(mlps.msg(string.format("%d unneeded service%s: %s", #running,
        #running == 1 and "" or "s", mlps.join(running)),
        string.format("启用了 %d 个不需要的系统服务，应遵循最小安装原则关闭：%s", #running,
        mlps.join(running))), evidence)
    end
    return ctx.pass(mlps.msg("none of the " .. #ctx.param("services") .. " unneeded services is "
      .. "active or enabled", "所列 " .. #ctx.param("services") .. " 个不需要的服务均未启用或运行"),
      evidence)
  end,
}
