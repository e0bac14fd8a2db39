// SPDX-License-Identifier: Apache-2.0
// Internals shared by store.cpp, finding_writer.cpp and scoring.cpp: RAII handles for the
// SQLite C API, one opened-and-verified connection type, and statement helpers that turn every
// SQLite failure into an Error naming the database path and SQLite's own message.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "kpatrol/core/result.h"
#include "kpatrol/store/store.h"

namespace kpatrol::store::detail {

/// `PRAGMA application_id` of every kpatrol result database: "KPTL".
inline constexpr std::int32_t kApplicationId = 0x4b50544c;

struct DbCloser {
  void operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }
};
struct StmtFinalizer {
  void operator()(sqlite3_stmt* stmt) const noexcept { sqlite3_finalize(stmt); }
};
using DbPtr = std::unique_ptr<sqlite3, DbCloser>;
using StmtPtr = std::unique_ptr<sqlite3_stmt, StmtFinalizer>;

/// One SQLite connection to a kpatrol database, opened with the store's pragmas (WAL,
/// synchronous=NORMAL, foreign keys, busy timeout) after checking that the file is ours.
class Connection {
 public:
  enum class Role {
    // The Store's connection: creates the file (0600) and its parent directories if absent;
    // SQLite serializes calls on it.
    kStore,
    // The finding writer's connection: the file must exist; used by one thread only (no
    // SQLite mutex) and given a larger page cache for its index inserts.
    kWriter,
    // `kpatrol query`, history, diff and report: the file must exist and be a kpatrol database
    // already; opened SQLITE_OPEN_READONLY with `PRAGMA query_only = ON`, nothing is migrated,
    // chmod-ed or otherwise written.
    kReadOnly,
  };

  static Result<Connection> open(const std::filesystem::path& path, Role role);

  sqlite3* get() const noexcept { return db_.get(); }
  const std::filesystem::path& path() const noexcept { return path_; }

  /// "<path>: <what>: <sqlite message> (sqlite code N)", classified by the result code.
  Error error(int rc, std::string_view what) const;
  /// Runs one or more statements without results.
  Status exec(std::string_view sql, std::string_view what) const;
  Result<StmtPtr> prepare(std::string_view sql, std::string_view what) const;
  /// First column of the first row of a statement without parameters (0 if no row).
  Result<std::int64_t> queryInt(std::string_view sql, std::string_view what) const;

 private:
  Connection(std::filesystem::path path, DbPtr db) : path_(std::move(path)), db_(std::move(db)) {}

  std::filesystem::path path_;
  DbPtr db_;
};

/// Number of schema migrations this build knows (== kStoreSchemaVersion).
std::size_t migrationCount() noexcept;

/// Binds parameters 1..N in order and remembers the first failure.
class Binder {
 public:
  explicit Binder(sqlite3_stmt* stmt) : stmt_(stmt) {}
  /// The text must stay alive until the statement has been stepped (SQLITE_STATIC).
  Binder& text(std::string_view value);
  Binder& integer(std::int64_t value);
  Binder& real(double value);
  int rc() const noexcept { return rc_; }

 private:
  sqlite3_stmt* stmt_;
  int index_ = 1;
  int rc_ = SQLITE_OK;
};

/// Steps a statement that returns no rows, then resets it and clears its bindings so it can be
/// reused. bind_rc is the Binder's result, checked first.
Status stepDone(const Connection& conn, sqlite3_stmt* stmt, int bind_rc, std::string_view what);

std::string columnText(sqlite3_stmt* stmt, int column);

/// Scores of a scan by the published formula (scoring.cpp), profile totals before their groups.
/// Scores of a scan; `schema_version` < 3 has no finding_rollups table.
Result<std::vector<ScoreRecord>> queryScores(const Connection& conn, std::int64_t scan_id,
                                             std::int64_t schema_version);

}  // namespace kpatrol::store::detail
