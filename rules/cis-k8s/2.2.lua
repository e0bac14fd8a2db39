-- CIS 2.2: etcd requires client certificates.
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
  flag = "client-cert-auth",
  kind = "eq",
  value = "true",
  unset = "fail",
  default = "false",
  expected = "true",
  etcd_env = "ETCD_CLIENT_CERT_AUTH",
  optional = true,
  config_file = "config-file",
}

return {
  api = 1,
  id = "cis-k8s/2.2",
  title = {
    en = "etcd requires client certificates",
    zh = "etcd 要求客户端证书认证（--client-cert-auth=true）",
  },
  severity = "critical",
  scope = "node",
  requires = { "processes" },
  applies = function(s, ctx) return cis.cp_applies(s, ctx) or cis.argv(s, "etcd") ~= nil end,
  baselines = {
    cis = { control = "2.2", scored = true },
    mlps = { control = "8.1.4.8 a)" },
  },
  impact = {
    en = "Without client-certificate authentication anyone who reaches port 2379 can read and "
      .. "write all cluster data.",
    zh = "不开启客户端证书认证时，任何能访问 2379 端口的人都可以读写集群全部数据。",
  },
  remediation = {
    en = "Edit the etcd configuration on each etcd member (kubeadm: "
      .. "/etc/kubernetes/manifests/etcd.yaml; systemd: /etc/etcd/etcd.conf) and set "
      .. "--client-cert-auth=true; restart etcd.",
    zh = "在每个 etcd 成员上修改 etcd 配置（kubeadm 为 /etc/kubernetes/manifests/etcd.yaml，systemd 部署为 "
      .. "/etc/etcd/etcd.conf），设置 --client-cert-auth=true，然后重启 etcd。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 2.2" },
  tags = { "control-plane", "etcd", "tls" },
  check = function(s, ctx) return cis.flag_check(s, ctx, SPEC) end,
}
