-- No certificate on the node has expired, or is not yet valid. Critical: an expired
-- Kubernetes PKI or kubeconfig certificate stops the component using it, and once the API
-- server's certificates are expired kubectl and the console no longer work, so renewal must be
-- done on each node. health/cert-expiry reports the certificates about to expire.
-- The kubelet serving certificate /var/lib/kubelet/pki/kubelet.crt is listed in `ignore`: the
-- ACK guide notes that its expiry does not affect the cluster (self-signed, not used for
-- authentication by default).
local k8s = require("k8s")

return {
  api = 1,
  id = "health/certificate-validity",
  title = { en = "No node certificate has expired", zh = "节点证书均未过期" },
  severity = "critical",
  scope = "node",
  requires = { "certificates" },
  params = {
    ignore = { default = { "/var/lib/kubelet/pki/kubelet.crt" },
               description = "certificates whose expiry does not affect the cluster" },
  },
  impact = {
    en = "The component using the certificate can no longer authenticate: expired API server, "
      .. "etcd or kubeconfig certificates take the control plane down; an expired kubelet "
      .. "client certificate makes the node NotReady.",
    zh = "过期证书对应的组件无法再完成认证：API Server、etcd 或 kubeconfig 证书过期会导致管控面不可用；kubelet 客户端证书过期会导致节点 NotReady。",
  },
  remediation = {
    en = "Renew on each node: kubeadm certs renew all and restart the control-plane static "
      .. "Pods (ACK dedicated: the cert-rotate procedure on each master and node); for kubelet "
      .. "client certificates, re-bootstrap the kubelet and enable rotateCertificates.",
    zh = "在每个节点上更新证书：kubeadm certs renew all 后重启控制面静态 Pod（ACK 专有版：在每个 Master 与节点上执行 cert-rotate 更新流程）；"
      .. "kubelet 客户端证书过期时重新引导 kubelet 并开启 rotateCertificates。",
  },
  references = { "ACK 集群证书: 证书过期后的更新", "kubeadm certs renew" },
  tags = { "node", "certificates", "node-component" },
  check = function(s, ctx)
    local now = ctx.now()
    local ignore = ctx.param("ignore")
    local bad, count = {}, 0
    for _, c in ipairs(s.facts.certificates) do
      count = count + 1
      local na = c.not_after and ctx.parse_time(c.not_after)
      local nb = c.not_before and ctx.parse_time(c.not_before)
      if na == nil then return ctx.error("cannot parse not_after of " .. tostring(c.path)) end
      if not k8s.contains(ignore, c.path) then
        if na <= now then
          bad[#bad + 1] = { path = c.path, subject = c.subject, not_after = c.not_after,
                            problem = "expired " .. k8s.human_duration(now - na) .. " ago" }
        elseif nb ~= nil and nb > now then
          bad[#bad + 1] = { path = c.path, subject = c.subject, not_before = c.not_before,
                            problem = "not valid before " .. c.not_before }
        end
      end
    end
    if count == 0 then return ctx.na("no certificates were found on this node") end
    if #bad == 0 then return ctx.pass(string.format("none of %s has expired", k8s.plural(count, "certificate"))) end
    table.sort(bad, function(a, b) return tostring(a.path) < tostring(b.path) end)
    local parts = {}
    for i, b in ipairs(bad) do parts[i] = b.path .. " " .. b.problem end
    return ctx.fail(table.concat(parts, "; "), { certificates = bad })
  end,
}
