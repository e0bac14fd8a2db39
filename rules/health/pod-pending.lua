-- The Pod has been Pending for longer than `pending_minutes`.
--
-- Pending since: metadata.creationTimestamp (a Pod is Pending from creation until its
-- containers start); when that is missing, the PodScheduled condition's lastTransitionTime.
-- The message carries the scheduler's verdict (PodScheduled reason/message, e.g. "0/6 nodes are
-- available: 6 Insufficient cpu.") or, for a scheduled Pod, why its containers are waiting
-- (ContainerCreating, ImagePullBackOff, ...).
-- Completed Pods (Succeeded/Failed) are not evaluated; Running Pods pass.
local k8s = require("k8s")

local function pending_since(ctx, pod)
  local created = k8s.dig(pod, "metadata", "creationTimestamp")
  local t = created and ctx.parse_time(created)
  if t ~= nil then return t, created end
  local cond = k8s.condition(pod, "PodScheduled")
  local ts = cond and cond.lastTransitionTime
  t = ts and ctx.parse_time(ts)
  return t, ts
end

-- Why the Pod is still Pending, as "<reason>: <message>" text.
local function why(pod)
  local cond = k8s.condition(pod, "PodScheduled")
  if cond ~= nil and cond.status ~= "True" then
    local text = "not scheduled"
    if cond.reason then text = text .. ": " .. cond.reason end
    if cond.message then text = text .. " (" .. cond.message .. ")" end
    return text, cond.reason, cond.message
  end
  local waiting = {}
  for _, c in ipairs(k8s.container_statuses(pod)) do
    local w = k8s.dig(c.status, "state", "waiting")
    if w ~= nil then
      waiting[#waiting + 1] = c.status.name .. ": " .. (w.reason or "waiting")
        .. (w.message and (" (" .. w.message .. ")") or "")
    end
  end
  local node = k8s.dig(pod, "spec", "nodeName")
  local text = "scheduled" .. (node and (" to " .. node) or "")
  if #waiting > 0 then text = text .. ", containers waiting: " .. table.concat(waiting, "; ") end
  return text, cond and cond.reason, cond and cond.message
end

return {
  api = 1,
  id = "health/pod-pending",
  title = {
    en = "No Pod stays Pending",
    zh = "Pod 未长时间处于 Pending 状态",
  },
  severity = "high",
  scope = "pod",
  applies = function(s) return not k8s.pod_terminated(s.object) end,
  params = {
    pending_minutes = { default = 5, description = "fail when a Pod has been Pending longer than this" },
  },
  impact = {
    en = "The Pod is not running: the workload has less capacity than declared, or a job "
      .. "does not run at all.",
    zh = "Pod 未运行，工作负载的实际容量低于预期，或任务完全没有执行。",
  },
  remediation = {
    en = "Run kubectl describe pod <pod> and read the events. Insufficient cpu/memory: lower "
      .. "the requests or add nodes; taints/affinity/nodeSelector: fix the constraints; unbound "
      .. "PVC: check the StorageClass and provisioner; image pull errors: check the image name "
      .. "and registry credentials.",
    zh = "执行 kubectl describe pod <pod> 查看事件。资源不足（Insufficient cpu/memory）：降低 requests 或扩容节点；"
      .. "污点、亲和性或 nodeSelector 不满足：调整调度约束；PVC 未绑定：检查 StorageClass 与存储插件；"
      .. "镜像拉取失败：检查镜像地址与镜像仓库密钥。",
  },
  tags = { "pod", "scheduling", "availability" },
  check = function(s, ctx)
    local pod = s.object
    local phase = k8s.dig(pod, "status", "phase")
    if phase ~= "Pending" then
      return ctx.pass("pod is " .. tostring(phase or "in an unknown phase"))
    end
    local since, since_text = pending_since(ctx, pod)
    if since == nil then
      return ctx.error("pod is Pending but has no parsable creationTimestamp")
    end
    local age = ctx.now() - since
    local limit = ctx.param("pending_minutes") * 60
    local reason_text, reason, message = why(pod)
    local evidence = { phase = phase, pending_since = since_text,
                       pending_minutes = math.floor(age / 60),
                       threshold_minutes = ctx.param("pending_minutes"),
                       reason = reason, message = message }
    if age <= limit then
      return ctx.pass(string.format("Pending for %s, within the %dm grace period; %s",
        k8s.human_duration(age), ctx.param("pending_minutes"), reason_text), evidence)
    end
    return ctx.fail(string.format("Pending for %s (threshold %dm): %s",
      k8s.human_duration(age), ctx.param("pending_minutes"), reason_text), evidence)
  end,
}
