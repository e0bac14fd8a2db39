-- CIS 1.1.20: Kubernetes PKI certificate files permissions are 644 or more restrictive.
--
-- Semantics:
--   * control-plane nodes only; a cluster without control-plane nodes (ACK managed) -> na with
--     the reason on one representative node (lib/cis.lua).
--   * the collected files under /etc/kubernetes/pki matching .crt$ (etcd/ included);
--     ownership), every one must have mode 0644 or stricter.
--   * /etc/kubernetes/pki recorded as missing -> na; nothing under it collected -> error.
--   * Manual in the benchmark (WARN in kube-bench).
local cis = require("cis")

local PKI = "/etc/kubernetes/pki"
local MAX = "0644"
local PATTERN = "%.crt$"

return {
  api = 1,
  id = "cis-k8s/1.1.20",
  title = {
    en = "Kubernetes PKI certificate files permissions are 644 or more restrictive",
    zh = "Kubernetes PKI 证书文件（*.crt）权限为 644 或更严格",
  },
  severity = "medium",
  scope = "node",
  requires = { "files" },
  applies = cis.cp_applies,
  baselines = {
    cis = { control = "1.1.20", scored = false },
    mlps = { control = "8.1.4.2 f)" },
  },
  impact = {
    en = "A writable certificate can be swapped for one an attacker controls.",
    zh = "可写的证书文件可能被替换为攻击者控制的证书。",
  },
  remediation = {
    en = "On each control-plane node run: find /etc/kubernetes/pki/ -name '*.crt' -exec chmod 644 "
      .. "{} +",
    zh = "在每个控制面节点执行：find /etc/kubernetes/pki/ -name '*.crt' -exec chmod 644 {} +",
  },
  references = { "CIS Kubernetes Benchmark v1.12 1.1.20" },
  tags = { "control-plane", "pki", "file-permissions" },
  check = function(s, ctx)
    if cis.managed(s, ctx) then return cis.managed_na(s, ctx) end
    local files = s.facts.files
    if files[PKI] ~= nil and files[PKI].exists == false then
      return ctx.na(cis.msg(PKI .. " does not exist on this node", "本节点上不存在 " .. PKI))
    end
    local list = cis.files_under(files, PKI, PATTERN, false)
    if #list == 0 then
      if files[PKI] ~= nil then return ctx.na(cis.msg("no PKI certificates under " .. PKI, PKI .. " 下没有证书文件")) end
      return ctx.error(cis.msg(PKI .. " was not collected", "未采集到 " .. PKI))
    end
    return cis.files_result(ctx, files, list, "PKI certificates", "mode 0644 or stricter",
      function(e)
        if e.mode == nil then return nil, "the mode" end
        return ctx.mode_at_most(e.mode, MAX), e.mode
      end)
  end,
}
