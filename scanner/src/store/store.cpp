// SPDX-License-Identifier: Apache-2.0
// The SQLite result store: opening and verifying the file, schema migrations, and the
// scan-level writes and reads. Findings are written by FindingWriter (finding_writer.cpp) on
// its own connection; scores are computed in SQL by scoring.cpp.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>
#include <utility>

#include "kpatrol/core/time.h"
#include "kpatrol/store/store.h"
#include "store_internal.h"

namespace kpatrol::store {
namespace fs = std::filesystem;
using detail::Binder;
using detail::Connection;
using detail::StmtPtr;

const char* scanStateName(ScanState state) noexcept {
  switch (state) {
    case ScanState::kRunning:
      return "running";
    case ScanState::kComplete:
      return "complete";
    case ScanState::kInterrupted:
      return "interrupted";
    case ScanState::kFailed:
      return "failed";
  }
  return "failed";
}

namespace {

std::optional<ScanState> parseScanState(std::string_view name) {
  for (const ScanState state :
       {ScanState::kRunning, ScanState::kComplete, ScanState::kInterrupted, ScanState::kFailed}) {
    if (name == scanStateName(state)) return state;
  }
  return std::nullopt;
}

// Schema migrations, applied in order; `PRAGMA user_version` holds how many have been applied.
// Never edit a published entry: append a new one.
constexpr const char* kMigrations[] = {
    // 1: the initial schema.
    R"sql(
CREATE TABLE scans (
  id INTEGER PRIMARY KEY,
  started_at TEXT NOT NULL,
  finished_at TEXT NOT NULL DEFAULT '',
  state TEXT NOT NULL CHECK (state IN ('running', 'complete', 'interrupted', 'failed')),
  snapshot_time TEXT NOT NULL DEFAULT '',
  cluster_name TEXT NOT NULL DEFAULT '',
  cluster_uid TEXT NOT NULL DEFAULT '',
  cluster_version TEXT NOT NULL DEFAULT '',
  flavour TEXT NOT NULL DEFAULT '',
  profile TEXT NOT NULL DEFAULT '',
  tool_version TEXT NOT NULL DEFAULT '',
  rules_digest TEXT NOT NULL DEFAULT '',
  origin TEXT NOT NULL DEFAULT ''
);
CREATE INDEX scans_by_cluster ON scans(cluster_uid, id);

CREATE TABLE rules (
  scan_id INTEGER NOT NULL REFERENCES scans(id) ON DELETE CASCADE,
  rule_id TEXT NOT NULL,
  pack TEXT NOT NULL DEFAULT '',
  title_en TEXT NOT NULL DEFAULT '',
  title_zh TEXT NOT NULL DEFAULT '',
  severity TEXT NOT NULL,
  scope TEXT NOT NULL,
  baselines_json TEXT NOT NULL DEFAULT '{}',
  remediation_en TEXT NOT NULL DEFAULT '',
  remediation_zh TEXT NOT NULL DEFAULT '',
  source TEXT NOT NULL DEFAULT '',
  sha256 TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (scan_id, rule_id)
) WITHOUT ROWID;

CREATE TABLE rule_groups (
  scan_id INTEGER NOT NULL REFERENCES scans(id) ON DELETE CASCADE,
  profile TEXT NOT NULL,
  group_id TEXT NOT NULL,
  group_title_en TEXT NOT NULL DEFAULT '',
  group_title_zh TEXT NOT NULL DEFAULT '',
  rule_id TEXT NOT NULL,
  weight REAL NOT NULL DEFAULT 1.0,
  ord INTEGER NOT NULL
);
CREATE INDEX rule_groups_by_scan ON rule_groups(scan_id, profile, group_id, ord);

CREATE TABLE findings (
  scan_id INTEGER NOT NULL REFERENCES scans(id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  rule_id TEXT NOT NULL,
  subject TEXT NOT NULL,
  scope TEXT NOT NULL,
  status TEXT NOT NULL,
  severity TEXT NOT NULL,
  message TEXT NOT NULL DEFAULT '',
  evidence_json TEXT NOT NULL DEFAULT 'null',
  waiver TEXT NOT NULL DEFAULT '',
  duration_us INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (scan_id, seq)
);
CREATE INDEX findings_by_rule ON findings(scan_id, rule_id);
CREATE INDEX findings_by_status ON findings(scan_id, status);

CREATE TABLE collection_errors (
  scan_id INTEGER NOT NULL REFERENCES scans(id) ON DELETE CASCADE,
  subject TEXT NOT NULL,
  fact TEXT NOT NULL,
  source TEXT NOT NULL DEFAULT '',
  message TEXT NOT NULL DEFAULT ''
);
CREATE INDEX collection_errors_by_scan ON collection_errors(scan_id);

CREATE TABLE waivers (
  scan_id INTEGER NOT NULL REFERENCES scans(id) ON DELETE CASCADE,
  rule TEXT NOT NULL,
  subject_glob TEXT NOT NULL DEFAULT '',
  owner TEXT NOT NULL DEFAULT '',
  reason TEXT NOT NULL DEFAULT '',
  expires TEXT NOT NULL DEFAULT '',
  expired INTEGER NOT NULL DEFAULT 0,
  matched INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX waivers_by_scan ON waivers(scan_id);
)sql",
    // 2: bilingual finding messages. The Chinese text of a finding; '' = the rule gave none
    // (readers show `message`). Rows of older scans get ''.
    R"sql(
ALTER TABLE findings ADD COLUMN message_zh TEXT NOT NULL DEFAULT '';
)sql",
    // 3: counted findings. With `scan --passes summary` (automatic on large clusters) pass and
    // na findings are counted per rule instead of stored one by one; scans.pass_detail says
    // which. Older scans are 'all'.
    R"sql(
ALTER TABLE scans ADD COLUMN pass_detail TEXT NOT NULL DEFAULT 'all'
  CHECK (pass_detail IN ('all', 'summary'));
CREATE TABLE finding_rollups (
  scan_id INTEGER NOT NULL REFERENCES scans(id) ON DELETE CASCADE,
  rule_id TEXT NOT NULL,
  status TEXT NOT NULL,
  severity TEXT NOT NULL,
  count INTEGER NOT NULL CHECK (count >= 0),
  PRIMARY KEY (scan_id, rule_id, status, severity)
) WITHOUT ROWID;
)sql",
};
static_assert(std::size(kMigrations) == kStoreSchemaVersion,
              "kStoreSchemaVersion must equal the number of migrations");

Errc errcFor(int rc) {
  switch (rc & 0xff) {
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
      return Errc::kIntegrity;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Errc::kTimeout;
    case SQLITE_CONSTRAINT:
    case SQLITE_MISMATCH:
    case SQLITE_TOOBIG:
    case SQLITE_RANGE:
      return Errc::kInvalidArgument;
    case SQLITE_CANTOPEN:
      return Errc::kNotFound;
    case SQLITE_INTERRUPT:
      return Errc::kCancelled;
    default:
      return Errc::kIo;
  }
}

std::string hex32(std::int64_t value) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08x", static_cast<unsigned>(value & 0xffffffff));
  return buf;
}

