-- 等保 8.1.4.7 a) and 8.1.4.8 a) (Kubernetes; CIS 2.1-2.6): etcd, which stores all cluster data
-- including Secrets, talks only mutually-authenticated TLS to clients and peers.
--
-- Semantics (control-plane nodes running etcd, etcd argv):
--   * clients: --cert-file, --key-file, --client-cert-auth=true, --trusted-ca-file; every
--     --listen-client-urls and --advertise-client-urls entry https:// (http on 127.0.0.1 is not
--     accepted either: any local process could read etcd);
--   * peers (when there are peer URLs): --peer-cert-file, --peer-key-file,
--     --peer-client-cert-auth=true, --peer-trusted-ca-file; --listen-peer-urls https://;
--   * --auto-tls and --peer-auto-tls not true (self-signed, unauthenticated).
--   Any gap fails with the list. No etcd process on a control-plane node: na (external etcd —
--   check it on its hosts).
local mlps = require("mlps")
local k8s = require("k8s")

return {
  api = 1,
  id = "mlps-l3/etcd-tls",
  title = {
    en = "etcd uses mutual TLS for clients and peers",
    zh = "etcd 客户端与节点间通信使用双向 TLS 认证加密",
  },
  severity = "high",
  scope = "node",
  requires = { "processes" },
  applies = function(s) return s.roles.control_plane == true end,
  baselines = {
    cis = { control = "2.1", scored = true },
    mlps = { control = "8.1.4.7 a)" },
  },
  impact = {
    en = "etcd holds every object of the cluster, Secrets included; without mutual TLS anyone "
      .. "who reaches port 2379/2380 can read or rewrite the cluster state.",
    zh = "etcd 存储集群全部对象（包括 Secret）；没有双向 TLS 时，任何能访问 2379/2380 端口的人都可以读取或篡改集群状态。",
  },
  remediation = {
    en = "In /etc/kubernetes/manifests/etcd.yaml set --cert-file, --key-file, "
      .. "--client-cert-auth=true, --trusted-ca-file, --peer-cert-file, --peer-key-file, "
      .. "--peer-client-cert-auth=true, --peer-trusted-ca-file (kubeadm: /etc/kubernetes/pki/"
      .. "etcd/), use https:// in all listen/advertise URLs and remove --auto-tls / "
      .. "--peer-auto-tls.",
    zh = "在 /etc/kubernetes/manifests/etcd.yaml 中设置 --cert-file、--key-file、--client-cert-auth=true、"
      .. "--trusted-ca-file、--peer-cert-file、--peer-key-file、--peer-client-cert-auth=true、"
      .. "--peer-trusted-ca-file（kubeadm 位于 /etc/kubernetes/pki/etcd/），所有 listen/advertise URL 使用 "
      .. "https://，并去掉 --auto-tls 与 --peer-auto-tls。",
  },
  references = { "GB/T 22239-2019 8.1.4.7 a), 8.1.4.8 a)", "CIS Kubernetes Benchmark v1.12 2.1-2.6" },
  tags = { "control-plane", "etcd", "tls" },
  check = function(s, ctx)
    local argv = mlps.argv(s.facts, "etcd")
    if argv == nil then
      return ctx.na(mlps.msg("no etcd process on this control-plane node (external etcd: check "
        .. "its hosts)", "本控制面节点上没有 etcd 进程（外部 etcd：请在其所在主机上检查）"))
    end
    local bad = {}
    local function need(flag)
      if ctx.flag(argv, flag) == nil then bad[#bad + 1] = "--" .. flag .. " not set" end
    end
    local function must_true(flag)
      local v = ctx.flag(argv, flag)
      if not k8s.is_true(v) then bad[#bad + 1] = "--" .. flag .. "=" .. tostring(v or "unset (false)") end
    end
    local function https(flag)
      for _, url in ipairs(k8s.split_csv(ctx.flag(argv, flag))) do
        if not k8s.starts_with(url, "https://") then bad[#bad + 1] = "--" .. flag .. " " .. url end
      end
    end
    need("cert-file") need("key-file") need("trusted-ca-file") must_true("client-cert-auth")
    https("listen-client-urls") https("advertise-client-urls")
    local peers = ctx.flag(argv, "listen-peer-urls") or ctx.flag(argv, "initial-advertise-peer-urls")
    if peers ~= nil then
      need("peer-cert-file") need("peer-key-file") need("peer-trusted-ca-file")
      must_true("peer-client-cert-auth")
      https("listen-peer-urls") https("initial-advertise-peer-urls")
    end
    for _, flag in ipairs({ "auto-tls", "peer-auto-tls" }) do
      if k8s.is_true(ctx.flag(argv, flag)) then bad[#bad + 1] = "--" .. flag .. "=true (self-signed)" end
    end
    local evidence = { problems = bad, actual = #bad > 0 and table.concat(bad, "; ") or "mutual TLS",
                       expected = "client and peer TLS with certificate authentication" }
    if #bad > 0 then
      return ctx.fail(mlps.msg(table.concat(bad, "; "),
        "etcd 通信未完整启用双向 TLS 认证：" .. table.concat(bad, "；")), evidence)
    end
    return ctx.pass(mlps.msg("client and peer traffic over https with client-certificate "
      .. "authentication", "etcd 客户端和节点间通信均使用 HTTPS 并校验客户端证书（双向 TLS）"), evidence)
  end,
}
