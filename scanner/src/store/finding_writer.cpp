// SPDX-License-Identifier: Apache-2.0
// FindingWriter: producers (the evaluator's workers) hand vectors of findings to a bounded
// queue; one thread with its own SQLite connection inserts them with a single prepared
// statement in transactions of up to batch_size findings. A transaction is committed when it is
// full or when the queue runs dry, so findings reach the disk promptly without one commit per
// finding. The first failure (disk full, constraint, I/O) is kept and returned by close();
// later findings are discarded, never silently half-written.
//
// With `summarize_passes`, pass and na findings are counted per (rule, status, severity) instead
// of inserted; the counts are added to finding_rollups inside each transaction before it
// commits, so what is durable always agrees with itself.
#include <atomic>
#include <condition_variable>
#include <deque>
#include <exception>
#include <map>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>
#include <tuple>
#include <utility>

#include "kpatrol/store/store.h"
#include "store_internal.h"

namespace kpatrol::store {
using detail::Binder;
using detail::Connection;
using detail::StmtPtr;

namespace {
/// Batches (submit() calls) that may wait in the queue before submit() blocks.
constexpr std::size_t kMaxPendingBatches = 64;
}  // namespace

struct FindingWriter::Impl {
  Impl(Connection c, StmtPtr insert_stmt, StmtPtr rollup_stmt, std::int64_t id,
       FindingWriterOptions opts)
      : conn(std::move(c)),
        insert(std::move(insert_stmt)),
        rollup(std::move(rollup_stmt)),
        scan_id(id),
        options(opts) {}

  // Declared before the statements so that the statements are finalized first.
  Connection conn;
  StmtPtr insert;
  StmtPtr rollup;
  const std::int64_t scan_id;
  const FindingWriterOptions options;

  std::mutex mu;
  std::condition_variable not_empty;
  std::condition_variable not_full;
  std::deque<std::vector<model::Finding>> queue;  // guarded by mu
  bool closing = false;                           // guarded by mu
  std::optional<Error> first_error;               // guarded by mu
  std::atomic<bool> failed{false};
  std::atomic<std::uint64_t> written{0};
  std::atomic<std::uint64_t> counted{0};

  std::mutex close_mu;  // serializes close()
  bool closed = false;  // guarded by close_mu
  std::thread thread;

  // Writer-thread state.
  bool in_txn = false;
  std::uint64_t pending = 0;
  // Counted findings not yet added to finding_rollups: (rule, status, severity) -> count.
  std::map<std::tuple<std::string, model::Status, model::Severity>, std::int64_t> tallies;
  std::uint64_t tallied = 0;

  void fail(Error error) {
    {
      std::lock_guard lock(mu);
      if (!first_error) first_error = std::move(error);
    }
    failed.store(true, std::memory_order_release);
  }

  void rollback() {
    if (sqlite3_get_autocommit(conn.get()) == 0) {
      sqlite3_exec(conn.get(), "ROLLBACK", nullptr, nullptr, nullptr);
    }
    in_txn = false;
    pending = 0;
    tallies.clear();
    tallied = 0;
  }

  bool begin() {
    if (in_txn) return true;
    if (auto st = conn.exec("BEGIN IMMEDIATE", "starting a transaction for findings"); !st) {
      fail(std::move(st).error());
      return false;
    }
    in_txn = true;
    return true;
  }

  // Adds the tallies to finding_rollups, inside the open transaction.
  bool flushTallies() {
    for (const auto& [key, count] : tallies) {
      const auto& [rule_id, status, severity] = key;
      Binder binder(rollup.get());
      binder.integer(scan_id)
          .text(rule_id)
          .text(model::statusName(status))
          .text(model::severityName(severity))
          .integer(count);
      int rc = binder.rc();
      if (rc == SQLITE_OK) {
        rc = sqlite3_step(rollup.get());
        rc = rc == SQLITE_DONE ? SQLITE_OK : sqlite3_extended_errcode(conn.get());
      }
      sqlite3_reset(rollup.get());
      if (rc != SQLITE_OK) {
        fail(conn.error(rc, "counting " + std::string(model::statusName(status)) + " findings of " +
                                rule_id + " in scan " + std::to_string(scan_id)));
        sqlite3_clear_bindings(rollup.get());
        rollback();
        return false;
      }
    }
    tallies.clear();
    return true;
  }

