-- In IPVS mode kube-proxy's ipvs.udpTimeout is `udp_timeout_seconds` (10 s, the ACK advice).
-- With the kernel default (300 s; 0s/unset in the ConfigMap keeps it) a removed UDP backend
-- such as a CoreDNS Pod keeps receiving queries for up to 5 minutes.
--   mode ipvs and udpTimeout not 10s -> warn; another mode -> pass (not applicable to it)
local kubeproxy = require("kubeproxy")

return {
  api = 1,
  id = "health/kube-proxy-ipvs-udp-timeout",
  title = { en = "IPVS UDP timeout is 10s", zh = "IPVS 模式下 UDP 会话超时为 10 秒" },
  severity = "medium",
  scope = "cluster",
  requires = { "objects.configmaps" },
  params = {
    udp_timeout_seconds = { default = 10, description = "expected ipvs.udpTimeout in seconds" },
  },
  impact = {
    en = "When a CoreDNS Pod goes away (scale-in, node drain), IPVS keeps sending it the "
      .. "queries of existing UDP sessions: DNS fails intermittently for up to 5 minutes.",
    zh = "CoreDNS 副本下线（缩容、节点排水）后，IPVS 仍会把已有 UDP 会话的查询发往该副本，最长约 5 分钟内出现间歇性解析失败。",
  },
  remediation = {
    en = "Set ipvs.udpTimeout: 10s in the kube-proxy ConfigMap (Kubernetes >= 1.18) and "
      .. "recreate the kube-proxy Pods; older clusters: ipvsadm --set 900 120 10 on each node. "
      .. "Check UDP applications with long idle sessions first.",
    zh = "在 kube-proxy ConfigMap 中设置 ipvs.udpTimeout: 10s（Kubernetes 1.18 及以上）并重建 kube-proxy Pod；更早版本在各节点执行 ipvsadm --set 900 120 10。修改前确认业务中没有长时间空闲的 UDP 会话。",
  },
  references = { "ACK 网络: IPVS UDP 超时", "ACK DNS: IPVS 缺陷导致解析异常" },
  tags = { "network", "kube-proxy", "dns" },
  check = function(s, ctx)
    local cfg, name = kubeproxy.config(ctx)
    if cfg == nil then return ctx.na(name) end
    local mode = kubeproxy.mode(cfg)
    if mode ~= "ipvs" then return ctx.pass("kube-proxy mode " .. mode .. ": no IPVS UDP sessions", { mode = mode }) end
    local raw = cfg["ipvs.udpTimeout"]
    local secs = raw and ctx.parse_duration(raw) or 0
    local want = ctx.param("udp_timeout_seconds")
    local evidence = { mode = mode, udpTimeout = raw, expected = want .. "s", configmap = name }
    if secs ~= want then
      return ctx.warn(string.format("ipvs.udpTimeout %s%s; expected %ds", tostring(raw or "unset"),
        (secs == 0) and " (kernel default 300s)" or "", want), evidence)
    end
    return ctx.pass("ipvs.udpTimeout " .. raw, evidence)
  end,
}
