-- House rule: every application namespace names its owner and its 等保 security level in
-- labels, so each finding has someone accountable (asset register, 等保 8.1.5 安全管理中心).
-- The label names are parameters. Namespaces of the platform (kube-*, default) are na.
return {
  api = 1,
  id = "corp-mlps/namespace-owner",
  title = { en = "Namespaces name their owner and security level", zh = "命名空间标注负责人与安全等级" },
  severity = "medium",
  scope = "namespace",
  params = {
    owner_label = { default = "owner", description = "label naming the accountable team or person" },
    level_label = { default = "security-level", description = "label giving the 等保 level (e.g. l2, l3)" },
  },
  impact = {
    en = "A namespace without an owner has no one accountable for its findings, and one without a "
      .. "security level cannot be held to the right baseline.",
    zh = "没有负责人的命名空间无人对其检查结果负责；未标注安全等级的命名空间无法对应正确的基线。",
  },
  remediation = {
    en = "kubectl label namespace NAME owner=TEAM security-level=l3",
    zh = "kubectl label namespace NAME owner=团队 security-level=l3",
  },
  tags = { "namespace", "governance", "house" },
  check = function(s, ctx)
    local name = s.object.metadata.name
    if name == "default" or name:find("^kube%-") then
      return ctx.na("platform namespace " .. name)
    end
    local labels = s.object.metadata.labels or {}
    local owner_key, level_key = ctx.param("owner_label"), ctx.param("level_label")
    local missing = {}
    if not labels[owner_key] or labels[owner_key] == "" then missing[#missing + 1] = owner_key end
    if not labels[level_key] or labels[level_key] == "" then missing[#missing + 1] = level_key end
    if #missing > 0 then
      return ctx.fail("missing label(s): " .. table.concat(missing, ", "))
    end
    return ctx.pass(string.format("%s=%s, %s=%s", owner_key, labels[owner_key], level_key, labels[level_key]))
  end,
}
