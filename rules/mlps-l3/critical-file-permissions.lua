-- 等保 8.1.4.2 f) (AC-17/AC-18): access to the important system files is limited to their owner
-- (file-level access-control granularity).
--
-- Semantics: facts.files (the node probe records /etc/{passwd,group,shadow,gshadow,sudoers,
-- crontab,login.defs}, the sshd config and host keys, grub.cfg). Each entry of `files` gives a
-- path and the loosest acceptable mode; SSH private host keys (/etc/ssh/ssh_host_*_key) must be
-- 0640 or stricter (0600 root:root, or 0640 root:ssh_keys on RHEL). Every checked file must be
-- owned by root. Paths recorded as absent are skipped (grub.cfg lives in /boot/grub or
-- /boot/grub2); paths not recorded at all are listed as not collected. None of them collected:
-- error (never pass).
local mlps = require("mlps")

return {
  api = 1,
  id = "mlps-l3/critical-file-permissions",
  title = {
    en = "Account, sudo, SSH, cron and boot files are accessible to root only",
    zh = "账户、sudo、SSH、计划任务与引导配置等重要文件的权限仅限 root",
  },
  severity = "medium",
  scope = "node",
  requires = { "files" },
  applies = function(s) return s.roles.virtual ~= true end,
  baselines = { mlps = { control = "8.1.4.2 f)" } },
  params = {
    files = {
      default = {
        { path = "/etc/passwd", max = "0644" },
        { path = "/etc/group", max = "0644" },
        { path = "/etc/shadow", max = "0640" },
        { path = "/etc/gshadow", max = "0640" },
        { path = "/etc/sudoers", max = "0440" },
        { path = "/etc/login.defs", max = "0644" },
        { path = "/etc/ssh/sshd_config", max = "0600" },
        { path = "/etc/crontab", max = "0600" },
        { path = "/boot/grub2/grub.cfg", max = "0600" },
        { path = "/boot/grub/grub.cfg", max = "0600" },
      },
      description = "files and the loosest mode each may have ({ path, max })",
    },
    host_key_max = { default = "0640", description = "loosest mode of SSH private host keys" },
  },
  impact = {
    en = "Readable /etc/shadow or SSH host keys hand out password hashes and the node's "
      .. "identity; writable passwd, sudoers, crontab or grub.cfg let a local user become root "
      .. "or change the boot parameters.",
    zh = "/etc/shadow 或 SSH 主机私钥可读会泄露口令哈希与节点身份；passwd、sudoers、crontab、grub.cfg "
      .. "可写则普通用户可提权为 root 或篡改启动参数。",
  },
  remediation = {
    en = "Set the modes and owner: `chown root:root /etc/passwd /etc/group /etc/sudoers "
      .. "/etc/crontab /etc/ssh/sshd_config; chmod 644 /etc/passwd /etc/group /etc/login.defs; "
      .. "chmod 640 /etc/shadow /etc/gshadow` (RHEL: 000), `chmod 440 /etc/sudoers; chmod 600 "
      .. "/etc/ssh/sshd_config /etc/crontab /etc/ssh/ssh_host_*_key /boot/grub*/grub.cfg`.",
    zh = "设置权限与属主：`chown root:root /etc/passwd /etc/group /etc/sudoers /etc/crontab "
      .. "/etc/ssh/sshd_config; chmod 644 /etc/passwd /etc/group /etc/login.defs; chmod 640 /etc/shadow "
      .. "/etc/gshadow`（RHEL 为 000），`chmod 440 /etc/sudoers; chmod 600 /etc/ssh/sshd_config /etc/crontab "
      .. "/etc/ssh/ssh_host_*_key /boot/grub*/grub.cfg`。",
  },
  references = { "GB/T 22239-2019 8.1.4.2 f)", "GB/T 28448-2019 L3-CES1-10" },
  tags = { "node", "permissions" },
  check = function(s, ctx)
    local files = s.facts.files
    local checks = {}
    for _, f in ipairs(ctx.param("files")) do checks[#checks + 1] = { path = f.path, max = f.max } end
    local keys = {}
    for path in pairs(files) do
      if type(path) == "string" and path:match("^/etc/ssh/ssh_host_[%w_]+_key$") then
        keys[#keys + 1] = path
      end
    end
    table.sort(keys)
    for _, k in ipairs(keys) do checks[#checks + 1] = { path = k, max = ctx.param("host_key_max") } end
    local bad, good, missing = {}, {}, {}
    for _, c in ipairs(checks) do
      local e = files[c.path]
      if e == nil then
        missing[#missing + 1] = c.path
      elseif e.exists ~= false then
        local problems = {}
        if e.mode == nil then problems[#problems + 1] = "mode not collected"
        elseif not ctx.mode_at_most(e.mode, c.max) then
          problems[#problems + 1] = "mode " .. e.mode .. " > " .. c.max
        end
        if e.owner ~= nil and e.owner ~= "root" then problems[#problems + 1] = "owner " .. e.owner end
        if #problems > 0 then
          bad[#bad + 1] = c.path .. " (" .. table.concat(problems, ", ") .. ")"
        else
          good[#good + 1] = string.format("%s %s", c.path, tostring(e.mode))
        end
      end
    end
    local evidence = { actual = #bad > 0 and mlps.join(bad, "; ") or mlps.join(good, ", "),
                       expected = "root-owned, modes within the listed maxima",
                       not_collected = missing }
    if #bad == 0 and #good == 0 then
      return ctx.error(mlps.msg("none of the important system files was collected (files: "
        .. mlps.join(missing) .. ")", "未采集到任何重要系统文件（" .. mlps.join(missing) .. "）"))
    end
    if #bad > 0 then
      return ctx.fail(mlps.msg(string.format("%d file%s too open: %s", #bad, #bad == 1 and "" or "s",
        mlps.join(bad, "; ")),
        string.format("%d 个重要文件的权限或属主过宽：%s", #bad, mlps.join(bad, "；"))), evidence)
    end
    return ctx.pass(mlps.msg(#good .. " files root-only as required: " .. mlps.join(good, ", "),
      #good .. " 个重要文件的属主和权限符合要求（仅 root 可写）：" .. mlps.join(good, "，")), evidence)
  end,
}
