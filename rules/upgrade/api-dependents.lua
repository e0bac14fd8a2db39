-- Webhooks, CRDs and APIServices that depend on API versions the target removes, or that would
-- stall the upgrade:
--   APIService with a backing service whose Available condition is not True -> fail (discovery
--     fails, namespace deletion and garbage collection hang, kubectl and upgrade tooling error);
--   admission webhook rule that matches only removed group/versions with matchPolicy: Exact ->
--     warn (after the upgrade it silently stops seeing those objects);
--   webhook whose admissionReviewVersions does not list v1 -> warn (v1beta1 AdmissionReview is
--     deprecated; v1 webhook configurations require the field);
--   CRD conversion webhook without v1 in conversionReviewVersions -> warn;
--   CRD whose status.storedVersions names a version no longer in spec.versions -> warn (the
--     CRD cannot be updated until the stored objects are migrated).
local up = require("upgrade")
local apis = require("apis")

local function list(v)
  local out = {}
  for _, x in ipairs(v or {}) do out[#out + 1] = tostring(x) end
  return out
end

local function contains(l, x)
  for _, y in ipairs(l) do if y == x then return true end end
  return false
end

return {
  api = 1,
  id = "upgrade/api-dependents",
  title = {
    en = "Webhooks, CRDs and APIServices do not depend on removed API versions",
    zh = "Webhook、CRD 与 APIService 不依赖已移除的 API 版本",
  },
  severity = "high",
  scope = "cluster",
  params = {
    target_version = { default = "", description = "the target Kubernetes version (set by kpatrol precheck --to)" },
  },
  impact = {
    en = "An unavailable aggregated API breaks discovery for every client (kubectl, controllers, "
      .. "the upgrade itself); webhooks that match only removed versions stop enforcing their "
      .. "policy without an error.",
    zh = "不可用的聚合 API 会使所有客户端（kubectl、控制器、升级流程本身）的 API 发现失败；只匹配已移除版本的 "
      .. "Webhook 会在升级后静默失效，策略不再生效。",
  },
  remediation = {
    en = "Fix or remove unavailable APIServices (kubectl get apiservices; check the backing "
      .. "Service and Pods). Update webhook rules to the current group/versions or set "
      .. "matchPolicy: Equivalent, list v1 in admissionReviewVersions and conversionReviewVersions, "
      .. "and migrate stored CRD versions (kube-storage-version-migrator) before removing them.",
    zh = "修复或删除不可用的 APIService（kubectl get apiservices，检查其后端 Service 与 Pod）；将 Webhook 规则改为"
      .. "当前的 group/version 或设置 matchPolicy: Equivalent，在 admissionReviewVersions 与 conversionReviewVersions "
      .. "中包含 v1；删除 CRD 旧版本前先迁移已存储的对象（kube-storage-version-migrator）。",
  },
  tags = { "upgrade", "api", "webhook" },
  check = function(s, ctx)
    local target, why = up.target(ctx)
    if target == nil then return ctx.na(why) end
    local fails, warns, looked = {}, {}, 0
    if ctx.has_objects("apiservices") then
      looked = looked + 1
      for _, a in ipairs(ctx.objects("apiservices")) do
        if a.spec and a.spec.service ~= nil then
          local available = nil
          for _, c in ipairs((a.status and a.status.conditions) or {}) do
            if c.type == "Available" then available = c end
          end
          if available == nil or available.status ~= "True" then
            fails[#fails + 1] = string.format("APIService %s is not Available (%s)", up.ref(a),
              available and (tostring(available.reason) .. ": " .. tostring(available.message)) or "no condition")
          end
        end
      end
    end
    for _, plural in ipairs({ "validatingwebhookconfigurations", "mutatingwebhookconfigurations" }) do
      if ctx.has_objects(plural) then
        looked = looked + 1
        for _, cfg in ipairs(ctx.objects(plural)) do
          for _, wh in ipairs(cfg.webhooks or {}) do
            local name = string.format("webhook %s/%s", up.ref(cfg), tostring(wh.name))
            local versions = list(wh.admissionReviewVersions)
            if #versions > 0 and not contains(versions, "v1") then
              warns[#warns + 1] = name .. " accepts only AdmissionReview " .. table.concat(versions, ",")
            end
            if wh.matchPolicy == "Exact" then
              for _, r in ipairs(wh.rules or {}) do
                local all_removed, gvs = true, {}
                for _, g in ipairs(r.apiGroups or {}) do
                  for _, v in ipairs(r.apiVersions or {}) do
                    local gv = (g == "" and v) or (g .. "/" .. v)
                    local removed = apis.group_version_removed(gv, target)
                    if not removed then all_removed = false end
                    gvs[#gvs + 1] = gv
                  end
                end
                if #gvs > 0 and all_removed then
                  warns[#warns + 1] = string.format("%s matches only %s (removed by %s) with matchPolicy Exact",
                    name, table.concat(gvs, ","), up.v(target))
                end
              end
            end
          end
        end
      end
    end
    if ctx.has_objects("customresourcedefinitions") then
      looked = looked + 1
      for _, crd in ipairs(ctx.objects("customresourcedefinitions")) do
        local spec = crd.spec or {}
        local conv = spec.conversion or {}
        if conv.strategy == "Webhook" then
          local versions = list((conv.webhook and conv.webhook.conversionReviewVersions) or conv.conversionReviewVersions)
          if not contains(versions, "v1") then
            warns[#warns + 1] = string.format("CRD %s conversion webhook accepts only ConversionReview %s",
              up.ref(crd), #versions > 0 and table.concat(versions, ",") or "v1beta1 (default)")
          end
        end
        local defined = {}
        for _, v in ipairs(spec.versions or {}) do defined[tostring(v.name)] = true end
        if spec.version ~= nil then defined[tostring(spec.version)] = true end
        for _, sv in ipairs((crd.status and crd.status.storedVersions) or {}) do
          if not defined[tostring(sv)] then
            warns[#warns + 1] = string.format("CRD %s has stored version %s that is no longer defined",
              up.ref(crd), tostring(sv))
          end
        end
      end
    end
    if looked == 0 then
      -- Manifests (no cluster version): a kind that is absent is simply not in the files.
      if s.version == nil or s.version == "" then
        return ctx.na("no APIServices, webhook configurations or CRDs in the manifests")
      end
      return ctx.error("APIServices, webhook configurations and CRDs were not collected")
    end
    if #fails > 0 then
      return ctx.fail(up.summary(fails, 5), { problems = up.head(fails, 20), warnings = up.head(warns, 20) })
    end
    if #warns > 0 then return ctx.warn(up.summary(warns, 5), { warnings = up.head(warns, 20) }) end
    return ctx.pass("APIServices available; webhooks and CRDs use current review and API versions")
  end,
}
