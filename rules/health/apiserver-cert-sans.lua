-- The API server serving certificate covers every name clients use.
-- On nodes with /etc/kubernetes/pki/apiserver.crt (control planes), its SANs must contain:
-- kubernetes, kubernetes.default, kubernetes.default.svc, kubernetes.default.svc.<domain>
-- (domain: kubeadm-config dnsDomain, else cluster.local), the ClusterIP of Service
-- default/kubernetes, the node's InternalIP, and the controlPlaneEndpoint host and certSANs of
-- kubeadm-config when present.
--   any missing -> fail (clients using that name get x509 errors); no apiserver.crt -> na
local k8s = require("k8s")

local PATH = "/etc/kubernetes/pki/apiserver.crt"

local function kubeadm(ctx)
  if not ctx.has_objects("configmaps") then return {} end
  for _, cm in ipairs(ctx.objects("configmaps")) do
    local md = cm.metadata or {}
    if md.namespace == "kube-system" and md.name == "kubeadm-config" then
      local text = "\n" .. (k8s.dig(cm, "data", "ClusterConfiguration") or "")
      local out = { domain = text:match("\n%s*dnsDomain:%s*\"?([%w%.%-]+)"),
                    endpoint = text:match("\ncontrolPlaneEndpoint:%s*\"?([^:\"\n]+)") }
      return out
    end
  end
  return {}
end

return {
  api = 1,
  id = "health/apiserver-cert-sans",
  title = { en = "API server certificate covers its names and addresses", zh = "API Server 证书 SAN 覆盖所有访问地址" },
  severity = "high",
  scope = "node",
  requires = { "certificates" },
  impact = {
    en = "Clients that reach the API server under a name or address missing from the "
      .. "certificate fail TLS verification (x509: certificate is valid for ..., not ...).",
    zh = "客户端通过证书 SAN 中不包含的域名或地址访问 API Server 时，TLS 校验失败（x509: certificate is valid for ..., not ...）。",
  },
  remediation = {
    en = "Add the missing names to apiServer.certSANs (kubeadm-config), regenerate the "
      .. "certificate (kubeadm init phase certs apiserver) and restart the API server.",
    zh = "将缺少的域名或地址加入 kubeadm-config 的 apiServer.certSANs，重新生成证书（kubeadm init phase certs apiserver）并重启 API Server。",
  },
  references = { "kubeadm certSANs", "ACK 集群证书: API Server 证书" },
  tags = { "node", "certificates", "control-plane" },
  check = function(s, ctx)
    local cert
    for _, c in ipairs(s.facts.certificates) do
      if c.path == PATH then cert = c end
    end
    if cert == nil then return ctx.na("no " .. PATH .. " on this node") end
    local have = {}
    for _, n in ipairs(cert.sans or {}) do have[n] = true end
    local cfg = kubeadm(ctx)
    local domain = cfg.domain or "cluster.local"
    local want = { "kubernetes", "kubernetes.default", "kubernetes.default.svc",
                   "kubernetes.default.svc." .. domain }
    if ctx.has_objects("services") then
      for _, svc in ipairs(ctx.objects("services")) do
        local md = svc.metadata or {}
        if md.namespace == "default" and md.name == "kubernetes" and k8s.dig(svc, "spec", "clusterIP") then
          want[#want + 1] = k8s.dig(svc, "spec", "clusterIP")
        end
      end
    end
    for _, a in ipairs(k8s.dig(s.object, "status", "addresses") or {}) do
      if a.type == "InternalIP" then want[#want + 1] = a.address end
    end
    if cfg.endpoint then want[#want + 1] = cfg.endpoint end
    local missing = {}
    for _, n in ipairs(want) do
      if not have[n] then missing[#missing + 1] = n end
    end
    local evidence = { path = PATH, sans = ctx.copy(cert.sans or {}), expected = want, missing = missing }
    if #missing > 0 then
      return ctx.fail(PATH .. " lacks SANs " .. k8s.join(missing), evidence)
    end
    return ctx.pass(string.format("%s covers all %d expected names", PATH, #want), evidence)
  end,
}
