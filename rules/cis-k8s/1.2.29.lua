-- CIS 1.2.29: API server uses only strong TLS cipher suites.
--
-- Semantics:
--   * control-plane nodes only; flags from the running kube-apiserver process (argv), which is
--     what the component really uses (the manifest may have been edited since).
--   * managed control plane (no control-plane node, e.g. ACK managed) -> na with the reason
--     on one representative node (lib/cis.lua).
--   * no kube-apiserver process on a control-plane node -> error; facts missing -> error.
--   * every suite in --tls-cipher-suites must be in the CIS 1.12 allow-list (the 11 suites in the
--     `allowed` parameter; CBC suites were removed in 1.12); unset -> fail (Go's default list
--     includes CBC suites), as kube-bench's valid_elements test fails on an empty value. On ACK the
--     ACK benchmark also allows the static-RSA GCM suites: shown as a deviation.
local cis = require("cis")

-- Suites the ACK benchmark (ack-1.0) allows beyond the CIS list: shown as a deviation.
local ACK_EXTRA = { "TLS_RSA_WITH_AES_256_GCM_SHA384", "TLS_RSA_WITH_AES_128_GCM_SHA256" }

return {
  api = 1,
  id = "cis-k8s/1.2.29",
  title = {
    en = "API server uses only strong TLS cipher suites",
    zh = "kube-apiserver 仅使用强 TLS 加密套件",
  },
  severity = "medium",
  scope = "node",
  requires = { "processes" },
  applies = cis.cp_applies,
  baselines = {
    cis = { control = "1.2.29", scored = false },
    mlps = { control = "8.1.4.8 a)" },
  },
  params = {
    allowed = {
      default = {
        "TLS_AES_128_GCM_SHA256",
        "TLS_AES_256_GCM_SHA384",
        "TLS_CHACHA20_POLY1305_SHA256",
        "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
        "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305",
        "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305",
        "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
      },
      description = "TLS cipher suites allowed (CIS 1.12 list)",
    },
  },
  impact = {
    en = "Without an allow-list the API server also accepts CBC and other weaker suites a "
      .. "downgrade attack can force.",
    zh = "不限制加密套件时 API Server 也接受 CBC 等较弱的套件，可能被降级攻击利用。",
  },
  remediation = {
    en = "Edit /etc/kubernetes/manifests/kube-apiserver.yaml on each control-plane node and set "
      .. "--tls-cipher-suites to a subset of: "
      .. "TLS_AES_128_GCM_SHA256,TLS_AES_256_GCM_SHA384,TLS_CHACHA20_POLY1305_SHA256,TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305,TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305,TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256; "
      .. "the kubelet restarts the component.",
    zh = "在每个控制面节点编辑 /etc/kubernetes/manifests/kube-apiserver.yaml，将 --tls-cipher-suites "
      .. "设置为以下套件的子集：TLS_AES_128_GCM_SHA256,TLS_AES_256_GCM_SHA384,TLS_CHACHA20_POLY1305_SHA256,TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305,TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305,TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256；kubelet "
      .. "会自动重启该组件。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 1.2.29" },
  tags = { "control-plane", "apiserver", "tls" },
  check = function(s, ctx)
    if cis.managed(s, ctx) then return cis.managed_na(s, ctx) end
    local argv = cis.argv(s, "kube-apiserver")
    if argv == nil then
      return ctx.error("kube-apiserver process not found on this control-plane node")
    end
    local allowed = ctx.param("allowed")
    local v = ctx.flag(argv, "tls-cipher-suites")
    local evidence = { flag = "--tls-cipher-suites", actual = v or "unset",
                       expected = "a subset of the allowed parameter" }
    if v == nil then
      return ctx.fail("--tls-cipher-suites is not set: the Go default list includes CBC suites",
        evidence)
    end
    local suites, bad, ack_ok = cis.split_csv(v), {}, true
    for _, suite in ipairs(suites) do
      if not cis.contains(allowed, suite) then
        bad[#bad + 1] = suite
        if not cis.contains(ACK_EXTRA, suite) then ack_ok = false end
      end
    end
    if #suites == 0 then return ctx.fail("--tls-cipher-suites is empty", evidence) end
    if #bad > 0 then
      evidence.not_allowed = bad
      local note = ack_ok and cis.ack_note(s, ctx, "the ACK benchmark allows the static-RSA GCM "
        .. "suites") or ""
      return ctx.fail("suites outside the allow-list: " .. cis.join(bad) .. note, evidence)
    end
    return ctx.pass(string.format("%d suites, all in the allow-list", #suites), evidence)
  end,
}
