-- 等保 8.1.4.2 d) (least privilege; CIS 5.1.1): cluster-admin is bound only to the identities
-- that must have it.
--
-- Semantics: every subject of every ClusterRoleBinding (cluster-wide) and RoleBinding
-- (namespaced) whose roleRef is the ClusterRole cluster-admin; subjects in `allowed` (default:
-- Group:system:masters, the kubeadm break-glass group) are expected. Any other subject fails,
-- listed as "<kind>:<name> via <binding>".
local rbac = require("rbac")
local mlps = require("mlps")

return {
  api = 1,
  id = "mlps-l3/cluster-admin-bindings",
  title = {
    en = "cluster-admin is bound only to the break-glass group",
    zh = "cluster-admin 仅授予应急管理组（最小权限）",
  },
  severity = "high",
  scope = "cluster",
  requires = { "objects.clusterrolebindings", "objects.rolebindings" },
  baselines = {
    cis = { control = "5.1.1", scored = false },
    mlps = { control = "8.1.4.2 d)" },
  },
  params = {
    allowed = { default = { "Group:system:masters" },
      description = "subjects (<Kind>:<name>, ServiceAccount:<ns>/<name>) allowed cluster-admin" },
  },
  impact = {
    en = "cluster-admin can do anything, including reading every Secret and rewriting RBAC and "
      .. "audit settings; each extra holder breaks least privilege and the separation of "
      .. "administrator roles (8.1.4.2 d)).",
    zh = "cluster-admin 拥有全部权限，可读取所有 Secret、修改 RBAC 与审计配置；每多一个持有者，都违背最小权限与"
      .. "管理员权限分离（8.1.4.2 d)）。",
  },
  remediation = {
    en = "List the bindings with `kubectl get clusterrolebindings,rolebindings -A -o wide | grep "
      .. "cluster-admin`; replace each extra one with a role scoped to what the subject needs "
      .. "(e.g. `admin` in its namespaces, or a custom ClusterRole), then `kubectl delete "
      .. "clusterrolebinding <name>`. Keep system:masters for break-glass only.",
    zh = "用 `kubectl get clusterrolebindings,rolebindings -A -o wide | grep cluster-admin` 列出绑定；"
      .. "把每个多余的绑定换成满足需要的最小角色（如命名空间内的 admin 或自定义 ClusterRole），然后执行 "
      .. "`kubectl delete clusterrolebinding <名称>`。system:masters 仅用于应急。",
  },
  references = { "GB/T 22239-2019 8.1.4.2 d)", "CIS Kubernetes Benchmark v1.12 5.1.1" },
  tags = { "rbac", "least-privilege" },
  check = function(s, ctx)
    local allowed = ctx.param("allowed")
    local bad, holders = {}, {}
    local function scan(list, kind)
      for _, b in ipairs(list) do
        local ref = b.roleRef or {}
        if ref.kind == "ClusterRole" and ref.name == "cluster-admin" then
          for _, sub in ipairs(b.subjects or {}) do
            local key = rbac.subject_key(sub)
            local via = kind .. " " .. mlps.ref(b)
            holders[#holders + 1] = key .. " via " .. via
            if not mlps.contains(allowed, key) then bad[#bad + 1] = key .. " via " .. via end
          end
        end
      end
    end
    scan(ctx.objects("clusterrolebindings"), "ClusterRoleBinding")
    scan(ctx.objects("rolebindings"), "RoleBinding")
    table.sort(bad)
    table.sort(holders)
    local evidence = { holders = holders, actual = #holders > 0 and mlps.join(holders, "; ") or "none",
                       expected = mlps.join(mlps.list(allowed)) }
    if #bad > 0 then
      return ctx.fail(mlps.msg(string.format("cluster-admin is also bound to %d subject%s: %s",
        #bad, #bad == 1 and "" or "s", mlps.join(bad, "; ")),
        string.format("cluster-admin 超级管理员角色还授予了 %d 个未经许可的主体：%s", #bad,
        mlps.join(bad, "；"))), evidence)
    end
    return ctx.pass(mlps.msg("cluster-admin holders: "
      .. (#holders > 0 and mlps.join(holders, "; ") or "none"),
      "cluster-admin 持有者：" .. (#holders > 0 and mlps.join(holders, "；") or "无")), evidence)
  end,
}
