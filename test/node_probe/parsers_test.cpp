// SPDX-License-Identifier: Apache-2.0
// Every parser on the captured outputs of CentOS 7, Alibaba Cloud Linux 2 and 3, Ubuntu 22.04
// and Debian 12 (fixtures/nodes/captured/<os>/, expectations in expected.json), plus the
// parsers' edge cases.
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>

#include "kpatrol/collect/node_probe.h"
#include "kpatrol/collect/probe_parsers.h"
#include "support.h"

namespace fs = std::filesystem;
namespace probe = kpatrol::collect::probe;
using kpatrol::model::Json;
using kpatrol::test::nodeFixtures;
using kpatrol::test::readFile;

namespace {

const char* const kOses[] = {"centos7", "alinux2", "alinux3", "ubuntu2204", "debian12"};

// `expected` is a subset of `actual`: objects key by key, arrays element by element (same
// length), numbers with a relative tolerance.
bool subset(const Json& expected, const Json& actual, const std::string& where, std::string* why) {
  if (expected.is_object()) {
    if (!actual.is_object()) {
      *why = where + ": not an object: " + actual.dump();
      return false;
    }
    for (auto it = expected.begin(); it != expected.end(); ++it) {
      if (!actual.contains(it.key())) {
        *why = where + "." + it.key() + ": missing in " + actual.dump();
        return false;
      }
      if (!subset(it.value(), actual[it.key()], where + "." + it.key(), why)) return false;
    }
    return true;
  }
  if (expected.is_array()) {
    if (!actual.is_array() || actual.size() != expected.size()) {
      *why = where + ": expected " + expected.dump() + ", got " + actual.dump();
      return false;
    }
    for (std::size_t i = 0; i < expected.size(); ++i) {
      if (!subset(expected[i], actual[i], where + "[" + std::to_string(i) + "]", why)) return false;
    }
    return true;
  }
  if (expected.is_number() && actual.is_number()) {
    double e = expected.get<double>();
    double a = actual.get<double>();
    if (std::fabs(e - a) <= 1e-9 * std::max(1.0, std::fabs(e))) return true;
  } else if (expected == actual) {
    return true;
  }
  *why = where + ": expected " + expected.dump() + ", got " + actual.dump();
  return false;
}

Json orError(const kpatrol::Result<Json>& r) {
  if (!r) return Json{{"error", r.error().message}};
  return r.value();
}

std::vector<probe::Item> itemsUnder(const fs::path& dir, const std::string& sub,
                                    const std::string& prefix) {
  std::vector<probe::Item> items;
  if (!fs::is_directory(dir / sub)) return items;
  std::vector<fs::path> paths;
  for (const auto& e : fs::directory_iterator(dir / sub)) paths.push_back(e.path());
  std::sort(paths.begin(), paths.end());
  for (const auto& p : paths) {
    items.push_back({prefix + "/" + p.filename().string(), readFile(p)});
  }
  return items;
}

// Parses one captured file (or group) the way the probe does. nullopt: not a parser input.
std::optional<Json> parseCaptured(const fs::path& dir, const std::string& name) {
  auto text = [&] { return readFile(dir / name); };
  if (name == "os-release") return orError(probe::parseOsRelease(text()));
  if (name == "redhat-release") return orError(probe::parseRedhatRelease(text()));
  if (name == "meminfo") return orError(probe::parseMeminfo(text()));
  if (name == "swaps") return orError(probe::parseSwaps(text()));
  if (name == "df-P.txt") return orError(probe::parseDfP(text()));
  if (name == "df-Pi.txt") return orError(probe::parseDfPi(text()));
  if (name == "nf_conntrack.txt") return orError(probe::parseNfConntrackStat(text()));
  if (name == "sshd-T.txt") return probe::parseSshdT(text());
  if (name == "auditctl-s.txt") return probe::parseAuditctlStatus(text());
  if (name == "auditctl-l.txt") return Json{{"rules", probe::countAuditRules(text())}};
  if (name.starts_with("dig")) return orError(probe::parseDig(text()));
  if (name.starts_with("nslookup")) return orError(probe::parseNslookup(text()));
  if (name.starts_with("getent")) return orError(probe::parseGetentHosts(text()));
  if (name == "chronyc-tracking.txt") return orError(probe::parseChronyTracking(text()));
  if (name == "timedatectl.txt") return orError(probe::parseTimedatectl(text()));
  if (name == "ntpq.txt") return orError(probe::parseNtpq(text()));
  if (name == "login.defs") return probe::parseLoginDefs(text());
  if (name == "resolv.conf") return probe::parseResolvConf(text());
  if (name == "stat.txt") {
    Json out = Json::array();
    probe::IdNames ids;
    std::istringstream in(text());
    for (std::string line; std::getline(in, line);) {
      out.push_back(orError(probe::parseStatLine(line, ids)));
    }
    return out;
  }
  if (name == "pam") {
    auto items = itemsUnder(dir, "pam.d", "/etc/pam.d");
    auto sec = itemsUnder(dir, "security", "/etc/security");
    items.insert(items.end(), sec.begin(), sec.end());
    return probe::parsePam(items);
  }
  if (name == "sshd_config") {
    std::vector<probe::Item> items = {{"/etc/ssh/sshd_config", readFile(dir / "sshd_config")}};
    auto d = itemsUnder(dir, "sshd_config.d", "/etc/ssh/sshd_config.d");
    items.insert(items.end(), d.begin(), d.end());
    return probe::parseSshdConfigFiles(items);
  }
  return std::nullopt;
}

}  // namespace

