// SPDX-License-Identifier: Apache-2.0
// exec credential plugins: the protocol (parsing, KUBERNETES_EXEC_INFO) and real child
// processes (small shell scripts in data/) that succeed, fail and hang.
#include <doctest/doctest.h>

#include <chrono>

#include "exec_credential.h"

using namespace kpatrol;
using namespace kpatrol::collect::api;

namespace {

const std::string kData = std::string(KPATROL_SOURCE_DIR) + "/test/api_client/data";

ClientConfig withPlugin(const std::string& script, const std::string& api_version) {
  ClientConfig cfg;
  cfg.server = "https://127.0.0.1:6443";
  cfg.user_name = "plugin-user";
  cfg.user_file = "/k/config";
  ExecConfig x;
  x.api_version = api_version;
  x.command = script;
  x.base_dir = kData;
  cfg.exec = x;
  return cfg;
}

}  // namespace

TEST_CASE("ExecCredential parsing: token, client certificate, expiry, mismatches") {
  auto ok = parseExecCredential(
      R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential",
          "status":{"token":"t","expirationTimestamp":"2030-01-01T00:00:00Z"}})",
      "client.authentication.k8s.io/v1", "p");
  REQUIRE(ok);
  CHECK(ok->token == "t");
  REQUIRE(ok->expires_at);
  CHECK(*ok->expires_at == 1893456000);

  auto cert = parseExecCredential(
      R"({"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential",
          "status":{"clientCertificateData":"C","clientKeyData":"K"}})",
      "client.authentication.k8s.io/v1beta1", "p");
  REQUIRE(cert);
  CHECK(cert->client_cert_pem == "C");
  CHECK(cert->client_key_pem == "K");

  auto wrong_version = parseExecCredential(
      R"({"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential",
          "status":{"token":"t"}})",
      "client.authentication.k8s.io/v1", "plugin x");
  REQUIRE_FALSE(wrong_version);
  CHECK(wrong_version.error().message.find("plugin x returned apiVersion") != std::string::npos);

  CHECK_FALSE(parseExecCredential("not json", "client.authentication.k8s.io/v1", "p"));
  CHECK_FALSE(parseExecCredential(
      R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{}})",
      "client.authentication.k8s.io/v1", "p"));
}

TEST_CASE("KUBERNETES_EXEC_INFO carries the cluster only when asked") {
  ClientConfig cfg = withPlugin("x", "client.authentication.k8s.io/v1");
  cfg.ca_pem = "PEM";
  CHECK(
      execInfo(cfg) ==
      R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","spec":{"interactive":false}})");
  cfg.exec->provide_cluster_info = true;
  const std::string with = execInfo(cfg);
  CHECK(with.find(R"("server":"https://127.0.0.1:6443")") != std::string::npos);
  CHECK(with.find(R"("certificate-authority-data":"UEVN")") != std::string::npos);
  CHECK(encodeBase64("hello") == "aGVsbG8=");
  CHECK(encodeBase64("hell") == "aGVsbA==");
}

TEST_CASE("a plugin that succeeds gets its args and env (relative command from the kubeconfig)") {
  ClientConfig cfg = withPlugin("./exec-ok.sh", "client.authentication.k8s.io/v1");
  cfg.exec->args = {"argument"};
  cfg.exec->env = {{"PLUGIN_ENV", "from-kubeconfig"}};
  auto r = runExecPlugin(cfg, std::chrono::seconds(10));
  REQUIRE_MESSAGE(r.ok(), (r.ok() ? std::string() : r.error().message));
  CHECK(r->token == "tok-argument-from-kubeconfig");
}

TEST_CASE("a plugin that fails: exit status and its stderr are in the message") {
  ClientConfig cfg = withPlugin(kData + "/exec-fail.sh", "client.authentication.k8s.io/v1");
  auto r = runExecPlugin(cfg, std::chrono::seconds(10));
  REQUIRE_FALSE(r);
  CHECK(r.error().message.find("exited with status 1") != std::string::npos);
  CHECK(r.error().message.find("refresh token expired") != std::string::npos);
  CHECK(r.error().message.find("user \"plugin-user\" in /k/config") != std::string::npos);
}

TEST_CASE("a plugin that hangs is killed at the timeout; its stderr is shown") {
  ClientConfig cfg = withPlugin(kData + "/exec-hang.sh", "client.authentication.k8s.io/v1");
  const auto start = std::chrono::steady_clock::now();
  auto r = runExecPlugin(cfg, std::chrono::milliseconds(1500));
  const auto took = std::chrono::steady_clock::now() - start;
  REQUIRE_FALSE(r);
  CHECK(r.error().code == Errc::kTimeout);
  CHECK(r.error().message.find("did not finish within 1s") != std::string::npos);
  CHECK(r.error().message.find("waiting for the identity provider") != std::string::npos);
  CHECK(took < std::chrono::seconds(5));
}

TEST_CASE("a plugin that does not exist says so, with the install hint") {
  ClientConfig cfg = withPlugin("kpatrol-no-such-plugin", "client.authentication.k8s.io/v1");
  cfg.exec->install_hint = "Install it with: apt install no-such-plugin";
  auto r = runExecPlugin(cfg, std::chrono::seconds(5));
  REQUIRE_FALSE(r);
  CHECK(r.error().message.find("Install it with") != std::string::npos);
}

TEST_CASE("the plugin receives KUBERNETES_EXEC_INFO") {
  ClientConfig cfg = withPlugin(kData + "/exec-info.sh", "client.authentication.k8s.io/v1beta1");
  auto r = runExecPlugin(cfg, std::chrono::seconds(10));
  REQUIRE_MESSAGE(r.ok(), (r.ok() ? std::string() : r.error().message));
  CHECK(r->token == encodeBase64(execInfo(cfg)));
}
