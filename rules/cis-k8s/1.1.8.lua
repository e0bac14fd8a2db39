-- CIS 1.1.8: Etcd manifest file is owned by root:root.
--
-- Semantics:
--   * control-plane nodes only; a cluster without control-plane nodes (ACK managed) -> na with
--     the reason on one representative node (lib/cis.lua).
--   * the file is the first existing of the kube-bench candidates (5 paths);
--     every candidate recorded as missing -> na (etcd does not run from a static-pod manifest or config file on this node); none collected -> error.
--   * owner and group must be root (uid/gid 0 accepted when names were not resolved).
local cis = require("cis")

local CANDIDATES = {
  "/etc/kubernetes/manifests/etcd.yaml",
  "/etc/kubernetes/manifests/etcd.yml",
  "/etc/kubernetes/manifests/etcd.manifest",
  "/etc/etcd/etcd.conf",
  "/usr/lib/systemd/system/etcd.service",
}

local SPEC = { candidates = CANDIDATES, what = "etcd manifest or configuration file", absent = "etcd does not run from a static-pod manifest or config file on this node", kind = "owner", user = "root", group = "root", cp = true }

return {
  api = 1,
  id = "cis-k8s/1.1.8",
  title = {
    en = "Etcd manifest file is owned by root:root",
    zh = "etcd 静态 Pod 清单文件属主为 root:root",
  },
  severity = "high",
  scope = "node",
  requires = { "files" },
  applies = cis.cp_applies,
  baselines = {
    cis = { control = "1.1.8", scored = true },
    mlps = { control = "8.1.4.2 f)" },
  },
  impact = {
    en = "A manifest owned by another user can be rewritten by that user, which changes the etcd "
      .. "that the kubelet runs as root.",
    zh = "清单属于其他用户时，该用户可以改写它，从而改变 kubelet 以 root 身份运行的 etcd。",
  },
  remediation = {
    en = "On each control-plane node run: chown root:root /etc/kubernetes/manifests/etcd.yaml",
    zh = "在每个控制面节点执行：chown root:root /etc/kubernetes/manifests/etcd.yaml",
  },
  references = { "CIS Kubernetes Benchmark v1.12 1.1.8" },
  tags = { "control-plane", "file-ownership" },
  check = function(s, ctx) return cis.file_check(s, ctx, SPEC) end,
}
