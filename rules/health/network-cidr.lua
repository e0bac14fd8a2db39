-- Pod, Service and node address ranges do not collide and avoid reserved ranges.
-- Pod CIDR: kube-controller-manager --cluster-cidr (host facts of control-plane nodes), else
-- kubeadm-config networking.podSubnet, else kube-proxy clusterCIDR. Service CIDR: kube-apiserver
-- --service-cluster-ip-range, else kubeadm-config networking.serviceSubnet. Node addresses:
-- InternalIP of every Node; node Pod ranges: spec.podCIDRs.
--   Pod CIDR overlaps the Service CIDR                          -> fail
--   Pod or Service CIDR overlaps a `forbidden` range (100.64.0.0/10, 224.0.0.0/4, 127.0.0.0/8,
--     169.254.0.0/16: the ACK/VPC reserved ranges)             -> fail
--   a node address inside the Pod or Service CIDR               -> fail
--   two nodes' podCIDRs overlap                                 -> fail
--   a node's podCIDR outside the cluster Pod CIDR               -> warn
--   neither CIDR known                                          -> na
local k8s = require("k8s")
local cidr = require("cidr")

local function argv_flag(ctx, facts, proc, flag)
  local argv = k8s.process_argv(facts, proc)
  return argv and ctx.flag(argv, flag)
end

local function kubeadm_networking(ctx)
  if not ctx.has_objects("configmaps") then return {} end
  for _, cm in ipairs(ctx.objects("configmaps")) do
    local md = cm.metadata or {}
    if md.namespace == "kube-system" and md.name == "kubeadm-config" then
      local text = "\n" .. (k8s.dig(cm, "data", "ClusterConfiguration") or "")
      return { pod = text:match("\n%s*podSubnet:%s*\"?([%d%./]+)"),
               service = text:match("\n%s*serviceSubnet:%s*\"?([%d%./]+)") }
    end
  end
  return {}
end

local function kube_proxy_cluster_cidr(ctx)
  if not ctx.has_objects("configmaps") then return nil end
  for _, cm in ipairs(ctx.objects("configmaps")) do
    local md = cm.metadata or {}
    if md.namespace == "kube-system" and (md.name == "kube-proxy" or md.name == "kube-proxy-worker") then
      local text = cm.data and cm.data["config.conf"] or ""
      local v = text:match("\n?clusterCIDR:%s*\"?([%d%./]+)")
      if v then return v end
    end
  end
  return nil
end

