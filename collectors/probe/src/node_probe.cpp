// SPDX-License-Identifier: Apache-2.0
// The probe script (embedded from script/probe.sh), the quoting function, and the assembly of
// host facts from the script's sections (docs/snapshot.md, host facts).
#include "kpatrol/collect/node_probe.h"

#include <ctime>
#include <exception>
#include <set>

#include "kpatrol/collect/probe_parsers.h"
#include "kpatrol/core/embedded.h"
#include "kpatrol/core/yaml_json.h"
#include "kpatrol/model/json_get.h"
#include "text.h"

namespace kpatrol {
std::span<const EmbeddedFile> probeScriptFiles();
}

namespace kpatrol::collect {

using model::Json;
using namespace probe;  // NOLINT(google-build-using-namespace)

std::string shellQuote(std::string_view arg) {
  // Single quotes keep every byte literally except the quote itself, which is closed,
  // escaped and reopened. A NUL byte cannot be part of a shell word (argv and the command
  // string are C strings), so it is dropped.
  std::string out = "'";
  out.reserve(arg.size() + 2);
  for (char c : arg) {
    if (c == '\'') {
      out += "'\\''";
    } else if (c != '\0') {
      out += c;
    }
  }
  out += "'";
  return out;
}

std::string probeScript(const ProbeOptions& options) {
  std::string_view body;
  for (const auto& f : probeScriptFiles()) {
    if (f.path == "probe.sh") body = f.data;
  }
  std::string script;
  script += "R=" + shellQuote(options.root.empty() ? "/" : options.root) + "\n";
  script += "D=" + shellQuote(options.cluster_domain) + "\n";
  script += "S=" + shellQuote(options.cluster_dns) + "\n";
  script += "X=" + shellQuote(options.external_name) + "\n";
  script += "E=" + shellQuote(options.extra_endpoints) + "\n";
  script += "M=" + shellQuote(std::to_string(options.max_section_bytes)) + "\n";
  script += body;
  script += options.plugin_sections;
  return script;
}

namespace {

struct Assembler {
  const Framed& framed;
  std::string subject;
  std::string source;
  ProbeResult& r;
  std::map<std::string, std::string> meta;

  Json& facts() { return r.facts; }

  void error(const std::string& fact, const std::string& message) {
    r.errors.push_back(model::CollectionError{subject, fact, source, message});
  }

  // The section, or nullptr with an error for `fact` when it is absent or failed.
  const Section* section(const char* name, const std::string& fact, bool report = true) {
    auto it = framed.sections.find(name);
    if (it == framed.sections.end()) {
      if (report) error(fact, std::string("probe section '") + name + "' missing (output cut off)");
      return nullptr;
    }
    if (it->second.truncated && report) {
      error(fact, std::string("probe section '") + name + "' truncated at " +
                      std::to_string(framed.max_bytes) + " bytes; the fact may be incomplete");
    }
    return &it->second;
  }

  std::vector<Item> items(const Section& s) const { return splitItems(s.body, framed.nonce); }

  static std::string rcText(const Section& s) {
    if (s.rc == 127) return "command not found on the node";
    if (s.rc == 13) return "permission denied (run as root or with sudo)";
    if (s.rc == 2) return "file not found";
    if (s.rc < 0) return "cut off";
    return "exit status " + std::to_string(s.rc);
  }

  void parseMeta() {
    auto it = framed.sections.find("meta");
    if (it == framed.sections.end()) return;
    for (auto line : text::lines(it->second.body)) {
      auto eq = line.find('=');
      if (eq != std::string_view::npos) {
        meta[std::string(line.substr(0, eq))] = std::string(line.substr(eq + 1));
      }
    }
  }
  bool live() const {
    auto it = meta.find("live");
    return it != meta.end() && it->second == "1";
  }

  void os() {
    const Section* osr = section("os-release", "os", false);
    const Section* rh = section("redhat-release", "os", false);
    if (osr && osr->rc == 0) {
      if (auto v = parseOsRelease(osr->body)) {
        facts()["os"] = std::move(v).value();
        if (rh && rh->rc == 0) {
          auto first = text::lines(rh->body);
          if (!first.empty())
            facts()["os"]["redhat_release"] = text::sanitize(text::trim(first[0]));
        }
        return;
      }
    }
    if (rh && rh->rc == 0) {
      if (auto v = parseRedhatRelease(rh->body)) {
        facts()["os"] = std::move(v).value();
        return;
      }
    }
    error("os", "no readable /etc/os-release or /etc/redhat-release");
  }

  void kernelAndUptime() {
    if (const Section* s = section("kernel", "kernel")) {
      auto f = text::fields(s->body);
      if (s->rc == 0 && !f.empty()) {
        facts()["kernel"] = {{"release", text::sanitize(f[0])}};
      } else {
        error("kernel", "kernel release not readable (" + rcText(*s) + ")");
      }
    }
    if (const Section* s = section("hostname", "hostname", false)) {
      auto f = text::fields(s->body);
      if (s->rc == 0 && !f.empty()) facts()["hostname"] = text::sanitize(f[0]);
    }
    if (const Section* s = section("uptime", "uptime_seconds")) {
      if (auto v = parseUptime(s->body)) {
        facts()["uptime_seconds"] = static_cast<std::int64_t>(v.value());
      } else {
        error("uptime_seconds", v.error().message);
      }
    }
  }

