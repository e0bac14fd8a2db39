-- The container runtime (containerd or docker) runs and answers (NPD docker_offline_check).
--   healthy false (not running or hung) -> fail; healthy unknown -> warn
local k8s = require("k8s")

return {
  api = 1,
  id = "health/node-container-runtime",
  title = { en = "Container runtime is healthy", zh = "节点容器运行时运行正常" },
  severity = "critical",
  scope = "node",
  requires = { "container_runtime" },
  impact = {
    en = "Without a working runtime no container can start or be stopped on the node; the "
      .. "kubelet reports PLEG errors and the node goes NotReady.",
    zh = "容器运行时异常时节点上无法启动或停止任何容器，kubelet 报 PLEG 错误，节点随后变为 NotReady。",
  },
  remediation = {
    en = "systemctl status containerd (or docker); journalctl -u containerd; crictl info to "
      .. "detect a hang; restart the runtime, and check disk space under /var/lib/containerd.",
    zh = "执行 systemctl status containerd（或 docker）、journalctl -u containerd 查看日志，用 crictl info 检测是否卡死；重启运行时，并检查 /var/lib/containerd 磁盘空间。",
  },
  references = { "ACK node-problem-detector docker_offline_check", "ACK 报警规则 docker-hang" },
  tags = { "node", "runtime", "node-component" },
  check = function(s, ctx)
    local rt = s.facts.container_runtime
    local what = string.format("%s %s", tostring(rt.name or "runtime"), tostring(rt.version or ""))
    local evidence = { name = rt.name, version = rt.version, healthy = rt.healthy, running = rt.running }
    if rt.healthy == false or rt.running == false then
      return ctx.fail(what .. " is not healthy" .. (rt.running == false and " (not running)" or ""), evidence)
    end
    if rt.healthy ~= true then return ctx.warn(what .. ": health unknown", evidence) end
    return ctx.pass(what .. " is healthy", evidence)
  end,
}
