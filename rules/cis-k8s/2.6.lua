-- CIS 2.6: etcd peers do not use self-signed automatic TLS.
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
--   * unset passes (the default is false); true fails.
local cis = require("cis")

local SPEC = {
  process = "etcd",
  flag = "peer-auto-tls",
  kind = "eq",
  value = "false",
  unset = "pass",
  default = "false",
  expected = "false or unset",
  etcd_env = "ETCD_PEER_AUTO_TLS",
  optional = true,
  config_file = "config-file",
}

return {
  api = 1,
  id = "cis-k8s/2.6",
  title = {
    en = "etcd peers do not use self-signed automatic TLS",
    zh = "etcd 成员间通信未使用自动生成的自签名证书（--peer-auto-tls）",
  },
  severity = "high",
  scope = "node",
  requires = { "processes" },
  applies = function(s, ctx) return cis.cp_applies(s, ctx) or cis.argv(s, "etcd") ~= nil end,
  baselines = {
    cis = { control = "2.6", scored = true },
    mlps = { control = "8.1.4.8 a)" },
  },
  impact = {
    en = "Self-signed peer certificates cannot be verified, so peers are not authenticated.",
    zh = "自签名的成员证书无法校验，成员身份得不到认证。",
  },
  remediation = {
    en = "Edit the etcd configuration on each etcd member (kubeadm: "
      .. "/etc/kubernetes/manifests/etcd.yaml; systemd: /etc/etcd/etcd.conf) and remove "
      .. "--peer-auto-tls (or set it to false); restart etcd.",
    zh = "在每个 etcd 成员上修改 etcd 配置（kubeadm 为 /etc/kubernetes/manifests/etcd.yaml，systemd 部署为 "
      .. "/etc/etcd/etcd.conf），删除 --peer-auto-tls（或设为 false），然后重启 etcd。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 2.6" },
  tags = { "control-plane", "etcd", "tls" },
  check = function(s, ctx) return cis.flag_check(s, ctx, SPEC) end,
}