  void cgroup() {
    const Section* s = section("cgroup", "cgroup");
    if (!s) return;
    auto f = text::fields(s->body);
    if (s->rc == 0 && !f.empty() && (f[0] == "1" || f[0] == "2")) {
      facts()["cgroup"] = {{"version", f[0] == "2" ? 2 : 1}};
    } else {
      error("cgroup", "no cgroup hierarchy found under /sys/fs/cgroup (" + rcText(*s) + ")");
    }
  }

  void memory() {
    const Section* s = section("meminfo", "memory");
    if (!s) return;
    auto v = parseMeminfo(s->body);
    if (!v) {
      error("memory", v.error().message);
      error("swap", v.error().message);
      return;
    }
    facts()["memory"] = v.value()["memory"];
    if (v.value().contains("swap")) {
      facts()["swap"] = v.value()["swap"];
    } else {
      error("swap", "meminfo has no SwapTotal");
    }
    if (const Section* sw = section("swaps", "swap", false)) {
      if (auto d = parseSwaps(sw->body); d && facts().contains("swap")) {
        facts()["swap"]["devices"] = d.value()["devices"];
      }
    }
  }

  // Picks, per component, the root-owned process first, then the lowest pid: any user can
  // start a process called "kubelet", only root runs the real one.
  void processes() {
    const Section* s = section("processes", "processes");
    if (!s) return;
    static const std::map<std::string, std::string> kComponents = {
        {"kubelet", "kubelet"},
        {"kube-apiserver", "kube-apiserver"},
        {"kube-controller", "kube-controller-manager"},
        {"kube-scheduler", "kube-scheduler"},
        {"etcd", "etcd"},
        {"kube-proxy", "kube-proxy"},
        {"containerd", "containerd"},
        {"dockerd", "dockerd"}};
    static const std::map<std::string, std::string> kDaemons = {
        {"auditd", "auditd"},
        {"chronyd", "chronyd"},
        {"ntpd", "ntpd"},
        {"systemd-timesyn", "systemd-timesyncd"},
        {"sshd", "sshd"},
        {"crond", "crond"},
        {"cron", "cron"},
        {"rsyslogd", "rsyslogd"},
        {"systemd-journal", "systemd-journald"}};
    Json procs = Json::object();
    Json services = Json::object();
    std::map<std::int64_t, Json> envs;
    for (const auto& item : items(*s)) {
      auto f = text::fields(item.label);
      if (f.size() == 2 && f[0] == "env") {
        if (auto pid = text::toInt(f[1])) {
          Json env = Json::object();
          for (auto line : text::lines(item.body)) {
            auto eq = line.find('=');
            if (eq != std::string_view::npos && text::startsWith(line, "ETCD_")) {
              env[std::string(line.substr(0, eq))] = text::sanitize(line.substr(eq + 1));
            }
          }
          envs[*pid] = std::move(env);
        }
        continue;
      }
      if (f.size() != 3) continue;
      auto pid = text::toInt(f[0]);
      if (!pid) continue;
      std::string comm(f[2]);
      if (auto d = kDaemons.find(comm); d != kDaemons.end()) {
        services[d->second]["running"] = true;
        if (!services[d->second].contains("pid")) services[d->second]["pid"] = *pid;
        continue;
      }
      auto c = kComponents.find(comm);
      if (c == kComponents.end()) continue;
      auto argv = splitCmdline(item.body);
      if (argv.empty()) continue;  // kernel threads and zombies have no argv
      std::string_view base = argv[0];
      if (auto slash = base.rfind('/'); slash != std::string_view::npos)
        base.remove_prefix(slash + 1);
      if (!text::startsWith(base, c->second)) continue;  // truncated comm: check the real name
      auto uid = text::toInt(f[1]);
      Json entry = {{"pid", *pid}, {"argv", argv}};
      if (uid) entry["uid"] = *uid;
      auto cur = procs.find(c->second);
      if (cur != procs.end()) {
        bool cur_root = cur->contains("uid") && (*cur)["uid"] == 0;
        bool new_root = uid && *uid == 0;
        if (cur_root && !new_root) continue;
        if (cur_root == new_root && (*cur)["pid"].get<std::int64_t>() < *pid) continue;
      }
      procs[c->second] = std::move(entry);
    }
    for (auto& [name, p] : procs.items()) {
      auto e = envs.find(p["pid"].get<std::int64_t>());
      if (e != envs.end()) p["env"] = e->second;
    }
    facts()["processes"] = std::move(procs);
    facts()["services"] = std::move(services);
  }

  std::optional<Json> yamlFile(const std::string& text_body, const std::string& path,
                               const std::string& fact) {
    // yaml-cpp keeps invalid UTF-8 in strings, which JSON cannot hold: clean it first.
    auto j = parseYamlToJson(text::sanitize(text_body), path);
    if (!j) {
      error(fact, "cannot parse " + path + ": " + j.error().message);
      return std::nullopt;
    }
    if (!j.value().is_object()) {
      error(fact, path + " is not a YAML mapping");
      return std::nullopt;
    }
    return std::move(j).value();
  }

