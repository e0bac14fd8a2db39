// SPDX-License-Identifier: Apache-2.0
// The whole probe script run by real shells against the fixture node roots (a copy of
// fixtures/nodes/roots/<name> with its modes), through collectHostRoot / runProbeScript.
#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <thread>

#include "kpatrol/collect/node_probe.h"
#include "kpatrol/collect/probe_parsers.h"
#include "support.h"

namespace fs = std::filesystem;
using kpatrol::collect::collectHostRoot;
using kpatrol::collect::parseProbeOutput;
using kpatrol::collect::ProbeOptions;
using kpatrol::collect::ProbeResult;
using kpatrol::collect::runProbeScript;
using kpatrol::model::Json;
using kpatrol::test::prepareRoot;
using kpatrol::test::ScratchDir;

namespace {

const char* const kSections[] = {"audit-oldest",
                                 "apiserver-files",
                                 "units",
                                 "listening",
                                 "meta",
                                 "os-release",
                                 "redhat-release",
                                 "hostname",
                                 "kernel",
                                 "uptime",
                                 "meminfo",
                                 "swaps",
                                 "cgroup",
                                 "processes",
                                 "kubelet-version",
                                 "containerd-version",
                                 "dockerd-version",
                                 "kubelet-config",
                                 "kube-proxy-config",
                                 "files",
                                 "passwd",
                                 "group",
                                 "shadow",
                                 "login-defs",
                                 "pam",
                                 "sshd-effective",
                                 "sshd-config",
                                 "audit-live",
                                 "audit-files",
                                 "profile",
                                 "time-live",
                                 "time-files",
                                 "sysctl",
                                 "conntrack",
                                 "limits",
                                 "df",
                                 "resolv",
                                 "dns",
                                 "kmsg",
                                 "certificates",
                                 "endpoints"};

ProbeResult collect(const fs::path& root, ProbeOptions options = {}) {
  auto r = collectHostRoot(root, options, "fixture");
  REQUIRE(r.ok());
  return std::move(r).value();
}

std::string rawOutput(const std::string& shell, const fs::path& root, ProbeOptions options = {}) {
  options.root = root.string();
  auto out = runProbeScript(shell, options);
  REQUIRE(out.ok());
  return out.value();
}

const Json* cert(const Json& facts, const std::string& path) {
  for (const auto& c : facts["certificates"]) {
    if (c["path"] == path) return &c;
  }
  return nullptr;
}

std::set<std::string> errorFacts(const ProbeResult& r) {
  std::set<std::string> out;
  for (const auto& e : r.errors) out.insert(e.fact);
  return out;
}

void dumpErrors(const ProbeResult& r) {
  for (const auto& e : r.errors) MESSAGE(e.fact << ": " << e.message);
}

// Every entry under a root: type, mode, size, mtime and content hash.
std::map<std::string, std::string> listing(const fs::path& root) {
  std::map<std::string, std::string> out;
  for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator();
       ++it) {
    struct stat st {};
    REQUIRE(::lstat(it->path().c_str(), &st) == 0);
    std::string desc = std::to_string(st.st_mode) + " " + std::to_string(st.st_size) + " " +
                       std::to_string(st.st_mtim.tv_sec) + "." + std::to_string(st.st_mtim.tv_nsec);
    if (S_ISREG(st.st_mode)) {
      desc += " " + std::to_string(std::hash<std::string>{}(kpatrol::test::readFile(it->path())));
    } else if (S_ISLNK(st.st_mode)) {
      desc += " -> " + fs::read_symlink(it->path()).string();
    }
    out[it->path().lexically_relative(root).string()] = desc;
    if (S_ISLNK(st.st_mode)) it.disable_recursion_pending();  // never follow (loops)
  }
  return out;
}

std::vector<std::string> extraShells() {
  std::vector<std::string> out;
  for (const char* s : {"/usr/bin/dash", "/usr/bin/bash", "/usr/bin/busybox"}) {
    if (fs::exists(s)) out.emplace_back(s);
  }
  return out;
}

}  // namespace

