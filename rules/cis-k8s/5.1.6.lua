-- CIS 5.1.6: Service account tokens are only mounted where necessary.
--
-- Semantics:
--   * one finding per running Pod (completed Pods are not evaluated). Whether a token is
--     mounted is read from the Pod as the API server admitted it: the ServiceAccount admission
--     plugin adds a projected volume with a serviceAccountToken source (kube-api-access-*), or
--     on old clusters a secret volume mounted at /var/run/secrets/kubernetes.io/serviceaccount,
--     exactly when automount is in effect (Pod setting over its ServiceAccount's, default true).
--     This needs no lookup of the ServiceAccount, so the rule stays linear in the Pods.
--   * no token volume -> pass; a token volume -> warn naming the account: whether the Pod needs
--     API access is the manual part of the control. Namespaces in `exempt_namespaces` -> na.
local cis = require("cis")

local SA_PATH = "/var/run/secrets/kubernetes.io/serviceaccount"

-- Name of the volume that carries a service-account token into the Pod, or nil.
local function token_volume(pod)
  for _, v in ipairs(cis.dig(pod, "spec", "volumes") or {}) do
    for _, src in ipairs(cis.dig(v, "projected", "sources") or {}) do
      if src.serviceAccountToken ~= nil then return v.name end
    end
  end
  for _, c in ipairs(cis.dig(pod, "spec", "containers") or {}) do
    for _, m in ipairs(c.volumeMounts or {}) do
      if m.mountPath == SA_PATH then return m.name end
    end
  end
  return nil
end

return {
  api = 1,
  id = "cis-k8s/5.1.6",
  title = {
    en = "Service account tokens are only mounted where necessary",
    zh = "仅在必要时挂载 ServiceAccount 令牌",
  },
  severity = "medium",
  scope = "pod",
  applies = function(s) return not cis.pod_terminated(s.object) end,
  baselines = {
    cis = { control = "5.1.6", scored = false },
    mlps = { control = "8.1.4.2 b)" },
  },
  params = {
    exempt_namespaces = {
      default = { "kube-system" },
      description = "namespaces not evaluated (system components that call the API by design)",
    },
  },
  impact = {
    en = "A mounted token lets anyone who compromises the container call the API server with the "
      .. "Pod's identity.",
    zh = "挂载的令牌会让攻破容器的人以该 Pod 的身份调用 API Server。",
  },
  remediation = {
    en = "Set automountServiceAccountToken: false in the Pod spec (or on its ServiceAccount) for "
      .. "workloads that do not call the Kubernetes API.",
    zh = "对不需要访问 Kubernetes API 的工作负载，在 Pod 规格（或其 ServiceAccount）中设置 automountServiceAccountToken: "
      .. "false。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 5.1.6" },
  tags = { "service-accounts" },
  check = function(s, ctx)
    if cis.contains(ctx.param("exempt_namespaces"), s.namespace) then
      return ctx.na(cis.msg("exempt: namespace " .. tostring(s.namespace) .. " is listed in exempt_namespaces", "豁免：命名空间 " .. tostring(s.namespace) .. " 在豁免列表（exempt_namespaces）中"))
    end
    local spec = s.object.spec or {}
    local account = spec.serviceAccountName or spec.serviceAccount or "default"
    local volume = token_volume(s.object)
    local evidence = { service_account = account, token_volume = volume or "none",
                       automount = spec.automountServiceAccountToken }
    if volume == nil then
      return ctx.pass(cis.msg("no service-account token mounted", "未挂载 ServiceAccount 令牌"), evidence)
    end
    return ctx.warn(cis.msg("token of ServiceAccount " .. account .. " is mounted (volume "
      .. volume .. "); verify that the Pod needs API access, else set "
      .. "automountServiceAccountToken: false",
      "挂载了 ServiceAccount " .. account .. " 的令牌（卷 " .. volume .. "）；请核查该 Pod 确需访问 "
      .. "API，否则应设置 automountServiceAccountToken: false"), evidence)
  end,
}
