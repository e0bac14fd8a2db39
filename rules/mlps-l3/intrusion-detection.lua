-- 等保 8.1.4.4 f) (IP-11): intrusions on important nodes are detected and alarmed.
--
-- Semantics (cluster): a runtime-detection / HIDS agent is deployed as a DaemonSet on the nodes
-- — a DaemonSet whose name, images or arguments contain one of `agents` (Falco, Tetragon,
-- KubeArmor, Wazuh, NeuVector, ...).
--   * found and ready on every scheduled node: pass;
--   * found but not ready everywhere: warn (nodes without detection);
--   * none found: manual — host agents outside Kubernetes (Alibaba Cloud Security Center
--     AliYunDun, Wazuh installed as a package) are common and invisible to the API; the
--     guidance says what evidence to collect.
local wl = require("workloads")
local mlps = require("mlps")

return {
  api = 1,
  id = "mlps-l3/intrusion-detection",
  title = {
    en = "Intrusion detection runs on every node (runtime security / HIDS)",
    zh = "节点部署入侵检测（运行时安全 / 主机入侵检测）",
  },
  severity = "medium",
  scope = "cluster",
  requires = { "objects.daemonsets" },
  baselines = { mlps = { control = "8.1.4.4 f)" } },
  params = {
    agents = {
      default = { "falco", "tetragon", "kubearmor", "wazuh", "neuvector", "tracee", "sysdig",
                  "aqua", "crowdstrike", "falcon-sensor", "ossec", "security-agent", "aegis" },
      description = "name or image fragments of intrusion-detection agents",
    },
  },
  impact = {
    en = "Without detection, container escapes, crypto miners and reverse shells on a node go "
      .. "unnoticed; 8.1.4.4 f) requires detecting intrusions and alarming on serious ones.",
    zh = "没有入侵检测时，容器逃逸、挖矿程序、反弹 shell 等都不会被发现；8.1.4.4 f) 要求能检测入侵并在严重事件时报警。",
  },
  remediation = {
    en = "Deploy a runtime detection DaemonSet on all nodes (e.g. `helm install falco "
      .. "falcosecurity/falco -n falco --create-namespace`, with tolerations for control-plane "
      .. "taints) and route its alerts to the on-call channel; or install a host IDS on every "
      .. "node (Alibaba Cloud Security Center agent, Wazuh) and keep its node list and alert "
      .. "configuration as evidence.",
    zh = "在所有节点部署运行时检测 DaemonSet（如 `helm install falco falcosecurity/falco -n falco "
      .. "--create-namespace`，并为控制面污点配置容忍），把告警接入值班通道；或在每个节点安装主机入侵检测"
      .. "（阿里云云安全中心客户端、Wazuh），保留其节点清单与告警配置作为证据。",
  },
  references = { "GB/T 22239-2019 8.1.4.4 f)", "GB/T 28448-2019 L3-CES1-22" },
  tags = { "runtime-security", "detection" },
  check = function(s, ctx)
    local found = wl.daemonsets(ctx.objects("daemonsets"), ctx.param("agents"))
    local all, short = wl.describe(found)
    local evidence = { agents = all, actual = #all > 0 and mlps.join(all) or "no known agent DaemonSet",
                       expected = "a detection agent ready on every node" }
    if #found == 0 then
      return ctx.manual(mlps.msg("no intrusion-detection DaemonSet found ("
        .. mlps.join(ctx.param("agents")) .. "); verify a host IDS on every node (e.g. Alibaba "
        .. "Cloud Security Center: `ps -ef | grep AliYunDun`) and that serious events raise alarms",
        "未发现入侵检测 DaemonSet（" .. mlps.join(ctx.param("agents")) .. "）；请核查每个节点均部署了"
        .. "主机入侵检测（如阿里云云安全中心：`ps -ef | grep AliYunDun`），且发生严重入侵事件时能够告警"),
        evidence)
    end
    if #short > 0 then
      return ctx.warn(mlps.msg("intrusion detection is not ready on every node: "
        .. mlps.join(short), "入侵检测未在所有节点上就绪：" .. mlps.join(short)), evidence)
    end
    return ctx.pass(mlps.msg("intrusion detection: " .. mlps.join(all),
      "已部署入侵检测：" .. mlps.join(all)), evidence)
  end,
}
