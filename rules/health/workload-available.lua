-- Deployments, StatefulSets and DaemonSets have their desired Pods available.
--
--   Deployment / StatefulSet: available = status.availableReplicas (readyReplicas when the
--     StatefulSet controller does not report availability), desired = spec.replicas (default 1)
--       desired == 0                 -> pass (scaled to zero)
--       available == 0               -> fail (the workload is down)
--       available < desired          -> warn (degraded; also seen briefly during a rollout)
--   DaemonSet: numberReady < desiredNumberScheduled -> warn (some nodes miss the agent)
-- ReplicaSets, Jobs and CronJobs are not evaluated: a ReplicaSet owned by a Deployment would
-- report the same Pods twice, and Jobs are covered by the Pod rules.
local k8s = require("k8s")

local KINDS = { Deployment = true, StatefulSet = true, DaemonSet = true }

local function replicas_result(s, ctx)
  local obj = s.object
  local desired = k8s.dig(obj, "spec", "replicas") or 1
  local ready = k8s.dig(obj, "status", "readyReplicas") or 0
  local available = k8s.dig(obj, "status", "availableReplicas")
  if available == nil then
    available = s.kind == "StatefulSet" and ready or 0
  end
  local evidence = { desired = desired, available = available, ready = ready,
                     updated = k8s.dig(obj, "status", "updatedReplicas") }
  if desired == 0 then return ctx.pass("scaled to zero", evidence) end
  local text = string.format("%d of %d replicas available", available, desired)
  local progressing = k8s.condition(obj, "Progressing")
  if progressing ~= nil and progressing.reason == "ProgressDeadlineExceeded" then
    text = text .. " (rollout stuck: ProgressDeadlineExceeded)"
  end
  if available == 0 then return ctx.fail(text .. "; the workload is down", evidence) end
  if available < desired then return ctx.warn(text, evidence) end
  return ctx.pass(text, evidence)
end

local function daemonset_result(s, ctx)
  local st = s.object.status or {}
  local desired = st.desiredNumberScheduled or 0
  local ready = st.numberReady or 0
  local evidence = { desired = desired, ready = ready, available = st.numberAvailable,
                     misscheduled = st.numberMisscheduled }
  if desired == 0 then return ctx.pass("no node needs a Pod of this DaemonSet", evidence) end
  local text = string.format("%d of %d DaemonSet Pods ready", ready, desired)
  if ready < desired then
    local missing = desired - ready
    return ctx.warn(string.format("%s; %s without a ready Pod", text,
      k8s.plural(missing, "node")), evidence)
  end
  return ctx.pass(text, evidence)
end

return {
  api = 1,
  id = "health/workload-available",
  title = {
    en = "Workload has its desired replicas available",
    zh = "工作负载的可用副本数达到期望值",
  },
  severity = "high",
  scope = "workload",
  applies = function(s) return KINDS[s.kind] == true end,
  impact = {
    en = "Fewer replicas than declared means less capacity and no redundancy; zero available "
      .. "replicas means the service is down. A DaemonSet short of Pods leaves nodes without "
      .. "their agent (network, logging, storage).",
    zh = "可用副本少于期望值意味着容量不足、失去冗余；可用副本为 0 则服务已中断。"
      .. "DaemonSet 就绪 Pod 不足会导致部分节点缺少网络、日志或存储等节点组件。",
  },
  remediation = {
    en = "Find the unavailable Pods (kubectl get pods -l <selector> -o wide) and follow the Pod "
      .. "findings (CrashLoopBackOff, Pending, OOMKilled); kubectl rollout status shows a stuck "
      .. "rollout, kubectl describe shows the controller's events.",
    zh = "找出未就绪的 Pod（kubectl get pods -l <selector> -o wide），结合 Pod 相关巡检项（CrashLoopBackOff、Pending、OOM）处理；"
      .. "用 kubectl rollout status 检查发布是否卡住，用 kubectl describe 查看控制器事件。",
  },
  tags = { "workload", "availability" },
  check = function(s, ctx)
    if s.kind == "DaemonSet" then return daemonset_result(s, ctx) end
    return replicas_result(s, ctx)
  end,
}
