// SPDX-License-Identifier: Apache-2.0
// One SSH connection with libssh2 in non-blocking mode: every wait is a poll() against a
// deadline, so a host that hangs costs at most its timeout. A connection either runs over its
// own TCP socket or rides on a direct-tcpip channel of a bastion connection (a socketpair that
// the waiting thread pumps).
#pragma once

#include <libssh2.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "kpatrol/collect/ssh_targets.h"
#include "kpatrol/core/result.h"

namespace kpatrol::collect::ssh {

using Clock = std::chrono::steady_clock;
using Deadline = Clock::time_point;

inline Deadline deadlineIn(double seconds) {
  return Clock::now() +
         std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
}

/// Calls libssh2_init once for the process (thread-safe).
Status initLibssh2();

/// An owned file descriptor.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd&& o) noexcept : fd_(o.release()) {}
  Fd& operator=(Fd&& o) noexcept;
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd();
  int get() const { return fd_; }
  int release() {
    int f = fd_;
    fd_ = -1;
    return f;
  }

 private:
  int fd_ = -1;
};

class KnownHostsStore;

/// What a connection needs besides its endpoint. Secrets stay in memory only.
struct SessionSettings {
  double timeout_seconds = 10;  // connect, handshake, authentication (each)
  int keepalive_seconds = 15;
  KnownHostsStore* known_hosts = nullptr;
  std::optional<std::string> password;
};

struct ExecOutput {
  std::string out;
  std::string err;  // first 64 KiB
  int exit_status = -1;
  std::string exit_signal;  // e.g. "KILL" when the command was killed
};

class Link;

class Connection {
 public:
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  /// Connects (directly, or through `via` when it is set), checks the host key against
  /// known_hosts and authenticates as ep.user with `key` (empty: agent, then default keys) or the
  /// settings' password.
  static Result<std::unique_ptr<Connection>> open(const SshEndpoint& ep, const std::string& key,
                                                  const SessionSettings& settings,
                                                  std::unique_ptr<Connection> via = nullptr);

  /// Runs one command with stdin closed; stdout capped at max_out bytes (more is an error).
  Result<ExecOutput> exec(const std::string& command, std::size_t max_out, Deadline deadline);

  /// "user@host:port" (with " via bastion user@host:port").
  const std::string& label() const { return label_; }

 private:
  Connection() = default;
  friend class TunnelLink;

  Status handshake(const SshEndpoint& ep, const SessionSettings& settings);
  Status authenticate(const SshEndpoint& ep, const std::string& key,
                      const SessionSettings& settings);
  /// Waits until the session's socket can make progress; an error on deadline or a broken link.
  Status wait(Deadline deadline, const char* what, double timeout_seconds);
  std::string lastError() const;
  void keepalive();

  std::string label_;
  std::unique_ptr<Link> link_;
  LIBSSH2_SESSION* session_ = nullptr;
  Clock::time_point next_keepalive_{};
};

}  // namespace kpatrol::collect::ssh
