// SPDX-License-Identifier: Apache-2.0
// Each section parser of the node probe on its own (fuzzing through the framing reaches them
// slowly): the first byte picks the parser (the index in kParsers; make-seeds.py writes seeds
// with it), the rest is the section body.
#include <array>
#include <type_traits>

#include "../fuzz_target.h"
#include "kpatrol/collect/probe_parsers.h"

namespace {

namespace p = kpatrol::collect::probe;
using Json = kpatrol::model::Json;
using Fn = void (*)(std::string_view);

// The section parsers may return the node's raw bytes: parseProbeOutput makes the facts valid
// UTF-8 (the probe_output target checks that), so here only the JSON structure is dumped.
void dump(const Json& j) { (void)j.dump(-1, ' ', false, Json::error_handler_t::replace); }

template <typename R>
void use(const R& r) {
  if (r) {
    if constexpr (std::is_same_v<std::decay_t<decltype(*r)>, Json>) dump(*r);
  }
}

constexpr std::string_view kNonce = "KP-fuzz";

const std::array<Fn, 35> kParsers = {
    [](std::string_view t) { use(p::parseOsRelease(t)); },                // 0 os-release
    [](std::string_view t) { use(p::parseRedhatRelease(t)); },            // 1 redhat-release
    [](std::string_view t) { use(p::parseUptime(t)); },                   // 2 uptime
    [](std::string_view t) { use(p::parseMeminfo(t)); },                  // 3 meminfo
    [](std::string_view t) { use(p::parseSwaps(t)); },                    // 4 swaps
    [](std::string_view t) { dump(p::parseFlags(p::splitCmdline(t))); },  // 5 cmdline
    [](std::string_view t) { (void)p::parseVersion(t); },                 // 6 --version
    [](std::string_view t) {                                              // 7 passwd + group
      p::IdNames ids;
      (void)p::parsePasswd(t, &ids);
      p::parseGroup(t, &ids);
    },
    [](std::string_view t) { use(p::parseStatLine(t, {})); },      // 8 stat line
    [](std::string_view t) { dump(p::parseFileRecords(t, {})); },  // 9 files
    [](std::string_view t) { use(p::parseShadowSummary(t)); },     // 10 shadow
    [](std::string_view t) { dump(p::parseSysctlLines(t)); },      // 11 sysctl
    [](std::string_view t) { use(p::parseNfConntrackStat(t)); },   // 12 nf_conntrack
    [](std::string_view t) { use(p::parseDfP(t)); },               // 13 df -P
    [](std::string_view t) { use(p::parseDfPi(t)); },              // 14 df -Pi
    [](std::string_view t) { dump(p::parseResolvConf(t)); },       // 15 resolv.conf
    [](std::string_view t) { dump(p::parseKernelSummary(t)); },    // 16 kernel summary
    [](std::string_view t) { use(p::parseDig(t)); },               // 17 dig
    [](std::string_view t) { use(p::parseNslookup(t)); },          // 18 nslookup
    [](std::string_view t) { use(p::parseGetentHosts(t)); },       // 19 getent hosts
    [](std::string_view t) { dump(p::parseLoginDefs(t)); },        // 20 login.defs
    [](std::string_view t) { dump(p::parseSshdT(t)); },            // 21 sshd -T
    [](std::string_view t) { dump(p::parseAuditctlStatus(t)); },   // 22 auditctl -s
    [](std::string_view t) { (void)p::countAuditRules(t); },       // 23 auditctl -l
    [](std::string_view t) {                                       // 24 systemctl units
      Json units = Json::object();
      p::parseSystemctlUnits(t, &units);
      dump(units);
    },
    [](std::string_view t) {  // 25 systemctl unit files
      Json units = Json::object();
      p::parseSystemctlUnitFiles(t, &units);
      dump(units);
    },
    [](std::string_view t) {  // 26 wants links
      Json units = Json::object();
      p::parseWantsLinks(t, &units);
      dump(units);
    },
    [](std::string_view t) { dump(p::parseSsListening(t)); },            // 27 ss -ltn
    [](std::string_view t) { dump(p::parseProcNetSockets(t, "tcp")); },  // 28 /proc/net
    [](std::string_view t) { use(p::parseChronyTracking(t)); },          // 29 chronyc tracking
    [](std::string_view t) { use(p::parseTimedatectl(t)); },             // 30 timedatectl
    [](std::string_view t) { use(p::parseNtpq(t)); },                    // 31 ntpq -pn
    [](std::string_view t) {  // 32 multi-file sections: pam.d, sshd_config(.d), profile
      const auto files = p::splitItems(t, kNonce);
      dump(p::parsePam(files));
      dump(p::parseSshdConfigFiles(files));
      dump(p::parseProfile(files));
    },
    [](std::string_view t) { (void)p::decodeBase64(t); },   // 33 base64
    [](std::string_view t) { (void)p::splitSections(t); },  // 34 framing
};

}  // namespace

KPATROL_FUZZ_TARGET(probe_parsers) {
  if (size == 0) return 0;
  kParsers[data[0] % kParsers.size()](kpatrol::fuzz::asText(data + 1, size - 1));
  return 0;
}
