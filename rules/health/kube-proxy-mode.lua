-- kube-proxy runs one supported mode everywhere.
-- mode = KubeProxyConfiguration mode of the kube-proxy ConfigMap ("" = iptables) and, when
-- host facts were collected, each node's running kube-proxy (facts.kube_proxy.mode).
--   userspace (removed in Kubernetes 1.26) -> fail
--   nodes running different modes, or a node differing from the ConfigMap -> warn
--   otherwise pass with the mode (informational: ipvs suits large Service counts; its IPVS
--   scheduler and UDP timeout are checked by health/kube-proxy-ipvs-udp-timeout)
local k8s = require("k8s")
local kubeproxy = require("kubeproxy")

return {
  api = 1,
  id = "health/kube-proxy-mode",
  title = { en = "kube-proxy runs one supported mode", zh = "kube-proxy 转发模式受支持且各节点一致" },
  severity = "low",
  scope = "cluster",
  requires = { "objects.configmaps" },
  impact = {
    en = "Nodes proxying in different modes behave differently (session handling, UDP "
      .. "timeouts, scheduler); the userspace mode no longer exists in current kube-proxy.",
    zh = "各节点 kube-proxy 模式不一致时，会话保持、UDP 超时与负载均衡算法表现不同；userspace 模式在新版本中已被移除。",
  },
  remediation = {
    en = "Set the same mode (iptables or ipvs) in the kube-proxy ConfigMap and recreate the "
      .. "kube-proxy Pods so every node applies it.",
    zh = "在 kube-proxy ConfigMap 中统一设置模式（iptables 或 ipvs），并重建 kube-proxy Pod 使所有节点生效。",
  },
  references = { "ACK 网络: kube-proxy 模式与 IPVS 调度算法" },
  tags = { "network", "kube-proxy" },
  check = function(s, ctx)
    local cfg, name = kubeproxy.config(ctx)
    local mode, defaulted = nil, false
    if cfg ~= nil then mode, defaulted = kubeproxy.mode(cfg) end
    local per_node, modes = {}, {}
    if ctx.has_objects("nodes") then
      for _, n in ipairs(ctx.objects("nodes")) do
        local node = k8s.dig(n, "metadata", "name")
        local f = ctx.node_facts(node)
        local m = f and k8s.dig(f, "kube_proxy", "mode")
        if m then
          per_node[#per_node + 1] = { node = node, mode = m }
          modes[m] = (modes[m] or 0) + 1
        end
      end
    end
    if mode == nil and #per_node == 0 then return ctx.na(name) end
    local evidence = { configmap = cfg and name or nil, mode = mode, nodes = per_node }
    local all = k8s.sorted_keys(modes)
    if mode == "userspace" or modes["userspace"] then
      return ctx.fail("kube-proxy mode userspace was removed in Kubernetes 1.26", evidence)
    end
    if #all > 1 then return ctx.warn("nodes run different kube-proxy modes: " .. k8s.join(all), evidence) end
    if mode ~= nil and #all == 1 and all[1] ~= mode then
      return ctx.warn(string.format("ConfigMap %s sets mode %s but the nodes run %s", name, mode, all[1]), evidence)
    end
    local m = mode or all[1]
    return ctx.pass("kube-proxy mode " .. m .. (defaulted and " (default)" or ""), evidence)
  end,
}
