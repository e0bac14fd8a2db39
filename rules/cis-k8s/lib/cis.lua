-- Helpers of the CIS Kubernetes Benchmark pack: `local cis = require("cis")`.
--
-- Pure functions of their arguments (no globals, no state). Objects passed in may be read-only
-- snapshot views: they are only indexed and iterated, never modified or sorted.
--
-- Managed control planes. Node-scope control-plane rules apply to control-plane nodes
-- (s.roles.control_plane). A cluster without any control-plane node (ACK managed, EKS, GKE, ...)
-- has no such subject, so the rule would vanish from the report. Rules therefore also apply to
-- one representative node of such a cluster (the first node in document order that has host
-- facts) and return `na` with the reason there (cis.managed_na). Node
-- rules cannot see the snapshot's flavour (only cluster-scope subjects carry s.flavour), so ACK
-- is recognised from the Node objects: kubelet versions built by Alibaba Cloud ("-aliyun") or
-- the node-pool labels ACK puts on every node.
local M = {}

M.ACK_MANAGED_REASON = "control plane managed by Alibaba Cloud ACK; not inspectable from the cluster"
M.ACK_MANAGED_REASON_ZH = "控制面由阿里云 ACK 托管，无法从集群内检查"
M.MANAGED_REASON = "no control-plane node is part of this cluster (managed or external control "
  .. "plane): not inspectable from the cluster"
M.MANAGED_REASON_ZH = "集群中没有控制面节点（托管或外部控制面），无法从集群内检查"

-- ---------------------------------------------------------------------------------------------
-- Bilingual messages. ctx.pass/fail/warn/na/manual/error take a string or { en = ..., zh = ... };
-- a message without `zh` is shown in English in Chinese reports too. The phrases the generic
-- checks below get from rule specs (`what`, `absent`, `ack`, `expected`, `default`) are
-- translated through ZH; an untranslated phrase stays English inside the Chinese sentence.

function M.msg(en, zh) return { en = en, zh = zh or en } end

local ZH = {
  ["etcd manifest or configuration file"] = "etcd 静态 Pod 清单或配置文件",
  ["kube-apiserver manifest"] = "kube-apiserver 静态 Pod 清单",
  ["kube-controller-manager kubeconfig"] = "kube-controller-manager 的 kubeconfig 文件",
  ["kube-controller-manager manifest"] = "kube-controller-manager 静态 Pod 清单",
  ["kube-scheduler kubeconfig"] = "kube-scheduler 的 kubeconfig 文件",
  ["kube-scheduler manifest"] = "kube-scheduler 静态 Pod 清单",
  ["that an authorizer of type Node is listed"] = "其中配置了 Node 类型的授权器",
  ["that an authorizer of type RBAC is listed"] = "其中配置了 RBAC 类型的授权器",
  ["etcd does not run from a static-pod manifest or config file on this node"] =
    "本节点的 etcd 不是通过静态 Pod 清单或配置文件运行的",
  ["kube-controller-manager uses no kubeconfig file here"] =
    "本节点的 kube-controller-manager 未使用 kubeconfig 文件",
  ["kube-scheduler uses no kubeconfig file here"] = "本节点的 kube-scheduler 未使用 kubeconfig 文件",
  ["not a static-pod control plane"] = "控制面组件不是以静态 Pod 方式部署",
  ["the ACK benchmark has no DenyServiceExternalIPs control"] =
    "ACK 基准中没有 DenyServiceExternalIPs 检查项",
  ["the ACK benchmark has no anonymous-auth control"] = "ACK 基准中没有 anonymous-auth 检查项",
  ["the ACK benchmark has no control for this flag"] = "ACK 基准中没有针对该参数的检查项",
  ["the ACK benchmark has no kubelet-certificate-authority control"] =
    "ACK 基准中没有 kubelet-certificate-authority 检查项",
  ["the ACK benchmark accepts 644 for admin.conf"] = "ACK 基准允许 admin.conf 的权限为 644",
  ["the ACK benchmark accepts 644 for the kubelet service file"] =
    "ACK 基准允许 kubelet 服务文件的权限为 644",
  ["the ACK benchmark allows the static-RSA GCM suites"] = "ACK 基准允许静态 RSA 的 GCM 套件",
  ["the ACK benchmark expects 0"] = "ACK 基准要求该值为 0",
  ["AlwaysPullImages is off by default"] = "AlwaysPullImages 默认未启用",
  ["DenyServiceExternalIPs is off by default"] = "DenyServiceExternalIPs 默认未启用",
  ["EventRateLimit is off by default"] = "EventRateLimit 默认未启用",
  ["NodeRestriction is not in the default set"] = "NodeRestriction 不在默认启用的插件中",
  ["false (every controller shares the controller manager's own credentials)"] =
    "false（所有控制器共用 controller-manager 自身的凭据）",
  ["the default is AlwaysAllow"] = "默认为 AlwaysAllow",
  ["true (anonymous requests allowed)"] = "true（允许匿名请求）",
  ["true (projected tokens are extended to one year)"] = "true（投射令牌有效期会被延长到一年）",
  ["a CA file"] = "CA 文件",
  ["a CA used only by etcd"] = "etcd 专用的 CA",
  ["a dedicated etcd CA"] = "etcd 专用的 CA",
  ["a policy file"] = "审计策略文件",
  ["false or unset"] = "false 或不设置",
  ["e.g. Node,RBAC"] = "如 Node,RBAC",
  ["no AlwaysAllow, e.g. Node,RBAC"] = "不含 AlwaysAllow，如 Node,RBAC",
  ["at least 1"] = "至少 1",
  ["CNI files"] = "CNI 配置文件",
  ["admin kubeconfig"] = "管理员 kubeconfig 文件",
  ["PKI files"] = "PKI 目录下的文件",
  ["PKI certificates"] = "PKI 证书文件",
  ["PKI private keys"] = "PKI 私钥文件",
  ["kubelet service files"] = "kubelet 服务文件",
  ["owned by root:root"] = "属主为 root:root",
  ["mode 0644 or stricter"] = "权限不宽于 0644",
  ["mode 0600 or stricter"] = "权限不宽于 0600",
}
-- The Chinese name of a ctx.effective source ("flag", "config", "default").
local SOURCE_ZH = { flag = "启动参数", config = "配置文件", default = "默认值" }
function M.src_zh(source)
  return SOURCE_ZH[source] or tostring(source)
