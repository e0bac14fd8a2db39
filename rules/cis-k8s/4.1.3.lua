-- CIS 4.1.3: Proxy kubeconfig file permissions are 600 or more restrictive (if present).
--
-- Semantics:
--   * every node with a kubelet (virtual-kubelet nodes are not evaluated).
--   * nodes running kube-proxy (no process -> na, e.g. a CNI that replaces kube-proxy).
--   * the file is kube-proxy's --kubeconfig, else clientConnection.kubeconfig of its config
--     (facts.kube_proxy.config), else the first existing of /etc/kubernetes/proxy.conf and
--     /var/lib/kube-proxy/kubeconfig.conf. Recorded as missing on the host -> na (kubeadm runs
--     kube-proxy as a DaemonSet with the kubeconfig from a ConfigMap), as when the host files
--     were not collected but the kube-system/kube-proxy ConfigMap carries kubeconfig.conf;
--     otherwise not collected -> error.
--   * mode 600 or stricter; the ACK benchmark accepts 644 (shown as a deviation).
local cis = require("cis")

local CANDIDATES = { "/etc/kubernetes/proxy.conf", "/var/lib/kube-proxy/kubeconfig.conf" }
local IN_POD = "kube-proxy runs as a Pod and reads its kubeconfig from a ConfigMap/volume, not "
  .. "from a host file"

-- path | nil, "na"|"error", why
local function proxy_kubeconfig(s, ctx)
  local argv = cis.argv(s, "kube-proxy")
  if argv == nil then return nil, "na", "kube-proxy does not run on this node" end
  local path = ctx.flag(argv, "kubeconfig")
    or cis.dig(s.facts, "kube_proxy", "config", "clientConnection", "kubeconfig")
  if path ~= nil and path ~= "" then
    local e = s.facts.files[path]
    if e == nil then return nil, "error", "the kube-proxy kubeconfig " .. path .. " was not collected" end
    if e.exists == false then return nil, "na", path .. " is not on the host: " .. IN_POD end
    return path
  end
  local state, p = cis.find_file(s.facts.files, CANDIDATES)
  if state == "found" then return p end
  if state == "absent" then return nil, "na", IN_POD end
  -- Not collected on the host, but kubeadm's kube-system/kube-proxy ConfigMap carries the
  -- kubeconfig that its DaemonSet mounts: then it is not a host file either.
  if ctx.has_objects("configmaps") then
    for _, cm in ipairs(ctx.objects("configmaps")) do
      if cis.dig(cm, "metadata", "namespace") == "kube-system"
          and cis.dig(cm, "metadata", "name") == "kube-proxy"
          and cis.dig(cm, "data", "kubeconfig.conf") ~= nil then
        return nil, "na", IN_POD .. " (kubeconfig.conf of the kube-system/kube-proxy ConfigMap)"
      end
    end
  end
  return nil, "error", "the kube-proxy kubeconfig was not collected (looked for "
    .. cis.join(CANDIDATES) .. ")"
end

return {
  api = 1,
  id = "cis-k8s/4.1.3",
  title = {
    en = "Proxy kubeconfig file permissions are 600 or more restrictive (if present)",
    zh = "kube-proxy 的 kubeconfig 文件权限为 600 或更严格（如存在）",
  },
  severity = "medium",
  scope = "node",
  requires = { "processes", "files" },
  applies = function(s) return s.roles.virtual ~= true end,
  baselines = {
    cis = { control = "4.1.3", scored = false },
    mlps = { control = "8.1.4.2 f)" },
  },
  impact = {
    en = "The kube-proxy kubeconfig carries its credentials; another local user could use them to "
      .. "read Services and Endpoints or impersonate kube-proxy.",
    zh = "kube-proxy 的 kubeconfig 包含其凭据，其他本地用户可借此读取 Service/Endpoint 信息或冒充 kube-proxy。",
  },
  remediation = {
    en = "Run chmod 600 on the kube-proxy kubeconfig file (its --kubeconfig, or "
      .. "clientConnection.kubeconfig in its config).",
    zh = "对 kube-proxy 的 kubeconfig 文件（--kubeconfig 或其配置中的 clientConnection.kubeconfig）执行 chmod "
      .. "600。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 4.1.3" },
  tags = { "kube-proxy", "file-permissions" },
  check = function(s, ctx)
    local path, state, why = proxy_kubeconfig(s, ctx)
    if path == nil then
      if state == "na" then return ctx.na(cis.msg(why, cis.zh(why))) end
      return ctx.error(cis.msg(why, cis.zh(why)))
    end
    return cis.mode_result(s, ctx, path, s.facts.files[path], "0600", "0644")
  end,
}