TEST_CASE("captured outputs: every parser on every OS format") {
  for (const char* os : kOses) {
    CAPTURE(os);
    const fs::path dir = nodeFixtures() / "captured" / os;
    Json expected = Json::parse(readFile(dir / "expected.json"));
    // Every captured file has an expectation (dmesg.txt is checked through the script).
    std::set<std::string> names;
    for (const auto& e : fs::directory_iterator(dir)) {
      std::string n = e.path().filename().string();
      if (n == "expected.json") continue;
      if (n == "pam.d" || n == "security") n = "pam";
      if (n == "sshd_config.d") n = "sshd_config";
      names.insert(n);
    }
    for (const auto& n : names) {
      CAPTURE(n);
      CHECK(expected.contains(n));
    }
    for (auto it = expected.begin(); it != expected.end(); ++it) {
      if (it.key() == "dmesg.txt") continue;
      CAPTURE(it.key());
      auto parsed = parseCaptured(dir, it.key());
      REQUIRE(parsed.has_value());
      std::string why;
      bool ok = subset(it.value(), *parsed, it.key(), &why);
      CAPTURE(why);
      CHECK(ok);
    }
  }
}

TEST_CASE("captured kernel messages: counted by the script's own awk on each OS's format") {
  for (const char* os : kOses) {
    CAPTURE(os);
    const fs::path dir = nodeFixtures() / "captured" / os;
    Json expected = Json::parse(readFile(dir / "expected.json"))["dmesg.txt"];
    kpatrol::test::ScratchDir tmp;
    const fs::path root = tmp.path() / "r";
    kpatrol::test::prepareRoot("worker", root);
    {
      std::ofstream log(root / "var/log/messages", std::ios::binary | std::ios::trunc);
      log << readFile(dir / "dmesg.txt");
    }
    auto r = kpatrol::collect::collectHostRoot(root, {}, "k");
    REQUIRE(r.ok());
    const Json& km = r.value().facts["kernel_messages"];
    for (const char* k : {"conntrack_full", "oom_kill", "hung_task"}) {
      CAPTURE(k);
      CHECK(km[k]["count"] == expected[k]);
      CHECK(km[k]["samples"].size() == std::min<std::size_t>(5, expected[k].get<std::size_t>()));
    }
  }
}