TEST_CASE("master root: the facts the rules read") {
  ScratchDir tmp;
  const fs::path root = tmp.path() / "kubeadm-master";
  prepareRoot("kubeadm-master", root);
  ProbeResult r = collect(root);
  const Json& f = r.facts;
  dumpErrors(r);
  // host roots: no DNS server given, and endpoints are probed on a live host only
  CHECK(errorFacts(r) == std::set<std::string>{"dns.resolution", "endpoint_certificates"});

  CHECK(f["os"]["id"] == "ubuntu");
  CHECK(f["os"]["version_id"] == "22.04");
  CHECK(f["os"]["pretty_name"] == "Ubuntu 22.04.3 LTS");
  CHECK(f["kernel"]["release"] == "5.15.0-91-generic");
  CHECK(f["hostname"] == "master-1");
  CHECK(f["uptime_seconds"] == 2414960);
  CHECK(f["cgroup"]["version"] == 2);  // the unified hierarchy's cgroup.controllers
  CHECK(f["memory"]["total_bytes"] == 16365060ull * 1024);
  CHECK(f["memory"]["available_bytes"] == 9876544ull * 1024);
  CHECK(f["swap"]["total_bytes"] == 0);

  SUBCASE("processes: argv from /proc/*/cmdline, root's process over a user's namesake") {
    const Json& p = f["processes"];
    REQUIRE(p.contains("kube-apiserver"));
    CHECK(p["kube-apiserver"]["pid"] == 2324);
    CHECK(p["kube-apiserver"]["argv"][0] == "kube-apiserver");
    CHECK(p["kube-apiserver"]["argv"][5] == "--authorization-mode=Node,RBAC");
    CHECK(p["kube-apiserver"]["argv"].size() == 13);
    CHECK(p["kubelet"]["pid"] == 1218);
    CHECK(p["kubelet"]["uid"] == 0);
    CHECK(p["kube-controller-manager"]["argv"][0] == "kube-controller-manager");
    CHECK(p["kube-scheduler"]["pid"] == 2383);
    CHECK(p["etcd"]["argv"][1] == "--data-dir=/var/lib/etcd");
    // Only the allow-listed ETCD_ TLS variables, never the rest of the environment.
    CHECK(p["etcd"]["env"] == Json{{"ETCD_PEER_CLIENT_CERT_AUTH", "true"},
                                   {"ETCD_KEY_FILE", "/etc/kubernetes/pki/etcd/server.key"}});
    CHECK(p["kube-proxy"]["pid"] == 3101);
    CHECK(p["containerd"]["pid"] == 812);  // not the containerd-shim
    CHECK_FALSE(p.contains("dockerd"));
    CHECK(f["services"].contains("chronyd"));
    CHECK(f["services"].contains("auditd"));
    CHECK(f["services"].contains("sshd"));
  }

  SUBCASE("kubelet: flags over the config file and its drop-ins over defaults") {
    const Json& k = f["kubelet"];
    CHECK(k["version"] == "v1.28.3");
    CHECK(k["running"] == true);
    CHECK(k["args"]["read-only-port"] == "10255");
    CHECK(k["args"]["anonymous-auth"] == "false");  // "--anonymous-auth false" (two words)
    CHECK(k["args"]["config"] == "/var/lib/kubelet/config.yaml");
    CHECK(k["config_path"] == "/var/lib/kubelet/config.yaml");
    CHECK(k["dropins"] == Json::array({"/var/lib/kubelet/config.d/20-pods.conf"}));
    // The config as the kubelet loads it: the file, then the drop-in merged over it.
    CHECK(k["config"]["readOnlyPort"] == 0);
    CHECK(k["config"]["maxPods"] == 200);
    CHECK(k["config"]["authentication"]["webhook"]["cacheTTL"] == "2m0s");
    CHECK(k["config"]["authentication"]["webhook"]["enabled"] == true);
    CHECK(k["config"]["authentication"]["anonymous"]["enabled"] == false);
    // Effective: flag over file over default.
    const Json& e = k["effective"];
    const Json& src = k["effective_sources"];
    CHECK(e["readOnlyPort"] == 10255);
    CHECK(src["readOnlyPort"] == "flag");
    CHECK(e["authentication"]["anonymous"]["enabled"] == false);
    CHECK(src["authentication.anonymous.enabled"] == "flag");
    CHECK(e["maxPods"] == 200);
    CHECK(src["maxPods"] == "config");
    CHECK(e["cgroupDriver"] == "systemd");
    CHECK(e["streamingConnectionIdleTimeout"] == "4h0m0s");
    CHECK(src["streamingConnectionIdleTimeout"] == "default");
    CHECK(e["featureGates"]["RotateKubeletServerCertificate"] == false);
    CHECK(e["featureGates"]["NodeSwap"] == true);
    CHECK(e["authorization"]["mode"] == "Webhook");
    CHECK_FALSE(e.contains("eventRecordQPS"));
    CHECK(f["kube_proxy"]["mode"] == "ipvs");
    CHECK(f["kube_proxy"]["config"]["conntrack"]["maxPerCore"] == 32768);
    CHECK(f["container_runtime"]["name"] == "containerd");
    CHECK(f["container_runtime"]["version"] == "1.7.2");
  }

  SUBCASE("files: mode, owner and existence of the CIS file set") {
    const Json& files = f["files"];
    auto mode = [&](const char* p) { return files[p]["mode"].get<std::string>(); };
    CHECK(mode("/etc/kubernetes/manifests/kube-apiserver.yaml") == "0600");
    CHECK(mode("/etc/kubernetes/manifests/kube-scheduler.yaml") == "0644");
    CHECK(mode("/etc/kubernetes/admin.conf") == "0600");
    CHECK(mode("/etc/kubernetes/pki/sa.key") == "0666");
    CHECK(mode("/etc/kubernetes/pki/ca.key") == "0600");
    CHECK(mode("/var/lib/kubelet/config.yaml") == "0600");
    CHECK(mode("/etc/shadow") == "0640");
    CHECK(files["/var/lib/etcd"]["mode"] == "0700");
    CHECK(files["/var/lib/etcd"]["type"] == "directory");
    CHECK(files["/etc/kubernetes/pki"]["type"] == "directory");
    CHECK(files["/etc/kubernetes/super-admin.conf"]["exists"] == false);
    CHECK(files["/etc/kubernetes/manifests/kube-apiserver.yaml"]["uid"] == ::getuid());
    if (::getuid() == 0) {
      CHECK(files["/etc/kubernetes/admin.conf"]["owner"] == "root");
      CHECK(files["/etc/kubernetes/admin.conf"]["group"] == "root");
    }
    // An absolute symlink inside the root is followed inside the root.
    CHECK(files["/var/lib/kubelet/pki/kubelet-client-current.pem"]["exists"] == true);
    CHECK(files["/var/lib/kubelet/pki/kubelet-client-current.pem"]["type"] == "file");
    CHECK(files["/etc/cni/net.d/10-calico.conflist"]["exists"] == true);
    CHECK(files["/etc/systemd/system/kubelet.service.d/10-kubeadm.conf"]["exists"] == true);
    CHECK(files["/lib/systemd/system/kubelet.service"]["exists"] == true);
    CHECK(files["/var/log/audit"]["type"] == "directory");
    CHECK(files["/etc/etcd/etcd.conf"]["exists"] == false);
  }

  SUBCASE("apiserver files (secrets redacted on the node), units, listening sockets") {
    const Json& enc = f["encryption_config"];
    CHECK(enc["path"] == "/etc/kubernetes/enc/enc.yaml");
    const Json& prov = enc["config"]["resources"][0]["providers"];
    CHECK(prov[0]["aescbc"]["keys"][0]["secret"] == "REDACTED");
    CHECK(prov[0]["aescbc"]["keys"][1]["secret"] == "REDACTED");
    CHECK(prov[1].contains("identity"));
    CHECK(f["audit_policy"]["config"]["rules"][0]["level"] == "Metadata");
    CHECK(f["units"]["kubelet.service"]["enabled"] == true);
    CHECK(f["units"]["telnet.socket"]["enabled"] == true);
    const Json& l = f["listening"];
    REQUIRE(l.size() == 5);
    CHECK(l[0] == Json{{"proto", "tcp"}, {"address", "0.0.0.0"}, {"port", 22}});
    CHECK(l[1]["address"] == "127.0.0.1");
    CHECK(l[1]["port"] == 2377);
    CHECK(l[2] == Json{{"proto", "tcp"}, {"address", "10.0.0.11"}, {"port", 23}});
    CHECK(l[3] == Json{{"proto", "tcp"}, {"address", "::"}, {"port", 6443}});
    CHECK(l[4] == Json{{"proto", "udp"}, {"address", "0.0.0.0"}, {"port", 68}});
    CHECK(
        f["accounts"]["users"][0] ==
        Json{{"name", "root"}, {"uid", 0}, {"gid", 0}, {"shell", "/bin/bash"}, {"locked", false}});
    CHECK(f["accounts"]["users"][1]["locked"] == true);  // daemon: "*"
    CHECK(f["audit"]["rules"].size() == 4);
    CHECK(f["audit"]["rules"][0] == "-w /etc/passwd -p wa -k identity");
    CHECK(f["audit"]["oldest_record"] == "2025-10-20T22:40:00Z");  // audit.log.2
    CHECK(f["audit"]["oldest_file"] == "/var/log/audit/audit.log.2");
  }

  SUBCASE("kernel tables") {
    CHECK(f["sysctl"]["net.ipv4.ip_forward"] == "1");
    CHECK(f["sysctl"]["net.bridge.bridge-nf-call-iptables"] == "1");
    CHECK(f["sysctl"]["net.ipv4.ip_local_port_range"] == "32768\t60999");
    CHECK(f["sysctl"]["vm.overcommit_memory"] == "1");
    CHECK(f["sysctl"]["kernel.panic"] == "10");
    CHECK(f["conntrack"]["count"] == 7268);
    CHECK(f["conntrack"]["max"] == 262144);
    CHECK(f["conntrack"]["stats"]["insert_failed"] == 3 + 0x10 + 0 + 1);
    CHECK(f["conntrack"]["stats"]["drop"] == 1 + 2);
    CHECK(f["conntrack"]["stats"]["early_drop"] == 5);
    CHECK(f["conntrack"]["stats"]["invalid"] == 0x1c);
    CHECK(f["conntrack"]["stats"]["entries"] == 7268);  // global, not summed per CPU
    CHECK(f["conntrack"]["stats"]["cpus"] == 4);
    CHECK(f["fd"]["allocated"] == 23257);
    CHECK(f["fd"]["max"] == 9223372036854775807ull);
    CHECK(f["pids"]["current"] == 1287);
    CHECK(f["pids"]["max"] == 4194304);
    REQUIRE(f["filesystems"].contains("/"));
    CHECK(f["filesystems"]["/"]["size_bytes"].get<std::uint64_t>() > 0);
    CHECK(f["filesystems"]["/"].contains("inodes_total"));
    CHECK(f["filesystems"].contains("/var/lib/kubelet"));
    CHECK(f["filesystems"].contains("/var/lib/etcd"));
    CHECK_FALSE(f["filesystems"].contains("/var/lib/docker"));
  }

  SUBCASE("certificates: parsed with OpenSSL, keys never read") {
    const Json* api = cert(f, "/etc/kubernetes/pki/apiserver.crt");
    REQUIRE(api != nullptr);
    CHECK((*api)["subject"] == "CN=kube-apiserver");
    CHECK((*api)["issuer"] == "CN=kubernetes");
    CHECK((*api)["not_before"] == "2025-12-01T00:00:00Z");
    CHECK((*api)["not_after"] == "2026-12-01T00:00:00Z");
    CHECK((*api)["sans"] ==
          Json::array({"kubernetes", "kubernetes.default", "kubernetes.default.svc",
                       "kubernetes.default.svc.cluster.local", "master-1", "10.96.0.1",
                       "10.0.0.11"}));
    CHECK((*api)["key_type"] == "RSA");
    CHECK((*api)["key_bits"] == 2048);
    CHECK((*api)["is_ca"] == false);
    const Json* ca = cert(f, "/etc/kubernetes/pki/ca.crt");
    REQUIRE(ca != nullptr);
    CHECK((*ca)["is_ca"] == true);
    CHECK((*ca)["not_after"] == "2035-11-29T00:00:00Z");
    const Json* etcd = cert(f, "/etc/kubernetes/pki/etcd/server.crt");
    REQUIRE(etcd != nullptr);
    CHECK((*etcd)["key_type"] == "EC");
    CHECK((*etcd)["key_bits"] == 256);
    CHECK((*etcd)["sans"].back() == "::1");
    const Json* client = cert(f, "/var/lib/kubelet/pki/kubelet-client-current.pem");
    REQUIRE(client != nullptr);
    CHECK((*client)["subject"] == "CN=system:node:master-1,O=system:nodes");
    CHECK((*client)["not_after"] == "2026-11-30T10:00:00Z");
    const Json* serving = cert(f, "/var/lib/kubelet/pki/kubelet.crt");
    REQUIRE(serving != nullptr);
    CHECK((*serving)["key_type"] == "Ed25519");
    const Json* admin = cert(f, "/etc/kubernetes/admin.conf#client-certificate-data");
    REQUIRE(admin != nullptr);
    CHECK((*admin)["subject"] == "CN=kubernetes-admin,O=system:masters");
    CHECK(cert(f, "/etc/kubernetes/admin.conf#certificate-authority-data") != nullptr);
    for (const auto& c : f["certificates"]) {
      CHECK(c["path"].get<std::string>().find(".key") == std::string::npos);
    }
    // The rotated client file is listed under both names, as on a real node.
    CHECK(cert(f, "/var/lib/kubelet/pki/kubelet-client-2025-11-30-10-00-00.pem") != nullptr);
    CHECK(f["certificates"].size() == 12);
  }

  SUBCASE("等保 baseline") {
    CHECK(f["accounts"]["uid0"] == Json::array({"root", "toor"}));
    CHECK(f["accounts"]["empty_password"]["count"] == 1);
    CHECK(f["accounts"]["empty_password"]["names"] == Json::array({"legacyops"}));
    CHECK(f["login_defs"]["PASS_MAX_DAYS"] == 90);
    CHECK(f["login_defs"]["PASS_MIN_DAYS"] == 1);
    CHECK(f["login_defs"]["UMASK"] == "027");
    CHECK(f["login_defs"]["ENCRYPT_METHOD"] == "SHA512");
    CHECK(f["pam"]["pwquality"]["module"] == "pam_pwquality");
    CHECK(f["pam"]["pwquality"]["minlen"] == 10);  // the PAM line over pwquality.conf
    CHECK(f["pam"]["pwquality"]["minclass"] == 3);
    CHECK(f["pam"]["pwquality"]["dcredit"] == -1);
    CHECK(f["pam"]["lockout"]["module"] == "pam_faillock");
    CHECK(f["pam"]["lockout"]["deny"] == 5);
    CHECK(f["pam"]["lockout"]["unlock_time"] == 300);
    CHECK(f["pam"]["lockout"]["even_deny_root"] == true);
    CHECK(f["pam"]["remember"] == 5);
    CHECK(f["sshd"]["source"] == "sshd_config");
    const Json& s = f["sshd"]["settings"];
    CHECK(s["permitrootlogin"] == "no");  // the drop-in, included first, wins
    CHECK(s["passwordauthentication"] == "no");
    CHECK(s["clientaliveinterval"] == "600");
    CHECK(s["clientalivecountmax"] == "3");
    CHECK(s["maxauthtries"] == "4");
    CHECK(s["x11forwarding"] == "yes");
    CHECK(s["permitemptypasswords"] == "no");  // OpenSSH default
    CHECK(f["audit"]["auditd_running"] == true);
    CHECK(f["audit"]["rules_count"] == 4);
    CHECK(f["audit"]["auditd_conf"]["max_log_file_action"] == "ROTATE");
    CHECK(f["shell"]["tmout"] == 600);  // readonly in tmout.sh: later.sh cannot change it
    CHECK(f["shell"]["tmout_readonly"] == true);
    CHECK(f["shell"]["umask"] == "027");
    CHECK(f["time_sync"]["service"] == "chronyd");
    CHECK(f["time_sync"]["servers"] == Json::array({"ntp.aliyun.com", "ntp1.aliyun.com"}));
    CHECK(f["dns"]["resolv_conf"]["nameservers"] == Json::array({"127.0.0.53"}));
    CHECK(f["dns"]["resolv_conf"]["options"]["edns0"] == "");
    CHECK(f["dns"]["resolv_conf_upstream"]["nameservers"] ==
          Json::array({"100.100.2.136", "100.100.2.138"}));
    const Json& km = f["kernel_messages"];
    CHECK(km["source"] == "/var/log/kern.log");
    CHECK(km["conntrack_full"]["count"] == 7);
    CHECK(km["conntrack_full"]["samples"].size() == 5);
    CHECK(km["oom_kill"]["count"] == 2);
    CHECK(km["hung_task"]["count"] == 1);
    CHECK(km["hung_task"]["samples"][0].get<std::string>().find("jbd2/vda1-8:311") !=
          std::string::npos);
  }
}

