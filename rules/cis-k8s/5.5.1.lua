-- CIS 5.5.1: Image provenance is configured (ImagePolicyWebhook or an admission policy).
--
-- Semantics:
--   * one cluster finding. The benchmark is Manual. Signals of image provenance enforcement:
--     ImagePolicyWebhook in --enable-admission-plugins of a control-plane node (host facts), or
--     an admission webhook of Kyverno, Sigstore policy-controller, Connaisseur, Ratify, Kritis
--     (ACK) or Gatekeeper -> pass naming it, with what to verify (that it checks signatures or
--     registries); none -> warn.
local cis = require("cis")

local ENGINES = { "kyverno", "policy.sigstore.dev", "policy-controller", "connaisseur", "ratify",
  "kritis", "gatekeeper", "image-policy" }

return {
  api = 1,
  id = "cis-k8s/5.5.1",
  title = {
    en = "Image provenance is configured (ImagePolicyWebhook or an admission policy)",
    zh = "已配置镜像来源校验（ImagePolicyWebhook 或准入策略）",
  },
  severity = "medium",
  scope = "cluster",
  baselines = {
    cis = { control = "5.5.1", scored = false },
    mlps = { control = "8.1.4.6 a)" },
  },
  impact = {
    en = "Without provenance checks any image from any registry can run, including tampered or "
      .. "typosquatted ones.",
    zh = "没有镜像来源校验时，可以运行任意仓库的任意镜像，包括被篡改或仿冒的镜像。",
  },
  remediation = {
    en = "Enforce image provenance: the ImagePolicyWebhook admission plugin, or a policy engine "
      .. "verifying signatures and allowed registries (Kyverno verifyImages, Sigstore "
      .. "policy-controller; on ACK the kritis-based container image signature verification).",
    zh = "实施镜像来源校验：启用 ImagePolicyWebhook 准入插件，或使用可校验签名和镜像仓库白名单的策略引擎（Kyverno verifyImages、Sigstore "
      .. "policy-controller；ACK 可使用基于 kritis 的镜像签名验证）。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 5.5.1" },
  tags = { "admission", "supply-chain" },
  check = function(s, ctx)
    local found = {}
    if ctx.has_objects("nodes") then
      for _, n in ipairs(ctx.objects("nodes")) do
        local argv = cis.dig(ctx.node_facts(cis.dig(n, "metadata", "name")), "processes",
          "kube-apiserver", "argv")
        if argv ~= nil and cis.contains(cis.split_csv(ctx.flag(argv, "enable-admission-plugins")),
            "ImagePolicyWebhook") and not cis.contains(found, "ImagePolicyWebhook") then
          found[#found + 1] = "ImagePolicyWebhook"
        end
      end
    end
    for _, plural in ipairs({ "validatingwebhookconfigurations", "mutatingwebhookconfigurations" }) do
      if ctx.has_objects(plural) then
        for _, w in ipairs(ctx.objects(plural)) do
          local name = tostring(cis.dig(w, "metadata", "name"))
          for _, e in ipairs(ENGINES) do
            if name:lower():find(e, 1, true) and not cis.contains(found, name) then
              found[#found + 1] = name
              break
            end
          end
        end
      end
    end
    table.sort(found)
    local evidence = { found = found }
    if #found > 0 then
      return ctx.pass(cis.msg("image admission control found: " .. cis.shorten(found, 5)
        .. "; verify that it enforces signatures or allowed registries",
        "发现镜像准入控制：" .. cis.shorten(found, 5) .. "；请核查其校验镜像签名或限制镜像仓库"), evidence)
    end
    return ctx.warn(cis.msg("no image provenance mechanism found (no ImagePolicyWebhook, no image "
      .. "policy webhook)", "未发现镜像来源校验机制（没有 ImagePolicyWebhook，也没有镜像策略 webhook）"),
      evidence)
  end,
}
