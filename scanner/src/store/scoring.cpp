// SPDX-License-Identifier: Apache-2.0
// Scoring. The formula below is published (README "Scoring"); change it only together with
// the README and the scoring tests.
//
//   For a profile and each of its groups, consider the findings of the rules that are members
//   of the group (rule_groups). Per rule r: scorable findings are those with status pass, warn
//   or fail (error, na, manual, waived are counted and shown but not scored).
//     credit(r) = (pass + 0.5*warn) / (pass + warn + fail)   over r's scorable findings
//     weight(r) = severityWeight(rule severity) * group member weight
//     severityWeight: critical 10, high 6, medium 3, low 1, info 0
//     score     = 100 * Σ weight(r)*credit(r) / Σ weight(r)
//                 over rules with >= 1 scorable finding and weight > 0
//   No such rules: no score (nullopt), grade "-". Counts are per-status counts of the group's
//   findings (all statuses), counted ones included. The whole-profile score (group_id "") uses the
//   union of the profile's rules, each rule counted once with its maximum member weight. Groups are
//   listed in the order they were added (their first `ord`), each profile's total first. Grade: A
//   >= 90, B >= 80, C >= 70, D >= 60, else F.
//
// A rule's severity is the one recorded in the scan's rules table; a member rule missing from
// that table falls back to the highest severity on its findings.
#include <string>

#include "kpatrol/store/store.h"
#include "store_internal.h"

namespace kpatrol::store {

double severityWeight(model::Severity severity) noexcept {
  switch (severity) {
    case model::Severity::kCritical:
      return 10.0;
    case model::Severity::kHigh:
      return 6.0;
    case model::Severity::kMedium:
      return 3.0;
    case model::Severity::kLow:
      return 1.0;
    case model::Severity::kInfo:
      return 0.0;
  }
  return 0.0;
}

std::string gradeFor(std::optional<double> score) {
  if (!score) return "-";
  // Scores are ratios of doubles: allow for rounding so that an exact 90 is never an 89.999...
  constexpr double kEpsilon = 1e-9;
  const double s = *score + kEpsilon;
  if (s >= 90.0) return "A";
  if (s >= 80.0) return "B";
  if (s >= 70.0) return "C";
  if (s >= 60.0) return "D";
  return "F";
}

namespace {

/// `CASE <column> WHEN 'critical' THEN 10.0 ... ELSE 0.0 END`, generated from severityWeight so
/// the SQL and C++ cannot disagree.
std::string severityWeightSql(const std::string& column) {
  std::string sql = "CASE " + column;
  for (const model::Severity severity : model::kAllSeverities) {
    sql += " WHEN '";
    sql += model::severityName(severity);
    sql += "' THEN " + std::to_string(severityWeight(severity));
  }
  sql += " ELSE 0.0 END";
  return sql;
}

std::string scoreSql(bool with_rollups) {
  // ?1 is the scan id. `counted` is every finding of the scan: the stored rows (n = 1 each) and,
  // from schema 3, the counted ones (finding_rollups, `scan --passes summary`). `rated` holds
  // one row per (profile, group, rule): the groups' members, plus the profile's distinct rules
  // under group_id '' with their maximum member weight.
  const std::string counted =
      with_rollups ? "SELECT rule_id, status, severity, 1 AS n FROM findings WHERE scan_id = ?1 "
                     "UNION ALL SELECT rule_id, status, severity, count FROM finding_rollups "
                     "WHERE scan_id = ?1"
                   : "SELECT rule_id, status, severity, 1 AS n FROM findings WHERE scan_id = ?1";
  return R"sql(
WITH
counted AS ()sql" +
         counted + R"sql(),
per_rule AS (
  SELECT rule_id,
         SUM((status = 'pass') * n) AS n_pass, SUM((status = 'warn') * n) AS n_warn,
         SUM((status = 'fail') * n) AS n_fail, SUM((status = 'error') * n) AS n_error,
         SUM((status = 'na') * n) AS n_na, SUM((status = 'manual') * n) AS n_manual,
         SUM((status = 'waived') * n) AS n_waived,
         MAX()sql" +
         severityWeightSql("severity") + R"sql() AS finding_sweight
  FROM counted GROUP BY rule_id
),
rule_sev AS (
  SELECT rule_id, )sql" +
         severityWeightSql("severity") + R"sql( AS sweight FROM rules WHERE scan_id = ?1
),
grp AS (
  -- SQLite takes the bare title columns from the row holding MIN(ord): the first one added.
  SELECT profile, group_id, MIN(ord) AS first_ord, group_title_en, group_title_zh
  FROM rule_groups WHERE scan_id = ?1 GROUP BY profile, group_id
),
prof AS (
  SELECT profile, MIN(ord) AS first_ord FROM rule_groups WHERE scan_id = ?1 GROUP BY profile
),
members AS (
  SELECT profile, group_id, rule_id, MAX(weight) AS mweight
  FROM rule_groups WHERE scan_id = ?1 GROUP BY profile, group_id, rule_id
  UNION ALL
  SELECT profile, '', rule_id, MAX(weight)
  FROM rule_groups WHERE scan_id = ?1 GROUP BY profile, rule_id
),
rated AS (
  SELECT m.profile, m.group_id,
         m.mweight * COALESCE(s.sweight, p.finding_sweight, 0.0) AS w,
         CASE WHEN COALESCE(p.n_pass + p.n_warn + p.n_fail, 0) > 0
              THEN (p.n_pass + 0.5 * p.n_warn) / (p.n_pass + p.n_warn + p.n_fail) END AS credit,
         COALESCE(p.n_pass, 0) AS n_pass, COALESCE(p.n_warn, 0) AS n_warn,
         COALESCE(p.n_fail, 0) AS n_fail, COALESCE(p.n_error, 0) AS n_error,
         COALESCE(p.n_na, 0) AS n_na, COALESCE(p.n_manual, 0) AS n_manual,
         COALESCE(p.n_waived, 0) AS n_waived
  FROM members m
  LEFT JOIN rule_sev s ON s.rule_id = m.rule_id
  LEFT JOIN per_rule p ON p.rule_id = m.rule_id
)
SELECT r.profile, r.group_id,
       COALESCE(MIN(g.group_title_en), ''), COALESCE(MIN(g.group_title_zh), ''),
       100.0 * SUM(CASE WHEN r.credit IS NOT NULL AND r.w > 0 THEN r.w * r.credit END)
             / SUM(CASE WHEN r.credit IS NOT NULL AND r.w > 0 THEN r.w END) AS score,
       SUM(r.n_pass), SUM(r.n_warn), SUM(r.n_fail), SUM(r.n_error), SUM(r.n_na),
       SUM(r.n_manual), SUM(r.n_waived),
       MIN(pf.first_ord) AS profile_ord, MIN(COALESCE(g.first_ord, -1)) AS group_ord
FROM rated r
JOIN prof pf ON pf.profile = r.profile
LEFT JOIN grp g ON r.group_id <> '' AND g.profile = r.profile AND g.group_id = r.group_id
GROUP BY r.profile, r.group_id
ORDER BY profile_ord, group_ord
)sql";
}

}  // namespace

