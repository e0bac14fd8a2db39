// SPDX-License-Identifier: Apache-2.0
#include "known_hosts.h"

#include <fcntl.h>
#include <openssl/rand.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <sstream>

#include <spdlog/spdlog.h>

#include "kpatrol/collect/ssh_known_hosts.h"
#include "kpatrol/core/fs.h"

namespace kpatrol::collect::ssh {
namespace {

struct KnownHostsDeleter {
  void operator()(LIBSSH2_KNOWNHOSTS* k) const { libssh2_knownhost_free(k); }
};
using KnownHostsPtr = std::unique_ptr<LIBSSH2_KNOWNHOSTS, KnownHostsDeleter>;

// Parses the text line by line: a line libssh2 cannot read (a certificate authority marker, a
// key type it does not know) is skipped instead of discarding the whole file.
KnownHostsPtr parse(LIBSSH2_SESSION* session, const std::string& text) {
  KnownHostsPtr hosts(libssh2_knownhost_init(session));
  if (!hosts) return hosts;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    const auto first = line.find_first_not_of(" \t");
    if (first == std::string::npos || line[first] == '#') continue;
    if (libssh2_knownhost_readline(hosts.get(), line.data(), line.size(),
                                   LIBSSH2_KNOWNHOST_FILE_OPENSSH) != 0) {
      spdlog::debug("ssh: skipping a known_hosts line libssh2 cannot read");
    }
  }
  return hosts;
}

int keyMask(int hostkey_type) {
  switch (hostkey_type) {
    case LIBSSH2_HOSTKEY_TYPE_RSA:
      return LIBSSH2_KNOWNHOST_KEY_SSHRSA;
    case LIBSSH2_HOSTKEY_TYPE_DSS:
      return LIBSSH2_KNOWNHOST_KEY_SSHDSS;
    case LIBSSH2_HOSTKEY_TYPE_ECDSA_256:
      return LIBSSH2_KNOWNHOST_KEY_ECDSA_256;
    case LIBSSH2_HOSTKEY_TYPE_ECDSA_384:
      return LIBSSH2_KNOWNHOST_KEY_ECDSA_384;
    case LIBSSH2_HOSTKEY_TYPE_ECDSA_521:
      return LIBSSH2_KNOWNHOST_KEY_ECDSA_521;
    case LIBSSH2_HOSTKEY_TYPE_ED25519:
      return LIBSSH2_KNOWNHOST_KEY_ED25519;
    default:
      return LIBSSH2_KNOWNHOST_KEY_UNKNOWN;
  }
}

int check(LIBSSH2_KNOWNHOSTS* hosts, const std::string& host, int port, const char* key,
          std::size_t len, int mask) {
  return libssh2_knownhost_checkp(
      hosts, host.c_str(), port, key, len,
      LIBSSH2_KNOWNHOST_TYPE_PLAIN | LIBSSH2_KNOWNHOST_KEYENC_RAW | mask, nullptr);
}

std::string quoteArg(const std::string& s) {
  if (s.find_first_of(" '\"$\\[]") == std::string::npos) return s;
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace

KnownHostsStore::KnownHostsStore(std::string path, bool accept_new, bool hashed)
    : path_(std::move(path)), accept_new_(accept_new), hashed_(hashed) {}

std::string KnownHostsStore::snapshotText() {
  std::lock_guard lock(mu_);
  if (!loaded_) {
    loaded_ = true;
    std::error_code ec;
    if (std::filesystem::exists(path_, ec)) {
      auto text = readFile(path_, std::size_t{64} << 20);
      if (text) {
        text_ = std::move(*text);
      } else {
        spdlog::warn("ssh: cannot read known_hosts {}: {}", path_, text.error().message);
      }
    }
  }
  return text_;
}

std::string KnownHostsStore::hostKeyPreference(LIBSSH2_SESSION* session, const std::string& host,
                                               int port) {
  struct Kind {
    int mask;
    const char* methods;
  };
  static const Kind kinds[] = {
      {LIBSSH2_KNOWNHOST_KEY_ED25519, "ssh-ed25519"},
      {LIBSSH2_KNOWNHOST_KEY_ECDSA_256, "ecdsa-sha2-nistp256"},
      {LIBSSH2_KNOWNHOST_KEY_ECDSA_384, "ecdsa-sha2-nistp384"},
      {LIBSSH2_KNOWNHOST_KEY_ECDSA_521, "ecdsa-sha2-nistp521"},
      {LIBSSH2_KNOWNHOST_KEY_SSHRSA, "rsa-sha2-512,rsa-sha2-256,ssh-rsa"},
  };
  const char** algs = nullptr;
  const int n = libssh2_session_supported_algs(session, LIBSSH2_METHOD_HOSTKEY, &algs);
  auto supported = [&](const std::string& name) {
    for (int i = 0; i < n; ++i) {
      if (name == algs[i]) return true;
    }
    return false;
  };
  std::string known, rest;
  KnownHostsPtr hosts = parse(session, snapshotText());
  for (const auto& kind : kinds) {
    // A dummy key of this type: MISMATCH means the file has a key of this type for the host.
    const bool have = hosts && check(hosts.get(), host, port, "x", 1, kind.mask) ==
                                   LIBSSH2_KNOWNHOST_CHECK_MISMATCH;
    std::istringstream names(kind.methods);
    std::string name;
    while (std::getline(names, name, ',')) {
      if (!supported(name)) continue;
      std::string& dest = have ? known : rest;
      dest += (dest.empty() ? "" : ",") + name;
    }
  }
  if (n > 0) libssh2_free(session, algs);
  if (known.empty()) return rest;
  return rest.empty() ? known : known + "," + rest;
}

Status KnownHostsStore::verify(LIBSSH2_SESSION* session, const std::string& host, int port) {
  std::size_t len = 0;
  int type = 0;
  const char* key = libssh2_session_hostkey(session, &len, &type);
  if (key == nullptr || len == 0) {
    return makeError(Errc::kPermission, "the server presented no host key");
  }
  const std::string blob(key, len);
  const std::string key_type = keyTypeOfBlob(blob);
  const std::string fingerprint = key_type + " " + sha256Fingerprint(blob);
  const std::string where = knownHostsName(host, port);
  KnownHostsPtr hosts = parse(session, snapshotText());
  if (!hosts) return makeError(Errc::kInternal, "libssh2_knownhost_init failed");
  int rc = check(hosts.get(), host, port, key, len, keyMask(type));
  if (rc == LIBSSH2_KNOWNHOST_CHECK_NOTFOUND &&
      check(hosts.get(), host, port, key, len, 0) == LIBSSH2_KNOWNHOST_CHECK_MISMATCH) {
    rc = LIBSSH2_KNOWNHOST_CHECK_MISMATCH;  // the file has a key of another type for this host
  }
  if (rc == LIBSSH2_KNOWNHOST_CHECK_MATCH) return okStatus();
  if (rc == LIBSSH2_KNOWNHOST_CHECK_MISMATCH) {
    return makeError(
        Errc::kPermission,
        "HOST KEY MISMATCH for " + where + ": the server presented " + fingerprint +
            ", which differs from the key recorded in " + path_ +
            ". Someone may be intercepting the connection, or the host was reinstalled; verify "
            "the new key out of band and remove the old entry (ssh-keygen -R " +
            quoteArg(where) + " -f " + quoteArg(path_) +
            "). kpatrol never replaces a recorded key.");
  }
  if (rc != LIBSSH2_KNOWNHOST_CHECK_NOTFOUND) {
    return makeError(Errc::kPermission, "cannot check the host key of " + where);
  }
  if (!accept_new_) {
    return makeError(Errc::kPermission,
                     "unknown host key for " + where + ": " + fingerprint + " is not in " + path_ +
                         ". Verify the fingerprint, then accept it with --ssh-accept-new, or add "
                         "it with: ssh-keyscan -p " +
                         std::to_string(port) + " " + quoteArg(host) + " >> " + quoteArg(path_));
  }
  // Trust on first use, once per host even when several threads meet it at the same time.
  std::lock_guard lock(mu_);
  KnownHostsPtr now = parse(session, text_);
  if (now) {
    const int again = check(now.get(), host, port, key, len, keyMask(type));
    if (again == LIBSSH2_KNOWNHOST_CHECK_MATCH) return okStatus();
    if (again == LIBSSH2_KNOWNHOST_CHECK_MISMATCH) {
      return makeError(Errc::kPermission, "HOST KEY MISMATCH for " + where +
                                              ": another key was recorded for it during this run");
    }
  }
  std::string salt;
  if (hashed_) {
    salt.resize(20);
    if (RAND_bytes(reinterpret_cast<unsigned char*>(salt.data()), 20) != 1) {
      return makeError(Errc::kInternal, "no random bytes for a hashed known_hosts entry");
    }
  }
  if (auto s = append(knownHostsLine(host, port, key_type, blob, salt)); !s) return s;
  spdlog::warn("ssh: permanently added {} ({}) to {}", where, fingerprint, path_);
  return okStatus();
}

Status KnownHostsStore::append(const std::string& line) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path parent = fs::path(path_).parent_path();
  if (!parent.empty() && !fs::exists(parent, ec)) {
    fs::create_directories(parent, ec);
    if (ec) return makeError(Errc::kIo, "cannot create " + parent.string() + ": " + ec.message());
    fs::permissions(parent, fs::perms::owner_all, ec);
  }
  const int fd = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return makeError(Errc::kIo, "cannot open " + path_ + " to record a host key");
  std::string data = line;
  if (!text_.empty() && text_.back() != '\n') data.insert(0, "\n");
  const bool ok = ::write(fd, data.data(), data.size()) == static_cast<ssize_t>(data.size());
  const bool closed = ::close(fd) == 0;
  if (!ok || !closed) return makeError(Errc::kIo, "cannot write " + path_);
  text_ += data;
  return okStatus();
}

}  // namespace kpatrol::collect::ssh
