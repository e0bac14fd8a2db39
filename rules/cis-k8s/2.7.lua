-- CIS 2.7: etcd uses a unique certificate authority.
--
-- Semantics:
--   * etcd members: control-plane nodes and hosts running etcd.
--   * managed control plane (no control-plane node, e.g. ACK managed) -> na with the reason
--     on one representative node (lib/cis.lua).
--   * etcd rules apply to control-plane nodes and to hosts that run an etcd process (external
--     etcd members known from host facts). A control-plane node without etcd -> na. Values come
--     from the command line, else from the process environment (facts.processes.etcd.env,
--     ETCD_* variables) as in kube-bench; with --config-file and no flag -> manual (the file is
--     not collected).
--   * --trusted-ca-file (or ETCD_TRUSTED_CA_FILE) must be set. When the same node runs the API
--     server, the CA must differ from its --client-ca-file: same path -> fail; both certificates
--     in facts.certificates with the same subject -> fail; otherwise pass (uniqueness across hosts
--     cannot be proven from one node, the message says what was compared).
local cis = require("cis")

return {
  api = 1,
  id = "cis-k8s/2.7",
  title = {
    en = "etcd uses a unique certificate authority",
    zh = "etcd 使用独立的 CA（不与 Kubernetes 集群 CA 共用）",
  },
  severity = "medium",
  scope = "node",
  requires = { "processes" },
  applies = function(s, ctx) return cis.cp_applies(s, ctx) or cis.argv(s, "etcd") ~= nil end,
  baselines = {
    cis = { control = "2.7", scored = false },
    mlps = { control = "8.1.4.8 a)" },
  },
  impact = {
    en = "If etcd trusts the cluster CA, every client certificate the cluster issues (kubelets, "
      .. "users) is accepted by etcd and can read all data.",
    zh = "若 etcd 信任集群 CA，则集群签发的任何客户端证书（kubelet、用户）都能访问 etcd 并读取全部数据。",
  },
  remediation = {
    en = "Edit the etcd configuration on each etcd member (kubeadm: "
      .. "/etc/kubernetes/manifests/etcd.yaml; systemd: /etc/etcd/etcd.conf) and set "
      .. "--trusted-ca-file to a CA used only for etcd (kubeadm: /etc/kubernetes/pki/etcd/ca.crt), "
      .. "different from the API server's --client-ca-file; restart etcd.",
    zh = "在每个 etcd 成员上修改 etcd 配置（kubeadm 为 /etc/kubernetes/manifests/etcd.yaml，systemd 部署为 "
      .. "/etc/etcd/etcd.conf），将 --trusted-ca-file 设为仅供 etcd 使用的 CA（kubeadm 为 "
      .. "/etc/kubernetes/pki/etcd/ca.crt），且不同于 API Server 的 --client-ca-file，然后重启 etcd。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 2.7" },
  tags = { "control-plane", "etcd", "tls" },
  check = function(s, ctx)
    if cis.managed(s, ctx) then return cis.managed_na(s, ctx) end
    local argv = cis.argv(s, "etcd")
    if argv == nil then return ctx.na(cis.msg("etcd does not run on this node", "etcd 未在本节点运行")) end
    local ca = ctx.flag(argv, "trusted-ca-file")
    local env = cis.dig(s.facts, "processes", "etcd", "env")
    if ca == nil and env ~= nil then ca = env.ETCD_TRUSTED_CA_FILE end
    if ca == nil then
      local file = ctx.flag(argv, "config-file")
      if file ~= nil then
        return ctx.manual(cis.msg("--trusted-ca-file is not on the command line; etcd reads "
          .. file .. " (--config-file), which is not collected: verify trusted-ca-file there and "
          .. "that the CA is used only by etcd", "启动参数中没有 --trusted-ca-file；etcd 读取的配置文件 "
          .. file .. "（--config-file）未被采集：请在该文件中核查 trusted-ca-file，并确认该 CA 仅供 etcd 使用"))
      end
      return ctx.fail(cis.msg("--trusted-ca-file is not set: etcd does not verify client "
        .. "certificates against a CA", "未设置 --trusted-ca-file：etcd 不使用 CA 校验客户端证书"),
        { flag = "--trusted-ca-file", actual = "unset", expected = "a dedicated etcd CA" })
    end
    local evidence = { etcd_ca = ca, expected = "a CA used only by etcd" }
    local api = cis.argv(s, "kube-apiserver")
    local cluster_ca = api and ctx.flag(api, "client-ca-file")
    if cluster_ca == nil then
      return ctx.pass(cis.msg("--trusted-ca-file=" .. ca .. " (the cluster CA is not on this node "
        .. "to compare with)", "--trusted-ca-file=" .. ca .. "（本节点上没有集群 CA 可供比较）"),
        evidence)
    end
    evidence.cluster_ca = cluster_ca
    if cluster_ca == ca then
      return ctx.fail(cis.msg("etcd trusts the same CA as the API server's --client-ca-file ("
        .. ca .. ")", "etcd 信任的 CA 与 API Server 的 --client-ca-file 相同（" .. ca
        .. "），应为 etcd 专用 CA"), evidence)
    end
    local subjects = {}
    for _, cert in ipairs(s.facts.certificates or {}) do
      if cert.path == ca or cert.path == cluster_ca then subjects[cert.path] = cert.subject end
    end
    if subjects[ca] ~= nil and subjects[ca] == subjects[cluster_ca] then
      return ctx.fail(cis.msg("etcd CA " .. ca .. " has the same subject as the cluster CA "
        .. cluster_ca .. " (" .. tostring(subjects[ca]) .. "): same CA",
        "etcd CA " .. ca .. " 与集群 CA " .. cluster_ca .. " 的主题相同（" .. tostring(subjects[ca])
        .. "）：是同一个 CA"), evidence)
    end
    return ctx.pass(cis.msg("--trusted-ca-file=" .. ca .. ", distinct from the cluster CA "
      .. cluster_ca, "--trusted-ca-file=" .. ca .. "，与集群 CA " .. cluster_ca .. " 不同"), evidence)
  end,
}
