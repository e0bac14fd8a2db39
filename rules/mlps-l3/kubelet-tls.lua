-- 等保 8.1.4.8 a) (Kubernetes; CIS 4.2.4, 4.2.9/4.2.10, 4.2.12): the kubelet serves only TLS
-- with a verifiable certificate.
--
-- Semantics (effective kubelet settings: flag over config file over default):
--   * readOnlyPort (--read-only-port) must be 0: the read-only port is plain HTTP without
--     authentication. Default: 0 with a config file (KubeletConfiguration), 10255 without.
--   * tlsMinVersion, when set, must not be VersionTLS10/VersionTLS11.
--   * serving certificate: tlsCertFile + tlsPrivateKeyFile, or serverTLSBootstrap: true (CSR
--     signed by the cluster CA) -> pass; neither -> warn: the kubelet generates a self-signed
--     certificate, so traffic is encrypted but the API server cannot verify the kubelet.
--   Any fail item wins.
local k8s = require("k8s")
local mlps = require("mlps")

return {
  api = 1,
  id = "mlps-l3/kubelet-tls",
  title = {
    en = "The kubelet serves only TLS (no read-only HTTP port, no old TLS versions)",
    zh = "kubelet 仅提供 TLS 加密服务（关闭只读 HTTP 端口，不使用旧版 TLS）",
  },
  severity = "high",
  scope = "node",
  requires = { "kubelet" },
  applies = function(s) return s.roles.virtual ~= true end,
  baselines = {
    cis = { control = "4.2.4", scored = false },
    mlps = { control = "8.1.4.8 a)" },
  },
  impact = {
    en = "The read-only port 10255 serves Pod specs (environment variables included) and node "
      .. "data over plain HTTP to anyone on the network; TLS 1.0/1.1 are broken.",
    zh = "只读端口 10255 以明文 HTTP 向网络上任何人提供 Pod 定义（含环境变量）和节点数据；TLS 1.0/1.1 已不安全。",
  },
  remediation = {
    en = "In /var/lib/kubelet/config.yaml set `readOnlyPort: 0`, `tlsMinVersion: VersionTLS12` "
      .. "and either `serverTLSBootstrap: true` (then approve the kubelet-serving CSRs: `kubectl "
      .. "get csr`, `kubectl certificate approve <csr>`) or tlsCertFile/tlsPrivateKeyFile; remove "
      .. "--read-only-port from the kubelet flags; `systemctl restart kubelet`.",
    zh = "在 /var/lib/kubelet/config.yaml 中设置 `readOnlyPort: 0`、`tlsMinVersion: VersionTLS12`，并设置 "
      .. "`serverTLSBootstrap: true`（之后用 `kubectl get csr`、`kubectl certificate approve <csr>` 批准 "
      .. "kubelet-serving 证书请求）或 tlsCertFile/tlsPrivateKeyFile；删除 kubelet 启动参数中的 "
      .. "--read-only-port，然后 `systemctl restart kubelet`。",
  },
  references = { "GB/T 22239-2019 8.1.4.8 a)", "CIS Kubernetes Benchmark v1.12 4.2.4, 4.2.9, 4.2.10, 4.2.12" },
  tags = { "kubelet", "tls" },
  check = function(s, ctx)
    local kubelet = s.facts.kubelet
    local has_config = kubelet.config ~= nil
    local port, port_src = ctx.effective(s, "kubelet", "readOnlyPort", "read-only-port",
      has_config and 0 or 10255)
    local minv = ctx.effective(s, "kubelet", "tlsMinVersion", "tls-min-version")
    local cert = ctx.effective(s, "kubelet", "tlsCertFile", "tls-cert-file")
    local key = ctx.effective(s, "kubelet", "tlsPrivateKeyFile", "tls-private-key-file")
    local bootstrap = ctx.effective(s, "kubelet", "serverTLSBootstrap", "rotate-server-certificates",
      false)
    local evidence = { read_only_port = port, read_only_port_source = port_src,
                       tls_min_version = minv, tls_cert_file = cert,
                       server_tls_bootstrap = bootstrap,
                       actual = "readOnlyPort " .. tostring(port) .. ", tlsMinVersion "
                         .. tostring(minv or "default") .. ", "
                         .. (k8s.is_true(bootstrap) and "serverTLSBootstrap" or
                             (cert and ("tlsCertFile " .. tostring(cert)) or "self-signed")),
                       expected = "readOnlyPort 0; TLS >= 1.2; CA-signed or configured serving certificate" }
    local bad, bad_zh = {}, {}
    if tonumber(port) ~= 0 then
      bad[#bad + 1] = string.format("read-only HTTP port %s is open (%s)", tostring(port), port_src)
      bad_zh[#bad_zh + 1] = string.format("只读 HTTP 端口 %s 已开放（%s），无需认证即可读取节点信息",
        tostring(port), port_src)
    end
    if minv == "VersionTLS10" or minv == "VersionTLS11" then
      bad[#bad + 1] = "tlsMinVersion " .. minv
      bad_zh[#bad_zh + 1] = "tlsMinVersion 为 " .. minv .. "（允许不安全的旧版 TLS）"
    end
    if #bad > 0 then
      return ctx.fail(mlps.msg(table.concat(bad, "; "), table.concat(bad_zh, "；")), evidence)
    end
    if k8s.is_true(bootstrap) then
      return ctx.pass(mlps.msg("readOnlyPort 0; serving certificate signed by the cluster CA "
        .. "(serverTLSBootstrap)", "readOnlyPort 为 0；服务端证书由集群 CA 签发（serverTLSBootstrap）"),
        evidence)
    end
    if cert ~= nil and key ~= nil then
      return ctx.pass(mlps.msg("readOnlyPort 0; serving certificate " .. tostring(cert),
        "readOnlyPort 为 0；服务端证书 " .. tostring(cert)), evidence)
    end
    return ctx.warn(mlps.msg("readOnlyPort 0, but no serving certificate is configured: the "
      .. "kubelet uses a self-signed certificate that clients cannot verify",
      "readOnlyPort 为 0，但未配置服务端证书：kubelet 使用客户端无法校验的自签名证书"), evidence)
  end,
}