  void kubelet() {
    const Json& procs = facts().contains("processes") ? facts()["processes"] : Json::object();
    bool running = procs.contains("kubelet");
    Json k = Json::object();
    Json flags = Json::object();
    if (running) {
      flags = parseFlags(procs["kubelet"]["argv"].get<std::vector<std::string>>());
      k["args"] = flags;
    }
    k["running"] = running;
    if (const Section* v = section("kubelet-version", "kubelet.version", false)) {
      if (v->rc == 0) {
        if (auto ver = parseVersion(v->body)) k["version"] = *ver;
      }
    }
    const Section* cs = section("kubelet-config", "kubelet.config");
    std::optional<Json> config;
    bool config_file_used = false;
    if (cs) {
      Json dropins = Json::array();
      for (const auto& item : items(*cs)) {
        if (text::startsWith(item.label, "config ")) {
          std::string path = text::sanitize(item.label.substr(7));
          k["config_path"] = path;
          if (auto j = yamlFile(item.body, path, "kubelet.config")) {
            config = std::move(j);
            config_file_used = true;
          }
        } else if (text::startsWith(item.label, "unreadable ")) {
          std::string path = text::sanitize(item.label.substr(11));
          k["config_path"] = path;
          error("kubelet.config", path +
                                      " not readable (permission denied: run as root or with "
                                      "sudo)");
        } else if (text::startsWith(item.label, "dropin ")) {
          std::string path = text::sanitize(item.label.substr(7));
          if (auto j = yamlFile(item.body, path, "kubelet.config")) {
            if (!config) config = Json::object();
            mergeInto(*config, *j);
            dropins.push_back(path);
          }
        }
      }
      if (!dropins.empty()) {
        k["config_dir"] = model::stringAt(flags, {"config-dir"});
        k["dropins"] = dropins;
      }
      if (flags.contains("config") && !config && !k.contains("config_path")) {
        error("kubelet.config", "the kubelet's --config file " +
                                    flags["config"].get<std::string>() + " could not be read");
      }
    }
    if (!running && !config) return;  // no kubelet on this host
    if (config) k["config"] = *config;
    Json sources;
    k["effective"] =
        effectiveKubeletConfig(flags, config_file_used && config ? &*config : nullptr, &sources);
    k["effective_sources"] = sources;
    facts()["kubelet"] = std::move(k);
  }

  void kubeProxy() {
    const Json& procs = facts().contains("processes") ? facts()["processes"] : Json::object();
    if (!procs.contains("kube-proxy")) return;
    Json p = Json::object();
    p["args"] = parseFlags(procs["kube-proxy"]["argv"].get<std::vector<std::string>>());
    if (const Section* s = section("kube-proxy-config", "kube_proxy.config", false)) {
      for (const auto& item : items(*s)) {
        if (!text::startsWith(item.label, "config ")) continue;
        std::string path = text::sanitize(item.label.substr(7));
        p["config_path"] = path;
        if (auto j = yamlFile(item.body, path, "kube_proxy.config")) p["config"] = *j;
      }
    }
    std::string mode;
    if (p["args"].contains("proxy-mode")) {
      mode = p["args"]["proxy-mode"].get<std::string>();
    } else if (p.contains("config") && p["config"].contains("mode") &&
               p["config"]["mode"].is_string()) {
      mode = p["config"]["mode"].get<std::string>();
    }
    p["mode"] = mode.empty() ? "iptables" : mode;  // kube-proxy's default on Linux
    facts()["kube_proxy"] = std::move(p);
  }

  void runtime() {
    const Json& procs = facts().contains("processes") ? facts()["processes"] : Json::object();
    std::string endpoint;
    if (facts().contains("kubelet")) {
      const Json& k = facts()["kubelet"];
      if (k.contains("effective") && k["effective"].contains("containerRuntimeEndpoint") &&
          k["effective"]["containerRuntimeEndpoint"].is_string()) {
        endpoint = k["effective"]["containerRuntimeEndpoint"].get<std::string>();
      }
    }
    std::string name;
    if (endpoint.find("containerd") != std::string::npos) {
      name = "containerd";
    } else if (endpoint.find("dockershim") != std::string::npos ||
               endpoint.find("cri-dockerd") != std::string::npos) {
      name = "dockerd";
    } else if (procs.contains("containerd")) {
      name = "containerd";
    } else if (procs.contains("dockerd")) {
      name = "dockerd";
    }
    if (name.empty()) return;
    Json rt = {{"name", name == "dockerd" ? "docker" : name}, {"running", procs.contains(name)}};
    rt["healthy"] = procs.contains(name);
    if (const Section* v = section((name + "-version").c_str(), "container_runtime", false)) {
      if (v->rc == 0) {
        if (auto ver = parseVersion(v->body)) rt["version"] = *ver;
      }
    }
    if (!endpoint.empty()) rt["endpoint"] = endpoint;
    facts()["container_runtime"] = std::move(rt);
  }

