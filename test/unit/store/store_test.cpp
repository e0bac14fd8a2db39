// SPDX-License-Identifier: Apache-2.0
// The result store: file creation and verification, migrations, round trips of every table,
// and the finding writer (threads, constraint errors, disk full).
#include <doctest/doctest.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "kpatrol/model/finding.h"
#include "kpatrol/store/store.h"

namespace fs = std::filesystem;
using kpatrol::Errc;
using kpatrol::model::CollectionError;
using kpatrol::model::Finding;
using kpatrol::model::Json;
using kpatrol::model::Scope;
using kpatrol::model::Severity;
using kpatrol::model::Status;
using namespace kpatrol::store;

namespace {

class TempDir {
 public:
  TempDir() {
    std::string templ = (fs::temp_directory_path() / "kpatrol-store-test-XXXXXX").string();
    REQUIRE(::mkdtemp(templ.data()) != nullptr);
    path_ = templ;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

std::string readBytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void writeBytes(const fs::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

unsigned fileMode(const fs::path& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

/// Runs SQL on a raw connection (outside the store), returning the first column of the last row.
std::string rawQuery(const fs::path& path, const std::string& sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) ==
          SQLITE_OK);
  std::string out;
  char* err = nullptr;
  const int rc = sqlite3_exec(
      db, sql.c_str(),
      [](void* arg, int, char** values, char**) {
        *static_cast<std::string*>(arg) = values[0] != nullptr ? values[0] : "";
        return 0;
      },
      &out, &err);
  const std::string message = err != nullptr ? err : "";
  sqlite3_free(err);
  sqlite3_close(db);
  INFO(sql, ": ", message);
  REQUIRE(rc == SQLITE_OK);
  return out;
}

ScanRecord sampleScan() {
  ScanRecord s;
  s.started_at = "2026-12-01T19:33:55Z";
  s.snapshot_time = "2026-12-01T19:30:00Z";
  s.cluster_name = "prod-hz";
  s.cluster_uid = "0b5e9d1c-7a2f-4a53-9b0e-2f7f1d1c0a11";
  s.cluster_version = "v1.28.3";
  s.flavour = "kubeadm";
  s.profile = "cis-1.8";
  s.tool_version = "0.1.0";
  s.rules_digest = "ab12";
  s.origin = "demo";
  return s;
}

Finding makeFinding(std::uint64_t seq, const std::string& rule, Status status) {
  Finding f;
  f.seq = seq;
  f.rule_id = rule;
  f.subject = "pod/default/web-" + std::to_string(seq);
  f.scope = Scope::kPod;
  f.status = status;
  f.severity = Severity::kHigh;
  f.message = "message " + std::to_string(seq);
  f.evidence = Json::object();
  f.evidence["zeta"] = seq;
  f.evidence["alpha"] = Json::array({"a", 1, true, nullptr});
  f.duration_us = static_cast<std::int64_t>(seq) * 3;
  return f;
}

std::unique_ptr<Store> openStore(const fs::path& path) {
  auto store = Store::open(path);
  INFO((store.ok() ? std::string() : store.error().message));
  REQUIRE(store.ok());
  return std::move(store).value();
}

std::unique_ptr<FindingWriter> startWriter(const fs::path& path, std::int64_t scan_id,
                                           std::size_t batch = 2000) {
  auto writer = FindingWriter::start(path, scan_id, {.batch_size = batch});
  INFO((writer.ok() ? std::string() : writer.error().message));
  REQUIRE(writer.ok());
  return std::move(writer).value();
}

}  // namespace

TEST_CASE("status, severity, scope and scan state names round-trip") {
  using kpatrol::model::parseScope;
  using kpatrol::model::parseSeverity;
  using kpatrol::model::parseStatus;
  using kpatrol::model::scopeName;
  using kpatrol::model::severityName;
  using kpatrol::model::statusName;
  using kpatrol::model::statusNameZh;

  const std::vector<std::string> statuses = {"pass", "warn",   "fail",  "error",
                                             "na",   "manual", "waived"};
  const std::vector<std::string> zh = {"正常",   "警告",       "异常",  "未知",
                                       "不适用", "需人工确认", "已豁免"};
  std::size_t i = 0;
  for (const Status s : kpatrol::model::kAllStatuses) {
    CHECK(statusName(s) == statuses[i]);
    CHECK(statusNameZh(s) == zh[i]);
    CHECK(parseStatus(statuses[i]) == s);
    ++i;
  }
  CHECK(i == statuses.size());
  CHECK_FALSE(parseStatus("PASS").has_value());
  CHECK_FALSE(parseStatus("").has_value());

  const std::vector<std::string> severities = {"critical", "high", "medium", "low", "info"};
  i = 0;
  for (const Severity s : kpatrol::model::kAllSeverities) {
    CHECK(severityName(s) == severities[i]);
    CHECK(parseSeverity(severities[i]) == s);
    ++i;
  }
  CHECK_FALSE(parseSeverity("severe").has_value());

  const std::vector<std::string> scopes = {"cluster", "node", "namespace", "workload", "pod"};
  i = 0;
  for (const Scope s : kpatrol::model::kAllScopes) {
    CHECK(scopeName(s) == scopes[i]);
    CHECK(parseScope(scopes[i]) == s);
    ++i;
  }
  CHECK_FALSE(parseScope("pods").has_value());

  CHECK(std::string(scanStateName(ScanState::kRunning)) == "running");
  CHECK(std::string(scanStateName(ScanState::kComplete)) == "complete");
  CHECK(std::string(scanStateName(ScanState::kInterrupted)) == "interrupted");
  CHECK(std::string(scanStateName(ScanState::kFailed)) == "failed");
}

TEST_CASE("open creates a 0600 database with parent directories, WAL and the schema") {
  TempDir tmp;
  const fs::path db = tmp.path() / "a" / "b" / "results.db";
  {
    auto store = openStore(db);
    CHECK(store->path() == db);
    CHECK(fs::is_regular_file(db));
    CHECK(fileMode(db) == 0600);
    // SQLite's -wal/-shm files take the database file's mode.
    CHECK(fs::exists(fs::path(db.string() + "-wal")));
    CHECK(fileMode(fs::path(db.string() + "-wal")) == 0600);
  }
  CHECK(rawQuery(db, "PRAGMA user_version") == std::to_string(kStoreSchemaVersion));
  CHECK(rawQuery(db, "PRAGMA application_id") == std::to_string(0x4b50544c));
  CHECK(rawQuery(db, "PRAGMA journal_mode") == "wal");
  for (const char* table :
       {"scans", "rules", "rule_groups", "findings", "collection_errors", "waivers"}) {
    CHECK(rawQuery(db, std::string("SELECT count(*) FROM sqlite_schema WHERE type='table' AND "
                                   "name='") +
                           table + "'") == "1");
  }
  CHECK(rawQuery(db,
                 "SELECT count(*) FROM sqlite_schema WHERE type='index' AND name IN "
                 "('findings_by_rule','findings_by_status')") == "2");
}

TEST_CASE("an existing kpatrol database with a loose mode is tightened to 0600") {
  TempDir tmp;
  const fs::path db = tmp.path() / "results.db";
  { openStore(db); }
  REQUIRE(::chmod(db.c_str(), 0644) == 0);
  { openStore(db); }
  CHECK(fileMode(db) == 0600);
}

TEST_CASE("scans, rules, groups, findings, collection errors and waivers round-trip") {
  TempDir tmp;
  const fs::path db = tmp.path() / "results.db";
  auto store = openStore(db);

  auto id = store->beginScan(sampleScan());
  REQUIRE(id.ok());
  CHECK(*id > 0);

  std::vector<RuleRecord> rules(2);
  rules[0].rule_id = "k8s.pod.privileged";
  rules[0].pack = "builtin";
  rules[0].title_en = "Privileged containers";
  rules[0].title_zh = "特权容器";
  rules[0].severity = Severity::kCritical;
  rules[0].scope = Scope::kPod;
  rules[0].baselines_json = R"({"cis":{"control":"5.2.1"}})";
  rules[0].remediation_en = "Drop privileged";
  rules[0].remediation_zh = "移除特权";
  rules[0].source = "builtin:k8s/pod_privileged.lua";
  rules[0].sha256 = "ff00";
  rules[1].rule_id = "k8s.api.anonymous";  // sorts first
  rules[1].severity = Severity::kLow;
  rules[1].scope = Scope::kCluster;
  REQUIRE(store->addRules(*id, rules).ok());

  std::vector<GroupMember> members = {
      {"cis-1.8", "5.2", "Pod security", "Pod 安全", "k8s.pod.privileged", 2.0},
      {"cis-1.8", "1.2", "API server", "API 服务器", "k8s.api.anonymous", 1.0}};
  REQUIRE(store->addGroups(*id, members).ok());
  CHECK(store->addGroups(*id, {{"cis-1.8", "", "", "", "x", 1.0}}).error().code ==
        Errc::kInvalidArgument);

  std::vector<CollectionError> errors = {{"node/n1", "kubelet.config", "ssh", "timeout"},
                                         {"cluster", "objects.secrets", "api", "forbidden"}};
  REQUIRE(store->addCollectionErrors(*id, errors).ok());

  std::vector<WaiverRecord> waivers(1);
  waivers[0] = {
      "k8s.pod.privileged", "pod/kube-system/*", "ops", "CNI needs it", "2027-01-31", false, 3};
  REQUIRE(store->addWaivers(*id, waivers).ok());

  // Findings arrive out of order from the evaluator's workers; they come back by seq.
  std::vector<Finding> findings;
  for (std::uint64_t seq : {5u, 1u, 4u, 0u, 3u, 2u}) {
    findings.push_back(makeFinding(seq, "k8s.pod.privileged", Status::kFail));
  }
  findings[1].status = Status::kWaived;
  findings[1].waiver = "ops: CNI needs it (expires 2027-01-31)";
  findings[2].evidence = Json::parse(R"({"b":[1,2,{"z":null,"a":"中文"}],"a":1.5})");
  findings[3].evidence = nullptr;
  findings[4].evidence = "plain string";
  findings[5].scope = Scope::kNode;
  findings[5].severity = Severity::kInfo;
  {
    auto writer = startWriter(db, *id, 2);
    writer->submit(findings);
    REQUIRE(writer->close().ok());
    CHECK(writer->written() == findings.size());
  }
  REQUIRE(store->finishScan(*id, ScanState::kComplete, "2026-12-01T19:40:00Z").ok());

  auto scan = store->scan(*id);
  REQUIRE(scan.ok());
  const ScanRecord expected = sampleScan();
  CHECK(scan->id == *id);
  CHECK(scan->started_at == expected.started_at);
  CHECK(scan->finished_at == "2026-12-01T19:40:00Z");
  CHECK(scan->state == ScanState::kComplete);
  CHECK(scan->snapshot_time == expected.snapshot_time);
  CHECK(scan->cluster_name == expected.cluster_name);
  CHECK(scan->cluster_uid == expected.cluster_uid);
  CHECK(scan->cluster_version == expected.cluster_version);
  CHECK(scan->flavour == expected.flavour);
  CHECK(scan->profile == expected.profile);
  CHECK(scan->tool_version == expected.tool_version);
  CHECK(scan->rules_digest == expected.rules_digest);
  CHECK(scan->origin == expected.origin);

  auto got_rules = store->rules(*id);
  REQUIRE(got_rules.ok());
  REQUIRE(got_rules->size() == 2);
  CHECK((*got_rules)[0].rule_id == "k8s.api.anonymous");
  CHECK((*got_rules)[0].severity == Severity::kLow);
  CHECK((*got_rules)[0].scope == Scope::kCluster);
  CHECK((*got_rules)[0].baselines_json == "{}");
  const RuleRecord& r = (*got_rules)[1];
  CHECK(r.rule_id == rules[0].rule_id);
  CHECK(r.pack == rules[0].pack);
  CHECK(r.title_en == rules[0].title_en);
  CHECK(r.title_zh == rules[0].title_zh);
  CHECK(r.severity == Severity::kCritical);
  CHECK(r.scope == Scope::kPod);
  CHECK(r.baselines_json == rules[0].baselines_json);
  CHECK(r.remediation_en == rules[0].remediation_en);
  CHECK(r.remediation_zh == rules[0].remediation_zh);
  CHECK(r.source == rules[0].source);
  CHECK(r.sha256 == rules[0].sha256);

  // Groups keep insertion order; ord continues across addGroups calls.
  REQUIRE(
      store->addGroups(*id, {{"cis-1.8", "4.1", "RBAC", "RBAC", "k8s.api.anonymous", 1.0}}).ok());
  CHECK(rawQuery(db,
                 "SELECT group_concat(group_id || ':' || ord, ',') FROM (SELECT * FROM "
                 "rule_groups ORDER BY ord)") == "5.2:0,1.2:1,4.1:2");
  CHECK(rawQuery(db,
                 "SELECT group_title_zh || '/' || weight FROM rule_groups WHERE "
                 "group_id='5.2'") == "Pod 安全/2.0");

  auto got_errors = store->collectionErrors(*id);
  REQUIRE(got_errors.ok());
  REQUIRE(got_errors->size() == 2);
  for (std::size_t i = 0; i < errors.size(); ++i) {
    CHECK((*got_errors)[i].subject == errors[i].subject);
    CHECK((*got_errors)[i].fact == errors[i].fact);
    CHECK((*got_errors)[i].source == errors[i].source);
    CHECK((*got_errors)[i].message == errors[i].message);
  }

  auto got_waivers = store->waivers(*id);
  REQUIRE(got_waivers.ok());
  REQUIRE(got_waivers->size() == 1);
  CHECK((*got_waivers)[0].rule == "k8s.pod.privileged");
  CHECK((*got_waivers)[0].subject_glob == "pod/kube-system/*");
  CHECK((*got_waivers)[0].owner == "ops");
  CHECK((*got_waivers)[0].reason == "CNI needs it");
  CHECK((*got_waivers)[0].expires == "2027-01-31");
  CHECK((*got_waivers)[0].expired == false);
  CHECK((*got_waivers)[0].matched == 3);

  auto got = store->findings(*id);
  REQUIRE(got.ok());
  REQUIRE(got->size() == findings.size());
  for (std::size_t i = 0; i < got->size(); ++i) {
    const Finding& g = (*got)[i];
    CHECK(g.seq == i);
    const auto it = std::find_if(findings.begin(), findings.end(),
                                 [&](const Finding& f) { return f.seq == g.seq; });
    REQUIRE(it != findings.end());
    CHECK(g.rule_id == it->rule_id);
    CHECK(g.subject == it->subject);
    CHECK(g.scope == it->scope);
    CHECK(g.status == it->status);
    CHECK(g.severity == it->severity);
    CHECK(g.message == it->message);
    CHECK(g.evidence == it->evidence);
    CHECK(g.evidence.dump() == it->evidence.dump());  // key order preserved too
    CHECK(g.waiver == it->waiver);
    CHECK(g.duration_us == it->duration_us);
  }
}

TEST_CASE("scans are listed newest first; state changes; unknown scans are not found") {
  TempDir tmp;
  const fs::path db = tmp.path() / "results.db";
  auto store = openStore(db);
  auto first = store->beginScan(sampleScan());
  ScanRecord second_rec = sampleScan();
  second_rec.started_at.clear();  // filled with the current time
  auto second = store->beginScan(second_rec);
  REQUIRE(first.ok());
  REQUIRE(second.ok());
  CHECK(*second > *first);

  auto running = store->scan(*second);
  REQUIRE(running.ok());
  CHECK(running->state == ScanState::kRunning);
  CHECK(running->finished_at.empty());
  CHECK_FALSE(running->started_at.empty());

  REQUIRE(store->finishScan(*first, ScanState::kInterrupted, "2026-12-02T00:00:00Z").ok());
  auto all = store->scans();
  REQUIRE(all.ok());
  REQUIRE(all->size() == 2);
  CHECK((*all)[0].id == *second);
  CHECK((*all)[0].state == ScanState::kRunning);
  CHECK((*all)[1].id == *first);
  CHECK((*all)[1].state == ScanState::kInterrupted);

  auto missing = store->scan(9999);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == Errc::kNotFound);
  CHECK(missing.error().message.find(db.string()) != std::string::npos);
  auto finish_missing = store->finishScan(9999, ScanState::kFailed, "");
  REQUIRE_FALSE(finish_missing.ok());
  CHECK(finish_missing.error().code == Errc::kNotFound);
  auto orphan_rules = store->addRules(9999, std::vector<RuleRecord>(1));
  REQUIRE_FALSE(orphan_rules.ok());
  CHECK(orphan_rules.error().message.find("FOREIGN KEY") != std::string::npos);
  CHECK(orphan_rules.error().message.find(db.string()) != std::string::npos);
  auto no_findings = store->findings(9999);
  REQUIRE(no_findings.ok());
  CHECK(no_findings->empty());
}

TEST_CASE("reopening a database keeps its data and does not re-run migrations") {
  TempDir tmp;
  const fs::path db = tmp.path() / "results.db";
  std::int64_t id = 0;
  {
    auto store = openStore(db);
    auto scan = store->beginScan(sampleScan());
    REQUIRE(scan.ok());
    id = *scan;
    auto writer = startWriter(db, id);
    writer->submit({makeFinding(0, "r", Status::kPass), makeFinding(1, "r", Status::kFail)});
    REQUIRE(writer->close().ok());
    REQUIRE(store->finishScan(id, ScanState::kComplete, "2026-12-01T20:00:00Z").ok());
  }
  {
    auto store = openStore(db);
    auto scans = store->scans();
    REQUIRE(scans.ok());
    REQUIRE(scans->size() == 1);
    CHECK((*scans)[0].id == id);
    CHECK((*scans)[0].state == ScanState::kComplete);
    auto findings = store->findings(id);
    REQUIRE(findings.ok());
    REQUIRE(findings->size() == 2);
    CHECK((*findings)[1].status == Status::kFail);
    auto next = store->beginScan(sampleScan());
    REQUIRE(next.ok());
    CHECK(*next == id + 1);
  }
  CHECK(rawQuery(db, "PRAGMA user_version") == std::to_string(kStoreSchemaVersion));
}

TEST_CASE("a file of random bytes is refused, named, and left byte-identical") {
  TempDir tmp;
  const fs::path db = tmp.path() / "random.db";
  std::mt19937 rng(42);
  std::string bytes(16384, '\0');
  for (char& c : bytes) c = static_cast<char>(rng() & 0xff);
  writeBytes(db, bytes);
  REQUIRE(::chmod(db.c_str(), 0644) == 0);

  auto store = Store::open(db);
  REQUIRE_FALSE(store.ok());
  INFO(store.error().message);
  CHECK(store.error().code == Errc::kIntegrity);
  CHECK(store.error().message.find(db.string()) != std::string::npos);
  CHECK(store.error().message.find("file is not a database") != std::string::npos);
  CHECK(readBytes(db) == bytes);
  CHECK(fileMode(db) == 0644);
  CHECK_FALSE(fs::exists(fs::path(db.string() + "-wal")));

  // The finding writer's connection refuses it the same way.
  auto writer = FindingWriter::start(db, 1);
  REQUIRE_FALSE(writer.ok());
  CHECK(writer.error().message.find(db.string()) != std::string::npos);
  CHECK(readBytes(db) == bytes);
}

TEST_CASE("a kpatrol database with a damaged schema page is reported and left untouched") {
  TempDir tmp;
  const fs::path db = tmp.path() / "results.db";
  { openStore(db); }
  REQUIRE_FALSE(fs::exists(fs::path(db.string() + "-wal")));  // checkpointed on close
  std::string bytes = readBytes(db);
  REQUIRE(bytes.size() > 4096);
  // Keep the 100-byte header (magic, application_id) and scribble over the schema b-tree page.
  for (std::size_t i = 100; i < 4096; ++i) bytes[i] = static_cast<char>((i * 131) & 0xff);
  writeBytes(db, bytes);
  REQUIRE(::chmod(db.c_str(), 0600) == 0);

  auto store = Store::open(db);
  REQUIRE_FALSE(store.ok());
  INFO(store.error().message);
  CHECK(store.error().code == Errc::kIntegrity);
  CHECK(store.error().message.find(db.string()) != std::string::npos);
  CHECK(store.error().message.find("malformed") != std::string::npos);
  CHECK(store.error().message.find("left untouched") != std::string::npos);
  CHECK(readBytes(db) == bytes);
  CHECK_FALSE(fs::exists(fs::path(db.string() + "-wal")));
}

TEST_CASE("a short text file is refused and left untouched") {
  TempDir tmp;
  const fs::path db = tmp.path() / "notes.txt";
  const std::string text = "hello, this is not a database\n";
  writeBytes(db, text);
  auto store = Store::open(db);
  REQUIRE_FALSE(store.ok());
  CHECK(store.error().message.find(db.string()) != std::string::npos);
  CHECK(readBytes(db) == text);
}

TEST_CASE("another application's SQLite database is refused and never modified") {
  TempDir tmp;
  SUBCASE("different application_id") {
    const fs::path db = tmp.path() / "other.db";
    rawQuery(db,
             "PRAGMA application_id = 1234; CREATE TABLE scans(x); INSERT INTO scans "
             "VALUES (1); SELECT 1");
    const std::string before = readBytes(db);
    auto store = Store::open(db);
    REQUIRE_FALSE(store.ok());
    INFO(store.error().message);
    CHECK(store.error().code == Errc::kInvalidArgument);
    CHECK(store.error().message.find(db.string() + " is not a kpatrol database") !=
          std::string::npos);
    CHECK(readBytes(db) == before);
    CHECK(rawQuery(db, "SELECT count(*) FROM scans") == "1");
  }
  SUBCASE("no application_id but foreign tables") {
    const fs::path db = tmp.path() / "foreign.db";
    rawQuery(db, "CREATE TABLE customers(id INTEGER PRIMARY KEY, name TEXT); SELECT 1");
    const std::string before = readBytes(db);
    auto store = Store::open(db);
    REQUIRE_FALSE(store.ok());
    INFO(store.error().message);
    CHECK(store.error().message.find(db.string() + " is not a kpatrol database") !=
          std::string::npos);
    CHECK(store.error().message.find("customers") != std::string::npos);
    CHECK(readBytes(db) == before);
    CHECK(rawQuery(db, "PRAGMA user_version") == "0");
  }
}

TEST_CASE("a database from a newer kpatrol is refused") {
  TempDir tmp;
  const fs::path db = tmp.path() / "results.db";
  { openStore(db); }
  rawQuery(db, "PRAGMA user_version = 99; SELECT 1");
  auto store = Store::open(db);
  REQUIRE_FALSE(store.ok());
  CHECK(store.error().message.find("created by a newer kpatrol") != std::string::npos);
  CHECK(store.error().message.find(db.string()) != std::string::npos);
  CHECK(rawQuery(db, "PRAGMA user_version") == "99");
}

TEST_CASE("a directory in place of the database is an error") {
  TempDir tmp;
  auto store = Store::open(tmp.path());
  REQUIRE_FALSE(store.ok());
  CHECK(store.error().message.find(tmp.path().string()) != std::string::npos);
}

TEST_CASE("FindingWriter stores 10,000 findings submitted from 4 threads") {
  TempDir tmp;
  const fs::path db = tmp.path() / "results.db";
  auto store = openStore(db);
  auto id = store->beginScan(sampleScan());
  REQUIRE(id.ok());
  auto writer = startWriter(db, *id, 256);

  constexpr std::uint64_t kThreads = 4;
  constexpr std::uint64_t kPerThread = 2500;
  std::vector<std::thread> threads;
  for (std::uint64_t t = 0; t < kThreads; ++t) {
    threads.emplace_back([&writer, t] {
      // Small, uneven vectors so the bounded queue fills up and submit() has to wait.
      std::vector<Finding> chunk;
      for (std::uint64_t i = 0; i < kPerThread; ++i) {
        const std::uint64_t seq = i * kThreads + t;
        chunk.push_back(makeFinding(seq, "rule." + std::to_string(t), Status::kPass));
        if (chunk.size() == 1 + (i % 7)) writer->submit(std::exchange(chunk, {}));
      }
      writer->submit(std::move(chunk));
    });
  }
  for (auto& th : threads) th.join();
  const auto st = writer->close();
  INFO((st.ok() ? std::string() : st.error().message));
  REQUIRE(st.ok());
  CHECK(writer->written() == kThreads * kPerThread);
  CHECK(writer->close().ok());  // idempotent

  auto findings = store->findings(*id);
  REQUIRE(findings.ok());
  REQUIRE(findings->size() == kThreads * kPerThread);
  bool in_order = true;
  for (std::size_t i = 0; i < findings->size(); ++i) {
    const Finding& f = (*findings)[i];
    if (f.seq != i || f.rule_id != "rule." + std::to_string(i % kThreads) ||
        f.evidence["zeta"] != i) {
      in_order = false;
    }
  }
  CHECK(in_order);
  CHECK(rawQuery(db, "SELECT count(*) FROM findings") == "10000");
}

TEST_CASE("FindingWriter commits while the producer is idle and counts only committed rows") {
  TempDir tmp;
  const fs::path db = tmp.path() / "results.db";
  auto store = openStore(db);
  auto id = store->beginScan(sampleScan());
  REQUIRE(id.ok());
  auto writer = startWriter(db, *id, 1000);
  writer->submit({makeFinding(0, "r", Status::kPass), makeFinding(1, "r", Status::kWarn)});
  // The queue runs dry, so the writer commits the partial batch without waiting for close().
  for (int i = 0; i < 500 && writer->written() < 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  CHECK(writer->written() == 2);
  auto visible = store->findings(*id);
  REQUIRE(visible.ok());
  CHECK(visible->size() == 2);
  REQUIRE(writer->close().ok());
}

TEST_CASE("FindingWriter reports a constraint violation from close()") {
  TempDir tmp;
  const fs::path db = tmp.path() / "results.db";
  auto store = openStore(db);
  auto id = store->beginScan(sampleScan());
  REQUIRE(id.ok());
  auto writer = startWriter(db, *id, 1);
  writer->submit({makeFinding(7, "r", Status::kPass)});
  writer->submit({makeFinding(7, "r", Status::kFail)});  // duplicate seq
  writer->submit({makeFinding(8, "r", Status::kFail)});  // discarded after the error
  const auto st = writer->close();
  REQUIRE_FALSE(st.ok());
  INFO(st.error().message);
  CHECK(st.error().message.find(db.string()) != std::string::npos);
  CHECK(st.error().message.find("UNIQUE constraint failed") != std::string::npos);
  CHECK(writer->written() == 1);
  auto findings = store->findings(*id);
  REQUIRE(findings.ok());
  REQUIRE(findings->size() == 1);
  CHECK((*findings)[0].status == Status::kPass);
}

TEST_CASE("FindingWriter refuses a missing database, an unknown scan and a zero batch") {
  TempDir tmp;
  const fs::path db = tmp.path() / "results.db";
  auto missing = FindingWriter::start(db, 1);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == Errc::kNotFound);
  CHECK_FALSE(fs::exists(db));

  auto store = openStore(db);
  auto unknown = FindingWriter::start(db, 42);
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().code == Errc::kNotFound);
  CHECK(unknown.error().message.find("42") != std::string::npos);

