-- Containers add no dangerous Linux capabilities.
--   ACK reading (配置巡检 capabilitiesAdded, the default): risk when capabilities.add holds a
--     privileged capability from the `dangerous` parameter (ALL, SYS_ADMIN, NET_ADMIN, ...).
--   strict reading (reading = "strict", Pod Security "restricted"): only the `allowed_strict`
--     capabilities (NET_BIND_SERVICE) may be added, and capabilities.drop must contain ALL.
-- Init containers included; system workloads in `exempt` get na with the reason.
local k8s = require("k8s")
local podsec = require("podsec")

local function has(list, value)
  for _, v in ipairs(list or {}) do
    if v == value or v == "CAP_" .. value then return true end
  end
  return false
end

return {
  api = 1,
  id = "workload/capabilities",
  title = { en = "Containers add no dangerous capabilities", zh = "容器未添加高危 Linux Capabilities" },
  severity = "high",
  scope = "pod",
  applies = podsec.applies,
  params = {
    reading = { default = "ack", description = "ack (no dangerous capability added) or strict (restricted: drop ALL, add only allowed_strict)" },
    dangerous = {
      default = { "ALL", "SYS_ADMIN", "NET_ADMIN", "SYS_PTRACE", "SYS_MODULE", "DAC_READ_SEARCH",
                  "NET_RAW", "SYS_RAWIO", "BPF", "PERFMON", "SYS_BOOT", "SYS_TIME" },
      description = "capabilities that are a risk when added (ACK reading)",
    },
    allowed_strict = { default = { "NET_BIND_SERVICE" }, description = "capabilities the strict reading allows" },
    exempt = { default = podsec.system_exempt(),
               description = "Pods allowed extra capabilities: { namespace, name_prefix or name, reason }" },
  },
  impact = {
    en = "Capabilities such as SYS_ADMIN or NET_ADMIN let a compromised container reconfigure "
      .. "the node's network, mount file systems or escape to the host.",
    zh = "SYS_ADMIN、NET_ADMIN 等高危 Capability 使被入侵的容器能够修改节点网络、挂载文件系统甚至逃逸到宿主机。",
  },
  remediation = {
    en = "Add only the capabilities the application needs and drop the rest: "
      .. "securityContext.capabilities: { drop: [ALL], add: [NET_BIND_SERVICE] }.",
    zh = "只添加应用确实需要的 Capability，并丢弃其余能力：securityContext.capabilities: { drop: [ALL], add: [NET_BIND_SERVICE] }。",
  },
  references = { "ACK 配置巡检 capabilitiesAdded", "Pod Security Standards restricted: capabilities" },
  tags = { "security", "pod-security", "config-inspection" },
  check = function(s, ctx)
    local strict = ctx.param("reading") == "strict"
    local dangerous, allowed = ctx.param("dangerous"), ctx.param("allowed_strict")
    local bad = {}
    for _, e in ipairs(podsec.containers(s.object)) do
      local caps = k8s.dig(e.c, "securityContext", "capabilities") or {}
      local added = {}
      for _, cap in ipairs(caps.add or {}) do
        local name = tostring(cap):gsub("^CAP_", "")
        if strict then
          if not has(allowed, name) then added[#added + 1] = name end
        elseif has(dangerous, name) then
          added[#added + 1] = name
        end
      end
      local no_drop_all = strict and not has(caps.drop, "ALL")
      if #added > 0 or no_drop_all then
        bad[#bad + 1] = { container = e.label, added = added, drops_all = not no_drop_all }
      end
    end
    return podsec.result(ctx, s, bad,
      strict and "add capabilities beyond " .. k8s.join(allowed) .. " or do not drop ALL"
        or "add dangerous capabilities",
      strict and "capabilities.drop [ALL], add at most " .. k8s.join(allowed)
        or "none of " .. k8s.join(dangerous) .. " added")
  end,
}
