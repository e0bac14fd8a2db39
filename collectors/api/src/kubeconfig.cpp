// SPDX-License-Identifier: Apache-2.0
#include "kubeconfig.h"

#include <cstdlib>
#include <set>

#include <spdlog/spdlog.h>

#include "kpatrol/core/fs.h"

namespace kpatrol::collect::api {
namespace fs = std::filesystem;

namespace {

constexpr std::size_t kMaxKubeconfigBytes = std::size_t{16} << 20;
constexpr std::size_t kMaxCredentialFileBytes = std::size_t{1} << 20;

int lineOf(const YAML::Node& node) {
  const auto mark = node.Mark();
  return mark.line >= 0 ? mark.line + 1 : 0;
}

Error fieldError(const std::string& file, int line, const std::string& field,
                 const std::string& what) {
  std::string where = file;
  if (line > 0) where += ":" + std::to_string(line);
  return makeError(Errc::kParse, where + ": " + field + ": " + what);
}

std::string entryField(const char* section, const NamedEntry& e, const char* sub,
                       const std::string& key) {
  return std::string(section) + "[\"" + e.name + "\"]." + sub + "." + key;
}

// A scalar string member of a mapping: "" when absent or null, an error for other shapes.
Result<std::string> stringMember(const YAML::Node& map, const std::string& key,
                                 const std::string& file, const std::string& field) {
  if (!map || !map.IsMap()) return std::string();
  const YAML::Node v = map[key];
  if (!v || v.IsNull()) return std::string();
  if (!v.IsScalar()) return fieldError(file, lineOf(v), field, "expected a string");
  return v.Scalar();
}

Result<bool> boolMember(const YAML::Node& map, const std::string& key, const std::string& file,
                        const std::string& field) {
  auto s = stringMember(map, key, file, field);
  if (!s) return std::move(s).error();
  if (s->empty() || *s == "false" || *s == "False") return false;
  if (*s == "true" || *s == "True") return true;
  return fieldError(file, lineOf(map[key]), field, "expected true or false, got \"" + *s + "\"");
}

Result<std::vector<NamedEntry>> namedList(const YAML::Node& root, const char* section,
                                          const char* body_key, const std::string& path) {
  std::vector<NamedEntry> out;
  const YAML::Node list = root[section];
  if (!list || list.IsNull()) return out;
  if (!list.IsSequence()) {
    return fieldError(path, lineOf(list), section,
                      "expected a list of {name, " + std::string(body_key) + "} entries");
  }
  std::size_t i = 0;
  for (const auto& item : list) {
    const std::string field = std::string(section) + "[" + std::to_string(i++) + "]";
    if (!item.IsMap()) return fieldError(path, lineOf(item), field, "expected a mapping");
    auto name = stringMember(item, "name", path, field + ".name");
    if (!name) return std::move(name).error();
    if (name->empty()) return fieldError(path, lineOf(item), field + ".name", "missing");
    const YAML::Node body = item[body_key];
    if (body && !body.IsNull() && !body.IsMap()) {
      return fieldError(path, lineOf(body), field + "." + body_key, "expected a mapping");
    }
    out.push_back(
        NamedEntry{*name, body ? body : YAML::Node(YAML::NodeType::Map), path, lineOf(item)});
  }
  return out;
}

const NamedEntry* findEntry(const std::vector<NamedEntry>& list, const std::string& name) {
  for (const auto& e : list) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

std::string names(const std::vector<NamedEntry>& list) {
  std::string out;
  for (const auto& e : list) out += (out.empty() ? "" : ", ") + e.name;
  return out.empty() ? "(none)" : out;
}

fs::path resolveAgainst(const std::string& file, const std::string& p) {
  fs::path path(p);
  if (path.is_relative()) path = fs::path(file).parent_path() / path;
  return path.lexically_normal();
}

// A credential given either inline (<key>-data, base64) or as a file (<key>).
Result<std::string> dataOrFile(const NamedEntry& e, const char* section, const char* sub,
                               const std::string& key, const char* pem_kind) {
  const std::string data_key = key + "-data";
  const std::string field_data = entryField(section, e, sub, data_key);
  const std::string field_file = entryField(section, e, sub, key);
  auto data = stringMember(e.body, data_key, e.file, field_data);
  if (!data) return std::move(data).error();
  auto file = stringMember(e.body, key, e.file, field_file);
  if (!file) return std::move(file).error();
  if (!data->empty() && !file->empty()) {
    return fieldError(e.file, lineOf(e.body[key]), field_file,
                      "both " + key + " and " + data_key + " are set; keep one");
  }
  std::string pem;
  if (!data->empty()) {
    auto decoded = decodeBase64(*data);
    if (!decoded) {
      return fieldError(e.file, lineOf(e.body[data_key]), field_data, "not valid base64");
    }
    pem = std::move(*decoded);
    if (pem.find("-----BEGIN") == std::string::npos) {
      return fieldError(e.file, lineOf(e.body[data_key]), field_data,
                        std::string("decodes to something that is not a PEM ") + pem_kind);
    }
  } else if (!file->empty()) {
    const fs::path path = resolveAgainst(e.file, *file);
    auto text = readFile(path, kMaxCredentialFileBytes);
    if (!text) {
      return fieldError(e.file, lineOf(e.body[key]), field_file,
                        "cannot read " + path.string() + ": " + text.error().message);
    }
    pem = std::move(*text);
    if (pem.find("-----BEGIN") == std::string::npos) {
      return fieldError(e.file, lineOf(e.body[key]), field_file,
                        path.string() + " is not a PEM " + pem_kind);
    }
  }
  return pem;
}

Status applyCluster(const NamedEntry& e, ClientConfig& cfg) {
  auto server =
      stringMember(e.body, "server", e.file, entryField("clusters", e, "cluster", "server"));
  if (!server) return std::move(server).error();
  if (server->empty()) {
    return fieldError(e.file, e.line, entryField("clusters", e, "cluster", "server"), "missing");
  }
  std::string url = *server;
  if (url.find("://") == std::string::npos) url = "https://" + url;
  if (!url.starts_with("https://") && !url.starts_with("http://")) {
    return fieldError(e.file, lineOf(e.body["server"]),
                      entryField("clusters", e, "cluster", "server"),
                      "\"" + *server + "\" is not an http(s) URL");
  }
  while (url.ends_with('/')) url.pop_back();
  cfg.server = url;
  auto ca = dataOrFile(e, "clusters", "cluster", "certificate-authority", "certificate");
  if (!ca) return std::move(ca).error();
  cfg.ca_pem = std::move(*ca);
  auto insecure = boolMember(e.body, "insecure-skip-tls-verify", e.file,
                             entryField("clusters", e, "cluster", "insecure-skip-tls-verify"));
  if (!insecure) return std::move(insecure).error();
  cfg.insecure_skip_tls_verify = *insecure;
  if (cfg.insecure_skip_tls_verify && !cfg.ca_pem.empty()) {
    return fieldError(e.file, lineOf(e.body["insecure-skip-tls-verify"]),
                      entryField("clusters", e, "cluster", "insecure-skip-tls-verify"),
                      "a certificate authority and insecure-skip-tls-verify cannot both be set "
                      "(kubectl refuses this too); remove insecure-skip-tls-verify");
  }
  for (auto [key, dest] : {std::pair{"tls-server-name", &cfg.tls_server_name},
                           std::pair{"proxy-url", &cfg.proxy_url}}) {
    auto v = stringMember(e.body, key, e.file, entryField("clusters", e, "cluster", key));
    if (!v) return std::move(v).error();
    *dest = std::move(*v);
  }
  cfg.cluster_name = e.name;
  cfg.cluster_file = e.file;
  return okStatus();
}

Result<ExecConfig> parseExec(const NamedEntry& e, const YAML::Node& exec) {
  const std::string base = entryField("users", e, "user", "exec");
  if (!exec.IsMap()) return fieldError(e.file, lineOf(exec), base, "expected a mapping");
  ExecConfig x;
  x.base_dir = fs::path(e.file).parent_path();
  for (auto [key, dest] :
       {std::pair{"apiVersion", &x.api_version}, std::pair{"command", &x.command},
        std::pair{"interactiveMode", &x.interactive_mode},
        std::pair{"installHint", &x.install_hint}}) {
    auto v = stringMember(exec, key, e.file, base + "." + key);
    if (!v) return std::move(v).error();
    *dest = std::move(*v);
  }
  if (x.command.empty()) return fieldError(e.file, lineOf(exec), base + ".command", "missing");
  if (x.api_version != "client.authentication.k8s.io/v1" &&
      x.api_version != "client.authentication.k8s.io/v1beta1") {
    return fieldError(e.file, lineOf(exec["apiVersion"]), base + ".apiVersion",
                      "\"" + x.api_version +
                          "\" is not supported; use client.authentication.k8s.io/v1 or v1beta1");
  }
  if (const YAML::Node args = exec["args"]; args && !args.IsNull()) {
    if (!args.IsSequence()) {
      return fieldError(e.file, lineOf(args), base + ".args", "expected a list of strings");
    }
    for (const auto& a : args) {
      if (!a.IsScalar()) return fieldError(e.file, lineOf(a), base + ".args", "expected strings");
      x.args.push_back(a.Scalar());
    }
  }
  if (const YAML::Node env = exec["env"]; env && !env.IsNull()) {
    if (!env.IsSequence()) {
      return fieldError(e.file, lineOf(env), base + ".env", "expected a list of {name, value}");
    }
    for (const auto& item : env) {
      auto n = stringMember(item, "name", e.file, base + ".env.name");
      if (!n) return std::move(n).error();
      auto v = stringMember(item, "value", e.file, base + ".env.value");
      if (!v) return std::move(v).error();
      if (!item.IsMap() || n->empty()) {
        return fieldError(e.file, lineOf(item), base + ".env", "each entry needs a name");
      }
      x.env.emplace_back(std::move(*n), std::move(*v));
    }
  }
  auto pci = boolMember(exec, "provideClusterInfo", e.file, base + ".provideClusterInfo");
  if (!pci) return std::move(pci).error();
  x.provide_cluster_info = *pci;
  return x;
}

Status applyUser(const NamedEntry& e, ClientConfig& cfg) {
  if (const YAML::Node ap = e.body["auth-provider"]; ap && !ap.IsNull()) {
    std::string name;
    if (ap.IsMap() && ap["name"] && ap["name"].IsScalar()) name = ap["name"].Scalar();
    return makeError(Errc::kUnsupported,
                     e.file + ":" + std::to_string(lineOf(ap)) + ": " +
                         entryField("users", e, "user", "auth-provider") + ": the \"" + name +
                         "\" auth-provider is unsupported (kubectl dropped it in 1.26); switch the "
                         "user to an exec credential plugin (e.g. gke-gcloud-auth-plugin, "
                         "kubelogin) or a token");
  }
  for (const char* key : {"username", "password"}) {
    if (const YAML::Node v = e.body[key]; v && !v.IsNull()) {
      return makeError(Errc::kUnsupported,
                       e.file + ":" + std::to_string(lineOf(v)) + ": " +
                           entryField("users", e, "user", key) +
                           ": basic authentication is unsupported; use a token, a client "
                           "certificate or an exec plugin");
    }
  }
  auto cert = dataOrFile(e, "users", "user", "client-certificate", "certificate");
  if (!cert) return std::move(cert).error();
  auto key = dataOrFile(e, "users", "user", "client-key", "private key");
  if (!key) return std::move(key).error();
  if (cert->empty() != key->empty()) {
    return fieldError(e.file, e.line, entryField("users", e, "user", "client-key"),
                      "client-certificate and client-key must be given together");
  }
  cfg.client_cert_pem = std::move(*cert);
  cfg.client_key_pem = std::move(*key);
  auto token = stringMember(e.body, "token", e.file, entryField("users", e, "user", "token"));
  if (!token) return std::move(token).error();
  cfg.token = std::move(*token);
  auto token_file =
      stringMember(e.body, "tokenFile", e.file, entryField("users", e, "user", "tokenFile"));
  if (!token_file) return std::move(token_file).error();
  if (cfg.token.empty() && !token_file->empty()) {
    const fs::path path = resolveAgainst(e.file, *token_file);
    std::error_code ec;
    if (!fs::exists(path, ec)) {
      return fieldError(e.file, lineOf(e.body["tokenFile"]),
                        entryField("users", e, "user", "tokenFile"),
                        path.string() + " does not exist");
    }
    cfg.token_file = path.string();
  }
  if (const YAML::Node exec = e.body["exec"]; exec && !exec.IsNull()) {
    auto x = parseExec(e, exec);
    if (!x) return std::move(x).error();
    cfg.exec = std::move(*x);
  }
  cfg.user_name = e.name;
  cfg.user_file = e.file;
  return okStatus();
}

std::string envOr(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr ? std::string(v) : std::string();
}

}  // namespace

std::string ClientConfig::describeUser() const {
  if (in_cluster) return "the service account token " + token_file;
  if (user_name.empty()) return "no user (anonymous)";
  return "user \"" + user_name + "\" in " + user_file;
}

std::string ClientConfig::describeCluster() const {
  if (in_cluster) return "the in-cluster API server " + server;
  return "cluster \"" + cluster_name + "\" in " + cluster_file;
}

std::optional<std::string> decodeBase64(std::string_view text) {
  std::string out;
  out.reserve(text.size() * 3 / 4);
  unsigned buf = 0;
  int bits = 0;
  int pad = 0;
  for (char c : text) {
    int v;
    if (c >= 'A' && c <= 'Z') {
      v = c - 'A';
    } else if (c >= 'a' && c <= 'z') {
      v = c - 'a' + 26;
    } else if (c >= '0' && c <= '9') {
      v = c - '0' + 52;
    } else if (c == '+') {
      v = 62;
    } else if (c == '/') {
      v = 63;
    } else if (c == '=') {
      ++pad;
      continue;
    } else if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
      continue;
    } else {
      return std::nullopt;
    }
    if (pad > 0) return std::nullopt;  // data after padding
    buf = (buf << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buf >> bits) & 0xFF));
    }
  }
  if (pad > 2 || bits >= 6) return std::nullopt;
  return out;
}