  auto id = store->beginScan(sampleScan());
  REQUIRE(id.ok());
  auto zero = FindingWriter::start(db, *id, {.batch_size = 0});
  REQUIRE_FALSE(zero.ok());
  CHECK(zero.error().code == Errc::kInvalidArgument);
}

TEST_CASE("FindingWriter destructor drains without an explicit close()") {
  TempDir tmp;
  const fs::path db = tmp.path() / "results.db";
  auto store = openStore(db);
  auto id = store->beginScan(sampleScan());
  REQUIRE(id.ok());
  {
    auto writer = startWriter(db, *id, 3);
    std::vector<Finding> many;
    for (std::uint64_t i = 0; i < 100; ++i) many.push_back(makeFinding(i, "r", Status::kNa));
    writer->submit(std::move(many));
    writer->submit({});  // empty submissions are ignored
  }
  auto findings = store->findings(*id);
  REQUIRE(findings.ok());
  CHECK(findings->size() == 100);
}

TEST_CASE("FindingWriter keeps evidence with invalid UTF-8 instead of failing the batch") {
  TempDir tmp;
  const fs::path db = tmp.path() / "results.db";
  auto store = openStore(db);
  auto id = store->beginScan(sampleScan());
  REQUIRE(id.ok());
  Finding f = makeFinding(0, "r", Status::kFail);
  f.evidence = Json::object({{"raw", std::string("bad \xff byte")}});
  auto writer = startWriter(db, *id);
  writer->submit({f});
  REQUIRE(writer->close().ok());
  auto findings = store->findings(*id);
  REQUIRE(findings.ok());
  REQUIRE(findings->size() == 1);
  CHECK((*findings)[0].evidence["raw"] == "bad \xEF\xBF\xBD byte");
}

