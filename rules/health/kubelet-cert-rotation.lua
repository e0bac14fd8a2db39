-- The kubelet rotates its client certificate (1-year lifetime in kubeadm and ACK).
--   rotateCertificates false (flag --rotate-certificates over the config; default true since
--     the config file sets it, false when neither does on old kubelets) -> fail
--   rotation on, but the client certificate in use is not the rotating
--     /var/lib/kubelet/pki/kubelet-client-current.pem (the kubeconfig embeds a static one) -> warn
-- Control-plane kubelets included. Virtual nodes have no kubelet facts (error from requires).
local k8s = require("k8s")

local CURRENT = "/var/lib/kubelet/pki/kubelet-client-current.pem"

return {
  api = 1,
  id = "health/kubelet-cert-rotation",
  title = { en = "Kubelet rotates its client certificate", zh = "kubelet 已开启客户端证书自动轮换" },
  severity = "high",
  scope = "node",
  requires = { "kubelet" },
  impact = {
    en = "Without rotation the kubelet's client certificate expires after a year and the node "
      .. "goes NotReady until it is re-bootstrapped by hand.",
    zh = "未开启轮换时 kubelet 客户端证书一年后过期，节点变为 NotReady，需要人工重新引导才能恢复。",
  },
  remediation = {
    en = "Set rotateCertificates: true in the kubelet configuration (or --rotate-certificates), "
      .. "point the kubelet kubeconfig's client-certificate at kubelet-client-current.pem, and "
      .. "make sure node client CSRs are approved (kube-controller-manager csrsigning).",
    zh = "在 kubelet 配置中设置 rotateCertificates: true（或 --rotate-certificates），kubelet kubeconfig 的 client-certificate 指向 kubelet-client-current.pem，"
      .. "并确保节点客户端证书的 CSR 能被自动批准。",
  },
  references = { "ACK 集群证书: kubelet 客户端证书自动轮换", "kubelet rotateCertificates" },
  tags = { "node", "kubelet", "certificates", "node-component" },
  check = function(s, ctx)
    local v, source = ctx.effective(s, "kubelet", "rotateCertificates", "rotate-certificates", false)
    local evidence = { rotateCertificates = v, source = source }
    if not k8s.is_true(v) then
      return ctx.fail("rotateCertificates is " .. tostring(v) .. " (" .. source .. "); the client certificate will expire", evidence)
    end
    local certs = s.facts.certificates
    if certs ~= nil then
      local rotating = false
      for _, c in ipairs(certs) do
        if c.path == CURRENT then rotating = true; evidence.client_not_after = c.not_after end
      end
      evidence.rotating_file = rotating
      if not rotating then
        return ctx.warn("rotateCertificates is on but " .. CURRENT .. " was not found: the kubelet may use a static client certificate", evidence)
      end
    end
    return ctx.pass("rotateCertificates true (" .. source .. ")", evidence)
  end,
}
