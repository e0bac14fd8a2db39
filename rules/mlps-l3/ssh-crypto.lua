-- 等保 8.1.4.1 c) (IA-20/IA-22): SSH, the remote administration channel, uses protocol 2 and
-- no weak algorithms.
--
-- Semantics (effective settings, `sshd -T`): fail when Protocol includes 1, or when Ciphers,
-- MACs or KexAlgorithms contain an entry matching one of `weak` (substring, case-insensitive:
-- CBC ciphers, arcfour, 3des, hmac-md5, 96-bit MACs, diffie-hellman-group1-sha1). A list that
-- sshd did not report is not judged (the OpenSSH defaults of current releases are strong); the
-- evidence names the lists checked.
local mlps = require("mlps")

return {
  api = 1,
  id = "mlps-l3/ssh-crypto",
  title = {
    en = "SSH uses protocol 2 and no weak ciphers, MACs or key exchange",
    zh = "SSH 使用协议版本 2，且未启用弱加密算法、MAC 与密钥交换算法",
  },
  severity = "medium",
  scope = "node",
  requires = { "sshd" },
  applies = function(s) return s.roles.virtual ~= true end,
  baselines = { mlps = { control = "8.1.4.1 c)" } },
  params = {
    weak = {
      default = { "-cbc", "arcfour", "3des", "hmac-md5", "-96", "diffie-hellman-group1-sha1",
                  "blowfish", "cast128" },
      description = "substrings that mark an algorithm as weak",
    },
  },
  impact = {
    en = "SSH protocol 1 and weak algorithms (CBC mode, RC4, MD5 MACs, 768/1024-bit DH group 1) "
      .. "can be broken or downgraded, exposing the administrator's credentials and session.",
    zh = "SSH 协议 1 与弱算法（CBC 模式、RC4、MD5 MAC、DH group1）可被破解或降级，导致管理员鉴别信息与会话内容泄露。",
  },
  remediation = {
    en = "Remove `Protocol 1` and set strong lists in /etc/ssh/sshd_config, e.g. `Ciphers "
      .. "aes256-gcm@openssh.com,aes128-gcm@openssh.com,aes256-ctr,aes128-ctr`, `MACs "
      .. "hmac-sha2-512-etm@openssh.com,hmac-sha2-256-etm@openssh.com`, `KexAlgorithms "
      .. "curve25519-sha256,diffie-hellman-group16-sha512`; on RHEL 8+ use `update-crypto-policies "
      .. "--set DEFAULT` (never LEGACY). Check with `sshd -T | grep -E 'ciphers|macs|kex'`, then "
      .. "`systemctl reload sshd`.",
    zh = "删除 `Protocol 1`，并在 /etc/ssh/sshd_config 中配置强算法，如 `Ciphers aes256-gcm@openssh.com,"
      .. "aes128-gcm@openssh.com,aes256-ctr,aes128-ctr`、`MACs hmac-sha2-512-etm@openssh.com,"
      .. "hmac-sha2-256-etm@openssh.com`、`KexAlgorithms curve25519-sha256,diffie-hellman-group16-sha512`；"
      .. "RHEL 8+ 使用 `update-crypto-policies --set DEFAULT`（不要用 LEGACY）。用 `sshd -T | grep -E "
      .. "'ciphers|macs|kex'` 核对后执行 `systemctl reload sshd`。",
  },
  references = { "GB/T 22239-2019 8.1.4.1 c)", "GB/T 28448-2019 L3-CES1-03" },
  tags = { "node", "ssh", "crypto" },
  check = function(s, ctx)
    local weak = ctx.param("weak")
    local cfg = mlps.sshd_config(s.facts)
    local bad, checked = {}, {}
    local protocol = cfg.protocol
    if protocol ~= nil and tostring(protocol):find("1") then
      bad[#bad + 1] = "Protocol " .. tostring(protocol)
    end
    local evidence = { protocol = protocol, expected = "protocol 2; no " .. mlps.join(weak) }
    for _, key in ipairs({ "ciphers", "macs", "kexalgorithms" }) do
      local v = cfg[key]
      if v ~= nil then
        checked[#checked + 1] = key
        evidence[key] = v
        local found = {}
        for alg in tostring(v):gmatch("[^,%s]+") do
          for _, w in ipairs(weak) do
            if alg:lower():find(w:lower(), 1, true) then found[#found + 1] = alg break end
          end
        end
        if #found > 0 then bad[#bad + 1] = key .. ": " .. mlps.join(found) end
      end
    end
    evidence.checked = checked
    evidence.actual = #bad > 0 and table.concat(bad, "; ") or "no weak algorithm"
    if #bad > 0 then
      return ctx.fail(mlps.msg("weak SSH settings: " .. table.concat(bad, "; "),
        "SSH 使用了弱协议或弱算法：" .. table.concat(bad, "；")), evidence)
    end
    if #checked == 0 then
      return ctx.pass(mlps.msg("SSH protocol 2; algorithm lists not reported by sshd (OpenSSH "
        .. "defaults)", "SSH 协议版本 2；sshd 未报告算法列表（使用 OpenSSH 默认值）"), evidence)
    end
    return ctx.pass(mlps.msg("SSH protocol 2; no weak algorithm in " .. mlps.join(checked),
      "SSH 协议版本 2；" .. mlps.join(checked) .. " 中没有弱算法"), evidence)
  end,
}
