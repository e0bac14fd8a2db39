-- CIS 4.2.10: Kubelet client certificate rotation is enabled.
--
-- Semantics:
--   * every node with a kubelet (virtual-kubelet nodes have none); facts.kubelet missing -> error.
--   * effective value = command-line flag, else the kubelet config file (facts.kubelet.config,
--     drop-ins merged by the collector), else the kubelet default of the world it runs in:
--     flag defaults without --config, KubeletConfiguration defaults with it (reference §9.1).
--   * must be true. The default is false in both worlds (kubeadm writes true); kube-bench
--       passes a key absent from both sources, which hides a kubelet that does not rotate:
--       here that fails with the reason.
local cis = require("cis")

return {
  api = 1,
  id = "cis-k8s/4.2.10",
  title = {
    en = "Kubelet client certificate rotation is enabled",
    zh = "Kubelet 已开启客户端证书轮换（rotateCertificates）",
  },
  severity = "medium",
  scope = "node",
  requires = { "kubelet" },
  applies = function(s) return s.roles.virtual ~= true end,
  baselines = {
    cis = { control = "4.2.10", scored = true },
    mlps = { control = "8.1.4.1 a)" },
  },
  impact = {
    en = "Without rotation the kubelet's client certificate expires and the node drops out of the "
      .. "cluster, or long-lived certificates are kept.",
    zh = "不开启轮换时 kubelet 客户端证书到期后节点会失联，或者只能使用长期有效的证书。",
  },
  remediation = {
    en = "Set rotateCertificates: true (or --rotate-certificates=true) in the kubelet config file "
      .. "(kubeadm: /var/lib/kubelet/config.yaml; remove any conflicting command-line flag from "
      .. "the systemd drop-in, flags override the file), then restart the kubelet: systemctl "
      .. "restart kubelet.",
    zh = "在 kubelet 配置文件中设置 rotateCertificates: true（或启动参数 --rotate-certificates=true）（kubeadm 集群为 "
      .. "/var/lib/kubelet/config.yaml；同时删除 systemd drop-in 中冲突的启动参数，启动参数优先于配置文件），然后执行 systemctl "
      .. "restart kubelet 重启 kubelet。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 4.2.10" },
  tags = { "kubelet", "tls" },
  check = function(s, ctx)
    local v, source = ctx.effective(s, "kubelet", "rotateCertificates", "rotate-certificates", false)
    local evidence = { actual = v, source = source, expected = true }
    if cis.is_true(v) then
      return ctx.pass(cis.msg("client certificate rotation on (" .. source .. ")",
        "已开启客户端证书轮换（" .. cis.src_zh(source) .. "）"), evidence)
    end
    if source == "default" then
      return ctx.fail(cis.msg("rotateCertificates is not set; the kubelet default is false (no "
        .. "rotation)", "未设置 rotateCertificates；kubelet 默认值为 false（不轮换证书）"), evidence)
    end
    return ctx.fail(cis.msg("client certificate rotation is off (" .. source .. ")",
      "客户端证书轮换已关闭（" .. cis.src_zh(source) .. "）"), evidence)
  end,
}
