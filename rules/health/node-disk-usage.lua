-- Space and inodes used on every file system of the node (facts.filesystems); the worst mount
-- decides.
--   space  >= disk_fail_percent (95)  -> fail;  >= disk_warn_percent (85, ACK alert) -> warn
--   inodes >  inode_fail_percent (90) -> fail;  >  inode_warn_percent (80, NPD
--   inodes_usage_check inode_warning_percentage) -> warn
-- The DiskPressure condition is reported by health/node-conditions.
local k8s = require("k8s")
local usage = require("usage")

local RANK = { pass = 0, warn = 1, fail = 2 }

return {
  api = 1,
  id = "health/node-disk-usage",
  title = { en = "Node file systems have free space and inodes", zh = "节点磁盘空间与 inode 使用率正常" },
  severity = "high",
  scope = "node",
  requires = { "filesystems" },
  params = {
    disk_warn_percent = { default = 85, description = "warn at or above this space usage (percent)" },
    disk_fail_percent = { default = 95, description = "fail at or above this space usage (percent)" },
    inode_warn_percent = { default = 80, description = "warn above this inode usage (percent)" },
    inode_fail_percent = { default = 90, description = "fail above this inode usage (percent)" },
  },
  impact = {
    en = "A full root or container file system stops image pulls and container starts, and "
      .. "the kubelet evicts Pods under DiskPressure; running out of inodes has the same effect "
      .. "with free space left.",
    zh = "根分区或容器数据盘写满后无法拉取镜像、启动容器，kubelet 会因 DiskPressure 驱逐 Pod；inode 耗尽时即使仍有空间也会出现同样问题。",
  },
  remediation = {
    en = "Clean unused images (crictl rmi --prune) and logs, move /var/lib/containerd (or docker) "
      .. "and /var/lib/kubelet to a data disk, or grow the disk; for inodes, find directories "
      .. "with many small files.",
    zh = "清理无用镜像（crictl rmi --prune）与日志，将 /var/lib/containerd（或 docker）及 /var/lib/kubelet 迁移到数据盘，或扩容磁盘；inode 不足时排查存放大量小文件的目录。",
  },
  references = { "ACK node-problem-detector inodes_usage_check", "ACK 报警规则 node_disk_util_high (85%)" },
  tags = { "node", "disk", "resources" },
  check = function(s, ctx)
    local dw, df = ctx.param("disk_warn_percent"), ctx.param("disk_fail_percent")
    local iw, ifl = ctx.param("inode_warn_percent"), ctx.param("inode_fail_percent")
    local worst, worst_rank, mounts = nil, -1, {}
    for _, path in ipairs(k8s.sorted_keys(s.facts.filesystems)) do
      local fs = s.facts.filesystems[path]
      local entry = { mount = path }
      local status, why = "pass", nil
      if type(fs.size_bytes) == "number" and fs.size_bytes > 0 and type(fs.used_bytes) == "number" then
        local pct = fs.used_bytes * 100 / fs.size_bytes
        entry.space_percent = usage.round(pct)
        if pct >= df then status, why = "fail", string.format("space %s (threshold %d%%)", k8s.percent(pct), df)
        elseif pct >= dw then status, why = "warn", string.format("space %s (warning threshold %d%%)", k8s.percent(pct), dw) end
      end
      if type(fs.inodes_total) == "number" and fs.inodes_total > 0 and type(fs.inodes_used) == "number" then
        local pct = fs.inodes_used * 100 / fs.inodes_total
        entry.inode_percent = usage.round(pct)
        local st, w = "pass", nil
        if pct > ifl then st, w = "fail", string.format("inodes %s (threshold %d%%)", k8s.percent(pct), ifl)
        elseif pct > iw then st, w = "warn", string.format("inodes %s (warning threshold %d%%)", k8s.percent(pct), iw) end
        if RANK[st] > RANK[status] then status, why = st, w end
      end
      entry.status = status
      mounts[#mounts + 1] = entry
      if RANK[status] > worst_rank then worst, worst_rank, entry.why = entry, RANK[status], why end
    end
    if worst == nil then return ctx.na("no file system usage was collected") end
    local evidence = { filesystems = mounts }
    if worst.status == "fail" then return ctx.fail(worst.mount .. ": " .. worst.why, evidence) end
    if worst.status == "warn" then return ctx.warn(worst.mount .. ": " .. worst.why, evidence) end
    local parts = {}
    for i, m in ipairs(mounts) do
      parts[i] = string.format("%s %s space, %s inodes", m.mount,
        m.space_percent and (m.space_percent .. "%") or "?", m.inode_percent and (m.inode_percent .. "%") or "?")
    end
    return ctx.pass(table.concat(parts, "; "), evidence)
  end,
}
