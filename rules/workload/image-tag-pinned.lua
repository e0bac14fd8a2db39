-- Every container image names an explicit version: a digest (@sha256:...) or a tag other than
-- "latest". Registry ports are not mistaken for tags ("registry:5000/app" has no tag).
-- Init and ephemeral containers are included; completed Pods are not evaluated.
-- Readings (parameter `reading`): "ack" (配置巡检 tagNotSpecified, the default) accepts any tag
-- but latest; "strict" requires a digest (a tag can be moved to another image).
local k8s = require("k8s")

local function problem(image, strict)
  local ref = k8s.parse_image(image)
  if ref.digest ~= nil then return nil end
  if ref.tag == nil then return "no tag" end
  if ref.tag == "latest" then return "tag latest" end
  if strict then return "tag without a digest" end
  return nil
end

return {
  api = 1,
  id = "workload/image-tag-pinned",
  title = {
    en = "Container images use a pinned tag or digest",
    zh = "容器镜像指定了明确的版本（非 latest）",
  },
  severity = "medium",
  scope = "pod",
  applies = function(s) return not k8s.pod_terminated(s.object) end,
  params = {
    reading = { default = "ack", description = "ack (a tag other than latest) or strict (a digest)" },
  },
  impact = {
    en = "An image without a tag means latest: which version runs depends on when each node "
      .. "pulled it, rollbacks cannot return to a known version and an unexpected image can "
      .. "reach production.",
    zh = "未指定 tag 即为 latest，实际运行的版本取决于各节点拉取镜像的时间，无法回滚到确定版本，可能运行了非预期的镜像版本。",
  },
  remediation = {
    en = "Reference images by an explicit version tag (app:1.4.2) or, better, by digest "
      .. "(app@sha256:...), and update the tag on each release.",
    zh = "为镜像指定明确的版本 tag（如 app:1.4.2），更推荐使用摘要（app@sha256:...）引用，每次发布时更新版本。",
  },
  references = { "ACK 配置巡检 tagNotSpecified" },
  tags = { "image", "config-inspection" },
  check = function(s, ctx)
    local strict = ctx.param("reading") == "strict"
    local bad, images = {}, {}
    for _, c in ipairs(ctx.containers(s.object)) do
      local why = problem(c.image, strict)
      if why ~= nil then
        bad[#bad + 1] = string.format("%s -> %s (%s)", c.name, tostring(c.image), why)
        images[#images + 1] = { container = c.name, image = c.image, problem = why }
      end
    end
    if #bad == 0 then
      return ctx.pass(strict and "all images are pinned to a digest"
        or "all images are pinned to a tag or digest")
    end
    return ctx.fail("unpinned image" .. (#bad > 1 and "s: " or ": ") .. table.concat(bad, "; ")
      .. (strict and "; expected a digest" or "; expected a version tag or digest"), { images = images })
  end,
}
