// SPDX-License-Identifier: Apache-2.0
// kubeconfig parsing, kubectl's merge rules, context resolution and in-cluster configuration.
#include <doctest/doctest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "kubeconfig.h"

namespace fs = std::filesystem;
using namespace kpatrol;
using namespace kpatrol::collect::api;

namespace {

const std::string kData = std::string(KPATROL_SOURCE_DIR) + "/test/api_client/data";

struct TempDir {
  fs::path path;
  TempDir() {
    std::random_device rd;
    path = fs::temp_directory_path() / ("kpatrol-kubeconfig-" + std::to_string(rd()));
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  std::string write(const std::string& name, const std::string& text) const {
    const fs::path p = path / name;
    fs::create_directories(p.parent_path());
    std::ofstream(p) << text;
    return p.string();
  }
};

// Sets an environment variable for one scope.
struct EnvVar {
  std::string name;
  std::optional<std::string> old;
  EnvVar(std::string n, const std::optional<std::string>& value) : name(std::move(n)) {
    if (const char* v = ::getenv(name.c_str())) old = v;
    if (value) {
      ::setenv(name.c_str(), value->c_str(), 1);
    } else {
      ::unsetenv(name.c_str());
    }
  }
  ~EnvVar() {
    if (old) {
      ::setenv(name.c_str(), old->c_str(), 1);
    } else {
      ::unsetenv(name.c_str());
    }
  }
};

const char* kCaB64 =
    "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tClpHRjBZUT09Ci0tLS0tRU5EIENFUlRJRklDQVRFLS0tLS0K";

std::string basicConfig() {
  return std::string(R"(apiVersion: v1
kind: Config
current-context: prod
clusters:
- name: prod-cluster
  cluster:
    server: https://10.0.0.1:6443/prefix/
    certificate-authority-data: )") +
         kCaB64 + R"(
    tls-server-name: api.prod.internal
    proxy-url: http://proxy.example:3128
contexts:
- name: prod
  context:
    cluster: prod-cluster
    user: admin
    namespace: shop
- name: other
  context: {cluster: prod-cluster, user: missing-user}
users:
- name: admin
  user:
    token: abc.def
)";
}

}  // namespace

TEST_CASE("base64 decoding accepts padding and whitespace, refuses junk") {
  CHECK(decodeBase64("aGVsbG8=") == std::optional<std::string>("hello"));
  CHECK(decodeBase64("aGVs\nbG8=") == std::optional<std::string>("hello"));
  CHECK(decodeBase64("aGVsbG8") == std::optional<std::string>("hello"));
  CHECK_FALSE(decodeBase64("not base64!").has_value());
  CHECK_FALSE(decodeBase64("aGVs=bG8=").has_value());
}

TEST_CASE("a kubeconfig resolves its current context: server prefix, CA data, TLS name, proxy") {
  auto file = parseKubeconfig(basicConfig(), "/home/u/.kube/config");
  REQUIRE(file);
  CHECK(file->clusters.size() == 1);
  CHECK(file->contexts.size() == 2);
  auto cfg = resolveContext(*file, "");
  REQUIRE_MESSAGE(cfg.ok(), (cfg.ok() ? std::string() : cfg.error().message));
  CHECK(cfg->server == "https://10.0.0.1:6443/prefix");
  CHECK(cfg->ca_pem.starts_with("-----BEGIN CERTIFICATE-----"));
  CHECK(cfg->tls_server_name == "api.prod.internal");
  CHECK(cfg->proxy_url == "http://proxy.example:3128");
  CHECK(cfg->token == "abc.def");
  CHECK(cfg->namespace_ == "shop");
  CHECK(cfg->context_name == "prod");
  CHECK(cfg->user_name == "admin");
  CHECK_FALSE(cfg->insecure_skip_tls_verify);
}

TEST_CASE("a missing context names the kubeconfig and lists the contexts") {
  auto file = parseKubeconfig(basicConfig(), "/k/config");
  REQUIRE(file);
  auto cfg = resolveContext(*file, "staging");
  REQUIRE_FALSE(cfg);
  CHECK(cfg.error().code == Errc::kInvalidArgument);
  CHECK(cfg.error().message.find("context \"staging\" not found in kubeconfig /k/config") !=
        std::string::npos);
  CHECK(cfg.error().message.find("prod, other") != std::string::npos);
  auto user = resolveContext(*file, "other");
  REQUIRE_FALSE(user);
  CHECK(user.error().message.find("/k/config:18") != std::string::npos);
  CHECK(user.error().message.find("user \"missing-user\" is not defined") != std::string::npos);
}