/// Ends an explicit transaction: rolled back unless commit() succeeded.
class Transaction {
 public:
  explicit Transaction(const Connection& conn) : conn_(conn) {}
  ~Transaction() {
    if (active_) sqlite3_exec(conn_.get(), "ROLLBACK", nullptr, nullptr, nullptr);
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  Status begin(std::string_view what) {
    auto st = conn_.exec("BEGIN IMMEDIATE", what);
    if (st) active_ = true;
    return st;
  }
  Status commit(std::string_view what) {
    auto st = conn_.exec("COMMIT", what);
    if (st || sqlite3_get_autocommit(conn_.get()) != 0) active_ = false;
    return st;
  }

 private:
  const Connection& conn_;
  bool active_ = false;
};

Status migrate(const Connection& conn) {
  const auto known = static_cast<std::int64_t>(std::size(kMigrations));
  for (;;) {
    auto version = conn.queryInt("PRAGMA user_version", "reading the schema version");
    if (!version) return std::move(version).error();
    if (*version > known) {
      return makeError(Errc::kUnsupported,
                       conn.path().string() + ": schema version " + std::to_string(*version) +
                           " was created by a newer kpatrol (this build knows version " +
                           std::to_string(known) + "); upgrade kpatrol or use another database");
    }
    if (*version == known) return okStatus();
    const std::string what = "applying schema migration " + std::to_string(*version + 1);
    Transaction txn(conn);
    if (auto st = txn.begin(what); !st) return st;
    // Another process may have migrated between the read above and the write lock.
    auto locked = conn.queryInt("PRAGMA user_version", what);
    if (!locked) return std::move(locked).error();
    if (*locked != *version) continue;  // re-check from the top (the transaction rolls back)
    if (auto st = conn.exec(kMigrations[*version], what); !st) return st;
    const std::string pragmas =
        "PRAGMA application_id = " + std::to_string(detail::kApplicationId) +
        "; PRAGMA user_version = " + std::to_string(*version + 1) + ";";
    if (auto st = conn.exec(pragmas, what); !st) return st;
    if (auto st = txn.commit(what); !st) return st;
  }
}

std::string notOursMessage(const fs::path& path, std::int64_t app_id,
                           const std::vector<std::string>& objects) {
  std::string msg = path.string() + " is not a kpatrol database (application_id " + hex32(app_id) +
                    ", expected " + hex32(detail::kApplicationId);
  if (!objects.empty()) {
    msg += "; it contains ";
    for (std::size_t i = 0; i < objects.size() && i < 5; ++i) {
      if (i > 0) msg += ", ";
      msg += "'" + objects[i] + "'";
    }
    if (objects.size() > 5) msg += ", ...";
  }
  msg += "); refusing to use or modify it, choose another --db path";
  return msg;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// detail: connection and statement helpers

namespace detail {

std::size_t migrationCount() noexcept { return std::size(kMigrations); }

Error Connection::error(int rc, std::string_view what) const {
  const char* msg = db_ ? sqlite3_errmsg(db_.get()) : sqlite3_errstr(rc);
  // sqlite3_errmsg reports the most recent failure on the connection; if the caller's code is
  // from elsewhere (a bind, a stale message) fall back to the generic text for that code.
  if (db_ && sqlite3_extended_errcode(db_.get()) != rc) msg = sqlite3_errstr(rc);
  std::string text = path_.string() + ": " + std::string(what) + ": " + msg;
  // An I/O error's cause (ENOSPC: the disk is full) is only in the OS error number.
  const int os_errno = db_ ? sqlite3_system_errno(db_.get()) : 0;
  if ((rc & 0xff) == SQLITE_IOERR && os_errno != 0)
    text += std::string(": ") + std::strerror(os_errno);
  text += " (sqlite code " + std::to_string(rc) + ")";
  return makeError(errcFor(rc), std::move(text));
}

Status Connection::exec(std::string_view sql, std::string_view what) const {
  const std::string text(sql);
  const int rc = sqlite3_exec(db_.get(), text.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return error(sqlite3_extended_errcode(db_.get()), what);
  return okStatus();
}

Result<StmtPtr> Connection::prepare(std::string_view sql, std::string_view what) const {
  sqlite3_stmt* raw = nullptr;
  const int rc =
      sqlite3_prepare_v2(db_.get(), sql.data(), static_cast<int>(sql.size()), &raw, nullptr);
  StmtPtr stmt(raw);
  if (rc != SQLITE_OK) return error(sqlite3_extended_errcode(db_.get()), what);
  return stmt;
}

Result<std::int64_t> Connection::queryInt(std::string_view sql, std::string_view what) const {
  auto stmt = prepare(sql, what);
  if (!stmt) return std::move(stmt).error();
  const int rc = sqlite3_step(stmt->get());
  if (rc == SQLITE_ROW) return static_cast<std::int64_t>(sqlite3_column_int64(stmt->get(), 0));
  if (rc == SQLITE_DONE) return std::int64_t{0};
  return error(sqlite3_extended_errcode(db_.get()), what);
}

Result<Connection> Connection::open(const fs::path& path, Role role) {
  if (path.empty()) return makeError(Errc::kInvalidArgument, "the result database path is empty");
  const std::string name = path.string();
  std::error_code ec;
  if (role == Role::kStore) {
    if (path.has_parent_path()) {
      fs::create_directories(path.parent_path(), ec);
      if (ec) {
        return makeError(Errc::kIo, name + ": cannot create directory " +
                                        path.parent_path().string() + ": " + ec.message());
      }
    }
    // Create the file ourselves so that it is 0600 from the first byte (the -wal and -shm
    // files SQLite creates inherit the database file's mode).
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0) {
      ::close(fd);
    } else if (errno != EEXIST) {
      return makeError(Errc::kIo,
                       name + ": cannot create the result database: " + std::strerror(errno));
    }
  }
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    const int err = errno;
    return makeError(err == ENOENT ? Errc::kNotFound : Errc::kIo,
                     name + ": cannot open the result database: " + std::strerror(err));
  }
  if (!S_ISREG(st.st_mode)) {
    return makeError(Errc::kInvalidArgument,
                     name + ": is not a regular file, expected a kpatrol result database");
  }

  sqlite3* raw = nullptr;
  const bool read_only = role == Role::kReadOnly;
  const int flags = (read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) |
                    (role == Role::kWriter ? SQLITE_OPEN_NOMUTEX : SQLITE_OPEN_FULLMUTEX);
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  Connection conn(path, DbPtr(raw));
  if (rc != SQLITE_OK) {
    if (raw == nullptr) {
      return makeError(Errc::kIo,
                       name + ": cannot open the result database: " + sqlite3_errstr(rc));
    }
    return conn.error(rc, "cannot open the result database");
  }
  sqlite3_extended_result_codes(raw, 1);
  if (!read_only && sqlite3_db_readonly(raw, "main") == 1) {
    return makeError(Errc::kIo, name + ": the result database is not writable by this user");
  }
  if (auto s = conn.exec("PRAGMA busy_timeout = 10000", "setting the busy timeout"); !s) {
    return std::move(s).error();
  }

  // Identify the file before anything may write to it. Reading the header and the schema is the
  // first I/O, so a file that is not SQLite at all (SQLITE_NOTADB) or whose schema is damaged
  // (SQLITE_CORRUPT) fails here and is left as it was. `PRAGMA quick_check` is not run: it reads
  // the whole database, which grows with every scan kept; damage elsewhere surfaces as
  // SQLITE_CORRUPT from the statement that meets it, reported with the path like any error.
  auto app_id = conn.queryInt("PRAGMA application_id", "reading the database header");
  if (!app_id) {
    Error err = std::move(app_id).error();
    if (err.code == Errc::kIntegrity) err.message += "; the file was left untouched";
    return err;
  }
  // Parsing the schema is what detects a damaged schema page; it also lists what is inside.
  auto objects =
      conn.prepare("SELECT name FROM sqlite_schema ORDER BY name", "reading the database schema");
  if (!objects) {
    Error err = std::move(objects).error();
    if (err.code == Errc::kIntegrity) err.message += "; the file was left untouched";
    return err;
  }
  std::vector<std::string> names;
  int step = SQLITE_OK;
  while ((step = sqlite3_step(objects->get())) == SQLITE_ROW) {
    names.push_back(columnText(objects->get(), 0));
  }
  objects.value().reset();
  if (step != SQLITE_DONE) {
    Error err = conn.error(sqlite3_extended_errcode(raw), "reading the database schema");
    if (err.code == Errc::kIntegrity) err.message += "; the file was left untouched";
    return err;
  }
  // A fresh (empty) file has application_id 0 and no schema: it becomes ours.
  if (*app_id != kApplicationId && (*app_id != 0 || !names.empty())) {
    return makeError(Errc::kInvalidArgument, notOursMessage(path, *app_id, names));
  }
  if (read_only) {
    if (*app_id != kApplicationId) {
      return makeError(Errc::kNotFound,
                       name + ": the result database is empty (no scan has been recorded yet)");
    }
    if (auto s = conn.exec("PRAGMA query_only = ON", "making the connection read-only"); !s) {
      return std::move(s).error();
    }
    return conn;
  }

  // Ours (or empty): tighten the mode of the database and any journal files.
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    const fs::path file = fs::path(name + suffix);
    struct stat fst {};
    if (::stat(file.c_str(), &fst) != 0) continue;
    if ((fst.st_mode & 07777) == 0600) continue;
    if (::chmod(file.c_str(), 0600) != 0 && suffix[0] == '\0') {
      return makeError(Errc::kIo, name + ": cannot set file mode 0600: " + std::strerror(errno));
    }
  }

  auto journal = conn.prepare("PRAGMA journal_mode = WAL", "enabling WAL");
  if (!journal) return std::move(journal).error();
  if (sqlite3_step(journal->get()) != SQLITE_ROW) {
    return conn.error(sqlite3_extended_errcode(raw), "enabling WAL");
  }
  const std::string journal_mode = columnText(journal->get(), 0);
  journal.value().reset();
  if (journal_mode != "wal") {
    return makeError(Errc::kUnsupported,
                     name + ": cannot enable WAL journaling (journal mode is '" + journal_mode +
                         "'); put the database on a local filesystem");
  }
  // Each finding goes into four b-trees (the table, its primary key, two indexes); a 32 MiB
  // cache (SQLite's default is 2 MiB) keeps their hot pages resident for scans with millions of
  // findings.
  const char* pragmas = role == Role::kWriter
                            ? "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; "
                              "PRAGMA cache_size = -32768;"
                            : "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;";
  if (auto s = conn.exec(pragmas, "configuring the connection"); !s) {
    return std::move(s).error();
  }
  return conn;
}

Binder& Binder::text(std::string_view value) {
  if (rc_ == SQLITE_OK) {
    // A null data pointer would bind SQL NULL; every text column is NOT NULL.
    const char* data = value.data() != nullptr ? value.data() : "";
    rc_ = sqlite3_bind_text64(stmt_, index_, data, value.size(), SQLITE_STATIC, SQLITE_UTF8);
  }
  ++index_;
  return *this;
}

Binder& Binder::integer(std::int64_t value) {
  if (rc_ == SQLITE_OK) rc_ = sqlite3_bind_int64(stmt_, index_, value);
  ++index_;
  return *this;
}

Binder& Binder::real(double value) {
  if (rc_ == SQLITE_OK) rc_ = sqlite3_bind_double(stmt_, index_, value);
  ++index_;
  return *this;
}

Status stepDone(const Connection& conn, sqlite3_stmt* stmt, int bind_rc, std::string_view what) {
  int rc = bind_rc;
  if (rc == SQLITE_OK) {
    rc = sqlite3_step(stmt);
    if (rc == SQLITE_DONE || rc == SQLITE_ROW) rc = SQLITE_OK;
  }
  Status result = okStatus();
  if (rc != SQLITE_OK) {
    const int code = bind_rc != SQLITE_OK ? bind_rc : sqlite3_extended_errcode(conn.get());
    result = conn.error(code, what);
  }
  sqlite3_reset(stmt);
  sqlite3_clear_bindings(stmt);
  return result;
}

std::string columnText(sqlite3_stmt* stmt, int column) {
  const auto* text = sqlite3_column_text(stmt, column);
  if (text == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(text),
                     static_cast<std::size_t>(sqlite3_column_bytes(stmt, column)));
}

}  // namespace detail

