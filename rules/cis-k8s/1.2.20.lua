-- CIS 1.2.20: API server request timeout is set appropriately.
--
-- Semantics:
--   * control-plane nodes only; flags from the running kube-apiserver process (argv), which is
--     what the component really uses (the manifest may have been edited since).
--   * managed control plane (no control-plane node, e.g. ACK managed) -> na with the reason
--     on one representative node (lib/cis.lua).
--   * no kube-apiserver process on a control-plane node -> error; facts missing -> error.
--   * the benchmark has no test (Manual): unset passes (the default 60s is what the benchmark
--     recommends unless large requests need more); a value must be a positive duration no longer
--     than the `max_timeout` parameter (default 1h).
local cis = require("cis")

return {
  api = 1,
  id = "cis-k8s/1.2.20",
  title = {
    en = "API server request timeout is set appropriately",
    zh = "kube-apiserver 请求超时（--request-timeout）设置合理",
  },
  severity = "low",
  scope = "node",
  requires = { "processes" },
  applies = cis.cp_applies,
  baselines = {
    cis = { control = "1.2.20", scored = false },
  },
  params = {
    max_timeout = { default = "1h", description = "longest acceptable --request-timeout" },
  },
  impact = {
    en = "A very long request timeout lets slow clients hold connections and API server resources; "
      .. "a very short one breaks large list or watch requests.",
    zh = "请求超时过长会让慢客户端长期占用连接和资源，过短则会导致大规模 list/watch 请求失败。",
  },
  remediation = {
    en = "Edit /etc/kubernetes/manifests/kube-apiserver.yaml on each control-plane node and set "
      .. "--request-timeout only if the default 60s does not suit the cluster (e.g. "
      .. "--request-timeout=300s for very large lists); the kubelet restarts the component.",
    zh = "在每个控制面节点编辑 /etc/kubernetes/manifests/kube-apiserver.yaml，仅在默认 60s 不适合集群时设置 "
      .. "--request-timeout（例如列表很大时设为 300s）；kubelet 会自动重启该组件。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 1.2.20" },
  tags = { "control-plane", "apiserver" },
  check = function(s, ctx)
    if cis.managed(s, ctx) then return cis.managed_na(s, ctx) end
    local argv = cis.argv(s, "kube-apiserver")
    if argv == nil then
      return ctx.error(cis.msg("kube-apiserver process not found on this control-plane node", "在本控制面节点上未找到 kube-apiserver 进程"))
    end
    local max = ctx.param("max_timeout")
    local v = ctx.flag(argv, "request-timeout")
    local evidence = { flag = "--request-timeout", actual = v or "unset (default 60s)",
                       expected = "at most " .. max }
    if v == nil then
      return ctx.pass(cis.msg("--request-timeout not set: the default 60s applies", "未设置 --request-timeout：使用默认值 60s"), evidence)
    end
    local secs, limit = ctx.parse_duration(tostring(v)), ctx.parse_duration(max)
    if secs == nil or secs <= 0 then
      return ctx.fail(cis.msg("--request-timeout=" .. tostring(v) .. " is not a positive duration", "--request-timeout=" .. tostring(v) .. " 不是正的时长"), evidence)
    end
    if limit ~= nil and secs > limit then
      return ctx.fail(cis.msg("--request-timeout=" .. tostring(v) .. " is longer than " .. max
        .. ": slow clients can hold API server resources",
        "--request-timeout=" .. tostring(v) .. " 超过 " .. max .. "：慢速客户端可能长期占用 API Server 资源"),
        evidence)
    end
    return ctx.pass(cis.msg("--request-timeout=" .. tostring(v) .. " (at most " .. max .. ")", "--request-timeout=" .. tostring(v) .. "（不超过 " .. max .. "）"), evidence)
  end,
}