  void filesAndAccounts() {
    IdNames ids;
    Json accounts = Json::object();
    Json list = Json::array();
    if (const Section* s = section("passwd", "accounts")) {
      if (s->rc == 0) {
        list = parsePasswd(s->body, &ids);
        Json uid0 = Json::array();
        for (const auto& a : list) {
          if (a["uid"] == 0) uid0.push_back(a["name"]);
        }
        accounts["uid0"] = uid0;
        accounts["count"] = list.size();
      } else {
        error("accounts", "/etc/passwd not readable: " + rcText(*s));
      }
    }
    if (const Section* s = section("group", "files", false)) parseGroup(s->body, &ids);
    if (const Section* s = section("shadow", "accounts.empty_password")) {
      if (s->rc == 0) {
        if (auto v = parseShadowSummary(s->body)) {
          accounts["empty_password"] = {{"count", v.value()["count"]},
                                        {"names", v.value()["names"]}};
          std::set<std::string> locked;
          for (const auto& n : v.value()["locked"]) locked.insert(n.get<std::string>());
          for (auto& a : list) a["locked"] = locked.count(a["name"].get<std::string>()) > 0;
        } else {
          error("accounts.empty_password", v.error().message);
        }
      } else {
        error("accounts.empty_password", "/etc/shadow not readable: " + rcText(*s));
      }
    }
    if (!list.empty()) {
      Json users = Json::array();
      for (auto& a : list) {
        users.push_back({{"name", a["name"]},
                         {"uid", a["uid"]},
                         {"gid", a["gid"]},
                         {"shell", a["shell"]},
                         {"locked", a.contains("locked") ? a["locked"] : Json(nullptr)}});
      }
      accounts["users"] = std::move(users);
    }
    if (!accounts.empty()) facts()["accounts"] = std::move(accounts);
    if (const Section* s = section("files", "files")) {
      facts()["files"] = parseFileRecords(s->body, ids);
    }
  }

  void baseline() {
    if (const Section* s = section("login-defs", "login_defs")) {
      auto it = items(*s);
      if (!it.empty()) {
        facts()["login_defs"] = parseLoginDefs(it.front().body);
      } else {
        error("login_defs", "/etc/login.defs not readable");
      }
    }
    if (const Section* s = section("pam", "pam")) {
      auto it = items(*s);
      if (it.empty()) {
        error("pam", "no PAM configuration readable under /etc/pam.d");
      } else {
        facts()["pam"] = parsePam(it);
      }
    }
    // sshd: the effective settings from `sshd -T` on a live host, else the files.
    Json sshd;
    if (const Section* s = section("sshd-effective", "sshd", false); s && s->rc == 0) {
      Json t = parseSshdT(s->body);
      if (!t.empty()) sshd = {{"source", "sshd -T"}, {"settings", t}};
    }
    if (sshd.is_null()) {
      if (const Section* s = section("sshd-config", "sshd")) {
        auto it = items(*s);
        bool main = false;
        for (const auto& i : it) main = main || i.label == "/etc/ssh/sshd_config";
        if (main) {
          Json parsed = parseSshdConfigFiles(it);
          sshd = {{"source", "sshd_config"},
                  {"settings", parsed["settings"]},
                  {"defaulted", parsed["defaulted"]}};
        } else {
          error("sshd", "/etc/ssh/sshd_config not readable and sshd -T not available");
        }
      }
    }
    if (!sshd.is_null()) facts()["sshd"] = std::move(sshd);

    Json audit = Json::object();
    const Json& services = facts().contains("services") ? facts()["services"] : Json::object();
    audit["auditd_running"] = services.contains("auditd");
    bool have_rules = false;
    if (const Section* s = section("audit-live", "audit", false); s && s->rc == 0) {
      for (const auto& i : items(*s)) {
        if (i.label == "status") {
          Json st = parseAuditctlStatus(i.body);
          if (st.contains("enabled")) audit["enabled"] = st["enabled"];
          audit["status"] = st;
        } else if (i.label == "rules") {
          audit["rules_count"] = countAuditRules(i.body);
          audit["rules"] = auditRuleLines(i.body);
          audit["rules_source"] = "auditctl -l";
          have_rules = true;
        }
      }
    }
    if (const Section* s = section("audit-files", "audit", false)) {
      int n = 0;
      bool any_rules_file = false;
      Json file_rules = Json::array();
      for (const auto& i : items(*s)) {
        if (i.label.ends_with("/au-remote.conf")) {
          bool active = false;
          for (auto line : text::lines(i.body)) {
            auto eq = line.find('=');
            if (eq != std::string_view::npos && text::trim(line.substr(0, eq)) == "active") {
              active = text::trim(line.substr(eq + 1)) == "yes";
            }
          }
          audit["remote"] = {{"active", active}, {"path", text::sanitize(i.label)}};
          continue;
        }
        if (i.label == "/etc/audit/auditd.conf") {
          Json conf = Json::object();
          for (auto line : text::lines(i.body)) {
            auto eq = line.find('=');
            if (eq == std::string_view::npos) continue;
            conf[text::sanitize(text::trim(line.substr(0, eq)))] =
                text::sanitize(text::trim(line.substr(eq + 1)));
          }
          audit["auditd_conf"] = conf;
        } else if (i.label != "/etc/audit/audit.rules") {
          n += countAuditRules(i.body);
          for (auto& rule : auditRuleLines(i.body)) file_rules.push_back(std::move(rule));
          any_rules_file = true;
        } else if (!any_rules_file) {
          // audit.rules is generated from rules.d by augenrules: counted only without rules.d
          n += countAuditRules(i.body);
          for (auto& rule : auditRuleLines(i.body)) file_rules.push_back(std::move(rule));
        }
      }
      if (!have_rules) {
        audit["rules_count"] = n;
        audit["rules"] = file_rules;
        audit["rules_source"] = "rules files";
      }
    }
    if (const Section* s = section("audit-oldest", "audit.oldest_record", false)) {
      for (const auto& i : items(*s)) {
        auto pos = i.body.find("audit(");
        if (pos == std::string::npos) continue;
        std::string_view stamp = std::string_view(i.body).substr(pos + 6);
        stamp = stamp.substr(0, stamp.find_first_of(".:)"));
        if (auto epoch = text::toInt(stamp); epoch && *epoch > 0) {
          std::time_t t = static_cast<std::time_t>(*epoch);
          std::tm tm{};
          gmtime_r(&t, &tm);
          char buf[64];
          std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
          audit["oldest_record"] = buf;
          audit["oldest_file"] = text::sanitize(i.label.substr(i.label.find(' ') + 1));
        }
      }
    }
    facts()["audit"] = std::move(audit);

    if (const Section* s = section("profile", "shell")) {
      Json sh = parseProfile(items(*s));
      if (facts().contains("login_defs") && facts()["login_defs"].contains("UMASK")) {
        sh["login_defs_umask"] = facts()["login_defs"]["UMASK"];
      }
      facts()["shell"] = std::move(sh);
    }
  }

