-- CIS 4.2.6: Kubelet manages the iptables utility chains.
--
-- Semantics:
--   * every node with a kubelet (virtual-kubelet nodes have none); facts.kubelet missing -> error.
--   * effective value = command-line flag, else the kubelet config file (facts.kubelet.config,
--     drop-ins merged by the collector), else the kubelet default of the world it runs in:
--     flag defaults without --config, KubeletConfiguration defaults with it (reference §9.1).
--   * must not be false; the default is true in both worlds.
local cis = require("cis")

return {
  api = 1,
  id = "cis-k8s/4.2.6",
  title = {
    en = "Kubelet manages the iptables utility chains",
    zh = "Kubelet 负责管理 iptables 工具链（makeIPTablesUtilChains）",
  },
  severity = "medium",
  scope = "node",
  requires = { "kubelet" },
  applies = function(s) return s.roles.virtual ~= true end,
  baselines = {
    cis = { control = "4.2.6", scored = true },
    mlps = { control = "8.1.3.2 a)" },
  },
  impact = {
    en = "If the kubelet does not maintain its iptables chains, the network rules Pods rely on can "
      .. "drift from the cluster's configuration.",
    zh = "kubelet 不维护其 iptables 链时，Pod 依赖的网络规则可能与集群配置不一致。",
  },
  remediation = {
    en = "Set makeIPTablesUtilChains: true (or remove --make-iptables-util-chains=false) in the "
      .. "kubelet config file (kubeadm: /var/lib/kubelet/config.yaml; remove any conflicting "
      .. "command-line flag from the systemd drop-in, flags override the file), then restart the "
      .. "kubelet: systemctl restart kubelet.",
    zh = "在 kubelet 配置文件中设置 makeIPTablesUtilChains: true（或删除 "
      .. "--make-iptables-util-chains=false）（kubeadm 集群为 /var/lib/kubelet/config.yaml；同时删除 systemd "
      .. "drop-in 中冲突的启动参数，启动参数优先于配置文件），然后执行 systemctl restart kubelet 重启 kubelet。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 4.2.6" },
  tags = { "kubelet", "network" },
  check = function(s, ctx)
    local v, source = ctx.effective(s, "kubelet", "makeIPTablesUtilChains",
                                    "make-iptables-util-chains", true)
    local evidence = { actual = v, source = source, expected = true }
    if cis.is_false(v) then
      return ctx.fail(cis.msg("makeIPTablesUtilChains is false (" .. source .. "), expected true",
        "makeIPTablesUtilChains 为 false（" .. cis.src_zh(source) .. "），应为 true"), evidence)
    end
    return ctx.pass(cis.msg("makeIPTablesUtilChains " .. tostring(v) .. " (" .. source .. ")",
      "makeIPTablesUtilChains 为 " .. tostring(v) .. "（" .. cis.src_zh(source) .. "）"), evidence)
  end,
}
