-- No container of the Pod is stuck pulling its image: state.waiting.reason ImagePullBackOff,
-- ErrImagePull, InvalidImageName or ErrImageNeverPull -> fail, with the kubelet's message
-- (wrong name or tag, missing imagePullSecrets, registry unreachable).
-- Completed Pods are not evaluated.
local k8s = require("k8s")

local REASONS = { ImagePullBackOff = true, ErrImagePull = true, InvalidImageName = true,
                  ErrImageNeverPull = true }

return {
  api = 1,
  id = "health/pod-image-pull",
  title = { en = "Container images can be pulled", zh = "容器镜像拉取正常（无 ImagePullBackOff）" },
  severity = "high",
  scope = "pod",
  applies = function(s) return not k8s.pod_terminated(s.object) end,
  impact = {
    en = "The container never starts: the Pod stays Pending/Waiting and its workload runs "
      .. "with fewer replicas, or a rollout is stuck.",
    zh = "容器无法启动，Pod 一直处于等待状态，工作负载副本不足或发布卡住。",
  },
  remediation = {
    en = "kubectl describe pod <pod> shows the pull error. Check the image name and tag, that "
      .. "the registry is reachable from the node, and for private images an imagePullSecrets "
      .. "entry (kubectl create secret docker-registry ...) whose server matches the image's "
      .. "registry, on the Pod or its ServiceAccount.",
    zh = "执行 kubectl describe pod <pod> 查看拉取错误。检查镜像名称与 tag 是否正确、节点能否访问镜像仓库；私有镜像需在 Pod 或其 ServiceAccount 上配置 imagePullSecrets"
      .. "（kubectl create secret docker-registry ...），且密钥中的仓库地址要与镜像地址一致。",
  },
  references = { "ACK 报警规则 image-pull-back-off" },
  tags = { "pod", "image", "availability" },
  check = function(s, ctx)
    local bad = {}
    for _, c in ipairs(k8s.container_statuses(s.object)) do
      local w = k8s.dig(c.status, "state", "waiting")
      if w ~= nil and REASONS[w.reason] then
        local spec = k8s.container_spec(s.object, c.status.name)
        bad[#bad + 1] = { container = c.status.name, reason = w.reason, message = w.message,
                          image = spec and spec.image or c.status.image }
      end
    end
    if #bad == 0 then return ctx.pass("no container is stuck pulling its image") end
    local parts = {}
    for i, b in ipairs(bad) do
      parts[i] = string.format("%s (%s): %s%s", b.container, tostring(b.image), b.reason,
        b.message and (" - " .. b.message) or "")
    end
    return ctx.fail("image pull failing for " .. table.concat(parts, "; "), { containers = bad })
  end,
}
