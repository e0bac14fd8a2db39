-- CIS 4.2.8: Kubelet event record rate ensures appropriate event capture.
--
-- Semantics:
--   * every node with a kubelet (virtual-kubelet nodes have none); facts.kubelet missing -> error.
--   * effective value = command-line flag, else the kubelet config file (facts.kubelet.config,
--     drop-ins merged by the collector), else the kubelet default of the world it runs in:
--     flag defaults without --config, KubeletConfiguration defaults with it (reference §9.1).
--   * as kube-bench: a value >= 0 passes (0 = no limit), the default 50 (flag) / 50
--       (config) passes, negative or non-numeric fails. The message shows the rate so a
--       reviewer can judge it; the ACK benchmark wants 0 (shown as a deviation).
local cis = require("cis")

return {
  api = 1,
  id = "cis-k8s/4.2.8",
  title = {
    en = "Kubelet event record rate ensures appropriate event capture",
    zh = "Kubelet 事件记录速率（eventRecordQPS）可保证事件被充分记录",
  },
  severity = "low",
  scope = "node",
  requires = { "kubelet" },
  applies = function(s) return s.roles.virtual ~= true end,
  baselines = {
    cis = { control = "4.2.8", scored = false },
    mlps = { control = "8.1.4.3 a)" },
  },
  impact = {
    en = "A low event rate drops node events (evictions, image pulls, probe failures) needed for "
      .. "troubleshooting and investigation.",
    zh = "事件速率过低会丢弃排障和调查所需的节点事件（驱逐、镜像拉取、探针失败等）。",
  },
  remediation = {
    en = "Set eventRecordQPS to a level that suits the cluster: 0 records every event (or "
      .. "--event-qps) in the kubelet config file (kubeadm: /var/lib/kubelet/config.yaml; remove "
      .. "any conflicting command-line flag from the systemd drop-in, flags override the file), "
      .. "then restart the kubelet: systemctl restart kubelet.",
    zh = "在 kubelet 配置文件中设置 eventRecordQPS 为适合集群的值，0 表示不限速、记录全部事件（或启动参数 --event-qps）（kubeadm 集群为 "
      .. "/var/lib/kubelet/config.yaml；同时删除 systemd drop-in 中冲突的启动参数，启动参数优先于配置文件），然后执行 systemctl "
      .. "restart kubelet 重启 kubelet。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 4.2.8" },
  tags = { "kubelet" },
  check = function(s, ctx)
    local v, source = ctx.effective(s, "kubelet", "eventRecordQPS", "event-qps", 50)
    local n = tonumber(v)
    local evidence = { actual = v, source = source, expected = ">= 0 (0 = unlimited)" }
    if n == nil or n < 0 then
      return ctx.fail(cis.msg("eventRecordQPS " .. tostring(v) .. " (" .. source .. ") is not a "
        .. "rate >= 0", "eventRecordQPS " .. tostring(v) .. "（" .. cis.src_zh(source)
        .. "）不是大于等于 0 的速率"), evidence)
    end
    if n == 0 then
      return ctx.pass(cis.msg("eventRecordQPS 0 (" .. source .. "): every event is recorded",
        "eventRecordQPS 为 0（" .. cis.src_zh(source) .. "）：记录所有事件"), evidence)
    end
    return ctx.pass(cis.msg("eventRecordQPS " .. tostring(v) .. " (" .. source .. "): events "
      .. "beyond " .. tostring(v) .. "/s are dropped"
      .. cis.ack_note(s, ctx, "the ACK benchmark expects 0"),
      "eventRecordQPS 为 " .. tostring(v) .. "（" .. cis.src_zh(source) .. "）：超过每秒 "
      .. tostring(v) .. " 个的事件会被丢弃" .. cis.ack_note_zh(s, ctx, "the ACK benchmark expects 0")),
      evidence)
  end,
}