  static Json auditRuleLines(std::string_view body) {
    Json out = Json::array();
    for (auto line : text::lines(body)) {
      line = text::trim(line);
      if ((text::startsWith(line, "-a") || text::startsWith(line, "-A") ||
           text::startsWith(line, "-w")) &&
          out.size() < 2000) {
        out.push_back(text::sanitize(line.substr(0, 1000)));
      }
    }
    return out;
  }

  void apiserverFiles() {
    const Section* s = section("apiserver-files", "encryption_config", false);
    if (!s) return;
    for (const auto& i : items(*s)) {
      auto sp = i.label.find(' ');
      if (sp == std::string::npos) continue;
      std::string flag = i.label.substr(0, sp);
      std::string path = text::sanitize(i.label.substr(sp + 1));
      const char* fact = flag == "encryption-provider-config" ? "encryption_config"
                         : flag == "audit-policy-file"        ? "audit_policy"
                                                              : nullptr;
      if (!fact) continue;
      if (auto j = yamlFile(i.body, path, fact)) {
        facts()[fact] = {{"path", path}, {"config", *j}};
      }
    }
  }

  void units() {
    const Section* s = section("units", "units", false);
    if (!s) return;
    Json u = Json::object();
    for (const auto& i : items(*s)) {
      if (i.label == "list-units") parseSystemctlUnits(i.body, &u);
      if (i.label == "list-unit-files") parseSystemctlUnitFiles(i.body, &u);
      if (i.label == "wants") parseWantsLinks(i.body, &u);
    }
    facts()["units"] = std::move(u);
  }

  void listening() {
    const Section* s = section("listening", "listening", false);
    if (!s) return;
    Json from_ss;
    Json from_proc = Json::array();
    bool any_proc = false;
    for (const auto& i : items(*s)) {
      if (i.label == "ss") {
        Json l = parseSsListening(i.body);
        if (!l.empty()) from_ss = std::move(l);
      } else if (text::startsWith(i.label, "proc ")) {
        any_proc = true;
        for (auto& l : parseProcNetSockets(i.body, i.label.substr(5))) {
          from_proc.push_back(std::move(l));
        }
      }
    }
    if (!from_ss.is_null()) {
      facts()["listening"] = std::move(from_ss);
    } else if (any_proc) {
      facts()["listening"] = std::move(from_proc);
    } else {
      error("listening", "no ss and no /proc/net/tcp|udp on the node");
    }
  }