TEST_CASE("master root: no password hash and no private key in the raw output") {
  ScratchDir tmp;
  const fs::path root = tmp.path() / "m";
  prepareRoot("kubeadm-master", root);
  std::string out = rawOutput("/bin/sh", root);
  for (const char* secret :
       {"FAKEHASH", "FAKESALT", "$6$", "$y$", "PRIVATE KEY", "NOT A KEY",
        "RklYVFVSRSBQTEFDRUhPTERFUiAtIE5PVCBBIEtFWQ", "RklYVFVSRSBQTEFDRUhPTERFUg",
        "placeholder: not a private key", "c2VjcmV0IGlzIHNlY3JldA", "b2xkIHNlY3JldCBrZXk"}) {
    CAPTURE(secret);
    CHECK(out.find(secret) == std::string::npos);
  }
  CHECK(out.find("legacyops") != std::string::npos);
}

TEST_CASE("the same facts with dash, bash and busybox sh, on every fixture root") {
  for (const char* name : {"kubeadm-master", "worker", "hostile"}) {
    CAPTURE(name);
    ScratchDir tmp;
    const fs::path root = tmp.path() / name;
    prepareRoot(name, root);
    ProbeResult ref = collect(root);
    for (const auto& shell : extraShells()) {
      CAPTURE(shell);
      std::string out;
      if (shell.ends_with("busybox")) {
        // busybox runs as sh when called through a link named sh
        fs::path link = tmp.path() / "bin" / "sh";
        fs::create_directories(link.parent_path());
        if (!fs::exists(link)) fs::create_symlink(shell, link);
        out = rawOutput(link.string(), root);
      } else {
        out = rawOutput(shell, root);
      }
      ProbeResult r = parseProbeOutput(out, "node/fixture", "host-root");
      for (const char* k : {"os",
                            "kernel",
                            "processes",
                            "kubelet",
                            "kube_proxy",
                            "files",
                            "certificates",
                            "accounts",
                            "conntrack",
                            "sysctl",
                            "pam",
                            "sshd",
                            "login_defs",
                            "shell",
                            "audit",
                            "kernel_messages",
                            "fd",
                            "pids",
                            "dns",
                            "time_sync",
                            "container_runtime",
                            "swap",
                            "memory"}) {
        CAPTURE(k);
        CHECK(r.facts.value(k, Json()) == ref.facts.value(k, Json()));
      }
      CHECK(errorFacts(r) == errorFacts(ref));
    }
  }
}

