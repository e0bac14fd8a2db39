-- CIS 4.2.5: Kubelet streaming connections have an idle timeout.
--
-- Semantics:
--   * every node with a kubelet (virtual-kubelet nodes have none); facts.kubelet missing -> error.
--   * effective value = command-line flag, else the kubelet config file (facts.kubelet.config,
--     drop-ins merged by the collector), else the kubelet default of the world it runs in:
--     flag defaults without --config, KubeletConfiguration defaults with it (reference §9.1).
--   * the duration must not be 0 (0 = no timeout); the default 4h passes, as in kube-bench.

local cis = require("cis")

return {
  api = 1,
  id = "cis-k8s/4.2.5",
  title = {
    en = "Kubelet streaming connections have an idle timeout",
    zh = "Kubelet 流式连接设置了空闲超时",
  },
  severity = "medium",
  scope = "node",
  requires = { "kubelet" },
  applies = function(s) return s.roles.virtual ~= true end,
  baselines = {
    cis = { control = "4.2.5", scored = false },
    mlps = { control = "8.1.4.4 b)" },
  },
  impact = {
    en = "Streaming connections (exec, attach, port-forward) without an idle timeout stay open "
      .. "forever and can be abused or exhaust the node.",
    zh = "没有空闲超时的流式连接（exec、attach、port-forward）会一直保持，可能被滥用或耗尽节点资源。",
  },
  remediation = {
    en = "Set streamingConnectionIdleTimeout to a non-zero duration, e.g. 5m (or "
      .. "--streaming-connection-idle-timeout=5m) in the kubelet config file (kubeadm: "
      .. "/var/lib/kubelet/config.yaml; remove any conflicting command-line flag from the systemd "
      .. "drop-in, flags override the file), then restart the kubelet: systemctl restart kubelet.",
    zh = "在 kubelet 配置文件中设置 streamingConnectionIdleTimeout 为非零时长，如 5m（或启动参数 "
      .. "--streaming-connection-idle-timeout=5m）（kubeadm 集群为 /var/lib/kubelet/config.yaml；同时删除 "
      .. "systemd drop-in 中冲突的启动参数，启动参数优先于配置文件），然后执行 systemctl restart kubelet 重启 kubelet。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 4.2.5" },
  tags = { "kubelet" },
  check = function(s, ctx)
    local v, source = ctx.effective(s, "kubelet", "streamingConnectionIdleTimeout",
                                    "streaming-connection-idle-timeout", "4h0m0s")
    local secs = ctx.parse_duration(tostring(v))
    if secs == nil and tonumber(v) ~= nil then secs = tonumber(v) end
    local evidence = { actual = v, source = source, expected = "non-zero duration" }
    if secs == nil then
      return ctx.fail(cis.msg("streaming idle timeout " .. tostring(v) .. " (" .. source .. ") is "
        .. "not a duration", "流式连接空闲超时 " .. tostring(v) .. "（" .. cis.src_zh(source)
        .. "）不是有效的时长"), evidence)
    end
    if secs == 0 then
      return ctx.fail(cis.msg("streaming connections never time out: idle timeout " .. tostring(v)
        .. " (" .. source .. ")", "流式连接永不超时：空闲超时为 " .. tostring(v) .. "（"
        .. cis.src_zh(source) .. "）"), evidence)
    end
    return ctx.pass(cis.msg("streaming idle timeout " .. tostring(v) .. " (" .. source .. ")",
      "流式连接空闲超时为 " .. tostring(v) .. "（" .. cis.src_zh(source) .. "）"), evidence)
  end,
}
