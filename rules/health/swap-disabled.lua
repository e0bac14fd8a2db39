-- Swap is off on the node.
--   total_bytes == 0 -> pass
--   swap on, failSwapOn true (the kubelet default) -> fail: the kubelet refuses to start with
--     swap on, so the node goes NotReady at its next kubelet restart
--   swap on, failSwapOn false, NodeSwap feature off -> fail: the kubelet runs but does not
--     manage swap, so Pods may swap without limits
--   swap on, failSwapOn false, NodeSwap on (featureGates or --feature-gates; on by default from
--     kubelet 1.30) -> warn: swap is supported; the finding asks to confirm it is deliberate
-- Kubelet settings come from the flags over the config file; without kubelet facts the kubelet
-- defaults (failSwapOn true) are assumed.
local k8s = require("k8s")

local function fail_swap_on(s, ctx)
  if s.facts.kubelet == nil then return true, "unknown (kubelet facts not collected)" end
  local v, source = ctx.effective(s, "kubelet", "failSwapOn", "fail-swap-on", true)
  return not k8s.is_false(v), source
end

-- Whether the NodeSwap feature gate is on, and where that comes from.
local function node_swap(s, ctx)
  local kubelet = s.facts.kubelet
  local gates = kubelet.args and kubelet.args["feature-gates"]
  for _, g in ipairs(k8s.split_csv(gates)) do
    local name, value = g:match("^(%w+)=(%w+)$")
    if name == "NodeSwap" then return k8s.is_true(value), "flag" end
  end
  local v = k8s.dig(kubelet, "config", "featureGates", "NodeSwap")
  if v ~= nil then return k8s.is_true(v), "config" end
  local version = kubelet.version
  local cmp = version and ctx.semver_compare(version, "1.30")
  return cmp ~= nil and cmp >= 0, "default for kubelet " .. tostring(version)
end

local function gib(bytes)
  return string.format("%.1f GiB", bytes / (1024 * 1024 * 1024))
end

return {
  api = 1,
  id = "health/swap-disabled",
  title = {
    en = "Swap is disabled on the node",
    zh = "节点已关闭 swap",
  },
  severity = "medium",
  scope = "node",
  requires = { "swap" },
  impact = {
    en = "By default the kubelet will not start while swap is on (failSwapOn), so the node "
      .. "goes NotReady at its next kubelet restart or upgrade; with swap tolerated, memory "
      .. "limits and eviction become less predictable.",
    zh = "默认情况下开启 swap 时 kubelet 无法启动（failSwapOn），节点会在下一次 kubelet 重启或升级时变为 NotReady；"
      .. "即使放开限制，内存 limit 与驱逐行为也会变得难以预期。节点配置变更（如开启 swap）还可能导致集群升级失败。",
  },
  remediation = {
    en = "Turn swap off: swapoff -a, and remove the swap entries from /etc/fstab (and any "
      .. "systemd swap units). Only if swap is wanted: set failSwapOn: false, enable the "
      .. "NodeSwap feature and choose memorySwap.swapBehavior (e.g. LimitedSwap).",
    zh = "关闭 swap：执行 swapoff -a，并删除 /etc/fstab 中的 swap 条目（以及 systemd 的 swap 单元）。"
      .. "确需使用 swap 时，应设置 failSwapOn: false、开启 NodeSwap 特性并配置 memorySwap.swapBehavior（如 LimitedSwap）。",
  },
  tags = { "node", "memory" },
  check = function(s, ctx)
    local swap = s.facts.swap
    local total = swap.total_bytes
    if type(total) ~= "number" then return ctx.error("swap size not available") end
    if total <= 0 then return ctx.pass("swap is off") end
    local size = string.format("swap is on (%s, %s used)", gib(total), gib(swap.used_bytes or 0))
    local strict, source = fail_swap_on(s, ctx)
    local evidence = { total_bytes = total, used_bytes = swap.used_bytes,
                       fail_swap_on = strict, fail_swap_on_source = source, expected = 0 }
    if strict then
      return ctx.fail(size .. "; expected off: the kubelet requires swap off unless failSwapOn "
        .. "is false and the NodeSwap feature is enabled (failSwapOn true, " .. source .. ")",
        evidence)
    end
    local gate, gate_source = node_swap(s, ctx)
    evidence.node_swap = gate
    evidence.node_swap_source = gate_source
    evidence.swap_behavior = k8s.dig(s.facts.kubelet, "config", "memorySwap", "swapBehavior")
    if not gate then
      return ctx.fail(size .. "; failSwapOn is false (" .. source .. ") but the NodeSwap feature "
        .. "is off (" .. gate_source .. "), so the kubelet does not manage swap; expected swap off",
        evidence)
    end
    return ctx.warn(size .. " and supported by the kubelet (failSwapOn false, NodeSwap on, "
      .. "swapBehavior " .. tostring(evidence.swap_behavior or "default")
      .. "); confirm that swap is intended on this node", evidence)
  end,
}
