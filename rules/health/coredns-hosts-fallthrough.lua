-- Every `hosts` block of the Corefile has `fallthrough`: without it the hosts plugin answers
-- NXDOMAIN for every name it does not list, so all other names stop resolving.
--   a hosts plugin without fallthrough -> fail; no hosts plugin -> pass
local coredns = require("coredns")

return {
  api = 1,
  id = "health/coredns-hosts-fallthrough",
  title = { en = "CoreDNS hosts plugin falls through", zh = "CoreDNS hosts 插件配置了 fallthrough" },
  severity = "high",
  scope = "cluster",
  requires = { "objects.configmaps" },
  impact = {
    en = "Every name not listed in the hosts block fails to resolve (NXDOMAIN): Services and "
      .. "external names break cluster-wide.",
    zh = "未在 hosts 中列出的域名全部解析失败（NXDOMAIN），集群内 Service 与外部域名均无法解析。",
  },
  remediation = {
    en = "Add fallthrough as the last line of the hosts block: hosts { 1.2.3.4 a.example.com "
      .. "fallthrough }.",
    zh = "在 hosts 块的最后一行加入 fallthrough：hosts { 1.2.3.4 a.example.com fallthrough }。",
  },
  references = { "ACK DNS 策略配置: 自定义 hosts 需配置 fallthrough" },
  tags = { "dns", "dns-config" },
  check = function(s, ctx)
    local text, why = coredns.corefile(ctx)
    if text == nil then return ctx.na(why) end
    local hosts = coredns.plugins(text, "hosts")
    if #hosts == 0 then return ctx.pass("no hosts plugin in the Corefile") end
    for _, h in ipairs(hosts) do
      local inline = h.args:find("fallthrough", 1, true)
      local inblock = h.block and h.block:find("fallthrough", 1, true)
      if not inline and not inblock then
        return ctx.fail("hosts " .. h.args .. " has no fallthrough: names it does not list get NXDOMAIN",
          { hosts = h.args, block = h.block })
      end
    end
    return ctx.pass(string.format("%d hosts block(s), all with fallthrough", #hosts))
  end,
}
