-- Certificates read from files and from serving endpoints: `local certs = require("certs")`.
local k8s = require("k8s")

local M = {}

-- Whether two certificate facts are the same certificate: the serial numbers when both
-- carry one, otherwise subject, issuer and validity.
function M.same(a, b)
  if a.serial ~= nil and b.serial ~= nil then
    return a.serial == b.serial and a.issuer == b.issuer
  end
  return a.subject == b.subject and a.issuer == b.issuer and a.not_before == b.not_before
    and a.not_after == b.not_after
end

-- The endpoints of facts.endpoint_certificates that answered with a certificate:
-- plain array of { endpoint, component, configured_file, cert }.
function M.served(facts)
  local out = {}
  for _, e in ipairs((facts or {}).endpoint_certificates or {}) do
    if e.status == "ok" and e.certificate ~= nil then
      out[#out + 1] = { endpoint = e.endpoint, component = e.component,
                        configured_file = e.configured_file, cert = e.certificate }
    end
  end
  return out
end

-- The first (leaf) certificate of facts.certificates read from `path`, or nil.
function M.file(facts, path)
  for _, c in ipairs((facts or {}).certificates or {}) do
    if c.path == path then return c end
  end
  return nil
end

-- Served certificates that are not a copy of any certificate file on the node (a stale one
-- still served, or one kept in memory), as certificate facts whose path names the endpoint.
function M.served_only(facts)
  local out = {}
  for _, e in ipairs(M.served(facts)) do
    local known = false
    for _, c in ipairs((facts or {}).certificates or {}) do
      if M.same(c, e.cert) then known = true end
    end
    if not known then
      out[#out + 1] = { path = "endpoint " .. tostring(e.endpoint) .. " (" .. tostring(e.component) .. ")",
                        subject = e.cert.subject, not_after = e.cert.not_after }
    end
  end
  return out
end

return M
