-- CIS 5.4.2: External secret storage is considered.
--
-- Semantics:
--   * one cluster finding. The benchmark is Manual. Signals of an external secret store in the
--     snapshot: the Secrets Store CSI driver (CSIDriver secrets-store.csi.k8s.io), CRDs of
--     External Secrets, Vault operators, Sealed Secrets or ACK's ack-secret-manager -> pass with
--     what was found (verify that sensitive applications use it); none -> warn (consider one).
--     CRDs and CSIDrivers not collected -> only the collected kinds are searched.
local cis = require("cis")

local CRD_MARKERS = { "external-secrets.io", "secrets-store.csi.x-k8s.io", "secrets.hashicorp.com",
  "vault", "bitnami.com", "alibabacloud.com" }

return {
  api = 1,
  id = "cis-k8s/5.4.2",
  title = {
    en = "External secret storage is considered",
    zh = "考虑使用外部密钥管理系统存储 Secret",
  },
  severity = "low",
  scope = "cluster",
  baselines = {
    cis = { control = "5.4.2", scored = false },
    mlps = { control = "8.1.4.8 b)" },
  },
  impact = {
    en = "Kubernetes Secrets are only base64-encoded in the API and live in etcd and its backups; "
      .. "an external store adds access control, auditing and rotation.",
    zh = "Kubernetes Secret 在 API 中仅做 base64 编码并保存在 etcd 及其备份中；外部密钥管理系统可提供访问控制、审计和轮换能力。",
  },
  remediation = {
    en = "Integrate an external secret manager (e.g. Alibaba Cloud KMS Secrets Manager via "
      .. "ack-secret-manager or External Secrets, HashiCorp Vault, the Secrets Store CSI driver) "
      .. "for sensitive credentials.",
    zh = "为敏感凭据接入外部密钥管理系统（如通过 ack-secret-manager 或 External Secrets 对接阿里云 KMS 凭据管家、HashiCorp "
      .. "Vault、Secrets Store CSI 驱动）。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 5.4.2" },
  tags = { "secrets" },
  check = function(s, ctx)
    local found = {}
    if ctx.has_objects("csidrivers") then
      for _, d in ipairs(ctx.objects("csidrivers")) do
        local n = cis.dig(d, "metadata", "name")
        if n == "secrets-store.csi.k8s.io" then found[#found + 1] = "CSIDriver " .. n end
      end
    end
    if ctx.has_objects("customresourcedefinitions") then
      for _, d in ipairs(ctx.objects("customresourcedefinitions")) do
        local n = tostring(cis.dig(d, "metadata", "name"))
        for _, m in ipairs(CRD_MARKERS) do
          if n:find(m, 1, true) and (m ~= "bitnami.com" or n:find("sealedsecrets", 1, true))
              and (m ~= "alibabacloud.com" or n:find("externalsecret", 1, true)) then
            found[#found + 1] = "CRD " .. n
            break
          end
        end
      end
    end
    table.sort(found)
    local searched = {}
    for _, k in ipairs({ "csidrivers", "customresourcedefinitions" }) do
      if ctx.has_objects(k) then searched[#searched + 1] = k end
    end
    local evidence = { found = found, searched = searched }
    if #found > 0 then
      return ctx.pass(cis.msg("external secret store integration found: " .. cis.shorten(found, 5)
        .. "; verify that sensitive applications use it",
        "发现外部密钥管理集成：" .. cis.shorten(found, 5) .. "；请核查敏感应用已使用"), evidence)
    end
    return ctx.warn(cis.msg("no external secret store integration found (searched: "
      .. (#searched > 0 and cis.join(searched) or "nothing collected") .. "); consider one for "
      .. "sensitive credentials", "未发现外部密钥管理集成（检查范围："
      .. (#searched > 0 and cis.join(searched) or "未采集") .. "）；敏感凭据建议使用外部密钥管理"), evidence)
  end,
}
