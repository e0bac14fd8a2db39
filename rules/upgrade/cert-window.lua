-- Certificates on the node (facts.certificates) that expire within the upgrade window
-- (window_days, set by `kpatrol precheck --window`, default 30):
--   expired or expiring within the window -> fail; but the kubelet's own auto-rotated client
--   certificates (/var/lib/kubelet/pki/kubelet-client*) -> warn (the kubelet renews them if
--   rotation works).
local up = require("upgrade")
local k8s = require("k8s")

return {
  api = 1,
  id = "upgrade/cert-window",
  title = {
    en = "No certificate expires within the upgrade window",
    zh = "升级窗口内没有证书到期",
  },
  severity = "critical",
  scope = "node",
  requires = { "certificates" },
  params = {
    target_version = { default = "", description = "the target Kubernetes version (set by kpatrol precheck --to)" },
    window_days = { default = 30, description = "the upgrade window in days (kpatrol precheck --window)" },
  },
  impact = {
    en = "A certificate that expires during the upgrade cuts components off the API server "
      .. "half-way (kubelets NotReady, controllers stopped), with the cluster between versions.",
    zh = "升级期间证书到期会使组件中途无法访问 API Server（kubelet NotReady、控制器停止），集群停留在新旧版本之间。",
  },
  remediation = {
    en = "Renew before upgrading: kubeadm certs renew all (then restart the control-plane static "
      .. "Pods) on kubeadm; ACK: 更新证书 in the console or the cert-rotate job; check kubelet "
      .. "rotation (rotateCertificates: true).",
    zh = "升级前先续期证书：kubeadm 集群执行 kubeadm certs renew all（然后重启控制面静态 Pod）；ACK 在控制台执行“更新证书”"
      .. "或使用 cert-rotate 任务；确认 kubelet 证书轮转已开启（rotateCertificates: true）。",
  },
  tags = { "upgrade", "certificates" },
  check = function(s, ctx)
    local target, why = up.target(ctx)
    if target == nil then return ctx.na(why) end
    local window = ctx.param("window_days")
    local now = ctx.now()
    local fails, warns, n = {}, {}, 0
    for _, c in ipairs(s.facts.certificates) do
      n = n + 1
      local t = ctx.parse_time(c.not_after or "")
      if t ~= nil then
        local days = k8s.days_until(now, t)
        if t <= now + window * 86400 then
          local text = string.format("%s %s", tostring(c.path),
            t <= now and "expired" or ("expires in " .. days .. " day(s)"))
          if tostring(c.path):find("/var/lib/kubelet/pki/kubelet%-client") then
            warns[#warns + 1] = text .. " (auto-rotated)"
          else
            fails[#fails + 1] = text
          end
        end
      end
    end
    local evidence = { window_days = window, certificates = n }
    if #fails > 0 then
      evidence.expiring = fails
      return ctx.fail(string.format("%d certificate(s) expire within the %d-day upgrade window: %s", #fails,
        window, up.summary(fails, 4)), evidence)
    end
    if #warns > 0 then
      evidence.expiring = warns
      return ctx.warn(up.summary(warns, 4), evidence)
    end
    return ctx.pass(string.format("%d certificate(s), none expires within %d days", n, window), evidence)
  end,
}
