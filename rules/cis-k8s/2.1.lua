-- CIS 2.1: etcd serves clients over TLS.
--
-- Semantics:
--   * etcd members: control-plane nodes and hosts running etcd.
--   * managed control plane (no control-plane node, e.g. ACK managed) -> na with the reason
--     on one representative node (lib/cis.lua).
--   * etcd rules apply to control-plane nodes and to hosts that run an etcd process (external
--     etcd members known from host facts). A control-plane node without etcd -> na. Values come
--     from the command line, else from the process environment (facts.processes.etcd.env,
--     ETCD_* variables) as in kube-bench; with --config-file and no flag -> manual (the file is
--     not collected).
--   * both must be set.
local cis = require("cis")

local SPEC = {
  process = "etcd",
  kind = "present",
  flags = { "cert-file", "key-file" },
  etcd_env = { ["cert-file"] = "ETCD_CERT_FILE", ["key-file"] = "ETCD_KEY_FILE" },
  optional = true,
  config_file = "config-file",
}

return {
  api = 1,
  id = "cis-k8s/2.1",
  title = {
    en = "etcd serves clients over TLS",
    zh = "etcd 客户端通信使用 TLS（--cert-file、--key-file）",
  },
  severity = "critical",
  scope = "node",
  requires = { "processes" },
  applies = function(s, ctx) return cis.cp_applies(s, ctx) or cis.argv(s, "etcd") ~= nil end,
  baselines = {
    cis = { control = "2.1", scored = true },
    mlps = { control = "8.1.4.8 a)" },
  },
  impact = {
    en = "Without TLS the data of the whole cluster, Secrets included, crosses the network in "
      .. "clear text.",
    zh = "不启用 TLS 时，包括 Secret 在内的整个集群数据都以明文在网络上传输。",
  },
  remediation = {
    en = "Edit the etcd configuration on each etcd member (kubeadm: "
      .. "/etc/kubernetes/manifests/etcd.yaml; systemd: /etc/etcd/etcd.conf) and set --cert-file "
      .. "and --key-file (kubeadm: /etc/kubernetes/pki/etcd/server.crt/.key); restart etcd.",
    zh = "在每个 etcd 成员上修改 etcd 配置（kubeadm 为 /etc/kubernetes/manifests/etcd.yaml，systemd 部署为 "
      .. "/etc/etcd/etcd.conf），设置 --cert-file 和 --key-file（kubeadm 为 "
      .. "/etc/kubernetes/pki/etcd/server.crt/.key），然后重启 etcd。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 2.1" },
  tags = { "control-plane", "etcd", "tls" },
  check = function(s, ctx) return cis.flag_check(s, ctx, SPEC) end,
}
