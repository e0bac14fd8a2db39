// SPDX-License-Identifier: Apache-2.0
// Host key verification against one known_hosts file, shared by every connection of a run.
// Strict by default; with accept_new an unknown host is trusted on first use and recorded. A
// changed key is always refused.
#pragma once

#include <libssh2.h>

#include <mutex>
#include <string>

#include "kpatrol/core/result.h"

namespace kpatrol::collect::ssh {

class KnownHostsStore {
 public:
  KnownHostsStore(std::string path, bool accept_new, bool hashed);

  /// The host key algorithms to offer, those the file already has keys of for host:port first,
  /// so the server presents a key we can check (as OpenSSH does).
  std::string hostKeyPreference(LIBSSH2_SESSION* session, const std::string& host, int port);

  /// Checks the key the server presented after the handshake.
  Status verify(LIBSSH2_SESSION* session, const std::string& host, int port);

  const std::string& path() const { return path_; }

 private:
  std::string snapshotText();
  Status append(const std::string& line);

  std::string path_;
  bool accept_new_;
  bool hashed_;
  std::mutex mu_;
  bool loaded_ = false;
  std::string text_;
};

}  // namespace kpatrol::collect::ssh