  void timeSync() {
    const Json& services = facts().contains("services") ? facts()["services"] : Json::object();
    Json t = Json::object();
    std::string service;
    for (const char* name : {"chronyd", "ntpd", "systemd-timesyncd"}) {
      if (services.contains(name)) {
        service = name;
        break;
      }
    }
    t["service"] = service.empty() ? Json(nullptr) : Json(service);
    t["synchronized"] = nullptr;
    if (const Section* s = section("time-live", "time_sync", false); s && s->rc == 0) {
      for (const auto& i : items(*s)) {
        Result<Json> v = makeError(Errc::kParse, "");
        if (i.label == "chronyc") v = parseChronyTracking(i.body);
        if (i.label == "timedatectl") v = parseTimedatectl(i.body);
        if (i.label == "ntpq") v = parseNtpq(i.body);
        if (!v || !t["synchronized"].is_null()) continue;
        t["synchronized"] = v.value()["synchronized"];
        if (v.value().contains("offset_ms")) t["offset_ms"] = v.value()["offset_ms"];
        t["source"] = i.label;
      }
    }
    if (t["synchronized"].is_null() && service == "systemd-timesyncd" &&
        facts().contains("files")) {
      const Json& files = facts()["files"];
      auto it = files.find("/run/systemd/timesync/synchronized");
      if (it != files.end()) {
        t["synchronized"] = it->value("exists", false);
        t["source"] = "/run/systemd/timesync/synchronized";
      }
    }
    if (service.empty()) {
      t["synchronized"] = false;
      t["source"] = "no chronyd, ntpd or systemd-timesyncd running";
    }
    if (const Section* s = section("time-files", "time_sync", false)) {
      Json servers = Json::array();
      for (const auto& i : items(*s)) {
        for (auto line : text::lines(i.body)) {
          auto f = text::fields(line);
          if (f.size() >= 2 && (f[0] == "server" || f[0] == "pool" || f[0] == "NTP")) {
            servers.push_back(text::sanitize(f[1]));
          }
        }
      }
      t["servers"] = servers;
    }
    facts()["time_sync"] = std::move(t);
  }

  void kernelTables() {
    if (const Section* s = section("sysctl", "sysctl"))
      facts()["sysctl"] = parseSysctlLines(s->body);
    if (const Section* s = section("conntrack", "conntrack")) {
      Json kv = parseSysctlLines(s->body);
      auto count =
          kv.contains("count") ? text::toInt(kv["count"].get<std::string>()) : std::nullopt;
      auto max = kv.contains("max") ? text::toInt(kv["max"].get<std::string>()) : std::nullopt;
      if (!count || !max) {
        error("conntrack",
              "nf_conntrack_count/nf_conntrack_max not readable (nf_conntrack not "
              "loaded?)");
      } else {
        Json ct = {{"count", *count}, {"max", *max}};
        for (const auto& i : items(*s)) {
          if (i.label != "stat") continue;
          if (auto st = parseNfConntrackStat(i.body)) {
            ct["stats"] = st.value();
          } else {
            error("conntrack.stats", "/proc/net/stat/nf_conntrack: " + st.error().message);
          }
        }
        facts()["conntrack"] = std::move(ct);
      }
    }
    if (const Section* s = section("limits", "fd")) {
      Json kv = parseSysctlLines(s->body);
      auto str = [&](const char* k) {
        return kv.contains(k) ? kv[k].get<std::string>() : std::string();
      };
      const std::string file_nr = str("file-nr");
      auto nr = text::fields(file_nr);
      if (nr.size() == 3 && text::toUint(nr[0]) && text::toUint(nr[2])) {
        facts()["fd"] = {{"allocated", *text::toUint(nr[0])}, {"max", *text::toUint(nr[2])}};
      } else {
        error("fd", "/proc/sys/fs/file-nr not readable");
      }
      auto pid_max = text::toUint(str("pid_max"));
      std::optional<std::uint64_t> current;
      const std::string loadavg = str("loadavg");
      auto load = text::fields(loadavg);
      if (load.size() >= 4) {
        auto slash = load[3].find('/');
        if (slash != std::string_view::npos) current = text::toUint(load[3].substr(slash + 1));
      }
      if (!current) current = text::toUint(str("processes"));
      if (pid_max && current) {
        Json pids = {{"current", *current}, {"max", *pid_max}};
        if (auto p = text::toUint(str("processes"))) pids["processes"] = *p;
        if (auto t = text::toUint(str("threads-max"))) pids["threads_max"] = *t;
        facts()["pids"] = std::move(pids);
      } else {
        error("pids", "pid_max or the process count not readable");
      }
    }
  }

  void filesystems() {
    const Section* s = section("df", "filesystems");
    if (!s) return;
    std::string root = meta.count("root") ? meta["root"] : "";
    Json fs = Json::object();
    for (const auto& i : items(*s)) {
      bool inodes = text::startsWith(i.label, "dfi ");
      if (!inodes && !text::startsWith(i.label, "df ")) continue;
      std::string path = text::sanitize(i.label.substr(inodes ? 4 : 3));
      if (inodes) {
        if (auto v = parseDfPi(i.body)) {
          mergeInto(fs[path], v.value());
        } else {
          error("filesystems." + path, "df -Pi: " + v.error().message);
        }
      } else if (auto v = parseDfP(i.body)) {
        Json entry = v.value();
        std::string mount = entry["mount"].get<std::string>();
        if (!root.empty() && text::startsWith(mount, root)) {
          mount = mount.substr(root.size());
          if (mount.empty()) mount = "/";
        }
        entry["mount"] = mount;
        mergeInto(fs[path], entry);
      } else {
        error("filesystems." + path, "df -P: " + v.error().message);
      }
    }
    if (fs.empty()) {
      error("filesystems", "df printed nothing (" + rcText(*s) + ")");
    } else {
      facts()["filesystems"] = std::move(fs);
    }
  }

