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
--   * the expected value depends on the benchmark version (lib/cis.lua cis.benchmark, from the
--     cluster version; parameter `benchmark` overrides): CIS v1.11 (Kubernetes 1.29-1.31) also
--     allows the four ECDHE CBC-SHA suites (CBC_V1_11), v1.12 does not. Messages name the version.
local cis = require("cis")

-- Suites the ACK benchmark (ack-1.0) allows beyond the CIS list: shown as a deviation.
local ACK_EXTRA = { "TLS_RSA_WITH_AES_256_GCM_SHA384", "TLS_RSA_WITH_AES_128_GCM_SHA256" }

-- Suites CIS v1.11 allows on top of the v1.12 list (removed in v1.12: reference §7).
local CBC_V1_11 = {
  "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
  "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
}

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
      description = "TLS cipher suites allowed (CIS 1.12 list; v1.11 adds the ECDHE CBC-SHA suites)",
    },
    benchmark = {
      default = "auto",
      description = "CIS Kubernetes Benchmark version: auto (from the cluster version), 1.11 or 1.12",
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
  references = { "CIS Kubernetes Benchmark v1.12 1.2.29", "CIS Kubernetes Benchmark v1.11 1.2.29" },
  tags = { "control-plane", "apiserver", "tls" },
  check = function(s, ctx)
    if cis.managed(s, ctx) then return cis.managed_na(s, ctx) end
    local argv = cis.argv(s, "kube-apiserver")
    if argv == nil then
      return ctx.error(cis.msg("kube-apiserver process not found on this control-plane node",
        "在本控制面节点上未找到 kube-apiserver 进程"))
    end
    local version = cis.benchmark_version(s, ctx.param("benchmark"))
    local allowed = {}
    for _, suite in ipairs(ctx.param("allowed")) do allowed[#allowed + 1] = suite end
    if version == "1.11" then
      for _, suite in ipairs(CBC_V1_11) do allowed[#allowed + 1] = suite end
    end
    local bench = "CIS v" .. version
    local v = ctx.flag(argv, "tls-cipher-suites")
    local evidence = { flag = "--tls-cipher-suites", actual = v or "unset", benchmark = bench,
                       expected = "a subset of the allowed parameter"
                         .. (version == "1.11" and " plus the v1.11 CBC-SHA suites" or "") }
    if v == nil then
      return ctx.fail(cis.msg("--tls-cipher-suites is not set: the Go default list includes "
        .. "suites outside the " .. bench .. " allow-list",
        "未设置 --tls-cipher-suites：Go 的默认套件列表包含 " .. bench .. " 白名单之外的套件"),
        evidence)
    end
    local suites, bad, ack_ok = cis.split_csv(v), {}, true
    for _, suite in ipairs(suites) do
      if not cis.contains(allowed, suite) then
        bad[#bad + 1] = suite
        if not cis.contains(ACK_EXTRA, suite) then ack_ok = false end
      end
    end
    if #suites == 0 then
      return ctx.fail(cis.msg("--tls-cipher-suites is empty", "--tls-cipher-suites 为空"), evidence)
    end
    if #bad > 0 then
      evidence.not_allowed = bad
      local text = "the ACK benchmark allows the static-RSA GCM suites"
      local note = ack_ok and cis.ack_note(s, ctx, text) or ""
      local note_zh = ack_ok and cis.ack_note_zh(s, ctx, text) or ""
      return ctx.fail(cis.msg("suites outside the " .. bench .. " allow-list: " .. cis.join(bad)
        .. note, "使用了 " .. bench .. " 白名单之外的加密套件：" .. cis.join(bad) .. note_zh),
        evidence)
    end
    return ctx.pass(cis.msg(string.format("%d suites, all in the %s allow-list", #suites, bench),
      string.format("共 %d 个加密套件，均在 %s 白名单内", #suites, bench)), evidence)
  end,
}