  bool commit() {
    if (!in_txn) return true;
    if (!flushTallies()) return false;
    const std::string what =
        "committing " + std::to_string(pending) + " findings of scan " + std::to_string(scan_id);
    if (auto st = conn.exec("COMMIT", what); !st) {
      fail(std::move(st).error());
      rollback();
      return false;
    }
    written.fetch_add(pending - tallied, std::memory_order_relaxed);
    counted.fetch_add(tallied, std::memory_order_relaxed);
    in_txn = false;
    pending = 0;
    tallied = 0;
    return true;
  }

  static bool countable(model::Status status) noexcept {
    return status == model::Status::kPass || status == model::Status::kNa;
  }

  bool insertOne(const model::Finding& f) {
    if (!begin()) return false;
    if (options.summarize_passes && countable(f.status)) {
      ++tallies[{f.rule_id, f.status, f.severity}];
      ++tallied;
      if (++pending >= options.batch_size) return commit();
      return true;
    }
    std::string evidence;
    try {
      // Invalid UTF-8 in evidence is replaced rather than failing the whole batch.
      evidence = f.evidence.dump(-1, ' ', false, model::Json::error_handler_t::replace);
    } catch (const std::exception& e) {
      fail(makeError(Errc::kInternal, conn.path().string() + ": serializing the evidence of " +
                                          f.rule_id + " on " + f.subject + ": " + e.what()));
      rollback();
      return false;
    }
    Binder binder(insert.get());
    binder.integer(scan_id)
        .integer(static_cast<std::int64_t>(f.seq))
        .text(f.rule_id)
        .text(f.subject)
        .text(model::scopeName(f.scope))
        .text(model::statusName(f.status))
        .text(model::severityName(f.severity))
        .text(f.message)
        .text(evidence)
        .text(f.waiver)
        .integer(f.duration_us)
        .text(f.message_zh);
    int rc = binder.rc();
    if (rc == SQLITE_OK) {
      rc = sqlite3_step(insert.get());
      rc = rc == SQLITE_DONE ? SQLITE_OK : sqlite3_extended_errcode(conn.get());
    }
    if (rc != SQLITE_OK) {
      // The message is built only on failure: this is the hot path.
      fail(conn.error(rc, "writing finding " + std::to_string(f.seq) + " (" + f.rule_id + " on " +
                              f.subject + ") of scan " + std::to_string(scan_id)));
      sqlite3_reset(insert.get());
      sqlite3_clear_bindings(insert.get());
      rollback();
      return false;
    }
    sqlite3_reset(insert.get());
    ++pending;
    if (pending >= options.batch_size) return commit();
    return true;
  }

