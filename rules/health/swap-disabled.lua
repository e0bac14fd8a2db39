-- Swap is off on the node.
--   total_bytes == 0                               -> pass
--   swap on, kubelet failSwapOn true (the default) -> fail: the kubelet refuses to start
--     (or will, at its next restart) unless swap is off
--   swap on, kubelet failSwapOn false              -> warn: the kubelet tolerates swap; Pods only
--     use it in a controlled way with the NodeSwap feature and memorySwap.swapBehavior set, so
--     the choice should be deliberate
-- failSwapOn comes from --fail-swap-on or the config file when kubelet facts were collected.
local k8s = require("k8s")

local function fail_swap_on(s, ctx)
  if s.facts.kubelet == nil then return true, "unknown (kubelet facts not collected)" end
  local v, source = ctx.effective(s, "kubelet", "failSwapOn", "fail-swap-on", true)
  return not k8s.is_false(v), source
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
    local strict, source = fail_swap_on(s, ctx)
    local evidence = { total_bytes = total, used_bytes = swap.used_bytes,
                       fail_swap_on = strict, fail_swap_on_source = source, expected = 0 }
    local size = string.format("swap is on (%s, %s used)", gib(total), gib(swap.used_bytes or 0))
    if strict then
      return ctx.fail(size .. "; expected off: the kubelet requires swap off unless "
        .. "failSwapOn is false and the NodeSwap feature is in use", evidence)
    end
    return ctx.warn(size .. "; the kubelet tolerates it (failSwapOn false, " .. source
      .. "): make sure NodeSwap and memorySwap.swapBehavior are set deliberately", evidence)
  end,
}