TEST_CASE("FindingWriter reports a full disk (file size limit) from close()") {
  TempDir tmp;
  const fs::path db = tmp.path() / "results.db";
  auto store = openStore(db);
  auto id = store->beginScan(sampleScan());
  REQUIRE(id.ok());
  auto writer = startWriter(db, *id, 500);

  // Without root we cannot fill a filesystem, but RLIMIT_FSIZE makes the kernel refuse to grow
  // any file past the limit, which SQLite sees exactly like a full disk. SIGXFSZ is ignored so
  // the write fails instead of killing the process; both are restored afterwards.
  struct rlimit old_limit {};
  REQUIRE(::getrlimit(RLIMIT_FSIZE, &old_limit) == 0);
  struct sigaction ignore {};
  struct sigaction old_action {};
  ignore.sa_handler = SIG_IGN;
  REQUIRE(::sigaction(SIGXFSZ, &ignore, &old_action) == 0);
  struct rlimit small = old_limit;
  small.rlim_cur = 512 * 1024 + 100;  // not page-aligned: the crossing write is short
  REQUIRE(::setrlimit(RLIMIT_FSIZE, &small) == 0);

  const std::string big(600, 'x');
  for (std::uint64_t b = 0; b < 20; ++b) {
    std::vector<Finding> chunk;
    for (std::uint64_t i = 0; i < 500; ++i) {
      Finding f = makeFinding(b * 500 + i, "r", Status::kFail);
      f.message = big;
      chunk.push_back(std::move(f));
    }
    writer->submit(std::move(chunk));
  }
  const auto st = writer->close();
  REQUIRE(::setrlimit(RLIMIT_FSIZE, &old_limit) == 0);
  REQUIRE(::sigaction(SIGXFSZ, &old_action, nullptr) == 0);

  REQUIRE_FALSE(st.ok());
  INFO(st.error().message);
  CHECK(st.error().code == Errc::kIo);
  CHECK(st.error().message.find(db.string()) != std::string::npos);
  const bool disk_error = st.error().message.find("full") != std::string::npos ||
                          st.error().message.find("I/O") != std::string::npos;
  CHECK(disk_error);
  CHECK(writer->written() < 10000);

  // What was reported as written is exactly what is in the database.
  store.reset();
  auto reopened = openStore(db);
  auto findings = reopened->findings(*id);
  REQUIRE(findings.ok());
  CHECK(findings->size() == writer->written());
}