TEST_CASE("worker root (CentOS 7): swap, docker, pam_tally2, ntpd, old conntrack columns") {
  ScratchDir tmp;
  const fs::path root = tmp.path() / "worker";
  prepareRoot("worker", root);
  ProbeResult r = collect(root);
  const Json& f = r.facts;
  dumpErrors(r);
  // host roots: no DNS server given, and endpoints are probed on a live host only
  CHECK(errorFacts(r) == std::set<std::string>{"dns.resolution", "endpoint_certificates"});
  CHECK(f["os"]["id"] == "centos");
  CHECK(f["os"]["version_id"] == "7");
  CHECK(f["os"]["redhat_release"] == "CentOS Linux release 7.9.2009 (Core)");
  CHECK(f["kernel"]["release"] == "3.10.0-1160.el7.x86_64");
  CHECK(f["cgroup"]["version"] == 1);  // CentOS 7: one directory per controller
  CHECK(f["swap"]["total_bytes"] == 2097148ull * 1024);
  CHECK(f["swap"]["used_bytes"] == 524288ull * 1024);
  CHECK(f["swap"]["devices"][0]["name"] == "/dev/vdb1");
  CHECK(f["kubelet"]["version"] == "v1.22.15-aliyun.1");
  CHECK(f["kubelet"]["effective"]["failSwapOn"] == false);
  CHECK(f["kubelet"]["effective_sources"]["failSwapOn"] == "flag");
  CHECK(f["kubelet"]["effective"]["readOnlyPort"] == 0);
  CHECK(f["kubelet"]["effective_sources"]["readOnlyPort"] == "config");
  CHECK(f["container_runtime"]["name"] == "docker");
  CHECK(f["container_runtime"]["version"] == "19.03.15");
  CHECK(f["pam"]["lockout"]["module"] == "pam_tally2");
  CHECK(f["pam"]["lockout"]["deny"] == 6);
  CHECK(f["pam"]["lockout"]["unlock_time"] == 120);
  CHECK(f["pam"]["pwquality"]["module"] == "pam_cracklib");
  CHECK(f["pam"]["pwquality"]["minlen"] == 8);
  CHECK(f["login_defs"]["PASS_MAX_DAYS"] == 99999);
  CHECK(f["login_defs"]["UMASK"] == "077");
  CHECK(f["sshd"]["settings"]["permitrootlogin"] == "no");
  CHECK(f["sshd"]["settings"]["clientaliveinterval"] == "0");
  CHECK(f["conntrack"]["count"] == 125000);
  CHECK(f["conntrack"]["stats"]["insert_failed"] == 7 + 10);
  CHECK(f["conntrack"]["stats"]["drop"] == 7 + 10);
  CHECK(f["conntrack"]["stats"]["early_drop"] == 2);
  CHECK(f["conntrack"]["stats"]["searched"] == 0);
  CHECK(f["time_sync"]["service"] == "ntpd");
  CHECK(f["time_sync"]["servers"] == Json::array({"ntp.cloud.aliyuncs.com"}));
  CHECK(f["kernel_messages"]["source"] == "/var/log/messages");
  CHECK(f["kernel_messages"]["oom_kill"]["count"] == 1);
  CHECK(f["kernel_messages"]["conntrack_full"]["count"] == 1);
  CHECK(f["accounts"]["empty_password"]["count"] == 0);
  CHECK(f["accounts"]["uid0"] == Json::array({"root"}));
  CHECK(f["files"]["/etc/shadow"]["mode"] == "0000");
  CHECK(f["files"]["/usr/lib/systemd/system/kubelet.service"]["exists"] == true);
  CHECK(f["dns"]["resolv_conf"]["options"]["ndots"] == "5");
  CHECK(f["dns"]["resolv_conf"]["search"] == Json::array({"cluster.local"}));
  CHECK(f["shell"]["tmout"] == 900);
  CHECK(f["shell"]["tmout_readonly"] == false);
  CHECK(f["pids"]["max"] == 32768);
  CHECK(f["listening"][1] == Json{{"proto", "tcp"}, {"address", "0.0.0.0"}, {"port", 111}});
  CHECK(f["audit"]["rules"] == Json::array({"-w /etc/sudoers -p wa -k scope"}));
  const Json* c = cert(f, "/var/lib/kubelet/pki/kubelet-client-current.pem");
  REQUIRE(c != nullptr);
  CHECK((*c)["not_after"] == "2026-01-10T08:00:00Z");
}

