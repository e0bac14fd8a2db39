-- 等保 8.1.4.6 (TV-01/TV-02; Kubernetes: image signature verification, CIS 5.5.1): trusted
-- verification of what runs.
--
-- Semantics (cluster):
--   * image signatures are verified at admission — a validating or mutating webhook whose name
--     or service contains one of `verifiers` (Kyverno, Sigstore policy-controller, Connaisseur,
--     Ratify, ...) or the ImagePolicyWebhook admission plugin on a control-plane node: pass; the
--     message says the node boot chain (Secure Boot, TPM, IMA) is still to be verified;
--   * the webhook configurations were collected and none verifies images: warn;
--   * they were not collected: manual, with the checks for nodes and images.
--   8.1.4.6 is a "可" (may) item; most assessments record it as partly met with evidence.
local mlps = require("mlps")

local function webhook_names(ctx, plural)
  local out = {}
  for _, cfg in ipairs(ctx.objects(plural)) do
    local parts = { tostring(cfg.metadata.name) }
    for _, w in ipairs(cfg.webhooks or {}) do
      parts[#parts + 1] = tostring(w.name)
      local svc = w.clientConfig and w.clientConfig.service
      if svc ~= nil then parts[#parts + 1] = tostring(svc.namespace) .. "/" .. tostring(svc.name) end
    end
    out[#out + 1] = { name = tostring(cfg.metadata.name), text = table.concat(parts, " "):lower() }
  end
  return out
end

return {
  api = 1,
  id = "mlps-l3/trusted-verification",
  title = {
    en = "Trusted verification: image signatures verified at admission; node boot chain",
    zh = "可信验证：准入阶段校验镜像签名；节点引导链可信验证",
  },
  severity = "low",
  scope = "cluster",
  baselines = {
    cis = { control = "5.5.1", scored = false },
    mlps = { control = "8.1.4.6" },
  },
  params = {
    verifiers = {
      default = { "kyverno", "policy.sigstore.dev", "policy-controller", "connaisseur", "ratify",
                  "notation", "image-policy", "cosign" },
      description = "name fragments of image-verification admission webhooks",
    },
  },
  impact = {
    en = "Without verification, a tampered image or node binary runs as if it were genuine; "
      .. "8.1.4.6 asks for verification against a root of trust and alarms on failure.",
    zh = "没有可信验证时，被篡改的镜像或节点程序会被当作正常程序运行；8.1.4.6 要求基于可信根进行验证并在验证失败时报警。",
  },
  remediation = {
    en = "Images: sign them in CI (cosign/Notation) and verify at admission — Kyverno "
      .. "verifyImages, Sigstore policy-controller, or ACK 容器安全策略 with ACR signing. Nodes: "
      .. "use trusted instances (vTPM, Secure Boot; check `mokutil --sb-state`, "
      .. "/sys/class/tpm/tpm0) or a file-integrity baseline (AIDE excluding /var/lib/containerd "
      .. "and /var/lib/kubelet/pods, `aide --check` daily) and send failures to the management "
      .. "centre. Record what is in place as evidence.",
    zh = "镜像：在 CI 中签名（cosign/Notation），在准入阶段校验——Kyverno verifyImages、Sigstore "
      .. "policy-controller，或 ACK 容器安全策略配合 ACR 镜像签名。节点：使用可信实例（vTPM、安全启动；用 "
      .. "`mokutil --sb-state`、/sys/class/tpm/tpm0 核对）或文件完整性基线（AIDE，排除 /var/lib/containerd 与 "
      .. "/var/lib/kubelet/pods，每日 `aide --check`），并将校验失败告警送至安全管理中心。保留现有措施作为证据。",
  },
  references = { "GB/T 22239-2019 8.1.4.6", "CIS Kubernetes Benchmark v1.12 5.5.1" },
  tags = { "supply-chain", "integrity" },
  check = function(s, ctx)
    local verifiers = ctx.param("verifiers")
    local found, collected = {}, false
    for _, plural in ipairs({ "validatingwebhookconfigurations", "mutatingwebhookconfigurations" }) do
      if ctx.has_objects(plural) then
        collected = true
        for _, w in ipairs(webhook_names(ctx, plural)) do
          for _, v in ipairs(verifiers) do
            if w.text:find(v:lower(), 1, true) then found[#found + 1] = w.name break end
          end
        end
      end
    end
    if ctx.has_objects("nodes") then
      for _, n in ipairs(ctx.objects("nodes")) do
        local facts = ctx.node_facts(n.metadata.name)
        local argv = mlps.argv(facts, "kube-apiserver")
        local plugins = argv and ctx.flag(argv, "enable-admission-plugins")
        if plugins and tostring(plugins):find("ImagePolicyWebhook", 1, true) then
          found[#found + 1] = "ImagePolicyWebhook (" .. tostring(n.metadata.name) .. ")"
        end
      end
    end
    table.sort(found)
    local nodes_todo = "node boot chain: verify Secure Boot/TPM (trusted instances) or an AIDE "
      .. "baseline with alarms, with evidence"
    local nodes_todo_zh = "节点启动链：请核查已启用安全启动/TPM（可信实例）或 AIDE 完整性基线及告警，"
      .. "并留存证据"
    local evidence = { image_verification = found,
                       actual = #found > 0 and mlps.join(found) or "no image verification found",
                       expected = "image signatures verified at "
      .. "admission; node boot chain verified" }
    if #found > 0 then
      return ctx.pass(mlps.msg("image verification at admission: " .. mlps.join(found) .. "; "
        .. nodes_todo, "准入时校验镜像签名：" .. mlps.join(found) .. "；" .. nodes_todo_zh), evidence)
    end
    if collected then
      return ctx.warn(mlps.msg("no image-signature verification at admission (webhooks: none of "
        .. mlps.join(verifiers) .. "); " .. nodes_todo,
        "准入时未校验镜像签名（未发现 " .. mlps.join(verifiers) .. " 的 webhook）；" .. nodes_todo_zh),
        evidence)
    end
    return ctx.manual(mlps.msg("admission webhooks were not collected; verify image signature "
      .. "verification at admission (Kyverno verifyImages, Sigstore policy-controller) and the "
      .. nodes_todo, "未采集准入 webhook；请核查准入时的镜像签名校验（Kyverno verifyImages、Sigstore "
      .. "policy-controller）；" .. nodes_todo_zh), evidence)
  end,
}
