-- CIS 1.1.14: Admin kubeconfig files are owned by root:root.
--
-- Semantics:
--   * control-plane nodes only; a cluster without control-plane nodes (ACK managed) -> na with
--     the reason on one representative node (lib/cis.lua).
--   * admin.conf and super-admin.conf (kubeadm >= 1.29): every existing one must be root:root;
--     neither exists -> na; neither collected -> error.
local cis = require("cis")

local FILES = { "/etc/kubernetes/admin.conf", "/etc/kubernetes/super-admin.conf" }

return {
  api = 1,
  id = "cis-k8s/1.1.14",
  title = {
    en = "Admin kubeconfig files are owned by root:root",
    zh = "admin.conf 管理员 kubeconfig 文件属主为 root:root",
  },
  severity = "high",
  scope = "node",
  requires = { "files" },
  applies = cis.cp_applies,
  baselines = {
    cis = { control = "1.1.14", scored = true },
    mlps = { control = "8.1.4.2 f)" },
  },
  impact = {
    en = "The admin kubeconfig carries cluster-admin credentials; another owner can read and "
      .. "replace it.",
    zh = "管理员 kubeconfig 中包含 cluster-admin 凭据，属于其他用户时该用户可以读取或替换它。",
  },
  remediation = {
    en = "On each control-plane node run: chown root:root /etc/kubernetes/admin.conf "
      .. "/etc/kubernetes/super-admin.conf",
    zh = "在每个控制面节点执行：chown root:root /etc/kubernetes/admin.conf /etc/kubernetes/super-admin.conf",
  },
  references = { "CIS Kubernetes Benchmark v1.12 1.1.14" },
  tags = { "control-plane", "file-ownership" },
  check = function(s, ctx)
    if cis.managed(s, ctx) then return cis.managed_na(s, ctx) end
    return cis.files_result(ctx, s.facts.files, FILES, "admin kubeconfig", "owned by root:root",
      function(e)
        if e.owner == nil or e.group == nil then return nil, "the owner" end
        return cis.owned_by(e.owner, "root") and cis.owned_by(e.group, "root"),
          tostring(e.owner) .. ":" .. tostring(e.group)
      end)
  end,
}
