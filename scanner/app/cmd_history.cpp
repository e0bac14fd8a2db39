// SPDX-License-Identifier: Apache-2.0
// The scan history: kpatrol history, diff, report, query and prune. Everything but prune opens
// the database read-only; query runs one statement that the store has checked cannot write.
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <iostream>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "app.h"
#include "kpatrol/model/snapshot.h"
#include "kpatrol/report/report.h"
#include "kpatrol/store/store.h"

namespace kpatrol::app {
namespace fs = std::filesystem;
using model::Json;

namespace {

// ---------------------------------------------------------------------------------------------
// Shared helpers

constexpr const char* kBold = "\033[1m";
constexpr const char* kRed = "\033[31m";
constexpr const char* kGreen = "\033[32m";
constexpr const char* kYellow = "\033[33m";
constexpr const char* kReset = "\033[0m";

/// Opens the history read-only; a database that does not exist yet gets a hint.
Result<std::unique_ptr<store::Store>> openHistory(const GlobalOptions& global) {
  auto db = store::Store::openReadOnly(dbPath(global));
  if (!db && db.error().code == Errc::kNotFound) {
    return makeError(Errc::kNotFound, db.error().message +
                                          "; no scan has been recorded there yet (run `kpatrol "
                                          "scan` first, or pass --db PATH)");
  }
  return db;
}

/// The output format of history, diff and query: their own --format, else a single global
/// --format given before the command (`kpatrol --format json history`), else text.
Result<std::string> outputFormat(const std::string& local, const GlobalOptions& global,
                                 const std::vector<std::string>& allowed) {
  std::string format = local;
  if (format.empty() && global.formats.size() == 1) format = global.formats.front();
  if (format.empty()) format = "text";
  if (std::find(allowed.begin(), allowed.end(), format) == allowed.end()) {
    std::string known;
    for (const auto& a : allowed) known += (known.empty() ? "" : ", ") + a;
    return makeError(Errc::kInvalidArgument,
                     "--format " + format + " is not an output format here (use " + known + ")");
  }
  return format;
}

/// Terminal columns a UTF-8 string takes: East Asian wide characters count two.
std::size_t displayWidth(std::string_view s) {
  std::size_t width = 0;
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    char32_t cp = c;
    std::size_t len = 1;
    if (c >= 0xf0 && i + 3 < s.size()) {
      len = 4;
      cp = (c & 0x07u) << 18 | (static_cast<unsigned char>(s[i + 1]) & 0x3fu) << 12 |
           (static_cast<unsigned char>(s[i + 2]) & 0x3fu) << 6 |
           (static_cast<unsigned char>(s[i + 3]) & 0x3fu);
    } else if (c >= 0xe0 && i + 2 < s.size()) {
      len = 3;
      cp = (c & 0x0fu) << 12 | (static_cast<unsigned char>(s[i + 1]) & 0x3fu) << 6 |
           (static_cast<unsigned char>(s[i + 2]) & 0x3fu);
    } else if (c >= 0xc0 && i + 1 < s.size()) {
      len = 2;
      cp = (c & 0x1fu) << 6 | (static_cast<unsigned char>(s[i + 1]) & 0x3fu);
    }
    const bool wide = (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) ||
                      (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) ||
                      (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
                      (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x20000 && cp <= 0x3fffd);
    width += wide ? 2 : 1;
    i += len;
  }
  return width;
}

struct Cell {
  std::string text;
  const char* color = nullptr;  // ANSI colour for the cell, when colour is on
};

/// An aligned text table: a header row, then rows; `right` marks right-aligned columns.
std::string renderTable(const std::vector<std::string>& headers,
                        const std::vector<std::vector<Cell>>& rows, const std::vector<bool>& right,
                        bool color) {
  std::vector<std::size_t> widths(headers.size(), 0);
  for (std::size_t c = 0; c < headers.size(); ++c) widths[c] = displayWidth(headers[c]);
  for (const auto& row : rows) {
    for (std::size_t c = 0; c < row.size() && c < widths.size(); ++c) {
      widths[c] = std::max(widths[c], displayWidth(row[c].text));
    }
  }
  auto line = [&](const std::vector<Cell>& cells, bool header) {
    std::string out;
    for (std::size_t c = 0; c < cells.size(); ++c) {
      const std::string& text = cells[c].text;
      const std::string pad(widths[c] - std::min(widths[c], displayWidth(text)), ' ');
      const bool last = c + 1 == cells.size();
      std::string cell = right[c] ? pad + text : (last ? text : text + pad);
      const char* code = header ? kBold : cells[c].color;
      if (color && code != nullptr) cell = code + cell + kReset;
      out += (c == 0 ? "" : "  ") + cell;
    }
    return out + "\n";
  };
  std::vector<Cell> header_cells;
  for (const auto& h : headers) header_cells.push_back(Cell{h});
  std::string out = line(header_cells, true);
  for (const auto& row : rows) out += line(row, false);
  return out;
}

std::optional<store::ScoreRecord> overallScore(const store::Store& db, std::int64_t scan_id,
                                               Error* error) {
  auto scores = db.scores(scan_id);
  if (!scores) {
    *error = scores.error();
    return std::nullopt;
  }
  for (auto& sc : *scores) {
    if (sc.group_id.empty()) return std::move(sc);
  }
  return store::ScoreRecord{};
}

std::string scoreText(const std::optional<double>& score) {
  return score ? fmt::format("{:.1f}", *score) : "-";
}

Json countsJson(const store::StatusCounts& c) {
  return Json{{"pass", c.pass}, {"warn", c.warn},     {"fail", c.fail},    {"error", c.error},
              {"na", c.na},     {"manual", c.manual}, {"waived", c.waived}};
}

Json scanJson(const store::ScanRecord& s, const store::ScoreRecord& score) {
  return Json{{"id", s.id},
              {"started_at", s.started_at},
              {"finished_at", s.finished_at},
              {"snapshot_time", s.snapshot_time},
              {"state", store::scanStateName(s.state)},
              {"complete", s.state == store::ScanState::kComplete},
              {"cluster",
               {{"name", s.cluster_name},
                {"uid", s.cluster_uid},
                {"key", report::clusterKey(s)},
                {"version", s.cluster_version}}},
              {"profile", s.profile},
              {"origin", s.origin},
              {"score", score.score ? Json(*score.score) : Json(nullptr)},
              {"grade", score.grade.empty() ? "-" : score.grade},
              {"counts", countsJson(score.counts)}};
}

std::string clusterLabel(const store::ScanRecord& s) {
  return s.cluster_name.empty() ? report::clusterKey(s) : s.cluster_name;
}

/// "latest" (the newest scan, whatever its state) or a scan id.
Result<store::ScanRecord> resolveScan(const store::Store& db, const std::string& spec) {
  if (spec == "latest") {
    auto scans = db.scans();
    if (!scans) return std::move(scans).error();
    if (scans->empty()) {
      return makeError(Errc::kNotFound,
                       db.path().string() + ": no scans recorded yet (run `kpatrol scan` first)");
    }
    return std::move(scans->front());
  }
  std::int64_t id = 0;
  const auto* end = spec.data() + spec.size();
  const auto [ptr, ec] = std::from_chars(spec.data(), end, id);
  if (spec.empty() || ec != std::errc() || ptr != end || id <= 0) {
    return makeError(Errc::kInvalidArgument,
                     "'" + spec +
                         "' is not a scan: give a scan id (see `kpatrol history`) or "
                         "'latest'");
  }
  return db.scan(id);
}

void warnIfIncomplete(const store::ScanRecord& s) {
  if (s.state == store::ScanState::kComplete) return;
  std::cerr << "kpatrol: warning: scan " << s.id << " is " << store::scanStateName(s.state)
            << " (incomplete): findings it never recorded are missing from it\n";
}

// ---------------------------------------------------------------------------------------------
// kpatrol history

struct HistoryOptions {
  std::string cluster;
  std::size_t limit = 20;
  std::string format;
};

int runHistory(const GlobalOptions& global, const HistoryOptions& opt) {
  auto format = outputFormat(opt.format, global, {"text", "json"});
  if (!format) return fail(format.error());
  auto db = openHistory(global);
  if (!db) return fail(db.error());
  auto scans = (*db)->scans();
  if (!scans) return fail(scans.error());
  std::vector<std::pair<store::ScanRecord, store::ScoreRecord>> rows;
  for (auto& s : *scans) {
    if (!opt.cluster.empty() && opt.cluster != s.cluster_name && opt.cluster != s.cluster_uid &&
        opt.cluster != report::clusterKey(s)) {
      continue;
    }
    if (opt.limit != 0 && rows.size() >= opt.limit) break;
    Error error;
    auto score = overallScore(**db, s.id, &error);
    if (!score) return fail(error);
    rows.emplace_back(std::move(s), std::move(*score));
  }
  if (*format == "json") {
    Json out = Json::array();
    for (const auto& [s, score] : rows) out.push_back(scanJson(s, score));
    std::cout << out.dump(2) << "\n";
    return kExitOk;
  }
  if (rows.empty()) {
    std::cout << "No scans" << (opt.cluster.empty() ? "" : " of cluster " + opt.cluster) << " in "
              << (*db)->path().string() << ".\n";
    return kExitOk;
  }
  const bool color = useColor(global, STDOUT_FILENO);
  bool any_incomplete = false;
  std::vector<std::vector<Cell>> table;
  for (const auto& [s, score] : rows) {
    const bool complete = s.state == store::ScanState::kComplete;
    any_incomplete = any_incomplete || !complete;
    const std::string state =
        complete ? std::string("complete")
                 : std::string("INCOMPLETE (") + store::scanStateName(s.state) + ")";
    // The score of an incomplete scan covers only what it recorded: shown in parentheses.
    const std::string score_text =
        complete ? scoreText(score.score) : "(" + scoreText(score.score) + ")";
    const char* grade_color = nullptr;
    if (!score.grade.empty() && score.grade != "-") {
      grade_color = score.grade <= "B" ? kGreen : (score.grade <= "D" ? kYellow : kRed);
    }
    const auto& c = score.counts;
    table.push_back({Cell{std::to_string(s.id)}, Cell{s.started_at}, Cell{clusterLabel(s)},
                     Cell{state, complete ? nullptr : kRed}, Cell{s.profile}, Cell{score_text},
                     Cell{score.grade.empty() ? "-" : score.grade, grade_color},
                     Cell{std::to_string(c.pass)}, Cell{std::to_string(c.warn)},
                     Cell{std::to_string(c.fail)}, Cell{std::to_string(c.error)},
                     Cell{std::to_string(c.waived)}});
  }
  std::cout << renderTable(
      {"ID", "STARTED", "CLUSTER", "STATE", "PROFILE", "SCORE", "GRADE", "PASS", "WARN", "FAIL",
       "ERROR", "WAIVED"},
      table, {true, false, false, false, false, true, false, true, true, true, true, true}, color);
  if (any_incomplete) {
    std::cout << "\nINCOMPLETE scans stopped before every rule ran (interrupted, failed, or "
                 "killed while running):\ntheir scores and counts cover only what they recorded "
                 "and are not a clean result.\n";
  }
  return kExitOk;
}

// ---------------------------------------------------------------------------------------------
// kpatrol diff

struct DiffOptions {
  std::vector<std::string> scans;
  std::string format;
  bool all = false;
  bool force = false;
};

/// Complete scans of the cluster `key`, newest first.
Result<std::vector<store::ScanRecord>> completeScansOf(const store::Store& db,
                                                       const std::string& key) {
  auto scans = db.scans();
  if (!scans) return std::move(scans).error();
  std::vector<store::ScanRecord> out;
  for (auto& s : *scans) {
    if (s.state == store::ScanState::kComplete && report::clusterKey(s) == key) {
      out.push_back(std::move(s));
    }
  }
  return out;
}

Json diffEntryJson(const report::DiffEntry& e) {
  return Json{{"finding_id", e.finding_id},
              {"rule_id", e.rule_id},
              {"subject", e.subject},
              {"severity", model::severityName(e.severity)},
              {"before", e.before ? Json(model::statusName(*e.before)) : Json(nullptr)},
              {"after", e.after ? Json(model::statusName(*e.after)) : Json(nullptr)},
              {"message", e.message}};
}

int runDiff(const GlobalOptions& global, const DiffOptions& opt) {
  auto format = outputFormat(opt.format, global, {"text", "json"});
  if (!format) return fail(format.error());
  auto db = openHistory(global);
  if (!db) return fail(db.error());
  store::ScanRecord from;
  store::ScanRecord to;
  if (opt.scans.size() == 2) {
    auto a = resolveScan(**db, opt.scans[0]);
    if (!a) return fail(a.error());
    auto b = resolveScan(**db, opt.scans[1]);
    if (!b) return fail(b.error());
    from = std::move(*a);
    to = std::move(*b);
  } else if (opt.scans.size() == 1) {
    auto a = resolveScan(**db, opt.scans[0]);
    if (!a) return fail(a.error());
    auto complete = completeScansOf(**db, report::clusterKey(*a));
    if (!complete) return fail(complete.error());
    if (complete->empty() || complete->front().id == a->id) {
      return fail("scan " + std::to_string(a->id) + " is the newest complete scan of cluster " +
                  clusterLabel(*a) + "; name the scan to compare it with: kpatrol diff " +
                  std::to_string(a->id) + " OTHER");
    }
    from = std::move(*a);
    to = std::move(complete->front());
  } else {
    auto latest = resolveScan(**db, "latest");
    if (!latest) return fail(latest.error());
    auto complete = completeScansOf(**db, report::clusterKey(*latest));
    if (!complete) return fail(complete.error());
    if (complete->size() < 2) {
      return fail("diff needs two complete scans of cluster " + clusterLabel(*latest) + " (" +
                  report::clusterKey(*latest) + "); " + (*db)->path().string() + " has " +
                  std::to_string(complete->size()) +
                  ". Scan it again, or name two scans: kpatrol diff A B");
    }
    from = std::move((*complete)[1]);
    to = std::move((*complete)[0]);
  }
  if (from.id == to.id) return fail("both sides of the diff are scan " + std::to_string(from.id));
  if (report::clusterKey(from) != report::clusterKey(to) && !opt.force) {
    return fail("scans " + std::to_string(from.id) + " and " + std::to_string(to.id) +
                " are of different clusters (" + clusterLabel(from) + " " +
                report::clusterKey(from) + ", " + clusterLabel(to) + " " + report::clusterKey(to) +
                "); pass --force to compare them anyway");
  }
  warnIfIncomplete(from);
  warnIfIncomplete(to);
  auto diff = report::diffScans(**db, from.id, to.id);
  if (!diff) return fail(diff.error());
  Error error;
  auto from_score = overallScore(**db, from.id, &error);
  if (!from_score) return fail(error);
  auto to_score = overallScore(**db, to.id, &error);
  if (!to_score) return fail(error);

  using report::Change;
  const Change kinds[] = {Change::kNew, Change::kResolved, Change::kChanged, Change::kUnchanged};
  if (*format == "json") {
    Json out = {{"from", scanJson(from, *from_score)},
                {"to", scanJson(to, *to_score)},
                {"same_cluster", report::clusterKey(from) == report::clusterKey(to)}};
    Json counts = Json::object();
    for (const Change k : kinds) counts[report::changeName(k)] = diff->count(k);
    out["counts"] = std::move(counts);
    for (const Change k : kinds) {
      if (k == Change::kUnchanged && !opt.all) continue;
      Json list = Json::array();
      for (const auto& e : diff->entries) {
        if (e.change == k) list.push_back(diffEntryJson(e));
      }
      out[report::changeName(k)] = std::move(list);
    }
    std::cout << out.dump(2) << "\n";
    return kExitOk;
  }

  const bool color = useColor(global, STDOUT_FILENO);
  auto paint = [color](const char* code, const std::string& text) {
    return color ? code + text + kReset : text;
  };
  auto side = [](const store::ScanRecord& s) {
    return fmt::format("scan {} ({}, {})", s.id, s.started_at, store::scanStateName(s.state));
  };
  std::string out = fmt::format("Diff {} → {}\ncluster {} ({})\n", side(from), side(to),
                                clusterLabel(to), report::clusterKey(to));
  std::string delta;
  if (from_score->score && to_score->score) {
    delta = fmt::format("  ({:+.1f})", *to_score->score - *from_score->score);
  }
  out +=
      fmt::format("score {} {} → {} {}{}\n", scoreText(from_score->score),
                  from_score->grade.empty() ? "-" : from_score->grade, scoreText(to_score->score),
                  to_score->grade.empty() ? "-" : to_score->grade, delta);
  out += fmt::format("{} new, {} resolved, {} changed, {} unchanged\n", diff->count(Change::kNew),
                     diff->count(Change::kResolved), diff->count(Change::kChanged),
                     diff->count(Change::kUnchanged));
  auto status = [](const std::optional<model::Status>& s) {
    return s ? std::string(model::statusName(*s)) : std::string("absent");
  };
  for (const Change k : kinds) {
    if (k == Change::kUnchanged && !opt.all) continue;
    const std::size_t n = diff->count(k);
    const char* code = k == Change::kNew ? kRed : (k == Change::kResolved ? kGreen : kYellow);
    std::string title = report::changeName(k);
    title[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(title[0])));
    out += "\n" + paint(kBold, fmt::format("{} ({})", title, n)) + (n == 0 ? ": none\n" : "\n");
    for (const auto& e : diff->entries) {
      if (e.change != k) continue;
      out += fmt::format("  {} {:<8} {}  {}  ({} → {})\n      {}\n",
                         paint(code, fmt::format("{:<9}", report::changeName(k))),
                         model::severityName(e.severity), e.rule_id, e.subject, status(e.before),
                         status(e.after), e.message);
    }
  }
  std::cout << out;
  return kExitOk;
}

// ---------------------------------------------------------------------------------------------
// kpatrol report

int runReport(const GlobalOptions& global, const std::string& spec) {
  auto db = openHistory(global);
  if (!db) return fail(db.error());
  auto scan = resolveScan(**db, spec);
  if (!scan) return fail(scan.error());
  warnIfIncomplete(*scan);
  auto data = report::loadScan(**db, scan->id);
  if (!data) return fail(data.error());
  auto written = writeReports(*data, global);
  if (!written) return fail(written.error());
  std::cout << (global.lang == "zh" ? "报告: " : "Report: ");
  for (const auto& f : *written) std::cout << f << " ";
  std::cout << "\n";
  return kExitOk;
}

// ---------------------------------------------------------------------------------------------
// kpatrol query

std::string csvField(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

/// Control characters would break the table's alignment: shown escaped.
std::string tableText(const store::QueryValue& v) {
  if (v.type == store::QueryValue::Type::kNull) return "NULL";
  std::string out;
  for (const char c : v.text) {
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\r') {
      out += "\\r";
    } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      out += fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
    } else {
      out += c;
    }
  }
  return out;
}

