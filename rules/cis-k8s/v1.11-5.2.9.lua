-- CIS v1.11 5.2.9: Admission of containers with added capabilities is minimised (v1.11 only).
--
-- Semantics:
--   * a control of CIS Kubernetes Benchmark v1.11 only: v1.12 removed it and renumbered v1.11's
--     5.2.10-5.2.13 to 5.2.9-5.2.12 (reference §7), so it cannot keep the id 5.2.9 of this pack
--     (v1.12's 5.2.9 "capabilities assigned"). The version comes from the cluster version
--     (lib/cis.lua cis.benchmark; parameter `benchmark` overrides).
--   * v1.12 applied -> one `na` finding saying the control is not part of that version.
--   * v1.11 applied -> one cluster finding over the running Pods outside `exempt_namespaces`
--     (as the kube-bench audit lists pods): any container (init, regular, ephemeral) with
--     securityContext.capabilities.add -> fail naming pod/container: capability; none -> pass.
local cis = require("cis")

return {
  api = 1,
  id = "cis-k8s/v1.11-5.2.9",
  title = {
    en = "CIS v1.11 5.2.9: admission of containers with added capabilities is minimised",
    zh = "CIS v1.11 5.2.9：最小化添加了额外 Capabilities 的容器的准入",
  },
  severity = "medium",
  scope = "cluster",
  requires = { "objects.pods" },
  baselines = {
    cis = { control = "5.2.9 (v1.11)", scored = false },
  },
  params = {
    benchmark = {
      default = "auto",
      description = "CIS Kubernetes Benchmark version: auto (from the cluster version), 1.11 or 1.12",
    },
    exempt_namespaces = {
      default = { "kube-system" },
      description = "namespaces not evaluated (system components need host access by design)",
    },
  },
  impact = {
    en = "Every capability added beyond the runtime's default set widens what a compromised "
      .. "container can do to the node.",
    zh = "在运行时默认集合之外添加的每项 Capability 都会扩大容器被攻破后对节点的影响。",
  },
  remediation = {
    en = "Remove capabilities.add from the containers that do not need it; enforce it with the "
      .. "restricted Pod Security Standard or a policy engine.",
    zh = "对不需要额外 Capabilities 的容器删除 capabilities.add；通过 restricted Pod 安全标准或策略引擎强制执行。",
  },
  references = { "CIS Kubernetes Benchmark v1.11 5.2.9" },
  tags = { "pod-security", "benchmark-version" },
  check = function(s, ctx)
    local b = cis.benchmark(s, ctx.param("benchmark"))
    if b.version ~= "1.11" then
      return cis.not_in_version(ctx, b, "removed in v1.12; v1.12 5.2.9 covers assigned "
        .. "capabilities", "v1.12 已删除该项，由 v1.12 的 5.2.9 检查被授予的 Capabilities")
    end
    local exempt = ctx.param("exempt_namespaces")
    local added, pods = {}, 0
    for _, pod in ipairs(ctx.objects("pods")) do
      local ns = cis.dig(pod, "metadata", "namespace")
      if not cis.pod_terminated(pod) and not cis.contains(exempt, ns) then
        pods = pods + 1
        for _, c in ipairs(ctx.containers(pod)) do
          for _, cap in ipairs(cis.dig(c, "securityContext", "capabilities", "add") or {}) do
            added[#added + 1] = string.format("%s/%s/%s: %s", tostring(ns),
              tostring(cis.dig(pod, "metadata", "name")), tostring(c.name), tostring(cap))
          end
        end
      end
    end
    table.sort(added)
    local evidence = { benchmark = "v1.11", added = added, pods = pods }
    if #added > 0 then
      return ctx.fail(cis.msg("CIS v1.11: containers add capabilities: " .. cis.shorten(added),
        "CIS v1.11：以下容器添加了额外的 Capabilities：" .. cis.shorten(added)), evidence)
    end
    return ctx.pass(cis.msg(string.format("CIS v1.11: no container of the %d running pods adds "
      .. "capabilities", pods),
      string.format("CIS v1.11：%d 个运行中的 Pod 均未添加额外的 Capabilities", pods)), evidence)
  end,
}
