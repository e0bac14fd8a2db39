-- CIS 4.2.3: Kubelet verifies client certificates against a CA.
--
-- Semantics:
--   * every node with a kubelet (virtual-kubelet nodes have none); facts.kubelet missing -> error.
--   * effective value = command-line flag, else the kubelet config file (facts.kubelet.config,
--     drop-ins merged by the collector), else the kubelet default of the world it runs in:
--     flag defaults without --config, KubeletConfiguration defaults with it (reference §9.1).
--   * the client CA must be set (non-empty); there is no default.

local cis = require("cis")

return {
  api = 1,
  id = "cis-k8s/4.2.3",
  title = {
    en = "Kubelet verifies client certificates against a CA",
    zh = "Kubelet 使用 CA 校验客户端证书（clientCAFile）",
  },
  severity = "high",
  scope = "node",
  requires = { "kubelet" },
  applies = function(s) return s.roles.virtual ~= true end,
  baselines = {
    cis = { control = "4.2.3", scored = true },
    mlps = { control = "8.1.4.1 a)" },
  },
  impact = {
    en = "Without a client CA the kubelet cannot authenticate the API server or any other client "
      .. "by certificate.",
    zh = "未配置客户端 CA 时，kubelet 无法通过证书认证 API Server 或其他客户端。",
  },
  remediation = {
    en = "Set authentication.x509.clientCAFile: /etc/kubernetes/pki/ca.crt (or --client-ca-file) "
      .. "in the kubelet config file (kubeadm: /var/lib/kubelet/config.yaml; remove any "
      .. "conflicting command-line flag from the systemd drop-in, flags override the file), then "
      .. "restart the kubelet: systemctl restart kubelet.",
    zh = "在 kubelet 配置文件中设置 authentication.x509.clientCAFile: /etc/kubernetes/pki/ca.crt（或启动参数 "
      .. "--client-ca-file）（kubeadm 集群为 /var/lib/kubelet/config.yaml；同时删除 systemd drop-in "
      .. "中冲突的启动参数，启动参数优先于配置文件），然后执行 systemctl restart kubelet 重启 kubelet。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 4.2.3" },
  tags = { "kubelet", "authentication", "tls" },
  check = function(s, ctx)
    local v, source = ctx.effective(s, "kubelet", "authentication.x509.clientCAFile",
                                    "client-ca-file")
    local evidence = { actual = v or "unset", source = source, expected = "a CA file" }
    if v == nil or v == "" then
      return ctx.fail(cis.msg("no client CA: neither --client-ca-file nor "
        .. "authentication.x509.clientCAFile is set",
        "未配置客户端 CA：--client-ca-file 和 authentication.x509.clientCAFile 均未设置"), evidence)
    end
    return ctx.pass(cis.msg("client CA " .. tostring(v) .. " (" .. source .. ")",
      "客户端 CA 为 " .. tostring(v) .. "（" .. cis.src_zh(source) .. "）"), evidence)
  end,
}