// ---------------------------------------------------------------------------------------------
// Store

struct Store::Impl {
  Impl(Connection c, bool ro, std::int64_t version)
      : conn(std::move(c)), read_only(ro), schema_version(version) {}
  Connection conn;
  const bool read_only;
  // The file's schema version: a read-only store may be older than this build (it is never
  // migrated), so readers select only the columns that version has.
  const std::int64_t schema_version;

  /// Runs `insert` once per item inside one transaction, reusing one prepared statement.
  template <typename Item, typename BindFn>
  Status insertAll(const std::vector<Item>& items, std::string_view sql, const std::string& what,
                   BindFn bind) {
    if (items.empty()) return okStatus();
    auto stmt = conn.prepare(sql, what);
    if (!stmt) return std::move(stmt).error();
    Transaction txn(conn);
    if (auto st = txn.begin(what); !st) return st;
    for (const Item& item : items) {
      Binder binder(stmt->get());
      bind(binder, item);
      if (auto st = detail::stepDone(conn, stmt->get(), binder.rc(), what); !st) return st;
    }
    return txn.commit(what);
  }

  template <typename Fn>
  Status forEachRow(std::string_view sql, std::int64_t scan_id, const std::string& what,
                    Fn on_row) const {
    auto stmt = conn.prepare(sql, what);
    if (!stmt) return std::move(stmt).error();
    if (const int rc = sqlite3_bind_int64(stmt->get(), 1, scan_id); rc != SQLITE_OK) {
      return conn.error(rc, what);
    }
    int rc = SQLITE_OK;
    while ((rc = sqlite3_step(stmt->get())) == SQLITE_ROW) {
      if (auto st = on_row(stmt->get()); !st) return st;
    }
    if (rc != SQLITE_DONE) return conn.error(sqlite3_extended_errcode(conn.get()), what);
    return okStatus();
  }

