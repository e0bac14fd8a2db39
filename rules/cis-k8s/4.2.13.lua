-- CIS 4.2.13: Kubelet limits the number of PIDs per Pod.
--
-- Semantics:
--   * every node with a kubelet (virtual-kubelet nodes have none); facts.kubelet missing -> error.
--   * effective value = command-line flag, else the kubelet config file (facts.kubelet.config,
--     drop-ins merged by the collector), else the kubelet default of the world it runs in:
--     flag defaults without --config, KubeletConfiguration defaults with it (reference §9.1).
--   * must be a positive number; the default -1 (unlimited) and an explicit -1 fail
--       (kube-bench only tests that the key is present, so an explicit -1 passes there).

local cis = require("cis")

return {
  api = 1,
  id = "cis-k8s/4.2.13",
  title = {
    en = "Kubelet limits the number of PIDs per Pod",
    zh = "Kubelet 已限制单个 Pod 的进程数（podPidsLimit）",
  },
  severity = "medium",
  scope = "node",
  requires = { "kubelet" },
  applies = function(s) return s.roles.virtual ~= true end,
  baselines = {
    cis = { control = "4.2.13", scored = false },
    mlps = { control = "8.1.4.4 b)" },
  },
  impact = {
    en = "Without a PID limit one Pod (a fork bomb, a leaking process) can exhaust the node's PIDs "
      .. "and take down every other Pod on it.",
    zh = "不限制进程数时，一个 Pod（fork 炸弹或进程泄漏）即可耗尽节点 PID，导致节点上其他 Pod 全部异常。",
  },
  remediation = {
    en = "Set podPidsLimit to a positive value that suits the workloads, e.g. 4096 (or "
      .. "--pod-max-pids) in the kubelet config file (kubeadm: /var/lib/kubelet/config.yaml; "
      .. "remove any conflicting command-line flag from the systemd drop-in, flags override the "
      .. "file), then restart the kubelet: systemctl restart kubelet.",
    zh = "在 kubelet 配置文件中设置 podPidsLimit 为适合业务的正数，如 4096（或启动参数 --pod-max-pids）（kubeadm 集群为 "
      .. "/var/lib/kubelet/config.yaml；同时删除 systemd drop-in 中冲突的启动参数，启动参数优先于配置文件），然后执行 systemctl "
      .. "restart kubelet 重启 kubelet。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 4.2.13" },
  tags = { "kubelet" },
  check = function(s, ctx)
    local v, source = ctx.effective(s, "kubelet", "podPidsLimit", "pod-max-pids", -1)
    local n = tonumber(v)
    local evidence = { actual = v, source = source, expected = "> 0" }
    if n ~= nil and n > 0 then
      return ctx.pass(cis.msg("podPidsLimit " .. tostring(v) .. " (" .. source .. ")",
        "podPidsLimit 为 " .. tostring(v) .. "（" .. cis.src_zh(source) .. "）"), evidence)
    end
    if source == "default" then
      return ctx.fail(cis.msg("podPidsLimit is not set; the default -1 means unlimited",
        "未设置 podPidsLimit；默认值 -1 表示不限制 Pod 的进程数"), evidence)
    end
    return ctx.fail(cis.msg("podPidsLimit " .. tostring(v) .. " (" .. source .. ") does not limit "
      .. "PIDs", "podPidsLimit 为 " .. tostring(v) .. "（" .. cis.src_zh(source)
      .. "），未限制进程数"), evidence)
  end,
}
