-- Which CIS Kubernetes Benchmark version this scan applied, and why.
--
-- Semantics:
--   * one cluster finding. The version comes from the cluster version (s.cluster.version, the
--     snapshot's meta cluster.version) through kube-bench's version_mapping (lib/cis.lua
--     cis.benchmark): Kubernetes 1.29-1.31 -> v1.11, 1.32-1.34 -> v1.12.
--   * the mapping gives an implemented version -> pass, naming it and the cluster version.
--   * fallback (cluster older than 1.29 -> v1.11, newer than 1.34 -> v1.12, version unknown ->
--     v1.12, a `benchmark` parameter naming no implemented version) -> warn naming the
--     fallback: the assessor must know the applied benchmark is not the cluster's own.
--   * the message also names what the version changes in this pack (v1.11: 1.2.29 allow-list,
--     the added-capabilities control, the 5.2 renumbering, and the Manual 4.2.15, which has no
--     collected evidence and no rule: verify by hand).
--   * the `benchmark` parameter ("1.11" / "1.12") overrides the choice -> pass naming the
--     override. The same parameter exists on every rule whose verdict depends on the version;
--     the cis profile sets them together.
local cis = require("cis")

return {
  api = 1,
  id = "cis-k8s/benchmark",
  title = {
    en = "CIS Kubernetes Benchmark version applied to this cluster",
    zh = "本集群适用的 CIS Kubernetes Benchmark 版本",
  },
  severity = "info",
  scope = "cluster",
  params = {
    benchmark = {
      default = "auto",
      description = "CIS Kubernetes Benchmark version: auto (from the cluster version), 1.11 or 1.12",
    },
  },
  impact = {
    en = "Controls and expected values differ between benchmark versions: a report is only "
      .. "comparable with the benchmark document it was checked against.",
    zh = "不同版本的基准在检查项和期望值上存在差异，报告只能与其所依据的基准文档对照使用。",
  },
  remediation = {
    en = "Nothing to fix when the version fits the cluster. To apply another version, set the "
      .. "`benchmark` parameter (1.11 or 1.12) in a copy of the cis profile and scan with "
      .. "--profile.",
    zh = "基准版本与集群相符时无需处理。如需采用其他版本，可复制内置的 cis profile 文件，将其中的 benchmark 参数"
      .. "设为 1.11 或 1.12，并通过 --profile 指定该文件重新扫描。",
  },
  references = { "kube-bench cfg/config.yaml version_mapping" },
  tags = { "benchmark-version" },
  check = function(s, ctx)
    local b = cis.benchmark(s, ctx.param("benchmark"))
    local evidence = { benchmark = "v" .. b.version, cluster_version = b.cluster or "unknown",
                       exact = b.exact }
    if b.mapped ~= nil then evidence.mapped = "cis-" .. b.mapped end
    local en, zh = b.en, b.zh
    if b.version == "1.11" then
      en = en .. ". v1.11 differences applied: 1.2.29 also allows the ECDHE CBC-SHA suites; 5.2.9 "
        .. "(added capabilities) is checked as cis-k8s/v1.11-5.2.9; v1.11 5.2.10-5.2.13 are "
        .. "reported under their v1.12 numbers 5.2.9-5.2.12; v1.11 4.2.15 (kubelet systemd "
        .. "IPAddressDeny=any, Manual) has no collected evidence: verify it by hand on every node"
      zh = zh .. "。已按 v1.11 的差异检查：1.2.29 的白名单额外允许 ECDHE CBC-SHA 套件；5.2.9（添加的 "
        .. "Capabilities）由 cis-k8s/v1.11-5.2.9 检查；v1.11 的 5.2.10-5.2.13 按 v1.12 编号 "
        .. "5.2.9-5.2.12 呈现；v1.11 的 4.2.15（kubelet systemd 服务设置 IPAddressDeny=any，人工检查项）"
        .. "没有可采集的证据，请在每个节点人工核查"
      evidence.manual = { "4.2.15" }
    else
      en = en .. ". Controls of v1.11 only (4.2.15, the added-capabilities 5.2.9) are not applicable"
      zh = zh .. "。仅属于 v1.11 的检查项（4.2.15、关于添加 Capabilities 的 5.2.9）不适用"
    end
    if b.exact then return ctx.pass(cis.msg(en, zh), evidence) end
    return ctx.warn(cis.msg(en, zh), evidence)
  end,
}
