-- The node's clock is synchronised (NPD ntp_check: the NTP service runs and is in sync).
--   no time service, or synchronized false -> fail
--   synchronized but |offset_ms| > max_offset_ms (1000) -> warn
--   synchronized unknown (null) -> warn (the collector could not tell)
local k8s = require("k8s")

return {
  api = 1,
  id = "health/node-time-sync",
  title = { en = "Node clock is synchronised (NTP)", zh = "节点时间同步（NTP）正常" },
  severity = "medium",
  scope = "node",
  requires = { "time_sync" },
  params = {
    max_offset_ms = { default = 1000, description = "warn when the clock offset exceeds this (ms)" },
  },
  impact = {
    en = "A drifting clock breaks certificate validation and token expiry, makes logs and "
      .. "events impossible to correlate and gives metrics-server partial data.",
    zh = "节点时间漂移会导致证书与令牌校验失败、日志和事件时间无法对齐，并使 metrics-server 采集数据不完整（kubectl top 数据缺失）。",
  },
  remediation = {
    en = "Enable and start chronyd (or systemd-timesyncd / ntpd) with a reachable NTP server: "
      .. "systemctl enable --now chronyd; chronyc tracking shows the offset.",
    zh = "启用并启动 chronyd（或 systemd-timesyncd、ntpd）并配置可达的 NTP 服务器：systemctl enable --now chronyd；用 chronyc tracking 查看时间偏差。",
  },
  references = { "ACK node-problem-detector ntp_check", "ACK 报警规则 node-ntp-down" },
  tags = { "node", "time", "node-component" },
  check = function(s, ctx)
    local t = s.facts.time_sync
    local evidence = { service = t.service, synchronized = t.synchronized, offset_ms = t.offset_ms,
                       max_offset_ms = ctx.param("max_offset_ms") }
    if t.service == nil or t.synchronized == false then
      return ctx.fail(string.format("clock is not synchronised (service %s)", tostring(t.service or "none")),
        evidence)
    end
    if t.synchronized ~= true then
      return ctx.warn("synchronisation state unknown (service " .. tostring(t.service) .. ")", evidence)
    end
    local off = tonumber(t.offset_ms)
    if off ~= nil and math.abs(off) > ctx.param("max_offset_ms") then
      return ctx.warn(string.format("synchronised by %s but offset %.1f ms exceeds %d ms", t.service,
        off, ctx.param("max_offset_ms")), evidence)
    end
    return ctx.pass(string.format("synchronised by %s%s", t.service,
      off and string.format(", offset %.3f ms", off) or ""), evidence)
  end,
}
