-- CIS 4.1.1: Kubelet service file permissions are 600 or more restrictive.
--
-- Semantics:
--   * every node with a kubelet (virtual-kubelet nodes are not evaluated).
--   * every kubelet unit file and drop-in that exists (the kubeadm drop-in under /etc and /usr/lib,
--     the unit under /etc, /lib, /usr/lib, and every collected *.d entry) is checked; kube-bench
--     checks only the first it finds. All recorded missing -> na; none collected -> error.
--   * mode 600 or stricter; the ACK benchmark accepts 644 (shown as a deviation). Package
--     managers install these files 644, so stock installs fail, as in kube-bench.
local cis = require("cis")

local MAX = "0600"

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
  id = "cis-k8s/4.1.1",
  title = {
    en = "Kubelet service file permissions are 600 or more restrictive",
    zh = "kubelet systemd 服务文件权限为 600 或更严格",
  },
  severity = "high",
  scope = "node",
  requires = { "files" },
  applies = function(s) return s.roles.virtual ~= true end,
  baselines = {
    cis = { control = "4.1.1", scored = true },
    mlps = { control = "8.1.4.2 f)" },
  },
  impact = {
    en = "The unit file and its drop-ins hold the kubelet's command line: whoever can change them "
      .. "can turn off authentication or authorization on the next restart.",
    zh = "服务文件及其 drop-in 决定 kubelet 的启动参数，能修改它们的人可以在下次重启时关闭 kubelet 的认证或鉴权。",
  },
  remediation = {
    en = "Run chmod 600 on the kubelet unit file and its drop-ins (e.g. "
      .. "/usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf), then systemctl "
      .. "daemon-reload.",
    zh = "对 kubelet 服务文件及其 drop-in（如 /usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf）执行 "
      .. "chmod 600，然后执行 systemctl daemon-reload。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 4.1.1" },
  tags = { "kubelet", "file-permissions" },
  check = function(s, ctx)
    local files = s.facts.files
    local test = function(e)
      if e.mode == nil then return nil, "the mode" end
      return ctx.mode_at_most(e.mode, MAX), e.mode
    end
    local ok_ack = true
    for _, p in ipairs(unit_files(files)) do
      local e = files[p]
      if e ~= nil and e.exists ~= false and e.mode ~= nil and not ctx.mode_at_most(e.mode, "0644") then
        ok_ack = false
      end
    end
    local note = ok_ack and cis.ack_note(s, ctx, "the ACK benchmark accepts 644 for the kubelet service file") or ""
    return cis.files_result(ctx, files, unit_files(files), "kubelet service files",
      "mode 0600 or stricter" .. note, test)
  end,
}