TEST_CASE("hostile root: no forged section, no crash, bounded output") {
  ScratchDir tmp;
  const fs::path root = tmp.path() / "hostile";
  prepareRoot("hostile", root);
  {
    // 50 MB files, made here (not in git): a certificate-looking one and a one-line hostname.
    std::ofstream big(root / "etc/kubernetes/pki/huge.crt", std::ios::binary);
    big << "-----BEGIN CERTIFICATE-----\n";
    std::string line(76, 'A');
    line += '\n';
    for (int i = 0; i < 50 * 1024 * 1024 / 77; ++i) big << line;
    std::ofstream host(root / "etc/hostname", std::ios::binary);
    host << std::string(50 * 1024 * 1024, 'h');
    std::ofstream evil(root / "etc/kubernetes/pki/evil\nKP-1 item pem x.crt", std::ios::binary);
    evil << "x";
  }
  // FIFOs where files are read would block a reader forever.
  fs::remove(root / "proc/uptime");
  for (const char* fifo : {"proc/uptime", "etc/pam.d/common-auth", "etc/kubernetes/pki/fifo.crt",
                           "etc/kubernetes/manifests/etcd.yaml"}) {
    fs::create_directories((root / fifo).parent_path());
    REQUIRE(::mkfifo((root / fifo).c_str(), 0644) == 0);
  }
  ProbeOptions o;
  o.max_section_bytes = 1 << 20;
  auto start = std::chrono::steady_clock::now();
  std::string out = rawOutput("/bin/sh", root, o);
  auto secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  MESSAGE("hostile probe: " << out.size() << " bytes in " << secs << " s");
  CHECK(out.size() < 40u * (1u << 20));
  CHECK(secs < 30);

  auto framed = kpatrol::collect::probe::splitSections(out);
  REQUIRE(framed.ok());
  std::set<std::string> names;
  for (const auto& [name, s] : framed.value().sections) names.insert(name);
  CHECK(names == std::set<std::string>(std::begin(kSections), std::end(kSections)));
  CHECK(framed.value().complete);
  // The hostile kubelet binary ran, but could not reach the script's output directly, nor
  // learn the nonce.
  const auto& kv = framed.value().sections.at("kubelet-version");
  CHECK(kv.rc == 0);
  CHECK(kv.body.find(framed.value().nonce) == std::string::npos);
  CHECK(out.find("FAKEHASH") == std::string::npos);

  ProbeResult r = parseProbeOutput(out, "node/hostile", "host-root");
  const Json& f = r.facts;
  CHECK_NOTHROW((void)f.dump());
  dumpErrors(r);
  // File content is content: the markers inside it did not create sections or facts.
  CHECK(f["os"]["id"] != "");
  CHECK(f["os"]["pretty_name"].get<std::string>().find("\xEF\xBF\xBD") != std::string::npos);
  CHECK_FALSE(f["kubelet"].contains("config"));
  CHECK(f["kubelet"]["version"] == "v6.6.6");
  auto errs = errorFacts(r);
  for (const char* fact :
       {"kubelet.config", "memory", "swap", "uptime_seconds", "conntrack", "fd"}) {
    CAPTURE(fact);
    CHECK(errs.count(fact) == 1);
  }
  // A user-owned process named kube-apiserver is reported with its argv as data.
  CHECK(f["processes"]["kube-apiserver"]["uid"] == 1000);
  CHECK(f["processes"]["kube-apiserver"]["argv"].size() == 3);
  // Links: a loop is "missing", an absolute link stays inside the root, "../.." stops at it.
  CHECK(f["files"]["/etc/kubernetes/admin.conf"]["exists"] == false);
  CHECK(f["files"]["/etc/kubernetes/scheduler.conf"]["size_bytes"] ==
        fs::file_size(root / "etc/passwd"));
  CHECK(f["files"]["/etc/kubernetes/pki/escape.crt"]["exists"] == false);
  for (const auto& c : f["certificates"]) {
    CHECK(c["path"].get<std::string>().find("escape") == std::string::npos);
  }
  CHECK(f["accounts"]["empty_password"]["names"] == Json::array({"?"}));
  CHECK(f["kernel_messages"]["conntrack_full"]["count"] == 1);
  CHECK(f["kernel_messages"]["conntrack_full"]["samples"][0].get<std::string>().size() <= 300);
  CHECK(r.facts["files"].contains("/etc/kubernetes/pki/evil\nKP-1 item pem x.crt"));
  CHECK(f["files"]["/etc/kubernetes/manifests/etcd.yaml"]["type"] == "other");  // the FIFO
  // Links under proc are refused: no swap, no sysctl read through them, no process from them.
  CHECK_FALSE(f.contains("swap"));
  CHECK_FALSE(f["sysctl"].contains("net.ipv4.ip_forward"));
  CHECK_FALSE(f["sysctl"].contains("vm.swappiness"));
  CHECK_FALSE(f["processes"].contains("kube-scheduler"));
}

