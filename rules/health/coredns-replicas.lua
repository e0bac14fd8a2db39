-- CoreDNS has enough ready replicas for the cluster size, spread over more than one node.
--
-- CoreDNS = the Deployment in kube-system named `coredns`, or labelled k8s-app=kube-dns.
-- nodes   = Node objects, not counting virtual nodes (label type=virtual-kubelet), as the
--           ACK dns-autoscaler does.
-- expected = max(min_replicas, ceil(nodes / nodes_per_replica))  (ACK advice: 1 per 8 nodes,
--            at least 2)
--   ready < min(2, min_replicas)       -> fail (a single replica is a single point of failure)
--   ready < expected                   -> warn
--   all ready replicas on one node     -> warn (needs objects.pods; skipped when not collected)
-- No CoreDNS Deployment -> na (the cluster uses another DNS add-on).
local k8s = require("k8s")

local function find_coredns(ctx)
  local labelled
  for _, d in ipairs(ctx.objects("deployments")) do
    local md = d.metadata or {}
    if md.namespace == "kube-system" then
      if md.name == "coredns" then return d end
      if labelled == nil and k8s.dig(md, "labels", "k8s-app") == "kube-dns" then labelled = d end
    end
  end
  return labelled
end

local function count_nodes(ctx)
  local n = 0
  for _, node in ipairs(ctx.objects("nodes")) do
    if k8s.dig(node, "metadata", "labels", "type") ~= "virtual-kubelet" then n = n + 1 end
  end
  return n
end

-- Nodes hosting Running CoreDNS Pods: plain array of distinct node names, and the pod count.
local function placement(ctx, deploy)
  local selector = k8s.dig(deploy, "spec", "selector")
  local seen, nodes, pods = {}, {}, 0
  for _, p in ipairs(ctx.objects("pods")) do
    local md = p.metadata or {}
    if md.namespace == "kube-system" and k8s.selector_matches(selector, md.labels)
        and k8s.dig(p, "status", "phase") == "Running" then
      pods = pods + 1
      local node = k8s.dig(p, "spec", "nodeName")
      if node ~= nil and not seen[node] then
        seen[node] = true
        nodes[#nodes + 1] = node
      end
    end
  end
  table.sort(nodes)
  return nodes, pods
end

return {
  api = 1,
  id = "health/coredns-replicas",
  title = {
    en = "CoreDNS has enough replicas, spread across nodes",
    zh = "CoreDNS 副本数充足且分散在不同节点",
  },
  severity = "high",
  scope = "cluster",
  requires = { "objects.deployments", "objects.nodes" },
  params = {
    min_replicas = { default = 2, description = "minimum number of ready CoreDNS replicas" },
    nodes_per_replica = { default = 8, description = "one CoreDNS replica per this many nodes" },
  },
  impact = {
    en = "With too few replicas DNS latency rises and lookups fail under load; with a single "
      .. "replica, or all replicas on one node, one failure stops name resolution cluster-wide.",
    zh = "副本数不足时 CoreDNS 负载过高，解析延迟增加甚至概率性失败；只有一个副本或所有副本位于同一节点时，"
      .. "单点故障会导致整个集群域名解析中断。",
  },
  remediation = {
    en = "Scale CoreDNS: kubectl -n kube-system scale deployment coredns --replicas=<n> "
      .. "(1 replica per 8 nodes, at least 2), or deploy the cluster-proportional-autoscaler "
      .. "(dns-autoscaler) with nodesPerReplica 8, min 2. Spread replicas with Pod "
      .. "anti-affinity or topologySpreadConstraints on kubernetes.io/hostname.",
    zh = "扩容 CoreDNS：kubectl -n kube-system scale deployment coredns --replicas=<副本数>"
      .. "（建议每 8 个节点 1 个副本，且不少于 2 个），或部署 cluster-proportional-autoscaler（dns-autoscaler，"
      .. "nodesPerReplica 8、min 2）自动调整。通过 Pod 反亲和性或 topologySpreadConstraints 将副本打散到不同节点。",
  },
  tags = { "dns", "dns-coredns", "availability" },
  check = function(s, ctx)
    local deploy = find_coredns(ctx)
    if deploy == nil then
      return ctx.na("no CoreDNS Deployment in kube-system (name coredns or label k8s-app=kube-dns)")
    end
    local name = deploy.metadata.name
    local ready = k8s.dig(deploy, "status", "readyReplicas") or 0
    local desired = k8s.dig(deploy, "spec", "replicas") or 1
    local nodes = count_nodes(ctx)
    local min_replicas = ctx.param("min_replicas")
    local per = ctx.param("nodes_per_replica")
    local expected = math.max(min_replicas, math.ceil(nodes / per))
    local evidence = { deployment = "kube-system/" .. name, ready = ready, desired = desired,
                       nodes = nodes, expected = expected }
    local summary = string.format("CoreDNS has %d ready of %d replicas for %d nodes (expected >= %d)",
      ready, desired, nodes, expected)
    if ready < math.min(2, min_replicas) then
      return ctx.fail(summary .. "; fewer than " .. math.min(2, min_replicas)
        .. " ready replicas is a single point of failure", evidence)
    end
    if ready < expected then return ctx.warn(summary, evidence) end
    if ctx.has_objects("pods") then
      local hosts, pods = placement(ctx, deploy)
      evidence.pod_nodes = hosts
      if pods >= 2 and #hosts == 1 and nodes > 1 then
        return ctx.warn(string.format("all %d CoreDNS Pods run on node %s; spread them across nodes",
          pods, hosts[1]), evidence)
      end
      if #hosts > 0 then
        summary = summary .. string.format(", spread over %d nodes", #hosts)
      end
    end
    return ctx.pass(summary, evidence)
  end,
}