TEST_CASE("framing: only markers with the header's nonce count") {
  const std::string n = "KP-0123456789abcdef0123";
  std::string out = "motd line from a login shell\nKPATROL-PROBE 1 " + n + " max=200\n" + n +
                    " begin a\nhello\nKP-ffffffffffffffffffff end a rc=0\nworld\n" + n +
                    " end a rc=3\n" + n + " begin b\n" + std::string(200, 'z') + "XYZ\n" + n +
                    " end b rc=0\n" + n + " begin c\n\n" + n + " item one\nx\n" + n +
                    " item two\n\n" + n + " end c rc=0\n" + n + " done\n";
  auto f = probe::splitSections(out);
  REQUIRE(f.ok());
  CHECK(f.value().nonce == n);
  CHECK(f.value().complete);
  const auto& a = f.value().sections.at("a");
  CHECK(a.body == "hello\nKP-ffffffffffffffffffff end a rc=0\nworld");
  CHECK(a.rc == 3);
  const auto& b = f.value().sections.at("b");
  CHECK(b.truncated);
  CHECK(b.body == std::string(200, 'z'));
  auto items = probe::splitItems(f.value().sections.at("c").body, n);
  REQUIRE(items.size() == 2);
  CHECK(items[0].label == "one");
  CHECK(items[0].body == "x");
  CHECK(items[1].label == "two");
  CHECK(items[1].body == "");
  CHECK_FALSE(probe::splitSections("no header at all").ok());
  CHECK_FALSE(probe::splitSections("KPATROL-PROBE 1 short max=1\n").ok());
}

TEST_CASE("argv and flags") {
  static const char kRaw[] = "/usr/bin/kubelet\0--a=b\0--c\0d\0--e\0--f=\0";
  auto argv = probe::splitCmdline(std::string(kRaw, sizeof kRaw - 1));
  CHECK(argv == std::vector<std::string>{"/usr/bin/kubelet", "--a=b", "--c", "d", "--e", "--f="});
  Json flags = probe::parseFlags(argv);
  CHECK(flags["a"] == "b");
  CHECK(flags["c"] == "d");
  CHECK(flags["e"] == "true");
  CHECK(flags["f"] == "");
  CHECK(probe::splitCmdline("").empty());
  CHECK(probe::parseVersion("Kubernetes v1.28.3\n") == "v1.28.3");
  CHECK(probe::parseVersion("containerd github.com/containerd/containerd v1.7.2 7880925980b1") ==
        "v1.7.2");
  CHECK(probe::parseVersion("Docker version 24.0.5, build ced0996") == "24.0.5");
  CHECK_FALSE(probe::parseVersion("no version here").has_value());
}

TEST_CASE("effective kubelet config: defaults depend on whether a config file is used") {
  Json none = Json::object();
  Json src;
  Json flagsOnly = probe::effectiveKubeletConfig(none, nullptr, &src);
  CHECK(flagsOnly["authentication"]["anonymous"]["enabled"] == true);
  CHECK(flagsOnly["authorization"]["mode"] == "AlwaysAllow");
  CHECK(flagsOnly["readOnlyPort"] == 10255);
  Json file = Json::object();
  Json withFile = probe::effectiveKubeletConfig(none, &file, &src);
  CHECK(withFile["authentication"]["anonymous"]["enabled"] == false);
  CHECK(withFile["readOnlyPort"] == 0);
  CHECK(src["readOnlyPort"] == "default");
  Json flags = {{"eviction-hard", "memory.available<200Mi,nodefs.available<5%"},
                {"tls-cipher-suites", "TLS_AES_128_GCM_SHA256,TLS_AES_256_GCM_SHA384"},
                {"event-qps", "0"}};
  Json e = probe::effectiveKubeletConfig(flags, &file, &src);
  CHECK(e["evictionHard"]["memory.available"] == "200Mi");
  CHECK(e["tlsCipherSuites"].size() == 2);
  CHECK(e["eventRecordQPS"] == 0);
  CHECK(src["eventRecordQPS"] == "flag");
}

