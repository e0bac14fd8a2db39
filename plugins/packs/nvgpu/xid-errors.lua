-- NVIDIA Xid errors in the node's kernel log since boot (seed §3.12 gpu.xid, NPD
-- nvidia_gpu_check, alert "K8s GPU Xid告警"). Facts from this pack's probes:
-- facts.plugins.nvgpu.smi (nvidia-smi) and facts.plugins.nvgpu.xid (the NVRM Xid lines).
--   no nvidia-smi on the node -> na;  any Xid -> fail (the codes and what they usually mean);
--   none -> pass.
local MEANING = {
  [13] = "graphics engine exception (often the application)",
  [31] = "GPU memory page fault (often the application)",
  [43] = "GPU stopped processing (often the application)",
  [45] = "preemptive cleanup after an earlier error",
  [48] = "double-bit ECC error (hardware)",
  [61] = "internal micro-controller breakpoint (driver/firmware)",
  [62] = "internal micro-controller halt (driver/firmware)",
  [63] = "ECC page retirement or row remapping event",
  [64] = "ECC page retirement or row remapping failure (hardware)",
  [74] = "NVLink error (hardware)",
  [79] = "GPU has fallen off the bus (hardware, power or PCIe)",
  [92] = "high single-bit ECC error rate (hardware)",
  [94] = "contained ECC error",
  [95] = "uncontained ECC error (reset the GPU)",
}

return {
  api = 1,
  id = "nvgpu/xid-errors",
  title = { en = "No NVIDIA Xid errors on GPU nodes", zh = "GPU 节点无 NVIDIA Xid 错误" },
  severity = "high",
  scope = "node",
  requires = { "plugins.nvgpu.smi", "plugins.nvgpu.xid" },
  impact = {
    en = "An Xid is the NVIDIA driver reporting a GPU error: a hardware fault (79, 48, 74, 95) "
      .. "leaves the GPU unusable until a reset or repair, and jobs scheduled onto it fail.",
    zh = "Xid 是 NVIDIA 驱动上报的 GPU 错误：硬件类错误（79、48、74、95）会使 GPU 在重置或维修前不可用，调度到该节点的任务会失败。",
  },
  remediation = {
    en = "Read the Xid codes: application errors (13, 31, 43) point at the workload; hardware "
      .. "errors need the node cordoned and drained, the GPU reset or the instance repaired.",
    zh = "根据 Xid 代码判断：应用类错误（13、31、43）排查业务程序；硬件类错误需封锁并排空节点，重置 GPU 或报修实例。",
  },
  references = { "ACK GPU: Xid 错误与 K8s GPU Xid告警", "NVIDIA Xid Errors (docs.nvidia.com/deploy/xid-errors)" },
  tags = { "node", "gpu", "nvidia" },
  check = function(s, ctx)
    local smi, xid = s.facts.plugins.nvgpu.smi, s.facts.plugins.nvgpu.xid
    if not smi.present then return ctx.na("no nvidia-smi on this node (not a GPU node)") end
    if (xid.count or 0) == 0 then
      return ctx.pass("no NVIDIA Xid error in the kernel log since boot",
        { gpus = smi.count, driver_version = smi.driver_version })
    end
    local codes = {}
    for code, n in pairs(xid.codes) do codes[#codes + 1] = { code = tonumber(code), n = n } end
    table.sort(codes, function(a, b) return a.code < b.code end)
    local parts = {}
    for _, c in ipairs(codes) do
      parts[#parts + 1] = string.format("Xid %d x%d (%s)", c.code, c.n, MEANING[c.code] or "see the NVIDIA Xid table")
    end
    local last = xid.events[#xid.events]
    return ctx.fail(string.format("%d Xid error(s) since boot: %s", xid.count, table.concat(parts, "; ")),
      { count = xid.count, last = last and string.format("%s: Xid %d, %s", last.bus, last.code, last.text) })
  end,
}
