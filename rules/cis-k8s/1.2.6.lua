-- CIS 1.2.6: kube-apiserver --authorization-mode does not include AlwaysAllow.
--
-- Semantics:
--   * control-plane nodes only; a cluster without control-plane nodes (ACK managed) -> na with
--     the reason on one representative node (lib/cis.lua).
--   * the flags are read from the running process (argv), which is what the server actually
--     uses (the manifest may have been edited since).
--   * no kube-apiserver process on a control-plane node -> error: the control cannot be
--     evaluated, and a check that cannot be evaluated must not pass.
--   * the mode list is split on commas and compared token by token (kube-bench's substring
--     test would also match a hypothetical "AlwaysAllowFoo").
--   * flag absent: if --authorization-config is set (structured authorization, 1.29+), the
--     authorizer chain lives in that file, which is not collected -> manual; otherwise the
--     API server default AlwaysAllow applies -> fail.
local k8s = require("k8s")
local cis = require("cis")

return {
  api = 1,
  id = "cis-k8s/1.2.6",
  title = {
    en = "API server authorization mode is not AlwaysAllow",
    zh = "kube-apiserver 的授权模式不是 AlwaysAllow",
  },
  severity = "critical",
  scope = "node",
  requires = { "processes" },
  applies = cis.cp_applies,
  baselines = {
    cis = { control = "1.2.6", scored = true },
    mlps = { control = "8.1.4.2 a)" },
  },
  impact = {
    en = "With AlwaysAllow every authenticated request is authorized: RBAC is bypassed.",
    zh = "AlwaysAllow 模式下所有通过认证的请求都会被放行，RBAC 权限控制完全失效。",
  },
  remediation = {
    en = "Set --authorization-mode=Node,RBAC in /etc/kubernetes/manifests/kube-apiserver.yaml "
      .. "(or configure an authorizer chain without AlwaysAllow via --authorization-config); "
      .. "the kubelet restarts the API server automatically.",
    zh = "在 /etc/kubernetes/manifests/kube-apiserver.yaml 中设置 --authorization-mode=Node,RBAC"
      .. "（或通过 --authorization-config 配置不含 AlwaysAllow 的授权链），kubelet 会自动重启 API Server。",
  },
  references = { "CIS Kubernetes Benchmark v1.12 1.2.6" },
  tags = { "control-plane", "apiserver", "authorization" },
  check = function(s, ctx)
    if cis.managed(s, ctx) then return cis.managed_na(s, ctx) end
    local argv = k8s.process_argv(s.facts, "kube-apiserver")
    if argv == nil then
      return ctx.error(cis.msg("kube-apiserver process not found on this control-plane node", "在本控制面节点上未找到 kube-apiserver 进程"))
    end
    local mode = ctx.flag(argv, "authorization-mode")
    if mode == nil then
      local config = ctx.flag(argv, "authorization-config")
      if config ~= nil then
        return ctx.manual(cis.msg("authorization is configured in " .. config
          .. " (--authorization-config); verify that no authorizer of type AlwaysAllow is listed",
          "授权通过 " .. config .. "（--authorization-config）配置；请核查其中没有 AlwaysAllow 类型的授权器"))
      end
      return ctx.fail(cis.msg("--authorization-mode is not set; the API server default is "
        .. "AlwaysAllow", "未设置 --authorization-mode；API Server 默认为 AlwaysAllow（不做授权）"),
        { flag = "--authorization-mode", actual = "unset (default AlwaysAllow)",
          expected = "e.g. Node,RBAC" })
    end
    local evidence = { flag = "--authorization-mode", actual = mode,
                       expected = "no AlwaysAllow, e.g. Node,RBAC" }
    if k8s.contains(k8s.split_csv(mode), "AlwaysAllow") then
      return ctx.fail(cis.msg("--authorization-mode=" .. mode .. " includes AlwaysAllow", "--authorization-mode=" .. mode .. " 包含 AlwaysAllow（不做授权）"), evidence)
    end
    return ctx.pass(cis.msg("--authorization-mode=" .. mode, "--authorization-mode=" .. mode .. "，未使用 AlwaysAllow"), evidence)
  end,
}
