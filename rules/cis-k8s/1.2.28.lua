-- CIS 1.2.28: Encryption providers are configured appropriately.
--
-- Semantics:
--   * control-plane nodes only; flags from the running kube-apiserver process (argv), which is
--     what the component really uses (the manifest may have been edited since).
--   * managed control plane (no control-plane node, e.g. ACK managed) -> na with the reason
--     on one representative node (lib/cis.lua).
--   * no kube-apiserver process on a control-plane node -> error; facts missing -> error.
--   * without --encryption-provider-config nothing is encrypted -> fail. With it, the parsed file
--     is read from facts.encryption_config ({ path, config: EncryptionConfiguration as JSON },
--     a fact shape not yet in docs/snapshot.md): the first provider of the entry covering
--     secrets must be aescbc, kms or secretbox. File not collected -> manual with the path.
local cis = require("cis")

return {
  api = 1,
  id = "cis-k8s/1.2.28",
  title = {
    en = "Encryption providers are configured appropriately",
    zh = "静态数据加密使用合适的加密提供方（aescbc、kms 或 secretbox）",
  },
  severity = "high",
  scope = "node",
  requires = { "processes" },
  applies = cis.cp_applies,
  baselines = {
    cis = { control = "1.2.28", scored = false },
    mlps = { control = "8.1.4.8 b)" },
  },
  impact = {
    en = "An EncryptionConfiguration whose first provider is identity (or a weak one) leaves "
      .. "Secrets unencrypted or poorly protected.",
    zh = "若 EncryptionConfiguration 的首个 provider 是 identity（或较弱的算法），Secret 实际上未加密或保护不足。",
  },
  remediation = {
    en = "In the file named by --encryption-provider-config make the first provider for secrets "
      .. "kms (v2), aescbc or secretbox, with identity only as the last fallback; restart the API "
      .. "server and rewrite existing Secrets.",
    zh = "在 --encryption-provider-config 指定的文件中，将 secrets 的首个 provider 设为 kms（v2）、aescbc 或 "
      .. "secretbox，identity 仅作为最后的回退；重启 API Server 并重写已有 Secret。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 1.2.28" },
  tags = { "control-plane", "apiserver", "encryption" },
  check = function(s, ctx)
    if cis.managed(s, ctx) then return cis.managed_na(s, ctx) end
    local argv = cis.argv(s, "kube-apiserver")
    if argv == nil then
      return ctx.error(cis.msg("kube-apiserver process not found on this control-plane node", "在本控制面节点上未找到 kube-apiserver 进程"))
    end
    local file = ctx.flag(argv, "encryption-provider-config")
    if file == nil then
      return ctx.fail(cis.msg("--encryption-provider-config is not set: Secrets are not encrypted "
        .. "at rest", "未设置 --encryption-provider-config：Secret 未落盘加密"),
        { flag = "--encryption-provider-config", actual = "unset",
          expected = "first provider kms, aescbc or secretbox" })
    end
    local enc = s.facts.encryption_config
    if enc == nil or enc.config == nil or (enc.path ~= nil and enc.path ~= file) then
      return ctx.manual(cis.msg("verify that in " .. file .. " the first provider for secrets is "
        .. "kms (v2 preferred), aescbc or secretbox, not identity or aesgcm (the file content is "
        .. "not collected)", "请核查 " .. file .. " 中 secrets 的首个加密提供者为 kms（优先 v2）、"
        .. "aescbc 或 secretbox，而不是 identity 或 aesgcm（未采集该文件内容）"))
    end
    local first, covered = nil, false
    for _, r in ipairs(enc.config.resources or {}) do
      local applies = false
      for _, res in ipairs(r.resources or {}) do
        if res == "secrets" or res == "*.*" or res == "*." then applies = true end
      end
      if applies and not covered then
        covered = true
        local p = (r.providers or {})[1]
        if p ~= nil then for k in pairs(p) do first = k end end
      end
    end
    local evidence = { file = file, first_provider = first or "none",
                       expected = "aescbc, kms or secretbox" }
    if not covered then
      return ctx.fail(cis.msg(file .. " has no entry for secrets: Secrets are not encrypted", file .. " 中没有针对 secrets 的配置：Secret 未加密"), evidence)
    end
    if first == "aescbc" or first == "kms" or first == "secretbox" then
      return ctx.pass(cis.msg("first provider for secrets in " .. file .. ": " .. first, file .. " 中 secrets 的首个加密提供者为 " .. first), evidence)
    end
    return ctx.fail(cis.msg("first provider for secrets in " .. file .. " is " .. tostring(first)
      .. ", expected aescbc, kms or secretbox", file .. " 中 secrets 的首个加密提供者为 "
      .. tostring(first) .. "，应为 aescbc、kms 或 secretbox"), evidence)
  end,
}
