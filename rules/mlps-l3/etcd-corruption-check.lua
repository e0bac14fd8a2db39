-- 等保 8.1.4.7 b) (integrity of stored data): etcd verifies the integrity of its data.
--
-- Semantics (control-plane nodes running etcd, etcd argv): etcd checksums its database; the
-- corruption checks compare members' hashes before serving (initial) and periodically. Pass when
-- --experimental-initial-corrupt-check=true, --experimental-corrupt-check-time is set (> 0), or
-- (etcd 3.6) --feature-gates enables InitialCorruptCheck; warn otherwise (a corrupted member
-- would serve wrong data silently). No etcd process: na (external etcd).
local mlps = require("mlps")
local k8s = require("k8s")

return {
  api = 1,
  id = "mlps-l3/etcd-corruption-check",
  title = {
    en = "etcd checks its stored data for corruption",
    zh = "etcd 已启用数据损坏校验（存储完整性）",
  },
  severity = "low",
  scope = "node",
  requires = { "processes" },
  applies = function(s) return s.roles.control_plane == true end,
  baselines = { mlps = { control = "8.1.4.7 b)" } },
  impact = {
    en = "A member with a corrupted database keeps serving wrong cluster state unless etcd "
      .. "compares hashes across members; 8.1.4.7 b) asks for integrity checks of stored data.",
    zh = "etcd 成员数据库损坏后，若不比对各成员的哈希，会继续提供错误的集群状态；8.1.4.7 b) 要求对存储的重要数据进行完整性校验。",
  },
  remediation = {
    en = "Add `--experimental-initial-corrupt-check=true` and "
      .. "`--experimental-corrupt-check-time=5m` to /etc/kubernetes/manifests/etcd.yaml (etcd "
      .. "3.6: `--feature-gates=InitialCorruptCheck=true`); kubeadm >= 1.27 sets the first. Also "
      .. "verify backups with `etcdctl snapshot status <file>`.",
    zh = "在 /etc/kubernetes/manifests/etcd.yaml 中加入 `--experimental-initial-corrupt-check=true` 与 "
      .. "`--experimental-corrupt-check-time=5m`（etcd 3.6 为 `--feature-gates=InitialCorruptCheck=true`）；"
      .. "kubeadm 1.27 及以上默认设置前者。备份文件用 `etcdctl snapshot status <文件>` 校验。",
  },
  references = { "GB/T 22239-2019 8.1.4.7 b)" },
  tags = { "control-plane", "etcd", "integrity" },
  check = function(s, ctx)
    local argv = mlps.argv(s.facts, "etcd")
    if argv == nil then
      return ctx.na(mlps.msg("no etcd process on this control-plane node (external etcd: check "
        .. "its hosts)", "本控制面节点上没有 etcd 进程（外部 etcd：请在其所在主机上检查）"))
    end
    local initial = ctx.flag(argv, "experimental-initial-corrupt-check")
    local periodic = ctx.flag(argv, "experimental-corrupt-check-time")
    local gates = ctx.flag(argv, "feature-gates")
    local gate = gates ~= nil and tostring(gates):find("InitialCorruptCheck=true", 1, true) ~= nil
    local evidence = { initial_corrupt_check = initial, corrupt_check_time = periodic,
                       actual = "--experimental-initial-corrupt-check=" .. tostring(initial or "unset")
                         .. ", --experimental-corrupt-check-time=" .. tostring(periodic or "unset"),
                       feature_gates = gates, expected = "initial and/or periodic corruption check" }
    local on = {}
    if k8s.is_true(initial) or gate then on[#on + 1] = "initial" end
    local secs = periodic and ctx.parse_duration(periodic)
    if secs ~= nil and secs > 0 then on[#on + 1] = "periodic every " .. periodic end
    if #on > 0 then
      local on_zh = {}
      for _, o in ipairs(on) do
        on_zh[#on_zh + 1] = o == "initial" and "启动时校验"
          or ("定期校验（间隔 " .. tostring(periodic) .. "）")
      end
      return ctx.pass(mlps.msg("etcd corruption check: " .. table.concat(on, ", "),
        "etcd 数据完整性校验已启用：" .. table.concat(on_zh, "，")), evidence)
    end
    return ctx.warn(mlps.msg("etcd runs without corruption checks "
      .. "(--experimental-initial-corrupt-check, --experimental-corrupt-check-time)",
      "etcd 未启用数据完整性校验（--experimental-initial-corrupt-check、"
      .. "--experimental-corrupt-check-time）"), evidence)
  end,
}
