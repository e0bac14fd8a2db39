-- CIS 4.2.7: Kubelet hostname is not overridden.
--
-- Semantics:
--   * every node with a kubelet (virtual-kubelet nodes have none); facts.kubelet missing -> error.
--   * * command line only (the config file has no such key): facts.kubelet.args, else the kubelet
--       process argv. Set -> fail.
local cis = require("cis")

return {
  api = 1,
  id = "cis-k8s/4.2.7",
  title = {
    en = "Kubelet hostname is not overridden",
    zh = "Kubelet 未覆盖节点主机名（--hostname-override）",
  },
  severity = "low",
  scope = "node",
  requires = { "kubelet" },
  applies = function(s) return s.roles.virtual ~= true end,
  baselines = {
    cis = { control = "4.2.7", scored = false },
    mlps = { control = "8.1.4.1 a)" },
  },
  impact = {
    en = "An overridden hostname can break TLS between the API server and the kubelet (certificate "
      .. "names no longer match the node).",
    zh = "覆盖主机名可能导致 API Server 与 kubelet 之间的 TLS 校验失败（证书名称与节点不一致）。",
  },
  remediation = {
    en = "Remove --hostname-override from the kubelet command line (systemd drop-in or "
      .. "/etc/default/kubelet) and restart the kubelet. Some cloud providers require it: then "
      .. "accept the finding with a waiver.",
    zh = "从 kubelet 启动参数（systemd drop-in 或 /etc/default/kubelet）中删除 --hostname-override 并重启 "
      .. "kubelet。部分云厂商要求设置该参数，此时可通过豁免接受该项。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 4.2.7" },
  tags = { "kubelet" },
  check = function(s, ctx)
    local v = s.facts.kubelet.args and s.facts.kubelet.args["hostname-override"]
    if v == nil then
      local argv = cis.argv(s, "kubelet")
      if argv ~= nil then v = ctx.flag(argv, "hostname-override") end
    end
    local evidence = { flag = "--hostname-override", actual = v or "unset", expected = "unset" }
    if v ~= nil then
      return ctx.fail(cis.msg("--hostname-override=" .. tostring(v) .. " is set",
        "设置了 --hostname-override=" .. tostring(v)), evidence)
    end
    return ctx.pass(cis.msg("--hostname-override is not set", "未设置 --hostname-override"),
      evidence)
  end,
}
