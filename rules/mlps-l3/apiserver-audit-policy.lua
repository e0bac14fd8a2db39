-- 等保 8.1.4.3 a) (Kubernetes; CIS 3.2.1, 1.2.16): the API server audits requests.
--
-- Semantics (control-plane nodes, kube-apiserver argv):
--   * --audit-policy-file must be set (without it the API server audits nothing), and a backend
--     must be set: --audit-log-path (not "-", stdout) or --audit-webhook-config-file;
--   * when facts.files records the policy file as missing: fail;
--   * pass otherwise. The policy's content (Metadata for secrets, RequestResponse for RBAC
--     changes, pods/exec ...) is not collected: the message says to review it.
local mlps = require("mlps")

return {
  api = 1,
  id = "mlps-l3/apiserver-audit-policy",
  title = {
    en = "The API server audits requests (audit policy and log backend)",
    zh = "kube-apiserver 已启用审计（审计策略与日志后端）",
  },
  severity = "high",
  scope = "node",
  requires = { "processes" },
  applies = function(s) return s.roles.control_plane == true end,
  baselines = {
    cis = { control = "3.2.1", scored = false },
    mlps = { control = "8.1.4.3 a)" },
  },
  impact = {
    en = "Without API audit logging nobody can tell who created, changed, exec'd into or "
      .. "deleted what in the cluster: every user action at the Kubernetes level is unaudited.",
    zh = "未启用 API 审计时，无法得知谁在集群中创建、修改、删除了什么或进入了哪个容器执行命令：Kubernetes 层面的"
      .. "所有用户操作均无审计。",
  },
  remediation = {
    en = "Write /etc/kubernetes/audit-policy.yaml (apiVersion audit.k8s.io/v1; Metadata for "
      .. "secrets, configmaps and tokenreviews; RequestResponse for rbac.authorization.k8s.io "
      .. "and pods/exec, pods/portforward; Metadata as the default) and add to "
      .. "/etc/kubernetes/manifests/kube-apiserver.yaml `--audit-policy-file=/etc/kubernetes/"
      .. "audit-policy.yaml`, `--audit-log-path=/var/log/kubernetes/audit/audit.log` with "
      .. "hostPath mounts for both. ACK: enable cluster auditing (集群审计) in the console.",
    zh = "编写 /etc/kubernetes/audit-policy.yaml（apiVersion audit.k8s.io/v1；secrets、configmaps、"
      .. "tokenreviews 记录 Metadata；rbac.authorization.k8s.io 与 pods/exec、pods/portforward 记录 "
      .. "RequestResponse；默认 Metadata），并在 /etc/kubernetes/manifests/kube-apiserver.yaml 中加入 "
      .. "`--audit-policy-file=/etc/kubernetes/audit-policy.yaml`、`--audit-log-path=/var/log/kubernetes/"
      .. "audit/audit.log`，同时为两者配置 hostPath 挂载。ACK 集群在控制台开启集群审计。",
  },
  references = { "GB/T 22239-2019 8.1.4.3 a)", "CIS Kubernetes Benchmark v1.12 3.2.1, 1.2.16" },
  tags = { "control-plane", "apiserver", "audit" },
  check = function(s, ctx)
    local argv = mlps.argv(s.facts, "kube-apiserver")
    if argv == nil then
      return ctx.error(mlps.msg("kube-apiserver process not found on this control-plane node",
        "在本控制面节点上未找到 kube-apiserver 进程"))
    end
    local policy = ctx.flag(argv, "audit-policy-file")
    local path = ctx.flag(argv, "audit-log-path")
    local webhook = ctx.flag(argv, "audit-webhook-config-file")
    local evidence = { audit_policy_file = policy, audit_log_path = path,
                       actual = "--audit-policy-file=" .. tostring(policy or "unset")
                         .. ", --audit-log-path=" .. tostring(path or "unset"),
                       audit_webhook_config_file = webhook,
                       expected = "--audit-policy-file and --audit-log-path or --audit-webhook-config-file" }
    if policy == nil then
      return ctx.fail(mlps.msg("--audit-policy-file is not set: the API server audits nothing",
        "未设置 --audit-policy-file：API Server 未开启安全审计，不记录任何操作"), evidence)
    end
    local file = s.facts.files and s.facts.files[policy]
    if file ~= nil and file.exists == false then
      return ctx.fail(mlps.msg("the audit policy " .. policy .. " does not exist on the node",
        "审计策略文件 " .. policy .. " 在节点上不存在"), evidence)
    end
    if (path == nil or path == "-") and webhook == nil then
      return ctx.fail(mlps.msg("--audit-policy-file is set but no audit backend is: set "
        .. "--audit-log-path (a file, not -) or --audit-webhook-config-file",
        "已设置 --audit-policy-file，但未配置审计日志输出：应设置 --audit-log-path（文件路径，不能为 -）"
        .. "或 --audit-webhook-config-file"), evidence)
    end
    local backend = path and path ~= "-" and path or ("webhook " .. webhook)
    return ctx.pass(mlps.msg("audit policy " .. policy .. ", log " .. backend
      .. "; review the policy's rules for secrets, RBAC changes and pods/exec",
      "审计策略 " .. policy .. "，审计日志 " .. backend
      .. "；请核查策略是否覆盖 Secret 访问、RBAC 变更和 pods/exec 等重要安全事件"), evidence)
  end,
}