Result<KubeconfigFile> parseKubeconfig(const std::string& text, const std::string& path) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    return makeError(Errc::kParse,
                     path + ":" + std::to_string(e.mark.line + 1) + ": not valid YAML: " + e.msg);
  }
  KubeconfigFile out;
  out.path = path;
  if (!root || root.IsNull()) return out;  // an empty file is an empty config, as for kubectl
  if (!root.IsMap()) return fieldError(path, lineOf(root), "(top level)", "expected a mapping");
  try {
    auto clusters = namedList(root, "clusters", "cluster", path);
    if (!clusters) return std::move(clusters).error();
    auto users = namedList(root, "users", "user", path);
    if (!users) return std::move(users).error();
    auto contexts = namedList(root, "contexts", "context", path);
    if (!contexts) return std::move(contexts).error();
    auto current = stringMember(root, "current-context", path, "current-context");
    if (!current) return std::move(current).error();
    out.clusters = std::move(*clusters);
    out.users = std::move(*users);
    out.contexts = std::move(*contexts);
    out.current_context = std::move(*current);
  } catch (const YAML::Exception& e) {
    return makeError(Errc::kParse, path + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  return out;
}

KubeconfigFile mergeKubeconfigs(const std::vector<KubeconfigFile>& files) {
  KubeconfigFile merged;
  auto mergeList = [](std::vector<NamedEntry>& into, const std::vector<NamedEntry>& from) {
    for (const auto& e : from) {
      if (findEntry(into, e.name) == nullptr) into.push_back(e);
    }
  };
  for (const auto& f : files) {
    if (merged.path.empty()) {
      merged.path = f.path;
    } else {
      merged.path += ":" + f.path;
    }
    mergeList(merged.clusters, f.clusters);
    mergeList(merged.users, f.users);
    mergeList(merged.contexts, f.contexts);
    if (merged.current_context.empty()) merged.current_context = f.current_context;
  }
  return merged;
}

Result<ClientConfig> resolveContext(const KubeconfigFile& merged, const std::string& context) {
  const std::string name = context.empty() ? merged.current_context : context;
  if (name.empty()) {
    return makeError(Errc::kInvalidArgument,
                     "kubeconfig " + merged.path +
                         " has no current-context; pick one with --context (contexts: " +
                         names(merged.contexts) + ")");
  }
  const NamedEntry* ctx = findEntry(merged.contexts, name);
  if (ctx == nullptr) {
    return makeError(Errc::kInvalidArgument,
                     "context \"" + name + "\" not found in kubeconfig " + merged.path +
                         (context.empty() ? " (it is the current-context)" : "") +
                         "; contexts: " + names(merged.contexts));
  }
  try {
    auto cluster_name = stringMember(ctx->body, "cluster", ctx->file,
                                     entryField("contexts", *ctx, "context", "cluster"));
    if (!cluster_name) return std::move(cluster_name).error();
    auto user_name =
        stringMember(ctx->body, "user", ctx->file, entryField("contexts", *ctx, "context", "user"));
    if (!user_name) return std::move(user_name).error();
    auto ns = stringMember(ctx->body, "namespace", ctx->file,
                           entryField("contexts", *ctx, "context", "namespace"));
    if (!ns) return std::move(ns).error();
    if (cluster_name->empty()) {
      return fieldError(ctx->file, ctx->line, entryField("contexts", *ctx, "context", "cluster"),
                        "missing");
    }
    const NamedEntry* cluster = findEntry(merged.clusters, *cluster_name);
    if (cluster == nullptr) {
      return fieldError(ctx->file, lineOf(ctx->body["cluster"]),
                        entryField("contexts", *ctx, "context", "cluster"),
                        "cluster \"" + *cluster_name +
                            "\" is not defined (clusters: " + names(merged.clusters) + ")");
    }
    ClientConfig cfg;
    cfg.context_name = name;
    cfg.namespace_ = *ns;
    if (auto s = applyCluster(*cluster, cfg); !s) return std::move(s).error();
    if (!user_name->empty()) {
      const NamedEntry* user = findEntry(merged.users, *user_name);
      if (user == nullptr) {
        return fieldError(
            ctx->file, lineOf(ctx->body["user"]), entryField("contexts", *ctx, "context", "user"),
            "user \"" + *user_name + "\" is not defined (users: " + names(merged.users) + ")");
      }
      if (auto s = applyUser(*user, cfg); !s) return std::move(s).error();
    }
    return cfg;
  } catch (const YAML::Exception& e) {
    return makeError(Errc::kParse,
                     ctx->file + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
}

std::vector<std::string> splitKubeconfigEnv(const std::string& value) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  std::size_t start = 0;
  while (start <= value.size()) {
    std::size_t end = value.find(':', start);
    if (end == std::string::npos) end = value.size();
    std::string part = value.substr(start, end - start);
    if (!part.empty() && seen.insert(part).second) out.push_back(part);
    start = end + 1;
  }
  return out;
}

fs::path serviceAccountDir() {
  const std::string dir = envOr("KPATROL_SERVICEACCOUNT_DIR");
  return dir.empty() ? fs::path("/var/run/secrets/kubernetes.io/serviceaccount") : fs::path(dir);
}

Result<ClientConfig> inClusterConfig() {
  const std::string host = envOr("KUBERNETES_SERVICE_HOST");
  const std::string port = envOr("KUBERNETES_SERVICE_PORT");
  if (host.empty() || port.empty()) {
    return makeError(Errc::kInvalidArgument,
                     "in-cluster configuration needs KUBERNETES_SERVICE_HOST and "
                     "KUBERNETES_SERVICE_PORT (set in every pod); they are not set");
  }
  const fs::path dir = serviceAccountDir();
  ClientConfig cfg;
  cfg.in_cluster = true;
  const bool ipv6 = host.find(':') != std::string::npos;
  cfg.server = "https://" + (ipv6 ? "[" + host + "]" : host) + ":" + port;
  cfg.token_file = (dir / "token").string();
  auto token = readFile(cfg.token_file, kMaxCredentialFileBytes);
  if (!token) {
    return makeError(Errc::kNotFound, "in-cluster service account token " + cfg.token_file +
                                          " cannot be read: " + token.error().message +
                                          " (is automountServiceAccountToken off?)");
  }
  auto ca = readFile(dir / "ca.crt", kMaxCredentialFileBytes);
  if (!ca) {
    return makeError(Errc::kNotFound, "in-cluster CA " + (dir / "ca.crt").string() +
                                          " cannot be read: " + ca.error().message);
  }
  cfg.ca_pem = std::move(*ca);
  if (auto ns = readFile(dir / "namespace", 4096)) {
    std::string n = *ns;
    while (!n.empty() && (n.back() == '\n' || n.back() == ' ')) n.pop_back();
    cfg.namespace_ = n;
  }
  cfg.context_name = "in-cluster";
  cfg.cluster_name = "in-cluster";
  cfg.user_name = "service-account";
  cfg.cluster_file = dir.string();
  cfg.user_file = cfg.token_file;
  return cfg;
}

Result<ClientConfig> loadClientConfig(const LoadOptions& options) {
  if (options.in_cluster) return inClusterConfig();
  std::vector<std::string> paths;
  bool explicit_file = false;
  if (!options.kubeconfig.empty()) {
    paths.push_back(options.kubeconfig);
    explicit_file = true;
  } else if (const std::string env = envOr("KUBECONFIG"); !env.empty()) {
    paths = splitKubeconfigEnv(env);
  } else if (const std::string home = envOr("HOME"); !home.empty()) {
    paths.push_back((fs::path(home) / ".kube" / "config").string());
  }
  std::vector<KubeconfigFile> files;
  for (const auto& p : paths) {
    std::error_code ec;
    if (!fs::exists(p, ec)) {
      if (explicit_file) {
        return makeError(Errc::kNotFound, "kubeconfig " + p + " (--kubeconfig) does not exist");
      }
      spdlog::debug("kubeconfig {} does not exist; skipped", p);
      continue;
    }
    auto text = readFile(p, kMaxKubeconfigBytes);
    if (!text) return makeError(Errc::kIo, "reading kubeconfig " + p + ": " + text.error().message);
    auto parsed = parseKubeconfig(*text, p);
    if (!parsed) return std::move(parsed).error();
    files.push_back(std::move(*parsed));
  }
  if (files.empty()) {
    const bool service_env = !envOr("KUBERNETES_SERVICE_HOST").empty();
    if (service_env && options.context.empty()) {
      spdlog::info("no kubeconfig found; using the in-cluster service account");
      return inClusterConfig();
    }
    std::string looked;
    for (const auto& p : paths) looked += (looked.empty() ? "" : ", ") + p;
    return makeError(Errc::kNotFound,
                     "no kubeconfig found (looked at: " + (looked.empty() ? "nothing" : looked) +
                         "); give one with --kubeconfig or $KUBECONFIG, or run in a pod "
                         "(--in-cluster)");
  }
  return resolveContext(mergeKubeconfigs(files), options.context);
}

}  // namespace kpatrol::collect::api
