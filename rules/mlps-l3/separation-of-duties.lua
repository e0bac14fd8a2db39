-- 等保 8.1.4.2 d) (AC-11) and 8.1.5.1-8.1.5.3: 三权分立 — system, security and audit
-- administration are held by different identities.
--
-- Semantics (the cluster's RBAC; host accounts are named in the guidance):
--   * human subjects (User/Group not named system:*) of (Cluster)RoleBindings are classified by
--     the role they get: system administrator (full-admin role: * on *), security administrator
--     (can write RBAC or NetworkPolicies without being full admin), auditor (read-only role).
--   * pass when all three kinds exist and no identity holds two of them.
--   * warn when a kind is missing or one identity holds several (the message names which);
--     administration through the system:masters certificate (kubeadm admin.conf) cannot be
--     separated or revoked, so it does not count as a system-administrator identity.
--   The host side (separate OS accounts for system, security and audit admins, e.g. ack_admin,
--   ack_security, ack_audit on ACK 等保 nodes) needs interviews and documents: see remediation.
local rbac = require("rbac")
local mlps = require("mlps")

local KINDS = { "system", "security", "audit" }
local LABEL = { system = "system administrator", security = "security administrator",
                audit = "auditor" }
local LABEL_ZH = { system = "系统管理员", security = "安全管理员", audit = "审计管理员" }

return {
  api = 1,
  id = "mlps-l3/separation-of-duties",
  title = {
    en = "Separation of duties (三权分立): system, security and audit administrators are distinct",
    zh = "三权分立：系统管理员、安全管理员、审计管理员相互分离",
  },
  severity = "medium",
  scope = "cluster",
  requires = { "objects.clusterrolebindings", "objects.rolebindings", "objects.clusterroles",
               "objects.roles" },
  baselines = { mlps = { control = "8.1.4.2 d)" } },
  impact = {
    en = "When one identity administers the system, its security policy and the audit trail, "
      .. "nobody can detect or stop misuse by that identity; 等保 三级 requires the three roles "
      .. "to be separate (8.1.4.2 d), 8.1.5.1-8.1.5.3).",
    zh = "同一身份同时负责系统管理、安全策略与审计时，其滥用无人能够发现或制止；等保三级要求三类管理员相互分离"
      .. "（8.1.4.2 d)、8.1.5.1-8.1.5.3）。",
  },
  remediation = {
    en = "Cluster: bind three groups from the identity provider — platform admins (a scoped "
      .. "admin ClusterRole, not system:masters), security admins (write access to "
      .. "rbac.authorization.k8s.io, networking.k8s.io NetworkPolicies, admission policies, "
      .. "namespace PSA labels) and auditors (get/list/watch only, no secrets) — e.g. `kubectl "
      .. "create clusterrolebinding auditors --clusterrole=view --group=oidc:auditors`; keep "
      .. "admin.conf (system:masters) for break-glass. Nodes: create separate accounts for the "
      .. "system, security and audit administrators (ACK 等保 nodes: ack_admin, ack_security, "
      .. "ack_audit) with different sudo scopes, `auth required pam_wheel.so use_uid` in "
      .. "/etc/pam.d/su, and give the auditor read access to /var/log/audit (log_group in "
      .. "auditd.conf) without rights to stop auditd. Keep the role assignment document as "
      .. "evidence.",
    zh = "集群：从身份提供方绑定三组身份——平台管理员（受限的管理 ClusterRole，而非 system:masters）、"
      .. "安全管理员（可写 rbac.authorization.k8s.io、networking.k8s.io 的 NetworkPolicy、准入策略与命名空间 "
      .. "PSA 标签）、审计员（仅 get/list/watch，不含 secrets），如 `kubectl create clusterrolebinding "
      .. "auditors --clusterrole=view --group=oidc:auditors`；admin.conf（system:masters）仅作应急使用。"
      .. "节点：为系统管理员、安全管理员、审计管理员分别创建账户（ACK 等保加固节点为 ack_admin、ack_security、"
      .. "ack_audit），sudo 权限各不相同，在 /etc/pam.d/su 中加入 `auth required pam_wheel.so use_uid`，"
      .. "审计员可读 /var/log/audit（auditd.conf 中的 log_group）但无权停止 auditd。保留岗位职责文件作为证据。",
  },
  references = { "GB/T 22239-2019 8.1.4.2 d)", "GB/T 22239-2019 8.1.5.1-8.1.5.3" },
  tags = { "rbac", "separation-of-duties" },
  check = function(s, ctx)
    local idx = rbac.index_roles(ctx.objects("clusterroles"), ctx.objects("roles"))
    local by_kind = { system = {}, security = {}, audit = {} }
    local kinds_of = {}
    local function add(kind, key)
      if by_kind[kind][key] then return end
      by_kind[kind][key] = true
      kinds_of[key] = kinds_of[key] or {}
      kinds_of[key][#kinds_of[key] + 1] = kind
    end
    for _, list in ipairs({ ctx.objects("clusterrolebindings"), ctx.objects("rolebindings") }) do
      for _, b in ipairs(list) do
        local role = rbac.role_of(idx, b)
        if role ~= nil then
          for _, sub in ipairs(b.subjects or {}) do
            if rbac.is_human(sub) then
              local key = rbac.subject_key(sub)
              if rbac.full_admin(role) then add("system", key)
              elseif rbac.security_admin(role) then add("security", key)
              elseif rbac.read_only(role) then add("audit", key) end
            end
          end
        end
      end
    end
    local evidence, missing, lines, missing_zh, lines_zh = {}, {}, {}, {}, {}
    for _, k in ipairs(KINDS) do
      local names = {}
      for key in pairs(by_kind[k]) do names[#names + 1] = key end
      table.sort(names)
      evidence[k .. "_admins"] = names
      if #names == 0 then
        missing[#missing + 1] = LABEL[k]
        missing_zh[#missing_zh + 1] = LABEL_ZH[k]
      end
      lines[#lines + 1] = LABEL[k] .. ": " .. (#names > 0 and mlps.join(names) or "none")
      lines_zh[#lines_zh + 1] = LABEL_ZH[k] .. "：" .. (#names > 0 and mlps.join(names) or "无")
    end
    local shared = {}
    for key, ks in pairs(kinds_of) do
      if #ks > 1 then shared[#shared + 1] = key .. " (" .. table.concat(ks, "+") .. ")" end
    end
    table.sort(shared)
    evidence.shared = shared
    evidence.expected = "distinct system, security and audit administrator identities"
    evidence.actual = table.concat(lines, "; ")
    local host = "; also verify separate system/security/audit accounts on the nodes"
    local host_zh = "；另请核查节点操作系统上也分别设置了系统管理员、安全管理员和审计管理员账户"
    if #missing > 0 or #shared > 0 then
      local parts, parts_zh = {}, {}
      if #missing > 0 then
        parts[#parts + 1] = "no " .. table.concat(missing, ", no ") .. " identity bound in RBAC"
        parts_zh[#parts_zh + 1] = "RBAC 中没有绑定" .. table.concat(missing_zh, "、") .. "身份"
      end
      if #shared > 0 then
        parts[#parts + 1] = "one identity holds several roles: " .. mlps.join(shared)
        parts_zh[#parts_zh + 1] = "同一身份兼任多个管理角色：" .. mlps.join(shared)
      end
      return ctx.warn(mlps.msg(table.concat(parts, "; ") .. " (" .. table.concat(lines, "; ")
        .. "); administration through system:masters certificates cannot be separated" .. host,
        table.concat(parts_zh, "；") .. "（" .. table.concat(lines_zh, "；")
        .. "），未实现三权分立；通过 system:masters 证书进行的管理无法分权" .. host_zh), evidence)
    end
    return ctx.pass(mlps.msg("RBAC separates the roles: " .. table.concat(lines, "; ") .. host,
      "RBAC 已实现三权分立：" .. table.concat(lines_zh, "；") .. host_zh), evidence)
  end,
}
