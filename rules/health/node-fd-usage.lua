-- Open file handles of the node (fd.allocated / fd.max, /proc/sys/fs/file-nr).
--   usage > fail_percent (95) -> fail;  usage > warn_percent (80, NPD fd_check
--   check_fd_warning_percentage) -> warn.
-- fs.file-max is often 2^63-1; a value above 2^63 (a JSON tool rounding it up) reaches Lua as an
-- unsigned 64-bit integer wrapped negative and is read back as unsigned.
local usage = require("usage")

return {
  api = 1,
  id = "health/node-fd-usage",
  title = { en = "Node has file-handle headroom", zh = "节点文件句柄使用率正常" },
  severity = "medium",
  scope = "node",
  requires = { "fd" },
  params = {
    warn_percent = { default = 80, description = "warn above this usage (percent)" },
    fail_percent = { default = 95, description = "fail above this usage (percent)" },
  },
  impact = {
    en = "When the system-wide file table is full, every process on the node fails to open "
      .. "files and sockets (\"Too many open files\"), the kubelet and runtime included.",
    zh = "系统文件句柄耗尽后，节点上所有进程（包括 kubelet 和容器运行时）都无法打开文件或建立连接（Too many open files）。",
  },
  remediation = {
    en = "Find the processes holding most handles (ls /proc/*/fd | wc -l per process, lsof), "
      .. "fix leaks, and raise fs.file-max if the load is legitimate.",
    zh = "找出占用句柄最多的进程（统计 /proc/<pid>/fd 或使用 lsof），修复句柄泄漏；负载确实需要时调大 fs.file-max。",
  },
  references = { "ACK node-problem-detector fd_check", "ACK 报警规则 node-fd-pressure" },
  tags = { "node", "resources" },
  check = function(s, ctx)
    local fd = s.facts.fd
    local alloc, max = fd.allocated, fd.max
    if type(alloc) ~= "number" or type(max) ~= "number" then
      return ctx.error("fd.allocated/fd.max not available")
    end
    if max < 0 then max = max + 18446744073709551616.0 end
    if max == 0 then return ctx.error("fd.max is 0") end
    return usage.result(ctx, alloc * 100 / max, ctx.param("warn_percent"),
      ctx.param("fail_percent"), false,
      string.format("%d of %.0f file handles in use:", alloc, max),
      { allocated = alloc, max = max })
  end,
}
