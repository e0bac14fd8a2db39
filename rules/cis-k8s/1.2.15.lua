-- CIS 1.2.15: kube-apiserver --profiling=false.
--
-- Semantics:
--   * control-plane nodes only; a cluster without control-plane nodes (ACK managed) -> na with
--     the reason on one representative node (lib/cis.lua).
--   * flags from the running kube-apiserver process.
--   * no process -> error (cannot be evaluated).
--   * flag absent -> fail: the API server default is profiling enabled (kubeadm does not set
--     it, so stock kubeadm control planes fail this control, as kube-bench reports too).
local k8s = require("k8s")
local cis = require("cis")

return {
  api = 1,
  id = "cis-k8s/1.2.15",
  title = {
    en = "API server profiling is disabled",
    zh = "kube-apiserver 已关闭性能分析（profiling）接口",
  },
  severity = "low",
  scope = "node",
  requires = { "processes" },
  applies = cis.cp_applies,
  baselines = {
    cis = { control = "1.2.15", scored = true },
    mlps = { control = "8.1.4.4 b)" },
  },
  impact = {
    en = "The /debug/pprof endpoints reveal program internals and can be used to load the "
      .. "API server; they are rarely needed in production.",
    zh = "/debug/pprof 接口会暴露程序内部细节，也可能被用来加重 API Server 负载；生产环境通常不需要。",
  },
  remediation = {
    en = "Add --profiling=false to the kube-apiserver command in "
      .. "/etc/kubernetes/manifests/kube-apiserver.yaml (kubeadm: apiServer.extraArgs.profiling: \"false\").",
    zh = "在 /etc/kubernetes/manifests/kube-apiserver.yaml 的启动参数中加入 --profiling=false"
      .. "（kubeadm 集群可在 apiServer.extraArgs 中设置 profiling: \"false\"）。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 1.2.15" },
  tags = { "control-plane", "apiserver" },
  check = function(s, ctx)
    if cis.managed(s, ctx) then return cis.managed_na(s, ctx) end
    local argv = k8s.process_argv(s.facts, "kube-apiserver")
    if argv == nil then
      return ctx.error(cis.msg("kube-apiserver process not found on this control-plane node", "在本控制面节点上未找到 kube-apiserver 进程"))
    end
    local v = ctx.flag(argv, "profiling")
    if v == nil then
      return ctx.fail(cis.msg("--profiling is not set; the API server default is true",
        "未设置 --profiling；API Server 默认开启性能分析接口（true）"),
        { flag = "--profiling", actual = "unset (default true)", expected = "false" })
    end
    local evidence = { flag = "--profiling", actual = v, expected = "false" }
    if k8s.is_false(v) then return ctx.pass(cis.msg("--profiling=false", "--profiling=false，已关闭性能分析接口"), evidence) end
    return ctx.fail(cis.msg("--profiling=" .. tostring(v) .. ", expected false", "--profiling=" .. tostring(v) .. "，应为 false"), evidence)
  end,
}
