-- CIS 4.1.7: Kubelet client CA file permissions are 644 or more restrictive.
--
-- Semantics:
--   * every node with a kubelet (virtual-kubelet nodes are not evaluated).
--   * the file is the kubelet's effective client CA (--client-ca-file over authentication.x509.
--     clientCAFile; kube-bench reads only the flag and otherwise guesses a path). No client CA ->
--     na (control 4.2.3 fails then); file not collected -> error.
--   * mode 644 or stricter.
local cis = require("cis")

-- The client CA file the kubelet uses (flag over config file), or nil.
local function client_ca(s, ctx)
  local v = ctx.effective(s, "kubelet", "authentication.x509.clientCAFile", "client-ca-file")
  if v == nil or v == "" then return nil end
  return v
end

return {
  api = 1,
  id = "cis-k8s/4.1.7",
  title = {
    en = "Kubelet client CA file permissions are 644 or more restrictive",
    zh = "kubelet 客户端 CA 文件权限为 644 或更严格",
  },
  severity = "medium",
  scope = "node",
  requires = { "kubelet", "files" },
  applies = function(s) return s.roles.virtual ~= true end,
  baselines = {
    cis = { control = "4.1.7", scored = false },
    mlps = { control = "8.1.4.2 f)" },
  },
  impact = {
    en = "Whoever can replace the client CA decides which client certificates the kubelet trusts.",
    zh = "能替换客户端 CA 文件的人可以决定 kubelet 信任哪些客户端证书。",
  },
  remediation = {
    en = "Run chmod 644 on the kubelet's client CA file (authentication.x509.clientCAFile, "
      .. "kubeadm: /etc/kubernetes/pki/ca.crt).",
    zh = "对 kubelet 的客户端 CA 文件（authentication.x509.clientCAFile，kubeadm 为 "
      .. "/etc/kubernetes/pki/ca.crt）执行 chmod 644。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 4.1.7" },
  tags = { "kubelet", "file-permissions" },
  check = function(s, ctx)
    local path = client_ca(s, ctx)
    if path == nil then return ctx.na(cis.msg("the kubelet has no client CA file (see 4.2.3)", "kubelet 未配置客户端 CA 文件（见 4.2.3）")) end
    local e = s.facts.files[path]
    if e == nil then return ctx.error(cis.msg("the kubelet client CA " .. path .. " was not collected", "未采集到 kubelet 客户端 CA 文件 " .. path)) end
    if e.exists == false then return ctx.error(cis.msg("the kubelet client CA " .. path .. " does not exist", "kubelet 客户端 CA 文件 " .. path .. " 不存在")) end
    return cis.mode_result(s, ctx, path, e, "0644")
  end,
}
