-- CIS 1.1.17: Controller manager kubeconfig file permissions are 600 or more restrictive.
--
-- Semantics:
--   * control-plane nodes only; a cluster without control-plane nodes (ACK managed) -> na with
--     the reason on one representative node (lib/cis.lua).
--   * the file is the one kube-controller-manager really uses: its --kubeconfig flag, else the first
--     existing default (/etc/kubernetes/controller-manager.conf); not collected -> error; missing -> na.
--   * mode must grant nothing beyond 0600 (bitmask, as kube-bench: 0400 passes, 0640 fails).
--     The ACK benchmark accepts 0644: on ACK clusters a 0644 file still fails (CIS
--     verdict) and the message names the documented ACK deviation.
local cis = require("cis")

local DEFAULT = "/etc/kubernetes/controller-manager.conf"

local function kubeconfig(s, ctx)
  local argv = cis.argv(s, "kube-controller-manager")
  local flag = argv and ctx.flag(argv, "kubeconfig")
  if flag ~= nil and flag ~= "" then return flag end
  return DEFAULT
end

local SPEC = { path = kubeconfig, what = "kube-controller-manager kubeconfig", absent = "kube-controller-manager uses no kubeconfig file here", kind = "mode", max = "0600", ack_max = "0644", cp = true }

return {
  api = 1,
  id = "cis-k8s/1.1.17",
  title = {
    en = "Controller manager kubeconfig file permissions are 600 or more restrictive",
    zh = "kube-controller-manager 的 kubeconfig（controller-manager.conf） 文件权限为 600 或更严格",
  },
  severity = "high",
  scope = "node",
  requires = { "files" },
  applies = cis.cp_applies,
  baselines = {
    cis = { control = "1.1.17", scored = true },
    mlps = { control = "8.1.4.2 f)" },
  },
  impact = {
    en = "The file holds the kube-controller-manager client credentials, which have broad rights "
      .. "in the cluster.",
    zh = "该文件包含 kube-controller-manager 的客户端凭据，在集群中拥有很高的权限。",
  },
  remediation = {
    en = "On each control-plane node run: chmod 600 /etc/kubernetes/controller-manager.conf",
    zh = "在每个控制面节点执行：chmod 600 /etc/kubernetes/controller-manager.conf",
  },
  references = { "CIS Kubernetes Benchmark v1.12 1.1.17" },
  tags = { "control-plane", "file-permissions" },
  check = function(s, ctx) return cis.file_check(s, ctx, SPEC) end,
}
