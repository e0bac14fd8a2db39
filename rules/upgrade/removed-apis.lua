-- Objects that use an API group/version removed (fail) or deprecated (warn) by the target.
-- Looks at every kind of lib/apis.lua that was collected: the object's own apiVersion (what a
-- manifest says, `kpatrol precheck --manifests DIR`) and the apiVersion recorded in its
-- kubectl.kubernetes.io/last-applied-configuration annotation (what the last `kubectl apply`
-- sent: the client that will break). A live cluster returns objects at the version the
-- collector asked for, so re-reading an object proves nothing; the annotation does.
-- metadata.managedFields is dropped on load (docs/snapshot.md), so server-side apply is not seen.
local up = require("upgrade")
local apis = require("apis")

return {
  api = 1,
  id = "upgrade/removed-apis",
  title = {
    en = "No objects or manifests use APIs removed by the target version",
    zh = "没有对象或清单使用目标版本已移除的 API",
  },
  severity = "critical",
  scope = "cluster",
  params = {
    target_version = { default = "", description = "the target Kubernetes version (set by kpatrol precheck --to)" },
  },
  impact = {
    en = "After the upgrade the API server no longer serves the removed group/version: kubectl "
      .. "apply, Helm, GitOps and CI jobs that still send it fail with 'no matches for kind'. "
      .. "Stored objects survive; the clients break.",
    zh = "升级后 API Server 不再提供已移除的 group/version：仍使用它的 kubectl apply、Helm、GitOps 与 CI "
      .. "流水线会报 no matches for kind 错误。etcd 中已存储的对象不受影响，出问题的是客户端与清单。",
  },
  remediation = {
    en = "Rewrite each listed manifest, chart or template to the replacement API (kubectl convert "
      .. "helps; mind the field changes, e.g. Ingress v1 pathType and service.name/port) and "
      .. "re-apply it, so the last-applied annotation records the new version. Then re-run the "
      .. "precheck.",
    zh = "将列出的清单、Helm Chart 或模板改写为替代 API（可借助 kubectl convert，注意字段变化，如 Ingress v1 的 "
      .. "pathType 与 service.name/port），并重新 apply，使 last-applied 注解记录新版本，然后重新执行升级前检查。",
  },
  references = { "https://kubernetes.io/docs/reference/using-api/deprecation-guide/" },
  tags = { "upgrade", "api" },
  check = function(s, ctx)
    local target, why = up.target(ctx)
    if target == nil then return ctx.na(why) end
    local removed, deprecated, looked = {}, {}, 0
    local evidence = {}
    for _, plural in ipairs(apis.plurals()) do
      if ctx.has_objects(plural) then
        looked = looked + 1
        for _, o in ipairs(ctx.objects(plural)) do
          local seen = {}
          local function consider(api, kind, source)
            local row = apis.lookup(api, kind)
            if row == nil or seen[api] then return end
            seen[api] = true
            local name = string.format("%s %s (%s, %s)", kind, up.ref(o), api, source)
            if row.rem <= target then
              removed[#removed + 1] = string.format("%s removed in %s → %s", name, up.v(row.rem), row.repl)
              if #evidence < 25 then
                evidence[#evidence + 1] = { object = kind .. " " .. up.ref(o), apiVersion = api,
                  source = source, removed_in = up.v(row.rem), replacement = row.repl }
              end
            elseif row.dep <= target then
              deprecated[#deprecated + 1] = string.format("%s deprecated in %s, removed in %s%s → %s",
                name, up.v(row.dep), up.v(row.rem), row.planned and " (planned)" or "", row.repl)
            end
          end
          consider(o.apiVersion, o.kind, "object")
          local la_api, la_kind = up.last_applied(o)
          consider(la_api, la_kind, "last-applied")
          -- Each manager that wrote the object, with the API version it wrote it with.
          for _, mf in ipairs((o.metadata and o.metadata.managedFields) or {}) do
            if type(mf.apiVersion) == "string" then
              consider(mf.apiVersion, o.kind, "managedFields " .. tostring(mf.manager))
            end
          end
        end
      end
    end
    if looked == 0 then
      -- Manifests (no cluster version): a kind that is absent is simply not in the files.
      if s.version == nil or s.version == "" then
        return ctx.pass("no object of a kind that has removed API versions")
      end
      return ctx.error("none of the kinds with removed API versions were collected")
    end
    if #removed > 0 then
      local also = ""
      if #deprecated > 0 then
        also = string.format("; also %d deprecated: %s", #deprecated, up.summary(deprecated, 3))
      end
      return ctx.fail(string.format("%d object(s) use APIs removed by %s: %s%s", #removed,
        up.v(target), up.summary(removed, 5), also),
        { target = up.v(target), removed = evidence, deprecated = #deprecated })
    end
    if #deprecated > 0 then
      return ctx.warn(string.format("%d object(s) use APIs deprecated at %s: %s", #deprecated,
        up.v(target), up.summary(deprecated, 5)), { target = up.v(target) })
    end
    return ctx.pass(string.format("no object uses an API removed or deprecated at %s (%d kinds checked)",
      up.v(target), looked))
  end,
}
