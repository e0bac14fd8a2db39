// SPDX-License-Identifier: Apache-2.0
// The published scoring formula (scanner/src/store/scoring.cpp), checked against numbers
// computed by hand.
#include <doctest/doctest.h>
#include <stdlib.h>

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "kpatrol/model/finding.h"
#include "kpatrol/store/store.h"

namespace fs = std::filesystem;
using kpatrol::model::Finding;
using kpatrol::model::Scope;
using kpatrol::model::Severity;
using kpatrol::model::Status;
using namespace kpatrol::store;

namespace {

class ScoreFixture {
 public:
  ScoreFixture() {
    std::string templ = (fs::temp_directory_path() / "kpatrol-score-test-XXXXXX").string();
    REQUIRE(::mkdtemp(templ.data()) != nullptr);
    dir_ = templ;
    auto store = Store::open(dir_ / "results.db");
    REQUIRE(store.ok());
    store_ = std::move(store).value();
  }
  ~ScoreFixture() {
    store_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  ScoreFixture(const ScoreFixture&) = delete;
  ScoreFixture& operator=(const ScoreFixture&) = delete;

  Store& store() { return *store_; }

  std::int64_t newScan() {
    ScanRecord rec;
    rec.started_at = "2026-12-01T00:00:00Z";
    rec.profile = "baseline";
    auto id = store_->beginScan(rec);
    REQUIRE(id.ok());
    return *id;
  }

  void rule(std::int64_t scan, const std::string& id, Severity severity) {
    RuleRecord r;
    r.rule_id = id;
    r.severity = severity;
    r.scope = Scope::kPod;
    REQUIRE(store_->addRules(scan, {r}).ok());
  }

  /// Adds `count` findings of `rule` with `status`.
  void findings(std::int64_t scan, const std::string& rule, Status status, int count,
                Severity severity = Severity::kMedium) {
    for (int i = 0; i < count; ++i) {
      Finding f;
      f.seq = next_seq_++;
      f.rule_id = rule;
      f.subject = "pod/ns/p" + std::to_string(f.seq);
      f.status = status;
      f.severity = severity;
      pending_[scan].push_back(std::move(f));
    }
  }

  /// Writes the pending findings of `scan`; returns (rows written, findings counted).
  std::pair<std::uint64_t, std::uint64_t> flush(std::int64_t scan, bool summarize = false) {
    auto writer = FindingWriter::start(store_->path(), scan,
                                       {.batch_size = 7, .summarize_passes = summarize});
    REQUIRE(writer.ok());
    (*writer)->submit(std::move(pending_[scan]));
    pending_.erase(scan);
    REQUIRE((*writer)->close().ok());
    return {(*writer)->written(), (*writer)->counted()};
  }

  std::vector<ScoreRecord> scores(std::int64_t scan) {
    auto out = store_->scores(scan);
    INFO((out.ok() ? std::string() : out.error().message));
    REQUIRE(out.ok());
    return std::move(out).value();
  }

 private:
  fs::path dir_;
  std::unique_ptr<Store> store_;
  std::uint64_t next_seq_ = 0;
  std::map<std::int64_t, std::vector<Finding>> pending_;
};

void checkCounts(const StatusCounts& c, std::int64_t pass, std::int64_t warn, std::int64_t fail,
                 std::int64_t error, std::int64_t na, std::int64_t manual, std::int64_t waived) {
  CHECK(c.pass == pass);
  CHECK(c.warn == warn);
  CHECK(c.fail == fail);
  CHECK(c.error == error);
  CHECK(c.na == na);
  CHECK(c.manual == manual);
  CHECK(c.waived == waived);
}

}  // namespace

TEST_CASE("gradeFor thresholds") {
  CHECK(gradeFor(std::nullopt) == "-");
  CHECK(gradeFor(100.0) == "A");
  CHECK(gradeFor(90.0) == "A");
  CHECK(gradeFor(89.99) == "B");
  CHECK(gradeFor(80.0) == "B");
  CHECK(gradeFor(79.9) == "C");
  CHECK(gradeFor(70.0) == "C");
  CHECK(gradeFor(69.9) == "D");
  CHECK(gradeFor(60.0) == "D");
  CHECK(gradeFor(59.99) == "F");
  CHECK(gradeFor(0.0) == "F");
  // A score that is 90 up to floating-point rounding is still an A.
  CHECK(gradeFor(90.0 - 1e-12) == "A");
}

TEST_CASE("severity weights") {
  CHECK(severityWeight(Severity::kCritical) == 10.0);
  CHECK(severityWeight(Severity::kHigh) == 6.0);
  CHECK(severityWeight(Severity::kMedium) == 3.0);
  CHECK(severityWeight(Severity::kLow) == 1.0);
  CHECK(severityWeight(Severity::kInfo) == 0.0);
}

TEST_CASE("group and profile scores follow the published formula") {
  ScoreFixture fx;
  const std::int64_t scan = fx.newScan();
  fx.rule(scan, "r1", Severity::kCritical);
  fx.rule(scan, "r2", Severity::kLow);
  fx.rule(scan, "r3", Severity::kHigh);
  fx.rule(scan, "r4", Severity::kMedium);
  fx.rule(scan, "r5", Severity::kInfo);
  fx.rule(scan, "r6", Severity::kMedium);
  fx.rule(scan, "r7", Severity::kMedium);
  fx.rule(scan, "r8", Severity::kHigh);
  fx.rule(scan, "r9", Severity::kCritical);  // in no group: must not count anywhere

  // Groups in insertion order: workloads, control-plane, manual-only; then profile "extra".
  REQUIRE(
      fx.store()
          .addGroups(scan, {{"baseline", "workloads", "Workloads", "工作负载", "r3", 2.0},
                            {"baseline", "workloads", "Workloads", "工作负载", "r4", 1.0},
                            {"baseline", "workloads", "Workloads", "工作负载", "r5", 1.0},
                            {"baseline", "workloads", "Workloads", "工作负载", "r6", 1.0},
                            {"baseline", "workloads", "Workloads", "工作负载", "r2", 0.5},
                            {"baseline", "control-plane", "Control plane", "控制平面", "r1", 1.0},
                            {"baseline", "control-plane", "Control plane", "控制平面", "r2", 1.0},
                            {"baseline", "manual-only", "Manual", "人工", "r7", 1.0},
                            {"baseline", "manual-only", "Manual", "人工", "r8", 1.0}})
          .ok());
  REQUIRE(fx.store().addGroups(scan, {{"extra", "g", "G", "G", "r1", 1.0}}).ok());

  // r1 (critical): 3 pass, 1 fail, plus one of each unscored status.
  fx.findings(scan, "r1", Status::kPass, 3);
  fx.findings(scan, "r1", Status::kFail, 1);
  fx.findings(scan, "r1", Status::kError, 1);
  fx.findings(scan, "r1", Status::kNa, 1);
  fx.findings(scan, "r1", Status::kManual, 1);
  fx.findings(scan, "r1", Status::kWaived, 1);
  fx.findings(scan, "r2", Status::kFail, 1);  // low
  fx.findings(scan, "r3", Status::kPass, 2);  // high
  fx.findings(scan, "r3", Status::kWarn, 2);
  fx.findings(scan, "r4", Status::kWarn, 1);  // medium
  fx.findings(scan, "r4", Status::kFail, 1);
  fx.findings(scan, "r5", Status::kFail, 5);   // info: weight 0, not scored
  fx.findings(scan, "r6", Status::kError, 2);  // no scorable finding
  fx.findings(scan, "r7", Status::kNa, 2);
  fx.findings(scan, "r8", Status::kManual, 1);
  fx.findings(scan, "r9", Status::kFail, 4);
  fx.flush(scan);

  // A second scan with different results must not leak into the first.
  const std::int64_t other = fx.newScan();
  fx.rule(other, "r1", Severity::kCritical);
  REQUIRE(fx.store().addGroups(other, {{"baseline", "control-plane", "", "", "r1", 1.0}}).ok());
  fx.findings(other, "r1", Status::kFail, 10);
  fx.flush(other);

  const auto scores = fx.scores(scan);
  REQUIRE(scores.size() == 6);

  // Profile total: rules r1..r8 once each, maximum member weight (r2: max(0.5, 1) = 1).
  //   r1 10*0.75 = 7.5   r2 1*0 = 0   r3 (6*2)*0.75 = 9   r4 3*0.25 = 0.75
  //   r5 weight 0, r6/r7/r8 nothing scorable: excluded.
  //   100 * 17.25 / 26 = 66.346...
  const ScoreRecord& total = scores[0];
  CHECK(total.profile == "baseline");
  CHECK(total.group_id.empty());
  REQUIRE(total.score.has_value());
  CHECK(*total.score == doctest::Approx(100.0 * 17.25 / 26.0));
  CHECK(total.grade == "D");
  checkCounts(total.counts, /*pass*/ 5, /*warn*/ 3, /*fail*/ 8, /*error*/ 3, /*na*/ 3,
              /*manual*/ 2, /*waived*/ 1);

  // workloads: r3 12*0.75 = 9, r4 3*0.25 = 0.75, r2 (1*0.5)*0 = 0; r5 and r6 excluded.
  //   100 * 9.75 / 15.5 = 62.903...
  const ScoreRecord& workloads = scores[1];
  CHECK(workloads.profile == "baseline");
  CHECK(workloads.group_id == "workloads");
  CHECK(workloads.group_title_en == "Workloads");
  CHECK(workloads.group_title_zh == "工作负载");
  REQUIRE(workloads.score.has_value());
  CHECK(*workloads.score == doctest::Approx(100.0 * 9.75 / 15.5));
  CHECK(workloads.grade == "D");
  checkCounts(workloads.counts, 2, 3, 7, 2, 0, 0, 0);

  // control-plane: critical r1 passes on 3 of 4 subjects, low r2 fails.
  //   100 * (10*0.75 + 1*0) / (10 + 1) = 68.18...; error/na/manual/waived counted, not scored.
  const ScoreRecord& control = scores[2];
  CHECK(control.group_id == "control-plane");
  CHECK(control.group_title_en == "Control plane");
  REQUIRE(control.score.has_value());
  CHECK(*control.score == doctest::Approx(750.0 / 11.0));
  CHECK(control.grade == "D");
  checkCounts(control.counts, 3, 0, 2, 1, 1, 1, 1);

  // manual-only: nothing scorable.
  const ScoreRecord& manual = scores[3];
  CHECK(manual.group_id == "manual-only");
  CHECK_FALSE(manual.score.has_value());
  CHECK(manual.grade == "-");
  checkCounts(manual.counts, 0, 0, 0, 0, 2, 1, 0);

  // Profile "extra": only r1, 75 -> C; its total equals its single group.
  CHECK(scores[4].profile == "extra");
  CHECK(scores[4].group_id.empty());
  REQUIRE(scores[4].score.has_value());
  CHECK(*scores[4].score == doctest::Approx(75.0));
  CHECK(scores[4].grade == "C");
  CHECK(scores[5].profile == "extra");
  CHECK(scores[5].group_id == "g");
  REQUIRE(scores[5].score.has_value());
  CHECK(*scores[5].score == doctest::Approx(75.0));
  checkCounts(scores[5].counts, 3, 0, 1, 1, 1, 1, 1);

  const auto other_scores = fx.scores(other);
  REQUIRE(other_scores.size() == 2);
  REQUIRE(other_scores[0].score.has_value());
  CHECK(*other_scores[0].score == doctest::Approx(0.0));
  CHECK(other_scores[0].grade == "F");
  checkCounts(other_scores[1].counts, 0, 0, 10, 0, 0, 0, 0);
}

TEST_CASE("a perfect group scores 100 and grade A; waived findings do not lower it") {
  ScoreFixture fx;
  const std::int64_t scan = fx.newScan();
  fx.rule(scan, "a", Severity::kHigh);
  fx.rule(scan, "b", Severity::kLow);
  REQUIRE(fx.store()
              .addGroups(scan, {{"p", "g", "G", "G", "a", 1.0}, {"p", "g", "G", "G", "b", 3.0}})
              .ok());
  fx.findings(scan, "a", Status::kPass, 4);
  fx.findings(scan, "a", Status::kWaived, 3);
  fx.findings(scan, "b", Status::kPass, 1);
  fx.flush(scan);
  const auto scores = fx.scores(scan);
  REQUIRE(scores.size() == 2);
  for (const ScoreRecord& s : scores) {
    REQUIRE(s.score.has_value());
    CHECK(*s.score == doctest::Approx(100.0));
    CHECK(s.grade == "A");
    checkCounts(s.counts, 5, 0, 0, 0, 0, 0, 3);
  }
}

TEST_CASE(
    "a group with only na findings has no score; a rule outside the rules table uses its "
    "findings' severity") {
  ScoreFixture fx;
  const std::int64_t scan = fx.newScan();
  REQUIRE(fx.store()
              .addGroups(scan, {{"p", "na-only", "NA", "NA", "n", 1.0},
                                {"p", "unlisted", "U", "U", "u", 1.0},
                                {"p", "no-findings", "E", "E", "missing", 1.0}})
              .ok());
  fx.rule(scan, "n", Severity::kCritical);
  fx.findings(scan, "n", Status::kNa, 3);
  // "u" is not in the rules table: weight falls back to its findings' severity (high).
  fx.findings(scan, "u", Status::kPass, 1, Severity::kHigh);
  fx.findings(scan, "u", Status::kFail, 1, Severity::kHigh);
  fx.flush(scan);

  const auto scores = fx.scores(scan);
  REQUIRE(scores.size() == 4);
  CHECK(scores[0].group_id.empty());
  REQUIRE(scores[0].score.has_value());
  CHECK(*scores[0].score == doctest::Approx(50.0));
  CHECK(scores[0].grade == "F");
  checkCounts(scores[0].counts, 1, 0, 1, 0, 3, 0, 0);

  CHECK(scores[1].group_id == "na-only");
  CHECK_FALSE(scores[1].score.has_value());
  CHECK(scores[1].grade == "-");
  checkCounts(scores[1].counts, 0, 0, 0, 0, 3, 0, 0);

  CHECK(scores[2].group_id == "unlisted");
  REQUIRE(scores[2].score.has_value());
  CHECK(*scores[2].score == doctest::Approx(50.0));

  CHECK(scores[3].group_id == "no-findings");
  CHECK_FALSE(scores[3].score.has_value());
  CHECK(scores[3].grade == "-");
  checkCounts(scores[3].counts, 0, 0, 0, 0, 0, 0, 0);
}

TEST_CASE("a scan without profile groups has no scores") {
  ScoreFixture fx;
  const std::int64_t scan = fx.newScan();
  fx.rule(scan, "a", Severity::kHigh);
  fx.findings(scan, "a", Status::kFail, 2);
  fx.flush(scan);
  CHECK(fx.scores(scan).empty());
}

TEST_CASE("counted pass and na findings (--passes summary) score and count like stored ones") {
  ScoreFixture fx;
  // The same findings twice: every one stored, and pass/na counted.
  std::int64_t scans[2] = {fx.newScan(), fx.newScan()};
  std::pair<std::uint64_t, std::uint64_t> written[2];
  for (int i = 0; i < 2; ++i) {
    const std::int64_t scan = scans[i];
    fx.rule(scan, "a", Severity::kCritical);
    fx.rule(scan, "b", Severity::kMedium);
    REQUIRE(fx.store()
                .addGroups(scan, {{"p", "g1", "G1", "G1", "a", 1.0},
                                  {"p", "g2", "G2", "G2", "b", 2.0},
                                  {"p", "g2", "G2", "G2", "c", 1.0}})
                .ok());
    fx.findings(scan, "a", Status::kPass, 9);
    fx.findings(scan, "a", Status::kFail, 3);
    fx.findings(scan, "a", Status::kNa, 4);
    fx.findings(scan, "b", Status::kWarn, 2);
    fx.findings(scan, "b", Status::kPass, 5);
    fx.findings(scan, "b", Status::kError, 1);
    fx.findings(scan, "c", Status::kPass, 3, Severity::kHigh);  // not in the rules table
    fx.findings(scan, "c", Status::kWaived, 1, Severity::kHigh);
    written[i] = fx.flush(scan, /*summarize=*/i == 1);
  }
  CHECK(written[0] == std::pair<std::uint64_t, std::uint64_t>{28, 0});
  CHECK(written[1] == std::pair<std::uint64_t, std::uint64_t>{7, 21});

  const auto all = fx.scores(scans[0]);
  const auto summary = fx.scores(scans[1]);
  REQUIRE(all.size() == 3);
  REQUIRE(summary.size() == all.size());
  for (std::size_t i = 0; i < all.size(); ++i) {
    INFO("score row " << i);
    CHECK(summary[i].group_id == all[i].group_id);
    REQUIRE(all[i].score.has_value());
    REQUIRE(summary[i].score.has_value());
    CHECK(*summary[i].score == doctest::Approx(*all[i].score));
    CHECK(summary[i].grade == all[i].grade);
    const auto& c = all[i].counts;
    checkCounts(summary[i].counts, c.pass, c.warn, c.fail, c.error, c.na, c.manual, c.waived);
  }
  // a: 10 * 0.75; b: (3 * 2) * 5/7 ... + c (high, from its findings) 6 * 1.
  checkCounts(all[0].counts, 17, 2, 3, 1, 4, 0, 1);
  CHECK(*all[0].score == doctest::Approx(100.0 * (7.5 + 6.0 * 6.0 / 7.0 + 6.0) / 22.0));

  // Stored rows: everything but pass and na; the counts hold the rest.
  auto rows = fx.store().findings(scans[1]);
  REQUIRE(rows.ok());
  CHECK(rows->size() == 7);
  for (const auto& f : *rows) {
    CHECK(f.status != Status::kPass);
    CHECK(f.status != Status::kNa);
  }
  auto counted = fx.store().rollups(scans[1]);
  REQUIRE(counted.ok());
  REQUIRE(counted->size() == 4);
  CHECK((*counted)[0].rule_id == "a");  // by rule, then status name: na before pass
  CHECK((*counted)[0].status == Status::kNa);
  CHECK((*counted)[0].count == 4);
  CHECK((*counted)[1].rule_id == "a");
  CHECK((*counted)[1].status == Status::kPass);
  CHECK((*counted)[1].count == 9);
  CHECK((*counted)[2].rule_id == "b");
  CHECK((*counted)[2].count == 5);
  CHECK((*counted)[3].rule_id == "c");
  CHECK((*counted)[3].severity == Severity::kHigh);
  CHECK((*counted)[3].count == 3);
  auto none = fx.store().rollups(scans[0]);
  REQUIRE(none.ok());
  CHECK(none->empty());
  auto record = fx.store().scan(scans[0]);
  REQUIRE(record.ok());
  CHECK(record->pass_detail == "all");
}