return {
  api = 1,
  id = "health/network-cidr",
  title = { en = "Pod, Service and node ranges do not overlap", zh = "Pod、Service 与节点网段不重叠且未使用保留网段" },
  severity = "critical",
  scope = "cluster",
  requires = { "objects.nodes" },
  params = {
    forbidden = {
      default = { "100.64.0.0/10", "224.0.0.0/4", "127.0.0.0/8", "169.254.0.0/16" },
      description = "ranges the Pod and Service CIDRs must not overlap",
    },
  },
  impact = {
    en = "Overlapping ranges make traffic go to the wrong place: Pods cannot reach Services "
      .. "or nodes whose addresses fall inside another range, and reserved ranges collide with "
      .. "cloud services, loopback or link-local traffic. The ranges cannot be changed after "
      .. "creation.",
    zh = "网段重叠会导致流量被路由到错误的目标：Pod 无法访问地址落在其他网段中的 Service 或节点；使用保留网段会与云服务、回环或链路本地地址冲突。网段在集群创建后无法修改。",
  },
  remediation = {
    en = "Plan non-overlapping ranges outside the reserved ones; since Pod and Service CIDRs "
      .. "are fixed at creation, migrate workloads to a new cluster with a corrected plan.",
    zh = "规划互不重叠且不在保留网段内的地址范围；Pod 与 Service 网段创建后不可修改，需要按新的规划创建集群并迁移业务。",
  },
  references = { "ACK 网络规划: Pod/Service/VPC 网段不重叠", "ACK VPC 网段: 不可使用 100.64.0.0/10、224.0.0.0/4、127.0.0.0/8、169.254.0.0/16" },
  tags = { "network", "cidr" },
  check = function(s, ctx)
    local pod_text, svc_text, sources = nil, nil, {}
    for _, n in ipairs(ctx.objects("nodes")) do
      local facts = ctx.node_facts(k8s.dig(n, "metadata", "name"))
      if facts then
        pod_text = pod_text or argv_flag(ctx, facts, "kube-controller-manager", "cluster-cidr")
        svc_text = svc_text or argv_flag(ctx, facts, "kube-apiserver", "service-cluster-ip-range")
      end
    end
    if pod_text then sources.pod = "kube-controller-manager --cluster-cidr" end
    if svc_text then sources.service = "kube-apiserver --service-cluster-ip-range" end
    local kubeadm = kubeadm_networking(ctx)
    if pod_text == nil and kubeadm.pod then pod_text, sources.pod = kubeadm.pod, "kubeadm-config podSubnet" end
    if svc_text == nil and kubeadm.service then svc_text, sources.service = kubeadm.service, "kubeadm-config serviceSubnet" end
    if pod_text == nil then
      pod_text = kube_proxy_cluster_cidr(ctx)
      if pod_text then sources.pod = "kube-proxy clusterCIDR" end
    end
    -- first entry of a dual-stack list
    pod_text = pod_text and pod_text:match("^([^,]+)")
    svc_text = svc_text and svc_text:match("^([^,]+)")
    local pod, svc = cidr.parse(pod_text), cidr.parse(svc_text)
    local evidence = { pod_cidr = pod_text, service_cidr = svc_text, sources = sources }
    local fails, warns = {}, {}
    if pod and svc and cidr.overlap(pod, svc) then
      fails[#fails + 1] = string.format("Pod CIDR %s overlaps Service CIDR %s", pod.text, svc.text)
    end
    for _, f in ipairs(ctx.param("forbidden")) do
      local r = cidr.parse(f)
      for _, entry in ipairs({ { "Pod", pod }, { "Service", svc } }) do
        if r and entry[2] and cidr.overlap(r, entry[2]) then
          fails[#fails + 1] = string.format("%s CIDR %s overlaps reserved range %s", entry[1], entry[2].text, f)
        end
      end
    end
    local ranges = {}
    for _, n in ipairs(ctx.objects("nodes")) do
      local name = k8s.dig(n, "metadata", "name")
      for _, a in ipairs(k8s.dig(n, "status", "addresses") or {}) do
        local ip = a.type == "InternalIP" and cidr.parse(a.address)
        if ip then
          if pod and cidr.contains(pod, ip) then fails[#fails + 1] = string.format("node %s address %s is inside the Pod CIDR", name, a.address) end
          if svc and cidr.contains(svc, ip) then fails[#fails + 1] = string.format("node %s address %s is inside the Service CIDR", name, a.address) end
        end
      end
      local list = k8s.dig(n, "spec", "podCIDRs") or { k8s.dig(n, "spec", "podCIDR") }
      for _, text in ipairs(list) do
        local r = cidr.parse(text)
        if r then
          if pod and not cidr.contains(pod, r) then warns[#warns + 1] = string.format("node %s podCIDR %s is outside the Pod CIDR %s", name, text, pod.text) end
          for _, other in ipairs(ranges) do
            if cidr.overlap(other.r, r) then fails[#fails + 1] = string.format("podCIDR %s of node %s overlaps %s of node %s", text, name, other.r.text, other.node) end
          end
          ranges[#ranges + 1] = { node = name, r = r }
        end
      end
    end
    if pod == nil and svc == nil and #ranges == 0 then
      return ctx.na("neither the Pod nor the Service CIDR could be determined")
    end
    evidence.problems = fails
    evidence.warnings = warns
    if #fails > 0 then return ctx.fail(table.concat(fails, "; "), evidence) end
    if #warns > 0 then return ctx.warn(table.concat(warns, "; "), evidence) end
    return ctx.pass(string.format("Pod CIDR %s, Service CIDR %s, %d node ranges: no overlap",
      tostring(pod_text or "unknown"), tostring(svc_text or "unknown"), #ranges), evidence)
  end,
}
