-- CSI drivers used by StorageClasses have their node plugin and controller running.
-- For every StorageClass provisioner that is a CSI driver (CSIDriver objects when collected;
-- otherwise provisioners containing "csi"), the kube-system (or any namespace) DaemonSets and
-- Deployments whose name contains "csi" are checked:
--   a CSI DaemonSet with fewer ready than desired Pods -> fail (volumes cannot mount on the
--     nodes without it); a CSI Deployment without an available replica -> fail (no
--     provisioning, attaching or resizing)
--   CSI StorageClasses but no CSI DaemonSet at all -> fail
--   no CSI StorageClass -> pass
local k8s = require("k8s")

return {
  api = 1,
  id = "health/addon-csi-plugin",
  title = { en = "CSI storage plugins are healthy", zh = "CSI 存储插件运行正常" },
  severity = "high",
  scope = "cluster",
  requires = { "objects.storageclasses", "objects.daemonsets", "objects.deployments" },
  impact = {
    en = "Without the node plugin Pods on a node cannot mount their volumes (ContainerCreating, "
      .. "FailedMount); without the controller new claims stay Pending.",
    zh = "节点缺少 CSI 插件时该节点上的 Pod 无法挂载存储卷（ContainerCreating、FailedMount）；控制器（provisioner）异常时新建的 PVC 一直 Pending。",
  },
  remediation = {
    en = "kubectl -n kube-system get ds,deploy | grep csi; describe the unready Pods and check "
      .. "their logs; upgrade or reinstall the plugin (ACK console: Add-ons > Storage > csi-plugin, "
      .. "csi-provisioner).",
    zh = "执行 kubectl -n kube-system get ds,deploy | grep csi，查看未就绪 Pod 的事件与日志；升级或重新安装插件（ACK：组件管理 > 存储 > csi-plugin、csi-provisioner）。",
  },
  references = { "ACK 存储: CSI 组件检查", "ACP 存储: CSI 驱动组成（controller Deployment + node DaemonSet）" },
  tags = { "addon", "storage" },
  check = function(s, ctx)
    local drivers = {}
    if ctx.has_objects("csidrivers") then
      for _, d in ipairs(ctx.objects("csidrivers")) do drivers[k8s.dig(d, "metadata", "name")] = true end
    end
    local used = {}
    for _, sc in ipairs(ctx.objects("storageclasses")) do
      local p = sc.provisioner
      if p and (drivers[p] or p:find("csi", 1, true)) then used[p] = true end
    end
    local list = k8s.sorted_keys(used)
    if #list == 0 then return ctx.pass("no StorageClass uses a CSI driver") end
    local fails, seen = {}, 0
    for _, ds in ipairs(ctx.objects("daemonsets")) do
      local name = k8s.dig(ds, "metadata", "name") or ""
      if name:find("csi", 1, true) then
        seen = seen + 1
        local desired = k8s.dig(ds, "status", "desiredNumberScheduled") or 0
        local ready = k8s.dig(ds, "status", "numberReady") or 0
        if ready < desired then fails[#fails + 1] = string.format("DaemonSet %s: %d of %d ready", name, ready, desired) end
      end
    end
    for _, d in ipairs(ctx.objects("deployments")) do
      local name = k8s.dig(d, "metadata", "name") or ""
      if name:find("csi", 1, true) and (k8s.dig(d, "spec", "replicas") or 1) > 0
          and (k8s.dig(d, "status", "availableReplicas") or 0) == 0 then
        fails[#fails + 1] = "Deployment " .. name .. ": no available replica"
      end
    end
    local evidence = { drivers = list, problems = fails }
    if seen == 0 then
      return ctx.fail("StorageClasses use " .. k8s.join(list) .. " but no CSI node plugin DaemonSet exists", evidence)
    end
    if #fails > 0 then return ctx.fail(table.concat(fails, "; "), evidence) end
    return ctx.pass(string.format("CSI drivers %s: %d node plugin DaemonSets ready", k8s.join(list), seen), evidence)
  end,
}
