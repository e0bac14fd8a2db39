-- CIS 3.2.2: The audit policy covers key security concerns.
--
-- Semantics:
--   * control-plane nodes only; a cluster without control-plane nodes (ACK managed) -> na with
--     the reason on one representative node (lib/cis.lua).
--   * no --audit-policy-file -> fail (nothing is audited). The policy itself is read from
--     facts.audit_policy ({ path, config: Policy as JSON }; a fact shape not yet in
--     docs/snapshot.md); not collected -> manual with the path and what to verify.
--   * with the policy: for each key resource the first rule that applies to every request on it
--     (rules limited to users, groups, verbs or namespaces are skipped, they cover only part of
--     the traffic) gives its level. secrets, configmaps, tokenreviews must be logged at
--     Metadata (not None, and not Request/RequestResponse, which would copy secret values into
--     the log); pods, deployments, pods/exec, pods/portforward, pods/proxy, services/proxy must
--     be logged (level other than None).
local cis = require("cis")

-- { group, resource, rule }: "metadata" = exactly Metadata, "logged" = any level but None.
local KEY = {
  { "", "secrets", "metadata" }, { "", "configmaps", "metadata" },
  { "authentication.k8s.io", "tokenreviews", "metadata" },
  { "", "pods", "logged" }, { "apps", "deployments", "logged" },
  { "", "pods/exec", "logged" }, { "", "pods/portforward", "logged" },
  { "", "pods/proxy", "logged" }, { "", "services/proxy", "logged" },
}

local function covers(rule, group, resource)
  if rule.users or rule.userGroups or rule.verbs or rule.namespaces or rule.nonResourceURLs then
    return false
  end
  if rule.resources == nil then return true end
  for _, gr in ipairs(rule.resources) do
    if (gr.group or "") == group or gr.group == "*" then
      if gr.resources == nil then return true end
      local parent = resource:match("^([^/]+)/")
      for _, r in ipairs(gr.resources) do
        if r == resource or r == "*" or (parent ~= nil and r == parent .. "/*") then return true end
      end
    end
  end
  return false
end

local function level_of(policy, group, resource)
  for _, rule in ipairs(policy.rules or {}) do
    if covers(rule, group, resource) then return rule.level or "None" end
  end
  return "None"
end

return {
  api = 1,
  id = "cis-k8s/3.2.2",
  title = {
    en = "The audit policy covers key security concerns",
    zh = "审计策略覆盖关键安全事件",
  },
  severity = "medium",
  scope = "node",
  requires = { "processes" },
  applies = cis.cp_applies,
  baselines = {
    cis = { control = "3.2.2", scored = false },
    mlps = { control = "8.1.4.3 a)" },
  },
  impact = {
    en = "A policy that skips exec, port-forward or changes to Pods leaves the actions attackers "
      .. "take unrecorded; logging Secrets at Request level writes their values into the audit "
      .. "log.",
    zh = "审计策略若不记录 exec、端口转发或 Pod 变更，攻击者的关键操作将无迹可查；以 Request 级别记录 Secret 则会把其内容写入审计日志。",
  },
  remediation = {
    en = "Edit the audit policy named by --audit-policy-file: log secrets, configmaps and "
      .. "tokenreviews at Metadata, and pods, deployments, pods/exec, pods/portforward, pods/proxy "
      .. "and services/proxy at Metadata or above; restart the API server.",
    zh = "修改 --audit-policy-file 指定的审计策略：secrets、configmaps、tokenreviews 以 Metadata "
      .. "级别记录，pods、deployments、pods/exec、pods/portforward、pods/proxy、services/proxy 以 Metadata "
      .. "或更高级别记录；然后重启 API Server。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 3.2.2" },
  tags = { "control-plane", "apiserver", "audit" },
  check = function(s, ctx)
    if cis.managed(s, ctx) then return cis.managed_na(s, ctx) end
    local argv = cis.argv(s, "kube-apiserver")
    if argv == nil then
      return ctx.error(cis.msg("kube-apiserver process not found on this control-plane node", "在本控制面节点上未找到 kube-apiserver 进程"))
    end
    local file = ctx.flag(argv, "audit-policy-file")
    if file == nil then
      return ctx.fail(cis.msg("--audit-policy-file is not set: no audit events are recorded",
        "未设置 --audit-policy-file：不记录任何审计事件"),
        { flag = "--audit-policy-file", actual = "unset", expected = "a policy file" })
    end
    local pol = s.facts.audit_policy
    if pol == nil or pol.config == nil or (pol.path ~= nil and pol.path ~= file) then
      return ctx.manual(cis.msg("review " .. file .. " (not collected): secrets, configmaps and "
        .. "tokenreviews at Metadata; pods, deployments, pods/exec, pods/portforward, pods/proxy "
        .. "and services/proxy logged", "请审阅 " .. file .. "（未采集）：secrets、configmaps 和 "
        .. "tokenreviews 应以 Metadata 级别记录；pods、deployments、pods/exec、pods/portforward、"
        .. "pods/proxy 和 services/proxy 的操作应被记录"))
    end
    local bad, levels = {}, {}
    for _, k in ipairs(KEY) do
      local name = (k[1] ~= "" and (k[1] .. "/") or "") .. k[2]
      local level = level_of(pol.config, k[1], k[2])
      levels[#levels + 1] = name .. "=" .. level
      if k[3] == "metadata" and level ~= "Metadata" then
        bad[#bad + 1] = name .. " at " .. level .. " (expected Metadata)"
      elseif k[3] == "logged" and level == "None" then
        bad[#bad + 1] = name .. " not logged"
      end
    end
    local evidence = { file = file, levels = levels }
    if #bad > 0 then
      return ctx.fail(cis.msg("audit policy " .. file .. ": " .. cis.join(bad), "审计策略 " .. file .. "：" .. cis.join(bad)), evidence)
    end
    return ctx.pass(cis.msg("audit policy " .. file .. " covers the key resources", "审计策略 " .. file .. " 覆盖了关键资源"), evidence)
  end,
}
