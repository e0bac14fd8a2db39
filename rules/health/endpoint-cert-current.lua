-- Every local serving endpoint presents a current certificate: the one in the file its
-- component is configured with, and not an expired one (seed: "certificates: every PKI file
-- and serving endpoint"). The probe reads what each endpoint serves (`openssl s_client` on
-- kube-apiserver 6443, kubelet 10250, kube-controller-manager 10257, kube-scheduler 10259,
-- etcd 2379 and its peer port) and which file the component names (--tls-cert-file,
-- --cert-file, --peer-cert-file, the kubelet's tlsCertFile or cert directory).
--   served certificate expired                               -> fail
--   served certificate differs from its file on disk          -> fail (the file was renewed, the
--     process still serves the old one: it expires on the old date unless restarted)
--   otherwise -> pass; no endpoint answered -> na (nothing serves TLS on this node)
-- A file outside the directories the probe reads cannot be compared: named in the evidence.
-- Not collected (no openssl on the node, a host-root probe, no `timeout`) -> error.
local k8s = require("k8s")
local certs = require("certs")

return {
  api = 1,
  id = "health/endpoint-cert-current",
  title = {
    en = "Serving endpoints present their current certificate",
    zh = "各服务端点对外提供的是当前有效的证书",
  },
  severity = "high",
  scope = "node",
  applies = function(s) return not (s.roles and s.roles.virtual) end,  -- ECI: no host
  requires = { "endpoint_certificates", "certificates" },
  impact = {
    en = "A component keeps serving the certificate it loaded at start: after the file is "
      .. "renewed it still expires on the old date, and clients then fail TLS verification "
      .. "(kubectl, the API server's calls to kubelets and etcd) although the file looks fine.",
    zh = "组件只使用启动时加载的证书：证书文件更新后若未重启，仍会按旧证书的日期过期，届时客户端（kubectl、"
      .. "API Server 访问 kubelet 与 etcd）的 TLS 校验失败，而证书文件看起来却是正常的。",
  },
  remediation = {
    en = "Restart the component so it loads the renewed certificate: move the static Pod "
      .. "manifest out of /etc/kubernetes/manifests and back (kube-apiserver, "
      .. "kube-controller-manager, kube-scheduler, etcd), or systemctl restart kubelet. "
      .. "Renew an expired certificate first (kubeadm certs renew).",
    zh = "重启组件以加载新证书：将静态 Pod 清单移出 /etc/kubernetes/manifests 再移回（kube-apiserver、"
      .. "kube-controller-manager、kube-scheduler、etcd），或执行 systemctl restart kubelet。"
      .. "证书已过期时先续期（kubeadm certs renew）。",
  },
  references = { "ACK 更新证书", "kubeadm: Certificate Management with kubeadm" },
  tags = { "node", "certificates" },
  check = function(s, ctx)
    local now = ctx.now()
    local served = certs.served(s.facts)
    if #served == 0 then
      local states = {}
      for _, e in ipairs(s.facts.endpoint_certificates) do
        states[#states + 1] = tostring(e.endpoint) .. " " .. tostring(e.status)
      end
      return ctx.na("no TLS endpoint answered on this node (" .. table.concat(states, ", ") .. ")")
    end
    local bad, uncompared, evidence = {}, {}, { endpoints = {} }
    for _, e in ipairs(served) do
      local c = e.cert
      local label = string.format("%s on %s", tostring(e.component), tostring(e.endpoint))
      local t = c.not_after and ctx.parse_time(c.not_after)
      if t == nil then return ctx.error("cannot parse not_after of the certificate " .. label .. " serves") end
      local entry = { endpoint = e.endpoint, component = e.component, subject = c.subject,
                      not_after = c.not_after, file = e.configured_file }
      evidence.endpoints[#evidence.endpoints + 1] = entry
      if t <= now then
        bad[#bad + 1] = string.format("%s serves a certificate that expired %s ago (%s)", label,
          k8s.human_duration(now - t), c.not_after)
        entry.status = "expired"
      elseif e.configured_file ~= nil then
        local f = certs.file(s.facts, e.configured_file)
        if f == nil then
          uncompared[#uncompared + 1] = e.configured_file
          entry.status = "file not read"
        elseif not certs.same(f, c) then
          bad[#bad + 1] = string.format("%s serves a certificate valid until %s, but %s holds one "
            .. "valid until %s: restart it to load the file", label, tostring(c.not_after),
            e.configured_file, tostring(f.not_after))
          entry.status = "stale"
          entry.file_not_after = f.not_after
        else
          entry.status = "current"
        end
      else
        entry.status = "no file configured"
      end
    end
    if #uncompared > 0 then evidence.not_compared = uncompared end
    if #bad > 0 then return ctx.fail(table.concat(bad, "; "), evidence) end
    return ctx.pass(string.format("%s serve their current certificate", k8s.plural(#served, "endpoint")), evidence)
  end,
}
