-- Memory in use on the node: (total - available) / total from /proc/meminfo.
--   usage >= fail_percent (95) -> fail;  usage >= warn_percent (85, the ACK alert threshold;
--   the kubelet starts evicting when little memory is left) -> warn.
local usage = require("usage")

return {
  api = 1,
  id = "health/node-memory-usage",
  title = { en = "Node memory usage is below the threshold", zh = "节点内存使用率正常" },
  severity = "medium",
  scope = "node",
  requires = { "memory" },
  params = {
    warn_percent = { default = 85, description = "warn at or above this usage (percent)" },
    fail_percent = { default = 95, description = "fail at or above this usage (percent)" },
  },
  impact = {
    en = "Close to the limit the kubelet evicts Pods (memory.available) and the kernel OOM "
      .. "killer may kill containers or system daemons.",
    zh = "内存接近耗尽时 kubelet 会驱逐 Pod（memory.available），内核 OOM Killer 可能杀死容器甚至系统进程。",
  },
  remediation = {
    en = "Check which Pods use the memory (kubectl top pod -A --sort-by=memory), set memory "
      .. "limits, move workloads or add nodes.",
    zh = "用 kubectl top pod -A --sort-by=memory 找出内存占用高的 Pod，设置内存 limit，迁移负载或扩容节点。",
  },
  references = { "ACK 报警规则 node_mem_util_high (85%)" },
  tags = { "node", "memory", "resources" },
  check = function(s, ctx)
    local m = s.facts.memory
    if type(m.total_bytes) ~= "number" or type(m.available_bytes) ~= "number" or m.total_bytes <= 0 then
      return ctx.error("memory.total_bytes/available_bytes not available")
    end
    local used = m.total_bytes - m.available_bytes
    return usage.result(ctx, used * 100 / m.total_bytes, ctx.param("warn_percent"),
      ctx.param("fail_percent"), true,
      string.format("%s of %s memory in use:", usage.gib(used), usage.gib(m.total_bytes)),
      { total_bytes = m.total_bytes, available_bytes = m.available_bytes })
  end,
}
