-- Certificates on the node (Kubernetes PKI, kubeconfig client certs, kubelet certs) are not
-- about to expire.
--
-- days_left = whole days from the scan time to notAfter; expired = notAfter is not after it.
--   expired                     -> fail ("expired")
--   days_left <= fail_days (30) -> fail
--   days_left <= warn_days (60) -> warn (the ACK console offers renewal about two months ahead)
-- Certificates the kubelet rotates by itself (`auto_rotated`) are only reported at fail_days:
-- the kubelet renews them once 70-90% of their lifetime has passed, so a 1-year client
-- certificate with 50 days left is normal, one with 20 days left means rotation is broken.
-- Certificates served by the node's TLS endpoints (facts.endpoint_certificates) that are not
-- a copy of a file read count too, named "endpoint <host:port> (<component>)": the in-memory
-- certificates of kube-controller-manager and kube-scheduler, and a stale one a process still
-- serves after its file was renewed (health/endpoint-cert-current names that case).
-- Evidence lists the worst certificates (up to 5), earliest first.
local k8s = require("k8s")
local certs = require("certs")

local MAX_LISTED = 5

local function classify(c, warn_days, fail_days, auto)
  local days = c.days_left
  if c.expired then return "expired" end
  if days <= fail_days then return "fail" end
  if days <= warn_days and not auto then return "warn" end
  return "ok"
end

local function when(c, now)
  if c.expired then
    return string.format("expired %s ago (%s)", k8s.human_duration(now - c.t), c.not_after)
  end
  return string.format("expires in %d days (%s)", c.days_left, c.not_after)
end

return {
  api = 1,
  id = "health/cert-expiry",
  title = {
    en = "Node certificates are not about to expire",
    zh = "节点证书未临近过期",
  },
  severity = "high",
  scope = "node",
  requires = { "certificates" },
  params = {
    warn_days = { default = 60, description = "warn when a certificate expires within this many days" },
    fail_days = { default = 30, description = "fail when a certificate expires within this many days" },
    auto_rotated = {
      default = {
        "/var/lib/kubelet/pki/kubelet-client-current.pem",
        "/var/lib/kubelet/pki/kubelet-server-current.pem",
      },
      description = "certificates the kubelet renews itself: reported only within fail_days",
    },
  },
  impact = {
    en = "Once a certificate expires the component using it can no longer authenticate: "
      .. "an expired API server or client certificate makes kubectl and the whole control "
      .. "plane unusable.",
    zh = "证书过期后，使用该证书的组件将无法认证；API Server 证书或客户端证书过期会导致 kubectl 无法访问、整个管控面不可用。",
  },
  remediation = {
    en = "Renew before expiry. kubeadm: kubeadm certs check-expiration, then kubeadm certs "
      .. "renew all on each control-plane node and restart the control-plane static Pods. "
      .. "ACK: use the console's certificate renewal (更新证书). Kubelet client certificates: "
      .. "make sure rotateCertificates is enabled and CSRs are approved.",
    zh = "请在过期前更新证书。kubeadm 集群：先执行 kubeadm certs check-expiration，再在每个控制面节点执行 "
      .. "kubeadm certs renew all 并重启控制面静态 Pod；ACK 集群：在控制台使用“更新证书”功能。"
      .. "kubelet 客户端证书：确认已开启 rotateCertificates 且证书签名请求（CSR）能被正常批准。",
  },
  tags = { "node", "certificates" },
  check = function(s, ctx)
    local warn_days, fail_days = ctx.param("warn_days"), ctx.param("fail_days")
    local auto_rotated = ctx.param("auto_rotated")
    local now = ctx.now()
    local all, bad = {}, {}
    local list = {}
    for _, cert in ipairs(s.facts.certificates) do list[#list + 1] = cert end
    for _, cert in ipairs(certs.served_only(s.facts)) do list[#list + 1] = cert end
    for _, cert in ipairs(list) do
      local t = cert.not_after and ctx.parse_time(cert.not_after)
      if t == nil then
        return ctx.error("cannot parse not_after of " .. tostring(cert.path) .. ": "
          .. tostring(cert.not_after))
      end
      local c = { path = cert.path, subject = cert.subject, not_after = cert.not_after,
                  days_left = k8s.days_until(now, t), expired = t <= now, t = t }
      all[#all + 1] = c
      local status = classify(c, warn_days, fail_days,
                              k8s.contains(auto_rotated, cert.path))
      if status ~= "ok" then bad[#bad + 1] = c end
    end
    if #all == 0 then return ctx.na("no certificates were found on this node") end
    local by_days = function(a, b)
      if a.t ~= b.t then return a.t < b.t end
      return tostring(a.path) < tostring(b.path)
    end
    table.sort(all, by_days)
    table.sort(bad, by_days)
    local evidence = { warn_days = warn_days, fail_days = fail_days, certificates = {} }
    local listed = #bad > 0 and bad or all
    for i = 1, math.min(#listed, MAX_LISTED) do
      local c = listed[i]
      evidence.certificates[i] = { path = c.path, subject = c.subject, not_after = c.not_after,
                                   days_left = c.days_left, expired = c.expired }
    end
    if #bad == 0 then
      return ctx.pass(string.format("%s, the earliest %s: %s", k8s.plural(#all, "certificate"),
        when(all[1], now), all[1].path), evidence)
    end
    -- failing certificates always have fewer days left than warning ones
    local worst = bad[1]
    local failing = worst.days_left <= fail_days
    local threshold = worst.expired and "" or string.format(", threshold %d days",
      failing and fail_days or warn_days)
    local more = #bad > 1 and string.format("; %d more within %d days", #bad - 1, warn_days) or ""
    local msg = string.format("%s %s%s%s", worst.path, when(worst, now), threshold, more)
    if failing then return ctx.fail(msg, evidence) end
    return ctx.warn(msg, evidence)
  end,
}