  Error integrity(const std::string& what, const std::string& detail_text) const {
    return makeError(Errc::kIntegrity, conn.path().string() + ": " + what + ": " + detail_text);
  }
};

Store::Store(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Store::~Store() {
  if (impl_ && !impl_->read_only) {
    sqlite3_exec(impl_->conn.get(), "PRAGMA optimize", nullptr, nullptr, nullptr);
  }
}

Result<std::unique_ptr<Store>> Store::open(const fs::path& path) {
  auto conn = Connection::open(path, Connection::Role::kStore);
  if (!conn) return std::move(conn).error();
  if (auto st = migrate(*conn); !st) return std::move(st).error();
  return std::unique_ptr<Store>(new Store(std::make_unique<Impl>(
      std::move(conn).value(), /*ro=*/false, static_cast<std::int64_t>(kStoreSchemaVersion))));
}

Result<std::unique_ptr<Store>> Store::openReadOnly(const fs::path& path) {
  auto conn = Connection::open(path, Connection::Role::kReadOnly);
  if (!conn) return std::move(conn).error();
  const auto known = static_cast<std::int64_t>(std::size(kMigrations));
  auto version = conn->queryInt("PRAGMA user_version", "reading the schema version");
  if (!version) return std::move(version).error();
  if (*version > known) {
    return makeError(Errc::kUnsupported,
                     path.string() + ": schema version " + std::to_string(*version) +
                         " was created by a newer kpatrol (this build knows version " +
                         std::to_string(known) + "); upgrade kpatrol or use another database");
  }
  // Version 1 (before bilingual messages) is read as it is: its findings have no Chinese text.
  if (*version < 1) {
    return makeError(Errc::kUnsupported,
                     path.string() + ": schema version " + std::to_string(*version) +
                         " is older than this build's (" + std::to_string(known) +
                         "); run `kpatrol scan` once to upgrade it, then read it");
  }
  return std::unique_ptr<Store>(
      new Store(std::make_unique<Impl>(std::move(conn).value(), /*ro=*/true, *version)));
}

const fs::path& Store::path() const noexcept { return impl_->conn.path(); }

bool Store::readOnly() const noexcept { return impl_->read_only; }

Result<std::int64_t> Store::beginScan(const ScanRecord& scan) {
  static constexpr std::string_view kSql =
      "INSERT INTO scans (started_at, finished_at, state, snapshot_time, cluster_name, "
      "cluster_uid, cluster_version, flavour, profile, tool_version, rules_digest, origin, "
      "pass_detail) VALUES (?, '', 'running', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  const std::string what = "recording a new scan";
  auto stmt = impl_->conn.prepare(kSql, what);
  if (!stmt) return std::move(stmt).error();
  const std::string started = scan.started_at.empty() ? nowRfc3339() : scan.started_at;
  Binder binder(stmt->get());
  binder.text(started)
      .text(scan.snapshot_time)
      .text(scan.cluster_name)
      .text(scan.cluster_uid)
      .text(scan.cluster_version)
      .text(scan.flavour)
      .text(scan.profile)
      .text(scan.tool_version)
      .text(scan.rules_digest)
      .text(scan.origin)
      .text(scan.pass_detail);
  if (auto st = detail::stepDone(impl_->conn, stmt->get(), binder.rc(), what); !st) {
    return std::move(st).error();
  }
  return static_cast<std::int64_t>(sqlite3_last_insert_rowid(impl_->conn.get()));
}

Status Store::addRules(std::int64_t scan_id, const std::vector<RuleRecord>& rules) {
  static constexpr std::string_view kSql =
      "INSERT INTO rules (scan_id, rule_id, pack, title_en, title_zh, severity, scope, "
      "baselines_json, remediation_en, remediation_zh, source, sha256) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  return impl_->insertAll(
      rules, kSql, "adding rules to scan " + std::to_string(scan_id),
      [scan_id](Binder& b, const RuleRecord& r) {
        b.integer(scan_id)
            .text(r.rule_id)
            .text(r.pack)
            .text(r.title_en)
            .text(r.title_zh)
            .text(model::severityName(r.severity))
            .text(model::scopeName(r.scope))
            .text(r.baselines_json.empty() ? std::string_view("{}") : r.baselines_json)
            .text(r.remediation_en)
            .text(r.remediation_zh)
            .text(r.source)
            .text(r.sha256);
      });
}

