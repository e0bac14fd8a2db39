-- CIS 1.3.6: RotateKubeletServerCertificate is not disabled.
--
-- Semantics:
--   * control-plane nodes only; flags from the running kube-controller-manager process (argv), which is
--     what the component really uses (the manifest may have been edited since).
--   * managed control plane (no control-plane node, e.g. ACK managed) -> na with the reason
--     on one representative node (lib/cis.lua).
--   * no kube-controller-manager process on a control-plane node -> error; facts missing -> error.
--   * pass unless --feature-gates sets RotateKubeletServerCertificate=false (parsed as key=value
--     pairs; the gate is on by default and locked on in recent releases).
local cis = require("cis")

return {
  api = 1,
  id = "cis-k8s/1.3.6",
  title = {
    en = "RotateKubeletServerCertificate is not disabled",
    zh = "kube-controller-manager 未禁用 RotateKubeletServerCertificate 特性门控",
  },
  severity = "medium",
  scope = "node",
  requires = { "processes" },
  applies = cis.cp_applies,
  baselines = {
    cis = { control = "1.3.6", scored = true },
    mlps = { control = "8.1.4.8 a)" },
  },
  impact = {
    en = "With the gate off, kubelet serving certificates are not rotated and expire or stay valid "
      .. "for too long.",
    zh = "关闭该特性后 kubelet 服务端证书不会轮换，可能过期或长期有效。",
  },
  remediation = {
    en = "Edit /etc/kubernetes/manifests/kube-controller-manager.yaml on each control-plane node "
      .. "and remove RotateKubeletServerCertificate=false from --feature-gates; the kubelet "
      .. "restarts the component.",
    zh = "在每个控制面节点编辑 /etc/kubernetes/manifests/kube-controller-manager.yaml，从 --feature-gates 中删除 "
      .. "RotateKubeletServerCertificate=false；kubelet 会自动重启该组件。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 1.3.6" },
  tags = { "control-plane", "controller-manager", "tls" },
  check = function(s, ctx)
    if cis.managed(s, ctx) then return cis.managed_na(s, ctx) end
    local argv = cis.argv(s, "kube-controller-manager")
    if argv == nil then
      return ctx.error(cis.msg("kube-controller-manager process not found on this control-plane node", "在本控制面节点上未找到 kube-controller-manager 进程"))
    end
    local v = ctx.flag(argv, "feature-gates")
    local evidence = { flag = "--feature-gates", actual = v or "unset",
                       expected = "no RotateKubeletServerCertificate=false" }
    if v == nil then
      return ctx.pass(cis.msg("--feature-gates not set: RotateKubeletServerCertificate is on by "
        .. "default", "未设置 --feature-gates：RotateKubeletServerCertificate 默认开启"), evidence)
    end
    local gate = cis.feature_gates(v)["RotateKubeletServerCertificate"]
    if gate ~= nil and cis.is_false(gate) then
      return ctx.fail(cis.msg("--feature-gates sets RotateKubeletServerCertificate=false", "--feature-gates 设置了 RotateKubeletServerCertificate=false"), evidence)
    end
    if gate == nil then
      return ctx.pass(cis.msg("--feature-gates does not mention RotateKubeletServerCertificate (on "
        .. "by default)", "--feature-gates 未涉及 RotateKubeletServerCertificate（默认开启）"), evidence)
    end
    return ctx.pass(cis.msg("RotateKubeletServerCertificate=" .. tostring(gate), "RotateKubeletServerCertificate=" .. tostring(gate) .. "，服务端证书轮换已开启"), evidence)
  end,
}
