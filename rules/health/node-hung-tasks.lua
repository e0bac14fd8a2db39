-- No process hangs in uninterruptible sleep (state D) long enough for the kernel to report it
-- (NPD ps_hang_check). Evidence: kernel_messages.hung_task, the count of "task ... blocked for
-- more than N seconds" lines in the kernel log and up to 5 samples.
--   count >= fail_count (10) -> fail; count > 0 -> warn
-- The kernel-log summary is optional (dmesg may be forbidden, the demo has none): without it the
-- rule is not applicable, with the reason.
local k8s = require("k8s")

return {
  api = 1,
  id = "health/node-hung-tasks",
  title = { en = "No process hangs in D state", zh = "节点无长时间处于 D 状态（不可中断）的进程" },
  severity = "medium",
  scope = "node",
  params = {
    fail_count = { default = 10, description = "fail at this many hung-task reports (warn below)" },
  },
  impact = {
    en = "Processes stuck in D state usually wait on a hung disk, NFS server or kernel bug; "
      .. "containers using them cannot be stopped and the kubelet's PLEG may stall.",
    zh = "长时间处于 D 状态的进程通常在等待卡死的磁盘、NFS 服务或内核缺陷，相关容器无法停止，kubelet PLEG 也可能因此卡住。",
  },
  remediation = {
    en = "ps -eo stat,pid,wchan:32,comm | awk '$1 ~ /^D/' shows the stuck processes and what "
      .. "they wait for; check the disks (iostat, dmesg), NFS mounts and the CSI plugin; a "
      .. "reboot clears them.",
    zh = "执行 ps -eo stat,pid,wchan:32,comm | awk '$1 ~ /^D/' 查看卡住的进程及其等待点；检查磁盘（iostat、dmesg）、NFS 挂载和 CSI 插件；重启节点可恢复。",
  },
  references = { "ACK node-problem-detector ps_hang_check", "ACK 报警规则 ps-hang" },
  tags = { "node", "kernel" },
  check = function(s, ctx)
    if s.facts == nil or s.facts.kernel_messages == nil then
      return ctx.na("the kernel log summary (facts.kernel_messages) was not collected for this node")
    end
    local h = s.facts.kernel_messages.hung_task
    local count = h and tonumber(h.count)
    if count == nil then return ctx.error("kernel_messages.hung_task not collected") end
    local evidence = { count = count, samples = h.samples, source = s.facts.kernel_messages.source }
    if count == 0 then return ctx.pass("no hung task in the kernel log", evidence) end
    local msg = string.format("kernel reported %s blocked in D state", k8s.plural(count, "task"))
    if count >= ctx.param("fail_count") then return ctx.fail(msg, evidence) end
    return ctx.warn(msg, evidence)
  end,
}
