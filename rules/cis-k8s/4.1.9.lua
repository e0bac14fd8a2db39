-- CIS 4.1.9: the kubelet config file (if used) has mode 600 or stricter.
--
-- Semantics:
--   * every node with a kubelet (virtual nodes have none).
--   * the file is the one the kubelet really uses: facts.kubelet.config_path, else its --config
--     flag (kube-bench instead guesses from a candidate list, which picks stale files).
--   * kubelet started without --config -> na (the control says "if used").
--   * path known but not in facts.files -> error; recorded as missing -> error too (the kubelet
--     cannot be running from a file that does not exist, so the facts are inconsistent).
--   * mode 600 or stricter; the ACK benchmark accepts 644, named as a deviation on ACK clusters.
local k8s = require("k8s")
local cis = require("cis")

local MAX = "0600"

local function config_path(s, ctx)
  local kubelet = s.facts.kubelet
  if kubelet.config_path ~= nil and kubelet.config_path ~= "" then return kubelet.config_path end
  local argv = k8s.process_argv(s.facts, "kubelet")
  local flag = (argv and ctx.flag(argv, "config")) or (kubelet.args and kubelet.args.config)
  if flag ~= nil and flag ~= "" then return flag end
  return nil
end

return {
  api = 1,
  id = "cis-k8s/4.1.9",
  title = {
    en = "Kubelet config file permissions are 600 or more restrictive",
    zh = "Kubelet 配置文件权限为 600 或更严格",
  },
  severity = "medium",
  scope = "node",
  requires = { "kubelet", "files" },
  applies = function(s) return s.roles.virtual ~= true end,
  baselines = {
    cis = { control = "4.1.9", scored = true },
    mlps = { control = "8.1.4.2 f)" },
  },
  impact = {
    en = "A writable kubelet config lets a local user turn off kubelet authentication or "
      .. "authorization on the next restart.",
    zh = "kubelet 配置文件可被其他用户修改时，本地用户可以在 kubelet 下次重启时关闭其认证或鉴权。",
  },
  remediation = {
    en = "Run chmod 600 on the file passed to kubelet --config (kubeadm: /var/lib/kubelet/config.yaml).",
    zh = "对 kubelet --config 指定的文件执行 chmod 600（kubeadm 集群为 /var/lib/kubelet/config.yaml）。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 4.1.9" },
  tags = { "kubelet", "file-permissions" },
  check = function(s, ctx)
    local path = config_path(s, ctx)
    if path == nil then
      return ctx.na(cis.msg("the kubelet runs without a config file (--config not set)", "kubelet 未使用配置文件运行（未设置 --config）"))
    end
    local entry = s.facts.files[path]
    if entry == nil then
      return ctx.error(cis.msg("the mode of the kubelet config file " .. path .. " was not collected", "未采集到 kubelet 配置文件 " .. path .. " 的权限"))
    end
    if entry.exists == false then
      return ctx.error(cis.msg("the kubelet config file " .. path .. " does not exist", "kubelet 配置文件 " .. path .. " 不存在"))
    end
    return cis.mode_result(s, ctx, path, entry, MAX, "0644")
  end,
}
