-- CIS 4.2.12: Kubelet uses only strong TLS cipher suites.
--
-- Semantics:
--   * every node with a kubelet (virtual-kubelet nodes have none); facts.kubelet missing -> error.
--   * effective value = command-line flag, else the kubelet config file (facts.kubelet.config,
--     drop-ins merged by the collector), else the kubelet default of the world it runs in:
--     flag defaults without --config, KubeletConfiguration defaults with it (reference §9.1).
--   * every suite must be in the CIS allow-list (`allowed` parameter); unset -> fail (Go's
--       default list includes weaker suites), as kube-bench's valid_elements test.
local cis = require("cis")

-- Suites the ACK benchmark (ack-1.0) also allows: shown as a deviation.
local ACK_EXTRA = { "TLS_RSA_WITH_AES_256_GCM_SHA384", "TLS_RSA_WITH_AES_128_GCM_SHA256" }

return {
  api = 1,
  id = "cis-k8s/4.2.12",
  title = {
    en = "Kubelet uses only strong TLS cipher suites",
    zh = "Kubelet 仅使用强 TLS 加密套件",
  },
  severity = "medium",
  scope = "node",
  requires = { "kubelet" },
  applies = function(s) return s.roles.virtual ~= true end,
  baselines = {
    cis = { control = "4.2.12", scored = false },
    mlps = { control = "8.1.4.8 a)" },
  },
  params = {
    allowed = {
      default = {
        "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305",
        "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305",
        "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
      },
      description = "TLS cipher suites allowed for the kubelet (CIS 1.12 list)",
    },
  },
  impact = {
    en = "Without an allow-list the kubelet also accepts weaker suites a downgrade attack can "
      .. "force.",
    zh = "不限制加密套件时 kubelet 也接受较弱的套件，可能被降级攻击利用。",
  },
  remediation = {
    en = "Set tlsCipherSuites to a subset of: TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, "
      .. "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305, "
      .. "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305, "
      .. "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 in the kubelet config file (kubeadm: "
      .. "/var/lib/kubelet/config.yaml; remove any conflicting command-line flag from the systemd "
      .. "drop-in, flags override the file), then restart the kubelet: systemctl restart kubelet.",
    zh = "在 kubelet 配置文件中设置 tlsCipherSuites 为以下套件的子集：TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, "
      .. "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305, "
      .. "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305, "
      .. "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384（kubeadm 集群为 /var/lib/kubelet/config.yaml；同时删除 "
      .. "systemd drop-in 中冲突的启动参数，启动参数优先于配置文件），然后执行 systemctl restart kubelet 重启 kubelet。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 4.2.12" },
  tags = { "kubelet", "tls" },
  check = function(s, ctx)
    local v, source = ctx.effective(s, "kubelet", "tlsCipherSuites", "tls-cipher-suites")
    local suites = {}
    if type(v) == "string" then
      suites = cis.split_csv(v)
    elseif v ~= nil then
      for _, x in ipairs(v) do suites[#suites + 1] = x end
    end
    local allowed = ctx.param("allowed")
    local evidence = { actual = #suites > 0 and suites or "unset", source = source,
                       expected = "a subset of the allowed parameter" }
    if #suites == 0 then
      return ctx.fail(cis.msg("TLS cipher suites not restricted (tlsCipherSuites / "
        .. "--tls-cipher-suites unset): the Go default list applies",
        "未限制 TLS 加密套件（tlsCipherSuites / --tls-cipher-suites 未设置）：使用 Go 的默认套件列表"),
        evidence)
    end
    local bad, ack_ok = {}, true
    for _, suite in ipairs(suites) do
      if not cis.contains(allowed, suite) then
        bad[#bad + 1] = suite
        if not cis.contains(ACK_EXTRA, suite) then ack_ok = false end
      end
    end
    if #bad > 0 then
      evidence.not_allowed = bad
      local text = "the ACK benchmark allows the static-RSA GCM suites"
      return ctx.fail(cis.msg("suites outside the allow-list (" .. source .. "): " .. cis.join(bad)
        .. (ack_ok and cis.ack_note(s, ctx, text) or ""),
        "使用了白名单之外的加密套件（" .. cis.src_zh(source) .. "）：" .. cis.join(bad)
        .. (ack_ok and cis.ack_note_zh(s, ctx, text) or "")), evidence)
    end
    return ctx.pass(cis.msg(string.format("%d suites, all in the allow-list (%s)", #suites, source),
      string.format("共 %d 个加密套件，均在白名单内（%s）", #suites, cis.src_zh(source))), evidence)
  end,
}
