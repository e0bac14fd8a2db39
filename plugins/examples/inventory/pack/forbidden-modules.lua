-- Kernel modules the site does not want loaded (CIS Linux 3.4: uncommon network protocols
-- dccp, sctp, rds, tipc), from the example native plugin's inventory
-- (facts.native.inventory.kernel_modules; kpatrol scan/collect node --native-plugin PATH).
return {
  api = 1,
  id = "inventory-example/forbidden-modules",
  title = { en = "No forbidden kernel module is loaded", zh = "未加载禁用的内核模块" },
  severity = "low",
  scope = "node",
  requires = { "native.inventory" },
  params = {
    forbidden = { default = { "dccp", "sctp", "rds", "tipc" }, description = "module names that must not be loaded" },
  },
  remediation = {
    en = "Unload the module (modprobe -r NAME) and blacklist it: echo 'install NAME /bin/true' > /etc/modprobe.d/NAME.conf",
    zh = "卸载模块（modprobe -r NAME）并禁止加载：echo 'install NAME /bin/true' > /etc/modprobe.d/NAME.conf",
  },
  tags = { "node", "kernel", "example" },
  check = function(s, ctx)
    local mods = s.facts.native.inventory.kernel_modules
    local loaded = {}
    for _, name in ipairs(mods.loaded) do loaded[name] = true end
    local bad = {}
    for _, name in ipairs(ctx.param("forbidden")) do
      if loaded[name] then bad[#bad + 1] = name end
    end
    if #bad > 0 then
      return ctx.fail("forbidden kernel modules loaded: " .. table.concat(bad, ", "), { loaded = mods.count })
    end
    return ctx.pass(string.format("%d modules loaded, none forbidden", mods.count), { loaded = mods.count })
  end,
}