TEST_CASE("certificates: garbage, empty and kubeconfig base64") {
  std::vector<std::string> errors;
  CHECK(probe::parsePemCertificates("", "/x", &errors).empty());
  CHECK(probe::parsePemCertificates("-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----\n",
                                    "/x", &errors)
            .empty());
  CHECK(errors.size() == 1);
  std::string ca = readFile(nodeFixtures() / "roots/kubeadm-master/etc/kubernetes/pki/ca.crt");
  std::string two = ca + "\n# comment between blocks\n" + ca;
  CHECK(probe::parsePemCertificates(two, "/two", &errors).size() == 2);
  CHECK(probe::decodeBase64("aGVsbG8=") == "hello");
  CHECK_FALSE(probe::decodeBase64("not base64!").has_value());
}

TEST_CASE("endpoint items: served certificate, refused, timed out, failed, malformed") {
  const std::string pem =
      readFile(nodeFixtures() / "roots/kubeadm-master/etc/kubernetes/pki/apiserver.crt");
  auto ok = probe::parseEndpointItem("endpoint 0 kube-apiserver 127.0.0.1:6443",
                                     "! depth=0 verify error:num=20\n" + pem);
  REQUIRE(ok);
  CHECK(ok.value()["status"] == "ok");
  CHECK(ok.value()["port"] == 6443);
  CHECK(ok.value()["component"] == "kube-apiserver");
  CHECK(ok.value()["certificate"]["path"] == "endpoint 127.0.0.1:6443");
  CHECK(ok.value()["certificate"]["subject"] == "CN=kube-apiserver");
  CHECK_FALSE(ok.value().contains("reason"));

  // OpenSSL 3 and 1.1 word a refused connection differently; both say "refused".
  auto refused = probe::parseEndpointItem(
      "endpoint 1 kubelet 127.0.0.1:10250",
      "! 40A7C1F0E97F0000:error:8000006F:system library:BIO_connect:Connection refused:"
      "../crypto/bio/bio_sock2.c:114:calling connect()\n");
  REQUIRE(refused);
  CHECK(refused.value()["status"] == "closed");
  auto refused11 = probe::parseEndpointItem("endpoint 1 etcd 127.0.0.1:2379",
                                            "! connect: Connection refused\n! connect:errno=111\n");
  REQUIRE(refused11);
  CHECK(refused11.value()["status"] == "closed");

  auto slow = probe::parseEndpointItem("endpoint 124 etcd-peer 10.0.0.11:2380", "");
  REQUIRE(slow);
  CHECK(slow.value()["status"] == "timeout");

  auto reset = probe::parseEndpointItem("endpoint 1 kube-scheduler 127.0.0.1:10259",
                                        "! write:errno=104 (Connection reset by peer)\n");
  REQUIRE(reset);
  CHECK(reset.value()["status"] == "error");
  CHECK(reset.value()["reason"] == "write:errno=104 (Connection reset by peer)");

  auto broken = probe::parseEndpointItem("endpoint 0 kubelet 127.0.0.1:10250",
                                         "-----BEGIN CERTIFICATE-----\nAAAA\n"
                                         "-----END CERTIFICATE-----\n");
  REQUIRE(broken);
  CHECK(broken.value()["status"] == "error");
  CHECK(broken.value()["reason"].get<std::string>().find("does not parse") != std::string::npos);

  CHECK_FALSE(probe::parseEndpointItem("endpoint 0 kubelet", ""));
  CHECK_FALSE(probe::parseEndpointItem("endpoint x kubelet 127.0.0.1:10250", ""));
  CHECK_FALSE(probe::parseEndpointItem("endpoint 0 kubelet 127.0.0.1:99999", ""));
}

