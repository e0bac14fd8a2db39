-- CIS 1.1.18: Controller manager kubeconfig file is owned by root:root.
--
-- Semantics:
--   * control-plane nodes only; a cluster without control-plane nodes (ACK managed) -> na with
--     the reason on one representative node (lib/cis.lua).
--   * the file is the one kube-controller-manager really uses: its --kubeconfig flag, else the first
--     existing default (/etc/kubernetes/controller-manager.conf); not collected -> error; missing -> na.
--   * owner and group must be root (uid/gid 0 accepted when names were not resolved).
local cis = require("cis")

local DEFAULT = "/etc/kubernetes/controller-manager.conf"

local function kubeconfig(s, ctx)
  local argv = cis.argv(s, "kube-controller-manager")
  local flag = argv and ctx.flag(argv, "kubeconfig")
  if flag ~= nil and flag ~= "" then return flag end
  return DEFAULT
end

local SPEC = { path = kubeconfig, what = "kube-controller-manager kubeconfig", absent = "kube-controller-manager uses no kubeconfig file here", kind = "owner", user = "root", group = "root", cp = true }

return {
  api = 1,
  id = "cis-k8s/1.1.18",
  title = {
    en = "Controller manager kubeconfig file is owned by root:root",
    zh = "kube-controller-manager 的 kubeconfig（controller-manager.conf） 文件属主为 root:root",
  },
  severity = "high",
  scope = "node",
  requires = { "files" },
  applies = cis.cp_applies,
  baselines = {
    cis = { control = "1.1.18", scored = true },
    mlps = { control = "8.1.4.2 f)" },
  },
  impact = {
    en = "Another owner can read the kube-controller-manager credentials or replace them.",
    zh = "文件属于其他用户时，该用户可以读取或替换 kube-controller-manager 的凭据。",
  },
  remediation = {
    en = "On each control-plane node run: chown root:root /etc/kubernetes/controller-manager.conf",
    zh = "在每个控制面节点执行：chown root:root /etc/kubernetes/controller-manager.conf",
  },
  references = { "CIS Kubernetes Benchmark v1.12 1.1.18" },
  tags = { "control-plane", "file-ownership" },
  check = function(s, ctx) return cis.file_check(s, ctx, SPEC) end,
}
