-- CIS 4.2.4: Kubelet read-only port is disabled.
--
-- Semantics:
--   * every node with a kubelet (virtual-kubelet nodes have none); facts.kubelet missing -> error.
--   * effective value = command-line flag, else the kubelet config file (facts.kubelet.config,
--     drop-ins merged by the collector), else the kubelet default of the world it runs in:
--     flag defaults without --config, KubeletConfiguration defaults with it (reference §9.1).
--   * the effective port must be 0. kube-bench passes a key absent from both sources, but a
--       kubelet started without --config then listens on 10255 (flag default): that fails here.
local cis = require("cis")

return {
  api = 1,
  id = "cis-k8s/4.2.4",
  title = {
    en = "Kubelet read-only port is disabled",
    zh = "Kubelet 只读端口（10255）已关闭",
  },
  severity = "high",
  scope = "node",
  requires = { "kubelet" },
  applies = function(s) return s.roles.virtual ~= true end,
  baselines = {
    cis = { control = "4.2.4", scored = false },
    mlps = { control = "8.1.4.4 b)" },
  },
  impact = {
    en = "The read-only port serves Pod specs, node metrics and other details without any "
      .. "authentication.",
    zh = "只读端口无需任何认证即可提供 Pod 规格、节点指标等信息。",
  },
  remediation = {
    en = "Set readOnlyPort: 0 (or --read-only-port=0) in the kubelet config file (kubeadm: "
      .. "/var/lib/kubelet/config.yaml; remove any conflicting command-line flag from the systemd "
      .. "drop-in, flags override the file), then restart the kubelet: systemctl restart kubelet.",
    zh = "在 kubelet 配置文件中设置 readOnlyPort: 0（或启动参数 --read-only-port=0）（kubeadm 集群为 "
      .. "/var/lib/kubelet/config.yaml；同时删除 systemd drop-in 中冲突的启动参数，启动参数优先于配置文件），然后执行 systemctl "
      .. "restart kubelet 重启 kubelet。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 4.2.4" },
  tags = { "kubelet" },
  check = function(s, ctx)
    local v, source = cis.kubelet_effective(s, ctx, "readOnlyPort", "read-only-port", 10255, 0)
    local evidence = { actual = v, source = source, expected = 0 }
    if tonumber(v) == 0 then
      return ctx.pass(cis.msg("read-only port disabled (" .. source .. ")",
        "只读端口已关闭（" .. cis.src_zh(source) .. "）"), evidence)
    end
    if source == "default" then
      return ctx.fail(cis.msg("read-only port not configured and the kubelet runs without a "
        .. "config file: the flag default 10255 applies",
        "未配置只读端口，且 kubelet 未使用配置文件运行：使用启动参数默认值 10255（无需认证即可访问）"),
        evidence)
    end
    return ctx.fail(cis.msg("read-only port " .. tostring(v) .. " (" .. source .. "), expected 0",
      "只读端口为 " .. tostring(v) .. "（" .. cis.src_zh(source) .. "），应为 0"), evidence)
  end,
}
