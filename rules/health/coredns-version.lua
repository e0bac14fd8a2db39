-- CoreDNS is at least `min_version` (1.7.0). Versions before 1.7.0 exit on API server jitter
-- and then stop updating records (new headless Service names do not resolve); 1.7.0 is also
-- the first with the 2 GiB memory default the ACK guide relies on.
-- version = the tag of the coredns container image of the CoreDNS Deployment.
--   older -> warn; tag not a version -> warn (cannot tell); no CoreDNS Deployment -> na
local k8s = require("k8s")
local coredns = require("coredns")

return {
  api = 1,
  id = "health/coredns-version",
  title = { en = "CoreDNS is 1.7.0 or newer", zh = "CoreDNS 版本不低于 1.7.0" },
  severity = "medium",
  scope = "cluster",
  requires = { "objects.deployments" },
  params = {
    min_version = { default = "1.7.0", description = "oldest CoreDNS version accepted" },
  },
  impact = {
    en = "Old CoreDNS versions exit or stop watching when the API server is briefly "
      .. "unavailable, so new Services and headless Pod names stop resolving.",
    zh = "低版本 CoreDNS 在 API Server 抖动时会异常退出或停止同步，导致新建 Service 与 Headless 域名无法解析。",
  },
  remediation = {
    en = "Upgrade CoreDNS (ACK console: Add-ons > CoreDNS; kubeadm: kubeadm upgrade). The upgrade keeps "
      .. "replicas and the Corefile but resets custom tolerations and resources.",
    zh = "升级 CoreDNS（ACK：组件管理 > CoreDNS；kubeadm：随 kubeadm upgrade 升级）。升级会保留副本数和 Corefile，但自定义的容忍与资源配置会被覆盖。",
  },
  references = { "ACK DNS 最佳实践: CoreDNS 版本", "ACK 升级 CoreDNS" },
  tags = { "dns", "dns-coredns", "addon" },
  check = function(s, ctx)
    local d = coredns.deployment(ctx)
    if d == nil then return ctx.na("no CoreDNS Deployment in kube-system") end
    local image
    for _, c in ipairs(k8s.dig(d, "spec", "template", "spec", "containers") or {}) do
      if c.name == "coredns" or image == nil then image = c.image end
    end
    local tag = image and k8s.parse_image(image).tag
    local min = ctx.param("min_version")
    local evidence = { image = image, min_version = min }
    local cmp = tag and ctx.semver_compare(tag, min)
    if cmp == nil then return ctx.warn("cannot tell the CoreDNS version from image " .. tostring(image), evidence) end
    if cmp < 0 then return ctx.warn(string.format("CoreDNS %s is older than %s", tag, min), evidence) end
    return ctx.pass(string.format("CoreDNS %s (>= %s)", tag, min), evidence)
  end,
}
