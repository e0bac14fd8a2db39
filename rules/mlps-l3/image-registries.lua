-- 等保 8.1.4.5 (Kubernetes: images only from approved, scanned registries) and 8.2.4.4 b):
-- image provenance.
--
-- Semantics (cluster, every container of every collected Pod, terminated Pods included):
--   * an image's registry is its first path component when that contains "." or ":" or is
--     "localhost"; otherwise docker.io (busybox -> docker.io/library/busybox).
--   * allowed_registries empty (the default): manual — the evidence is the inventory of
--     registries in use with their namespaces, for the assessor to confirm and then put into the
--     profile (one line of YAML).
--   * otherwise an image is allowed when "<registry>/<path>" starts with an entry (entries may
--     be a registry, "docker.io/calico", ...); fail lists the images from elsewhere and where
--     they run, pass otherwise.
local mlps = require("mlps")

local function normalise(image)
  local ref = tostring(image):gsub("@.*$", "")
  local first, rest = ref:match("^([^/]+)/(.+)$")
  if first ~= nil and (first:find("[.:]") or first == "localhost") then
    return first .. "/" .. rest, first
  end
  if first == nil then return "docker.io/library/" .. ref, "docker.io" end
  return "docker.io/" .. ref, "docker.io"
end

local function allowed(full, list)
  for _, a in ipairs(list) do
    local prefix = tostring(a):gsub("/+$", "")
    if full == prefix or full:sub(1, #prefix + 1) == prefix .. "/" then return true end
  end
  return false
end

return {
  api = 1,
  id = "mlps-l3/image-registries",
  title = {
    en = "Images come only from approved registries",
    zh = "镜像仅来自经批准的镜像仓库",
  },
  severity = "medium",
  scope = "cluster",
  requires = { "objects.pods" },
  baselines = { mlps = { control = "8.1.4.5" } },
  params = {
    allowed_registries = { default = {},
      description = "approved registries or path prefixes (e.g. registry.example.com, registry.k8s.io, docker.io/calico); empty = list what is used (manual)" },
  },
  impact = {
    en = "Images pulled from arbitrary public registries bypass the organisation's image "
      .. "scanning and signing, a common way for miners and backdoors to enter a cluster.",
    zh = "从任意公共仓库拉取的镜像绕过了单位的镜像扫描与签名流程，是挖矿程序和后门进入集群的常见途径。",
  },
  remediation = {
    en = "Mirror the needed public images into the approved registry (with vulnerability "
      .. "scanning, e.g. ACR/Harbor), change the workloads to pull from it, and enforce the "
      .. "allow-list at admission (Kyverno/Gatekeeper policy, or ACK 安全策略管理 "
      .. "ACKAllowedRepos). Record the list in the profile: `params: { mlps-l3/image-registries: "
      .. "{ allowed_registries: [registry.example.com, registry.k8s.io] } }`.",
    zh = "把需要的公共镜像同步到经批准且启用漏洞扫描的仓库（如 ACR、Harbor），修改工作负载从该仓库拉取，并在准入"
      .. "阶段强制白名单（Kyverno/Gatekeeper 策略，或 ACK 安全策略管理中的 ACKAllowedRepos）。在 profile 中记录"
      .. "白名单：`params: { mlps-l3/image-registries: { allowed_registries: [registry.example.com, "
      .. "registry.k8s.io] } }`。",
  },
  references = { "GB/T 22239-2019 8.1.4.5", "GB/T 22239-2019 8.2.4.4 b)" },
  tags = { "images", "supply-chain" },
  check = function(s, ctx)
    local list = ctx.param("allowed_registries")
    local used, bad, seen = {}, {}, {}
    local ns_of = {}
    for _, pod in ipairs(ctx.objects("pods")) do
      local ns = tostring(pod.metadata.namespace)
      for _, c in ipairs(ctx.containers(pod)) do
        if c.image ~= nil then
          local full, registry = normalise(c.image)
          ns_of[registry] = ns_of[registry] or {}
          ns_of[registry][ns] = true
          if #list > 0 and not allowed(full, list) then
            local key = ns .. "/" .. tostring(pod.metadata.name) .. ": " .. c.image
            if not seen[key] then seen[key] = true bad[#bad + 1] = key end
          end
        end
      end
    end
    for registry, nss in pairs(ns_of) do
      local names = {}
      for n in pairs(nss) do names[#names + 1] = n end
      table.sort(names)
      used[#used + 1] = registry .. " (" .. table.concat(names, ", ") .. ")"
    end
    table.sort(used)
    table.sort(bad)
    local evidence = { registries_in_use = used, actual = mlps.join(used, "; "),
                       allowed_registries = mlps.list(list),
                       expected = #list > 0 and mlps.join(mlps.list(list)) or "an approved-registry list (not configured)" }
    if #list == 0 then
      return ctx.manual(mlps.msg("no approved-registry list is configured; registries in use: "
        .. mlps.join(used, "; ") .. ". Confirm each is approved and scanned, then set "
        .. "allowed_registries in the profile",
        "未配置可信镜像仓库白名单；正在使用的镜像仓库：" .. mlps.join(used, "；")
        .. "。请逐一确认其已获批准并经过漏洞扫描，然后在配置文件中设置 allowed_registries"), evidence)
    end
    evidence.not_allowed = #bad
    local shown = {}
    for i = 1, math.min(#bad, 10) do shown[i] = bad[i] end
    evidence.examples = shown
    if #bad > 0 then
      return ctx.fail(mlps.msg(string.format("%d container image%s from registries outside the "
        .. "allow-list: %s%s", #bad, #bad == 1 and "" or "s", mlps.join(shown, "; "),
        #bad > #shown and string.format(" (and %d more)", #bad - #shown) or ""),
        string.format("%d 个容器镜像来自白名单之外的镜像仓库：%s%s", #bad, mlps.join(shown, "；"),
        #bad > #shown and string.format("（另有 %d 个）", #bad - #shown) or "")), evidence)
    end
    return ctx.pass(mlps.msg("every image comes from " .. mlps.join(list),
      "所有镜像均来自可信镜像仓库：" .. mlps.join(list)), evidence)
  end,
}