namespace {
// Caps every connection opened while registered 64 pages above its current size, so the
// database is "full" for SQLite itself (SQLITE_FULL), as on a full disk.
int capPageCount(sqlite3* db, char**, const sqlite3_api_routines*) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, "PRAGMA page_count", -1, &stmt, nullptr) != SQLITE_OK) {
    return SQLITE_ERROR;
  }
  const std::int64_t pages = sqlite3_step(stmt) == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : 0;
  sqlite3_finalize(stmt);
  const std::string sql = "PRAGMA max_page_count = " + std::to_string(pages + 64);
  return sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
}
}  // namespace

TEST_CASE("FindingWriter reports SQLITE_FULL (max_page_count reached) from close()") {
  TempDir tmp;
  const fs::path db = tmp.path() / "results.db";
  auto store = openStore(db);
  auto id = store->beginScan(sampleScan());
  REQUIRE(id.ok());

  // The writer opens its own connection; an auto-extension is the only way to reach it from
  // outside. void(*)(void) is the generic function pointer type SQLite's API takes.
  REQUIRE(sqlite3_auto_extension(reinterpret_cast<void (*)(void)>(&capPageCount)) == SQLITE_OK);
  auto started = FindingWriter::start(db, *id, {.batch_size = 100});
  sqlite3_cancel_auto_extension(reinterpret_cast<void (*)(void)>(&capPageCount));
  INFO((started.ok() ? std::string() : started.error().message));
  REQUIRE(started.ok());
  auto writer = std::move(started).value();

  const std::string big(1000, 'y');
  for (std::uint64_t b = 0; b < 10; ++b) {
    std::vector<Finding> chunk;
    for (std::uint64_t i = 0; i < 100; ++i) {
      Finding f = makeFinding(b * 100 + i, "r", Status::kFail);
      f.message = big;
      chunk.push_back(std::move(f));
    }
    writer->submit(std::move(chunk));
  }
  const auto st = writer->close();
  REQUIRE_FALSE(st.ok());
  INFO(st.error().message);
  CHECK(st.error().code == Errc::kIo);
  CHECK(st.error().message.find(db.string()) != std::string::npos);
  CHECK(st.error().message.find("database or disk is full") != std::string::npos);
  CHECK(st.error().message.find("sqlite code 13)") != std::string::npos);
  // Some transactions fit before the cap; only whole transactions are counted.
  CHECK(writer->written() > 0);
  CHECK(writer->written() < 1000);
  CHECK(writer->written() % 100 == 0);

  auto findings = store->findings(*id);
  REQUIRE(findings.ok());
  CHECK(findings->size() == writer->written());
}

