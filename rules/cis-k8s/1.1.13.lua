-- CIS 1.1.13: the admin kubeconfig files have mode 600 or stricter.
--
-- Semantics:
--   * control-plane nodes only; a cluster without control-plane nodes (ACK managed) -> na with
--     the reason on one representative node (lib/cis.lua).
--   * both /etc/kubernetes/admin.conf and /etc/kubernetes/super-admin.conf (kubeadm >= 1.29)
--     are checked when they exist; every existing one must be 0600 or stricter.
--   * neither exists -> na (nothing to protect on this node).
--   * neither was collected -> error.
local k8s = require("k8s")
local cis = require("cis")

local FILES = { "/etc/kubernetes/admin.conf", "/etc/kubernetes/super-admin.conf" }
local MAX = "0600"

return {
  api = 1,
  id = "cis-k8s/1.1.13",
  title = {
    en = "Admin kubeconfig file permissions are 600 or more restrictive",
    zh = "admin.conf 管理员 kubeconfig 文件权限为 600 或更严格",
  },
  severity = "high",
  scope = "node",
  requires = { "files" },
  applies = cis.cp_applies,
  baselines = {
    cis = { control = "1.1.13", scored = true },
    mlps = { control = "8.1.4.2 b)" },
  },
  impact = {
    en = "admin.conf carries cluster-admin credentials: any local user who can read it "
      .. "controls the whole cluster.",
    zh = "admin.conf 中包含集群管理员（cluster-admin）凭据，节点上任何能读取该文件的用户都能完全控制集群。",
  },
  remediation = {
    en = "On each control-plane node run: chmod 600 /etc/kubernetes/admin.conf "
      .. "/etc/kubernetes/super-admin.conf (the latter if present). Do not copy these files "
      .. "to other hosts; give people individual credentials instead.",
    zh = "在每个控制面节点执行：chmod 600 /etc/kubernetes/admin.conf /etc/kubernetes/super-admin.conf"
      .. "（后者存在时）。不要把这些文件分发到其他主机，应为每个运维人员单独签发凭据。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 1.1.13" },
  tags = { "control-plane", "file-permissions", "credentials" },
  check = function(s, ctx)
    if cis.managed(s, ctx) then return cis.managed_na(s, ctx) end
    local files = s.facts.files
    local found, loose, absent = {}, {}, 0
    for _, path in ipairs(FILES) do
      local entry = files[path]
      if entry ~= nil and entry.exists == false then
        absent = absent + 1
      elseif entry ~= nil then
        if entry.mode == nil then
          return ctx.error(cis.msg("the mode of " .. path .. " was not collected", "未采集到 " .. path .. " 的权限"))
        end
        found[#found + 1] = { path = path, mode = entry.mode }
        if not ctx.mode_at_most(entry.mode, MAX) then
          loose[#loose + 1] = path .. " (" .. entry.mode .. ")"
        end
      end
    end
    if #found == 0 then
      if absent > 0 then return ctx.na(cis.msg("no admin kubeconfig on this node", "本节点上没有管理员 kubeconfig 文件")) end
      return ctx.error(cis.msg("the admin kubeconfig files were not collected (" .. k8s.join(FILES) .. ")", "未采集到管理员 kubeconfig 文件（" .. k8s.join(FILES) .. "）"))
    end
    local evidence = { files = found, expected = MAX .. " or stricter" }
    if #loose > 0 then
      local text = "the ACK benchmark accepts 644 for admin.conf"
      return ctx.fail(cis.msg("admin kubeconfig too permissive: " .. k8s.join(loose)
        .. ", expected " .. MAX .. " or stricter" .. cis.ack_note(s, ctx, text),
        "管理员 kubeconfig 文件权限过宽：" .. k8s.join(loose) .. "，应不宽于 " .. MAX
        .. cis.ack_note_zh(s, ctx, text)), evidence)
    end
    local shown = {}
    for _, f in ipairs(found) do shown[#shown + 1] = f.path .. " (" .. f.mode .. ")" end
    return ctx.pass(cis.msg("admin kubeconfig " .. MAX .. " or stricter: " .. k8s.join(shown), "管理员 kubeconfig 文件权限不宽于 " .. MAX .. "：" .. k8s.join(shown)), evidence)
  end,
}