  void dns() {
    Json d = Json::object();
    if (const Section* s = section("resolv", "dns.resolv_conf")) {
      for (const auto& i : items(*s)) {
        if (i.label == "/etc/resolv.conf") d["resolv_conf"] = parseResolvConf(i.body);
        if (i.label == "/run/systemd/resolve/resolv.conf") {
          d["resolv_conf_upstream"] = parseResolvConf(i.body);
        }
      }
      if (!d.contains("resolv_conf")) error("dns.resolv_conf", "/etc/resolv.conf not readable");
    }
    if (const Section* s = section("dns", "dns.resolution")) {
      if (s->rc == 125) {
        error("dns.resolution", "not probed: no cluster DNS address was given");
      } else if (s->rc == 127) {
        error("dns.resolution", "no dig, nslookup or getent on the node");
      } else {
        Json queries = Json::array();
        std::string tool;
        auto list = items(*s);
        for (std::size_t k = 0; k < list.size(); ++k) {
          auto f = text::fields(list[k].label);
          if (f.size() != 3 || f[0] != "query") continue;
          tool = std::string(f[1]);
          Result<Json> v = tool == "dig"        ? parseDig(list[k].body)
                           : tool == "nslookup" ? parseNslookup(list[k].body)
                                                : parseGetentHosts(list[k].body);
          Json q = {
              {"name", text::sanitize(f[2])},
              {"kind", text::startsWith(f[2], "kubernetes.default.svc.") ? "cluster" : "external"}};
          if (v) {
            mergeInto(q, v.value());
          } else {
            q["status"] = "UNPARSED";
            q["answers"] = Json::array();
            q["error"] = v.error().message;
          }
          if (k + 1 < list.size()) {
            auto t = text::fields(list[k + 1].label);
            if (t.size() == 4 && t[0] == "timing") {
              if (auto rc = text::toInt(t[1])) q["exit_status"] = *rc;
              auto t0 = text::toInt(t[2]);
              auto t1 = text::toInt(t[3]);
              if ((!q.contains("query_time_ms") || q["query_time_ms"].is_null()) && t0 && t1 &&
                  *t1 >= *t0) {
                q["query_time_ms"] = static_cast<double>(*t1 - *t0) / 1e6;
              }
              if (q["exit_status"] == 124) q["status"] = "TIMEOUT";
            }
          }
          q["ok"] = q["status"] == "NOERROR" && !q["answers"].empty();
          queries.push_back(std::move(q));
        }
        d["resolution"] = {
            {"tool", tool}, {"server", meta.count("dns") ? meta["dns"] : ""}, {"queries", queries}};
      }
    }
    if (!d.empty()) facts()["dns"] = std::move(d);
  }

  void kernelMessages() {
    const Section* s = section("kmsg", "kernel_messages");
    if (!s) return;
    auto list = items(*s);
    if (s->rc != 0 || list.empty()) {
      error("kernel_messages",
            "no readable kernel log (dmesg not permitted; no kern.log, "
            "messages or syslog)");
      return;
    }
    Json k = parseKernelSummary(list.front().body);
    k["source"] = text::sanitize(list.front().label);
    facts()["kernel_messages"] = std::move(k);
  }

  void certificates() {
    const Section* s = section("certificates", "certificates");
    if (!s) return;
    Json certs = Json::array();
    std::vector<std::string> problems;
    for (const auto& i : items(*s)) {
      if (text::startsWith(i.label, "pem ")) {
        std::string path = text::sanitize(i.label.substr(4));
        for (auto& c : parsePemCertificates(i.body, path, &problems)) certs.push_back(std::move(c));
      } else if (text::startsWith(i.label, "kubeconfig ")) {
        std::string path = text::sanitize(i.label.substr(11));
        for (auto line : text::lines(i.body)) {
          auto colon = line.find(':');
          if (colon == std::string_view::npos) continue;
          std::string field(line.substr(0, colon));
          auto pem = decodeBase64(text::trim(line.substr(colon + 1)));
          if (!pem) {
            problems.push_back(path + ": " + field + " is not base64");
            continue;
          }
          for (auto& c : parsePemCertificates(*pem, path + "#" + field, &problems)) {
            certs.push_back(std::move(c));
          }
        }
      }
    }
    for (const auto& p : problems) error("certificates", p);
    facts()["certificates"] = std::move(certs);
  }

