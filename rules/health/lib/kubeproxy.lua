-- kube-proxy configuration: `local kubeproxy = require("kubeproxy")`.
-- The KubeProxyConfiguration comes from ConfigMap kube-system/kube-proxy (kubeadm) or
-- kube-proxy-worker (ACK), key config.conf. The YAML is read with a small indentation reader
-- that is enough for its scalar fields (mode, conntrack.maxPerCore, ipvs.udpTimeout, ...).
local M = {}

local NAMES = { "kube-proxy-worker", "kube-proxy" }

-- Flat map "a.b" -> scalar string of a simple block YAML document.
function M.flatten(text)
  local out, stack = {}, {}
  for line in (text .. "\n"):gmatch("([^\n]*)\n") do
    local indent, key, value = line:match("^(%s*)([%w_%-%.]+):%s*(.-)%s*$")
    if key ~= nil and not line:match("^%s*#") then
      local depth = #indent
      while #stack > 0 and stack[#stack].depth >= depth do table.remove(stack) end
      local path = {}
      for _, f in ipairs(stack) do path[#path + 1] = f.key end
      path[#path + 1] = key
      if value == "" then
        stack[#stack + 1] = { depth = depth, key = key }
      else
        value = value:gsub('^"(.*)"$', "%1"):gsub("^'(.*)'$", "%1")
        out[table.concat(path, ".")] = value
      end
    end
  end
  return out
end

-- config map (flattened), ConfigMap name; or nil and a reason.
function M.config(ctx)
  if not ctx.has_objects("configmaps") then return nil, "ConfigMaps were not collected" end
  for _, want in ipairs(NAMES) do
    for _, cm in ipairs(ctx.objects("configmaps")) do
      local md = cm.metadata or {}
      if md.namespace == "kube-system" and md.name == want then
        local text = cm.data and (cm.data["config.conf"] or cm.data["config"])
        if text ~= nil then return M.flatten(text), want end
      end
    end
  end
  return nil, "no kube-proxy ConfigMap (kube-system/kube-proxy or kube-proxy-worker)"
end

-- The proxy mode ("" means the platform default, iptables on Linux).
function M.mode(cfg)
  local m = cfg["mode"]
  if m == nil or m == "" or m == "null" then return "iptables", true end
  return m, false
end

return M
