-- ECI annotations on the Pod (k8s.aliyun.com/eci-*, eip-*, ...) hold valid values (seed 003
-- annotation table): IDs with their prefixes (sg-, vsw-, imc-, cri-, eip-, cbwp-), enums
-- (schedule strategy, spot strategy, EIP ISP and charge type), booleans as "true"/"false",
-- spec lists ("2-4Gi" or ECS types), positive integers, bandwidth quantities.
--   an invalid value -> fail (ECI rejects or ignores it: the Pod is not created as intended)
--   eci-spot-price-limit without SpotWithPriceLimit -> warn (the limit is ignored)
--   Pods without ECI annotations -> pass
local k8s = require("k8s")

local BOOL = { ["true"] = true, ["false"] = true }

local function ids(prefix)
  return function(v)
    for _, id in ipairs(k8s.split_csv(v)) do
      if not id:match("^" .. prefix .. "%-[%w%*]+$") then return false end
    end
    return #k8s.split_csv(v) > 0
  end
end
local function enum(set) return function(v) return set[v] == true end end
local function bool(v) return BOOL[v] == true end
local function posint(v) return v:match("^%d+$") ~= nil and tonumber(v) > 0 end
local function specs(v)
  local list = k8s.split_csv(v)
  for _, s in ipairs(list) do
    if not (s:match("^%d+%.?%d*%-%d+%.?%d*Gi$") or s:match("^ecs%.[%w%-]+%.[%w]+$")) then return false end
  end
  return #list > 0
end
local function bandwidth(v) return v:match("^%d+[KMG]$") ~= nil end
local function decimal(v) return v:match("^%d+%.?%d*$") ~= nil end
local function quantity(v) return v:match("^%d+[KMGT]i?$") ~= nil end

local P = "k8s.aliyun.com/"
local RULES = {
  [P .. "eci-security-group"] = { ids("sg"), "sg-<id>" },
  [P .. "eci-vswitch"] = { ids("vsw"), "comma-separated vsw-<id>" },
  [P .. "eci-schedule-strategy"] = { enum({ VSwitchOrdered = true, VSwitchRandom = true }), "VSwitchOrdered or VSwitchRandom" },
  [P .. "eci-use-specs"] = { specs, "<cpu>-<mem>Gi or ecs.<family>.<size>, comma-separated" },
  [P .. "eci-spot-strategy"] = { enum({ SpotAsPriceGo = true, SpotWithPriceLimit = true }), "SpotAsPriceGo or SpotWithPriceLimit" },
  [P .. "eci-spot-price-limit"] = { decimal, "a decimal price" },
  [P .. "eci-cpu-option-core"] = { posint, "a positive integer" },
  [P .. "eci-cpu-option-ht"] = { enum({ ["1"] = true, ["2"] = true }), "1 or 2" },
  [P .. "eci-reschedule-enable"] = { bool, "\"true\" or \"false\"" },
  [P .. "pod-fail-on-create-err"] = { bool, "\"true\" or \"false\"" },
  [P .. "eci-image-snapshot-id"] = { ids("imc"), "imc-<id>" },
  [P .. "eci-image-cache"] = { bool, "\"true\" or \"false\"" },
  [P .. "acr-instance-id"] = { ids("cri"), "cri-<id>" },
  [P .. "eci-eip-instanceid"] = { ids("eip"), "eip-<id>" },
  [P .. "eci-with-eip"] = { bool, "\"true\" or \"false\"" },
  [P .. "eip-bandwidth"] = { posint, "a positive integer (Mbps)" },
  [P .. "eip-common-bandwidth-package-id"] = { ids("cbwp"), "cbwp-<id>" },
  [P .. "eip-isp"] = { enum({ BGP = true, BGP_PRO = true }), "BGP or BGP_PRO" },
  [P .. "eip-internet-charge-type"] = { enum({ PayByBandwidth = true, PayByTraffic = true }), "PayByBandwidth or PayByTraffic" },
  [P .. "eci-enable-ipv6"] = { bool, "\"true\" or \"false\"" },
  [P .. "eci-extra-ephemeral-storage"] = { quantity, "a quantity such as 50Gi" },
  [P .. "eci-eviction-enable"] = { bool, "\"true\" or \"false\"" },
  ["kubernetes.io/ingress-bandwidth"] = { bandwidth, "<n>K|M|G" },
  ["kubernetes.io/egress-bandwidth"] = { bandwidth, "<n>K|M|G" },
}

return {
  api = 1,
  id = "health/eci-annotations",
  title = { en = "ECI annotations have valid values", zh = "ECI 相关注解（Annotation）取值合法" },
  severity = "medium",
  scope = "pod",
  applies = function(s) return not k8s.pod_terminated(s.object) end,
  impact = {
    en = "ECI rejects the Pod or ignores the setting: it runs with another size, network, "
      .. "image cache or without its EIP.",
    zh = "ECI 会拒绝创建该 Pod 或忽略对应配置，导致实例规格、网络、镜像缓存或 EIP 与预期不符。",
  },
  remediation = {
    en = "Fix the annotation on the Pod template following the ECI annotation reference "
      .. "(IDs with their prefixes, \"true\"/\"false\" strings, listed enum values).",
    zh = "按 ECI 注解说明修正 Pod 模板中的注解取值（ID 需带正确前缀，布尔值使用 \"true\"/\"false\" 字符串，枚举值使用文档列出的取值）。",
  },
  references = { "ECI: Kubernetes 对接 ECI 的 Pod Annotation 说明" },
  tags = { "eci", "pod" },
  check = function(s, ctx)
    local bad, seen = {}, 0
    local ann = s.annotations or {}
    for _, key in ipairs(k8s.sorted_keys(ann)) do
      local r = RULES[key]
      if r ~= nil then
        seen = seen + 1
        local v = tostring(ann[key])
        if not r[1](v) then bad[#bad + 1] = { annotation = key, value = v, expected = r[2] } end
      end
    end
    if #bad > 0 then
      local parts = {}
      for i, b in ipairs(bad) do parts[i] = string.format("%s=%q (expected %s)", b.annotation, b.value, b.expected) end
      return ctx.fail("invalid ECI annotation" .. (#bad > 1 and "s: " or ": ") .. table.concat(parts, "; "), { annotations = bad })
    end
    if ann[P .. "eci-spot-price-limit"] ~= nil and ann[P .. "eci-spot-strategy"] ~= "SpotWithPriceLimit" then
      return ctx.warn("eci-spot-price-limit is set but eci-spot-strategy is not SpotWithPriceLimit: the limit is ignored")
    end
    if seen == 0 then return ctx.pass("no ECI annotation") end
    return ctx.pass(string.format("%d ECI annotations, all valid", seen))
  end,
}
