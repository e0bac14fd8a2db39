-- CIS 4.2.9: Kubelet serves TLS with a configured certificate.
--
-- Semantics:
--   * every node with a kubelet (virtual-kubelet nodes have none); facts.kubelet missing -> error.
--   * effective value = command-line flag, else the kubelet config file (facts.kubelet.config,
--     drop-ins merged by the collector), else the kubelet default of the world it runs in:
--     flag defaults without --config, KubeletConfiguration defaults with it (reference §9.1).
--   * both the certificate and the key set -> pass; serverTLSBootstrap (--rotate-server-
--       certificates) true -> pass (the serving certificate comes from the cluster CA);
--       otherwise the kubelet self-signs -> fail.
local cis = require("cis")

return {
  api = 1,
  id = "cis-k8s/4.2.9",
  title = {
    en = "Kubelet serves TLS with a configured certificate",
    zh = "Kubelet 已配置 TLS 服务证书（tlsCertFile/tlsPrivateKeyFile）",
  },
  severity = "medium",
  scope = "node",
  requires = { "kubelet" },
  applies = function(s) return s.roles.virtual ~= true end,
  baselines = {
    cis = { control = "4.2.9", scored = false },
    mlps = { control = "8.1.4.8 a)" },
  },
  impact = {
    en = "Without a configured certificate the kubelet serves a self-signed certificate that the "
      .. "API server cannot verify.",
    zh = "未配置证书时 kubelet 使用自签名证书，API Server 无法校验。",
  },
  remediation = {
    en = "Set tlsCertFile and tlsPrivateKeyFile (or --tls-cert-file/--tls-private-key-file), or "
      .. "serverTLSBootstrap: true with the CSRs approved so the cluster CA signs the serving "
      .. "certificate in the kubelet config file (kubeadm: /var/lib/kubelet/config.yaml; remove "
      .. "any conflicting command-line flag from the systemd drop-in, flags override the file), "
      .. "then restart the kubelet: systemctl restart kubelet.",
    zh = "在 kubelet 配置文件中设置 tlsCertFile 与 tlsPrivateKeyFile（或 "
      .. "--tls-cert-file/--tls-private-key-file），或设置 serverTLSBootstrap: true 并审批 CSR，使服务证书由集群 CA "
      .. "签发（kubeadm 集群为 /var/lib/kubelet/config.yaml；同时删除 systemd drop-in "
      .. "中冲突的启动参数，启动参数优先于配置文件），然后执行 systemctl restart kubelet 重启 kubelet。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 4.2.9" },
  tags = { "kubelet", "tls" },
  check = function(s, ctx)
    local cert, cs = ctx.effective(s, "kubelet", "tlsCertFile", "tls-cert-file")
    local key, ks = ctx.effective(s, "kubelet", "tlsPrivateKeyFile", "tls-private-key-file")
    local boot, bs = ctx.effective(s, "kubelet", "serverTLSBootstrap", "rotate-server-certificates",
                                   false)
    local evidence = { tls_cert_file = cert or "unset", tls_private_key_file = key or "unset",
                       server_tls_bootstrap = boot, expected = "certificate and key, or serverTLSBootstrap" }
    if cert ~= nil and cert ~= "" and key ~= nil and key ~= "" then
      return ctx.pass(cis.msg("serving certificate " .. tostring(cert) .. " (" .. cs .. "), key "
        .. tostring(key) .. " (" .. ks .. ")", "服务端证书 " .. tostring(cert) .. "（"
        .. cis.src_zh(cs) .. "），私钥 " .. tostring(key) .. "（" .. cis.src_zh(ks) .. "）"), evidence)
    end
    if cis.is_true(boot) then
      return ctx.pass(cis.msg("serving certificate requested from the cluster CA "
        .. "(serverTLSBootstrap, " .. bs .. ")", "服务端证书向集群 CA 申请（serverTLSBootstrap，"
        .. cis.src_zh(bs) .. "）"), evidence)
    end
    return ctx.fail(cis.msg("no serving certificate configured (tlsCertFile/tlsPrivateKeyFile "
      .. "unset, serverTLSBootstrap off): the kubelet uses a self-signed certificate",
      "未配置服务端证书（tlsCertFile/tlsPrivateKeyFile 未设置，serverTLSBootstrap 未开启）：kubelet "
      .. "使用自签名证书"), evidence)
  end,
}