// ---------------------------------------------------------------------------------------------
// Read-only access, deleting scans and the read-only query behind `kpatrol query`.

namespace {

/// A database with two scans: one rule and findings each, in a group.
std::vector<std::int64_t> seedTwoScans(Store& store) {
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 2; ++i) {
    auto id = store.beginScan(sampleScan());
    REQUIRE(id.ok());
    RuleRecord rule;
    rule.rule_id = "k8s.pod.privileged";
    rule.severity = Severity::kHigh;
    rule.scope = Scope::kPod;
    REQUIRE(store.addRules(*id, {rule}).ok());
    REQUIRE(store.addGroups(*id, {{"default", "pods", "Pods", "Pod", rule.rule_id, 1.0}}).ok());
    REQUIRE(store.addWaivers(*id, {{"x", "*", "ops", "why", "", false, 0}}).ok());
    REQUIRE(store.addCollectionErrors(*id, {{"node/n1", "kubelet.config", "ssh", "timeout"}}).ok());
    auto writer = FindingWriter::start(store.path(), *id);
    REQUIRE(writer.ok());
    (*writer)->submit(
        {makeFinding(1, rule.rule_id, Status::kFail), makeFinding(2, rule.rule_id, Status::kPass)});
    REQUIRE((*writer)->close().ok());
    REQUIRE(store.finishScan(*id, ScanState::kComplete, "").ok());
    ids.push_back(*id);
  }
  return ids;
}

