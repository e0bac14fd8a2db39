-- CIS 1.1.19: Kubernetes PKI directory and files are owned by root:root.
--
-- Semantics:
--   * control-plane nodes only; a cluster without control-plane nodes (ACK managed) -> na with
--     the reason on one representative node (lib/cis.lua).
--   * the entries collected under /etc/kubernetes/pki (the directory itself included for
--     ownership), every one must be owned by root:root.
--   * /etc/kubernetes/pki recorded as missing -> na; nothing under it collected -> error.
local cis = require("cis")

local PKI = "/etc/kubernetes/pki"

local USER, GROUP = "root", "root"

return {
  api = 1,
  id = "cis-k8s/1.1.19",
  title = {
    en = "Kubernetes PKI directory and files are owned by root:root",
    zh = "Kubernetes PKI 目录及文件属主为 root:root",
  },
  severity = "high",
  scope = "node",
  requires = { "files" },
  applies = cis.cp_applies,
  baselines = {
    cis = { control = "1.1.19", scored = true },
    mlps = { control = "8.1.4.2 f)" },
  },
  impact = {
    en = "Whoever owns the PKI files can replace the cluster's CAs and keys and so impersonate any "
      .. "component or user.",
    zh = "PKI 文件的属主可以替换集群 CA 和密钥，从而冒充任意组件或用户。",
  },
  remediation = {
    en = "On each control-plane node run: chown -R root:root /etc/kubernetes/pki/",
    zh = "在每个控制面节点执行：chown -R root:root /etc/kubernetes/pki/",
  },
  references = { "CIS Kubernetes Benchmark v1.12 1.1.19" },
  tags = { "control-plane", "pki", "file-permissions" },
  check = function(s, ctx)
    if cis.managed(s, ctx) then return cis.managed_na(s, ctx) end
    local files = s.facts.files
    if files[PKI] ~= nil and files[PKI].exists == false then
      return ctx.na(cis.msg(PKI .. " does not exist on this node", "本节点上不存在 " .. PKI))
    end
    local list = cis.files_under(files, PKI, nil, true)
    if #list == 0 then
      if files[PKI] ~= nil then return ctx.na(cis.msg("no PKI files under " .. PKI, PKI .. " 下没有 PKI 文件")) end
      return ctx.error(cis.msg(PKI .. " was not collected", "未采集到 " .. PKI))
    end
    return cis.files_result(ctx, files, list, "PKI files", "owned by root:root",
      function(e)
        if e.owner == nil or e.group == nil then return nil, "the owner" end
        return cis.owned_by(e.owner, USER) and cis.owned_by(e.group, GROUP),
          tostring(e.owner) .. ":" .. tostring(e.group)
      end)
  end,
}
