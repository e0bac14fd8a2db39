-- etcd version for the target (from the image tag of the kube-system etcd Pods):
--   target >= 1.34 (kubeadm moves etcd to 3.6) and etcd < 3.5.20 -> fail (3.5 -> 3.6 needs 3.5.20
--     or later: the learner-member issue); < 3.5.26 -> warn (zombie members fixed in 3.5.26);
--   otherwise pass, naming the etcd kubeadm installs for the target.
-- No etcd Pods: a managed control plane (ack-managed) -> na; otherwise error (external etcd:
-- its version could not be checked).
local up = require("upgrade")
local b = require("breakers")

return {
  api = 1,
  id = "upgrade/etcd-version",
  title = {
    en = "etcd version supports the target",
    zh = "etcd 版本支持目标版本",
  },
  severity = "high",
  scope = "cluster",
  requires = { "objects.pods" },
  params = {
    target_version = { default = "", description = "the target Kubernetes version (set by kpatrol precheck --to)" },
  },
  impact = {
    en = "Moving etcd 3.5 to 3.6 (Kubernetes 1.34) from a release before 3.5.20 can lose cluster "
      .. "membership; the control plane may not come back.",
    zh = "在 3.5.20 之前的版本上将 etcd 3.5 升级到 3.6（Kubernetes 1.34）可能导致集群成员关系丢失，控制面可能无法恢复。",
  },
  remediation = {
    en = "Upgrade etcd to the latest 3.5 patch (at least 3.5.26) on every member, one at a time, "
      .. "with a snapshot first, before upgrading Kubernetes.",
    zh = "升级 Kubernetes 之前，先对每个 etcd 成员逐个升级到最新的 3.5 补丁版本（至少 3.5.26），升级前先做快照。",
  },
  tags = { "upgrade", "etcd" },
  check = function(s, ctx)
    local target, why = up.target(ctx)
    if target == nil then return ctx.na(why) end
    local pods = up.system_pods(ctx, "etcd")
    local versions, seen = {}, {}
    for _, p in ipairs(pods) do
      local tag = up.image_tag(up.container_image(p.spec, "etcd"))
      if tag ~= nil and not seen[tag] then
        seen[tag] = true
        versions[#versions + 1] = tag
      end
    end
    table.sort(versions)
    if #versions == 0 then
      if s.flavour == "ack-managed" then return ctx.na("etcd is managed by ACK") end
      return ctx.error("etcd version unknown: no etcd Pods in kube-system (external etcd?)")
    end
    local evidence = { etcd = versions, kubeadm_etcd_for_target = b.etcd[target], target = up.v(target) }
    local oldest = versions[1]
    for _, v in ipairs(versions) do if up.compare(v, oldest) == -1 then oldest = v end end
    if target >= 34 and up.compare(oldest, "3.6") == -1 then
      if up.compare(oldest, "3.5.20") == -1 then
        return ctx.fail(string.format("etcd %s: upgrade to 3.5.26 or later before moving to etcd 3.6 (%s)",
          oldest, up.v(target)), evidence)
      end
      if up.compare(oldest, "3.5.26") == -1 then
        return ctx.warn(string.format("etcd %s: 3.5.26 or later is recommended before etcd 3.6", oldest), evidence)
      end
    end
    local want = b.etcd[target]
    return ctx.pass(string.format("etcd %s%s", table.concat(versions, ", "),
      want and (" (kubeadm installs " .. want .. " for " .. up.v(target) .. ")") or ""), evidence)
  end,
}
