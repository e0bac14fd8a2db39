-- 等保 8.1.4.9 c) (BR-03; Kubernetes: >= 3 etcd members, >= 2 API servers): the control plane
-- is redundant (hot redundancy of the important data-processing system).
--
-- Semantics (cluster):
--   * managed control plane (ack-managed): na — the provider runs it highly available;
--   * control-plane nodes = Nodes labelled node-role.kubernetes.io/control-plane (or master);
--     etcd members = the --initial-cluster entries of the etcd processes in their host facts;
--   * pass when control-plane nodes >= min_control_plane (3) and, when etcd facts exist, the
--     etcd member count is odd and >= min_control_plane;
--   * fail when fewer; manual when no control-plane node is visible (external control plane).
local mlps = require("mlps")

local function is_cp(n)
  local l = n.metadata.labels or {}
  return l["node-role.kubernetes.io/control-plane"] ~= nil or l["node-role.kubernetes.io/master"] ~= nil
end

return {
  api = 1,
  id = "mlps-l3/control-plane-redundancy",
  title = {
    en = "The control plane and etcd are redundant (at least 3 members)",
    zh = "控制面与 etcd 热冗余（至少 3 个成员）",
  },
  severity = "medium",
  scope = "cluster",
  requires = { "objects.nodes" },
  baselines = { mlps = { control = "8.1.4.9 c)" } },
  params = {
    min_control_plane = { default = 3, description = "control-plane nodes / etcd members required" },
  },
  impact = {
    en = "With one or two control-plane nodes, losing one stops the API server or leaves etcd "
      .. "without quorum: no deployments, no scaling, no recovery (8.1.4.9 c) hot redundancy).",
    zh = "只有一到两个控制面节点时，任一节点故障都会导致 API Server 不可用或 etcd 失去多数派：无法发布、扩缩容与恢复"
      .. "（8.1.4.9 c) 热冗余）。",
  },
  remediation = {
    en = "Run 3 (or 5) control-plane nodes across zones behind a load-balanced endpoint: "
      .. "`kubeadm join <endpoint> --control-plane --certificate-key <key>` for each new node "
      .. "(the cluster needs controlPlaneEndpoint set), and check `etcdctl member list`. Managed "
      .. "clusters (ACK Pro) are highly available by design.",
    zh = "在多个可用区部署 3 个（或 5 个）控制面节点，并通过负载均衡地址访问：对每个新节点执行 `kubeadm join "
      .. "<地址> --control-plane --certificate-key <key>`（集群需设置 controlPlaneEndpoint），并用 `etcdctl member "
      .. "list` 核对。托管集群（ACK Pro）本身为高可用。",
  },
  references = { "GB/T 22239-2019 8.1.4.9 c)", "GB/T 28448-2019 L3-CES1-31" },
  tags = { "availability", "control-plane", "etcd" },
  check = function(s, ctx)
    if mlps.managed(s) then
      return ctx.na(mlps.msg("managed control plane (" .. tostring(s.flavour) .. "): run highly "
        .. "available by the provider",
        "托管控制面（" .. tostring(s.flavour) .. "）：由云服务商保证高可用"))
    end
    local want = ctx.param("min_control_plane")
    local cps, members = {}, nil
    for _, n in ipairs(ctx.objects("nodes")) do
      if is_cp(n) then
        local name = tostring(n.metadata.name)
        cps[#cps + 1] = name
        local argv = mlps.argv(ctx.node_facts(name), "etcd")
        local initial = argv and ctx.flag(argv, "initial-cluster")
        if initial ~= nil then
          local count = 0
          for _ in tostring(initial):gmatch("[^,]+") do count = count + 1 end
          members = math.max(members or 0, count)
        end
      end
    end
    table.sort(cps)
    local evidence = { control_plane_nodes = cps, etcd_members = members,
                       actual = #cps .. " control-plane nodes" .. (members and (", " .. members .. " etcd members") or ""),
                       expected = ">= " .. want .. " control-plane nodes, odd etcd member count" }
    if #cps == 0 then
      return ctx.manual(mlps.msg("no control-plane node is visible (external or hosted control "
        .. "plane); verify its redundancy: number of API servers and etcd members, and the load "
        .. "balancer",
        "集群中看不到控制面节点（外部或托管控制面）；请核查其冗余：API Server 和 etcd 成员的数量，"
        .. "以及前端负载均衡"), evidence)
    end
    if #cps < want then
      return ctx.fail(mlps.msg(string.format("%d control-plane node%s (%s): expected at least %d",
        #cps, #cps == 1 and "" or "s", mlps.join(cps), want),
        string.format("仅有 %d 个控制面节点（%s）：应至少 %d 个，不满足关键节点冗余要求", #cps,
        mlps.join(cps), want)), evidence)
    end
    if members ~= nil and (members < want or members % 2 == 0) then
      return ctx.fail(mlps.msg(string.format("etcd has %d member%s: expected an odd number, at "
        .. "least %d", members, members == 1 and "" or "s", want),
        string.format("etcd 有 %d 个成员：应为奇数且至少 %d 个", members, want)), evidence)
    end
    return ctx.pass(mlps.msg(string.format("%d control-plane nodes (%s)%s", #cps, mlps.join(cps),
      members and string.format(", %d etcd members", members) or ""),
      string.format("%d 个控制面节点（%s）%s", #cps, mlps.join(cps),
      members and string.format("，%d 个 etcd 成员", members) or "")), evidence)
  end,
}