Status Store::addGroups(std::int64_t scan_id, const std::vector<GroupMember>& members) {
  const std::string what = "adding profile groups to scan " + std::to_string(scan_id);
  for (const GroupMember& m : members) {
    // The empty group id stands for the whole profile in scores().
    if (m.group_id.empty() || m.profile.empty()) {
      return makeError(Errc::kInvalidArgument, impl_->conn.path().string() + ": " + what +
                                                   ": rule '" + m.rule_id +
                                                   "' has an empty profile or group id");
    }
  }
  if (members.empty()) return okStatus();
  auto next = impl_->conn.prepare(
      "SELECT COALESCE(MAX(ord), -1) + 1 FROM rule_groups WHERE scan_id = ?", what);
  if (!next) return std::move(next).error();
  sqlite3_bind_int64(next->get(), 1, scan_id);
  if (sqlite3_step(next->get()) != SQLITE_ROW) {
    return impl_->conn.error(sqlite3_extended_errcode(impl_->conn.get()), what);
  }
  std::int64_t ord = sqlite3_column_int64(next->get(), 0);
  next.value().reset();
  static constexpr std::string_view kSql =
      "INSERT INTO rule_groups (scan_id, profile, group_id, group_title_en, group_title_zh, "
      "rule_id, weight, ord) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
  return impl_->insertAll(members, kSql, what, [scan_id, &ord](Binder& b, const GroupMember& m) {
    b.integer(scan_id)
        .text(m.profile)
        .text(m.group_id)
        .text(m.group_title_en)
        .text(m.group_title_zh)
        .text(m.rule_id)
        .real(m.weight)
        .integer(ord++);
  });
}

Status Store::addWaivers(std::int64_t scan_id, const std::vector<WaiverRecord>& waivers) {
  static constexpr std::string_view kSql =
      "INSERT INTO waivers (scan_id, rule, subject_glob, owner, reason, expires, expired, "
      "matched) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
  return impl_->insertAll(waivers, kSql, "adding waivers to scan " + std::to_string(scan_id),
                          [scan_id](Binder& b, const WaiverRecord& w) {
                            b.integer(scan_id)
                                .text(w.rule)
                                .text(w.subject_glob)
                                .text(w.owner)
                                .text(w.reason)
                                .text(w.expires)
                                .integer(w.expired ? 1 : 0)
                                .integer(w.matched);
                          });
}

Status Store::addCollectionErrors(std::int64_t scan_id,
                                  const std::vector<model::CollectionError>& errors) {
  static constexpr std::string_view kSql =
      "INSERT INTO collection_errors (scan_id, subject, fact, source, message) "
      "VALUES (?, ?, ?, ?, ?)";
  return impl_->insertAll(
      errors, kSql, "adding collection errors to scan " + std::to_string(scan_id),
      [scan_id](Binder& b, const model::CollectionError& e) {
        b.integer(scan_id).text(e.subject).text(e.fact).text(e.source).text(e.message);
      });
}

Status Store::finishScan(std::int64_t scan_id, ScanState state, const std::string& finished_at) {
  const std::string what = "finishing scan " + std::to_string(scan_id);
  auto stmt = impl_->conn.prepare("UPDATE scans SET state = ?, finished_at = ? WHERE id = ?", what);
  if (!stmt) return std::move(stmt).error();
  const std::string when = finished_at.empty() ? nowRfc3339() : finished_at;
  Binder binder(stmt->get());
  binder.text(scanStateName(state)).text(when).integer(scan_id);
  if (auto st = detail::stepDone(impl_->conn, stmt->get(), binder.rc(), what); !st) return st;
  if (sqlite3_changes(impl_->conn.get()) == 0) {
    return makeError(Errc::kNotFound, impl_->conn.path().string() + ": " + what +
                                          ": no scan with id " + std::to_string(scan_id));
  }
  return okStatus();
}

namespace {

// Schema 3 added pass_detail; older databases (read-only) read 'all'.
std::string scanColumns(std::int64_t schema_version) {
  return std::string(
             "SELECT id, started_at, finished_at, state, snapshot_time, cluster_name, "
             "cluster_uid, cluster_version, flavour, profile, tool_version, rules_digest, "
             "origin, ") +
         (schema_version >= 3 ? "pass_detail" : "'all'") + " FROM scans ";
}

Result<ScanRecord> readScan(const Connection& conn, sqlite3_stmt* stmt) {
  ScanRecord scan;
  scan.id = sqlite3_column_int64(stmt, 0);
  scan.started_at = detail::columnText(stmt, 1);
  scan.finished_at = detail::columnText(stmt, 2);
  const std::string state = detail::columnText(stmt, 3);
  const auto parsed = parseScanState(state);
  if (!parsed) {
    return makeError(Errc::kIntegrity, conn.path().string() + ": scan " + std::to_string(scan.id) +
                                           " has unknown state '" + state + "'");
  }
  scan.state = *parsed;
  scan.snapshot_time = detail::columnText(stmt, 4);
  scan.cluster_name = detail::columnText(stmt, 5);
  scan.cluster_uid = detail::columnText(stmt, 6);
  scan.cluster_version = detail::columnText(stmt, 7);
  scan.flavour = detail::columnText(stmt, 8);
  scan.profile = detail::columnText(stmt, 9);
  scan.tool_version = detail::columnText(stmt, 10);
  scan.rules_digest = detail::columnText(stmt, 11);
  scan.origin = detail::columnText(stmt, 12);
  scan.pass_detail = detail::columnText(stmt, 13);
  return scan;
}

}  // namespace

Result<ScanRecord> Store::scan(std::int64_t scan_id) const {
  const std::string what = "reading scan " + std::to_string(scan_id);
  std::optional<ScanRecord> found;
  auto st = impl_->forEachRow(scanColumns(impl_->schema_version) + "WHERE id = ?", scan_id, what,
                              [&](sqlite3_stmt* stmt) -> Status {
                                auto rec = readScan(impl_->conn, stmt);
                                if (!rec) return std::move(rec).error();
                                found = std::move(rec).value();
                                return okStatus();
                              });
  if (!st) return std::move(st).error();
  if (!found) {
    return makeError(Errc::kNotFound,
                     impl_->conn.path().string() + ": no scan with id " + std::to_string(scan_id));
  }
  return std::move(*found);
}

