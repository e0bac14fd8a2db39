-- The Corefile forwards external names upstream, and with NodeLocal DNSCache it does so over UDP.
--   no forward (or proxy) plugin -> warn: names outside the cluster domain cannot resolve
--   NodeLocal DNSCache deployed (kube-system DaemonSet node-local-dns) and the forward block
--     lacks prefer_udp -> fail: NodeLocal talks TCP to CoreDNS, CoreDNS then forwards over TCP,
--     which the VPC DNS does not serve for PrivateZone / vpc-proxy names
local coredns = require("coredns")

return {
  api = 1,
  id = "health/coredns-forward",
  title = { en = "CoreDNS forwards upstream (prefer_udp with NodeLocal DNSCache)", zh = "CoreDNS 配置了上游转发（启用 NodeLocal DNSCache 时使用 prefer_udp）" },
  severity = "high",
  scope = "cluster",
  requires = { "objects.configmaps" },
  impact = {
    en = "Without forward, external names fail; with NodeLocal DNSCache and no prefer_udp, "
      .. "upstream queries go over TCP and PrivateZone or vpc-proxy names fail.",
    zh = "未配置 forward 时外部域名无法解析；启用 NodeLocal DNSCache 但未配置 prefer_udp 时，上游查询走 TCP，PrivateZone 和 vpc-proxy 域名解析失败。",
  },
  remediation = {
    en = "In ConfigMap kube-system/coredns use: forward . /etc/resolv.conf { prefer_udp }.",
    zh = "在 kube-system/coredns ConfigMap 中配置：forward . /etc/resolv.conf { prefer_udp }。",
  },
  references = { "ACK NodeLocal DNSCache: 配置 CoreDNS prefer_udp" },
  tags = { "dns", "dns-config", "dns-nodelocal" },
  check = function(s, ctx)
    local text, why = coredns.corefile(ctx)
    if text == nil then return ctx.na(why) end
    local fwd = coredns.plugins(text, "forward")
    if #fwd == 0 then fwd = coredns.plugins(text, "proxy") end
    local nodelocal, ds = coredns.nodelocal(ctx)
    local evidence = { nodelocal = nodelocal, nodelocal_daemonset = ds }
    if #fwd == 0 then return ctx.warn("the Corefile has no forward plugin: external names cannot resolve", evidence) end
    evidence.forward = fwd[1].args
    local udp = fwd[1].block and fwd[1].block:find("prefer_udp", 1, true)
    evidence.prefer_udp = udp ~= nil
    if nodelocal and not udp then
      return ctx.fail("NodeLocal DNSCache (" .. tostring(ds) .. ") is deployed but forward " .. fwd[1].args
        .. " has no prefer_udp", evidence)
    end
    local where = nodelocal == nil and " (DaemonSets not collected: NodeLocal DNSCache unknown)" or ""
    return ctx.pass("forward " .. fwd[1].args .. (udp and " { prefer_udp }" or "") .. where, evidence)
  end,
}
