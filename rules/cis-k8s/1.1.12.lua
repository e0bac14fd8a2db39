-- CIS 1.1.12: etcd data directory is owned by etcd:etcd.
--
-- Semantics:
--   * control-plane nodes only; a cluster without control-plane nodes (ACK managed) -> na with
--     the reason on one representative node (lib/cis.lua).
--   * nodes running etcd (control-plane nodes and external etcd hosts); a control-plane node
--     without etcd -> na.
--   * the directory is etcd's --data-dir (else ETCD_DATA_DIR from the process environment, else
--     the first existing kube-bench candidate, else /var/lib/etcd/default.etcd); not collected ->
--     error.
--   * owner and group must be etcd (names as resolved on the host). kubeadm creates the directory
--     root:root and runs etcd as root in a container, so stock kubeadm fails, as in kube-bench;
--     the message says so.
local cis = require("cis")

-- kube-bench's candidates (in its order; ACK tries data.etcd first), used when the running etcd
-- does not name its data directory. kubeadm passes --data-dir=/var/lib/etcd.
local CANDIDATES = { "/var/lib/etcd/default.etcd", "/var/lib/etcd/data.etcd" }

local function data_dir(s, ctx)
  local argv = cis.argv(s, "etcd")
  local v = ctx.flag(argv, "data-dir")
  if v == nil then
    local env = cis.dig(s.facts, "processes", "etcd", "env")
    v = env and env.ETCD_DATA_DIR
  end
  if v ~= nil and v ~= "" then return v end
  local state, path = cis.find_file(s.facts.files, CANDIDATES)
  if state == "found" then return path end
  return "/var/lib/etcd/default.etcd"
end

return {
  api = 1,
  id = "cis-k8s/1.1.12",
  title = {
    en = "etcd data directory is owned by etcd:etcd",
    zh = "etcd 数据目录属主为 etcd:etcd",
  },
  severity = "high",
  scope = "node",
  requires = { "processes", "files" },
  applies = function(s, ctx) return cis.cp_applies(s, ctx) or cis.argv(s, "etcd") ~= nil end,
  baselines = {
    cis = { control = "1.1.12", scored = true },
    mlps = { control = "8.1.4.2 f)" },
  },
  impact = {
    en = "The etcd data directory holds the whole cluster state, every Secret included "
      .. "(unencrypted unless encryption at rest is on).",
    zh = "etcd 数据目录保存整个集群的状态，包括所有 Secret（未开启静态加密时为明文）。",
  },
  remediation = {
    en = "Create an etcd system user and run: chown -R etcd:etcd <data dir> (the etcd --data-dir); "
      .. "with kubeadm, run etcd as that user (etcd static Pod securityContext "
      .. "runAsUser/runAsGroup) first",
    zh = "创建 etcd 系统用户并执行：chown -R etcd:etcd <数据目录>（etcd 的 --data-dir）；kubeadm 集群需先让 etcd "
      .. "以该用户运行（etcd 静态 Pod 的 securityContext runAsUser/runAsGroup）",
  },
  references = { "CIS Kubernetes Benchmark v1.12 1.1.12" },
  tags = { "control-plane", "etcd", "file-permissions" },
  check = function(s, ctx)
    if cis.managed(s, ctx) then return cis.managed_na(s, ctx) end
    if cis.argv(s, "etcd") == nil then return ctx.na(cis.msg("etcd does not run on this node", "etcd 未在本节点运行")) end
    local path = data_dir(s, ctx)
    local entry = s.facts.files[path]
    if entry == nil then
      return ctx.error(cis.msg("the etcd data directory " .. path .. " was not collected", "未采集到 etcd 数据目录 " .. path))
    end
    if entry.exists == false then
      return ctx.error(cis.msg("the etcd data directory " .. path .. " does not exist", "etcd 数据目录 " .. path .. " 不存在"))
    end
    if entry.owner ~= nil and cis.owned_by(entry.owner, "root") and cis.owned_by(entry.group, "root") then
      return ctx.fail(cis.msg(path .. " is owned by root:root, expected etcd:etcd (kubeadm "
        .. "default: etcd runs as root in its static Pod)",
        path .. " 的属主为 root:root，应为 etcd:etcd（kubeadm 默认以 root 身份在静态 Pod 中运行 etcd）"),
        { path = path, owner = "root:root", expected = "etcd:etcd" })
    end
    return cis.owner_result(ctx, path, entry, "etcd", "etcd")
  end,
}