std::string queryError(const Store& store, const std::string& sql) {
  auto result = store.query(sql);
  if (result.ok()) return "<accepted>";
  return result.error().message;
}

}  // namespace

TEST_CASE("openReadOnly reads an existing database and refuses what it cannot read") {
  TempDir tmp;
  const fs::path db = tmp.path() / "results.db";
  SUBCASE("a missing file is not found and is not created") {
    auto ro = Store::openReadOnly(db);
    REQUIRE_FALSE(ro.ok());
    CHECK(ro.error().code == Errc::kNotFound);
    CHECK(ro.error().message.find(db.string()) != std::string::npos);
    CHECK_FALSE(fs::exists(db));
  }
  SUBCASE("an empty file is not a database yet, and stays empty") {
    writeBytes(db, "");
    auto ro = Store::openReadOnly(db);
    REQUIRE_FALSE(ro.ok());
    CHECK(ro.error().code == Errc::kNotFound);
    CHECK(fs::file_size(db) == 0);
  }
  SUBCASE("random bytes are refused and left byte-identical") {
    std::string junk(8192, '\0');
    std::mt19937 rng(7);
    for (auto& c : junk) c = static_cast<char>(rng() & 0xff);
    writeBytes(db, junk);
    auto ro = Store::openReadOnly(db);
    REQUIRE_FALSE(ro.ok());
    CHECK(ro.error().code == Errc::kIntegrity);
    CHECK(readBytes(db) == junk);
  }
  SUBCASE("a kpatrol database is read; writes through the store fail") {
    {
      auto store = openStore(db);
      seedTwoScans(*store);
    }
    auto ro = Store::openReadOnly(db);
    INFO((ro.ok() ? std::string() : ro.error().message));
    REQUIRE(ro.ok());
    CHECK((*ro)->readOnly());
    auto scans = (*ro)->scans();
    REQUIRE(scans.ok());
    CHECK(scans->size() == 2);
    auto findings = (*ro)->findings(scans->front().id);
    REQUIRE(findings.ok());
    CHECK(findings->size() == 2);
    CHECK_FALSE((*ro)->beginScan(sampleScan()).ok());
    CHECK_FALSE((*ro)->deleteScans({scans->front().id}).ok());
    CHECK(rawQuery(db, "SELECT count(*) FROM scans") == "2");
  }
  SUBCASE("a database from a newer kpatrol is refused") {
    { openStore(db); }
    rawQuery(db, "PRAGMA user_version = 99");
    auto ro = Store::openReadOnly(db);
    REQUIRE_FALSE(ro.ok());
    CHECK(ro.error().code == Errc::kUnsupported);
  }
}