TEST_CASE("the script leaves every root unchanged") {
  for (const char* name : {"kubeadm-master", "worker", "hostile"}) {
    CAPTURE(name);
    ScratchDir tmp;
    const fs::path root = tmp.path() / name;
    prepareRoot(name, root);
    auto before = listing(root);
    ::sleep(1);  // an access-time-only change would not show; a write would change mtime
    (void)rawOutput("/bin/sh", root);
    for (const auto& shell : extraShells()) {
      if (!shell.ends_with("busybox")) (void)rawOutput(shell, root);
    }
    CHECK(listing(root) == before);
  }
}

TEST_CASE("a small section cap truncates, reported per fact, nothing else breaks") {
  ScratchDir tmp;
  const fs::path root = tmp.path() / "m";
  prepareRoot("kubeadm-master", root);
  ProbeOptions o;
  o.max_section_bytes = 300;
  ProbeResult r = collect(root, o);
  bool truncated = false;
  for (const auto& e : r.errors)
    truncated = truncated || e.message.find("truncated") != std::string::npos;
  CHECK(truncated);
  CHECK(r.facts["kernel"]["release"] == "5.15.0-91-generic");
  CHECK_NOTHROW((void)r.facts.dump());
}

TEST_CASE("every prefix of a real output parses without throwing") {
  ScratchDir tmp;
  const fs::path root = tmp.path() / "m";
  prepareRoot("kubeadm-master", root);
  std::string out = rawOutput("/bin/sh", root);
  for (std::size_t n = 0; n < out.size(); n += 499) {
    ProbeResult r;
    CHECK_NOTHROW(r = parseProbeOutput(std::string_view(out).substr(0, n), "node/x", "ssh"));
    CHECK_NOTHROW((void)r.facts.dump());
    if (n < out.size() / 2) CHECK_FALSE(r.errors.empty());
  }
  // Garbage and a lone header.
  std::string junk;
  for (int i = 0; i < 100000; ++i) junk += static_cast<char>((i * 7919) % 256);
  CHECK(parseProbeOutput(junk, "node/x", "ssh").errors.size() == 1);
  ProbeResult lone = parseProbeOutput("KPATROL-PROBE 1 KP-0123456789abcdef0123 max=10\n", "n", "s");
  CHECK_FALSE(lone.errors.empty());
}

TEST_CASE("cluster DNS probing: the tool is recorded, a dead server is a failed query") {
  ScratchDir tmp;
  const fs::path root = tmp.path() / "w";
  prepareRoot("worker", root);
  ProbeOptions o;
  o.cluster_dns = "127.0.0.1";
  o.external_name = "www.example.invalid";
  ProbeResult r = collect(root, o);
  const Json& res = r.facts["dns"]["resolution"];
  CAPTURE(res.dump());
  CHECK(errorFacts(r).count("dns.resolution") == 0);
  CHECK((res["tool"] == "dig" || res["tool"] == "nslookup" || res["tool"] == "getent"));
  REQUIRE(res["queries"].size() == 2);
  CHECK(res["queries"][0]["name"] == "kubernetes.default.svc.cluster.local");
  CHECK(res["queries"][0]["kind"] == "cluster");
  CHECK(res["queries"][0]["ok"] == false);
  CHECK(res["queries"][1]["kind"] == "external");
}

