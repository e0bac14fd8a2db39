-- The NVIDIA driver answers nvidia-smi, and persistence mode is on (seed §3.12
-- gpu.persistence_mode: `nvidia-smi -pm 1` in rc.local; gpu.driver_version). Facts from this
-- pack's `smi` probe (facts.plugins.nvgpu.smi).
--   no nvidia-smi -> na;  nvidia-smi fails -> fail;  a GPU with persistence mode off -> warn
--   (param require_persistence);  else pass.
return {
  api = 1,
  id = "nvgpu/driver-health",
  title = { en = "The NVIDIA driver answers and persistence mode is on", zh = "NVIDIA 驱动可用且开启持久模式" },
  severity = "medium",
  scope = "node",
  requires = { "plugins.nvgpu.smi" },
  params = {
    require_persistence = { default = true, description = "warn when a GPU has persistence mode off" },
  },
  impact = {
    en = "When nvidia-smi cannot reach the driver, no GPU container starts on the node; with "
      .. "persistence mode off the driver unloads between jobs and each job start is slower.",
    zh = "nvidia-smi 无法与驱动通信时，节点上的 GPU 容器无法启动；持久模式关闭时驱动会在任务间卸载，任务启动变慢。",
  },
  remediation = {
    en = "Reinstall or reload the driver matching the kernel (the node pool's driver version); "
      .. "enable persistence mode with `nvidia-smi -pm 1` at boot (rc.local or nvidia-persistenced).",
    zh = "重新安装或加载与内核匹配的驱动（节点池指定的驱动版本）；开机时执行 nvidia-smi -pm 1 开启持久模式（rc.local 或 nvidia-persistenced）。",
  },
  references = { "ACK GPU: 升级 GPU 节点内核与驱动" },
  tags = { "node", "gpu", "nvidia" },
  check = function(s, ctx)
    local smi = s.facts.plugins.nvgpu.smi
    if not smi.present then return ctx.na("no nvidia-smi on this node (not a GPU node)") end
    if not smi.ok then
      return ctx.fail(string.format("nvidia-smi failed (exit %s): %s", tostring(smi.exit_status), smi.error or ""))
    end
    local off = {}
    for _, g in ipairs(smi.gpus) do
      if g.persistence_mode ~= "Enabled" then off[#off + 1] = string.format("GPU %d (%s)", g.index, g.bus_id) end
    end
    if #off > 0 and ctx.param("require_persistence") then
      return ctx.warn("persistence mode is off on " .. table.concat(off, ", "),
        { driver_version = smi.driver_version, gpus = smi.count })
    end
    return ctx.pass(string.format("%d GPU(s), driver %s, persistence mode on", smi.count, smi.driver_version),
      { driver_version = smi.driver_version })
  end,
}
