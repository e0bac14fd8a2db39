-- CIS 5.2.1: The cluster has at least one active policy control mechanism in place.
--
-- Semantics:
--   * one finding per namespace (`exempt_namespaces` -> na). Pod Security Admission label
--     pod-security.kubernetes.io/enforce = baseline or restricted -> pass; = privileged -> fail;
--     no label: an external policy engine (a validating webhook of Kyverno, Gatekeeper,
--     Kubewarden, Polaris, ...) -> manual (verify its policies cover this namespace); none -> fail.
--   * the API server's PSA defaults (AdmissionConfiguration) are not collected; a cluster-wide
--     default enforce level therefore shows as missing labels (waive with that evidence).
local cis = require("cis")

local ENGINES = { "kyverno", "gatekeeper", "kubewarden", "polaris", "jspolicy", "kube-policy" }

return {
  api = 1,
  id = "cis-k8s/5.2.1",
  title = {
    en = "The cluster has at least one active policy control mechanism in place",
    zh = "集群至少启用了一种 Pod 安全策略控制机制",
  },
  severity = "high",
  scope = "namespace",
  requires = { "objects.namespaces" },
  baselines = {
    cis = { control = "5.2.1", scored = false },
    mlps = { control = "8.1.4.2 g)" },
  },
  params = {
    exempt_namespaces = {
      default = { "kube-system", "kube-public", "kube-node-lease" },
      description = "namespaces not evaluated (system namespaces)",
    },
  },
  impact = {
    en = "Without Pod Security Admission or a policy engine, anyone who can create Pods can create "
      .. "privileged, host-namespace Pods and take over nodes.",
    zh = "没有 Pod 安全准入或策略引擎时，任何能创建 Pod 的人都可以创建特权或共享宿主机命名空间的 Pod，从而控制节点。",
  },
  remediation = {
    en = "Label the namespace: kubectl label ns <ns> pod-security.kubernetes.io/enforce=baseline "
      .. "(or restricted), after checking with pod-security.kubernetes.io/warn; or enforce "
      .. "equivalent policies with a policy engine.",
    zh = "为命名空间打标签：kubectl label ns <ns> pod-security.kubernetes.io/enforce=baseline（或 "
      .. "restricted），可先用 pod-security.kubernetes.io/warn 试运行；或使用策略引擎实施等效策略。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 5.2.1" },
  tags = { "pod-security" },
  check = function(s, ctx)
    if cis.contains(ctx.param("exempt_namespaces"), s.name) then
      return ctx.na(cis.msg("exempt: " .. s.name .. " is listed in exempt_namespaces", "豁免：命名空间 " .. s.name .. " 在豁免列表（exempt_namespaces）中"))
    end
    local level = s.labels["pod-security.kubernetes.io/enforce"]
    local evidence = { enforce = level or "unset", expected = "baseline or restricted" }
    if level == "baseline" or level == "restricted" then
      return ctx.pass(cis.msg("Pod Security Admission enforces " .. level, "Pod 安全准入（Pod Security Admission）强制执行 " .. level .. " 标准"), evidence)
    end
    if level == "privileged" then
      return ctx.fail(cis.msg("Pod Security Admission is set to privileged (no restrictions)", "Pod 安全准入设置为 privileged（不做任何限制）"), evidence)
    end
    local engines = {}
    if ctx.has_objects("validatingwebhookconfigurations") then
      for _, w in ipairs(ctx.objects("validatingwebhookconfigurations")) do
        local name = tostring(cis.dig(w, "metadata", "name")):lower()
        for _, e in ipairs(ENGINES) do
          if name:find(e, 1, true) and not cis.contains(engines, cis.dig(w, "metadata", "name")) then
            engines[#engines + 1] = cis.dig(w, "metadata", "name")
          end
        end
      end
    end
    table.sort(engines)
    if #engines > 0 then
      evidence.policy_engines = engines
      return ctx.manual(cis.msg("no Pod Security Admission label; policy engine webhooks present ("
        .. cis.join(engines) .. "): verify that their policies are enforced in " .. s.name,
        "没有 Pod 安全准入标签，但存在策略引擎 webhook（" .. cis.join(engines) .. "）：请核查其策略在 "
        .. s.name .. " 中强制执行"), evidence)
    end
    return ctx.fail(cis.msg("no Pod Security Admission enforce label and no policy engine", "命名空间既没有 Pod 安全准入的 enforce 标签，也没有策略引擎"), evidence)
  end,
}