end

-- The Chinese of a phrase from a rule spec (the phrase itself when there is none).
-- Phrases translated inside longer texts (reasons rules build from parts), in this order.
local PHRASES = {
  { "kube-proxy runs as a Pod and reads its kubeconfig from a ConfigMap/volume, not from a host "
    .. "file", "kube-proxy 以 Pod 方式运行，从 ConfigMap/卷读取 kubeconfig，而不是主机上的文件" },
  { "kube-proxy does not run on this node", "kube-proxy 未在本节点运行" },
  { " (kubeconfig.conf of the kube-system/kube-proxy ConfigMap)",
    "（kube-system/kube-proxy ConfigMap 中的 kubeconfig.conf）" },
  { "the kube-proxy kubeconfig was not collected (looked for ", "未采集到 kube-proxy 的 kubeconfig（查找了 " },
  { "the kube-proxy kubeconfig ", "kube-proxy 的 kubeconfig " },
  { " is not on the host: ", " 不在主机上：" },
  { " was not collected", " 未被采集" },
}

function M.zh(text)
  if text == nil then return nil end
  if ZH[text] ~= nil then return ZH[text] end
  local out, hit = tostring(text), false
  for _, p in ipairs(PHRASES) do
    local i = out:find(p[1], 1, true)
    if i ~= nil then
      out = out:sub(1, i - 1) .. p[2] .. out:sub(i + #p[1])
      hit = true
    end
  end
  if hit then return (out:gsub("%)$", "）")) end
  local head, note = tostring(text):match("^(.-) %[ACK deviation: (.-)%]$")
  if head ~= nil then return M.zh(head) .. "（ACK 基准差异：" .. M.zh(note) .. "）" end
  return text
end

local function dig(v, ...)
  local keys = { ... }
  for i = 1, #keys do
    if type(v) ~= "table" and type(v) ~= "userdata" then return nil end
    v = v[keys[i]]
    if v == nil then return nil end
  end
  return v
end
M.dig = dig

function M.join(list, sep)
  local parts = {}
  for i, v in ipairs(list or {}) do parts[i] = tostring(v) end
  return table.concat(parts, sep or ", ")
end

function M.contains(list, value)
  for _, v in ipairs(list or {}) do
    if v == value then return true end
  end
  return false
end

function M.split_csv(value)
  local out = {}
  if value == nil then return out end
  for token in tostring(value):gmatch("[^,]+") do
    local t = token:match("^%s*(.-)%s*$")
    if t ~= "" then out[#out + 1] = t end
  end
  return out
end

function M.is_true(v)
  return v == true or (type(v) == "string" and v:lower() == "true")
end

function M.is_false(v)
  return v == false or (type(v) == "string" and v:lower() == "false")
end

function M.count(t)
  local n = 0
  if t == nil then return 0 end
  for _ in pairs(t) do n = n + 1 end
  return n
end

-- "1 role", "3 roles"
function M.plural_roles(n)
  return string.format("%d role%s", n, n == 1 and "" or "s")
end

-- Messages show at most `n` items, then "and N more".
function M.shorten(list, n)
  n = n or 10
  if #list <= n then return M.join(list) end
  local head = {}
  for i = 1, n do head[i] = list[i] end
  return M.join(head) .. string.format(" and %d more", #list - n)
end

-- ---------------------------------------------------------------------------------------------
-- Cluster flavour

local function node_is_ack(node)
  local v = dig(node, "status", "nodeInfo", "kubeletVersion")
  if type(v) == "string" and v:find("aliyun", 1, true) then return true end
  local labels = dig(node, "metadata", "labels")
  if labels ~= nil then
    if labels["alibabacloud.com/nodepool-id"] ~= nil or labels["ack.aliyun.com"] ~= nil then
      return true
    end
  end
  return false
end

-- Whether the cluster is an Alibaba Cloud ACK cluster (managed or dedicated).
function M.is_ack(s, ctx)
  local flavour = s.flavour or dig(s, "cluster", "flavour")
  if type(flavour) == "string" and flavour ~= "unknown" and flavour ~= "" then
    return flavour:sub(1, 3) == "ack"
  end
  if s.scope == "node" and s.object ~= nil then return node_is_ack(s.object) end
  if ctx.has_objects("nodes") then
    local nodes = ctx.objects("nodes")
    if #nodes > 0 then return node_is_ack(nodes[1]) end
  end
  return false
end

-- " [ACK deviation: text]" when the cluster is ACK, else "".
function M.ack_note(s, ctx, text)
  if text ~= nil and M.is_ack(s, ctx) then return " [ACK deviation: " .. text .. "]" end
  return ""
end

-- The same note in Chinese: "（ACK 基准差异：...）".
function M.ack_note_zh(s, ctx, text, zh)
  if text ~= nil and M.is_ack(s, ctx) then
    return "（ACK 基准差异：" .. (zh or M.zh(text)) .. "）"
  end
  return ""
end

local function node_is_control_plane(ctx, node)
  local labels = dig(node, "metadata", "labels")
  if labels ~= nil and (labels["node-role.kubernetes.io/control-plane"] ~= nil
      or labels["node-role.kubernetes.io/master"] ~= nil) then
    return true
  end
  local name = dig(node, "metadata", "name")
  local facts = name and ctx.node_facts(name)
  return dig(facts, "processes", "kube-apiserver") ~= nil
end

local function node_is_virtual(node)
  local labels = dig(node, "metadata", "labels")
  if labels == nil then return false end
  return labels["type"] == "virtual-kubelet" or labels["virtual-kubelet.io/provider-name"] ~= nil
end

-- The representative node of a cluster without control-plane nodes: the first non-virtual
-- Node (document order) that has host facts, so that the rule's `requires` can be met and the
-- finding is the na with its reason, not an error about missing host facts. No node with host
-- facts (an API-only scan) -> no representative and no finding (the same as before any host
-- data exists). Cheap for every other node: it stops at the representative.
local function representative(ctx)
  if not ctx.has_objects("nodes") then return nil end
  for _, n in ipairs(ctx.objects("nodes")) do
    if not node_is_virtual(n) then
      local name = dig(n, "metadata", "name")
      if name ~= nil and ctx.node_facts(name) ~= nil then return name end
    end
  end
  return nil
end

-- applies() of control-plane rules: control-plane nodes, plus the representative node of a
-- cluster that has no control-plane node (it gets `na` from cis.managed_na).
function M.cp_applies(s, ctx)
  if s.roles.control_plane == true then return true end
  if s.roles.virtual == true or s.object == nil or s.facts == nil then return false end
  if representative(ctx) ~= s.name then return false end
  for _, n in ipairs(ctx.objects("nodes")) do
    if node_is_control_plane(ctx, n) then return false end
  end
  return true
end

-- Whether `s` is the representative node of a cluster without control-plane nodes (admitted
-- by cis.cp_applies although it is no control-plane node). Control-plane checks start with
--   if cis.managed(s, ctx) then return cis.managed_na(s, ctx) end
-- (ctx results are several values: always return them directly, never through a local).
function M.managed(s, ctx)
  if s.roles.control_plane == true then return false end
  -- a node that is neither control plane nor the representative (an external etcd member)
  return M.cp_applies(s, ctx)
end

-- The `na` result with the reason for the representative node of a managed control plane.
function M.managed_na(s, ctx)
  if M.is_ack(s, ctx) then return ctx.na(M.msg(M.ACK_MANAGED_REASON, M.ACK_MANAGED_REASON_ZH)) end
  return ctx.na(M.msg(M.MANAGED_REASON, M.MANAGED_REASON_ZH))
end

-- applies() of worker-node rules (section 4): every node that runs a kubelet (not virtual).
function M.node_applies(s)
  return s.roles.virtual ~= true
end

-- ---------------------------------------------------------------------------------------------
-- Processes and flags

function M.argv(s, name)
  local p = s.facts and s.facts.processes and s.facts.processes[name]
  return p and p.argv or nil
end

-- Tokens of a comma-separated flag, e.g. the admission plugins.
function M.flag_list(ctx, argv, flag)
  local v = ctx.flag(argv, flag)
  if v == nil then return nil end
  return M.split_csv(v)
end

-- `--feature-gates=A=true,B=false` -> { A = "true", B = "false" }
function M.feature_gates(value)
  local out = {}
  for _, tok in ipairs(M.split_csv(value)) do
    local k, v = tok:match("^%s*([^=]+)=%s*(.-)%s*$")
    if k ~= nil then out[k] = v end
  end
  return out
end

-- ---------------------------------------------------------------------------------------------
-- Files

-- First existing of `candidates` in facts.files: "found", path, entry | "absent", path | "unknown"
function M.find_file(files, candidates)
  local absent
  for _, path in ipairs(candidates) do
    local entry = files and files[path]
    if entry ~= nil then
      if entry.exists == false then
        absent = absent or path
      else
        return "found", path, entry
      end
    end
  end
  if absent then return "absent", absent end
  return "unknown"
end

local ROOT = { root = true, ["0"] = true }

-- Whether an owner/group name matches the expected one ("root" also matches uid/gid 0).
function M.owned_by(actual, expected)
  if actual == nil then return false end
  actual = tostring(actual)
  if expected == "root" then return ROOT[actual] == true end
  return actual == expected
end

-- Result for "the file has mode `max` or stricter"; `ack_max`, when given, is the mask the ACK
-- benchmark uses instead (shown as a deviation, the verdict stays the CIS one).
function M.mode_result(s, ctx, path, entry, max, ack_max)
  local mode = entry.mode
  if mode == nil then
    return ctx.error(M.msg("the mode of " .. path .. " was not collected",
      "未采集到 " .. path .. " 的权限"))
  end
  local evidence = { path = path, mode = mode, expected = max .. " or stricter",
                     owner = entry.owner, group = entry.group }
  if ctx.mode_at_most(mode, max) then
    return ctx.pass(M.msg(string.format("%s has mode %s (%s or stricter)", path, mode, max),
      string.format("%s 的权限为 %s（不宽于 %s）", path, mode, max)), evidence)
  end
  local note, note_zh = "", ""
  if ack_max ~= nil and ctx.mode_at_most(mode, ack_max) then
    note = M.ack_note(s, ctx, "the ACK benchmark accepts " .. ack_max .. " for this file")
    note_zh = M.ack_note_zh(s, ctx, "ack", "ACK 基准允许该文件权限为 " .. ack_max)
  end
  return ctx.fail(M.msg(string.format("%s has mode %s, expected %s or stricter%s", path, mode, max,
                                      note),
    string.format("%s 的权限为 %s，应为 %s 或更严格%s", path, mode, max, note_zh)), evidence)
end

-- Result for "the file is owned by user:group".
function M.owner_result(ctx, path, entry, user, group)
  if entry.owner == nil or entry.group == nil then
    return ctx.error(M.msg("the owner of " .. path .. " was not collected",
      "未采集到 " .. path .. " 的属主"))
  end
  local actual = tostring(entry.owner) .. ":" .. tostring(entry.group)
  local evidence = { path = path, owner = actual, expected = user .. ":" .. group }
  if M.owned_by(entry.owner, user) and M.owned_by(entry.group, group) then
    return ctx.pass(M.msg(string.format("%s is owned by %s", path, actual),
      string.format("%s 的属主为 %s", path, actual)), evidence)
  end
  return ctx.fail(M.msg(string.format("%s is owned by %s, expected %s:%s", path, actual, user, group),
    string.format("%s 的属主为 %s，应为 %s:%s", path, actual, user, group)), evidence)
end

-- Check every existing file of `paths` with `test(entry) -> ok, shown`. Returns a result or nil
-- plus the found list. Missing-from-facts -> error; all absent -> na.
function M.files_result(ctx, files, paths, what, expected, test)
  local found, bad, absent = {}, {}, 0
  for _, path in ipairs(paths) do
    local entry = files and files[path]
    if entry ~= nil and entry.exists == false then
      absent = absent + 1
    elseif entry ~= nil then
      local ok, shown = test(entry)
      if ok == nil then
        return ctx.error(M.msg(shown .. " of " .. path .. " was not collected",
          "未采集到 " .. path .. " 的" .. (shown == "the mode" and "权限"
            or shown == "the owner" and "属主" or shown)))
      end
      found[#found + 1] = path .. " (" .. shown .. ")"
      if not ok then bad[#bad + 1] = path .. " (" .. shown .. ")" end
    end
  end
  if #found == 0 then
    if absent > 0 then
      return ctx.na(M.msg("no " .. what .. " on this node", "本节点上没有" .. M.zh(what)))
    end
    return ctx.error(M.msg(what .. " not collected (looked for " .. M.join(paths) .. ")",
      "未采集到" .. M.zh(what) .. "（查找了 " .. M.join(paths) .. "）"))
  end
  local evidence = { files = found, expected = expected }
  if #bad > 0 then
    return ctx.fail(M.msg(what .. ": " .. M.shorten(bad) .. ", expected " .. expected,
      M.zh(what) .. "：" .. M.shorten(bad) .. "，要求：" .. M.zh(expected)), evidence)
  end
  return ctx.pass(M.msg(what .. " " .. expected .. ": " .. M.shorten(found),
    M.zh(what) .. "符合要求（" .. M.zh(expected) .. "）：" .. M.shorten(found)), evidence)
end

-- Plain sorted array of the collected paths under `dir` ("/etc/kubernetes/pki") matching the
-- Lua pattern `pattern` (or all), recursively; the directory itself when `with_dir`; entries
-- recorded as directories (type "directory") left out when `files_only`.
function M.files_under(files, dir, pattern, with_dir, files_only)
  local out = {}
  if files == nil then return out end
  local prefix = dir .. "/"
  for path, entry in pairs(files) do
    local inside = path:sub(1, #prefix) == prefix or (with_dir and path == dir)
    if inside and files_only and entry.type == "directory" then inside = false end
    if inside and entry.exists ~= false and (pattern == nil or path:match(pattern)) then
      out[#out + 1] = path
    end
  end
  table.sort(out)
  return out
end

-- ---------------------------------------------------------------------------------------------
-- Kubelet

-- Whether the kubelet was started with a config file (defaults differ: §9.1 of the reference).
function M.kubelet_uses_config(s)
  local k = s.facts and s.facts.kubelet
  if k == nil then return false end
  if k.config_path ~= nil and k.config_path ~= "" then return true end
  if k.args ~= nil and k.args.config ~= nil and k.args.config ~= "" then return true end
  for _, a in ipairs(M.argv(s, "kubelet") or {}) do
    if a == "--config" or (type(a) == "string" and a:sub(1, 9) == "--config=") then return true end
  end
  return false
end

-- The kubelet setting `config_path`/`flag` with the default of the world the kubelet runs in:
-- `flag_default` without a config file, `config_default` with one.
function M.kubelet_effective(s, ctx, config_path, flag, flag_default, config_default)
  local default = flag_default
  if M.kubelet_uses_config(s) then default = config_default end
  return ctx.effective(s, "kubelet", config_path, flag, default)
end

-- ---------------------------------------------------------------------------------------------
-- RBAC

function M.is_system_role(role)
  local name = dig(role, "metadata", "name") or ""
  if name:sub(1, 7) == "system:" then return true end
  local labels = dig(role, "metadata", "labels")
  return labels ~= nil and labels["kubernetes.io/bootstrapping"] == "rbac-defaults"
end

local function matches(list, value)
  for _, v in ipairs(list or {}) do
    if v == "*" or v == value then return true end
    if type(v) == "string" and v:sub(1, 2) == "*/" and type(value) == "string"
        and value:find("/", 1, true) and value:match("/(.*)$") == v:sub(3) then
      return true
    end
  end
  return false
end

-- Whether a policy rule grants any of `verbs` on any of `resources` (each "group/resource"
-- with "" for the core group, e.g. "/secrets", "rbac.authorization.k8s.io/clusterroles").
function M.rule_grants(rule, verbs, resources)
  local verb_ok = false
  for _, v in ipairs(verbs) do
    if matches(rule.verbs, v) then verb_ok = true break end
  end
  if not verb_ok then return false end
  for _, gr in ipairs(resources) do
    local group, res = gr:match("^([^/]*)/(.+)$")
    if matches(rule.apiGroups, group) and matches(rule.resources, res) then return true end
  end
  return false
end

function M.role_grants(role, verbs, resources)
  for _, r in ipairs(role.rules or {}) do
    if M.rule_grants(r, verbs, resources) then return true end
  end
  return false
end

local function subject_name(sub)
  local n = tostring(sub.name)
  if sub.kind == "ServiceAccount" then n = (sub.namespace or "?") .. "/" .. n end
  return tostring(sub.kind) .. ":" .. n
end
M.subject_name = subject_name

-- Bindings (ClusterRoleBindings and RoleBindings that were collected) as plain tables
-- { kind, namespace, name, role_kind, role_name, subjects = { "Group:x", ... }, raw }.
function M.bindings(ctx)
  local out = {}
  for _, plural in ipairs({ "clusterrolebindings", "rolebindings" }) do
    if ctx.has_objects(plural) then
      for _, b in ipairs(ctx.objects(plural)) do
        local subs = {}
        for _, sub in ipairs(b.subjects or {}) do subs[#subs + 1] = subject_name(sub) end
        out[#out + 1] = {
          kind = plural == "clusterrolebindings" and "ClusterRoleBinding" or "RoleBinding",
          namespace = dig(b, "metadata", "namespace"),
          name = dig(b, "metadata", "name"),
          role_kind = dig(b, "roleRef", "kind"),
          role_name = dig(b, "roleRef", "name"),
          subjects = subs,
          raw = b,
        }
      end
    end
  end
  return out
end

-- Roles (ClusterRoles and Roles collected) that grant `verbs` on `resources`, bound to at least
-- one subject, excluding built-in (system:, rbac-defaults) roles and `exempt` names.
-- Returns a sorted plain array of "ClusterRole/x -> Group:y, User:z" strings.
function M.bound_grants(ctx, verbs, resources, exempt)
  local granting = {}
  for _, plural in ipairs({ "clusterroles", "roles" }) do
    if ctx.has_objects(plural) then
      for _, r in ipairs(ctx.objects(plural)) do
        local name = dig(r, "metadata", "name")
        if not M.is_system_role(r) and not M.contains(exempt, name)
            and M.role_grants(r, verbs, resources) then
          local key = (plural == "clusterroles" and "ClusterRole/" or
            ("Role/" .. tostring(dig(r, "metadata", "namespace")) .. "/")) .. name
          granting[key] = {}
        end
      end
    end
  end
  for _, b in ipairs(M.bindings(ctx)) do
    local key
    if b.role_kind == "ClusterRole" then
      key = "ClusterRole/" .. tostring(b.role_name)
    else
      key = "Role/" .. tostring(b.namespace) .. "/" .. tostring(b.role_name)
    end
    local g = granting[key]
    if g ~= nil then
      for _, sub in ipairs(b.subjects) do
        if not M.contains(g, sub) then g[#g + 1] = sub end
      end
    end
  end
  local out = {}
  for key, subs in pairs(granting) do
    if #subs > 0 then
      table.sort(subs)
      out[#out + 1] = key .. " -> " .. M.join(subs)
    end
  end
  table.sort(out)
  return out
end

-- Bindings that give broad groups (every authenticated user, anonymous users, every service
-- account) a role granting `verbs` on `resources`: what `kubectl auth can-i --as=system:
-- authenticated` tests in the benchmark audit.
local BROAD = {
  ["Group:system:authenticated"] = true, ["Group:system:unauthenticated"] = true,
  ["Group:system:serviceaccounts"] = true, ["User:system:anonymous"] = true,
}
function M.broad_grants(ctx, verbs, resources)
  local roles = {}
  for _, plural in ipairs({ "clusterroles", "roles" }) do
    if ctx.has_objects(plural) then
      for _, r in ipairs(ctx.objects(plural)) do
        local key = (plural == "clusterroles" and "ClusterRole/" or
          ("Role/" .. tostring(dig(r, "metadata", "namespace")) .. "/"))
          .. tostring(dig(r, "metadata", "name"))
        if M.role_grants(r, verbs, resources) then roles[key] = true end
      end
    end
  end
  local out = {}
  for _, b in ipairs(M.bindings(ctx)) do
    local key = b.role_kind == "ClusterRole" and ("ClusterRole/" .. tostring(b.role_name))
      or ("Role/" .. tostring(b.namespace) .. "/" .. tostring(b.role_name))
    if roles[key] then
      for _, sub in ipairs(b.subjects) do
        if BROAD[sub] then
          out[#out + 1] = string.format("%s %s%s -> %s (%s)", b.kind,
            b.namespace and (b.namespace .. "/") or "", tostring(b.name), key, sub)
        end
      end
    end
  end
  table.sort(out)
  return out
end

-- ---------------------------------------------------------------------------------------------
-- Pods

-- Container security context field, container over pod (for fields both levels carry).
function M.effective_sc(pod, c, field)
  local v = dig(c, "securityContext", field)
  if v ~= nil then return v end
  return dig(pod, "spec", "securityContext", field)
end

function M.pod_terminated(pod)
  local phase = dig(pod, "status", "phase")
  return phase == "Succeeded" or phase == "Failed"
end

-- applies() of pod rules: running pods outside the exempt namespaces are evaluated; exempt
-- namespaces get na in check (so the exemption is visible).
function M.pod_applies(s)
  return not M.pod_terminated(s.object)
end

function M.exempt_na(ctx, s)
  local list = ctx.param("exempt_namespaces")
  if M.contains(list, s.namespace) then
    return ctx.na(M.msg("exempt: namespace " .. tostring(s.namespace)
      .. " is listed in exempt_namespaces",
      "豁免：命名空间 " .. tostring(s.namespace) .. " 在豁免列表（exempt_namespaces）中"))
  end
  return nil
end

-- ---------------------------------------------------------------------------------------------
-- Generic checks of the component-flag controls (sections 1.2-1.4, 2, 3.2.1)
--
-- spec = {
--   process = "kube-apiserver", flag = "profiling", kind = <below>, ...,
--   optional = true        -- the component need not run on every control-plane node (etcd):
--                          -- not running -> na instead of error
--   etcd_env = "ETCD_X"    -- etcd: also read the process environment (facts.processes.etcd.env)
--   authz_config = true    -- --authorization-config (structured authorization) replaces the flag
--   ack = "text"           -- documented ACK deviation, shown on failures of ACK clusters
-- }
-- kinds:
--   eq       value = "false"; unset = "pass"|"fail"; default = "<text>"
--   noteq    value = "false"; unset = "pass"|"fail"; default = "<text>"
--   present  flags = { "a", "b" }   every flag set (non-empty)
--   absent   the flag is not set
--   has      token = "NodeRestriction"; the flag's comma list contains it (unset fails)
--   nothave  token = "AlwaysAdmit"; the comma list does not contain it (unset passes)
--   gte      param = "min_age"; numeric value >= the parameter (unset fails)
--   loopback bind address 127.0.0.1 / ::1 / localhost; unset fails (the default is 0.0.0.0)

local function flag_value(ctx, s, argv, spec, flag)
  local v = ctx.flag(argv, flag)
  if v ~= nil then return v, "flag" end
  if spec.etcd_env ~= nil then
    local env = dig(s.facts, "processes", spec.process, "env")
    local name = type(spec.etcd_env) == "table" and spec.etcd_env[flag] or spec.etcd_env
    if env ~= nil and name ~= nil and env[name] ~= nil then return env[name], "env " .. name end
  end
  return nil
end

function M.flag_check(s, ctx, spec)
  if M.managed(s, ctx) then return M.managed_na(s, ctx) end
  local msg = M.msg
  local argv = M.argv(s, spec.process)
  if argv == nil then
    if spec.optional then
      return ctx.na(msg(spec.process .. " does not run on this node",
        spec.process .. " 未在本节点运行"))
    end
    return ctx.error(msg(spec.process .. " process not found on this control-plane node",
      "在本控制面节点上未找到 " .. spec.process .. " 进程"))
  end
  local note = M.ack_note(s, ctx, spec.ack)
  local note_zh = M.ack_note_zh(s, ctx, spec.ack)
  local kind = spec.kind
  local dashed = "--" .. tostring(spec.flag)
  -- What to verify by hand when the value may live in a file that is not collected, or nil.
  local function unset_manual()
    if spec.authz_config then
      local config = ctx.flag(argv, "authorization-config")
      if config ~= nil then
        return msg("authorization is configured in " .. config
          .. " (--authorization-config); verify " .. spec.manual_what,
          "授权通过 " .. config .. "（--authorization-config）配置，请人工核查" .. M.zh(spec.manual_what))
      end
    end
    if spec.config_file ~= nil then
      local file = ctx.flag(argv, spec.config_file)
      if file ~= nil then
        return msg(dashed .. " is not on the command line; " .. spec.process
          .. " reads " .. file .. " (--" .. spec.config_file .. "), which is not collected: "
          .. "verify the setting there",
          "启动参数中没有 " .. dashed .. "；" .. spec.process .. " 读取的配置文件 " .. file
          .. "（--" .. spec.config_file .. "）未被采集，请在该文件中人工核查此项设置")
      end
    end
    return nil
  end

  if kind == "present" then
    local missing, shown = {}, {}
    for _, f in ipairs(spec.flags) do
      local v, src = flag_value(ctx, s, argv, spec, f)
      if v == nil or v == "" then missing[#missing + 1] = "--" .. f
      else
        shown[#shown + 1] = "--" .. f .. "=" .. tostring(v)
          .. ((src ~= nil and src ~= "flag") and (" (" .. src .. ")") or "")
      end
    end
    local evidence = { set = shown, missing = missing, expected = "set: --" .. M.join(spec.flags, ", --") }
    if #missing > 0 then
      local what = unset_manual()
      if what ~= nil then return ctx.manual(what) end
      return ctx.fail(msg("not set: " .. M.join(missing) .. note,
        "未设置：" .. M.join(missing) .. note_zh), evidence)
    end
    return ctx.pass(msg(M.join(shown), "已设置：" .. M.join(shown)), evidence)
  end

  local v, source = flag_value(ctx, s, argv, spec, spec.flag)
  local shown = v ~= nil and (dashed .. "=" .. tostring(v)) or (dashed .. " not set")
  local shown_zh = v ~= nil and (dashed .. "=" .. tostring(v)) or ("未设置 " .. dashed)
  if source ~= nil and source ~= "flag" then
    shown = shown .. " (" .. source .. ")"
    shown_zh = shown_zh .. "（" .. source:gsub("^env ", "环境变量 ") .. "）"
  end
  local evidence = { flag = dashed, actual = v ~= nil and v or "unset", expected = spec.expected }
  if v == nil then
    local what = unset_manual()
    if what ~= nil then return ctx.manual(what) end
  end
  local expected_zh = M.zh(spec.expected)

  if kind == "absent" then
    if v == nil then return ctx.pass(msg(dashed .. " is not set", "未设置 " .. dashed), evidence) end
    return ctx.fail(msg(shown .. ": expected the flag not to be set" .. note,
      shown_zh .. "：该参数不应设置" .. note_zh), evidence)
  elseif kind == "eq" or kind == "noteq" then
    if v == nil then
      if spec.unset == "pass" then
        return ctx.pass(msg(dashed .. " not set; the default is " .. spec.default,
          "未设置 " .. dashed .. "，默认值为 " .. M.zh(spec.default)), evidence)
      end
      return ctx.fail(msg(dashed .. " is not set; the default is " .. spec.default
        .. ", expected " .. spec.expected .. note,
        "未设置 " .. dashed .. "，默认值为 " .. M.zh(spec.default) .. "，应为 " .. expected_zh
        .. note_zh), evidence)
    end
    local same = tostring(v):lower() == tostring(spec.value):lower()
    if (kind == "eq") == same then return ctx.pass(msg(shown, shown_zh .. "，符合要求"), evidence) end
    return ctx.fail(msg(shown .. ", expected " .. spec.expected .. note,
      shown_zh .. "，应为 " .. expected_zh .. note_zh), evidence)
  elseif kind == "has" or kind == "nothave" then
    local list = M.split_csv(v)
    local has = M.contains(list, spec.token)
    if v == nil then
      if kind == "nothave" then
        return ctx.pass(msg(dashed .. " not set, so it does not list " .. spec.token,
          "未设置 " .. dashed .. "，因此不包含 " .. spec.token), evidence)
      end
      return ctx.fail(msg(dashed .. " is not set" .. (spec.default and ("; " .. spec.default) or "")
        .. ", expected it to include " .. spec.token .. note,
        "未设置 " .. dashed .. (spec.default and ("（" .. M.zh(spec.default) .. "）") or "")
        .. "，应包含 " .. spec.token .. note_zh), evidence)
    end
    if kind == "has" and has then return ctx.pass(msg(shown, shown_zh .. "，符合要求"), evidence) end
    if kind == "nothave" and not has then return ctx.pass(msg(shown, shown_zh .. "，符合要求"), evidence) end
    if kind == "has" then
      return ctx.fail(msg(shown .. " does not include " .. spec.token .. note,
        shown_zh .. "，未包含 " .. spec.token .. note_zh), evidence)
    end
    return ctx.fail(msg(shown .. " includes " .. spec.token .. note,
      shown_zh .. "，包含了不应启用的 " .. spec.token .. note_zh), evidence)
  elseif kind == "gte" then
    local min = ctx.param(spec.param)
    evidence.expected = ">= " .. tostring(min)
    if v == nil then
      return ctx.fail(msg(dashed .. " is not set, expected >= " .. tostring(min) .. note,
        "未设置 " .. dashed .. "，应不小于 " .. tostring(min) .. note_zh), evidence)
    end
    local n = tonumber(v)
    if n == nil then
      return ctx.fail(msg(shown .. " is not a number, expected >= " .. tostring(min) .. note,
        shown_zh .. " 不是数值，应为不小于 " .. tostring(min) .. " 的数值" .. note_zh), evidence)
    end
    if n >= min then
      return ctx.pass(msg(shown .. " (>= " .. tostring(min) .. ")",
        shown_zh .. "（不小于 " .. tostring(min) .. "）"), evidence)
    end
    return ctx.fail(msg(shown .. ", expected >= " .. tostring(min) .. note,
      shown_zh .. "，应不小于 " .. tostring(min) .. note_zh), evidence)
  elseif kind == "loopback" then
    evidence.expected = "127.0.0.1"
    if v == nil then
      return ctx.fail(msg(dashed .. " is not set; the default 0.0.0.0 listens on every interface, "
        .. "expected 127.0.0.1" .. note,
        "未设置 " .. dashed .. "，默认值 0.0.0.0 会监听所有网卡，应为 127.0.0.1" .. note_zh), evidence)
    end
    if v == "127.0.0.1" or v == "::1" or v == "localhost" then
      return ctx.pass(msg(shown, shown_zh .. "（仅监听本地回环地址）"), evidence)
    end
    return ctx.fail(msg(shown .. ", expected 127.0.0.1" .. note,
      shown_zh .. "，应为 127.0.0.1" .. note_zh), evidence)
  end
  return ctx.error("unknown check kind " .. tostring(kind))
end

-- ---------------------------------------------------------------------------------------------
-- Generic checks of the file controls (sections 1.1, 4.1)
--
-- spec = {
--   candidates = { ... }   first existing path is the file (kube-bench order), or
--   path = function(s, ctx) -> path|nil, why   the file the component really uses
--   what = "kube-apiserver manifest",
--   kind = "mode" (max = "0600", ack_max = "0644") | "owner" (user = "root", group = "root"),
--   absent = "<na reason>"  (the file does not exist)
--   cp = true               control-plane rule (managed clusters -> na)
-- }
function M.file_check(s, ctx, spec)
  if spec.cp and M.managed(s, ctx) then return M.managed_na(s, ctx) end
  local msg = M.msg
  local files = s.facts.files
  local what_zh = M.zh(spec.what)
  local path, entry
  if spec.path ~= nil then
    local why
    path, why = spec.path(s, ctx)
    if path == nil then return ctx.na(msg(why, M.zh(why))) end
    entry = files[path]
    if entry == nil then
      return ctx.error(msg("the " .. spec.what .. " " .. path .. " was not collected",
        "未采集到" .. what_zh .. " " .. path))
    end
    if entry.exists == false then
      if spec.missing_is_error then
        return ctx.error(msg("the " .. spec.what .. " " .. path .. " does not exist",
          what_zh .. " " .. path .. " 不存在"))
      end
      return ctx.na(msg(path .. " does not exist" .. (spec.absent and (": " .. spec.absent) or ""),
        path .. " 不存在" .. (spec.absent and ("：" .. M.zh(spec.absent)) or "")))
    end
  else
    local state
    state, path, entry = M.find_file(files, spec.candidates)
    if state == "absent" then
      return ctx.na(msg((spec.absent or ("no " .. spec.what .. " on this node")) .. ": " .. path
        .. " does not exist",
        (spec.absent and M.zh(spec.absent) or ("本节点上没有" .. what_zh)) .. "：" .. path
        .. " 不存在"))
    elseif state == "unknown" then
      return ctx.error(msg("the " .. spec.what .. " was not collected (looked for "
        .. M.join(spec.candidates) .. ")",
        "未采集到" .. what_zh .. "（查找了 " .. M.join(spec.candidates) .. "）"))
    end
  end
  if spec.kind == "owner" then
    return M.owner_result(ctx, path, entry, spec.user or "root", spec.group or "root")
  end
  return M.mode_result(s, ctx, path, entry, spec.max, spec.ack_max)
end

-- ---------------------------------------------------------------------------------------------
-- Benchmark version
--
-- The CIS Kubernetes Benchmark version is chosen from the cluster's Kubernetes minor version with
-- kube-bench's `version_mapping` (reference ref_cis_k8s.md §1). This pack implements the control
-- sets of v1.11 and v1.12 (the differences are in §7: 1.2.29 allows the CBC suites in v1.11,
-- 4.2.15 and the "added capabilities" 5.2.9 exist only in v1.11, v1.11's 5.2.10-5.2.13 are
-- v1.12's 5.2.9-5.2.12). A cluster whose minor maps to an older benchmark gets v1.11, one newer
-- than the newest mapped minor gets v1.12 (kube-bench decrements the minor too), an unknown
-- version gets the newest: each fallback is said in the benchmark rule's message. The rule
-- parameter `benchmark` ("auto", "1.11" or "1.12") overrides the choice.

M.IMPLEMENTED = { "1.11", "1.12" }
M.NEWEST = "1.12"

-- kube-bench version_mapping: Kubernetes minor range -> kube-bench profile (cis-<x>).
local MAPPING = {
  { 15, 15, "1.5" }, { 16, 18, "1.6" }, { 19, 21, "1.20" }, { 22, 23, "1.23" },
  { 24, 24, "1.24" }, { 25, 25, "1.7" }, { 26, 26, "1.8" }, { 27, 27, "1.9" },
  { 28, 28, "1.10" }, { 29, 31, "1.11" }, { 32, 34, "1.12" },
}
local FIRST_MINOR, LAST_MINOR = 15, 34

-- "v1.30.2-aliyun.1" -> 1, 30 (nil when unparsable)
function M.parse_version(v)
  if type(v) ~= "string" then return nil end
  local major, minor = v:match("^v?(%d+)%.(%d+)")
  if major == nil then return nil end
  return tonumber(major), tonumber(minor)
end

local function mapped(minor)
  for _, m in ipairs(MAPPING) do
    if minor >= m[1] and minor <= m[2] then return m[3], m end
  end
  return nil
end

-- The benchmark applied to the subject's cluster:
--   { version = "1.12", cluster = "v1.33.1" | nil, exact = bool, en = "...", zh = "..." }
-- `override` is the rule parameter `benchmark` ("auto" or "" = choose from the cluster).
function M.benchmark(s, override)
  local cluster = dig(s, "cluster", "version")
  if cluster == "" then cluster = nil end
  local shown = cluster or "(version unknown)"
  local shown_zh = cluster or "（版本未知）"
  if override ~= nil and override ~= "" and override ~= "auto" then
    local v = tostring(override):gsub("^v", "")
    if M.contains(M.IMPLEMENTED, v) then
      return { version = v, cluster = cluster, exact = true, override = true,
        en = string.format("CIS Kubernetes Benchmark v%s applied to cluster %s (set by the "
          .. "profile parameter benchmark=%s)", v, shown, tostring(override)),
        zh = string.format("对集群 %s 采用 CIS Kubernetes Benchmark v%s（由 profile 参数 "
          .. "benchmark=%s 指定）", shown_zh, v, tostring(override)) }
    end
    return { version = M.NEWEST, cluster = cluster, exact = false, invalid = tostring(override),
      en = string.format("the profile parameter benchmark=%s names no implemented version "
        .. "(%s); CIS Kubernetes Benchmark v%s, the newest, applied to cluster %s",
        tostring(override), M.join(M.IMPLEMENTED), M.NEWEST, shown),
      zh = string.format("profile 参数 benchmark=%s 不是已实现的版本（%s）；对集群 %s 采用最新的 "
        .. "CIS Kubernetes Benchmark v%s", tostring(override), M.join(M.IMPLEMENTED), shown_zh,
        M.NEWEST) }
  end
  local major, minor = M.parse_version(cluster)
  if major == nil or major ~= 1 then
    local what = cluster == nil and "the cluster version is unknown"
      or ("the cluster version " .. cluster .. " cannot be parsed")
    local what_zh = cluster == nil and "集群版本未知" or ("无法解析集群版本 " .. cluster)
    return { version = M.NEWEST, cluster = cluster, exact = false,
      en = string.format("%s: CIS Kubernetes Benchmark v%s, the newest, applied; verify that it "
        .. "fits the cluster", what, M.NEWEST),
      zh = string.format("%s：采用最新的 CIS Kubernetes Benchmark v%s，请确认其适用于该集群",
        what_zh, M.NEWEST) }
  end
  local k8s = string.format("1.%d", minor)
  if minor > LAST_MINOR then
    local v = mapped(LAST_MINOR)
    return { version = v, cluster = cluster, exact = false,
      en = string.format("cluster %s (Kubernetes %s) is newer than the newest version a CIS "
        .. "Kubernetes Benchmark covers (1.%d): v%s, the nearest, applied", cluster, k8s,
        LAST_MINOR, v),
      zh = string.format("集群 %s（Kubernetes %s）比 CIS Kubernetes Benchmark 覆盖的最新版本"
        .. "（1.%d）更新：采用最接近的 v%s", cluster, k8s, LAST_MINOR, v) }
  end
  if minor < FIRST_MINOR then
    return { version = M.IMPLEMENTED[1], cluster = cluster, exact = false,
      en = string.format("cluster %s (Kubernetes %s) is older than any CIS Kubernetes Benchmark "
        .. "(1.%d and later): v%s, the oldest this pack implements, applied; results may not "
        .. "fit this version", cluster, k8s, FIRST_MINOR, M.IMPLEMENTED[1]),
      zh = string.format("集群 %s（Kubernetes %s）早于所有 CIS Kubernetes Benchmark 覆盖的版本"
        .. "（1.%d 起）：采用本规则包实现的最早版本 v%s，结果可能与该版本不完全相符", cluster, k8s,
        FIRST_MINOR, M.IMPLEMENTED[1]) }
  end
  local v, range = mapped(minor)
  local span = range[1] == range[2] and string.format("1.%d", range[1])
    or string.format("1.%d-1.%d", range[1], range[2])
  if M.contains(M.IMPLEMENTED, v) then
    return { version = v, cluster = cluster, exact = true,
      en = string.format("CIS Kubernetes Benchmark v%s selected for cluster %s (it covers "
        .. "Kubernetes %s)", v, cluster, span),
      zh = string.format("根据集群版本 %s 选用 CIS Kubernetes Benchmark v%s（适用于 Kubernetes %s）",
        cluster, v, span) }
  end
  local nearest = M.IMPLEMENTED[1]
  return { version = nearest, cluster = cluster, exact = false, mapped = v,
    en = string.format("cluster %s maps to CIS Kubernetes Benchmark cis-%s (Kubernetes %s), "
      .. "which this pack does not implement: v%s, the nearest implemented, applied",
      cluster, v, span, nearest),
    zh = string.format("集群 %s 对应 CIS Kubernetes Benchmark cis-%s（适用于 Kubernetes %s），"
      .. "本规则包未实现该版本：采用最接近的已实现版本 v%s", cluster, v, span, nearest) }
end

-- The benchmark version applied to `s` ("1.11" or "1.12"), for rules whose control differs.
function M.benchmark_version(s, override)
  return M.benchmark(s, override).version
end

-- The `na` of a control that the applied benchmark does not have.
function M.not_in_version(ctx, b, since_en, since_zh)
  return ctx.na(M.msg(string.format("not a control of CIS Kubernetes Benchmark v%s (%s); "
    .. "the benchmark applied to this cluster: %s", b.version, since_en, b.en),
    string.format("CIS Kubernetes Benchmark v%s 中没有该检查项（%s）；本集群适用的基准：%s",
      b.version, since_zh, b.zh)))
end

return M
