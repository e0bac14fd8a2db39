// SPDX-License-Identifier: Apache-2.0
// 等保 baseline: login.defs, PAM, sshd, auditd, shell profile settings.
#include <fnmatch.h>

#include <algorithm>

#include "kpatrol/collect/probe_parsers.h"
#include "text.h"

namespace kpatrol::collect::probe {

namespace {

Json scalar(std::string_view v) {
  if (auto n = text::toInt(v)) return *n;
  return text::sanitize(v);
}

// "key = value" / "key value" configuration lines (pwquality.conf, faillock.conf, auditd.conf).
Json keyValues(std::string_view raw) {
  Json out = Json::object();
  for (auto line : text::lines(raw)) {
    line = text::trim(line);
    if (line.empty() || line.front() == '#') continue;
    auto eq = line.find('=');
    if (eq == std::string_view::npos) {
      auto f = text::fields(line);
      if (f.size() == 1) out[text::sanitize(f[0])] = true;  // faillock.conf flags: even_deny_root
      continue;
    }
    out[text::sanitize(text::trim(line.substr(0, eq)))] = scalar(text::trim(line.substr(eq + 1)));
  }
  return out;
}

std::string baseName(std::string_view p) {
  auto slash = p.rfind('/');
  return std::string(slash == std::string_view::npos ? p : p.substr(slash + 1));
}

}  // namespace

Json parseLoginDefs(std::string_view raw) {
  Json out = Json::object();
  for (auto line : text::lines(raw)) {
    line = text::trim(line);
    if (line.empty() || line.front() == '#') continue;
    auto f = text::fields(line);
    if (f.size() < 2) continue;
    // Modes are octal text: keep them as written ("027"), not as decimal numbers.
    bool octal = f[0] == "UMASK" || f[0] == "HOME_MODE";
    out[text::sanitize(f[0])] = octal ? Json(text::sanitize(f[1])) : scalar(f[1]);
  }
  return out;
}

Json parsePam(const std::vector<Item>& files) {
  Json per_file = Json::object();
  Json pwquality = Json::object();
  Json pwquality_conf = Json::object();
  Json lockout = Json::object();
  Json faillock_conf = Json::object();
  Json history = nullptr;
  std::string quality_module;
  std::string lockout_module;
  for (const auto& item : files) {
    std::string path = text::sanitize(item.label);
    if (text::startsWith(path, "/etc/security/pwquality.conf")) {
      mergeInto(pwquality_conf, keyValues(item.body));
      continue;
    }
    if (path == "/etc/security/faillock.conf") {
      faillock_conf = keyValues(item.body);
      continue;
    }
    Json lines = Json::array();
    for (auto line : text::lines(item.body)) {
      line = text::trim(line);
      if (line.empty() || line.front() == '#') continue;
      auto f = text::fields(line);
      if (f.size() < 2) continue;
      if (f[0].front() == '@') {
        lines.push_back({{"include", text::sanitize(f.size() > 1 ? f[1] : "")}});
        continue;
      }
      std::string type(f[0]);
      if (!type.empty() && type.front() == '-') type.erase(0, 1);
      std::size_t i = 1;
      std::string control(f[i]);
      if (text::startsWith(f[i], "[")) {
        while (control.find(']') == std::string::npos && i + 1 < f.size()) {
          control += " " + std::string(f[++i]);
        }
      }
      if (++i >= f.size()) continue;
      std::string module = baseName(f[i]);
      Json args = Json::object();
      for (++i; i < f.size(); ++i) {
        auto eq = f[i].find('=');
        if (eq == std::string_view::npos) {
          args[text::sanitize(f[i])] = true;
        } else {
          args[text::sanitize(f[i].substr(0, eq))] = scalar(f[i].substr(eq + 1));
        }
      }
      if (module == "pam_pwquality.so" || module == "pam_cracklib.so") {
        quality_module = module.substr(0, module.size() - 3);
        mergeInto(pwquality, args);
      } else if ((module == "pam_faillock.so" || module == "pam_tally2.so" ||
                  module == "pam_tally.so") &&
                 type == "auth") {
        lockout_module = module.substr(0, module.size() - 3);
        for (auto it = args.begin(); it != args.end(); ++it) {
          if (it.key() == "deny" || it.key() == "unlock_time" || it.key() == "even_deny_root" ||
              it.key() == "root_unlock_time" || it.key() == "fail_interval") {
            lockout[it.key()] = it.value();
          }
        }
      }
      if ((module == "pam_pwhistory.so" || module == "pam_unix.so") && args.contains("remember")) {
        history = args["remember"];
      }
      lines.push_back({{"type", text::sanitize(type)},
                       {"control", text::sanitize(control)},
                       {"module", module},
                       {"args", args}});
    }
    per_file[path] = std::move(lines);
  }
  // Options on the PAM line override the configuration file.
  Json quality = pwquality_conf;
  mergeInto(quality, pwquality);
  Json lock = Json::object();
  if (lockout_module == "pam_faillock") lock = faillock_conf;
  mergeInto(lock, lockout);
  Json out = Json::object();
  out["files"] = per_file;
  out["pwquality"] = quality;
  out["pwquality"]["module"] = quality_module.empty() ? Json(nullptr) : Json(quality_module);
  out["lockout"] = lock;
  out["lockout"]["module"] = lockout_module.empty() ? Json(nullptr) : Json(lockout_module);
  out["remember"] = history;
  return out;
}

Json parseSshdT(std::string_view raw) {
  Json out = Json::object();
  for (auto line : text::lines(raw)) {
    line = text::trim(line);
    auto sp = line.find(' ');
    if (line.empty() || sp == std::string_view::npos) continue;
    std::string key = text::lower(line.substr(0, sp));
    std::string value = text::sanitize(text::trim(line.substr(sp + 1)));
    if (out.contains(key) && out[key].is_string()) {
      out[key] = out[key].get<std::string>() + "," + value;  // hostkey, listenaddress, port...
    } else {
      out[key] = value;
    }
  }
  return out;
}

namespace {

void sshdFile(const std::string& path, const std::map<std::string, std::string>& bodies, Json& out,
              int depth) {
  auto it = bodies.find(path);
  if (it == bodies.end() || depth > 8) return;
  for (auto line : text::lines(it->second)) {
    line = text::trim(line);
    if (line.empty() || line.front() == '#') continue;
    auto sep = line.find_first_of(" \t=");
    if (sep == std::string_view::npos) continue;
    std::string key = text::lower(line.substr(0, sep));
    auto value = text::trim(line.substr(sep));
    if (!value.empty() && value.front() == '=') value = text::trim(value.substr(1));
    if (key == "match") return;  // the rest of this file is conditional
    if (key == "include") {
      for (auto pattern : text::fields(value)) {
        std::string pat(pattern);
        if (pat.front() != '/') pat = "/etc/ssh/" + pat;
        std::vector<std::string> matched;
        for (const auto& [p, body] : bodies) {
          if (fnmatch(pat.c_str(), p.c_str(), FNM_PATHNAME) == 0) matched.push_back(p);
        }
        std::sort(matched.begin(), matched.end());
        for (const auto& m : matched) sshdFile(m, bodies, out, depth + 1);
      }
      continue;
    }
    if (!out.contains(key)) out[key] = text::sanitize(value);
  }
}

}  // namespace

Json parseSshdConfigFiles(const std::vector<Item>& files) {
  std::map<std::string, std::string> bodies;
  for (const auto& f : files) bodies[f.label] = f.body;
  Json out = Json::object();
  sshdFile("/etc/ssh/sshd_config", bodies, out, 0);
  // OpenSSH defaults for what baselines read, where the files leave them unset.
  const std::pair<const char*, const char*> defaults[] = {
      {"permitrootlogin", "prohibit-password"},
      {"passwordauthentication", "yes"},
      {"permitemptypasswords", "no"},
      {"maxauthtries", "6"},
      {"logingracetime", "120"},
      {"clientaliveinterval", "0"},
      {"clientalivecountmax", "3"},
      {"x11forwarding", "no"},
      {"pubkeyauthentication", "yes"},
      {"usepam", "no"},
      {"port", "22"},
  };
  Json defaulted = Json::array();
  for (const auto& [k, v] : defaults) {
    if (!out.contains(k)) {
      out[k] = v;
      defaulted.push_back(k);
    }
  }
  return Json{{"settings", out}, {"defaulted", defaulted}};
}

Json parseAuditctlStatus(std::string_view raw) {
  Json out = Json::object();
  for (auto line : text::lines(raw)) {
    line = text::trim(line);
    if (text::startsWith(line, "AUDIT_STATUS:")) {  // audit 2.3 and older
      for (auto f : text::fields(line.substr(13))) {
        auto eq = f.find('=');
        if (eq != std::string_view::npos)
          out[std::string(f.substr(0, eq))] = scalar(f.substr(eq + 1));
      }
      continue;
    }
    auto f = text::fields(line);
    if (f.size() >= 2) out[text::sanitize(f[0])] = scalar(f[1]);
  }
  return out;
}

int countAuditRules(std::string_view raw) {
  int n = 0;
  for (auto line : text::lines(raw)) {
    line = text::trim(line);
    if (text::startsWith(line, "-a") || text::startsWith(line, "-A") ||
        text::startsWith(line, "-w")) {
      ++n;
    }
  }
  return n;
}

Json parseProfile(const std::vector<Item>& files) {
  Json found = Json::array();
  Json tmout = nullptr;
  Json tmout_file = nullptr;
  bool readonly = false;
  Json umask = nullptr;
  for (const auto& item : files) {
    std::string path = text::sanitize(item.label);
    bool file_readonly = false;
    Json file_tmout = nullptr;
    for (auto line : text::lines(item.body)) {
      line = text::trim(line);
      if (line.empty() || line.front() == '#') continue;
      auto pos = line.find("TMOUT=");
      if (pos != std::string_view::npos &&
          (pos == 0 || !std::isalnum(static_cast<unsigned char>(line[pos - 1])))) {
        auto v = line.substr(pos + 6);
        std::size_t n = 0;
        while (n < v.size() && v[n] >= '0' && v[n] <= '9') ++n;
        if (auto value = text::toInt(text::unquote(v.substr(0, n)))) file_tmout = *value;
      }
      if ((line.find("readonly") != std::string_view::npos ||
           line.find("declare -r") != std::string_view::npos ||
           line.find("typeset -r") != std::string_view::npos) &&
          line.find("TMOUT") != std::string_view::npos) {
        file_readonly = true;
      }
      auto f = text::fields(line);
      if (f.size() >= 2 && f[0] == "umask") {
        umask = text::sanitize(f[1]);
        found.push_back({{"file", path}, {"umask", text::sanitize(f[1])}});
      }
    }
    if (!file_tmout.is_null()) {
      found.push_back({{"file", path}, {"tmout", file_tmout}, {"readonly", file_readonly}});
      if (!readonly) {  // a readonly TMOUT cannot be changed by a later file
        tmout = file_tmout;
        tmout_file = path;
        readonly = file_readonly;
      }
    }
  }
  return Json{{"tmout", tmout},
              {"tmout_file", tmout_file},
              {"tmout_readonly", readonly},
              {"umask", umask},
              {"settings", found}};
}

}  // namespace kpatrol::collect::probe