TEST_CASE("cluster DNS probing against a live responder: answers and latency") {
  if (::getuid() != 0) {
    MESSAGE("skipped: binding port 53 needs root");
    return;
  }
  // The responder listens on a private loopback address, so it cannot clash with a resolver.
  const std::string addr = "127.0.83.53";
  int in[2];
  int out[2];
  REQUIRE(::pipe(in) == 0);
  REQUIRE(::pipe(out) == 0);
  pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(in[0], 0);
    ::dup2(out[1], 1);
    ::close(in[1]);
    ::close(out[0]);
    std::string script = std::string(KPATROL_SOURCE_DIR) + "/test/node_probe/dns_responder.py";
    ::execlp("python3", "python3", script.c_str(), addr.c_str(), "53", nullptr);
    ::_exit(127);
  }
  ::close(in[0]);
  ::close(out[1]);
  char buf[16] = {};
  ssize_t n = ::read(out[0], buf, sizeof buf - 1);
  bool ready = n > 0 && std::string(buf).starts_with("ready");
  if (ready) {
    ScratchDir tmp;
    const fs::path root = tmp.path() / "w";
    prepareRoot("worker", root);
    ProbeOptions o;
    o.cluster_dns = addr;
    o.external_name = "www.example.invalid";
    ProbeResult r = collect(root, o);
    const Json& res = r.facts["dns"]["resolution"];
    CAPTURE(res.dump());
    CHECK(res["server"] == addr);
    REQUIRE(res["queries"].size() == 2);
    if (res["tool"] == "getent") {
      MESSAGE("no dig or nslookup here (bind9-dnsutils): getent cannot target the server");
      ::close(in[1]);
      ::close(out[0]);
      ::kill(pid, SIGTERM);
      ::waitpid(pid, nullptr, 0);
      return;
    }
    const Json& q = res["queries"][0];
    CHECK(q["ok"] == true);
    CHECK(q["status"] == "NOERROR");
    CHECK(q["answers"] == Json::array({"10.96.0.1"}));
    CHECK(q["query_time_ms"].is_number());
    CHECK(q["query_time_ms"].get<double>() < 5000);
    CHECK(res["queries"][1]["ok"] == false);
    CHECK(res["queries"][1]["status"] == "NXDOMAIN");
  }
  ::close(in[1]);  // EOF on stdin stops the responder
  ::close(out[0]);
  int status = 0;
  ::kill(pid, SIGTERM);
  ::waitpid(pid, &status, 0);
  CHECK(ready);
}

TEST_CASE("hostile options are quoted: no injection, unsafe values dropped by the script") {
  ScratchDir tmp;
  const fs::path root = tmp.path() / "w";
  prepareRoot("worker", root);
  fs::remove("/tmp/kpatrol-probe-pwned");
  ProbeOptions o;
  o.cluster_domain = "x'; touch /tmp/kpatrol-probe-pwned; '";
  o.cluster_dns = "$(touch /tmp/kpatrol-probe-pwned)";
  o.external_name = "`touch /tmp/kpatrol-probe-pwned`";
  o.extra_endpoints = "127.0.0.1:1;touch /tmp/kpatrol-probe-pwned";
  ProbeResult r = collect(root, o);
  CHECK_FALSE(fs::exists("/tmp/kpatrol-probe-pwned"));
  CHECK(r.facts["os"]["id"] == "centos");
  CHECK(errorFacts(r).count("dns.resolution") == 1);  // the bad address was dropped
}

TEST_CASE("host root: a hanging node binary is cut by the time limit") {
  ScratchDir tmp;
  const fs::path root = tmp.path() / "w";
  prepareRoot("worker", root);
  {
    std::ofstream k(root / "usr/bin/kubelet");
    k << "#!/bin/sh\nexec sleep 60\n";
  }
  ProbeOptions o;
  o.timeout_seconds = 2;
  auto start = std::chrono::steady_clock::now();
  auto r = collectHostRoot(root, o, "slow");
  auto secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CHECK(secs < 8);
  REQUIRE(r.ok());
  CHECK(errorFacts(r.value()).count("*") == 1);
  CHECK(r.value().facts["os"]["id"] == "centos");  // what came before the hang is kept
}

TEST_CASE("the script as one `sh -c` argument (the SSH form) gives the same facts") {
  ScratchDir tmp;
  const fs::path root = tmp.path() / "m";
  prepareRoot("kubeadm-master", root);
  ProbeOptions o;
  o.root = root.string();
  int status = -1;
  std::string out =
      kpatrol::test::run({"/bin/sh", "-c", kpatrol::collect::probeScript(o)}, &status);
  CHECK(status == 0);
  ProbeResult viaArg = parseProbeOutput(out, "node/fixture", "ssh");
  ProbeResult viaStdin = collect(root);
  for (const char* k : {"processes", "kubelet", "files", "certificates", "accounts", "conntrack"}) {
    CAPTURE(k);
    CHECK(viaArg.facts[k] == viaStdin.facts[k]);
  }
  CHECK(viaArg.errors.size() == viaStdin.errors.size());
  CHECK(viaArg.errors.front().source == "ssh");
}

TEST_CASE("live host (root /): runs read-only, live commands allowed, nothing throws") {
  ProbeResult r = collect("/");
  CHECK(r.facts.contains("os"));
  CHECK(r.facts.contains("kernel"));
  CHECK(r.facts.contains("memory"));
  CHECK(r.facts.contains("files"));
  CHECK_NOTHROW((void)r.facts.dump());
  for (const auto& e : r.errors) MESSAGE("live: " << e.fact << ": " << e.message);
}

namespace {

// A free loopback TCP port (bound and released: the caller binds it again right away).
int freePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  socklen_t len = sizeof a;
  REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0);
  ::close(fd);
  return ntohs(a.sin_port);
}

bool accepting(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return ok;
}

