-- CIS 2.5: etcd peers require client certificates.
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
--   * unset -> fail (the default is false).
local cis = require("cis")

local SPEC = {
  process = "etcd",
  flag = "peer-client-cert-auth",
  kind = "eq",
  value = "true",
  unset = "fail",
  default = "false",
  expected = "true",
  etcd_env = "ETCD_PEER_CLIENT_CERT_AUTH",
  optional = true,
  config_file = "config-file",
}

return {
  api = 1,
  id = "cis-k8s/2.5",
  title = {
    en = "etcd peers require client certificates",
    zh = "etcd 成员间要求证书认证（--peer-client-cert-auth=true）",
  },
  severity = "high",
  scope = "node",
  requires = { "processes" },
  applies = function(s, ctx) return cis.cp_applies(s, ctx) or cis.argv(s, "etcd") ~= nil end,
  baselines = {
    cis = { control = "2.5", scored = true },
    mlps = { control = "8.1.4.8 a)" },
  },
  impact = {
    en = "Without it any host that reaches port 2380 can join or talk to the etcd cluster as a "
      .. "peer.",
    zh = "未开启时，任何能访问 2380 端口的主机都可以作为成员与 etcd 通信。",
  },
  remediation = {
    en = "Edit the etcd configuration on each etcd member (kubeadm: "
      .. "/etc/kubernetes/manifests/etcd.yaml; systemd: /etc/etcd/etcd.conf) and set "
      .. "--peer-client-cert-auth=true; restart etcd.",
    zh = "在每个 etcd 成员上修改 etcd 配置（kubeadm 为 /etc/kubernetes/manifests/etcd.yaml，systemd 部署为 "
      .. "/etc/etcd/etcd.conf），设置 --peer-client-cert-auth=true，然后重启 etcd。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 2.5" },
  tags = { "control-plane", "etcd", "tls" },
  check = function(s, ctx) return cis.flag_check(s, ctx, SPEC) end,
}
