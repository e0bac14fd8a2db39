-- CIS 1.1.10: Container Network Interface files are owned by root:root.
--
-- Semantics:
--   * control-plane nodes only; a cluster without control-plane nodes (ACK managed) -> na with
--     the reason on one representative node (lib/cis.lua).
--   * the files collected under /etc/cni/net.d, /var/lib/cni/networks and the kubelet's
--     --cni-conf-dir (if set), sub-directories left out; every one must be owned by
--     root:root.
--   * the directories collected but empty (or missing) -> na; not collected at all -> error.
--   * Manual in the benchmark (WARN in kube-bench); kept on control-plane nodes as in cis-1.12.
local cis = require("cis")

local USER, GROUP = "root", "root"

local DIRS = { "/etc/cni/net.d", "/var/lib/cni/networks" }

-- Plain sorted list of the collected CNI files, or nil, why when nothing can be said.
local function cni_files(s, ctx)
  local files = s.facts.files
  local dirs = { DIRS[1], DIRS[2] }
  local argv = cis.argv(s, "kubelet")
  local custom = argv and ctx.flag(argv, "cni-conf-dir")
  if custom ~= nil and custom ~= DIRS[1] then dirs[#dirs + 1] = custom end
  local out, seen_dir = {}, false
  for _, d in ipairs(dirs) do
    if files[d] ~= nil then seen_dir = true end
    for _, p in ipairs(cis.files_under(files, d, nil, false, true)) do
      if not cis.contains(out, p) then out[#out + 1] = p end
    end
  end
  table.sort(out)
  if #out > 0 then return out end
  if seen_dir then return nil, "na" end
  return nil, "error"
end

return {
  api = 1,
  id = "cis-k8s/1.1.10",
  title = {
    en = "Container Network Interface files are owned by root:root",
    zh = "CNI 配置文件属主为 root:root",
  },
  severity = "medium",
  scope = "node",
  requires = { "files" },
  applies = cis.cp_applies,
  baselines = {
    cis = { control = "1.1.10", scored = false },
    mlps = { control = "8.1.4.2 f)" },
  },
  impact = {
    en = "CNI configuration decides how every Pod is wired to the network and may contain "
      .. "credentials (e.g. the CNI's kubeconfig); a writable file lets a local user redirect Pod "
      .. "traffic.",
    zh = "CNI 配置决定每个 Pod 的网络接入方式，其中可能包含凭据（如 CNI 使用的 kubeconfig）；可写的配置文件会让本地用户能够劫持 Pod 流量。",
  },
  remediation = {
    en = "On each control-plane node run: chown root:root /etc/cni/net.d/* (and the files under "
      .. "/var/lib/cni/networks)",
    zh = "在每个控制面节点执行：chown root:root /etc/cni/net.d/*（以及 /var/lib/cni/networks 下的文件）",
  },
  references = { "CIS Kubernetes Benchmark v1.12 1.1.10" },
  tags = { "control-plane", "cni", "file-permissions" },
  check = function(s, ctx)
    if cis.managed(s, ctx) then return cis.managed_na(s, ctx) end
    local list, why = cni_files(s, ctx)
    if list == nil then
      if why == "na" then return ctx.na(cis.msg("no CNI configuration files on this node", "本节点上没有 CNI 配置文件")) end
      return ctx.error(cis.msg("the CNI configuration directories were not collected (" .. cis.join(DIRS) .. ")", "未采集到 CNI 配置目录（" .. cis.join(DIRS) .. "）"))
    end
    return cis.files_result(ctx, s.facts.files, list, "CNI files", "owned by root:root",
      function(e)
        if e.owner == nil or e.group == nil then return nil, "the owner" end
        return cis.owned_by(e.owner, USER) and cis.owned_by(e.group, GROUP),
          tostring(e.owner) .. ":" .. tostring(e.group)
      end)
  end,
}
