-- CIS 4.3.1: kube-proxy metrics endpoint is bound to localhost.
--
-- Semantics:
--   * nodes running kube-proxy (no kube-proxy process -> na: a CNI may replace it).
--   * value: --metrics-bind-address from the process, else metricsBindAddress of its config file:
--     facts.kube_proxy.config (KubeProxyConfiguration as JSON; fact being added to the probe), else
--     the kube-system/kube-proxy ConfigMap's config.conf (kubeadm mounts it as --config; read
--     line by line, the sandbox has no YAML parser). --config set but neither source collected ->
--     error.
--   * unset or empty -> pass (the default is 127.0.0.1:10249); a host of 127.0.0.1, ::1 or
--     localhost passes, anything else (0.0.0.0, a node IP) fails.
local cis = require("cis")

local LOOPBACK = { ["127.0.0.1"] = true, ["::1"] = true, ["localhost"] = true }

-- metricsBindAddress from the config: value (maybe nil), source; or nil, nil when unknown.
local function from_config(s, ctx)
  local cfg = cis.dig(s.facts, "kube_proxy", "config")
  if cfg ~= nil then return cfg.metricsBindAddress or "", "config file" end
  if not ctx.has_objects("configmaps") then return nil, nil end
  for _, cm in ipairs(ctx.objects("configmaps")) do
    if cis.dig(cm, "metadata", "namespace") == "kube-system"
        and cis.dig(cm, "metadata", "name") == "kube-proxy" then
      local text = cis.dig(cm, "data", "config.conf")
      if text ~= nil then
        local v = ("\n" .. text):match("\nmetricsBindAddress:[ \t]*([^\n]*)")
        v = v and v:gsub("%s+$", ""):gsub("^[\"']", ""):gsub("[\"']$", "") or ""
        return v, "ConfigMap kube-system/kube-proxy"
      end
    end
  end
  return nil, nil
end

return {
  api = 1,
  id = "cis-k8s/4.3.1",
  title = {
    en = "kube-proxy metrics endpoint is bound to localhost",
    zh = "kube-proxy 指标接口仅监听本地回环地址（metricsBindAddress）",
  },
  severity = "medium",
  scope = "node",
  requires = { "processes" },
  applies = function(s) return s.roles.virtual ~= true end,
  baselines = {
    cis = { control = "4.3.1", scored = true },
    mlps = { control = "8.1.4.4 b)" },
  },
  impact = {
    en = "A metrics endpoint on every interface exposes the node's Service topology and kube-proxy "
      .. "internals to the network.",
    zh = "指标接口监听所有网卡时，会把节点上的 Service 拓扑及 kube-proxy 内部信息暴露到网络上。",
  },
  remediation = {
    en = "Set metricsBindAddress: 127.0.0.1:10249 in the kube-proxy configuration (kubeadm: the "
      .. "kube-system/kube-proxy ConfigMap, then restart the kube-proxy Pods), or remove "
      .. "--metrics-bind-address from its command line.",
    zh = "在 kube-proxy 配置中设置 metricsBindAddress: 127.0.0.1:10249（kubeadm 集群修改 "
      .. "kube-system/kube-proxy ConfigMap 后重建 kube-proxy Pod），或删除启动参数中的 --metrics-bind-address。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 4.3.1" },
  tags = { "kube-proxy" },
  check = function(s, ctx)
    local argv = cis.argv(s, "kube-proxy")
    if argv == nil then
      return ctx.na(cis.msg("kube-proxy does not run on this node", "kube-proxy 未在本节点运行"))
    end
    local v, source = ctx.flag(argv, "metrics-bind-address"), "flag"
    if v == nil then
      local config = ctx.flag(argv, "config")
      if config ~= nil then
        v, source = from_config(s, ctx)
        if source == nil then
          return ctx.error(cis.msg("kube-proxy reads " .. config .. ", which was not collected "
            .. "(facts.kube_proxy), and the kube-system/kube-proxy ConfigMap is not in the snapshot",
            "kube-proxy 读取的配置文件 " .. config .. " 未被采集（facts.kube_proxy），快照中也没有 "
            .. "kube-system/kube-proxy ConfigMap"))
        end
      end
    end
    local evidence = { actual = v or "unset", source = source, expected = "127.0.0.1" }
    if v == nil or v == "" then
      return ctx.pass(cis.msg("metricsBindAddress not set"
        .. (source ~= "flag" and (" (" .. source .. ")") or "")
        .. ": the default 127.0.0.1:10249 applies",
        "未设置 metricsBindAddress" .. (source ~= "flag" and ("（" .. cis.src_zh(source) .. "）") or "")
        .. "：使用默认值 127.0.0.1:10249"), evidence)
    end
    local host = v:match("^%[(.*)%]:%d+$") or v:match("^(.*):%d+$") or v
    if LOOPBACK[host] then
      return ctx.pass(cis.msg("metricsBindAddress " .. v .. " (" .. source .. ")",
        "metricsBindAddress 为 " .. v .. "（" .. cis.src_zh(source) .. "），仅监听本地回环地址"), evidence)
    end
    return ctx.fail(cis.msg("metricsBindAddress " .. v .. " (" .. source .. "), expected 127.0.0.1",
      "metricsBindAddress 为 " .. v .. "（" .. cis.src_zh(source) .. "），应为 127.0.0.1"), evidence)
  end,
}
