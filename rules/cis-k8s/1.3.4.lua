-- CIS 1.3.4: Controller manager service-account signing key is set.
--
-- Semantics:
--   * control-plane nodes only; flags from the running kube-controller-manager process (argv), which is
--     what the component really uses (the manifest may have been edited since).
--   * managed control plane (no control-plane node, e.g. ACK managed) -> na with the reason
--     on one representative node (lib/cis.lua).
--   * no kube-controller-manager process on a control-plane node -> error; facts missing -> error.
--   * --service-account-private-key-file must be set.
local cis = require("cis")

local SPEC = {
  process = "kube-controller-manager",
  kind = "present",
  flags = { "service-account-private-key-file" },
}

return {
  api = 1,
  id = "cis-k8s/1.3.4",
  title = {
    en = "Controller manager service-account signing key is set",
    zh = "kube-controller-manager 已配置 ServiceAccount 签名私钥",
  },
  severity = "high",
  scope = "node",
  requires = { "processes" },
  applies = cis.cp_applies,
  baselines = {
    cis = { control = "1.3.4", scored = true },
    mlps = { control = "8.1.4.1 a)" },
  },
  impact = {
    en = "Without a dedicated key, service-account tokens cannot be signed with a key that is "
      .. "rotated independently of the serving certificates.",
    zh = "未配置专用私钥时，ServiceAccount 令牌无法使用可独立轮换的密钥签名。",
  },
  remediation = {
    en = "Edit /etc/kubernetes/manifests/kube-controller-manager.yaml on each control-plane node "
      .. "and set --service-account-private-key-file (kubeadm: /etc/kubernetes/pki/sa.key); the "
      .. "kubelet restarts the component.",
    zh = "在每个控制面节点编辑 /etc/kubernetes/manifests/kube-controller-manager.yaml，设置 "
      .. "--service-account-private-key-file（kubeadm 为 /etc/kubernetes/pki/sa.key）；kubelet "
      .. "会自动重启该组件。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 1.3.4" },
  tags = { "control-plane", "controller-manager" },
  check = function(s, ctx) return cis.flag_check(s, ctx, SPEC) end,
}
