-- CIS 1.1.1: the kube-apiserver static-pod manifest has mode 600 or stricter.
--
-- Semantics:
--   * control-plane nodes only (s.roles.control_plane); managed control planes have none.
--   * the manifest is the first existing file among the kubeadm/kube-bench candidates.
--   * every candidate recorded as not existing -> na "not a static-pod control plane" (the API
--     server runs as a systemd service or elsewhere; file permissions of its unit are a
--     different control).
--   * no candidate collected at all -> error: an unchecked file must never pass.
--   * mode must grant nothing beyond 0600 (bitmask, as kube-bench: 0400 passes, 0640 fails).
local k8s = require("k8s")

local CANDIDATES = {
  "/etc/kubernetes/manifests/kube-apiserver.yaml",
  "/etc/kubernetes/manifests/kube-apiserver.yml",
  "/etc/kubernetes/manifests/kube-apiserver.manifest",
}

return {
  api = 1,
  id = "cis-k8s/1.1.1",
  title = {
    en = "API server manifest file permissions are 600 or more restrictive",
    zh = "kube-apiserver 静态 Pod 清单文件权限为 600 或更严格",
  },
  severity = "high",
  scope = "node",
  requires = { "files" },
  applies = function(s) return s.roles.control_plane == true end,
  baselines = {
    cis = { control = "1.1.1", scored = true },
    mlps = { control = "8.1.4.2 f)" },
  },
  impact = {
    en = "Anyone who can write the manifest can change API server flags and run arbitrary "
      .. "code as root on the control plane; read access exposes credential paths.",
    zh = "能写入该清单的用户可以修改 API Server 启动参数，并以 root 身份在控制面节点执行任意代码；"
      .. "可读则会泄露证书与密钥路径等敏感配置。",
  },
  remediation = {
    en = "On each control-plane node run: chmod 600 /etc/kubernetes/manifests/kube-apiserver.yaml",
    zh = "在每个控制面（Master）节点执行：chmod 600 /etc/kubernetes/manifests/kube-apiserver.yaml",
  },
  references = { "CIS Kubernetes Benchmark v1.12 1.1.1" },
  tags = { "control-plane", "file-permissions" },
  check = function(s, ctx)
    local state, path, entry = k8s.find_file(s.facts.files, CANDIDATES)
    if state == "absent" then
      return ctx.na("not a static-pod control plane: " .. path .. " does not exist")
    elseif state == "unknown" then
      return ctx.error("the kube-apiserver manifest was not collected (looked for "
        .. k8s.join(CANDIDATES) .. ")")
    end
    return k8s.file_mode_result(ctx, path, entry, "0600")
  end,
}
