-- Containers run with a read-only root file system: risk unless
-- securityContext.readOnlyRootFilesystem is true (ACK 配置巡检 notReadOnlyRootFileSystem).
-- The ACK and strict readings are the same. Warn, not fail: a writable root file system is a
-- hardening gap, not an exposure by itself. System workloads in `exempt` get na.
local k8s = require("k8s")
local podsec = require("podsec")

return {
  api = 1,
  id = "workload/readonly-rootfs",
  title = { en = "Containers use a read-only root file system", zh = "容器根文件系统为只读" },
  severity = "low",
  scope = "pod",
  applies = podsec.applies,
  params = {
    exempt = { default = podsec.system_exempt(),
               description = "Pods allowed a writable root file system: { namespace, name_prefix or name, reason }" },
  },
  impact = {
    en = "A writable root file system lets an attacker replace binaries and libraries of the "
      .. "container or drop tools into it.",
    zh = "根文件系统可写时，攻击者可以篡改容器内的程序和系统文件，或植入恶意工具。",
  },
  remediation = {
    en = "Set securityContext.readOnlyRootFilesystem: true and mount emptyDir volumes for the "
      .. "directories the application writes (/tmp, caches).",
    zh = "设置 securityContext.readOnlyRootFilesystem: true，应用需要写入的目录（如 /tmp、缓存目录）通过 emptyDir 等卷挂载。",
  },
  references = { "ACK 配置巡检 notReadOnlyRootFileSystem" },
  tags = { "security", "config-inspection" },
  check = function(s, ctx)
    local bad = {}
    for _, e in ipairs(podsec.containers(s.object)) do
      if k8s.dig(e.c, "securityContext", "readOnlyRootFilesystem") ~= true then
        bad[#bad + 1] = { container = e.label }
      end
    end
    return podsec.result(ctx, s, bad, "have a writable root file system",
      "readOnlyRootFilesystem: true", "warn")
  end,
}