TEST_CASE("endpoint certificates: each is paired with the file its component serves from") {
  const std::string n = "KP-0123456789abcdef0123";
  const std::string pem =
      readFile(nodeFixtures() / "roots/kubeadm-master/etc/kubernetes/pki/apiserver.crt");
  const std::string nul(1, '\0');
  std::string out =
      "KPATROL-PROBE 1 " + n + " max=100000\n" + n + " begin processes\n\n" + n +
      " item 10 0 kube-apiserver\n/usr/local/bin/kube-apiserver" + nul +
      "--tls-cert-file=/etc/kubernetes/pki/apiserver.crt" + nul + "\n" + n + " item 11 0 etcd\n" +
      "etcd" + nul + "--peer-cert-file=/etc/kubernetes/pki/etcd/peer.crt" + nul + "\n" + n +
      " item env 11\nETCD_CERT_FILE=/etc/kubernetes/pki/etcd/server.crt\n" + n +
      " item 12 0 kubelet\n/usr/bin/kubelet" + nul + "--rotate-server-certificates" + nul + "\n" +
      n + " end processes rc=0\n" + n + " begin endpoints\n\n" + n +
      " item endpoint 0 kube-apiserver 127.0.0.1:6443\n" + pem + "\n" + n +
      " item endpoint 1 kubelet 127.0.0.1:10250\n! connect:errno=111 Connection refused\n" + n +
      " item endpoint 1 kube-scheduler 127.0.0.1:10259\n! connect:errno=111 Connection refused\n" +
      n + " item endpoint 1 etcd 127.0.0.1:2379\n! Connection refused\n" + n +
      " item endpoint 1 etcd-peer 127.0.0.1:2380\n! Connection refused\n" + n +
      " end endpoints rc=0\n" + n + " done\n";
  auto r = kpatrol::collect::parseProbeOutput(out, "node/x", "ssh");
  const Json& list = r.facts["endpoint_certificates"];
  REQUIRE(list.size() == 5);
  CHECK(list[0]["configured_file"] == "/etc/kubernetes/pki/apiserver.crt");
  CHECK(list[0]["status"] == "ok");
  CHECK(list[1]["configured_file"] == "/var/lib/kubelet/pki/kubelet-server-current.pem");
  CHECK_FALSE(list[2].contains("configured_file"));  // self-signed in memory
  CHECK(list[3]["configured_file"] == "/etc/kubernetes/pki/etcd/server.crt");  // environment
  CHECK(list[4]["configured_file"] == "/etc/kubernetes/pki/etcd/peer.crt");
  for (const char* rc : {"125", "126", "127"}) {
    CAPTURE(rc);
    std::string o2 = "KPATROL-PROBE 1 " + n + " max=1000\n" + n + " begin endpoints\n\n" + n +
                     " end endpoints rc=" + rc + "\n" + n + " done\n";
    auto r2 = kpatrol::collect::parseProbeOutput(o2, "node/x", "ssh");
    CHECK_FALSE(r2.facts.contains("endpoint_certificates"));
    int errors = 0;
    for (const auto& e : r2.errors) errors += e.fact == "endpoint_certificates" ? 1 : 0;
    CHECK(errors == 1);
  }
}

TEST_CASE("files: stat records, names from the node's passwd") {
  probe::IdNames ids;
  probe::parsePasswd("root:0:0:/bin/bash\netcd:997:995:/sbin/nologin\nbroken\n", &ids);
  probe::parseGroup("root:0\netcd:995\n", &ids);
  std::string body = std::string("/etc/a") + '\0' + "600 0 0 10 1700000000 regular file\n" +
                     "/var/lib/etcd" + '\0' + "700 997 995 4096 1700000000 directory\n" +
                     "/missing" + '\0' + "missing\n" + "/bad" + '\0' + "error\n" + "relative" +
                     '\0' + "644 0 0 1 1 regular file\n";
  Json files = probe::parseFileRecords(body, ids);
  CHECK(files["/etc/a"]["mode"] == "0600");
  CHECK(files["/etc/a"]["owner"] == "root");
  CHECK(files["/var/lib/etcd"]["owner"] == "etcd");
  CHECK(files["/var/lib/etcd"]["group"] == "etcd");
  CHECK(files["/missing"]["exists"] == false);
  CHECK(files["/bad"].contains("error"));
  CHECK_FALSE(files.contains("relative"));
  CHECK_FALSE(probe::parseStatLine("99999 0 0 1 1 regular file", ids).ok());
  CHECK_FALSE(probe::parseStatLine("644 x 0 1 1 regular file", ids).ok());
}