Json valueJson(const store::QueryValue& v) {
  switch (v.type) {
    case store::QueryValue::Type::kNull:
      return nullptr;
    case store::QueryValue::Type::kInteger:
      return v.integer;
    case store::QueryValue::Type::kReal:
      return v.real;
    case store::QueryValue::Type::kText:
    case store::QueryValue::Type::kBlob:
      break;
  }
  // Text that is not UTF-8 is repaired (U+FFFD) when the array is dumped.
  return v.text;
}

int runQuery(const GlobalOptions& global, const std::string& sql_arg, const std::string& fmt_arg) {
  auto format = outputFormat(fmt_arg, global, {"text", "json", "csv"});
  if (!format) return fail(format.error());
  std::string sql = sql_arg;
  if (sql == "-") sql.assign(std::istreambuf_iterator<char>(std::cin), {});
  auto db = openHistory(global);
  if (!db) return fail(db.error());
  auto result = (*db)->query(sql);
  if (!result) return fail(result.error());
  if (*format == "json") {
    // Column names become keys; a repeated name gets a suffix so no value is lost.
    std::vector<std::string> keys;
    std::set<std::string> seen;
    for (const auto& c : result->columns) {
      std::string key = c;
      for (int n = 2; !seen.insert(key).second; ++n) key = c + "_" + std::to_string(n);
      keys.push_back(key);
    }
    Json out = Json::array();
    for (const auto& row : result->rows) {
      Json obj = Json::object();
      for (std::size_t c = 0; c < row.size(); ++c) obj[keys[c]] = valueJson(row[c]);
      out.push_back(std::move(obj));
    }
    std::cout << out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    return kExitOk;
  }
  if (*format == "csv") {
    std::string out;
    for (std::size_t c = 0; c < result->columns.size(); ++c) {
      out += (c == 0 ? "" : ",") + csvField(result->columns[c]);
    }
    out += "\n";
    for (const auto& row : result->rows) {
      for (std::size_t c = 0; c < row.size(); ++c)
        out += (c == 0 ? "" : ",") + csvField(row[c].text);
      out += "\n";
    }
    std::cout << out;
    return kExitOk;
  }
  std::vector<bool> right(result->columns.size(), false);
  for (std::size_t c = 0; c < right.size(); ++c) {
    // Numeric columns (every non-NULL value a number) are right-aligned.
    bool numeric = !result->rows.empty();
    for (const auto& row : result->rows) {
      const auto t = row[c].type;
      if (t != store::QueryValue::Type::kInteger && t != store::QueryValue::Type::kReal &&
          t != store::QueryValue::Type::kNull) {
        numeric = false;
      }
    }
    right[c] = numeric;
  }
  std::vector<std::vector<Cell>> table;
  for (const auto& row : result->rows) {
    std::vector<Cell> cells;
    for (const auto& v : row) cells.push_back(Cell{tableText(v)});
    table.push_back(std::move(cells));
  }
  std::cout << renderTable(result->columns, table, right, useColor(global, STDOUT_FILENO));
  std::cout << "(" << result->rows.size() << (result->rows.size() == 1 ? " row)\n" : " rows)\n");
  return kExitOk;
}