Result<std::vector<ScanRecord>> Store::scans() const {
  const std::string what = "listing scans";
  auto stmt = impl_->conn.prepare(scanColumns(impl_->schema_version) + "ORDER BY id DESC", what);
  if (!stmt) return std::move(stmt).error();
  std::vector<ScanRecord> out;
  int rc = SQLITE_OK;
  while ((rc = sqlite3_step(stmt->get())) == SQLITE_ROW) {
    auto rec = readScan(impl_->conn, stmt->get());
    if (!rec) return std::move(rec).error();
    out.push_back(std::move(rec).value());
  }
  if (rc != SQLITE_DONE) {
    return impl_->conn.error(sqlite3_extended_errcode(impl_->conn.get()), what);
  }
  return out;
}

Result<std::vector<model::Finding>> Store::findings(std::int64_t scan_id) const {
  std::vector<model::Finding> out;
  auto st = forEachFinding(scan_id, FindingColumns::kAll, [&](model::Finding&& f) {
    out.push_back(std::move(f));
    return okStatus();
  });
  if (!st) return std::move(st).error();
  return out;
}

Status Store::forEachFinding(std::int64_t scan_id, FindingColumns columns,
                             const std::function<Status(model::Finding&&)>& fn) const {
  const std::string what = "reading findings of scan " + std::to_string(scan_id);
  const bool evidence = columns == FindingColumns::kAll;
  const std::string sql =
      std::string("SELECT seq, rule_id, subject, scope, status, severity, message, ") +
      (evidence ? "evidence_json" : "'null'") + ", waiver, duration_us, " +
      (impl_->schema_version >= 2 ? "message_zh" : "''") +
      " FROM findings WHERE scan_id = ? ORDER BY seq";
  return impl_->forEachRow(sql, scan_id, what, [&](sqlite3_stmt* stmt) -> Status {
    model::Finding f;
    f.seq = static_cast<std::uint64_t>(sqlite3_column_int64(stmt, 0));
    f.rule_id = detail::columnText(stmt, 1);
    f.subject = detail::columnText(stmt, 2);
    const std::string scope = detail::columnText(stmt, 3);
    const std::string status = detail::columnText(stmt, 4);
    const std::string severity = detail::columnText(stmt, 5);
    const auto parsed_scope = model::parseScope(scope);
    const auto parsed_status = model::parseStatus(status);
    const auto parsed_severity = model::parseSeverity(severity);
    const auto where = [&] {
      return "finding " + std::to_string(f.seq) + " of scan " + std::to_string(scan_id) + " (" +
             f.rule_id + ")";
    };
    if (!parsed_scope || !parsed_status || !parsed_severity) {
      return impl_->integrity(where(), "unknown scope/status/severity '" + scope + "'/'" + status +
                                           "'/'" + severity + "'");
    }
    f.scope = *parsed_scope;
    f.status = *parsed_status;
    f.severity = *parsed_severity;
    f.message = detail::columnText(stmt, 6);
    if (evidence) {
      const std::string text = detail::columnText(stmt, 7);
      try {
        f.evidence = model::Json::parse(text);
      } catch (const std::exception& e) {
        return impl_->integrity(where(), std::string("evidence is not valid JSON: ") + e.what());
      }
    }
    f.waiver = detail::columnText(stmt, 8);
    f.duration_us = sqlite3_column_int64(stmt, 9);
    f.message_zh = detail::columnText(stmt, 10);
    return fn(std::move(f));
  });
}

Result<std::vector<RollupRecord>> Store::rollups(std::int64_t scan_id) const {
  std::vector<RollupRecord> out;
  if (impl_->schema_version < 3) return out;  // older databases stored every finding
  const std::string what = "reading counted findings of scan " + std::to_string(scan_id);
  auto st = impl_->forEachRow(
      "SELECT rule_id, status, severity, count FROM finding_rollups WHERE scan_id = ? "
      "ORDER BY rule_id, status, severity",
      scan_id, what, [&](sqlite3_stmt* stmt) -> Status {
        RollupRecord r;
        r.rule_id = detail::columnText(stmt, 0);
        const std::string status = detail::columnText(stmt, 1);
        const std::string severity = detail::columnText(stmt, 2);
        const auto parsed_status = model::parseStatus(status);
        const auto parsed_severity = model::parseSeverity(severity);
        if (!parsed_status || !parsed_severity) {
          return impl_->integrity(what + " (" + r.rule_id + ")",
                                  "unknown status/severity '" + status + "'/'" + severity + "'");
        }
        r.status = *parsed_status;
        r.severity = *parsed_severity;
        r.count = sqlite3_column_int64(stmt, 3);
        out.push_back(std::move(r));
        return okStatus();
      });
  if (!st) return std::move(st).error();
  return out;
}

Result<std::vector<RuleRecord>> Store::rules(std::int64_t scan_id) const {
  const std::string what = "reading rules of scan " + std::to_string(scan_id);
  std::vector<RuleRecord> out;
  auto st = impl_->forEachRow(
      "SELECT rule_id, pack, title_en, title_zh, severity, scope, baselines_json, "
      "remediation_en, remediation_zh, source, sha256 FROM rules WHERE scan_id = ? "
      "ORDER BY rule_id",
      scan_id, what, [&](sqlite3_stmt* stmt) -> Status {
        RuleRecord r;
        r.rule_id = detail::columnText(stmt, 0);
        r.pack = detail::columnText(stmt, 1);
        r.title_en = detail::columnText(stmt, 2);
        r.title_zh = detail::columnText(stmt, 3);
        const std::string severity = detail::columnText(stmt, 4);
        const std::string scope = detail::columnText(stmt, 5);
        const auto parsed_severity = model::parseSeverity(severity);
        const auto parsed_scope = model::parseScope(scope);
        if (!parsed_severity || !parsed_scope) {
          return impl_->integrity("rule " + r.rule_id + " of scan " + std::to_string(scan_id),
                                  "unknown severity/scope '" + severity + "'/'" + scope + "'");
        }
        r.severity = *parsed_severity;
        r.scope = *parsed_scope;
        r.baselines_json = detail::columnText(stmt, 6);
        r.remediation_en = detail::columnText(stmt, 7);
        r.remediation_zh = detail::columnText(stmt, 8);
        r.source = detail::columnText(stmt, 9);
        r.sha256 = detail::columnText(stmt, 10);
        out.push_back(std::move(r));
        return okStatus();
      });
  if (!st) return std::move(st).error();
  return out;
}

