-- CIS 1.1.21: Kubernetes PKI private key files permissions are 600.
--
-- Semantics:
--   * control-plane nodes only; a cluster without control-plane nodes (ACK managed) -> na with
--     the reason on one representative node (lib/cis.lua).
--   * the collected files under /etc/kubernetes/pki matching .key$ (etcd/ included);
--     ownership), every one must have mode 0600 or stricter.
--   * /etc/kubernetes/pki recorded as missing -> na; nothing under it collected -> error.
--   * Manual in the benchmark (WARN in kube-bench).
local cis = require("cis")

local PKI = "/etc/kubernetes/pki"
local MAX = "0600"
local PATTERN = "%.key$"

return {
  api = 1,
  id = "cis-k8s/1.1.21",
  title = {
    en = "Kubernetes PKI private key files permissions are 600",
    zh = "Kubernetes PKI 私钥文件（*.key）权限为 600",
  },
  severity = "high",
  scope = "node",
  requires = { "files" },
  applies = cis.cp_applies,
  baselines = {
    cis = { control = "1.1.21", scored = false },
    mlps = { control = "8.1.4.8 b)" },
  },
  impact = {
    en = "A readable CA or component key lets a local user sign credentials for any identity, "
      .. "cluster-admin included.",
    zh = "CA 或组件私钥可被读取时，本地用户可以为任意身份（包括 cluster-admin）签发凭据。",
  },
  remediation = {
    en = "On each control-plane node run: find /etc/kubernetes/pki/ -name '*.key' -exec chmod 600 "
      .. "{} +",
    zh = "在每个控制面节点执行：find /etc/kubernetes/pki/ -name '*.key' -exec chmod 600 {} +",
  },
  references = { "CIS Kubernetes Benchmark v1.12 1.1.21" },
  tags = { "control-plane", "pki", "file-permissions" },
  check = function(s, ctx)
    if cis.managed(s, ctx) then return cis.managed_na(s, ctx) end
    local files = s.facts.files
    if files[PKI] ~= nil and files[PKI].exists == false then
      return ctx.na(cis.msg(PKI .. " does not exist on this node", "本节点上不存在 " .. PKI))
    end
    local list = cis.files_under(files, PKI, PATTERN, false)
    if #list == 0 then
      if files[PKI] ~= nil then return ctx.na(cis.msg("no PKI private keys under " .. PKI, PKI .. " 下没有私钥文件")) end
      return ctx.error(cis.msg(PKI .. " was not collected", "未采集到 " .. PKI))
    end
    return cis.files_result(ctx, files, list, "PKI private keys", "mode 0600 or stricter",
      function(e)
        if e.mode == nil then return nil, "the mode" end
        return ctx.mode_at_most(e.mode, MAX), e.mode
      end)
  end,
}
