-- The node is not close to the kubelet's hard eviction thresholds.
-- Thresholds: kubelet --eviction-hard over config evictionHard over the kubelet defaults
-- (memory.available<100Mi, nodefs.available<10%, imagefs.available<15%). Free resources:
--   memory  = memory.available_bytes
--   nodefs  = free space of the file system holding /var/lib/kubelet (else /)
--   imagefs = free space of /var/lib/containerd or /var/lib/docker (else the nodefs)
-- For each signal: free below the threshold -> fail (the kubelet is evicting Pods);
-- free below threshold x warn_factor (2) -> warn (little headroom left).
local k8s = require("k8s")

local DEFAULTS = { ["memory.available"] = "100Mi", ["nodefs.available"] = "10%",
                   ["imagefs.available"] = "15%" }

local function thresholds(s, ctx)
  local out = {}
  for k, v in pairs(DEFAULTS) do out[k] = v end
  local cfg = k8s.dig(s.facts.kubelet, "config", "evictionHard")
  if cfg ~= nil then
    for k, v in pairs(cfg) do out[k] = v end
  end
  local flag = k8s.dig(s.facts.kubelet, "args", "eviction-hard")
  for _, item in ipairs(k8s.split_csv(flag)) do
    local k, v = item:match("^([%w%.]+)<(.+)$")
    if k then out[k] = v end
  end
  return out
end

-- Threshold in bytes for a signal with `total` bytes: "10%" or a quantity.
local function bytes(ctx, value, total)
  local pct = tostring(value):match("^([%d%.]+)%%$")
  if pct then return tonumber(pct) * total / 100 end
  return ctx.parse_quantity(tostring(value))
end

local function mount(fs, candidates)
  for _, p in ipairs(candidates) do
    if fs[p] ~= nil and type(fs[p].size_bytes) == "number" then return p, fs[p] end
  end
  return nil
end

return {
  api = 1,
  id = "health/kubelet-eviction-headroom",
  title = { en = "Node is clear of the kubelet eviction thresholds", zh = "节点资源距 kubelet 驱逐阈值有余量" },
  severity = "high",
  scope = "node",
  requires = { "memory", "filesystems" },
  params = {
    warn_factor = { default = 2, description = "warn when free is below threshold x this factor" },
  },
  impact = {
    en = "Below a hard eviction threshold the kubelet kills Pods without grace period, "
      .. "starting with BestEffort and Burstable Pods that exceed their requests.",
    zh = "低于硬驱逐阈值时 kubelet 会立即驱逐 Pod（不等待优雅退出），优先驱逐 BestEffort 及超出 requests 的 Burstable Pod。",
  },
  remediation = {
    en = "Free memory or disk on the node (see the usage findings), move workloads away, or "
      .. "reserve resources for the system (kubeReserved, systemReserved) so allocatable is "
      .. "realistic.",
    zh = "释放节点内存或磁盘（参考使用率检查结果），迁移部分负载，或配置 kubeReserved、systemReserved 预留资源，使可分配资源符合实际。",
  },
  references = { "ACK 节点资源预留策略", "kubelet eviction: evictionHard defaults" },
  tags = { "node", "kubelet", "resources" },
  check = function(s, ctx)
    local th = thresholds(s, ctx)
    local factor = ctx.param("warn_factor")
    local signals = {}
    local mem = s.facts.memory
    if type(mem.total_bytes) == "number" and type(mem.available_bytes) == "number" then
      signals[#signals + 1] = { signal = "memory.available", free = mem.available_bytes,
                                total = mem.total_bytes }
    end
    local fs = s.facts.filesystems
    local npath, nfs = mount(fs, { "/var/lib/kubelet", "/" })
    if nfs and type(nfs.used_bytes) == "number" then
      signals[#signals + 1] = { signal = "nodefs.available", mount = npath,
                                free = nfs.size_bytes - nfs.used_bytes, total = nfs.size_bytes }
    end
    local ipath, ifs = mount(fs, { "/var/lib/containerd", "/var/lib/docker" })
    if ifs == nil then ipath, ifs = npath, nfs end
    if ifs and type(ifs.used_bytes) == "number" then
      signals[#signals + 1] = { signal = "imagefs.available", mount = ipath,
                                free = ifs.size_bytes - ifs.used_bytes, total = ifs.size_bytes }
    end
    if #signals == 0 then return ctx.error("memory and file system usage not available") end
    local worst, status = nil, "pass"
    local rows = {}
    for _, sig in ipairs(signals) do
      local limit = th[sig.signal] and bytes(ctx, th[sig.signal], sig.total)
      local st = "pass"
      if limit ~= nil then
        if sig.free < limit then st = "fail" elseif sig.free < limit * factor then st = "warn" end
      end
      rows[#rows + 1] = { signal = sig.signal, mount = sig.mount, free_bytes = sig.free,
                          threshold = th[sig.signal], status = st }
      if st == "fail" or (st == "warn" and status == "pass") then
        worst, status = rows[#rows], st
      end
    end
    local evidence = { signals = rows, warn_factor = factor }
    if status == "pass" then
      local parts = {}
      for i, r in ipairs(rows) do
        parts[i] = string.format("%s %.1f GiB free (evicts below %s)", r.signal,
          r.free_bytes / 1073741824, tostring(r.threshold))
      end
      return ctx.pass(table.concat(parts, "; "), evidence)
    end
    local msg = string.format("%s%s: %.2f GiB free, hard eviction threshold %s", worst.signal,
      worst.mount and (" (" .. worst.mount .. ")") or "", worst.free_bytes / 1073741824,
      tostring(worst.threshold))
    if status == "fail" then return ctx.fail(msg .. "; the kubelet is evicting Pods", evidence) end
    return ctx.warn(msg .. string.format("; less than %sx headroom", tostring(factor)), evidence)
  end,
}