TEST_CASE("deleteScans removes scans with all their rows, and vacuum keeps the rest") {
  TempDir tmp;
  const fs::path db = tmp.path() / "results.db";
  auto store = openStore(db);
  const auto ids = seedTwoScans(*store);
  auto deleted = store->deleteScans({ids[0], 424242});
  REQUIRE(deleted.ok());
  CHECK(*deleted == 1);
  for (const char* table : {"rules", "rule_groups", "findings", "collection_errors", "waivers"}) {
    INFO(table);
    CHECK(rawQuery(db, std::string("SELECT count(*) FROM ") + table +
                           " WHERE scan_id = " + std::to_string(ids[0])) == "0");
    CHECK(rawQuery(db, std::string("SELECT count(*) FROM ") + table +
                           " WHERE scan_id = " + std::to_string(ids[1])) != "0");
  }
  CHECK(store->scan(ids[0]).error().code == Errc::kNotFound);
  REQUIRE(store->vacuum().ok());
  auto findings = store->findings(ids[1]);
  REQUIRE(findings.ok());
  CHECK(findings->size() == 2);
  auto none = store->deleteScans({});
  REQUIRE(none.ok());
  CHECK(*none == 0);
  CHECK(fileMode(db) == 0600);
}

TEST_CASE("query returns columns and typed rows") {
  TempDir tmp;
  const fs::path db = tmp.path() / "results.db";
  { seedTwoScans(*openStore(db)); }
  auto ro = Store::openReadOnly(db);
  REQUIRE(ro.ok());
  auto result = (*ro)->query(
      "SELECT status, count(*) AS n, 0.5 AS half, NULL AS nada, x'00ff' AS bytes "
      "FROM findings GROUP BY status ORDER BY status;  -- trailing comment");
  INFO((result.ok() ? std::string() : result.error().message));
  REQUIRE(result.ok());
  CHECK(result->columns == std::vector<std::string>{"status", "n", "half", "nada", "bytes"});
  REQUIRE(result->rows.size() == 2);
  const auto& row = result->rows[0];
  CHECK(row[0].type == QueryValue::Type::kText);
  CHECK(row[0].text == "fail");
  CHECK(row[1].type == QueryValue::Type::kInteger);
  CHECK(row[1].integer == 2);
  CHECK(row[1].text == "2");
  CHECK(row[2].type == QueryValue::Type::kReal);
  CHECK(row[2].real == 0.5);
  CHECK(row[3].type == QueryValue::Type::kNull);
  CHECK(row[4].type == QueryValue::Type::kBlob);
  CHECK(row[4].text == "00ff");

  auto pragma = (*ro)->query("PRAGMA table_info(scans)");
  REQUIRE(pragma.ok());
  CHECK(pragma->rows.size() == 14);
  auto fn = (*ro)->query("SELECT name FROM pragma_table_info('findings') ORDER BY cid LIMIT 1");
  INFO((fn.ok() ? std::string() : fn.error().message));
  REQUIRE(fn.ok());
  CHECK(fn->rows.at(0).at(0).text == "scan_id");
  auto cte = (*ro)->query(
      "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n "
      "WHERE x < 5) SELECT sum(x) FROM n");
  REQUIRE(cte.ok());
  CHECK(cte->rows.at(0).at(0).integer == 15);

  auto bad = (*ro)->query("SELECT nosuchcolumn FROM scans");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code == Errc::kInvalidArgument);
  CHECK(bad.error().message.find("no such column") != std::string::npos);
  CHECK((*ro)->query("   ").error().code == Errc::kInvalidArgument);
}

