-- CIS 5.2.9: Admission of containers with capabilities assigned is minimised.
--
-- Semantics:
--   * one finding per running Pod (completed Pods are not evaluated); init, regular and
--     ephemeral containers all count. Pods in `exempt_namespaces` (default kube-system) -> na
--     with the reason.
--   * capabilities.add with anything but NET_BIND_SERVICE, or privileged (every capability) ->
--     fail; no capabilities.drop of ALL -> warn (the runtime's default set applies); drop ALL
--     and at most NET_BIND_SERVICE -> pass.
local cis = require("cis")

return {
  api = 1,
  id = "cis-k8s/5.2.9",
  title = {
    en = "Admission of containers with capabilities assigned is minimised",
    zh = "最小化被授予额外 Capabilities 的容器的准入",
  },
  severity = "medium",
  scope = "pod",
  requires = { "objects.pods" },
  applies = function(s) return not cis.pod_terminated(s.object) end,
  baselines = {
    cis = { control = "5.2.9", scored = false },
    mlps = { control = "8.1.4.2 d)" },
  },
  params = {
    exempt_namespaces = {
      default = { "kube-system" },
      description = "namespaces not evaluated (system components need host access by design)",
    },
  },
  impact = {
    en = "Every capability beyond the defaults widens what a compromised container can do to the "
      .. "node (SYS_ADMIN is nearly root).",
    zh = "默认之外的每项 Capability 都会扩大容器被攻破后对节点的影响（SYS_ADMIN 几乎等同于 root）。",
  },
  remediation = {
    en = "Drop ALL capabilities and add back only what the application needs (NET_BIND_SERVICE at "
      .. "most under the restricted standard).",
    zh = "丢弃全部 Capabilities（drop: [\"ALL\"]），只添加应用必需的项（restricted 标准下最多 NET_BIND_SERVICE）。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 5.2.9" },
  tags = { "pod-security" },
  check = function(s, ctx)
    if cis.contains(ctx.param("exempt_namespaces"), s.namespace) then
      return ctx.na(cis.msg("exempt: namespace " .. tostring(s.namespace) .. " is listed in exempt_namespaces", "豁免：命名空间 " .. tostring(s.namespace) .. " 在豁免列表（exempt_namespaces）中"))
    end
    local pod = s.object
    local added, keeps = {}, {}
    for _, c in ipairs(ctx.containers(pod)) do
      local caps = cis.dig(c, "securityContext", "capabilities") or {}
      if cis.dig(c, "securityContext", "privileged") == true then
        added[#added + 1] = c.name .. ": ALL (privileged)"
      end
      for _, cap in ipairs(caps.add or {}) do
        if cap ~= "NET_BIND_SERVICE" then added[#added + 1] = c.name .. ": " .. cap end
      end
      if not cis.contains(caps.drop, "ALL") then keeps[#keeps + 1] = c.name end
    end
    local evidence = { added = added, default_set = keeps }
    if #added > 0 then return ctx.fail(cis.msg("capabilities added: " .. cis.join(added), "添加了额外的 Capabilities：" .. cis.join(added)), evidence) end
    if #keeps > 0 then
      return ctx.warn(cis.msg("default capabilities not dropped (no drop: [ALL]): " .. cis.join(keeps), "未丢弃默认 Capabilities（没有 drop: [ALL]）：" .. cis.join(keeps)), evidence)
    end
    return ctx.pass(cis.msg("every container drops ALL capabilities", "所有容器均丢弃了全部 Capabilities"), evidence)
  end,
}