TEST_CASE("malformed kubeconfigs name file, line and field") {
  SUBCASE("YAML syntax") {
    auto r = parseKubeconfig("clusters:\n- name: a\n  cluster: {server: [\n", "/k/bad");
    REQUIRE_FALSE(r);
    CHECK(r.error().code == Errc::kParse);
    CHECK(r.error().message.starts_with("/k/bad:"));
  }
  SUBCASE("clusters is not a list") {
    auto r = parseKubeconfig("apiVersion: v1\nclusters:\n  name: a\n", "/k/bad");
    REQUIRE_FALSE(r);
    CHECK(r.error().message == "/k/bad:3: clusters: expected a list of {name, cluster} entries");
  }
  SUBCASE("bad base64 in certificate-authority-data") {
    auto file = parseKubeconfig(R"(current-context: c
clusters:
- name: a
  cluster:
    server: https://x
    certificate-authority-data: "%%%not-base64"
contexts:
- name: c
  context: {cluster: a}
)",
                                "/k/bad");
    REQUIRE(file);
    auto r = resolveContext(*file, "");
    REQUIRE_FALSE(r);
    CHECK(r.error().message ==
          "/k/bad:6: clusters[\"a\"].cluster.certificate-authority-data: not valid base64");
  }
  SUBCASE("server missing") {
    auto file = parseKubeconfig(
        "current-context: c\nclusters:\n- name: a\n  cluster: {insecure-skip-tls-verify: true}\n"
        "contexts:\n- name: c\n  context: {cluster: a}\n",
        "/k/bad");
    REQUIRE(file);
    auto r = resolveContext(*file, "");
    REQUIRE_FALSE(r);
    CHECK(r.error().message == "/k/bad:3: clusters[\"a\"].cluster.server: missing");
  }
  SUBCASE("a boolean that is not one") {
    auto file = parseKubeconfig(
        "current-context: c\nclusters:\n- name: a\n  cluster:\n    server: https://x\n"
        "    insecure-skip-tls-verify: maybe\ncontexts:\n- name: c\n  context: {cluster: a}\n",
        "/k/bad");
    REQUIRE(file);
    auto r = resolveContext(*file, "");
    REQUIRE_FALSE(r);
    CHECK(r.error().message.starts_with(
        "/k/bad:6: clusters[\"a\"].cluster.insecure-skip-tls-verify: expected true or false"));
  }
  SUBCASE("a token that is a mapping") {
    auto file = parseKubeconfig(
        "current-context: c\nclusters:\n- name: a\n  cluster: {server: https://x}\nusers:\n"
        "- name: u\n  user:\n    token:\n      nested: 1\ncontexts:\n- name: c\n"
        "  context: {cluster: a, user: u}\n",
        "/k/bad");
    REQUIRE(file);
    auto r = resolveContext(*file, "");
    REQUIRE_FALSE(r);
    CHECK(r.error().message == "/k/bad:9: users[\"u\"].user.token: expected a string");
  }
}

TEST_CASE("auth-provider users get a clear unsupported error") {
  auto file = parseKubeconfig(R"(current-context: c
clusters:
- name: a
  cluster: {server: "https://x"}
users:
- name: gke
  user:
    auth-provider:
      name: gcp
contexts:
- name: c
  context: {cluster: a, user: gke}
)",
                              "/k/gke");
  REQUIRE(file);
  auto r = resolveContext(*file, "");
  REQUIRE_FALSE(r);
  CHECK(r.error().code == Errc::kUnsupported);
  CHECK(r.error().message.find("/k/gke:9") != std::string::npos);
  CHECK(r.error().message.find("\"gcp\" auth-provider is unsupported") != std::string::npos);
}

TEST_CASE("insecure-skip-tls-verify with a CA is refused, as kubectl does") {
  auto file = parseKubeconfig(std::string("current-context: c\nclusters:\n- name: a\n  cluster:\n"
                                          "    server: https://x\n    insecure-skip-tls-verify: "
                                          "true\n    certificate-authority-data: ") +
                                  kCaB64 + "\ncontexts:\n- name: c\n  context: {cluster: a}\n",
                              "/k/c");
  REQUIRE(file);
  auto r = resolveContext(*file, "");
  REQUIRE_FALSE(r);
  CHECK(r.error().message.find("insecure-skip-tls-verify") != std::string::npos);
}

