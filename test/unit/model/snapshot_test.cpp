// SPDX-License-Identifier: Apache-2.0
#include <doctest/doctest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "kpatrol/core/fs.h"
#include "kpatrol/model/snapshot.h"

using namespace kpatrol;
namespace fs = std::filesystem;

namespace {
fs::path tempDir(const std::string& name) {
  auto dir = fs::temp_directory_path() / ("kpatrol-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}
}  // namespace

TEST_CASE("snapshot: the demo cluster has 3 control-plane nodes, 5 workers and ~150 pods") {
  auto snap = model::Snapshot::loadDemo();
  REQUIRE(snap.ok());
  const auto& s = **snap;
  CHECK(s.meta().cluster_name == "demo");
  CHECK(s.meta().cluster_version == "v1.28.3");
  CHECK(s.meta().created_at == "2026-11-30T02:00:00Z");
  CHECK(s.subjects(model::Scope::kNode).size() == 8);
  CHECK(s.subjects(model::Scope::kPod).size() >= 140);
  CHECK(s.subjects(model::Scope::kCluster).size() == 1);
  CHECK(s.nodeFacts("worker-3").valid());
  // Subjects of a scope come out sorted by id: the order findings follow.
  const auto pods = s.subjects(model::Scope::kPod);
  CHECK(
      std::is_sorted(pods.begin(), pods.end(),
                     [](const model::Subject& a, const model::Subject& b) { return a.id < b.id; }));
  CHECK(s.subjects(model::Scope::kNode)[0].id == "node/master-1");
  CHECK(s.subjects(model::Scope::kNode)[0].facts.valid());
}

TEST_CASE("snapshot: write and load back a directory") {
  auto demo = model::Snapshot::loadDemo();
  REQUIRE(demo.ok());
  const auto dir = tempDir("snap");
  REQUIRE((*demo)->writeDirectory(dir).ok());
  const auto perms = fs::status(dir / "snapshot.json").permissions() & fs::perms::all;
  CHECK(perms == (fs::perms::owner_read | fs::perms::owner_write));
  auto back = model::Snapshot::loadDirectory(dir);
  REQUIRE(back.ok());
  CHECK((*back)->objectCount() == (*demo)->objectCount());
  CHECK((*back)->objects("pods") == (*demo)->objects("pods"));
  CHECK((*back)->nodeFacts("master-2") == (*demo)->nodeFacts("master-2"));
  CHECK((*back)->objects("pods").toJson() == (*demo)->objects("pods").toJson());
  // and the files written are the ones toFiles() gives, byte for byte
  CHECK((*back)->toFiles() == (*demo)->toFiles());
  fs::remove_all(dir);
}

TEST_CASE("snapshot: malformed input names the file") {
  const auto dir = tempDir("bad");
  SUBCASE("no snapshot.json") {
    auto r = model::Snapshot::loadDirectory(dir);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message.find("snapshot.json is missing") != std::string::npos);
  }
  SUBCASE("broken JSON in an object list") {
    std::ofstream(dir / "snapshot.json") << R"({"schema_version": 1})";
    fs::create_directories(dir / "objects");
    std::ofstream(dir / "objects" / "pods.json") << R"({"items": [ {"metadata": )";
    auto r = model::Snapshot::loadDirectory(dir);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message.find("objects/pods.json: malformed JSON") != std::string::npos);
  }
  SUBCASE("a newer schema") {
    std::ofstream(dir / "snapshot.json") << R"({"schema_version": 99})";
    auto r = model::Snapshot::loadDirectory(dir);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message.find("schema_version 99 is newer") != std::string::npos);
  }
  fs::remove_all(dir);
}

TEST_CASE("snapshot: errorFor matches the subject and the fact path") {
  auto snap = model::Snapshot::fromJson(model::Json::parse(R"({"errors": [
      {"subject": "node/a", "fact": "kubelet", "source": "ssh", "message": "m1"},
      {"subject": "node/b", "fact": "*", "source": "ssh", "message": "m2"},
      {"subject": "cluster", "fact": "objects.roles", "source": "api", "message": "m3"}]})"),
                                        "t");
  REQUIRE(snap.ok());
  const auto& s = **snap;
  CHECK(s.errorFor("node/a", "kubelet.config")->message == "m1");
  CHECK(s.errorFor("node/a", "kubelet")->message == "m1");
  CHECK(s.errorFor("node/a", "kubeletx") == nullptr);
  CHECK(s.errorFor("node/a", "certificates") == nullptr);
  CHECK(s.errorFor("node/b", "anything")->message == "m2");
  CHECK(s.errorFor("cluster", "objects.roles")->message == "m3");
  CHECK(s.errorFor("cluster", "objects.pods") == nullptr);
}

TEST_CASE("snapshot: managedFields keep manager, operation, apiVersion and time, not fieldsV1") {
  auto snap = model::Snapshot::fromJson(model::Json::parse(R"({"objects": {"pods": [
      {"metadata": {"name": "p", "namespace": "n", "managedFields": [
        {"manager": "kubectl", "operation": "Apply", "apiVersion": "extensions/v1beta1",
         "time": "2021-01-01T00:00:00Z", "fieldsType": "FieldsV1", "fieldsV1": {"f:spec": {}}}]}}]}})"),
                                        "t");
  REQUIRE(snap.ok());
  const auto fields = (*snap)->objects("pods")[0].find("metadata").find("managedFields");
  REQUIRE(fields.size() == 1);
  CHECK(fields[0].toJson() == model::Json::parse(R"({"manager": "kubectl", "operation": "Apply",
      "apiVersion": "extensions/v1beta1", "time": "2021-01-01T00:00:00Z"})"));
}