Result<std::vector<WaiverRecord>> Store::waivers(std::int64_t scan_id) const {
  const std::string what = "reading waivers of scan " + std::to_string(scan_id);
  std::vector<WaiverRecord> out;
  auto st = impl_->forEachRow(
      "SELECT rule, subject_glob, owner, reason, expires, expired, matched FROM waivers "
      "WHERE scan_id = ? ORDER BY rowid",
      scan_id, what, [&](sqlite3_stmt* stmt) -> Status {
        WaiverRecord w;
        w.rule = detail::columnText(stmt, 0);
        w.subject_glob = detail::columnText(stmt, 1);
        w.owner = detail::columnText(stmt, 2);
        w.reason = detail::columnText(stmt, 3);
        w.expires = detail::columnText(stmt, 4);
        w.expired = sqlite3_column_int64(stmt, 5) != 0;
        w.matched = sqlite3_column_int64(stmt, 6);
        out.push_back(std::move(w));
        return okStatus();
      });
  if (!st) return std::move(st).error();
  return out;
}

Result<std::vector<model::CollectionError>> Store::collectionErrors(std::int64_t scan_id) const {
  const std::string what = "reading collection errors of scan " + std::to_string(scan_id);
  std::vector<model::CollectionError> out;
  auto st = impl_->forEachRow(
      "SELECT subject, fact, source, message FROM collection_errors WHERE scan_id = ? "
      "ORDER BY rowid",
      scan_id, what, [&](sqlite3_stmt* stmt) -> Status {
        model::CollectionError e;
        e.subject = detail::columnText(stmt, 0);
        e.fact = detail::columnText(stmt, 1);
        e.source = detail::columnText(stmt, 2);
        e.message = detail::columnText(stmt, 3);
        out.push_back(std::move(e));
        return okStatus();
      });
  if (!st) return std::move(st).error();
  return out;
}

Result<std::vector<ScoreRecord>> Store::scores(std::int64_t scan_id) const {
  return detail::queryScores(impl_->conn, scan_id, impl_->schema_version);
}

Result<std::size_t> Store::deleteScans(const std::vector<std::int64_t>& scan_ids) {
  if (scan_ids.empty()) return std::size_t{0};
  const std::string what = "deleting " + std::to_string(scan_ids.size()) + " scan(s)";
  // Foreign keys are on for the store's connection: deleting the scan row cascades to its rules,
  // groups, findings, waivers and collection errors.
  auto stmt = impl_->conn.prepare("DELETE FROM scans WHERE id = ?", what);
  if (!stmt) return std::move(stmt).error();
  Transaction txn(impl_->conn);
  if (auto st = txn.begin(what); !st) return std::move(st).error();
  std::size_t deleted = 0;
  for (const std::int64_t id : scan_ids) {
    Binder binder(stmt->get());
    binder.integer(id);
    if (auto st = detail::stepDone(impl_->conn, stmt->get(), binder.rc(), what); !st) {
      return std::move(st).error();
    }
    deleted += static_cast<std::size_t>(sqlite3_changes(impl_->conn.get()));
  }
  if (auto st = txn.commit(what); !st) return std::move(st).error();
  return deleted;
}

Status Store::vacuum() {
  if (auto st = impl_->conn.exec("VACUUM", "compacting the database"); !st) return st;
  return impl_->conn.exec("PRAGMA wal_checkpoint(TRUNCATE)", "truncating the write-ahead log");
}

namespace {

// What `Store::query` lets a statement do, decided by SQLite's authorizer while the statement
// is compiled: reading tables and calling functions, and PRAGMAs that only report something.
struct QueryGuard {
  std::string refused;  // the first thing refused, for the error message
};

bool readOnlyPragma(std::string_view name, const char* value) {
  // Pragmas that only report, and that take at most a table or index name (or a row limit for
  // the checks) as their argument.
  static constexpr std::string_view kWithArgument[] = {
      "table_info",  "table_xinfo",      "index_list",      "index_info",
      "index_xinfo", "foreign_key_list", "integrity_check", "quick_check"};
  static constexpr std::string_view kReportOnly[] = {
      "application_id", "user_version",     "schema_version",  "page_count",     "page_size",
      "freelist_count", "database_list",    "table_list",      "collation_list", "function_list",
      "module_list",    "pragma_list",      "compile_options", "encoding",       "journal_mode",
      "data_version",   "foreign_key_check"};
  for (const auto n : kWithArgument) {
    if (name == n) return true;
  }
  if (value != nullptr) return false;
  for (const auto n : kReportOnly) {
    if (name == n) return true;
  }
  return false;
}

std::string actionName(int action) {
  switch (action) {
    case SQLITE_INSERT:
      return "INSERT";
    case SQLITE_UPDATE:
      return "UPDATE";
    case SQLITE_DELETE:
      return "DELETE";
    case SQLITE_ATTACH:
      return "ATTACH";
    case SQLITE_DETACH:
      return "DETACH";
    case SQLITE_TRANSACTION:
      return "a transaction statement";
    case SQLITE_SAVEPOINT:
      return "SAVEPOINT";
    case SQLITE_ANALYZE:
      return "ANALYZE";
    case SQLITE_REINDEX:
      return "REINDEX";
    case SQLITE_ALTER_TABLE:
      return "ALTER TABLE";
    case SQLITE_DROP_INDEX:
    case SQLITE_DROP_TABLE:
    case SQLITE_DROP_TEMP_INDEX:
    case SQLITE_DROP_TEMP_TABLE:
    case SQLITE_DROP_TEMP_TRIGGER:
    case SQLITE_DROP_TEMP_VIEW:
    case SQLITE_DROP_TRIGGER:
    case SQLITE_DROP_VIEW:
    case SQLITE_DROP_VTABLE:
      return "DROP";
    default:
      return "CREATE or another schema change";
  }
}

int authorize(void* arg, int action, const char* arg1, const char* arg2, const char*, const char*) {
  auto* guard = static_cast<QueryGuard*>(arg);
  switch (action) {
    case SQLITE_SELECT:
    case SQLITE_READ:
    case SQLITE_FUNCTION:
    case SQLITE_RECURSIVE:
      return SQLITE_OK;
    case SQLITE_UPDATE:
      // SQLite itself asks for this while it connects a table-valued function such as
      // pragma_table_info(). A user's UPDATE of the schema table is still refused: it is not a
      // read-only statement (checked after prepare) and the connection has query_only on.
      if (arg1 != nullptr && std::string_view(arg1) == "sqlite_master") return SQLITE_OK;
      if (guard->refused.empty()) {
        guard->refused = "UPDATE on " + std::string(arg1 != nullptr ? arg1 : "");
      }
      return SQLITE_DENY;
    case SQLITE_PRAGMA: {
      const std::string_view name = arg1 != nullptr ? arg1 : "";
      if (readOnlyPragma(name, arg2)) return SQLITE_OK;
      if (guard->refused.empty()) {
        guard->refused = "PRAGMA " + std::string(name) +
                         (arg2 != nullptr ? " = " + std::string(arg2) : std::string());
      }
      return SQLITE_DENY;
    }
    default:
      if (guard->refused.empty()) {
        const std::string_view table = arg1 != nullptr ? arg1 : "";
        if (table == "sqlite_master" || table == "sqlite_temp_master") {
          guard->refused = "a schema change (CREATE, DROP, ALTER)";
        } else if (action == SQLITE_INSERT || action == SQLITE_UPDATE || action == SQLITE_DELETE) {
          guard->refused = actionName(action) + " on " + std::string(table);
        } else {
          guard->refused = actionName(action);
        }
      }
      return SQLITE_DENY;
  }
}

std::string hexBlob(const void* data, int size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  const auto* bytes = static_cast<const unsigned char*>(data);
  for (int i = 0; i < size; ++i) {
    out += kDigits[bytes[i] >> 4];
    out += kDigits[bytes[i] & 0xf];
  }
  return out;
}

bool blankSql(std::string_view sql) {
  return sql.find_first_not_of(" \t\r\n;") == std::string_view::npos;
}

}  // namespace

