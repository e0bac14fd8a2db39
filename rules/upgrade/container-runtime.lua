-- The node's container runtime works with the target kubelet:
--   docker:// with a target >= 1.24 -> fail (dockershim removed), unless the node uses
--     cri-dockerd (kubeadm cri-socket annotation, the kubelet's --container-runtime-endpoint or
--     the probe's container_runtime.endpoint) -> pass with a note;
--   containerd < 1.6 with a target >= 1.26 -> fail (CRI v1alpha2 removed);
--   containerd 1.x: target >= 1.36 -> fail (containerd 2.0 required), 1.35 -> warn (last release
--     supporting 1.x).
local up = require("upgrade")

return {
  api = 1,
  id = "upgrade/container-runtime",
  title = {
    en = "Container runtime is supported by the target kubelet",
    zh = "容器运行时受目标版本 kubelet 支持",
  },
  severity = "critical",
  scope = "node",
  params = {
    target_version = { default = "", description = "the target Kubernetes version (set by kpatrol precheck --to)" },
  },
  impact = {
    en = "The upgraded kubelet will not start on a runtime it no longer supports (dockershim was "
      .. "removed in 1.24; containerd < 1.6 lacks CRI v1 needed from 1.26): the node goes NotReady.",
    zh = "升级后的 kubelet 无法使用其不再支持的运行时启动（1.24 移除 dockershim；containerd 1.6 以下缺少 1.26 起需要的 "
      .. "CRI v1），节点将变为 NotReady。",
  },
  remediation = {
    en = "Move the node to containerd (ACK: create a containerd node pool and migrate workloads; "
      .. "kubeadm: install containerd >= 1.6, point --container-runtime-endpoint at it, drain and "
      .. "re-join) or install cri-dockerd; upgrade containerd to a supported release.",
    zh = "将节点迁移到 containerd（ACK：新建 containerd 运行时的节点池并迁移工作负载；kubeadm：安装 containerd 1.6 及以上，"
      .. "将 --container-runtime-endpoint 指向它，排空后重新加入），或安装 cri-dockerd；将 containerd 升级到受支持的版本。",
  },
  tags = { "upgrade", "runtime", "dockershim" },
  check = function(s, ctx)
    local target, why = up.target(ctx)
    if target == nil then return ctx.na(why) end
    local rt = s.object and ctx.get(s.object, "status.nodeInfo.containerRuntimeVersion")
    if rt == nil and s.facts ~= nil and s.facts.container_runtime ~= nil then
      rt = tostring(s.facts.container_runtime.name) .. "://" .. tostring(s.facts.container_runtime.version)
    end
    if rt == nil then return ctx.na("the node reports no container runtime") end
    local name, version = tostring(rt):match("^([%w%-]+)://(.*)$")
    local evidence = { runtime = rt, target = up.v(target) }
    if name == "docker" then
      if target < 24 then return ctx.pass("docker " .. tostring(version) .. " (dockershim still present before 1.24)", evidence) end
      local socket = s.annotations["kubeadm.alpha.kubernetes.io/cri-socket"]
      local endpoint = nil
      if s.facts ~= nil and s.facts.kubelet ~= nil then
        endpoint = ctx.flag(s.facts.kubelet.args, "container-runtime-endpoint")
      end
      if endpoint == nil and s.facts ~= nil and s.facts.container_runtime ~= nil then
        endpoint = s.facts.container_runtime.endpoint
      end
      local via = (socket and tostring(socket):find("cri%-dockerd")) or (endpoint and tostring(endpoint):find("cri%-dockerd"))
      if via then
        return ctx.pass("docker through cri-dockerd: supported after the dockershim removal", evidence)
      end
      return ctx.fail(string.format("the node runs Docker (%s) through dockershim, removed in 1.24", rt), evidence)
    end
    if name == "containerd" then
      if target >= 26 and up.compare(version, "1.6") == -1 then
        return ctx.fail(string.format("containerd %s lacks CRI v1, required from 1.26: upgrade to 1.6 or later", version), evidence)
      end
      local major = tonumber(tostring(version):match("^v?(%d+)"))
      if major == 1 and target >= 36 then
        return ctx.fail(string.format("containerd %s: %s requires containerd 2.0 or later", version, up.v(target)), evidence)
      end
      if major == 1 and target == 35 then
        return ctx.warn(string.format("containerd %s: 1.35 is the last release supporting containerd 1.x", version), evidence)
      end
    end
    return ctx.pass(string.format("%s is supported by %s", rt, up.v(target)), evidence)
  end,
}
