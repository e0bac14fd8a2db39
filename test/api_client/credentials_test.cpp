// SPDX-License-Identifier: Apache-2.0
// Credentials: rotated token files are re-read; exec credentials are cached per run and
// refreshed after a 401 or when they expire.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "http_client.h"

namespace fs = std::filesystem;
using namespace kpatrol;
using namespace kpatrol::collect::api;

namespace {

const std::string kData = std::string(KPATROL_SOURCE_DIR) + "/test/api_client/data";

struct TempDir {
  fs::path path;
  TempDir() {
    std::random_device rd;
    path = fs::temp_directory_path() / ("kpatrol-creds-" + std::to_string(rd()));
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

std::size_t lines(const fs::path& p) {
  std::ifstream in(p);
  std::size_t n = 0;
  for (std::string l; std::getline(in, l);) ++n;
  return n;
}

}  // namespace

TEST_CASE("a rotated service-account token is picked up on the next request") {
  TempDir dir;
  const fs::path token = dir.path / "token";
  std::ofstream(token) << "first-token\n";
  ClientConfig cfg;
  cfg.in_cluster = true;
  cfg.token_file = token.string();
  Credentials creds(cfg, std::chrono::seconds(5));
  auto a = creds.get();
  REQUIRE(a);
  CHECK(a->bearer == "first-token");
  std::ofstream(token, std::ios::trunc) << "rotated-token";
  auto b = creds.get();
  REQUIRE(b);
  CHECK(b->bearer == "rotated-token");
  CHECK(creds.invalidate());  // a 401 is worth one retry: the file may have been rotated
  fs::remove(token);
  auto gone = creds.get();
  REQUIRE_FALSE(gone);
  CHECK(gone.error().message.find("the service account token " + token.string()) !=
        std::string::npos);
}

TEST_CASE("an exec credential is cached within the run and refreshed after invalidate()") {
  TempDir dir;
  const fs::path log = dir.path / "runs.log";
  ClientConfig cfg;
  cfg.user_name = "u";
  cfg.user_file = "/k/config";
  ExecConfig x;
  x.api_version = "client.authentication.k8s.io/v1";
  x.command = kData + "/exec-ok.sh";
  x.args = {"a"};
  x.env = {{"EXEC_LOG", log.string()}};
  cfg.exec = x;
  Credentials creds(cfg, std::chrono::seconds(10));
  for (int i = 0; i < 3; ++i) {
    auto c = creds.get();
    REQUIRE(c);
    CHECK(c->bearer == "tok-a-none");
  }
  CHECK(lines(log) == 1);
  CHECK(creds.invalidate());
  REQUIRE(creds.get());
  CHECK(lines(log) == 2);
}

TEST_CASE("a static token is not refreshable") {
  ClientConfig cfg;
  cfg.token = "t";
  Credentials creds(cfg, std::chrono::seconds(1));
  CHECK_FALSE(creds.invalidate());
  auto c = creds.get();
  REQUIRE(c);
  CHECK(c->bearer == "t");
}

TEST_CASE("status messages and lines") {
  CHECK(
      statusMessage(R"({"kind":"Status","message":"pods is forbidden: User \"x\" cannot list"})") ==
      "pods is forbidden: User \"x\" cannot list");
  CHECK(statusMessage("<html>\n<b>bad</b>") == "<html> <b>bad</b>");
  CHECK(statusLine(403) == "403 Forbidden");
  CHECK(statusLine(418) == "HTTP 418");
}
