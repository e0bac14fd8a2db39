-- CIS 4.1.2: Kubelet service file is owned by root:root.
--
-- Semantics:
--   * every node with a kubelet (virtual-kubelet nodes are not evaluated).
--   * every kubelet unit file and drop-in that exists (the kubeadm drop-in under /etc and /usr/lib,
--     the unit under /etc, /lib, /usr/lib, and every collected *.d entry) is checked; kube-bench
--     checks only the first it finds. All recorded missing -> na; none collected -> error.
--   * owner and group root.
local cis = require("cis")

local USER, GROUP = "root", "root"

local UNITS = {
  "/etc/systemd/system/kubelet.service.d/10-kubeadm.conf",
  "/usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf",
  "/etc/systemd/system/kubelet.service",
  "/lib/systemd/system/kubelet.service",
  "/usr/lib/systemd/system/kubelet.service",
}
local DROPIN_DIRS = {
  "/etc/systemd/system/kubelet.service.d",
  "/usr/lib/systemd/system/kubelet.service.d",
  "/lib/systemd/system/kubelet.service.d",
}

-- The kubelet unit files and every collected drop-in, sorted.
local function unit_files(files)
  local out = {}
  for _, p in ipairs(UNITS) do out[#out + 1] = p end
  for _, d in ipairs(DROPIN_DIRS) do
    for _, p in ipairs(cis.files_under(files, d)) do
      if not cis.contains(out, p) then out[#out + 1] = p end
    end
  end
  table.sort(out)
  return out
end

return {
  api = 1,
  id = "cis-k8s/4.1.2",
  title = {
    en = "Kubelet service file is owned by root:root",
    zh = "kubelet systemd 服务文件属主为 root:root",
  },
  severity = "high",
  scope = "node",
  requires = { "files" },
  applies = function(s) return s.roles.virtual ~= true end,
  baselines = {
    cis = { control = "4.1.2", scored = true },
    mlps = { control = "8.1.4.2 f)" },
  },
  impact = {
    en = "The unit file and its drop-ins hold the kubelet's command line: whoever can change them "
      .. "can turn off authentication or authorization on the next restart.",
    zh = "服务文件及其 drop-in 决定 kubelet 的启动参数，能修改它们的人可以在下次重启时关闭 kubelet 的认证或鉴权。",
  },
  remediation = {
    en = "Run chown root:root on the kubelet unit file and its drop-ins, then systemctl "
      .. "daemon-reload.",
    zh = "对 kubelet 服务文件及其 drop-in 执行 chown root:root，然后执行 systemctl daemon-reload。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 4.1.2" },
  tags = { "kubelet", "file-permissions" },
  check = function(s, ctx)
    local files = s.facts.files
    return cis.files_result(ctx, files, unit_files(files), "kubelet service files",
      "owned by root:root", function(e)
      if e.owner == nil or e.group == nil then return nil, "the owner" end
      return cis.owned_by(e.owner, USER) and cis.owned_by(e.group, GROUP),
        tostring(e.owner) .. ":" .. tostring(e.group)
    end)
  end,
}