// ---------------------------------------------------------------------------------------------
// kpatrol prune

struct PruneOptions {
  std::size_t keep = 0;
  bool dry_run = false;
  bool vacuum = false;
};

int runPrune(const GlobalOptions& global, const PruneOptions& opt) {
  const fs::path path = dbPath(global);
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    return fail(path.string() + ": no result database there (nothing to prune)");
  }
  auto db = opt.dry_run ? store::Store::openReadOnly(path) : store::Store::open(path);
  if (!db) return fail(db.error());
  auto scans = (*db)->scans();  // newest first
  if (!scans) return fail(scans.error());
  // Per cluster: keep scans, newest first, until `keep` complete ones are kept; everything older
  // goes. Incomplete scans newer than the oldest kept complete one stay (one may be running).
  std::map<std::string, std::size_t> complete_kept;
  std::vector<const store::ScanRecord*> doomed;
  std::size_t kept = 0;
  for (const auto& s : *scans) {
    std::size_t& n = complete_kept[report::clusterKey(s)];
    if (n < opt.keep) {
      if (s.state == store::ScanState::kComplete) ++n;
      ++kept;
    } else {
      doomed.push_back(&s);
    }
  }
  const char* verb = opt.dry_run ? "would remove" : "removed";
  std::vector<std::int64_t> ids;
  for (const auto* s : doomed) ids.push_back(s->id);
  if (!opt.dry_run) {
    auto deleted = (*db)->deleteScans(ids);
    if (!deleted) return fail(deleted.error());
  }
  for (const auto* s : doomed) {
    std::cout << verb << " scan " << s->id << "  " << s->started_at << "  " << clusterLabel(*s)
              << "  " << store::scanStateName(s->state) << "  " << s->profile << "\n";
  }
  std::cout << (opt.dry_run ? "Would remove " : "Removed ") << doomed.size() << " scan"
            << (doomed.size() == 1 ? "" : "s") << ", kept " << kept << " (newest " << opt.keep
            << " complete per cluster) in " << path.string() << "\n";
  if (opt.vacuum && !opt.dry_run) {
    if (auto s = (*db)->vacuum(); !s) return fail(s.error());
    std::cout << "Compacted " << path.string() << "\n";
  }
  return kExitOk;
}

}  // namespace