TEST_CASE("query refuses every statement that writes, and the database is unchanged") {
  TempDir tmp;
  const fs::path db = tmp.path() / "results.db";
  const fs::path other = tmp.path() / "other.db";
  { seedTwoScans(*openStore(db)); }
  const std::string before = rawQuery(db,
                                      "SELECT count(*) || '/' || (SELECT count(*) FROM "
                                      "findings) || '/' || (SELECT count(*) FROM sqlite_schema) "
                                      "FROM scans");
  const std::vector<std::string> writes = {
      "INSERT INTO scans (started_at, state) VALUES ('x', 'complete')",
      "UPDATE scans SET state = 'failed'",
      "DELETE FROM findings",
      "DROP TABLE findings",
      "CREATE TABLE t (x)",
      "CREATE TEMP TABLE t (x)",
      "ALTER TABLE scans ADD COLUMN y",
      "CREATE INDEX i ON scans(origin)",
      "ATTACH DATABASE '" + other.string() + "' AS other",
      "DETACH DATABASE main",
      "PRAGMA writable_schema = ON",
      "PRAGMA writable_schema",
      "PRAGMA user_version = 7",
      "PRAGMA query_only = OFF",
      "PRAGMA journal_mode = DELETE",
      "VACUUM",
      "VACUUM INTO '" + other.string() + "'",
      "REINDEX",
      "ANALYZE",
      "BEGIN",
      "SAVEPOINT s",
      "SELECT 1; DELETE FROM scans",
      "SELECT 1; SELECT 2",
      "WITH x AS (SELECT 1) DELETE FROM scans",
      "REPLACE INTO scans (id, started_at, state) VALUES (1, 'x', 'complete')",
      "UPDATE sqlite_master SET sql = NULL",
      "UPDATE sqlite_schema SET sql = NULL",
  };
  SUBCASE("on a read-only store") {
    auto ro = Store::openReadOnly(db);
    REQUIRE(ro.ok());
    for (const auto& sql : writes) {
      INFO(sql);
      const std::string message = queryError(**ro, sql);
      CHECK(message != "<accepted>");
    }
  }
  SUBCASE("on a writable store, too") {
    auto rw = openStore(db);
    for (const auto& sql : writes) {
      INFO(sql);
      const std::string message = queryError(*rw, sql);
      CHECK(message != "<accepted>");
    }
    // A refused write names the rule it broke.
    CHECK(queryError(*rw, "DELETE FROM findings").find("read-only") != std::string::npos);
    CHECK(queryError(*rw, "ATTACH DATABASE 'x.db' AS x").find("ATTACH") != std::string::npos);
    CHECK(queryError(*rw, "DROP TABLE findings").find("schema change") != std::string::npos);
    CHECK(queryError(*rw, "DELETE FROM findings").find("DELETE on findings") != std::string::npos);
    CHECK(queryError(*rw, "PRAGMA writable_schema = ON").find("writable_schema") !=
          std::string::npos);
    // The authorizer is removed afterwards: the store still writes.
    CHECK(rw->beginScan(sampleScan()).ok());
    REQUIRE(rawQuery(db, "DELETE FROM scans WHERE id = 3") == "");
  }
  CHECK(rawQuery(db,
                 "SELECT count(*) || '/' || (SELECT count(*) FROM findings) || '/' || "
                 "(SELECT count(*) FROM sqlite_schema) FROM scans") == before);
  CHECK_FALSE(fs::exists(other));
}

TEST_CASE("bilingual messages round-trip; a version-1 database is read and then migrated") {
  TempDir tmp;
  const fs::path db = tmp.path() / "results.db";
  std::int64_t id = 0;
  {
    auto store = openStore(db);
    auto scan = store->beginScan(sampleScan());
    REQUIRE(scan.ok());
    id = *scan;
    Finding zh = makeFinding(0, "r", Status::kFail);
    zh.message = "anonymous auth is enabled";
    zh.message_zh = "已启用匿名访问";
    Finding en_only = makeFinding(1, "r", Status::kPass);
    auto writer = startWriter(db, id);
    writer->submit({zh, en_only});
    REQUIRE(writer->close().ok());
    auto findings = store->findings(id);
    REQUIRE(findings.ok());
    REQUIRE(findings->size() == 2);
    CHECK((*findings)[0].message_zh == "已启用匿名访问");
    CHECK(kpatrol::model::messageIn((*findings)[0], "zh") == "已启用匿名访问");
    CHECK(kpatrol::model::messageIn((*findings)[0], "en") == "anonymous auth is enabled");
    CHECK((*findings)[1].message_zh.empty());
    CHECK(kpatrol::model::messageIn((*findings)[1], "zh") == "message 1");  // falls back to English
  }
  // The same file as kpatrol wrote it before migrations 2 and 3: no message_zh column, no
  // pass_detail column, no finding_rollups table, version 1.
  rawQuery(db,
           "ALTER TABLE findings DROP COLUMN message_zh; ALTER TABLE scans DROP COLUMN "
           "pass_detail; DROP TABLE finding_rollups; PRAGMA user_version = 1; SELECT 1");
  REQUIRE(rawQuery(db, "PRAGMA user_version") == "1");
  {
    auto ro = Store::openReadOnly(db);
    INFO((ro.ok() ? std::string() : ro.error().message));
    REQUIRE(ro.ok());
    auto findings = (*ro)->findings(id);
    REQUIRE(findings.ok());
    REQUIRE(findings->size() == 2);
    CHECK((*findings)[0].message == "anonymous auth is enabled");
    CHECK((*findings)[0].message_zh.empty());
    auto scan = (*ro)->scan(id);
    REQUIRE(scan.ok());
    CHECK(scan->pass_detail == "all");  // before counted findings, every finding was stored
    auto counted = (*ro)->rollups(id);
    REQUIRE(counted.ok());
    CHECK(counted->empty());
    auto scores = (*ro)->scores(id);  // no finding_rollups table: scored from findings alone
    INFO((scores.ok() ? std::string() : scores.error().message));
    CHECK(scores.ok());
  }
  CHECK(rawQuery(db, "PRAGMA user_version") == "1");  // read-only: not migrated
  {
    auto store = openStore(db);
    auto findings = store->findings(id);
    REQUIRE(findings.ok());
    REQUIRE(findings->size() == 2);
    CHECK((*findings)[0].message_zh.empty());
    CHECK((*findings)[1].status == Status::kPass);
  }
  CHECK(rawQuery(db, "PRAGMA user_version") == std::to_string(kStoreSchemaVersion));
  CHECK(kStoreSchemaVersion == 3);
  {
    auto store = openStore(db);
    auto scan = store->scan(id);
    REQUIRE(scan.ok());
    CHECK(scan->pass_detail == "all");  // migration 3's default for older scans
  }
}