TEST_CASE("parsers reject malformed input as errors, not exceptions") {
  CHECK_FALSE(probe::parseOsRelease("NAME=x\n").ok());
  CHECK_FALSE(probe::parseRedhatRelease("").ok());
  CHECK_FALSE(probe::parseUptime("abc").ok());
  CHECK_FALSE(probe::parseMeminfo("garbage").ok());
  CHECK_FALSE(probe::parseSwaps("x").ok());
  CHECK_FALSE(probe::parseNfConntrackStat("entries a\n00 00 00\n").ok());
  CHECK_FALSE(probe::parseNfConntrackStat("entries x\nzz 00\n").ok());
  CHECK_FALSE(probe::parseDfP("Filesystem 1024-blocks\n").ok());
  CHECK_FALSE(probe::parseDig("").ok());
  CHECK_FALSE(probe::parseChronyTracking("506 Cannot talk to daemon\n").ok());
  CHECK_FALSE(probe::parseTimedatectl("Failed to connect to bus").ok());
  CHECK_FALSE(probe::parseShadowSummary("").ok());
  CHECK(probe::parseSysctlLines("a/b=1\nbad key=2\n=3\n") == Json{{"a.b", "1"}});
  Json k = probe::parseKernelSummary("count oom_kill 3\ncount bogus 9\nsample oom_kill x\n");
  CHECK(k["oom_kill"]["count"] == 3);
  CHECK(k["oom_kill"]["samples"] == Json::array({"x"}));
  CHECK_FALSE(k.contains("bogus"));
}

TEST_CASE("DNS: no resolver tool on the node is an error for dns.resolution, not a crash") {
  const std::string n = "KP-0123456789abcdef0123";
  std::string out = "KPATROL-PROBE 1 " + n + " max=1000\n" + n + " begin meta\nuid=0\n\n" + n +
                    " end meta rc=0\n" + n + " begin dns\n\n" + n + " end dns rc=127\n" + n +
                    " done\n";
  auto r = kpatrol::collect::parseProbeOutput(out, "node/x", "ssh");
  bool found = false;
  for (const auto& e : r.errors) {
    if (e.fact == "dns.resolution") {
      found = true;
      CHECK(e.message == "no dig, nslookup or getent on the node");
      CHECK(e.subject == "node/x");
      CHECK(e.source == "ssh");
    }
  }
  CHECK(found);
  CHECK_FALSE(r.facts.contains("dns"));
}

TEST_CASE("kubelet config with invalid UTF-8 still gives JSON that can be written") {
  const std::string n = "KP-0123456789abcdef0123";
  std::string out = "KPATROL-PROBE 1 " + n + " max=100000\n" + n + " begin processes\n\n" + n +
                    " item 10 0 kubelet\n/usr/bin/kubelet" + std::string(1, '\0') +
                    "--config=/c.yaml" + std::string(1, '\0') + "\n" + n + " end processes rc=0\n" +
                    n + " begin kubelet-config\n\n" + n +
                    " item config /c.yaml\nreadOnlyPort: 0\nname: \"\xff\xfe\"\n\n" + n +
                    " end kubelet-config rc=0\n" + n + " done\n";
  auto r = kpatrol::collect::parseProbeOutput(out, "node/x", "ssh");
  REQUIRE(r.facts.contains("kubelet"));
  CHECK(r.facts["kubelet"]["config"]["readOnlyPort"] == 0);
  CHECK_NOTHROW((void)r.facts.dump());
}