namespace detail {

Result<std::vector<ScoreRecord>> queryScores(const Connection& conn, std::int64_t scan_id,
                                             std::int64_t schema_version) {
  const std::string what = "computing scores of scan " + std::to_string(scan_id);
  static const std::string kSql = scoreSql(true);
  static const std::string kSqlBeforeRollups = scoreSql(false);
  auto stmt = conn.prepare(schema_version >= 3 ? kSql : kSqlBeforeRollups, what);
  if (!stmt) return std::move(stmt).error();
  sqlite3_stmt* s = stmt->get();
  if (const int rc = sqlite3_bind_int64(s, 1, scan_id); rc != SQLITE_OK) {
    return conn.error(rc, what);
  }
  std::vector<ScoreRecord> out;
  int rc = SQLITE_OK;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    ScoreRecord rec;
    rec.profile = columnText(s, 0);
    rec.group_id = columnText(s, 1);
    rec.group_title_en = columnText(s, 2);
    rec.group_title_zh = columnText(s, 3);
    if (sqlite3_column_type(s, 4) != SQLITE_NULL) rec.score = sqlite3_column_double(s, 4);
    rec.grade = gradeFor(rec.score);
    rec.counts.pass = sqlite3_column_int64(s, 5);
    rec.counts.warn = sqlite3_column_int64(s, 6);
    rec.counts.fail = sqlite3_column_int64(s, 7);
    rec.counts.error = sqlite3_column_int64(s, 8);
    rec.counts.na = sqlite3_column_int64(s, 9);
    rec.counts.manual = sqlite3_column_int64(s, 10);
    rec.counts.waived = sqlite3_column_int64(s, 11);
    out.push_back(std::move(rec));
  }
  if (rc != SQLITE_DONE) return conn.error(sqlite3_extended_errcode(conn.get()), what);
  return out;
}

}  // namespace detail
}  // namespace kpatrol::store
