-- IPv4 CIDR arithmetic for the network rules: `local cidr = require("cidr")`.
-- IPv6 ranges are recognised and skipped (parse returns nil for them).
local M = {}

-- "10.244.0.0/16" -> { first = n, last = n, text = ... } or nil; a bare address is a /32.
function M.parse(text)
  if type(text) ~= "string" then return nil end
  local a, b, c, d, bits = text:match("^%s*(%d+)%.(%d+)%.(%d+)%.(%d+)/?(%d*)%s*$")
  if a == nil then return nil end
  local n = 0
  for _, part in ipairs({ a, b, c, d }) do
    local v = tonumber(part)
    if v > 255 then return nil end
    n = n * 256 + v
  end
  local len = bits == "" and 32 or tonumber(bits)
  if len > 32 then return nil end
  local size = 1 << (32 - len)
  local first = n - (n % size)
  return { first = first, last = first + size - 1, text = text:match("^%s*(.-)%s*$") }
end

function M.overlap(x, y)
  return x.first <= y.last and y.first <= x.last
end

function M.contains(outer, inner)
  return outer.first <= inner.first and inner.last <= outer.last
end

return M
