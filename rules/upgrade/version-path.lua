-- The control plane moves one minor version at a time (kubeadm: "can upgrade only 1 minor
-- version at a time"; the skew policy: kube-apiserver must not skip minor versions). On ACK
-- the releases are the even minors and every ACK step must be taken (1.12 -> 1.14 -> 1.16 ->
-- 1.18 -> 1.20 ...: "只能一级一级的升级").
--   target below the current version -> fail (downgrades are not supported);
--   target equal -> pass (nothing to upgrade);
--   ACK and an odd target -> fail (no such ACK release);
--   more than one step -> fail, with the path: upgrade step by step, re-running the precheck
--     for each step;
--   one step -> pass.
local up = require("upgrade")

local function path(from, to, ack)
  local steps, m = { up.v(from) }, from
  while m < to do
    local next = m + 1
    if ack and next % 2 == 1 and next < to then next = next + 1 end
    m = math.min(next, to)
    steps[#steps + 1] = up.v(m)
  end
  return steps
end

return {
  api = 1,
  id = "upgrade/version-path",
  title = {
    en = "The target is one supported step from the current version",
    zh = "目标版本与当前版本相差一个受支持的升级步骤",
  },
  severity = "critical",
  scope = "cluster",
  params = {
    target_version = { default = "", description = "the target Kubernetes version (set by kpatrol precheck --to)" },
  },
  impact = {
    en = "Skipping a minor version is unsupported: kubeadm refuses it, ACK offers only the next "
      .. "release, and API storage migrations and skew guarantees assume single steps.",
    zh = "跨次版本升级不受支持：kubeadm 会拒绝，ACK 只提供下一个版本；API 存储迁移与版本偏差保证都以逐级升级为前提。",
  },
  remediation = {
    en = "Upgrade one step at a time along the printed path (control plane, then nodes), and run "
      .. "`kpatrol precheck --to <next step>` before each step.",
    zh = "按输出的升级路径逐级升级（先控制面，后节点），每一步之前执行 `kpatrol precheck --to <下一版本>`。",
  },
  tags = { "upgrade", "version" },
  check = function(s, ctx)
    local target, why = up.target(ctx)
    if target == nil then return ctx.na(why) end
    local current = up.minor(s.version)
    if current == nil then
      return ctx.error("the cluster version is unknown ('" .. tostring(s.version) .. "')")
    end
    local ack = tostring(s.flavour):sub(1, 3) == "ack"
    local evidence = { current = s.version, target = up.v(target), flavour = s.flavour }
    if target < current then
      return ctx.fail(string.format("%s is older than the cluster (%s): downgrades are not supported",
        up.v(target), s.version), evidence)
    end
    if target == current then
      return ctx.pass(string.format("the cluster is already at %s", up.v(current)), evidence)
    end
    if ack and target % 2 == 1 then
      return ctx.fail(string.format("ACK has no %s release: ACK versions are the even minors (%s or %s)",
        up.v(target), up.v(target - 1), up.v(target + 1)), evidence)
    end
    local steps = path(current, target, ack)
    evidence.path = table.concat(steps, " -> ")
    if #steps > 2 then
      return ctx.fail(string.format("%s → %s skips a minor version: upgrade %s one step at a time "
        .. "(run `kpatrol precheck --to %s` for the first step)", up.v(current), up.v(target),
        table.concat(steps, " → "), steps[2]), evidence)
    end
    return ctx.pass(string.format("one step: %s → %s", up.v(current), up.v(target)), evidence)
  end,
}
