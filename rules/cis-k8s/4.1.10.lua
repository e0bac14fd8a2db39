-- CIS 4.1.10: Kubelet config file is owned by root:root.
--
-- Semantics:
--   * every node with a kubelet (virtual-kubelet nodes are not evaluated).
--   * the file the kubelet really uses: facts.kubelet.config_path, else its --config flag (as
--     4.1.9). Kubelet started without --config -> na; path not collected or missing -> error.
local cis = require("cis")

local function config_path(s, ctx)
  local kubelet = s.facts.kubelet
  if kubelet.config_path ~= nil and kubelet.config_path ~= "" then return kubelet.config_path end
  local argv = cis.argv(s, "kubelet")
  local flag = (argv and ctx.flag(argv, "config")) or (kubelet.args and kubelet.args.config)
  if flag ~= nil and flag ~= "" then return flag end
  return nil
end

return {
  api = 1,
  id = "cis-k8s/4.1.10",
  title = {
    en = "Kubelet config file is owned by root:root",
    zh = "kubelet 配置文件属主为 root:root",
  },
  severity = "medium",
  scope = "node",
  requires = { "kubelet", "files" },
  applies = function(s) return s.roles.virtual ~= true end,
  baselines = {
    cis = { control = "4.1.10", scored = true },
    mlps = { control = "8.1.4.2 f)" },
  },
  impact = {
    en = "Another owner can rewrite the kubelet configuration and turn off its authentication or "
      .. "authorization on the next restart.",
    zh = "配置文件属于其他用户时，该用户可以改写 kubelet 配置，在下次重启时关闭认证或鉴权。",
  },
  remediation = {
    en = "Run chown root:root on the file passed to kubelet --config (kubeadm: "
      .. "/var/lib/kubelet/config.yaml).",
    zh = "对 kubelet --config 指定的文件（kubeadm 为 /var/lib/kubelet/config.yaml）执行 chown root:root。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 4.1.10" },
  tags = { "kubelet", "file-ownership" },
  check = function(s, ctx)
    local path = config_path(s, ctx)
    if path == nil then
      return ctx.na(cis.msg("the kubelet runs without a config file (--config not set)", "kubelet 未使用配置文件运行（未设置 --config）"))
    end
    local e = s.facts.files[path]
    if e == nil then
      return ctx.error(cis.msg("the owner of the kubelet config file " .. path .. " was not collected", "未采集到 kubelet 配置文件 " .. path .. " 的属主"))
    end
    if e.exists == false then
      return ctx.error(cis.msg("the kubelet config file " .. path .. " does not exist", "kubelet 配置文件 " .. path .. " 不存在"))
    end
    return cis.owner_result(ctx, path, e, "root", "root")
  end,
}