TEST_CASE("merging follows kubectl: the first file wins per name and for current-context") {
  auto a = parseKubeconfig(R"(current-context: from-a
clusters:
- name: shared
  cluster: {server: "https://a.example"}
contexts:
- name: from-a
  context: {cluster: shared}
- name: both
  context: {cluster: shared, namespace: a-ns}
)",
                           "/k/a");
  auto b = parseKubeconfig(R"(current-context: from-b
clusters:
- name: shared
  cluster: {server: "https://b.example"}
- name: only-b
  cluster: {server: "https://only-b.example"}
contexts:
- name: both
  context: {cluster: only-b, namespace: b-ns}
- name: from-b
  context: {cluster: only-b}
)",
                           "/k/b");
  REQUIRE(a);
  REQUIRE(b);
  const auto merged = mergeKubeconfigs({*a, *b});
  CHECK(merged.current_context == "from-a");
  CHECK(merged.clusters.size() == 2);
  auto both = resolveContext(merged, "both");
  REQUIRE(both);
  CHECK(both->server == "https://a.example");
  CHECK(both->namespace_ == "a-ns");
  auto from_b = resolveContext(merged, "from-b");
  REQUIRE(from_b);
  CHECK(from_b->server == "https://only-b.example");
  CHECK(from_b->cluster_file == "/k/b");
}

TEST_CASE("KUBECONFIG splitting drops empty and repeated entries") {
  CHECK(splitKubeconfigEnv("/a::/b:/a:") == std::vector<std::string>{"/a", "/b"});
  CHECK(splitKubeconfigEnv("") == std::vector<std::string>{});
}

TEST_CASE("relative file paths resolve against the kubeconfig's directory; data beats nothing") {
  TempDir dir;
  const std::string ca = dir.write("certs/ca.crt",
                                   "-----BEGIN CERTIFICATE-----\nx\n-----END "
                                   "CERTIFICATE-----\n");
  dir.write("certs/client.crt", "-----BEGIN CERTIFICATE-----\nc\n-----END CERTIFICATE-----\n");
  dir.write("certs/client.key", "-----BEGIN PRIVATE KEY-----\nk\n-----END PRIVATE KEY-----\n");
  dir.write("token", "file-token\n");
  const std::string path = dir.write("kube/config", R"(current-context: c
clusters:
- name: a
  cluster: {server: "https://x", certificate-authority: ../certs/ca.crt}
users:
- name: u
  user:
    client-certificate: ../certs/client.crt
    client-key: ../certs/client.key
    tokenFile: ../token
contexts:
- name: c
  context: {cluster: a, user: u}
)");
  LoadOptions opt;
  opt.kubeconfig = path;
  auto cfg = loadClientConfig(opt);
  REQUIRE_MESSAGE(cfg.ok(), (cfg.ok() ? std::string() : cfg.error().message));
  CHECK(cfg->ca_pem.find("BEGIN CERTIFICATE") != std::string::npos);
  CHECK(cfg->client_cert_pem.find("BEGIN CERTIFICATE") != std::string::npos);
  CHECK(cfg->client_key_pem.find("PRIVATE KEY") != std::string::npos);
  CHECK(cfg->token_file == (dir.path / "token").string());
  CHECK(cfg->token.empty());

  // A referenced file that is missing is named, with the field and line.
  fs::remove(ca);
  auto missing = loadClientConfig(opt);
  REQUIRE_FALSE(missing);
  CHECK(missing.error().message.find(path + ":4: clusters[\"a\"].cluster.certificate-authority: "
                                            "cannot read") != std::string::npos);
}

TEST_CASE("$KUBECONFIG files are merged; missing ones are skipped; --kubeconfig must exist") {
  TempDir dir;
  const std::string a = dir.write("a", "current-context: ctx-b\n");
  const std::string b = dir.write("b", R"(clusters:
- name: c
  cluster: {server: "https://b.example:8443"}
contexts:
- name: ctx-b
  context: {cluster: c}
)");
  EnvVar kc("KUBECONFIG", a + ":" + (dir.path / "nope").string() + ":" + b);
  auto cfg = loadClientConfig({});
  REQUIRE_MESSAGE(cfg.ok(), (cfg.ok() ? std::string() : cfg.error().message));
  CHECK(cfg->server == "https://b.example:8443");
  CHECK(cfg->context_name == "ctx-b");

  LoadOptions explicit_missing;
  explicit_missing.kubeconfig = (dir.path / "nope").string();
  auto r = loadClientConfig(explicit_missing);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == Errc::kNotFound);
  CHECK(r.error().message.find("nope (--kubeconfig) does not exist") != std::string::npos);
}

