-- Parser of the `xid` probe: the kernel log lines containing "NVRM: Xid", e.g.
--   [ 8812.306473] NVRM: Xid (PCI:0000:00:07): 79, pid=0, GPU has fallen off the bus.
--   [Tue Dec  1 10:02:11 2026] NVRM: Xid (PCI:0000:3b:00): 48, pid=4411, name=python, An ...
-- Returns { count, codes = { ["79"] = n, ... }, events = { {bus, code, text} } (the last 50) }.
-- A line with the marker but not this shape raises an error (a format this parser does not
-- know must not read as "no Xid").
local function parse(output)
  local events, codes, count = {}, {}, 0
  local n = 0
  for line in output:gmatch("[^\n]+") do
    n = n + 1
    if line:find("NVRM: Xid", 1, true) then
      local bus, code, text = line:match("NVRM: Xid %(PCI:([%x:%.]+)%):%s*(%d+),%s*(.*)$")
      if bus == nil then
        error(string.format("line %d: an NVRM Xid line in an unknown format: %s", n, line:sub(1, 160)))
      end
      count = count + 1
      codes[code] = (codes[code] or 0) + 1
      events[#events + 1] = { bus = bus, code = tonumber(code), text = text:sub(1, 200) }
      if #events > 50 then table.remove(events, 1) end
    end
  end
  return { count = count, codes = codes, events = events }
end

return { parse = parse }
