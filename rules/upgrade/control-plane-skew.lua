-- Control-plane components and kube-proxy are within the skew policy (ref_upgrade.md §2):
--   kube-apiserver instances within 1 minor of each other;
--   kube-controller-manager and kube-scheduler not newer than the oldest apiserver and at most
--     1 minor older than the cluster;
--   kube-proxy not newer than the cluster, and at most 3 minors (2 before 1.25) behind the target.
-- Versions come from the image tags of the kube-system static Pods (component=<name>) and of
-- the kube-proxy DaemonSet (or its Pods). A managed control plane has no such Pods.
local up = require("upgrade")

local function versions(ctx, name)
  local out = {}
  for _, p in ipairs(up.system_pods(ctx, name)) do
    local tag = up.image_tag(up.container_image(p.spec, name))
    local m = up.minor(tag)
    if m ~= nil then out[#out + 1] = { pod = p.metadata.name, version = tag, minor = m } end
  end
  return out
end

return {
  api = 1,
  id = "upgrade/control-plane-skew",
  title = {
    en = "Control-plane components and kube-proxy are within the skew policy",
    zh = "控制面组件与 kube-proxy 的版本偏差在允许范围内",
  },
  severity = "high",
  scope = "cluster",
  requires = { "objects.pods" },
  params = {
    target_version = { default = "", description = "the target Kubernetes version (set by kpatrol precheck --to)" },
  },
  impact = {
    en = "Components outside the skew policy are unsupported and may fail after the control plane "
      .. "moves: a half-finished earlier upgrade must be completed first.",
    zh = "超出版本偏差策略的组件不受支持，控制面升级后可能异常；上一次未完成的升级必须先完成。",
  },
  remediation = {
    en = "Finish the previous upgrade: bring every apiserver, controller-manager and scheduler to "
      .. "the cluster version (kubeadm upgrade node on each control-plane node) and kube-proxy to "
      .. "a supported version before starting the next step.",
    zh = "先完成上一次升级：将所有 apiserver、controller-manager、scheduler 升级到集群版本（在每个控制面节点执行 "
      .. "kubeadm upgrade node），并将 kube-proxy 升级到受支持的版本，再开始下一步升级。",
  },
  tags = { "upgrade", "skew" },
  check = function(s, ctx)
    local target, why = up.target(ctx)
    if target == nil then return ctx.na(why) end
    local current = up.minor(s.version)
    local problems, seen = {}, {}
    local api = versions(ctx, "kube-apiserver")
    local lo, hi = nil, nil
    for _, a in ipairs(api) do
      lo = lo and math.min(lo, a.minor) or a.minor
      hi = hi and math.max(hi, a.minor) or a.minor
      seen[#seen + 1] = a.pod .. " " .. a.version
    end
    if lo ~= nil and hi - lo > 1 then
      problems[#problems + 1] = string.format("kube-apiserver instances differ by %d minor versions (%s..%s)",
        hi - lo, up.v(lo), up.v(hi))
    end
    local ref = lo or current
    for _, name in ipairs({ "kube-controller-manager", "kube-scheduler" }) do
      for _, c in ipairs(versions(ctx, name)) do
        seen[#seen + 1] = c.pod .. " " .. c.version
        if ref ~= nil and c.minor > ref then
          problems[#problems + 1] = string.format("%s %s is newer than kube-apiserver %s", c.pod, c.version, up.v(ref))
        elseif current ~= nil and c.minor < current - 1 then
          problems[#problems + 1] = string.format("%s %s is more than one minor behind the cluster (%s)",
            c.pod, c.version, s.version)
        end
      end
    end
    local proxies = {}
    if ctx.has_objects("daemonsets") then
      for _, d in ipairs(ctx.objects("daemonsets")) do
        if d.metadata.namespace == "kube-system" and d.metadata.name == "kube-proxy" then
          local tag = up.image_tag(up.container_image(d.spec and d.spec.template and d.spec.template.spec, "kube-proxy"))
          if up.minor(tag) ~= nil then proxies[#proxies + 1] = { pod = "daemonset/kube-proxy", version = tag, minor = up.minor(tag) } end
        end
      end
    end
    if #proxies == 0 then proxies = versions(ctx, "kube-proxy") end
    local checked_proxy = {}
    for _, p in ipairs(proxies) do
      if not checked_proxy[p.version] then
        checked_proxy[p.version] = true
        seen[#seen + 1] = "kube-proxy " .. p.version
        local allowed = p.minor < 25 and 2 or 3
        if current ~= nil and p.minor > current then
          problems[#problems + 1] = string.format("kube-proxy %s is newer than the cluster (%s)", p.version, s.version)
        elseif target - p.minor > allowed then
          problems[#problems + 1] = string.format("kube-proxy %s would be %d minors behind %s (at most %d)",
            p.version, target - p.minor, up.v(target), allowed)
        end
      end
    end
    if #seen == 0 then
      if s.flavour == "ack-managed" then
        return ctx.pass("the control plane is managed by ACK; no kube-proxy version found")
      end
      return ctx.na("no control-plane Pods or kube-proxy in kube-system: versions unknown")
    end
    if #problems > 0 then
      return ctx.fail(up.summary(problems, 5), { components = up.head(seen, 20), target = up.v(target) })
    end
    return ctx.pass("within the skew policy: " .. up.summary(seen, 6))
  end,
}
