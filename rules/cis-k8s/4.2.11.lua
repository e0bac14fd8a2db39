-- CIS 4.2.11: Kubelet RotateKubeletServerCertificate is not disabled.
--
-- Semantics:
--   * every node with a kubelet (virtual-kubelet nodes have none); facts.kubelet missing -> error.
--   * * --feature-gates (facts.kubelet.args, key=value pairs) over featureGates in the config file;
--       false -> fail; unset -> pass (the gate is on by default).
local cis = require("cis")

return {
  api = 1,
  id = "cis-k8s/4.2.11",
  title = {
    en = "Kubelet RotateKubeletServerCertificate is not disabled",
    zh = "Kubelet 未禁用 RotateKubeletServerCertificate 特性门控",
  },
  severity = "medium",
  scope = "node",
  requires = { "kubelet" },
  applies = function(s) return s.roles.virtual ~= true end,
  baselines = {
    cis = { control = "4.2.11", scored = false },
    mlps = { control = "8.1.4.1 a)" },
  },
  impact = {
    en = "With the gate off the kubelet cannot rotate its serving certificate.",
    zh = "关闭该特性门控后，kubelet 无法轮换其服务端证书。",
  },
  remediation = {
    en = "Set featureGates.RotateKubeletServerCertificate: true or remove it (and drop "
      .. "RotateKubeletServerCertificate=false from --feature-gates) in the kubelet config file "
      .. "(kubeadm: /var/lib/kubelet/config.yaml; remove any conflicting command-line flag from "
      .. "the systemd drop-in, flags override the file), then restart the kubelet: systemctl "
      .. "restart kubelet.",
    zh = "在 kubelet 配置文件中设置 featureGates.RotateKubeletServerCertificate: true 或删除该项（并从 "
      .. "--feature-gates 中删除 RotateKubeletServerCertificate=false）（kubeadm 集群为 "
      .. "/var/lib/kubelet/config.yaml；同时删除 systemd drop-in 中冲突的启动参数，启动参数优先于配置文件），然后执行 systemctl "
      .. "restart kubelet 重启 kubelet。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 4.2.11" },
  tags = { "kubelet", "tls" },
  check = function(s, ctx)
    local gate, source
    local flag = s.facts.kubelet.args and s.facts.kubelet.args["feature-gates"]
    if flag ~= nil then
      gate = cis.feature_gates(flag)["RotateKubeletServerCertificate"]
      if gate ~= nil then source = "flag" end
    end
    if gate == nil then
      gate = cis.dig(s.facts.kubelet, "config", "featureGates", "RotateKubeletServerCertificate")
      if gate ~= nil then source = "config" end
    end
    local evidence = { actual = gate == nil and "unset" or gate, source = source or "default",
                       expected = "true or unset" }
    if gate ~= nil and cis.is_false(gate) then
      return ctx.fail(cis.msg("RotateKubeletServerCertificate=false (" .. source .. ")",
        "RotateKubeletServerCertificate=false（" .. cis.src_zh(source) .. "），服务端证书不会轮换"),
        evidence)
    end
    if gate == nil then
      return ctx.pass(cis.msg("RotateKubeletServerCertificate not set: on by default",
        "未设置 RotateKubeletServerCertificate：默认开启"), evidence)
    end
    return ctx.pass(cis.msg("RotateKubeletServerCertificate=" .. tostring(gate) .. " (" .. source
      .. ")", "RotateKubeletServerCertificate=" .. tostring(gate) .. "（" .. cis.src_zh(source)
      .. "）"), evidence)
  end,
}
