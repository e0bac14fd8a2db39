-- 等保 8.1.4.3 b) (AU-09) and 8.1.5.4 d): audit records carry a correct time — the node clock
-- is synchronised.
--
-- Semantics: facts.time_sync = { synchronized, service, offset_ms, source }. Pass when
-- synchronized is true and |offset_ms| (when known) <= max_offset_ms (default 1000 ms). false or
-- a larger offset: fail. null (the collector could not tell): error with its source.
local mlps = require("mlps")

return {
  api = 1,
  id = "mlps-l3/time-sync",
  title = {
    en = "The node clock is synchronised (NTP/chrony)",
    zh = "节点时间已同步（NTP/chrony），保证审计记录时间准确",
  },
  severity = "medium",
  scope = "node",
  requires = { "time_sync" },
  applies = function(s) return s.roles.virtual ~= true end,
  baselines = { mlps = { control = "8.1.4.3 b)" } },
  params = {
    max_offset_ms = { default = 1000, description = "largest acceptable clock offset (ms)" },
  },
  impact = {
    en = "Audit records must show the date and time of each event (8.1.4.3 b)); with drifting "
      .. "clocks, node, API-server and central logs cannot be correlated, and certificates and "
      .. "tokens fail validation.",
    zh = "审计记录须包含事件的日期和时间（8.1.4.3 b)）；时钟不同步时，节点、API Server 与集中日志无法关联分析，"
      .. "证书与令牌校验也会失败。",
  },
  remediation = {
    en = "Run chronyd (or systemd-timesyncd) against the site's NTP servers: `server <ntp> "
      .. "iburst` in /etc/chrony.conf, `systemctl enable --now chronyd`; check with `chronyc "
      .. "tracking` and `timedatectl show -p NTPSynchronized --value` (yes).",
    zh = "使用 chronyd（或 systemd-timesyncd）同步到单位的 NTP 服务器：在 /etc/chrony.conf 中配置 "
      .. "`server <NTP地址> iburst`，执行 `systemctl enable --now chronyd`；用 `chronyc tracking` 与 "
      .. "`timedatectl show -p NTPSynchronized --value`（应为 yes）核对。",
  },
  references = { "GB/T 22239-2019 8.1.4.3 b)", "GB/T 22239-2019 8.1.5.4 d)" },
  tags = { "node", "audit", "time" },
  check = function(s, ctx)
    local t = s.facts.time_sync
    local max = ctx.param("max_offset_ms")
    local offset = mlps.num(t.offset_ms)
    local evidence = { synchronized = t.synchronized, service = t.service, offset_ms = offset,
                       actual = (t.synchronized == true and "synchronized" or "not synchronized")
                         .. (offset and string.format(", offset %.1f ms", offset) or ""),
                       expected = "synchronized, |offset| <= " .. max .. " ms" }
    local svc = t.service and (" (" .. t.service .. ")") or ""
    local svc_zh = t.service and ("（" .. t.service .. "）") or ""
    if t.synchronized == nil then
      return ctx.error(mlps.msg("the synchronisation state could not be determined" .. svc
        .. (t.source and (" (" .. tostring(t.source) .. ")") or ""),
        "无法确定时间同步状态" .. svc_zh .. (t.source and ("（" .. tostring(t.source) .. "）") or "")))
    end
    if t.synchronized ~= true then
      return ctx.fail(mlps.msg("the clock is not synchronised" .. svc,
        "系统时钟未同步" .. svc_zh .. "，审计记录的时间戳不可靠"), evidence)
    end
    if offset ~= nil and math.abs(offset) > max then
      return ctx.fail(mlps.msg(string.format("the clock is %.0f ms off%s, expected at most %d ms",
        offset, svc, max), string.format("时钟偏差 %.0f 毫秒%s，应不超过 %d 毫秒", offset, svc_zh,
        max)), evidence)
    end
    return ctx.pass(mlps.msg("the clock is synchronised" .. svc
      .. (offset and string.format(", offset %.1f ms", offset) or ""),
      "系统时钟已同步" .. svc_zh .. (offset and string.format("，偏差 %.1f 毫秒", offset) or "")),
      evidence)
  end,
}
