-- CIS 4.1.8: Kubelet client CA file is owned by root:root.
--
-- Semantics:
--   * every node with a kubelet (virtual-kubelet nodes are not evaluated).
--   * the file is the kubelet's effective client CA (--client-ca-file over authentication.x509.
--     clientCAFile; kube-bench reads only the flag and otherwise guesses a path). No client CA ->
--     na (control 4.2.3 fails then); file not collected -> error.
--   * owner and group root.
local cis = require("cis")

-- The client CA file the kubelet uses (flag over config file), or nil.
local function client_ca(s, ctx)
  local v = ctx.effective(s, "kubelet", "authentication.x509.clientCAFile", "client-ca-file")
  if v == nil or v == "" then return nil end
  return v
end

return {
  api = 1,
  id = "cis-k8s/4.1.8",
  title = {
    en = "Kubelet client CA file is owned by root:root",
    zh = "kubelet 客户端 CA 文件属主为 root:root",
  },
  severity = "medium",
  scope = "node",
  requires = { "kubelet", "files" },
  applies = function(s) return s.roles.virtual ~= true end,
  baselines = {
    cis = { control = "4.1.8", scored = false },
    mlps = { control = "8.1.4.2 f)" },
  },
  impact = {
    en = "Whoever can replace the client CA decides which client certificates the kubelet trusts.",
    zh = "能替换客户端 CA 文件的人可以决定 kubelet 信任哪些客户端证书。",
  },
  remediation = {
    en = "Run chown root:root on the kubelet's client CA file (kubeadm: "
      .. "/etc/kubernetes/pki/ca.crt).",
    zh = "对 kubelet 的客户端 CA 文件（kubeadm 为 /etc/kubernetes/pki/ca.crt）执行 chown root:root。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 4.1.8" },
  tags = { "kubelet", "file-permissions" },
  check = function(s, ctx)
    local path = client_ca(s, ctx)
    if path == nil then return ctx.na(cis.msg("the kubelet has no client CA file (see 4.2.3)", "kubelet 未配置客户端 CA 文件（见 4.2.3）")) end
    local e = s.facts.files[path]
    if e == nil then return ctx.error(cis.msg("the kubelet client CA " .. path .. " was not collected", "未采集到 kubelet 客户端 CA 文件 " .. path)) end
    if e.exists == false then return ctx.error(cis.msg("the kubelet client CA " .. path .. " does not exist", "kubelet 客户端 CA 文件 " .. path .. " 不存在")) end
    return cis.owner_result(ctx, path, e, "root", "root")
  end,
}
