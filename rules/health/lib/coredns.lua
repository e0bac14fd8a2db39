-- CoreDNS helpers: `local coredns = require("coredns")`. Pure functions over snapshot objects.
local k8s = require("k8s")

local M = {}

-- The Corefile of ConfigMap kube-system/coredns, or nil (and a reason).
function M.corefile(ctx)
  if not ctx.has_objects("configmaps") then return nil, "ConfigMaps were not collected" end
  for _, cm in ipairs(ctx.objects("configmaps")) do
    local md = cm.metadata or {}
    if md.namespace == "kube-system" and md.name == "coredns" then
      local text = k8s.dig(cm, "data", "Corefile")
      if text == nil then return nil, "ConfigMap kube-system/coredns has no Corefile" end
      return text
    end
  end
  return nil, "no ConfigMap kube-system/coredns"
end

-- The Corefile without comments.
function M.strip(text)
  local out = {}
  for line in (text .. "\n"):gmatch("([^\n]*)\n") do
    out[#out + 1] = (line:gsub("#.*$", ""))
  end
  return table.concat(out, "\n")
end

-- Every occurrence of plugin `name` as the first word of a line: list of { args = "...",
-- block = "..." (the lines between its braces, or nil) }.
function M.plugins(text, name)
  local lines = {}
  for line in (M.strip(text) .. "\n"):gmatch("([^\n]*)\n") do lines[#lines + 1] = line end
  local out = {}
  local i = 1
  while i <= #lines do
    local word, rest = lines[i]:match("^%s*([%w_%-%.]+)(.*)$")
    if word == name then
      local args = rest:gsub("{.*$", ""):gsub("^%s+", ""):gsub("%s+$", "")
      local entry = { args = args }
      if rest:find("{", 1, true) then
        local depth = select(2, rest:gsub("{", "")) - select(2, rest:gsub("}", ""))
        local body = {}
        while depth > 0 and i < #lines do
          i = i + 1
          local l = lines[i]
          depth = depth + select(2, l:gsub("{", "")) - select(2, l:gsub("}", ""))
          if depth > 0 then body[#body + 1] = l end
        end
        entry.block = table.concat(body, "\n")
      end
      out[#out + 1] = entry
    end
    i = i + 1
  end
  return out
end

-- Whether NodeLocal DNSCache is deployed: a kube-system DaemonSet named node-local-dns (or
-- labelled k8s-app=node-local-dns). nil when DaemonSets were not collected.
function M.nodelocal(ctx)
  if not ctx.has_objects("daemonsets") then return nil end
  for _, ds in ipairs(ctx.objects("daemonsets")) do
    local md = ds.metadata or {}
    if md.namespace == "kube-system" and (md.name == "node-local-dns"
        or k8s.dig(md, "labels", "k8s-app") == "node-local-dns") then
      return true, md.name
    end
  end
  return false
end

-- The CoreDNS Deployment (kube-system, name coredns or label k8s-app=kube-dns), or nil.
function M.deployment(ctx)
  local labelled
  for _, d in ipairs(ctx.objects("deployments")) do
    local md = d.metadata or {}
    if md.namespace == "kube-system" then
      if md.name == "coredns" then return d end
      if labelled == nil and k8s.dig(md, "labels", "k8s-app") == "kube-dns" then labelled = d end
    end
  end
  return labelled
end

return M
