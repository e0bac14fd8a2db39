-- 等保 8.1.4.8 a) and 8.1.4.7 a) (Kubernetes; CIS 1.2.4-1.2.5, 1.2.23-1.2.26): every channel of
-- the API server is encrypted with TLS.
--
-- Semantics (control-plane nodes, kube-apiserver argv):
--   * serving: --tls-cert-file and --tls-private-key-file set, --client-ca-file set;
--   * to etcd: --etcd-servers all https://, --etcd-cafile, --etcd-certfile, --etcd-keyfile set;
--   * to kubelets: --kubelet-client-certificate and --kubelet-client-key set;
--   * no insecure port: --insecure-port absent or 0 (removed in 1.24);
--   any of these missing: fail. All present but --kubelet-certificate-authority unset: warn —
--   the channel is encrypted but the API server does not verify the kubelet's serving
--   certificate (kubeadm default; CIS 1.2.5). Otherwise pass.
local mlps = require("mlps")
local k8s = require("k8s")

return {
  api = 1,
  id = "mlps-l3/apiserver-tls",
  title = {
    en = "API server traffic is encrypted: clients, etcd and kubelets over TLS",
    zh = "kube-apiserver 通信加密：客户端、etcd、kubelet 链路均使用 TLS",
  },
  severity = "high",
  scope = "node",
  requires = { "processes" },
  applies = function(s) return s.roles.control_plane == true end,
  baselines = {
    cis = { control = "1.2.24", scored = true },
    mlps = { control = "8.1.4.8 a)" },
  },
  impact = {
    en = "Credentials, tokens and Secrets cross these links; any plain or unauthenticated hop "
      .. "lets someone on the network read or alter them (8.1.4.7 a), 8.1.4.8 a)).",
    zh = "凭据、令牌与 Secret 都经过这些链路；任何一段明文或未认证的链路，都可能被网络上的攻击者窃听或篡改"
      .. "（8.1.4.7 a)、8.1.4.8 a)）。",
  },
  remediation = {
    en = "In /etc/kubernetes/manifests/kube-apiserver.yaml set --tls-cert-file/--tls-private-"
      .. "key-file, --client-ca-file, --etcd-servers=https://..., --etcd-cafile/--etcd-certfile/"
      .. "--etcd-keyfile, --kubelet-client-certificate/--kubelet-client-key (kubeadm sets all "
      .. "of these) and --kubelet-certificate-authority=/etc/kubernetes/pki/ca.crt once the "
      .. "kubelets have CA-signed serving certificates (serverTLSBootstrap: true and approved "
      .. "CSRs).",
    zh = "在 /etc/kubernetes/manifests/kube-apiserver.yaml 中设置 --tls-cert-file/--tls-private-key-file、"
      .. "--client-ca-file、--etcd-servers=https://...、--etcd-cafile/--etcd-certfile/--etcd-keyfile、"
      .. "--kubelet-client-certificate/--kubelet-client-key（kubeadm 默认均已设置）；在 kubelet 使用 CA 签发的"
      .. "服务证书后（serverTLSBootstrap: true 并批准 CSR），再设置 --kubelet-certificate-authority="
      .. "/etc/kubernetes/pki/ca.crt。",
  },
  references = { "GB/T 22239-2019 8.1.4.7 a), 8.1.4.8 a)",
                 "CIS Kubernetes Benchmark v1.12 1.2.4, 1.2.5, 1.2.23-1.2.26" },
  tags = { "control-plane", "apiserver", "tls" },
  check = function(s, ctx)
    local argv = mlps.argv(s.facts, "kube-apiserver")
    if argv == nil then
      return ctx.error(mlps.msg("kube-apiserver process not found on this control-plane node",
        "在本控制面节点上未找到 kube-apiserver 进程"))
    end
    local missing = {}
    for _, f in ipairs({ "tls-cert-file", "tls-private-key-file", "client-ca-file", "etcd-cafile",
                         "etcd-certfile", "etcd-keyfile", "kubelet-client-certificate",
                         "kubelet-client-key" }) do
      if ctx.flag(argv, f) == nil then missing[#missing + 1] = "--" .. f end
    end
    local plain = {}
    for _, url in ipairs(k8s.split_csv(ctx.flag(argv, "etcd-servers"))) do
      if not k8s.starts_with(url, "https://") and not k8s.starts_with(url, "unix") then
        plain[#plain + 1] = url
      end
    end
    local insecure = mlps.num(ctx.flag(argv, "insecure-port"))
    local ca = ctx.flag(argv, "kubelet-certificate-authority")
    local evidence = { missing = missing, plain_etcd_servers = plain, insecure_port = insecure,
                       kubelet_certificate_authority = ca or "unset",
                       actual = (#missing > 0 and ("missing " .. mlps.join(missing)) or "TLS flags set")
                         .. (#plain > 0 and ("; plain etcd " .. mlps.join(plain)) or "")
                         .. "; --kubelet-certificate-authority " .. tostring(ca or "unset"),
                       expected = "TLS serving, https etcd with client certs, kubelet client certs, "
                         .. "kubelet CA" }
    local bad, bad_zh = {}, {}
    if #missing > 0 then
      bad[#bad + 1] = "not set: " .. mlps.join(missing)
      bad_zh[#bad_zh + 1] = "未设置：" .. mlps.join(missing)
    end
    if #plain > 0 then
      bad[#bad + 1] = "etcd over plain HTTP: " .. mlps.join(plain)
      bad_zh[#bad_zh + 1] = "与 etcd 之间使用明文 HTTP：" .. mlps.join(plain)
    end
    if insecure ~= nil and insecure ~= 0 then
      bad[#bad + 1] = "--insecure-port=" .. insecure .. " serves the API without TLS or authentication"
      bad_zh[#bad_zh + 1] = "--insecure-port=" .. insecure .. " 在无 TLS、无身份鉴别的端口上提供 API"
    end
    if #bad > 0 then
      return ctx.fail(mlps.msg(table.concat(bad, "; "), table.concat(bad_zh, "；")), evidence)
    end
    if ca == nil then
      return ctx.warn(mlps.msg("TLS on all channels, but --kubelet-certificate-authority is not "
        .. "set: the API server does not verify kubelet serving certificates (man-in-the-middle "
        .. "possible on the node network)",
        "各通信链路均已启用 TLS，但未设置 --kubelet-certificate-authority：API Server 不校验 kubelet "
        .. "的服务端证书（节点网络上存在中间人攻击风险）"), evidence)
    end
    return ctx.pass(mlps.msg("TLS serving, etcd over https with client certificates, kubelet "
      .. "client certificates and CA verification",
      "API Server 启用 TLS，与 etcd 之间使用 HTTPS 和客户端证书，访问 kubelet 使用客户端证书并校验其 CA"),
      evidence)
  end,
}
