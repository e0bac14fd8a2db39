-- PodDisruptionBudgets that would block a node drain (the upgrade drains every node):
--   status.disruptionsAllowed == 0 while it covers Pods (status.expectedPods > 0) -> fail;
--   without status: maxUnavailable 0 / "0%", or minAvailable "100%" -> fail;
--   a PDB covering no Pods is ignored. ACK forces the node replacement after 15 minutes of
--   failed eviction (managed node pools); kubectl drain waits forever.
local up = require("upgrade")

return {
  api = 1,
  id = "upgrade/pdb-drain",
  title = {
    en = "No PodDisruptionBudget blocks draining a node",
    zh = "没有 PodDisruptionBudget 会阻塞节点排空",
  },
  severity = "high",
  scope = "cluster",
  requires = { "objects.poddisruptionbudgets" },
  params = {
    target_version = { default = "", description = "the target Kubernetes version (set by kpatrol precheck --to)" },
  },
  impact = {
    en = "A PDB that allows no disruption makes kubectl drain (and the node upgrade) hang on that "
      .. "node; managed node pools force the eviction after a timeout, causing the outage the PDB "
      .. "was meant to prevent.",
    zh = "不允许任何中断的 PDB 会让 kubectl drain（以及节点升级）卡在该节点；托管节点池超时后会强制驱逐，反而造成 PDB 本想避免的中断。",
  },
  remediation = {
    en = "Scale the workload above minAvailable (at least 2 replicas spread over nodes), or relax "
      .. "the PDB (maxUnavailable: 1) for the upgrade window; fix unhealthy Pods that keep "
      .. "disruptionsAllowed at 0.",
    zh = "将工作负载扩容到超过 minAvailable（至少 2 个分布在不同节点的副本），或在升级期间放宽 PDB（maxUnavailable: 1）；"
      .. "修复导致 disruptionsAllowed 为 0 的异常 Pod。",
  },
  tags = { "upgrade", "drain", "pdb" },
  check = function(s, ctx)
    local target, why = up.target(ctx)
    if target == nil then return ctx.na(why) end
    local blocking, total = {}, 0
    for _, pdb in ipairs(ctx.objects("poddisruptionbudgets")) do
      total = total + 1
      local spec, st = pdb.spec or {}, pdb.status
      local reason = nil
      if st ~= nil and st.disruptionsAllowed ~= nil then
        if st.disruptionsAllowed == 0 and (st.expectedPods or 0) > 0 then
          reason = string.format("disruptionsAllowed 0 (%s/%s healthy, %s)", tostring(st.currentHealthy),
            tostring(st.expectedPods),
            spec.maxUnavailable ~= nil and ("maxUnavailable " .. tostring(spec.maxUnavailable))
              or ("minAvailable " .. tostring(spec.minAvailable)))
        end
      elseif spec.maxUnavailable == 0 or spec.maxUnavailable == "0%" then
        reason = "maxUnavailable " .. tostring(spec.maxUnavailable)
      elseif spec.minAvailable == "100%" then
        reason = "minAvailable 100%"
      end
      if reason ~= nil then blocking[#blocking + 1] = "PDB " .. up.ref(pdb) .. ": " .. reason end
    end
    if #blocking > 0 then
      return ctx.fail(string.format("%d PodDisruptionBudget(s) block a drain: %s", #blocking, up.summary(blocking, 4)),
        { blocking = up.head(blocking, 20) })
    end
    return ctx.pass(string.format("%d PodDisruptionBudget(s), none blocks a drain", total))
  end,
}