Result<QueryResult> Store::query(std::string_view sql) const {
  const Connection& conn = impl_->conn;
  const std::string what = "running the query";
  const std::string read_only_hint =
      "kpatrol query is read-only: only SELECT, WITH ... SELECT, EXPLAIN and PRAGMAs that read "
      "are allowed";
  if (blankSql(sql)) return makeError(Errc::kInvalidArgument, "the query is empty");
  QueryGuard guard;
  sqlite3_set_authorizer(conn.get(), authorize, &guard);
  sqlite3_stmt* raw = nullptr;
  const char* tail = nullptr;
  int rc = sqlite3_prepare_v2(conn.get(), sql.data(), static_cast<int>(sql.size()), &raw, &tail);
  StmtPtr stmt(raw);
  // Also check that nothing but comments follows the statement.
  sqlite3_stmt* next_raw = nullptr;
  if (rc == SQLITE_OK && tail != nullptr) {
    const auto rest = static_cast<int>(sql.size() - static_cast<std::size_t>(tail - sql.data()));
    const int next_rc = sqlite3_prepare_v2(conn.get(), tail, rest, &next_raw, nullptr);
    StmtPtr next(next_raw);
    if (next_rc != SQLITE_OK || next != nullptr) {
      sqlite3_set_authorizer(conn.get(), nullptr, nullptr);
      if (!guard.refused.empty()) {
        return makeError(Errc::kInvalidArgument,
                         read_only_hint + " (refused: " + guard.refused + ")");
      }
      return makeError(Errc::kInvalidArgument,
                       "the query must be one SQL statement (found more after the first ';')");
    }
  }
  sqlite3_set_authorizer(conn.get(), nullptr, nullptr);
  if (rc != SQLITE_OK) {
    if (!guard.refused.empty()) {
      return makeError(Errc::kInvalidArgument,
                       read_only_hint + " (refused: " + guard.refused + ")");
    }
    Error err = conn.error(sqlite3_extended_errcode(conn.get()), what);
    if ((rc & 0xff) == SQLITE_ERROR) err.code = Errc::kInvalidArgument;  // a mistake in the SQL
    return err;
  }
  if (stmt == nullptr) return makeError(Errc::kInvalidArgument, "the query is empty");
  // VACUUM (and VACUUM INTO, which writes a new file) is not seen by the authorizer.
  if (sqlite3_stmt_readonly(stmt.get()) == 0) {
    return makeError(Errc::kInvalidArgument,
                     read_only_hint + " (refused: a statement that writes)");
  }
  QueryResult result;
  const int columns = sqlite3_column_count(stmt.get());
  for (int c = 0; c < columns; ++c) {
    const char* name = sqlite3_column_name(stmt.get(), c);
    result.columns.push_back(name != nullptr ? name : "");
  }
  while ((rc = sqlite3_step(stmt.get())) == SQLITE_ROW) {
    std::vector<QueryValue> row(static_cast<std::size_t>(columns));
    for (int c = 0; c < columns; ++c) {
      QueryValue& v = row[static_cast<std::size_t>(c)];
      switch (sqlite3_column_type(stmt.get(), c)) {
        case SQLITE_INTEGER:
          v.type = QueryValue::Type::kInteger;
          v.integer = sqlite3_column_int64(stmt.get(), c);
          v.text = detail::columnText(stmt.get(), c);
          break;
        case SQLITE_FLOAT:
          v.type = QueryValue::Type::kReal;
          v.real = sqlite3_column_double(stmt.get(), c);
          v.text = detail::columnText(stmt.get(), c);
          break;
        case SQLITE_TEXT:
          v.type = QueryValue::Type::kText;
          v.text = detail::columnText(stmt.get(), c);
          break;
        case SQLITE_BLOB:
          v.type = QueryValue::Type::kBlob;
          v.text = hexBlob(sqlite3_column_blob(stmt.get(), c), sqlite3_column_bytes(stmt.get(), c));
          break;
        default:
          v.type = QueryValue::Type::kNull;
          break;
      }
    }
    result.rows.push_back(std::move(row));
  }
  if (rc != SQLITE_DONE) {
    Error err = conn.error(sqlite3_extended_errcode(conn.get()), what);
    if ((rc & 0xff) == SQLITE_ERROR) err.code = Errc::kInvalidArgument;
    return err;
  }
  return result;
}

}  // namespace kpatrol::store
