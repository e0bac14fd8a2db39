-- CoreDNS after the upgrade: kubeadm (and ACK, which upgrades CoreDNS with the cluster) moves
-- CoreDNS to the target's version (lib/breakers.lua, from kubeadm's image list). Then:
--   the Corefile (kube-system/coredns ConfigMap) uses a plugin or kubernetes option removed in
--     that CoreDNS version (proxy, federation, upstream, resyncperiod, transfer) -> fail
--     (CoreDNS exits at start: cluster DNS is down);
--   target >= 1.22 (CoreDNS >= 1.8.4) and the system:coredns ClusterRole cannot list/watch
--     endpointslices -> fail (Services stop resolving);
--   kubeadm and a running CoreDNS older than kubeadm's for the current version -> warn (the
--     CoreDNSMigration preflight may refuse it; often --ignore-preflight-errors was used).
local up = require("upgrade")
local b = require("breakers")

local function find(ctx, plural, ns, name)
  if not ctx.has_objects(plural) then return nil end
  for _, o in ipairs(ctx.objects(plural)) do
    if o.metadata.name == name and (ns == nil or o.metadata.namespace == ns) then return o end
  end
  return nil
end

local function corefile_problems(text, new_version)
  local out, depth, in_k8s = {}, 0, false
  for line in tostring(text):gmatch("[^\n]+") do
    local code = line:gsub("#.*$", "")
    if depth == 1 and code:match("^%s*kubernetes[%s{]") then in_k8s = true end
    for _, rule in ipairs(b.corefile) do
      local applies = (rule.in_kubernetes and in_k8s and depth == 2) or (not rule.in_kubernetes and depth == 1)
      if applies and code:match(rule.pattern) and up.compare(new_version, rule.removed) >= 0 then
        out[#out + 1] = string.format("%s (removed in CoreDNS %s: %s)", rule.what, rule.removed, rule.fix)
      end
    end
    local _, opens = code:gsub("{", "")
    local _, closes = code:gsub("}", "")
    depth = depth + opens - closes
    if in_k8s and depth <= 1 then in_k8s = false end
  end
  return out
end

local function role_allows_endpointslices(role)
  for _, r in ipairs(role.rules or {}) do
    local group_ok, res_ok, verbs_ok = false, false, false
    for _, g in ipairs(r.apiGroups or {}) do if g == "discovery.k8s.io" or g == "*" then group_ok = true end end
    for _, x in ipairs(r.resources or {}) do if x == "endpointslices" or x == "*" then res_ok = true end end
    local list, watch = false, false
    for _, v in ipairs(r.verbs or {}) do
      if v == "list" or v == "*" then list = true end
      if v == "watch" or v == "*" then watch = true end
    end
    verbs_ok = list and watch
    if group_ok and res_ok and verbs_ok then return true end
  end
  return false
end

return {
  api = 1,
  id = "upgrade/coredns",
  title = {
    en = "CoreDNS and its Corefile are ready for the target's CoreDNS version",
    zh = "CoreDNS 及其 Corefile 适配目标版本的 CoreDNS",
  },
  severity = "critical",
  scope = "cluster",
  requires = { "objects.configmaps" },
  params = {
    target_version = { default = "", description = "the target Kubernetes version (set by kpatrol precheck --to)" },
  },
  impact = {
    en = "A Corefile with a removed plugin makes the new CoreDNS exit at start; missing RBAC for "
      .. "EndpointSlices stops Service resolution: cluster DNS is down after the upgrade.",
    zh = "Corefile 中含有已移除的插件会导致新版本 CoreDNS 启动即退出；缺少 EndpointSlice 的 RBAC 权限会使 Service 解析失败："
      .. "升级后集群 DNS 不可用。",
  },
  remediation = {
    en = "Edit the coredns ConfigMap (kubectl -n kube-system edit cm coredns): replace proxy with "
      .. "forward, remove upstream/resyncperiod/federation, use the transfer plugin; add list/watch "
      .. "on discovery.k8s.io endpointslices to the system:coredns ClusterRole; align the CoreDNS "
      .. "image with the version kubeadm expects.",
    zh = "编辑 coredns ConfigMap（kubectl -n kube-system edit cm coredns）：将 proxy 替换为 forward，删除 upstream、resyncperiod、"
      .. "federation，改用 transfer 插件；为 system:coredns ClusterRole 增加 discovery.k8s.io endpointslices 的 list/watch 权限；"
      .. "使 CoreDNS 镜像与 kubeadm 预期的版本一致。",
  },
  tags = { "upgrade", "dns", "coredns" },
  check = function(s, ctx)
    local target, why = up.target(ctx)
    if target == nil then return ctx.na(why) end
    local new_version = b.coredns[target]
    if new_version == nil then return ctx.na("no CoreDNS version known for " .. up.v(target)) end
    local dep = find(ctx, "deployments", "kube-system", "coredns")
    local running = dep and up.image_tag(up.container_image(dep.spec.template.spec, "coredns"))
    local cm = find(ctx, "configmaps", "kube-system", "coredns")
    if cm == nil and dep == nil then return ctx.na("no CoreDNS in kube-system (another DNS add-on?)") end
    local evidence = { running = running, target_coredns = new_version, target = up.v(target) }
    local fails, warns = {}, {}
    if cm ~= nil and cm.data ~= nil and cm.data.Corefile ~= nil then
      for _, p in ipairs(corefile_problems(cm.data.Corefile, new_version)) do fails[#fails + 1] = "Corefile: " .. p end
    end
    if target >= 22 and ctx.has_objects("clusterroles") then
      local role = find(ctx, "clusterroles", nil, "system:coredns")
      if role ~= nil and not role_allows_endpointslices(role) then
        fails[#fails + 1] = "ClusterRole system:coredns cannot list/watch endpointslices (needed by CoreDNS >= 1.8.4)"
      end
    end
    local current = up.minor(s.version)
    local expected = current and b.coredns[current]
    if s.flavour == "kubeadm" and running ~= nil and expected ~= nil and up.compare(running, expected) == -1 then
      warns[#warns + 1] = string.format("CoreDNS %s is older than kubeadm's %s for %s", running, expected, s.version)
    end
    if #fails > 0 then
      return ctx.fail(string.format("CoreDNS %s (with %s): %s", new_version, up.v(target), table.concat(fails, "; ")), evidence)
    end
    if #warns > 0 then return ctx.warn(table.concat(warns, "; "), evidence) end
    return ctx.pass(string.format("CoreDNS %s → %s: the Corefile uses no removed plugin",
      tostring(running or "?"), new_version), evidence)
  end,
}