void addHistoryCommands(CLI::App& app, GlobalOptions& global) {
  {
    auto opt = std::make_shared<HistoryOptions>();
    auto* cmd = app.add_subcommand(
        "history",
        "List the scans kept in the database, newest first: id, start time, cluster, state\n"
        "(incomplete scans are marked INCOMPLETE), profile, overall score and grade, counts.\n"
        "Examples:\n"
        "  kpatrol history\n"
        "  kpatrol history --cluster demo --limit 5 --format json");
    cmd->add_option("--cluster", opt->cluster,
                    "only scans of this cluster: its name or kube-system namespace uid");
    cmd->add_option("--limit", opt->limit, "at most N scans (0: all)")->capture_default_str();
    cmd->add_option("--format", opt->format, "text (default) or json")
        ->check(CLI::IsMember({"text", "json"}));
    cmd->callback([opt, &global] { exitCode() = runHistory(global, *opt); });
  }
  {
    auto opt = std::make_shared<DiffOptions>();
    auto* cmd = app.add_subcommand(
        "diff",
        "Compare two scans finding by finding (rule and subject): new problems, resolved ones,\n"
        "other status changes. A problem is a fail or warn finding.\n"
        "  kpatrol diff          the last two complete scans of the latest scan's cluster\n"
        "  kpatrol diff A        scan A against the newest complete scan of its cluster\n"
        "  kpatrol diff A B      from scan A to scan B (ids, or 'latest')");
    cmd->add_option("scans", opt->scans, "zero, one or two scan ids ('latest': the newest scan)")
        ->expected(0, 2);
    cmd->add_option("--format", opt->format, "text (default) or json")
        ->check(CLI::IsMember({"text", "json"}));
    cmd->add_flag("--all", opt->all, "also list unchanged findings");
    cmd->add_flag("--force", opt->force, "compare scans of different clusters");
    cmd->callback([opt, &global] { exitCode() = runDiff(global, *opt); });
  }
  {
    auto spec = std::make_shared<std::string>();
    auto* cmd = app.add_subcommand(
        "report",
        "Re-render a past scan from the database into --out, in every --format given\n"
        "(comma-separated; default json), named kpatrol-scan-<id>.<ext> like `kpatrol scan`.\n"
        "Examples:\n"
        "  kpatrol report latest --format json,html --out reports\n"
        "  kpatrol report 12 --format sarif");
    cmd->add_option("scan", *spec, "a scan id, or 'latest' for the newest scan")->required();
    cmd->callback([spec, &global] { exitCode() = runReport(global, *spec); });
  }
  {
    auto sql = std::make_shared<std::string>();
    auto format = std::make_shared<std::string>();
    auto* cmd = app.add_subcommand(
        "query",
        "Run one read-only SQL statement on the database (schema: docs/cli.md). The database\n"
        "is opened read-only; INSERT, UPDATE, DELETE, DDL, ATTACH, VACUUM, transactions and\n"
        "PRAGMAs that set something are refused. Examples:\n"
        "  kpatrol query \"SELECT id, state, cluster_name FROM scans ORDER BY id DESC\"\n"
        "  kpatrol query --format csv \"SELECT rule_id, subject, status FROM findings WHERE "
        "scan_id = 3\"");
    cmd->add_option("sql", *sql, "the SQL statement ('-' reads it from stdin)")->required();
    cmd->add_option("--format", *format, "text (aligned table, default), json or csv")
        ->check(CLI::IsMember({"text", "json", "csv"}));
    cmd->callback([sql, format, &global] { exitCode() = runQuery(global, *sql, *format); });
  }
  {
    auto opt = std::make_shared<PruneOptions>();
    auto* cmd = app.add_subcommand(
        "prune",
        "Delete old scans: per cluster, keep the newest N complete scans (and any incomplete\n"
        "scan newer than them) and delete everything older, findings included. Example:\n"
        "  kpatrol prune --keep 10 --dry-run");
    cmd->add_option("--keep", opt->keep, "complete scans to keep per cluster (at least 1)")
        ->required()
        ->check(CLI::Range(std::size_t{1}, std::size_t{1000000}));
    cmd->add_flag("--dry-run", opt->dry_run, "print what would be removed, change nothing");
    cmd->add_flag("--vacuum", opt->vacuum, "compact the database file afterwards (VACUUM)");
    cmd->callback([opt, &global] { exitCode() = runPrune(global, *opt); });
  }
}

}  // namespace kpatrol::app
