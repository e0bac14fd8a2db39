// SPDX-License-Identifier: Apache-2.0
// The pure parsers behind parseProbeOutput(): one function per raw format (a file, a command's
// output), so each can be tested on captured outputs of real distributions. None of them
// throws; malformed input gives an Error (kParse) or is skipped line by line.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kpatrol/core/result.h"
#include "kpatrol/model/snapshot.h"

namespace kpatrol::collect::probe {

using model::Json;

// ---- framing (the script's output) --------------------------------------------------------

struct Item {
  std::string label;  // text after "<nonce> item "
  std::string body;
};

struct Section {
  std::string name;
  std::string body;
  int rc = -1;  // -1: no status (the section was cut off or killed)
  bool truncated = false;
};

struct Framed {
  std::string nonce;
  std::size_t max_bytes = 0;
  std::map<std::string, Section, std::less<>> sections;
  bool complete = false;  // the final "<nonce> done" line was seen
};

/// Splits the script's output into sections. Only markers carrying the nonce from the header
/// line count; everything else is content. Fails when there is no header.
Result<Framed> splitSections(std::string_view output);
/// Splits a section body into items ("\n<nonce> item <label>\n"). Text before the first item
/// is dropped.
std::vector<Item> splitItems(std::string_view body, std::string_view nonce);

// ---- OS, kernel, memory ------------------------------------------------------------------

/// os-release: {id, version_id, pretty_name, name, id_like}; needs ID.
Result<Json> parseOsRelease(std::string_view text);
/// /etc/redhat-release ("CentOS Linux release 7.9.2009 (Core)"): {id, version_id, pretty_name}.
Result<Json> parseRedhatRelease(std::string_view text);
/// /proc/uptime: seconds since boot.
Result<double> parseUptime(std::string_view text);
/// /proc/meminfo: {"memory": {total_bytes, available_bytes}, "swap": {total_bytes, used_bytes}}.
Result<Json> parseMeminfo(std::string_view text);
/// /proc/swaps: {"devices": [{name, type, size_bytes, used_bytes}], total_bytes, used_bytes}.
Result<Json> parseSwaps(std::string_view text);

// ---- processes and components ------------------------------------------------------------

/// /proc/<pid>/cmdline: NUL-separated argv (a trailing NUL is not an extra empty argument).
std::vector<std::string> splitCmdline(std::string_view raw);
/// Flags of an argv (argv[0] skipped): "--a=b" and "--a b" -> {"a": "b"}, "--a" -> "true".
Json parseFlags(const std::vector<std::string>& argv);
/// "Kubernetes v1.28.3" -> "v1.28.3"; containerd / docker --version likewise; nullopt if none.
std::optional<std::string> parseVersion(std::string_view text);
/// The kubelet's effective settings: defaults, under the config file (when one is used),
/// under the flags; keys are KubeletConfiguration field paths. `sources` gets, per top-level
/// key, "flag", "config" or "default".
Json effectiveKubeletConfig(const Json& flags, const Json* config, Json* sources);
/// Deep merge: objects merged key by key, everything else replaced (kubelet drop-ins).
void mergeInto(Json& base, const Json& overlay);

// ---- files and accounts -----------------------------------------------------------------

struct IdNames {
  std::map<std::int64_t, std::string> users;
  std::map<std::int64_t, std::string> groups;
};
/// The "passwd" section (name:uid:gid:shell) and "group" section (name:gid).
Json parsePasswd(std::string_view text, IdNames* ids);
void parseGroup(std::string_view text, IdNames* ids);
/// One `stat -c '%a %u %g %s %Y %F'` line: {exists, mode "0644", uid, gid, owner, group,
/// size_bytes, type}. Owner and group names come from the node's passwd/group when known.
Result<Json> parseStatLine(std::string_view line, const IdNames& ids);
/// The "files" section: "<path>\0<stat line or missing|dangling|error>\n" records.
Json parseFileRecords(std::string_view body, const IdNames& ids);
/// The "shadow" section (our awk's summary): {count, names (empty password), locked (names),
/// entries}.
Result<Json> parseShadowSummary(std::string_view text);

// ---- kernel tables and usage -------------------------------------------------------------

/// `key=value` or `key:value` (grep -H) lines; "/" in keys becomes "." (sysctl names).
Json parseSysctlLines(std::string_view text);
/// /proc/net/stat/nf_conntrack: per-CPU hex rows summed -> {insert_failed, drop, early_drop,
/// ...every column}.
Result<Json> parseNfConntrackStat(std::string_view text);
/// `df -Pk PATH`: {device, size_bytes, used_bytes, available_bytes, mount}.
Result<Json> parseDfP(std::string_view text);
/// `df -Pi PATH`: {inodes_total, inodes_used, inodes_free}.
Result<Json> parseDfPi(std::string_view text);
/// resolv.conf: {nameservers, search, options}.
Json parseResolvConf(std::string_view text);
/// The kernel-message summary of the script's awk ("count <kind> N", "sample <kind> line").
Json parseKernelSummary(std::string_view text);

// ---- DNS ------------------------------------------------------------------------------------

/// dig: {status, answers, query_time_ms, server}; nslookup and getent: {status, answers}.
Result<Json> parseDig(std::string_view text);
Result<Json> parseNslookup(std::string_view text);
Result<Json> parseGetentHosts(std::string_view text);

// ---- baseline (等保) ----------------------------------------------------------------------

/// login.defs: every "KEY value" line (PASS_MAX_DAYS, UMASK, ENCRYPT_METHOD, ...).
Json parseLoginDefs(std::string_view text);
/// PAM: per file, the module lines {type, control, module, args{}} of the password-quality and
/// lockout modules, plus a summary {pwquality: {...}, lockout: {module, deny, unlock_time}}.
Json parsePam(const std::vector<Item>& files);
/// `sshd -T`: {keyword (lower case): value}.
Json parseSshdT(std::string_view text);
/// sshd_config plus drop-ins: {"settings": the effective global settings (first value wins,
/// Include followed among the given files, Match blocks ignored, keys in lower case, OpenSSH's
/// upstream defaults for the keys baselines read), "defaulted": [keys that took a default]}.
/// Distributions patch some defaults (RHEL 7/8 permit root login): `sshd -T` is preferred.
Json parseSshdConfigFiles(const std::vector<Item>& files);
/// `auditctl -s`: {enabled: N, ...}; `auditctl -l` or rules files: rule count.
Json parseAuditctlStatus(std::string_view text);
int countAuditRules(std::string_view text);
/// TMOUT and umask settings found in the profile files: {tmout, tmout_readonly, umask, files}.
Json parseProfile(const std::vector<Item>& files);

// ---- services and sockets ---------------------------------------------------------------------

/// `systemctl list-units --plain --no-legend` (unit load active sub ...) into
/// units[unit] = {active, state}; `systemctl list-unit-files --no-legend` into {enabled,
/// masked}; the script's "<dir>.wants <unit>" lines into {enabled: true}.
void parseSystemctlUnits(std::string_view text, Json* units);
void parseSystemctlUnitFiles(std::string_view text, Json* units);
void parseWantsLinks(std::string_view text, Json* units);
/// `ss -tulpn`: [{proto, address, port, process}] of listening TCP and unconnected UDP sockets.
Json parseSsListening(std::string_view text);
/// /proc/net/{tcp,tcp6,udp,udp6} (`proto` names which): the same without process names.
Json parseProcNetSockets(std::string_view text, std::string_view proto);

// ---- time sync ------------------------------------------------------------------------------

/// `chronyc -n tracking`: {synchronized, offset_ms, reference, stratum}.
Result<Json> parseChronyTracking(std::string_view text);
/// `timedatectl status` (CentOS 7 and newer systemd): {synchronized, ntp_enabled}.
Result<Json> parseTimedatectl(std::string_view text);
/// `ntpq -pn`: {synchronized (a '*' peer), offset_ms}.
Result<Json> parseNtpq(std::string_view text);

// ---- certificates (OpenSSL) ----------------------------------------------------------------

/// Every certificate in PEM text: [{path, subject, issuer, serial, not_before, not_after, sans,
/// key_type, key_bits, is_ca}]. Blocks that do not parse are reported in `errors`.
std::vector<Json> parsePemCertificates(std::string_view pem, const std::string& path,
                                       std::vector<std::string>* errors);
/// One item of the "endpoints" section: label "endpoint <exit status> <component> <host:port>",
/// body the first certificate `openssl s_client` printed and "! <line>" lines saying why a
/// connection failed. {endpoint, component, port, status: "ok" (certificate: as
/// parsePemCertificates, path "endpoint <host:port>") | "closed" (refused) | "timeout" |
/// "error" (reason)}. Fails on a malformed label.
Result<Json> parseEndpointItem(std::string_view label, std::string_view body);

/// Base64 (kubeconfig *-data fields) to bytes; nullopt when not base64.
std::optional<std::string> decodeBase64(std::string_view text);

}  // namespace kpatrol::collect::probe