  // The certificate file a component is configured to serve, when it names one: the disk copy
  // the served certificate is compared with (a renewed file the process has not reloaded).
  std::string servedFile(const std::string& component) {
    const Json& procs = facts().contains("processes") ? facts()["processes"] : Json::object();
    auto flag = [&](const char* process, const char* name, const char* env) -> std::string {
      if (!procs.contains(process)) return "";
      const Json& p = procs[process];
      Json flags = parseFlags(p["argv"].get<std::vector<std::string>>());
      if (flags.contains(name) && flags[name].is_string()) return flags[name].get<std::string>();
      if (env && p.contains("env") && p["env"].contains(env) && p["env"][env].is_string()) {
        return p["env"][env].get<std::string>();
      }
      return "";
    };
    if (component == "kube-apiserver") return flag("kube-apiserver", "tls-cert-file", nullptr);
    if (component == "kube-controller-manager") {
      return flag("kube-controller-manager", "tls-cert-file", nullptr);
    }
    if (component == "kube-scheduler") return flag("kube-scheduler", "tls-cert-file", nullptr);
    if (component == "etcd") return flag("etcd", "cert-file", "ETCD_CERT_FILE");
    if (component == "etcd-peer") return flag("etcd", "peer-cert-file", "ETCD_PEER_CERT_FILE");
    if (component == "kubelet" && facts().contains("kubelet")) {
      const Json& k = facts()["kubelet"];
      const Json eff = k.value("effective", Json::object());
      if (eff.contains("tlsCertFile") && eff["tlsCertFile"].is_string() &&
          !eff["tlsCertFile"].get<std::string>().empty()) {
        return eff["tlsCertFile"].get<std::string>();
      }
      std::string dir = "/var/lib/kubelet/pki";
      const Json args = k.value("args", Json::object());
      if (args.contains("cert-dir") && args["cert-dir"].is_string()) {
        dir = args["cert-dir"].get<std::string>();
      }
      bool bootstrap = eff.contains("serverTLSBootstrap") && eff["serverTLSBootstrap"] == true;
      return dir + (bootstrap ? "/kubelet-server-current.pem" : "/kubelet.crt");
    }
    return "";
  }

  void endpoints() {
    const Section* s = section("endpoints", "endpoint_certificates");
    if (!s) return;
    if (s->rc == 125) {
      error("endpoint_certificates",
            "not probed: the certificates endpoints serve are read on the live host only (this "
            "probe ran under a host root)");
      return;
    }
    if (s->rc == 126) {
      error("endpoint_certificates",
            "not probed: no timeout command on the node (a handshake that never completes "
            "would stall the probe)");
      return;
    }
    if (s->rc == 127) {
      error("endpoint_certificates",
            "no openssl on the node: the certificates the endpoints serve could not be read");
      return;
    }
    Json list = Json::array();
    for (const auto& i : items(*s)) {
      auto e = parseEndpointItem(i.label, i.body);
      if (!e) {
        error("endpoint_certificates", e.error().message);
        continue;
      }
      Json entry = std::move(e).value();
      std::string file = servedFile(entry["component"].get<std::string>());
      if (!file.empty()) entry["configured_file"] = text::sanitize(file);
      list.push_back(std::move(entry));
    }
    if (list.empty()) {
      error("endpoint_certificates", "the endpoints section is empty (" + rcText(*s) + ")");
      return;
    }
    facts()["endpoint_certificates"] = std::move(list);
  }

  void run() {
    parseMeta();
    if (meta.count("uid") && meta["uid"] != "0") {
      facts()["probe"] = {{"uid", text::sanitize(meta["uid"])},
                          {"note", "not run as root: some facts missing"}};
    }
    os();
    kernelAndUptime();
    cgroup();
    memory();
    processes();
    kubelet();
    kubeProxy();
    runtime();
    filesAndAccounts();
    baseline();
    timeSync();
    apiserverFiles();
    units();
    listening();
    kernelTables();
    filesystems();
    dns();
    kernelMessages();
    certificates();
    endpoints();
    if (!framed.complete) {
      error("*", "the probe output ended early (cut off or killed); the facts shown are partial");
    }
  }
};

// Node text must reach JSON as valid UTF-8 (nlohmann::json throws when dumping anything else).
// Most facts are sanitized where they are read; this catches the rest, keys included (found by
// test/fuzz probe_output: one 0xA4 byte in /etc/pam.d failed the whole collection).
Json sanitizedJson(const Json& j) {
  if (j.is_string()) return text::sanitize(j.get_ref<const std::string&>());
  if (j.is_array()) {
    Json out = Json::array();
    for (const auto& v : j) out.push_back(sanitizedJson(v));
    return out;
  }
  if (j.is_object()) {
    Json out = Json::object();
    for (const auto& [k, v] : j.items()) out[text::sanitize(k)] = sanitizedJson(v);
    return out;
  }
  return j;
}

}  // namespace

ProbeResult parseProbeOutput(std::string_view output, std::string_view subject,
                             std::string_view source) {
  ProbeResult r;
  auto framed = splitSections(output);
  if (!framed) {
    r.errors.push_back(model::CollectionError{std::string(subject), "*", std::string(source),
                                              framed.error().message});
    return r;
  }
  try {
    Assembler a{framed.value(), std::string(subject), std::string(source), r, {}};
    a.run();
  } catch (const std::exception& e) {
    r.errors.push_back(model::CollectionError{std::string(subject), "*", std::string(source),
                                              std::string("internal error parsing the probe "
                                                          "output: ") +
                                                  e.what()});
  }
  r.facts = sanitizedJson(r.facts);
  for (auto& e : r.errors) e.message = text::sanitize(e.message);
  return r;
}

}  // namespace kpatrol::collect
