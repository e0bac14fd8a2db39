-- CIS 1.1.7: Etcd manifest file permissions are 600 or more restrictive.
--
-- Semantics:
--   * control-plane nodes only; a cluster without control-plane nodes (ACK managed) -> na with
--     the reason on one representative node (lib/cis.lua).
--   * the file is the first existing of the kube-bench candidates (5 paths);
--     every candidate recorded as missing -> na (etcd does not run from a static-pod manifest or config file on this node); none collected -> error.
--   * mode must grant nothing beyond 0600 (bitmask, as kube-bench: 0400 passes, 0640 fails).
--     The ACK benchmark accepts 0644: on ACK clusters a 0644 file still fails (CIS
--     verdict) and the message names the documented ACK deviation.
local cis = require("cis")

local CANDIDATES = {
  "/etc/kubernetes/manifests/etcd.yaml",
  "/etc/kubernetes/manifests/etcd.yml",
  "/etc/kubernetes/manifests/etcd.manifest",
  "/etc/etcd/etcd.conf",
  "/usr/lib/systemd/system/etcd.service",
}

local SPEC = { candidates = CANDIDATES, what = "etcd manifest or configuration file", absent = "etcd does not run from a static-pod manifest or config file on this node", kind = "mode", max = "0600", ack_max = "0644", cp = true }

return {
  api = 1,
  id = "cis-k8s/1.1.7",
  title = {
    en = "Etcd manifest file permissions are 600 or more restrictive",
    zh = "etcd 静态 Pod 清单文件权限为 600 或更严格",
  },
  severity = "high",
  scope = "node",
  requires = { "files" },
  applies = cis.cp_applies,
  baselines = {
    cis = { control = "1.1.7", scored = true },
    mlps = { control = "8.1.4.2 f)" },
  },
  impact = {
    en = "Anyone who can write the etcd manifest can change its flags and run arbitrary code as "
      .. "root on the control plane; read access exposes credential paths.",
    zh = "能写入 etcd 清单的用户可以修改其启动参数，并以 root 身份在控制面节点执行任意代码；可读则会泄露证书与密钥路径等敏感配置。",
  },
  remediation = {
    en = "On each control-plane node run: chmod 600 /etc/kubernetes/manifests/etcd.yaml",
    zh = "在每个控制面节点执行：chmod 600 /etc/kubernetes/manifests/etcd.yaml",
  },
  references = { "CIS Kubernetes Benchmark v1.12 1.1.7" },
  tags = { "control-plane", "file-permissions" },
  check = function(s, ctx) return cis.file_check(s, ctx, SPEC) end,
}
