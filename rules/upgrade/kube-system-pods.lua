-- Failing Pods in kube-system before the upgrade (the upgrade restarts these components and
-- relies on them): Failed/Unknown/Pending Pods, containers waiting in CrashLoopBackOff,
-- ImagePullBackOff, ErrImagePull or CreateContainerConfigError, and Running Pods not Ready ->
-- fail. Completed (Succeeded) Pods are fine.
local up = require("upgrade")

local BAD_WAIT = { CrashLoopBackOff = true, ImagePullBackOff = true, ErrImagePull = true,
                   CreateContainerConfigError = true, CreateContainerError = true }

return {
  api = 1,
  id = "upgrade/kube-system-pods",
  title = {
    en = "kube-system Pods are healthy",
    zh = "kube-system 中的 Pod 运行正常",
  },
  severity = "high",
  scope = "cluster",
  requires = { "objects.pods" },
  params = {
    target_version = { default = "", description = "the target Kubernetes version (set by kpatrol precheck --to)" },
  },
  impact = {
    en = "Upgrading on top of failing system components (DNS, CNI, CSI, metrics, controllers) "
      .. "hides new failures behind old ones and can stop the upgrade's own checks.",
    zh = "在系统组件（DNS、CNI、CSI、监控、控制器）异常的情况下升级，新问题会被旧问题掩盖，还可能导致升级自身的检查失败。",
  },
  remediation = {
    en = "Fix the listed Pods first (kubectl -n kube-system describe pod / logs --previous) and "
      .. "re-run the precheck.",
    zh = "先修复列出的 Pod（kubectl -n kube-system describe pod / logs --previous），再重新执行升级前检查。",
  },
  tags = { "upgrade", "system" },
  check = function(s, ctx)
    local target, why = up.target(ctx)
    if target == nil then return ctx.na(why) end
    local bad, n = {}, 0
    for _, p in ipairs(ctx.objects("pods")) do
      if p.metadata.namespace == "kube-system" then
        n = n + 1
        local st = p.status or {}
        local phase = st.phase
        local reason = nil
        if phase == "Failed" or phase == "Unknown" or phase == "Pending" then
          reason = tostring(phase) .. (st.reason and (" (" .. st.reason .. ")") or "")
        end
        for _, cs in ipairs(st.containerStatuses or {}) do
          local w = cs.state and cs.state.waiting
          if w ~= nil and BAD_WAIT[tostring(w.reason)] then
            reason = string.format("%s %s (%s restarts)", tostring(cs.name), tostring(w.reason), tostring(cs.restartCount or 0))
          end
        end
        if reason == nil and phase == "Running" then
          for _, c in ipairs(st.conditions or {}) do
            if c.type == "Ready" and c.status ~= "True" then reason = "Running but not Ready" end
          end
        end
        if reason ~= nil then bad[#bad + 1] = p.metadata.name .. ": " .. reason end
      end
    end
    if #bad > 0 then
      return ctx.fail(string.format("%d failing kube-system Pod(s): %s", #bad, up.summary(bad, 5)), { pods = up.head(bad, 20) })
    end
    return ctx.pass(string.format("%d kube-system Pod(s), none failing", n))
  end,
}
