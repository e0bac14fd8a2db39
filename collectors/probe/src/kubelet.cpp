// SPDX-License-Identifier: Apache-2.0
// Process argv, component flags and versions, and the kubelet's effective configuration.
#include <regex>

#include "kpatrol/collect/probe_parsers.h"
#include "text.h"

namespace kpatrol::collect::probe {

std::vector<std::string> splitCmdline(std::string_view raw) {
  std::vector<std::string> argv;
  if (!raw.empty() && raw.back() == '\0') raw.remove_suffix(1);
  if (raw.empty()) return argv;
  for (auto part : text::split(raw, '\0')) argv.push_back(text::sanitize(part));
  return argv;
}

Json parseFlags(const std::vector<std::string>& argv) {
  Json flags = Json::object();
  for (std::size_t i = 1; i < argv.size(); ++i) {
    std::string_view a = argv[i];
    if (!text::startsWith(a, "-") || a == "-" || a == "--") continue;
    a.remove_prefix(a[1] == '-' ? 2 : 1);
    auto eq = a.find('=');
    if (eq != std::string_view::npos) {
      flags[std::string(a.substr(0, eq))] = std::string(a.substr(eq + 1));
    } else if (i + 1 < argv.size() && !text::startsWith(argv[i + 1], "-")) {
      flags[std::string(a)] = argv[i + 1];
      ++i;
    } else {
      flags[std::string(a)] = "true";
    }
  }
  return flags;
}

std::optional<std::string> parseVersion(std::string_view raw) {
  static const std::regex re(R"((v?[0-9]+\.[0-9]+\.[0-9]+[0-9A-Za-z.+~-]*))");
  std::string s(raw.substr(0, 4096));
  std::smatch m;
  if (!std::regex_search(s, m, re)) return std::nullopt;
  std::string v = m[1].str();
  while (!v.empty() && (v.back() == ',' || v.back() == '.')) v.pop_back();
  return text::sanitize(v);
}

void mergeInto(Json& base, const Json& overlay) {
  if (!base.is_object() || !overlay.is_object()) {
    base = overlay;
    return;
  }
  for (auto it = overlay.begin(); it != overlay.end(); ++it) {
    auto found = base.find(it.key());
    if (found != base.end() && found->is_object() && it.value().is_object()) {
      mergeInto(*found, it.value());
    } else {
      base[it.key()] = it.value();
    }
  }
}

namespace {

enum class Kind { kBool, kInt, kString, kList, kMapEq, kMapLt };

struct Setting {
  const char* flag;
  const char* path;  // dotted KubeletConfiguration path
  Kind kind;
  const char* file_default;  // JSON text, nullptr: none (used when a config file is loaded)
  const char* flag_default;  // JSON text, nullptr: none (flags only, no config file)
};

// Fields whose defaults differ between a config file and flags only are the ones CIS reads:
// anonymous auth, webhook authentication, the authorization mode and the read-only port.
constexpr Setting kSettings[] = {
    {"anonymous-auth", "authentication.anonymous.enabled", Kind::kBool, "false", "true"},
    {"authentication-token-webhook", "authentication.webhook.enabled", Kind::kBool, "true",
     "false"},
    {"authorization-mode", "authorization.mode", Kind::kString, "\"Webhook\"", "\"AlwaysAllow\""},
    {"client-ca-file", "authentication.x509.clientCAFile", Kind::kString, nullptr, nullptr},
    {"read-only-port", "readOnlyPort", Kind::kInt, "0", "10255"},
    {"port", "port", Kind::kInt, "10250", "10250"},
    {"address", "address", Kind::kString, "\"0.0.0.0\"", "\"0.0.0.0\""},
    {"healthz-port", "healthzPort", Kind::kInt, "10248", "10248"},
    {"streaming-connection-idle-timeout", "streamingConnectionIdleTimeout", Kind::kString,
     "\"4h0m0s\"", "\"4h0m0s\""},
    {"protect-kernel-defaults", "protectKernelDefaults", Kind::kBool, "false", "false"},
    {"make-iptables-util-chains", "makeIPTablesUtilChains", Kind::kBool, "true", "true"},
    {"event-qps", "eventRecordQPS", Kind::kInt, nullptr, nullptr},
    {"tls-cert-file", "tlsCertFile", Kind::kString, nullptr, nullptr},
    {"tls-private-key-file", "tlsPrivateKeyFile", Kind::kString, nullptr, nullptr},
    {"tls-cipher-suites", "tlsCipherSuites", Kind::kList, nullptr, nullptr},
    {"tls-min-version", "tlsMinVersion", Kind::kString, nullptr, nullptr},
    {"rotate-certificates", "rotateCertificates", Kind::kBool, "false", "false"},
    {"rotate-server-certificates", "serverTLSBootstrap", Kind::kBool, "false", "false"},
    {"fail-swap-on", "failSwapOn", Kind::kBool, "true", "true"},
    {"cgroup-driver", "cgroupDriver", Kind::kString, "\"cgroupfs\"", "\"cgroupfs\""},
    {"cluster-domain", "clusterDomain", Kind::kString, nullptr, nullptr},
    {"cluster-dns", "clusterDNS", Kind::kList, nullptr, nullptr},
    {"max-pods", "maxPods", Kind::kInt, "110", "110"},
    {"pod-max-pids", "podPidsLimit", Kind::kInt, "-1", "-1"},
    {"feature-gates", "featureGates", Kind::kMapEq, nullptr, nullptr},
    {"eviction-hard", "evictionHard", Kind::kMapLt,
     R"({"imagefs.available":"15%","memory.available":"100Mi","nodefs.available":"10%","nodefs.inodesFree":"5%"})",
     R"({"imagefs.available":"15%","memory.available":"100Mi","nodefs.available":"10%","nodefs.inodesFree":"5%"})"},
    {"kube-reserved", "kubeReserved", Kind::kMapEq, nullptr, nullptr},
    {"system-reserved", "systemReserved", Kind::kMapEq, nullptr, nullptr},
    {"resolv-conf", "resolvConf", Kind::kString, "\"/etc/resolv.conf\"", "\"/etc/resolv.conf\""},
    {"container-runtime-endpoint", "containerRuntimeEndpoint", Kind::kString, nullptr, nullptr},
    {"hairpin-mode", "hairpinMode", Kind::kString, "\"promiscuous-bridge\"",
     "\"promiscuous-bridge\""},
    {"seccomp-default", "seccompDefault", Kind::kBool, "false", "false"},
    {"serialize-image-pulls", "serializeImagePulls", Kind::kBool, "true", "true"},
    {"image-gc-high-threshold", "imageGCHighThresholdPercent", Kind::kInt, "85", "85"},
    {"image-gc-low-threshold", "imageGCLowThresholdPercent", Kind::kInt, "80", "80"},
    {"cpu-manager-policy", "cpuManagerPolicy", Kind::kString, "\"none\"", "\"none\""},
    {"topology-manager-policy", "topologyManagerPolicy", Kind::kString, "\"none\"", "\"none\""},
    {"node-status-update-frequency", "nodeStatusUpdateFrequency", Kind::kString, "\"10s\"",
     "\"10s\""},
    {"volume-plugin-dir", "volumePluginDir", Kind::kString, nullptr, nullptr},
};

const Json* lookup(const Json& root, std::string_view dotted) {
  const Json* cur = &root;
  for (auto part : text::split(dotted, '.')) {
    if (!cur->is_object()) return nullptr;
    auto it = cur->find(std::string(part));
    if (it == cur->end()) return nullptr;
    cur = &*it;
  }
  return cur;
}

void assign(Json& root, std::string_view dotted, Json value) {
  Json* cur = &root;
  auto parts = text::split(dotted, '.');
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
    Json& next = (*cur)[std::string(parts[i])];
    if (!next.is_object()) next = Json::object();
    cur = &next;
  }
  (*cur)[std::string(parts.back())] = std::move(value);
}

Json convert(const std::string& v, Kind kind) {
  switch (kind) {
    case Kind::kBool:
      if (v == "true" || v == "1") return true;
      if (v == "false" || v == "0") return false;
      return v;
    case Kind::kInt:
      if (auto n = text::toInt(v)) return *n;
      return v;
    case Kind::kString:
      return v;
    case Kind::kList: {
      Json list = Json::array();
      for (auto p : text::split(v, ',')) {
        if (!text::trim(p).empty()) list.push_back(std::string(text::trim(p)));
      }
      return list;
    }
    case Kind::kMapEq:
    case Kind::kMapLt: {
      Json map = Json::object();
      char sep = kind == Kind::kMapEq ? '=' : '<';
      for (auto p : text::split(v, ',')) {
        auto pos = p.find(sep);
        if (pos == std::string_view::npos) continue;
        std::string key(text::trim(p.substr(0, pos)));
        std::string value(text::trim(p.substr(pos + 1)));
        if (text::startsWith(key, "--")) key = key.substr(2);
        if (kind == Kind::kMapEq && (value == "true" || value == "false")) {
          map[key] = value == "true";
        } else {
          map[key] = value;
        }
      }
      return map;
    }
  }
  return v;
}

}  // namespace

Json effectiveKubeletConfig(const Json& flags, const Json* config, Json* sources) {
  Json out = config && config->is_object() ? *config : Json::object();
  Json src = Json::object();
  for (const auto& s : kSettings) {
    auto f = flags.find(s.flag);
    if (f != flags.end() && f->is_string()) {
      Json value = convert(f->get<std::string>(), s.kind);
      if (s.kind == Kind::kMapEq && std::string_view(s.path) == "featureGates") {
        // Feature gates on the command line are applied over the config file's.
        if (const Json* cur = lookup(out, s.path); cur && cur->is_object()) {
          Json merged = *cur;
          mergeInto(merged, value);
          value = std::move(merged);
        }
      }
      assign(out, s.path, std::move(value));
      src[s.path] = "flag";
      continue;
    }
    if (lookup(out, s.path) != nullptr) {
      src[s.path] = "config";
      continue;
    }
    const char* def = config ? s.file_default : s.flag_default;
    if (def != nullptr) {
      assign(out, s.path, Json::parse(def));
      src[s.path] = "default";
    }
  }
  if (sources) *sources = std::move(src);
  return out;
}

}  // namespace kpatrol::collect::probe
