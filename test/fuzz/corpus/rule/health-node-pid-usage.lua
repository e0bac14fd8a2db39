-- Processes/threads of the node against kernel.pid_max (pids.current / pids.max).
--   usage > fail_percent (95) -> fail;  usage > warn_percent (85, NPD pid_pressure_check) -> warn.
local usage = require("usage")

return {
  api = 1,
  id = "health/node-pid-usage",
  title = { en = "Node has PID headroom", zh = "节点进程数（PID）使用率正常" },
  severity = "medium",
  scope = "node",
  requires = { "pids" },
  params = {
    warn_percent = { default = 85, description = "warn above this usage (percent)" },
    fail_percent = { default = 95, description = "fail above this usage (percent)" },
  },
  impact = {
    en = "Once PIDs run out no process or thread can be created on the node: containers fail "
      .. "to start and running applications crash.",
    zh = "PID 耗尽后节点无法创建新的进程或线程，容器无法启动，运行中的应用也会异常退出。",
  },
  remediation = {
    en = "Find the Pods forking most processes or threads (ps -eLf | wc -l per cgroup), set "
      .. "podPidsLimit in the kubelet configuration, and raise kernel.pid_max if needed.",
    zh = "找出创建大量进程或线程的 Pod，在 kubelet 配置中设置 podPidsLimit 限制单 Pod 进程数，必要时调大 kernel.pid_max。",
  },
  references = { "ACK node-problem-detector pid_pressure_check", "ACK 报警规则 node-pid-pressure" },
  tags = { "node", "resources" },
  check = function(s, ctx)
    local p = s.facts.pids
    if type(p.current) ~= "number" or type(p.max) ~= "number" or p.max <= 0 then
      return ctx.error("pids.current/pids.max not available")
    end
    return usage.result(ctx, p.current * 100 / p.max, ctx.param("warn_percent"),
      ctx.param("fail_percent"), false,
      string.format("%d of %d PIDs in use:", p.current, p.max),
      { current = p.current, max = p.max })
  end,
}
