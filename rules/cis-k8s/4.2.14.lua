-- CIS 4.2.14: Kubelet uses RuntimeDefault as the default seccomp profile.
--
-- Semantics:
--   * every node with a kubelet (virtual-kubelet nodes have none); facts.kubelet missing -> error.
--   * effective value = command-line flag, else the kubelet config file (facts.kubelet.config,
--     drop-ins merged by the collector), else the kubelet default of the world it runs in:
--     flag defaults without --config, KubeletConfiguration defaults with it (reference §9.1).
--   * must be true; the default is false. (kube-bench only tests that the key is present, so
--       seccompDefault: false passes there.)
local cis = require("cis")

return {
  api = 1,
  id = "cis-k8s/4.2.14",
  title = {
    en = "Kubelet uses RuntimeDefault as the default seccomp profile",
    zh = "Kubelet 默认使用 RuntimeDefault seccomp 配置（seccompDefault）",
  },
  severity = "medium",
  scope = "node",
  requires = { "kubelet" },
  applies = function(s) return s.roles.virtual ~= true end,
  baselines = {
    cis = { control = "4.2.14", scored = false },
    mlps = { control = "8.1.4.2 g)" },
  },
  impact = {
    en = "Without it, containers that do not ask for a seccomp profile run Unconfined and can use "
      .. "every system call, including the ones used in container escapes.",
    zh = "未开启时，未指定 seccomp 配置的容器以 Unconfined 运行，可调用包括容器逃逸常用系统调用在内的全部系统调用。",
  },
  remediation = {
    en = "Set seccompDefault: true (or --seccomp-default=true); test workloads first, some need a "
      .. "custom profile in the kubelet config file (kubeadm: /var/lib/kubelet/config.yaml; remove "
      .. "any conflicting command-line flag from the systemd drop-in, flags override the file), "
      .. "then restart the kubelet: systemctl restart kubelet.",
    zh = "在 kubelet 配置文件中设置 seccompDefault: true（或启动参数 "
      .. "--seccomp-default=true）；请先验证业务，部分应用需要自定义配置（kubeadm 集群为 /var/lib/kubelet/config.yaml；同时删除 "
      .. "systemd drop-in 中冲突的启动参数，启动参数优先于配置文件），然后执行 systemctl restart kubelet 重启 kubelet。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 4.2.14" },
  tags = { "kubelet", "seccomp" },
  check = function(s, ctx)
    local v, source = ctx.effective(s, "kubelet", "seccompDefault", "seccomp-default", false)
    local evidence = { actual = v, source = source, expected = true }
    if cis.is_true(v) then
      return ctx.pass(cis.msg("seccompDefault true (" .. source .. ")",
        "seccompDefault 为 true（" .. cis.src_zh(source) .. "）"), evidence)
    end
    if source == "default" then
      return ctx.fail(cis.msg("seccompDefault is not set; the default is false (Unconfined)",
        "未设置 seccompDefault；默认值为 false（Unconfined，不启用 seccomp）"), evidence)
    end
    return ctx.fail(cis.msg("seccompDefault " .. tostring(v) .. " (" .. source .. "), expected "
      .. "true", "seccompDefault 为 " .. tostring(v) .. "（" .. cis.src_zh(source) .. "），应为 true"),
      evidence)
  end,
}
