-- CIS 2.4: etcd peers communicate over TLS.
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
--   * both must be set (also on single-member clusters, as in the benchmark).
local cis = require("cis")

local SPEC = {
  process = "etcd",
  kind = "present",
  flags = { "peer-cert-file", "peer-key-file" },
  etcd_env = { ["peer-cert-file"] = "ETCD_PEER_CERT_FILE", ["peer-key-file"] = "ETCD_PEER_KEY_FILE" },
  optional = true,
  config_file = "config-file",
}

return {
  api = 1,
  id = "cis-k8s/2.4",
  title = {
    en = "etcd peers communicate over TLS",
    zh = "etcd 成员间通信使用 TLS（--peer-cert-file、--peer-key-file）",
  },
  severity = "high",
  scope = "node",
  requires = { "processes" },
  applies = function(s, ctx) return cis.cp_applies(s, ctx) or cis.argv(s, "etcd") ~= nil end,
  baselines = {
    cis = { control = "2.4", scored = true },
    mlps = { control = "8.1.4.8 a)" },
  },
  impact = {
    en = "Peer traffic carries the replicated data of the whole cluster.",
    zh = "成员间通信承载着整个集群的复制数据。",
  },
  remediation = {
    en = "Edit the etcd configuration on each etcd member (kubeadm: "
      .. "/etc/kubernetes/manifests/etcd.yaml; systemd: /etc/etcd/etcd.conf) and set "
      .. "--peer-cert-file and --peer-key-file (kubeadm: /etc/kubernetes/pki/etcd/peer.crt/.key); "
      .. "restart etcd.",
    zh = "在每个 etcd 成员上修改 etcd 配置（kubeadm 为 /etc/kubernetes/manifests/etcd.yaml，systemd 部署为 "
      .. "/etc/etcd/etcd.conf），设置 --peer-cert-file 和 --peer-key-file（kubeadm 为 "
      .. "/etc/kubernetes/pki/etcd/peer.crt/.key），然后重启 etcd。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 2.4" },
  tags = { "control-plane", "etcd", "tls" },
  check = function(s, ctx) return cis.flag_check(s, ctx, SPEC) end,
}