  void run() {
    for (;;) {
      std::vector<model::Finding> batch;
      {
        std::unique_lock lock(mu);
        if (queue.empty() && in_txn) {
          // Nothing else waiting: make what we have durable before sleeping.
          lock.unlock();
          commit();
          lock.lock();
        }
        not_empty.wait(lock, [this] { return closing || !queue.empty(); });
        if (queue.empty()) break;  // closing, and everything was drained
        batch = std::move(queue.front());
        queue.pop_front();
      }
      not_full.notify_one();
      if (failed.load(std::memory_order_acquire)) continue;  // drain and discard after an error
      for (const model::Finding& f : batch) {
        if (!insertOne(f)) break;
      }
    }
    if (!failed.load(std::memory_order_acquire)) {
      commit();
    } else {
      rollback();
    }
  }
};

FindingWriter::FindingWriter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

FindingWriter::~FindingWriter() {
  if (impl_) static_cast<void>(close());
}

Result<std::unique_ptr<FindingWriter>> FindingWriter::start(const std::filesystem::path& db_path,
                                                            std::int64_t scan_id,
                                                            FindingWriterOptions options) {
  if (options.batch_size == 0) {
    return makeError(Errc::kInvalidArgument,
                     db_path.string() + ": the finding writer's batch size must be at least 1");
  }
  auto conn = Connection::open(db_path, Connection::Role::kWriter);
  if (!conn) return std::move(conn).error();
  auto version = conn->queryInt("PRAGMA user_version", "reading the schema version");
  if (!version) return std::move(version).error();
  if (*version != static_cast<std::int64_t>(detail::migrationCount())) {
    return makeError(Errc::kUnsupported, db_path.string() + ": schema version " +
                                             std::to_string(*version) +
                                             " is not the one this build writes (" +
                                             std::to_string(detail::migrationCount()) +
                                             "); open it with Store::open first");
  }
  const std::string what = "starting the finding writer for scan " + std::to_string(scan_id);
  {
    auto check = conn->prepare("SELECT count(*) FROM scans WHERE id = ?", what);
    if (!check) return std::move(check).error();
    sqlite3_bind_int64(check->get(), 1, scan_id);
    if (sqlite3_step(check->get()) != SQLITE_ROW) {
      return conn->error(sqlite3_extended_errcode(conn->get()), what);
    }
    if (sqlite3_column_int64(check->get(), 0) == 0) {
      return makeError(Errc::kNotFound, db_path.string() + ": " + what + ": no scan with id " +
                                            std::to_string(scan_id));
    }
  }
  auto insert = conn->prepare(
      "INSERT INTO findings (scan_id, seq, rule_id, subject, scope, status, severity, message, "
      "evidence_json, waiver, duration_us, message_zh) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      what);
  if (!insert) return std::move(insert).error();
  auto rollup = conn->prepare(
      "INSERT INTO finding_rollups (scan_id, rule_id, status, severity, count) "
      "VALUES (?, ?, ?, ?, ?) "
      "ON CONFLICT (scan_id, rule_id, status, severity) DO UPDATE SET count = count + "
      "excluded.count",
      what);
  if (!rollup) return std::move(rollup).error();
  auto impl = std::make_unique<Impl>(std::move(conn).value(), std::move(insert).value(),
                                     std::move(rollup).value(), scan_id, options);
  try {
    impl->thread = std::thread([p = impl.get()] { p->run(); });
  } catch (const std::system_error& e) {
    return makeError(Errc::kInternal,
                     db_path.string() + ": cannot start the finding writer thread: " + e.what());
  }
  return std::unique_ptr<FindingWriter>(new FindingWriter(std::move(impl)));
}

void FindingWriter::submit(std::vector<model::Finding> findings) {
  if (findings.empty()) return;
  Impl& w = *impl_;
  {
    std::unique_lock lock(w.mu);
    w.not_full.wait(lock, [&w] {
      return w.closing || w.queue.size() < kMaxPendingBatches ||
             w.failed.load(std::memory_order_acquire);
    });
    if (w.closing) {
      if (!w.first_error) {
        w.first_error = makeError(Errc::kInternal,
                                  w.conn.path().string() + ": " + std::to_string(findings.size()) +
                                      " findings were submitted after the writer was closed");
      }
      return;
    }
    if (w.failed.load(std::memory_order_acquire)) return;  // the error is already recorded
    w.queue.push_back(std::move(findings));
  }
  w.not_empty.notify_one();
}

Status FindingWriter::close() {
  Impl& w = *impl_;
  std::lock_guard close_lock(w.close_mu);
  if (!w.closed) {
    {
      std::lock_guard lock(w.mu);
      w.closing = true;
    }
    w.not_empty.notify_all();
    w.not_full.notify_all();
    if (w.thread.joinable()) w.thread.join();
    w.closed = true;
  }
  std::lock_guard lock(w.mu);
  if (w.first_error) return *w.first_error;
  return okStatus();
}

std::uint64_t FindingWriter::written() const noexcept {
  return impl_->written.load(std::memory_order_relaxed);
}

std::uint64_t FindingWriter::counted() const noexcept {
  return impl_->counted.load(std::memory_order_relaxed);
}

}  // namespace kpatrol::store