TEST_CASE("in-cluster: service env, token, CA and namespace from an overridable directory") {
  TempDir dir;
  dir.write("sa/token", "sa-token-1\n");
  dir.write("sa/ca.crt", "-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n");
  dir.write("sa/namespace", "kpatrol\n");
  EnvVar sa("KPATROL_SERVICEACCOUNT_DIR", (dir.path / "sa").string());
  EnvVar host("KUBERNETES_SERVICE_HOST", std::string("10.96.0.1"));
  EnvVar port("KUBERNETES_SERVICE_PORT", std::string("443"));
  EnvVar kc("KUBECONFIG", (dir.path / "absent").string());

  SUBCASE("forced") {
    LoadOptions opt;
    opt.in_cluster = true;
    auto cfg = loadClientConfig(opt);
    REQUIRE_MESSAGE(cfg.ok(), (cfg.ok() ? std::string() : cfg.error().message));
    CHECK(cfg->in_cluster);
    CHECK(cfg->server == "https://10.96.0.1:443");
    CHECK(cfg->token_file == (dir.path / "sa" / "token").string());
    CHECK(cfg->namespace_ == "kpatrol");
    CHECK(cfg->describeUser().find("service account token") != std::string::npos);
  }
  SUBCASE("detected when no kubeconfig exists") {
    auto cfg = loadClientConfig({});
    REQUIRE_MESSAGE(cfg.ok(), (cfg.ok() ? std::string() : cfg.error().message));
    CHECK(cfg->in_cluster);
  }
  SUBCASE("IPv6 service host") {
    EnvVar h6("KUBERNETES_SERVICE_HOST", std::string("fd00::1"));
    auto cfg = inClusterConfig();
    REQUIRE(cfg);
    CHECK(cfg->server == "https://[fd00::1]:443");
  }
  SUBCASE("no kubeconfig and no service env is a clear error") {
    EnvVar nohost("KUBERNETES_SERVICE_HOST", std::nullopt);
    auto r = loadClientConfig({});
    REQUIRE_FALSE(r);
    CHECK(r.error().message.find("no kubeconfig found") != std::string::npos);
  }
}

TEST_CASE("exec entries are parsed with their env, args and api version") {
  auto file = parseKubeconfig(R"(current-context: c
clusters:
- name: a
  cluster: {server: "https://x"}
users:
- name: ack
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: ./bin/ack-ram-authenticator
      args: [token, --cluster-id, c123]
      env:
      - {name: ALIBABA_CLOUD_PROFILE, value: prod}
      provideClusterInfo: true
      interactiveMode: Never
contexts:
- name: c
  context: {cluster: a, user: ack}
)",
                              "/home/u/.kube/config");
  REQUIRE(file);
  auto cfg = resolveContext(*file, "");
  REQUIRE_MESSAGE(cfg.ok(), (cfg.ok() ? std::string() : cfg.error().message));
  REQUIRE(cfg->exec);
  CHECK(cfg->exec->command == "./bin/ack-ram-authenticator");
  CHECK(cfg->exec->args == std::vector<std::string>{"token", "--cluster-id", "c123"});
  CHECK(cfg->exec->env.size() == 1);
  CHECK(cfg->exec->provide_cluster_info);
  CHECK(cfg->exec->base_dir == fs::path("/home/u/.kube"));

  auto bad = parseKubeconfig(R"(current-context: c
clusters:
- name: a
  cluster: {server: "https://x"}
users:
- name: old
  user:
    exec: {apiVersion: client.authentication.k8s.io/v1alpha1, command: x}
contexts:
- name: c
  context: {cluster: a, user: old}
)",
                             "/k/old");
  REQUIRE(bad);
  auto r = resolveContext(*bad, "");
  REQUIRE_FALSE(r);
  CHECK(r.error().message.find("/k/old:8: users[\"old\"].user.exec.apiVersion") !=
        std::string::npos);
}
