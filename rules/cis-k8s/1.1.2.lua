-- CIS 1.1.2: API server manifest file is owned by root:root.
--
-- Semantics:
--   * control-plane nodes only; a cluster without control-plane nodes (ACK managed) -> na with
--     the reason on one representative node (lib/cis.lua).
--   * the file is the first existing of the kube-bench candidates (3 paths);
--     every candidate recorded as missing -> na (not a static-pod control plane); none collected -> error.
--   * owner and group must be root (uid/gid 0 accepted when names were not resolved).
local cis = require("cis")

local CANDIDATES = {
  "/etc/kubernetes/manifests/kube-apiserver.yaml",
  "/etc/kubernetes/manifests/kube-apiserver.yml",
  "/etc/kubernetes/manifests/kube-apiserver.manifest",
}

local SPEC = { candidates = CANDIDATES, what = "kube-apiserver manifest", absent = "not a static-pod control plane", kind = "owner", user = "root", group = "root", cp = true }

return {
  api = 1,
  id = "cis-k8s/1.1.2",
  title = {
    en = "API server manifest file is owned by root:root",
    zh = "kube-apiserver 静态 Pod 清单文件属主为 root:root",
  },
  severity = "high",
  scope = "node",
  requires = { "files" },
  applies = cis.cp_applies,
  baselines = {
    cis = { control = "1.1.2", scored = true },
    mlps = { control = "8.1.4.2 f)" },
  },
  impact = {
    en = "A manifest owned by another user can be rewritten by that user, which changes the "
      .. "kube-apiserver that the kubelet runs as root.",
    zh = "清单属于其他用户时，该用户可以改写它，从而改变 kubelet 以 root 身份运行的 kube-apiserver。",
  },
  remediation = {
    en = "On each control-plane node run: chown root:root "
      .. "/etc/kubernetes/manifests/kube-apiserver.yaml",
    zh = "在每个控制面节点执行：chown root:root /etc/kubernetes/manifests/kube-apiserver.yaml",
  },
  references = { "CIS Kubernetes Benchmark v1.12 1.1.2" },
  tags = { "control-plane", "file-ownership" },
  check = function(s, ctx) return cis.file_check(s, ctx, SPEC) end,
}
