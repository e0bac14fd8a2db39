-- CIS 1.2.27: API server encrypts Secrets at rest (encryption provider config).
--
-- Semantics:
--   * control-plane nodes only; flags from the running kube-apiserver process (argv), which is
--     what the component really uses (the manifest may have been edited since).
--   * managed control plane (no control-plane node, e.g. ACK managed) -> na with the reason
--     on one representative node (lib/cis.lua).
--   * no kube-apiserver process on a control-plane node -> error; facts missing -> error.
--   * --encryption-provider-config must be set; which provider it lists is control 1.2.28.
local cis = require("cis")

local SPEC = {
  process = "kube-apiserver",
  kind = "present",
  flags = { "encryption-provider-config" },
}

return {
  api = 1,
  id = "cis-k8s/1.2.27",
  title = {
    en = "API server encrypts Secrets at rest (encryption provider config)",
    zh = "kube-apiserver 已配置静态数据加密（--encryption-provider-config）",
  },
  severity = "high",
  scope = "node",
  requires = { "processes" },
  applies = cis.cp_applies,
  baselines = {
    cis = { control = "1.2.27", scored = false },
    mlps = { control = "8.1.4.8 b)" },
  },
  impact = {
    en = "Without encryption at rest every Secret is stored in plain text in etcd and in every "
      .. "etcd backup.",
    zh = "未配置静态加密时，所有 Secret 以明文形式保存在 etcd 及其备份中。",
  },
  remediation = {
    en = "Edit /etc/kubernetes/manifests/kube-apiserver.yaml on each control-plane node and create "
      .. "an EncryptionConfiguration (first provider kms v2, aescbc or secretbox), pass it with "
      .. "--encryption-provider-config, then rewrite existing Secrets (kubectl get secrets -A -o "
      .. "json | kubectl replace -f -); the kubelet restarts the component.",
    zh = "在每个控制面节点编辑 /etc/kubernetes/manifests/kube-apiserver.yaml，创建 EncryptionConfiguration（首个 "
      .. "provider 为 kms v2、aescbc 或 secretbox），通过 --encryption-provider-config 指定，然后重写已有 "
      .. "Secret（kubectl get secrets -A -o json | kubectl replace -f -）；kubelet 会自动重启该组件。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 1.2.27" },
  tags = { "control-plane", "apiserver", "encryption" },
  check = function(s, ctx) return cis.flag_check(s, ctx, SPEC) end,
}
