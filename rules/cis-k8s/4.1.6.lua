-- CIS 4.1.6: Kubelet kubeconfig file is owned by root:root.
--
-- Semantics:
--   * every node with a kubelet (virtual-kubelet nodes are not evaluated).
--   * the file is the kubelet's --kubeconfig (facts.kubelet.args, else the process argv), else
--     /etc/kubernetes/kubelet.conf; not collected -> error; missing -> na (standalone kubelet).
--   * owner and group root (scored in CIS 1.12, unscored in the ACK benchmark).
local cis = require("cis")

local DEFAULT = "/etc/kubernetes/kubelet.conf"

-- The kubeconfig the kubelet really uses: --kubeconfig (facts.kubelet.args or the process argv).
local function kubelet_kubeconfig(s, ctx)
  local v = cis.dig(s.facts, "kubelet", "args", "kubeconfig")
  if v == nil then
    local argv = cis.argv(s, "kubelet")
    v = argv and ctx.flag(argv, "kubeconfig")
  end
  if v ~= nil and v ~= "" then return v end
  return DEFAULT
end

return {
  api = 1,
  id = "cis-k8s/4.1.6",
  title = {
    en = "Kubelet kubeconfig file is owned by root:root",
    zh = "kubelet 的 kubeconfig（kubelet.conf）文件属主为 root:root",
  },
  severity = "high",
  scope = "node",
  requires = { "files" },
  applies = function(s) return s.roles.virtual ~= true end,
  baselines = {
    cis = { control = "4.1.6", scored = true },
    mlps = { control = "8.1.4.2 f)" },
  },
  impact = {
    en = "kubelet.conf holds the node's credentials: anyone who can read it can act as the node "
      .. "(read Secrets of its Pods, update its Node object).",
    zh = "kubelet.conf 包含节点凭据，能读取它的人可以冒充该节点（读取其 Pod 的 Secret、修改 Node 对象）。",
  },
  remediation = {
    en = "Run chown root:root /etc/kubernetes/kubelet.conf (or the file passed to kubelet "
      .. "--kubeconfig).",
    zh = "执行 chown root:root /etc/kubernetes/kubelet.conf（或 kubelet --kubeconfig 指定的文件）。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 4.1.6" },
  tags = { "kubelet", "file-permissions" },
  check = function(s, ctx)
    local path = kubelet_kubeconfig(s, ctx)
    local e = s.facts.files[path]
    if e == nil then return ctx.error(cis.msg("the kubelet kubeconfig " .. path .. " was not collected", "未采集到 kubelet 的 kubeconfig 文件 " .. path)) end
    if e.exists == false then return ctx.na(cis.msg(path .. " does not exist (standalone kubelet)", path .. " 不存在（独立运行的 kubelet）")) end
    return cis.owner_result(ctx, path, e, "root", "root")
  end,
}
