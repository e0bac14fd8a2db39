-- Parser of the `smi` probe: the output of
--   nvidia-smi --query-gpu=index,name,pci.bus_id,driver_version,persistence_mode,temperature.gpu
--     --format=csv,noheader,nounits
-- followed by "kpatrol: exit <status>", or "kpatrol: nvidia-smi not found" on a node without it.
-- Returns { present, ok, exit_status, error, driver_version, count, gpus = { {index, name,
-- bus_id, driver_version, persistence_mode, temperature_c} } }. Output it does not recognise
-- raises an error: the fact becomes a collection error and the rules over it report `error`.
local function trim(s) return (s:gsub("^%s+", ""):gsub("%s+$", "")) end

local function parse(output)
  if output:find("kpatrol: nvidia-smi not found", 1, true) then
    return { present = false, ok = false, count = 0 }
  end
  local status = output:match("kpatrol: exit (%d+)%s*$")
  if status == nil then error("no 'kpatrol: exit' line at the end of the output (cut off?)") end
  status = tonumber(status)
  local lines = {}
  for line in output:gmatch("[^\n]+") do
    line = trim(line)
    if line ~= "" and not line:find("^kpatrol: exit") then lines[#lines + 1] = line end
  end
  if status ~= 0 then
    -- nvidia-smi prints why it failed ("NVIDIA-SMI has failed because it couldn't communicate
    -- with the NVIDIA driver..."): a finding about the node, not a collection problem.
    return { present = true, ok = false, exit_status = status, count = 0,
             error = (lines[1] or "no message"):sub(1, 300) }
  end
  local gpus = {}
  for n, line in ipairs(lines) do
    local f = {}
    for field in (line .. ","):gmatch("([^,]*),") do f[#f + 1] = trim(field) end
    if #f ~= 6 then
      error(string.format("line %d: expected 6 comma-separated fields, got %d: %s", n, #f, line:sub(1, 120)))
    end
    local index = tonumber(f[1])
    if index == nil then error(string.format("line %d: GPU index '%s' is not a number", n, f[1])) end
    gpus[#gpus + 1] = {
      index = index,
      name = f[2],
      bus_id = f[3],
      driver_version = f[4],
      persistence_mode = f[5],
      temperature_c = tonumber(f[6]),
    }
  end
  if #gpus == 0 then error("nvidia-smi succeeded but listed no GPU") end
  return { present = true, ok = true, exit_status = 0, count = #gpus,
           driver_version = gpus[1].driver_version, gpus = gpus }
end

return { parse = parse }
