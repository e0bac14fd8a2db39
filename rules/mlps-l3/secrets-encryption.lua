-- 等保 8.1.4.8 b) (Kubernetes; CIS 1.2.27/1.2.28; cloud 8.2.4.5 d)): Secrets are encrypted at
-- rest in etcd.
--
-- Semantics (cluster; the kube-apiserver processes of the control-plane nodes' host facts):
--   * managed control plane (flavour ack-managed): manual — verify Secret 落盘加密 with a KMS key
--     in the console (ACK Pro), with the evidence to collect;
--   * every kube-apiserver found has --encryption-provider-config (and, when facts.files records
--     the file, it exists): pass. When the parsed file is in the host facts
--     (facts.encryption_config = { path, config = EncryptionConfiguration }, the shape the CIS
--     pack's 1.2.28 reads), the first provider of the entry covering secrets must be kms,
--     aescbc, aesgcm or secretbox — identity first (or no entry for secrets) fails; when the
--     file was not collected the message asks to confirm the provider;
--   * any kube-apiserver without it: fail, naming the nodes;
--   * no kube-apiserver process in the facts at all: error (cannot be evaluated).
local mlps = require("mlps")

local STRONG = { kms = true, aescbc = true, aesgcm = true, secretbox = true }

-- First provider name for secrets in an EncryptionConfiguration, or nil when no entry covers
-- secrets ("identity" when the entry starts with it).
local function secrets_provider(cfg)
  for _, entry in ipairs(cfg.resources or {}) do
    for _, r in ipairs(entry.resources or {}) do
      if r == "secrets" or r == "*.*" or r == "*." then
        local first = entry.providers and entry.providers[1]
        if first == nil then return nil end
        for name in pairs(first) do return name end
      end
    end
  end
  return nil
end

return {
  api = 1,
  id = "mlps-l3/secrets-encryption",
  title = {
    en = "Secrets are encrypted at rest in etcd (--encryption-provider-config)",
    zh = "Secret 在 etcd 中加密存储（--encryption-provider-config）",
  },
  severity = "high",
  scope = "cluster",
  requires = { "objects.nodes" },
  baselines = {
    cis = { control = "1.2.27", scored = false },
    mlps = { control = "8.1.4.8 b)" },
  },
  impact = {
    en = "Without an encryption provider, Secrets (passwords, tokens, TLS keys) are stored in "
      .. "etcd base64-encoded only: anyone with an etcd backup or the etcd data directory reads "
      .. "them all (8.1.4.8 b)).",
    zh = "未配置加密时，Secret（口令、令牌、TLS 私钥）在 etcd 中仅做 base64 编码：拿到 etcd 备份或数据目录的人即可"
      .. "读取全部 Secret（8.1.4.8 b)）。",
  },
  remediation = {
    en = "Write /etc/kubernetes/enc/encryption-config.yaml (kind EncryptionConfiguration; "
      .. "resources [secrets]; providers: kms v2 with the site KMS, or aescbc with a 32-byte key "
      .. "from `head -c 32 /dev/urandom | base64`, then identity {} last), mount it into the API "
      .. "server and add `--encryption-provider-config=/etc/kubernetes/enc/encryption-config.yaml` "
      .. "on every control-plane node; then re-encrypt existing Secrets: `kubectl get secrets -A "
      .. "-o json | kubectl replace -f -`. ACK Pro: enable Secret 落盘加密 with a KMS key.",
    zh = "编写 /etc/kubernetes/enc/encryption-config.yaml（kind 为 EncryptionConfiguration，resources 为 "
      .. "[secrets]，providers 使用单位 KMS 的 kms v2，或 aescbc 并用 `head -c 32 /dev/urandom | base64` 生成密钥，"
      .. "最后是 identity {}），挂载进 API Server，并在每个控制面节点加入 `--encryption-provider-config="
      .. "/etc/kubernetes/enc/encryption-config.yaml`；随后执行 `kubectl get secrets -A -o json | kubectl "
      .. "replace -f -` 重新加密已有 Secret。ACK Pro 集群在控制台开启 Secret 落盘加密并选择 KMS 密钥。",
  },
  references = { "GB/T 22239-2019 8.1.4.8 b)", "CIS Kubernetes Benchmark v1.12 1.2.27, 1.2.28" },
  tags = { "secrets", "encryption", "control-plane" },
  check = function(s, ctx)
    if mlps.managed(s) then
      return ctx.manual(mlps.msg("managed control plane (" .. tostring(s.flavour) .. "): verify "
        .. "that Secret encryption at rest (落盘加密) is enabled with a KMS key (ACK Pro console, "
        .. "cluster 基本信息) and keep the ActionTrail encrypt/decrypt events as evidence",
        "托管控制面（" .. tostring(s.flavour) .. "）：请在 ACK Pro 控制台集群“基本信息”中核查已使用 "
        .. "KMS 密钥开启 Secret 落盘加密，并留存操作审计（ActionTrail）中的加解密事件作为测评证据"))
    end
    local with, without, missing_file, weak, providers = {}, {}, {}, {}, {}
    local config
    for _, n in ipairs(ctx.objects("nodes")) do
      local name = tostring(n.metadata.name)
      local facts = ctx.node_facts(name)
      local argv = mlps.argv(facts, "kube-apiserver")
      if argv ~= nil then
        local path = ctx.flag(argv, "encryption-provider-config")
        if path == nil then
          without[#without + 1] = name
        else
          config = config or path
          local f = facts.files and facts.files[path]
          local ec = facts.encryption_config
          if f ~= nil and f.exists == false then
            missing_file[#missing_file + 1] = name
          elseif ec ~= nil and ec.config ~= nil then
            local p = secrets_provider(ec.config)
            providers[#providers + 1] = name .. ": " .. tostring(p or "no entry for secrets")
            if p ~= nil and STRONG[p] then with[#with + 1] = name
            else weak[#weak + 1] = name .. " (" .. tostring(p or "no entry for secrets") .. ")" end
          else
            with[#with + 1] = name
          end
        end
      end
    end
    table.sort(with) table.sort(without) table.sort(missing_file) table.sort(weak)
    table.sort(providers)
    local evidence = { encrypted = with, not_encrypted = without, config_missing = missing_file,
                       encryption_provider_config = config, secrets_providers = providers,
                       actual = #without > 0 and ("not set on " .. mlps.join(without)) or
                         ("--encryption-provider-config=" .. tostring(config)),
                       expected = "--encryption-provider-config on every kube-apiserver" }
    if #with + #without + #missing_file + #weak == 0 then
      return ctx.error(mlps.msg("no kube-apiserver process in the host facts of any node: the "
        .. "API server flags were not collected",
        "所有节点的主机数据中都没有 kube-apiserver 进程：未采集到 API Server 的启动参数"))
    end
    if #without > 0 or #missing_file > 0 or #weak > 0 then
      local parts, parts_zh = {}, {}
      if #without > 0 then
        parts[#parts + 1] = "no --encryption-provider-config on " .. mlps.join(without)
          .. ": Secrets are stored unencrypted in etcd"
        parts_zh[#parts_zh + 1] = mlps.join(without) .. " 未设置 --encryption-provider-config："
          .. "Secret 以明文存储在 etcd 中，不满足重要数据存储保密性要求"
      end
      if #missing_file > 0 then
        parts[#parts + 1] = "the encryption config does not exist on " .. mlps.join(missing_file)
        parts_zh[#parts_zh + 1] = mlps.join(missing_file) .. " 上不存在加密配置文件"
      end
      if #weak > 0 then
        parts[#parts + 1] = "Secrets are not encrypted by the first provider on " .. mlps.join(weak)
          .. " (expected kms, aescbc, aesgcm or secretbox first)"
        parts_zh[#parts_zh + 1] = mlps.join(weak) .. " 的首个加密提供者未对 Secret 加密（应为 kms、"
          .. "aescbc、aesgcm 或 secretbox）"
      end
      return ctx.fail(mlps.msg(table.concat(parts, "; "), table.concat(parts_zh, "；")), evidence)
    end
    if #providers > 0 then
      return ctx.pass(mlps.msg("Secrets encrypted at rest: " .. mlps.join(providers),
        "Secret 已落盘加密：" .. mlps.join(providers)), evidence)
    end
    return ctx.pass(mlps.msg("--encryption-provider-config=" .. tostring(config) .. " on "
      .. mlps.join(with) .. "; confirm its first provider for secrets is kms, aescbc, aesgcm or "
      .. "secretbox (not identity)",
      mlps.join(with) .. " 已设置 --encryption-provider-config=" .. tostring(config)
      .. "；请确认其中 secrets 的首个加密提供者为 kms、aescbc、aesgcm 或 secretbox（而不是 identity）"),
      evidence)
  end,
}