const Json* endpoint(const Json& facts, const std::string& component) {
  for (const auto& e : facts["endpoint_certificates"]) {
    if (e["component"] == component) return &e;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("serving endpoints: a live TLS server's certificate is read, a closed port is not") {
  if (!fs::exists("/usr/bin/openssl")) {
    MESSAGE("skipped: no openssl");
    return;
  }
  // A throwaway key and certificate made here (no key is committed), served by a real
  // `openssl s_server` on a free loopback port, and a second free port nobody listens on.
  ScratchDir tmp;
  const std::string crt = (tmp.path() / "srv.crt").string();
  const std::string key = (tmp.path() / "srv.key").string();
  int status = -1;
  kpatrol::test::run(
      {"/usr/bin/openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
       "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key, "-out", crt, "-days", "3", "-subj",
       "/CN=kpatrol-endpoint-test", "-addext", "subjectAltName=IP:127.0.0.1"},
      &status);
  REQUIRE(status == 0);
  const int port = freePort();
  const int closed = freePort();
  pid_t pid = ::fork();
  if (pid == 0) {
    int devnull = ::open("/dev/null", O_RDWR);
    ::dup2(devnull, 0);
    ::dup2(devnull, 1);
    ::dup2(devnull, 2);
    ::execl("/usr/bin/openssl", "openssl", "s_server", "-accept",
            ("127.0.0.1:" + std::to_string(port)).c_str(), "-cert", crt.c_str(), "-key",
            key.c_str(), "-quiet", nullptr);
    ::_exit(127);
  }
  bool up = false;
  for (int i = 0; i < 100 && !up; ++i) {  // a hang guard only: it is up in milliseconds
    up = accepting(port);
    if (!up) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  if (up) {
    ProbeOptions o;
    o.extra_endpoints =
        "127.0.0.1:" + std::to_string(port) + ",127.0.0.1:" + std::to_string(closed);
    ProbeResult r = collect("/", o);
    dumpErrors(r);
    REQUIRE(r.facts.contains("endpoint_certificates"));
    const Json& list = r.facts["endpoint_certificates"];
    CAPTURE(list.dump());
    // the fixed endpoints are all tried, whatever this machine serves on them
    for (const char* c : {"kube-apiserver", "kubelet", "kube-controller-manager", "kube-scheduler",
                          "etcd", "etcd-peer"}) {
      CAPTURE(c);
      CHECK(endpoint(r.facts, c) != nullptr);
    }
    const Json* served = nullptr;
    const Json* refused = nullptr;
    for (const auto& e : list) {
      if (e["endpoint"] == "127.0.0.1:" + std::to_string(port)) served = &e;
      if (e["endpoint"] == "127.0.0.1:" + std::to_string(closed)) refused = &e;
    }
    REQUIRE(served != nullptr);
    CHECK((*served)["status"] == "ok");
    CHECK((*served)["component"] == "extra");
    CHECK((*served)["port"] == port);
    CHECK((*served)["certificate"]["subject"] == "CN=kpatrol-endpoint-test");
    CHECK((*served)["certificate"]["sans"] == Json::array({"127.0.0.1"}));
    CHECK((*served)["certificate"]["not_after"].is_string());
    REQUIRE(refused != nullptr);
    CHECK((*refused)["status"] == "closed");
    CHECK_FALSE(refused->contains("certificate"));
  }
  ::kill(pid, SIGTERM);
  ::waitpid(pid, nullptr, 0);
  CHECK(up);
}

TEST_CASE("serving endpoints: under a host root they are not probed, and that is an error") {
  ScratchDir tmp;
  const fs::path root = tmp.path() / "m";
  prepareRoot("kubeadm-master", root);
  ProbeResult r = collect(root);
  CHECK_FALSE(r.facts.contains("endpoint_certificates"));
  bool found = false;
  for (const auto& e : r.errors) {
    if (e.fact == "endpoint_certificates") {
      found = true;
      CHECK(e.message.find("live host only") != std::string::npos);
    }
  }
  CHECK(found);
}

TEST_CASE("not root: unreadable facts become errors naming the cause, the rest is kept") {
  if (::getuid() != 0 || !fs::exists("/usr/bin/setpriv")) {
    MESSAGE("skipped: needs root and setpriv to drop to nobody");
    return;
  }
  ScratchDir tmp;
  const fs::path root = tmp.path() / "m";
  prepareRoot("kubeadm-master", root);
  fs::permissions(tmp.path(), fs::perms::all);  // nobody must reach the root
  for (fs::path p = tmp.path(); p != p.root_path(); p = p.parent_path()) {
    if (p == fs::path(KPATROL_BINARY_DIR).parent_path()) break;
    fs::permissions(p, fs::perms::others_exec, fs::perm_options::add);
  }
  const fs::path wrapper = tmp.path() / "sh-as-nobody";
  {
    std::ofstream w(wrapper);
    w << "#!/bin/sh\nexec /usr/bin/setpriv --reuid=65534 --regid=65534 --clear-groups /bin/sh "
         "\"$@\"\n";
  }
  fs::permissions(wrapper, fs::perms::owner_all);
  std::string out = rawOutput(wrapper.string(), root);
  ProbeResult r = parseProbeOutput(out, "node/fixture", "ssh");
  dumpErrors(r);
  CHECK(r.facts["probe"]["uid"] == "65534");
  CHECK(r.facts["os"]["id"] == "ubuntu");
  CHECK(r.facts["files"]["/etc/kubernetes/admin.conf"]["mode"] == "0600");
  std::map<std::string, std::string> errs;
  for (const auto& e : r.errors) errs[e.fact] = e.message;
  CHECK(errs["accounts.empty_password"].find("permission denied") != std::string::npos);
  CHECK(errs["kubelet.config"].find("not readable") != std::string::npos);
  CHECK(errs["sshd"].find("not readable") != std::string::npos);  // sshd_config is 0600
  CHECK(out.find("FAKEHASH") == std::string::npos);
}

TEST_CASE("host root: errors are values") {
  auto r = collectHostRoot("/nonexistent/kpatrol-root", {}, "x");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == kpatrol::Errc::kNotFound);
}
