-- The Pod mounts no sensitive host path. A hostPath volume whose path is one of `sensitive`
-- (exactly, or a directory above it, e.g. "/" or "/etc") or lies under one of them -> fail:
-- the container can read the node's credentials or control its runtime.
-- System workloads in `exempt` (kube-system agents, node-exporter) get na with the reason;
-- completed Pods are not evaluated.
local k8s = require("k8s")

local function norm(p)
  p = tostring(p or ""):gsub("/+$", "")
  if p == "" then return "/" end
  return p
end

-- whether `path` equals, contains or is contained in sensitive path `s`
local function hits(path, s)
  if path == s then return true end
  if path == "/" then return true end
  if k8s.starts_with(path, s .. "/") then return true end
  if k8s.starts_with(s, path .. "/") then return true end
  return false
end

return {
  api = 1,
  id = "health/hostpath-sensitive",
  title = { en = "Pods mount no sensitive host path", zh = "Pod 未挂载宿主机敏感目录（hostPath）" },
  severity = "high",
  scope = "pod",
  applies = function(s) return not k8s.pod_terminated(s.object) end,
  params = {
    sensitive = {
      default = { "/etc/kubernetes", "/var/lib/kubelet", "/var/lib/etcd", "/var/run/docker.sock",
                  "/run/docker.sock", "/run/containerd", "/var/run/containerd", "/var/lib/docker",
                  "/var/lib/containerd", "/proc", "/root", "/etc/shadow", "/etc/sudoers", "/boot" },
      description = "host paths that must not be mounted (a parent directory counts too)",
    },
    exempt = {
      default = {
        { namespace = "kube-system", reason = "kube-system agents (kube-proxy, CNI, CSI, static Pods) mount host paths by design" },
        { name_prefix = "node-exporter", reason = "node-exporter reads /proc, /sys and / read-only for host metrics" },
      },
      description = "Pods allowed to mount sensitive paths: { namespace, name_prefix or name, reason }",
    },
  },
  impact = {
    en = "A container with the node's kubelet credentials, Kubernetes PKI or container "
      .. "runtime socket can take over the node and, from there, the cluster.",
    zh = "能够访问节点 kubelet 凭证、Kubernetes 证书或容器运行时 socket 的容器可以接管节点，进而控制整个集群。",
  },
  remediation = {
    en = "Remove the hostPath volume; use a ConfigMap, Secret, emptyDir or a PersistentVolume "
      .. "instead. A genuine node agent belongs in the exempt list with its reason.",
    zh = "删除该 hostPath 卷，改用 ConfigMap、Secret、emptyDir 或持久卷；确属节点代理类组件的，加入本规则的 exempt 参数并注明原因。",
  },
  references = { "ACP 存储: HostPath 风险", "Pod Security Standards baseline: hostPath volumes" },
  tags = { "storage", "security" },
  check = function(s, ctx)
    local sensitive = ctx.param("sensitive")
    local bad = {}
    for _, v in ipairs(k8s.dig(s.object, "spec", "volumes") or {}) do
      local hp = v.hostPath and norm(v.hostPath.path)
      if hp then
        for _, p in ipairs(sensitive) do
          if hits(hp, norm(p)) then
            bad[#bad + 1] = { volume = v.name, path = hp, matches = p }
            break
          end
        end
      end
    end
    if #bad == 0 then return ctx.pass("no sensitive hostPath volume") end
    local e = k8s.exemption(ctx.param("exempt"), s.namespace, s.name)
    if e ~= nil then return ctx.na(k8s.exemption_reason(e)) end
    local parts = {}
    for i, b in ipairs(bad) do parts[i] = b.volume .. " -> " .. b.path end
    return ctx.fail("sensitive hostPath volume" .. (#bad > 1 and "s " or " ") .. table.concat(parts, ", "),
      { volumes = bad })
  end,
}
