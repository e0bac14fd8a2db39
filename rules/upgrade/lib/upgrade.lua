-- Helpers for the upgrade pack: `local up = require("upgrade")`.
-- Versions are compared by minor number (Kubernetes 1.x): "v1.28.3" -> 28.
local M = {}

-- {major, minor, patch} of "v1.28.3", "1.29", "v1.20.4-aliyun.1"; nil if unparsable.
function M.parse(v)
  if type(v) ~= "string" then return nil end
  local major, minor, rest = v:match("^[vV]?(%d+)%.(%d+)(.*)$")
  if major == nil then return nil end
  local patch = rest:match("^%.(%d+)")
  return { major = tonumber(major), minor = tonumber(minor), patch = patch and tonumber(patch) or nil }
end

-- The minor number of a Kubernetes 1.x version string, or nil.
function M.minor(v)
  local p = M.parse(v)
  if p == nil or p.major ~= 1 then return nil end
  return p.minor
end

-- The target minor from the target_version parameter (set by kpatrol precheck), or nil and a
-- reason for ctx.na.
function M.target(ctx)
  local t = ctx.param("target_version")
  if t == nil or t == "" then
    return nil, "no target version: run `kpatrol precheck --to VERSION`"
  end
  local m = M.minor(tostring(t))
  if m == nil then return nil, "target_version '" .. tostring(t) .. "' is not a 1.x version" end
  return m
end

function M.v(minor) return "1." .. tostring(minor) end

-- Compares dotted numeric versions ("3.5.9-0" vs "3.5.20"): -1, 0, 1; nil if unparsable.
function M.compare(a, b)
  local function nums(s)
    local out = {}
    s = tostring(s):gsub("^[vV]", "")
    local core = s:match("^([%d%.]+)")
    if core == nil then return nil end
    for n in core:gmatch("%d+") do out[#out + 1] = tonumber(n) end
    return out
  end
  local x, y = nums(a), nums(b)
  if x == nil or y == nil then return nil end
  for i = 1, math.max(#x, #y) do
    local p, q = x[i] or 0, y[i] or 0
    if p < q then return -1 end
    if p > q then return 1 end
  end
  return 0
end

-- The tag of an image reference ("registry/x/coredns:v1.10.1" -> "v1.10.1"), or nil.
function M.image_tag(image)
  if type(image) ~= "string" then return nil end
  local ref = image:gsub("@.*$", "")
  local tag = ref:match(":([^:/]+)$")
  return tag
end

-- The image name without registry and tag ("registry.k8s.io/coredns/coredns:v1.10.1" -> "coredns").
function M.image_name(image)
  if type(image) ~= "string" then return nil end
  local ref = image:gsub("@.*$", ""):gsub(":[^:/]+$", "")
  return ref:match("([^/]+)$")
end

-- "<ns>/<name>" or "<name>" for messages.
function M.ref(obj)
  local md = obj.metadata or {}
  if md.namespace ~= nil and md.namespace ~= "" then return md.namespace .. "/" .. tostring(md.name) end
  return tostring(md.name)
end

-- Top-level apiVersion and kind of a last-applied-configuration JSON text. kubectl writes the
-- keys sorted, so the first "apiVersion" and "kind" keys are the top-level ones.
function M.last_applied(obj)
  local ann = obj.metadata and obj.metadata.annotations
  local text = ann and ann["kubectl.kubernetes.io/last-applied-configuration"]
  if type(text) ~= "string" then return nil end
  local api = text:match('"apiVersion"%s*:%s*"([^"]+)"')
  local kind = text:match('"kind"%s*:%s*"([^"]+)"')
  return api, kind
end

-- Pod templates of every workload object collected, plus bare Pods: a list of
-- { ref = "Deployment shop/web", spec = <pod spec>, annotations = <template annotations> }.
-- Pods owned by a controller are skipped (their template is checked).
function M.pod_specs(ctx)
  local out = {}
  local kinds = {
    { "deployments", "Deployment" }, { "daemonsets", "DaemonSet" },
    { "statefulsets", "StatefulSet" }, { "replicasets", "ReplicaSet" }, { "jobs", "Job" },
  }
  for _, k in ipairs(kinds) do
    if ctx.has_objects(k[1]) then
      for _, o in ipairs(ctx.objects(k[1])) do
        local owned = o.metadata and o.metadata.ownerReferences and #o.metadata.ownerReferences > 0
        if not owned then
          local t = o.spec and o.spec.template
          if t ~= nil then
            out[#out + 1] = { ref = k[2] .. " " .. M.ref(o), spec = t.spec or {},
                              annotations = (t.metadata and t.metadata.annotations) or {} }
          end
        end
      end
    end
  end
  if ctx.has_objects("cronjobs") then
    for _, o in ipairs(ctx.objects("cronjobs")) do
      local t = o.spec and o.spec.jobTemplate and o.spec.jobTemplate.spec and o.spec.jobTemplate.spec.template
      if t ~= nil then
        out[#out + 1] = { ref = "CronJob " .. M.ref(o), spec = t.spec or {},
                          annotations = (t.metadata and t.metadata.annotations) or {} }
      end
    end
  end
  if ctx.has_objects("pods") then
    for _, p in ipairs(ctx.objects("pods")) do
      local owned = p.metadata and p.metadata.ownerReferences and #p.metadata.ownerReferences > 0
      if not owned then
        out[#out + 1] = { ref = "Pod " .. M.ref(p), spec = p.spec or {},
                          annotations = (p.metadata and p.metadata.annotations) or {} }
      end
    end
  end
  return out
end

-- Whether one of the pod-bearing kinds was collected.
function M.has_workloads(ctx)
  for _, k in ipairs({ "pods", "deployments", "daemonsets", "statefulsets", "replicasets", "jobs", "cronjobs" }) do
    if ctx.has_objects(k) then return true end
  end
  return false
end

-- Up to `n` entries of a list, and how many were left out.
function M.head(list, n)
  local out = {}
  for i = 1, math.min(#list, n) do out[i] = list[i] end
  return out, math.max(0, #list - n)
end

-- "a, b, c (+3 more)"
function M.summary(list, n)
  local h, more = M.head(list, n or 5)
  local text = table.concat(h, "; ")
  if more > 0 then text = text .. string.format(" (+%d more)", more) end
  return text
end

-- The kube-system Pods of a control-plane component (label component=<name> or k8s-app=<name>,
-- or a name starting with "<name>-").
function M.system_pods(ctx, name)
  local out = {}
  if not ctx.has_objects("pods") then return out end
  for _, p in ipairs(ctx.objects("pods")) do
    local md = p.metadata or {}
    if md.namespace == "kube-system" then
      local labels = md.labels or {}
      local n = tostring(md.name or "")
      if labels.component == name or labels["k8s-app"] == name or n:sub(1, #name + 1) == name .. "-" then
        out[#out + 1] = p
      end
    end
  end
  return out
end

-- The image of the first container of a Pod (or Pod template spec) whose name or image
-- contains `name`.
function M.container_image(spec, name)
  for _, c in ipairs((spec and spec.containers) or {}) do
    if tostring(c.name):find(name, 1, true) or tostring(c.image):find(name, 1, true) then
      return c.image
    end
  end
  return nil
end

return M
