// SPDX-License-Identifier: Apache-2.0
#include "ssh_session.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <string_view>
#include <vector>

#include <spdlog/spdlog.h>

#include "known_hosts.h"

namespace kpatrol::collect::ssh {
namespace {

constexpr std::size_t kStderrCap = 64 << 10;

std::string seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%gs", s);
  return buf;
}

int remainingMs(Deadline deadline, int cap_ms) {
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  if (left <= 0) return 0;
  return static_cast<int>(std::min<long long>(left, cap_ms));
}

short pollEvents(int directions) {
  short ev = 0;
  if ((directions & LIBSSH2_SESSION_BLOCK_INBOUND) != 0) ev |= POLLIN;
  if ((directions & LIBSSH2_SESSION_BLOCK_OUTBOUND) != 0) ev |= POLLOUT;
  return ev == 0 ? POLLIN : ev;
}

struct ChannelDeleter {
  void operator()(LIBSSH2_CHANNEL* c) const {
    // Non-blocking: EAGAIN leaves the channel to libssh2_session_free, which frees it.
    libssh2_channel_free(c);
  }
};
using ChannelPtr = std::unique_ptr<LIBSSH2_CHANNEL, ChannelDeleter>;

struct AgentDeleter {
  void operator()(LIBSSH2_AGENT* a) const {
    libssh2_agent_disconnect(a);
    libssh2_agent_free(a);
  }
};
using AgentPtr = std::unique_ptr<LIBSSH2_AGENT, AgentDeleter>;

Result<Fd> connectTcp(const std::string& host, int port, Deadline deadline, double timeout) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* res = nullptr;
  const std::string port_text = std::to_string(port);
  if (int rc = ::getaddrinfo(host.c_str(), port_text.c_str(), &hints, &res); rc != 0) {
    return makeError(Errc::kUnavailable,
                     "cannot resolve " + host + ": " + std::string(gai_strerror(rc)));
  }
  std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> list(res, freeaddrinfo);
  std::string last = "no address";
  for (addrinfo* ai = res; ai != nullptr; ai = ai->ai_next) {
    Fd fd(::socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol));
    if (fd.get() < 0) {
      last = std::strerror(errno);
      continue;
    }
    const int one = 1;
    ::setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    if (::connect(fd.get(), ai->ai_addr, ai->ai_addrlen) == 0) return fd;
    if (errno != EINPROGRESS) {
      last = std::strerror(errno);
      continue;
    }
    for (;;) {
      pollfd p{fd.get(), POLLOUT, 0};
      const int ms = remainingMs(deadline, 1000);
      if (ms == 0) {
        return makeError(Errc::kUnavailable, "connect to " + host + ":" + port_text +
                                                 " timed out after " + seconds(timeout));
      }
      const int n = ::poll(&p, 1, ms);
      if (n < 0 && errno == EINTR) continue;
      if (n > 0) break;
    }
    int err = 0;
    socklen_t len = sizeof(err);
    ::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &err, &len);
    if (err == 0) return fd;
    last = std::strerror(err);
  }
  return makeError(Errc::kUnavailable, "connect to " + host + ":" + port_text + ": " + last);
}

bool hasMethod(const char* list, const char* method) {
  if (list == nullptr) return false;
  std::string_view all(list);
  std::size_t pos = 0;
  while (pos <= all.size()) {
    const auto comma = all.find(',', pos);
    const auto item = all.substr(pos, comma == std::string_view::npos ? all.npos : comma - pos);
    if (item == method) return true;
    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }
  return false;
}

// Whether a private key file holds an RSA key: its .pub says so, or it is a PEM RSA key.
bool isRsaKey(const std::string& path) {
  std::ifstream pub(path + ".pub");
  std::string word;
  if (pub >> word) return word == "ssh-rsa";
  std::ifstream key(path);
  std::string first;
  std::getline(key, first);
  return first.find("RSA PRIVATE KEY") != std::string::npos;
}

// Method preferences, cheapest secure first (a node's sshd picks the first one it supports).
// Key exchange: the elliptic-curve ones cost well under a millisecond on either side; of the
// finite-field ones, the fixed 2048-bit group14 goes before group exchange, where the server
// reads its moduli file and libssh2 asks for a group of up to 8192 bits. Every method libssh2
// enables by default stays in the list, so no server that worked before is refused.
constexpr const char* kKexPreference =
    "curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256,ecdh-sha2-nistp384,"
    "ecdh-sha2-nistp521,diffie-hellman-group14-sha256,diffie-hellman-group16-sha512,"
    "diffie-hellman-group18-sha512,diffie-hellman-group-exchange-sha256,"
    "diffie-hellman-group14-sha1,diffie-hellman-group-exchange-sha1,diffie-hellman-group1-sha1";
// Ciphers: the AEAD ones first (no separate MAC pass) where this libssh2 has them (1.11 and
// later; names it does not know are dropped from the list), then AES-CTR, then the rest.
constexpr const char* kCipherPreference =
    "aes128-gcm@openssh.com,aes256-gcm@openssh.com,chacha20-poly1305@openssh.com,aes128-ctr,"
    "aes192-ctr,aes256-ctr,aes256-cbc,rijndael-cbc@lysator.liu.se,aes192-cbc,aes128-cbc,"
    "blowfish-cbc,arcfour128,arcfour,cast128-cbc,3des-cbc";

// Sets a preference list of the names this libssh2 supports, keeping libssh2's own when it
// supports none. Unsupported names are dropped here, not by libssh2: before 1.11 it removes them
// from the list with an overlapping memcpy (libssh2 issue #611, fixed in 1.11 by PR #1000;
// Debian 12 ships 1.10), which AddressSanitizer reports and which is undefined behaviour.
void preferMethods(LIBSSH2_SESSION* session, int type, const char* list) {
  const char** algs = nullptr;
  const int count = libssh2_session_supported_algs(session, type, &algs);
  const auto free_algs = [session](const char** a) {
    libssh2_free(session, static_cast<void*>(a));
  };
  const std::unique_ptr<const char*, decltype(free_algs)> owned(count > 0 ? algs : nullptr,
                                                                free_algs);
  std::string kept;
  for (std::string_view rest = list; !rest.empty();) {
    const auto comma = rest.find(',');
    const std::string_view name = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    for (int i = 0; i < count; ++i) {
      if (name == algs[i]) {
        kept += kept.empty() ? "" : ",";
        kept += name;
        break;
      }
    }
  }
  if (kept.empty() || libssh2_session_method_pref(session, type, kept.c_str()) != 0) {
    spdlog::debug("ssh: libssh2 kept its default methods for type {} ({})", type, list);
  }
}

}  // namespace

Fd& Fd::operator=(Fd&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = o.release();
  }
  return *this;
}

Fd::~Fd() {
  if (fd_ >= 0) ::close(fd_);
}

Status initLibssh2() {
  static std::once_flag once;
  static int rc = 0;
  std::call_once(once, [] { rc = libssh2_init(0); });
  if (rc != 0) return makeError(Errc::kInternal, "libssh2_init failed");
  return okStatus();
}

// How a session's socket makes progress.
class Link {
 public:
  virtual ~Link() = default;
  virtual int fd() const = 0;
  /// Ready: true; deadline passed: false; a broken link: an error.
  virtual Result<bool> wait(int directions, Deadline deadline, int cap_ms) = 0;
  virtual void keepalive() {}
};

class DirectLink final : public Link {
 public:
  explicit DirectLink(Fd fd) : fd_(std::move(fd)) {}
  int fd() const override { return fd_.get(); }
  Result<bool> wait(int directions, Deadline deadline, int cap_ms) override {
    for (;;) {
      const int ms = remainingMs(deadline, cap_ms);
      if (ms == 0) return false;
      pollfd p{fd_.get(), pollEvents(directions), 0};
      const int n = ::poll(&p, 1, ms);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return makeError(Errc::kUnavailable, std::string("poll: ") + std::strerror(errno));
      return true;  // ready, or the cap passed: the caller retries and checks its deadline
    }
  }

 private:
  Fd fd_;
};

// The inner session talks to one end of a socketpair; waiting pumps the other end to and from a
// direct-tcpip channel of the bastion's session, in the same thread.
class TunnelLink final : public Link {
 public:
  TunnelLink(std::unique_ptr<Connection> outer, ChannelPtr channel, Fd inner, Fd pump)
      : outer_(std::move(outer)),
        channel_(std::move(channel)),
        inner_(std::move(inner)),
        pump_(std::move(pump)),
        to_(32 << 10),
        from_(32 << 10) {}
  ~TunnelLink() override {
    channel_.reset();  // before the bastion session that owns it
    outer_.reset();
  }

  int fd() const override { return inner_.get(); }

  void keepalive() override { outer_->keepalive(); }

  Result<bool> wait(int directions, Deadline deadline, int cap_ms) override {
    for (;;) {
      if (auto s = pump(); !s) return std::move(s).error();
      pollfd p[3] = {
          {inner_.get(), pollEvents(directions), 0},
          {pump_.get(),
           static_cast<short>((to_len_ == 0 && !pump_eof_ ? POLLIN : 0) |
                              (from_off_ < from_len_ ? POLLOUT : 0)),
           0},
          {outer_->link_->fd(),
           static_cast<short>(POLLIN | ((libssh2_session_block_directions(outer_->session_) &
                                         LIBSSH2_SESSION_BLOCK_OUTBOUND) != 0
                                            ? POLLOUT
                                            : 0)),
           0},
      };
      const int ms = remainingMs(deadline, cap_ms);
      if (ms == 0) return false;
      const int n = ::poll(p, 3, ms);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return makeError(Errc::kUnavailable, std::string("poll: ") + std::strerror(errno));
      if (n == 0) return true;  // the cap passed: the caller retries and checks its deadline
      if (p[0].revents != 0) {
        if (auto s = pump(); !s) return std::move(s).error();
        return true;
      }
    }
  }

 private:
  Error broken(const std::string& what) {
    return makeError(Errc::kUnavailable,
                     "bastion " + outer_->label() + ": " + what + ": " + outer_->lastError());
  }

  // Moves bytes both ways until nothing moves.
  Status pump() {
    for (;;) {
      bool moved = false;
      if (to_len_ == 0 && !pump_eof_) {
        const ssize_t n = ::recv(pump_.get(), to_.data(), to_.size(), MSG_DONTWAIT);
        if (n > 0) {
          to_len_ = static_cast<std::size_t>(n);
          to_off_ = 0;
          moved = true;
        } else if (n == 0) {
          pump_eof_ = true;
        } else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
          return makeError(Errc::kUnavailable, std::string("tunnel: ") + std::strerror(errno));
        }
      }
      if (to_off_ < to_len_) {
        const ssize_t n =
            libssh2_channel_write(channel_.get(), to_.data() + to_off_, to_len_ - to_off_);
        if (n > 0) {
          to_off_ += static_cast<std::size_t>(n);
          if (to_off_ == to_len_) to_off_ = to_len_ = 0;
          moved = true;
        } else if (n != LIBSSH2_ERROR_EAGAIN) {
          return broken("the forwarded connection failed");
        }
      }
      if (from_off_ == from_len_ && !channel_eof_) {
        const ssize_t n = libssh2_channel_read(channel_.get(), from_.data(), from_.size());
        if (n > 0) {
          from_len_ = static_cast<std::size_t>(n);
          from_off_ = 0;
          moved = true;
        } else if (n == 0 || n == LIBSSH2_ERROR_EAGAIN) {
          if (libssh2_channel_eof(channel_.get()) != 0) {
            channel_eof_ = true;
            ::shutdown(pump_.get(), SHUT_WR);  // the inner session sees the close
            moved = true;
          }
        } else {
          return broken("the forwarded connection failed");
        }
      }
      if (from_off_ < from_len_) {
        const ssize_t n = ::send(pump_.get(), from_.data() + from_off_, from_len_ - from_off_,
                                 MSG_DONTWAIT | MSG_NOSIGNAL);
        if (n > 0) {
          from_off_ += static_cast<std::size_t>(n);
          if (from_off_ == from_len_) from_off_ = from_len_ = 0;
          moved = true;
        } else if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
          return makeError(Errc::kUnavailable, std::string("tunnel: ") + std::strerror(errno));
        }
      }
      if (!moved) return okStatus();
    }
  }

  std::unique_ptr<Connection> outer_;
  ChannelPtr channel_;
  Fd inner_;
  Fd pump_;
  std::vector<char> to_;    // inner session -> channel
  std::vector<char> from_;  // channel -> inner session
  std::size_t to_off_ = 0, to_len_ = 0, from_off_ = 0, from_len_ = 0;
  bool pump_eof_ = false;
  bool channel_eof_ = false;
};

Connection::~Connection() {
  if (session_ != nullptr) {
    libssh2_session_disconnect(session_, "kpatrol: done");  // best effort, one try
    // With the socket shut down, sends fail at once instead of blocking, so freeing cannot hang.
    if (link_) ::shutdown(link_->fd(), SHUT_RDWR);
    libssh2_session_free(session_);
  }
  link_.reset();
}

std::string Connection::lastError() const {
  char* msg = nullptr;
  const int rc = libssh2_session_last_error(session_, &msg, nullptr, 0);
  if (msg == nullptr || *msg == '\0') return "libssh2 error " + std::to_string(rc);
  return msg;
}

Status Connection::wait(Deadline deadline, const char* what, double timeout_seconds) {
  auto ready = link_->wait(libssh2_session_block_directions(session_), deadline, 1000);
  if (!ready) return std::move(ready).error();
  if (!*ready || Clock::now() >= deadline) {
    return makeError(Errc::kTimeout,
                     label_ + ": " + what + " timed out after " + seconds(timeout_seconds));
  }
  return okStatus();
}

void Connection::keepalive() {
  int next = 0;
  libssh2_keepalive_send(session_, &next);  // EAGAIN is fine: it goes out with the next write
  if (link_) link_->keepalive();
}

Result<std::unique_ptr<Connection>> Connection::open(const SshEndpoint& ep, const std::string& key,
                                                     const SessionSettings& settings,
                                                     std::unique_ptr<Connection> via) {
  if (auto s = initLibssh2(); !s) return std::move(s).error();
  std::unique_ptr<Connection> c(new Connection());
  c->label_ = ep.user + "@" + ep.host + ":" + std::to_string(ep.port);
  const double t = settings.timeout_seconds;
  if (via) {
    c->label_ += " via bastion " + via->label();
    const Deadline deadline = deadlineIn(t);
    LIBSSH2_CHANNEL* raw = nullptr;
    for (;;) {
      raw =
          libssh2_channel_direct_tcpip_ex(via->session_, ep.host.c_str(), ep.port, "127.0.0.1", 22);
      if (raw != nullptr) break;
      if (libssh2_session_last_errno(via->session_) != LIBSSH2_ERROR_EAGAIN) {
        return makeError(Errc::kUnavailable,
                         "bastion " + via->label() + " could not open a connection to " + ep.host +
                             ":" + std::to_string(ep.port) + ": " + via->lastError());
      }
      if (auto s = via->wait(deadline, "opening the forwarded connection", t); !s) return s.error();
    }
    ChannelPtr channel(raw);
    int sv[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) != 0) {
      return makeError(Errc::kInternal, std::string("socketpair: ") + std::strerror(errno));
    }
    c->link_ =
        std::make_unique<TunnelLink>(std::move(via), std::move(channel), Fd(sv[0]), Fd(sv[1]));
  } else {
    auto fd = connectTcp(ep.host, ep.port, deadlineIn(t), t);
    if (!fd) return std::move(fd).error();
    c->link_ = std::make_unique<DirectLink>(std::move(*fd));
  }
  c->session_ = libssh2_session_init_ex(nullptr, nullptr, nullptr, nullptr);
  if (c->session_ == nullptr) return makeError(Errc::kInternal, "libssh2_session_init failed");
  libssh2_session_set_blocking(c->session_, 0);
  if (settings.keepalive_seconds > 0) {
    libssh2_keepalive_config(c->session_, 1, static_cast<unsigned>(settings.keepalive_seconds));
  }
  if (auto s = c->handshake(ep, settings); !s) return std::move(s).error();
  if (auto s = c->authenticate(ep, key, settings); !s) return std::move(s).error();
  return c;
}

Status Connection::handshake(const SshEndpoint& ep, const SessionSettings& settings) {
  const double t = settings.timeout_seconds;
  const std::string prefs = settings.known_hosts->hostKeyPreference(session_, ep.host, ep.port);
  if (!prefs.empty()) libssh2_session_method_pref(session_, LIBSSH2_METHOD_HOSTKEY, prefs.c_str());
  preferMethods(session_, LIBSSH2_METHOD_KEX, kKexPreference);
  preferMethods(session_, LIBSSH2_METHOD_CRYPT_CS, kCipherPreference);
  preferMethods(session_, LIBSSH2_METHOD_CRYPT_SC, kCipherPreference);
  const Deadline deadline = deadlineIn(t);
  for (;;) {
    const int rc = libssh2_session_handshake(session_, link_->fd());
    if (rc == 0) break;
    if (rc != LIBSSH2_ERROR_EAGAIN) {
      return makeError(Errc::kUnavailable, label_ + ": SSH handshake failed: " + lastError());
    }
    if (auto s = wait(deadline, "SSH handshake (no SSH banner or key exchange)", t); !s) return s;
  }
  if (auto s = settings.known_hosts->verify(session_, ep.host, ep.port); !s) {
    return s.error().withContext(label_);
  }
  return okStatus();
}

Status Connection::authenticate(const SshEndpoint& ep, const std::string& key,
                                const SessionSettings& settings) {
  const double t = settings.timeout_seconds;
  const Deadline deadline = deadlineIn(t);
  const auto user_len = static_cast<unsigned>(ep.user.size());
  const char* methods = nullptr;
  for (;;) {
    methods = libssh2_userauth_list(session_, ep.user.c_str(), user_len);
    if (methods != nullptr || libssh2_userauth_authenticated(session_) != 0) break;
    if (libssh2_session_last_errno(session_) != LIBSSH2_ERROR_EAGAIN) {
      return makeError(Errc::kUnavailable, label_ + ": authentication failed: " + lastError());
    }
    if (auto s = wait(deadline, "authentication", t); !s) return s;
  }
  if (libssh2_userauth_authenticated(session_) != 0) return okStatus();
  const std::string accepted = methods;  // copied: the next call reuses libssh2's buffer
  std::vector<std::string> tried;

  // Repeats a non-blocking call until it is not EAGAIN.
  auto retry = [&](auto&& call) -> Result<int> {
    for (;;) {
      const int rc = call();
      if (rc != LIBSSH2_ERROR_EAGAIN) return rc;
      if (auto s = wait(deadline, "authentication", t); !s) return std::move(s).error();
    }
  };
  auto tryKeyFile = [&](const std::string& path, bool explicit_key) -> Result<bool> {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
      if (explicit_key) {
        return makeError(Errc::kInvalidArgument, "SSH key file " + path + " does not exist");
      }
      return false;
    }
    const char* passphrase = std::getenv("KPATROL_SSH_PASSPHRASE");
    auto rc = retry([&] {
      return libssh2_userauth_publickey_fromfile_ex(session_, ep.user.c_str(), user_len, nullptr,
                                                    path.c_str(), passphrase);
    });
    if (!rc) return std::move(rc).error();
    if (*rc == 0) return true;
    if (*rc == LIBSSH2_ERROR_FILE) {
      tried.push_back("key " + path + " (cannot read it" +
                      std::string(passphrase == nullptr
                                      ? "; an encrypted key needs KPATROL_SSH_PASSPHRASE"
                                      : "; wrong passphrase?") +
                      ")");
    } else if (isRsaKey(path)) {
      // libssh2 1.10 signs with ssh-rsa (SHA-1), which OpenSSH 8.8 and later refuse by default.
      tried.push_back("key " + path +
                      " (refused; an RSA key: this libssh2 signs with ssh-rsa/SHA-1, which "
                      "OpenSSH 8.8+ refuses by default: use an ed25519 or ecdsa key)");
    } else {
      tried.push_back("key " + path + " (refused)");
    }
    return false;
  };

  if (hasMethod(accepted.c_str(), "publickey")) {
    if (!key.empty()) {
      auto ok = tryKeyFile(key, true);
      if (!ok) return std::move(ok).error();
      if (*ok) return okStatus();
    } else {
      const char* sock = std::getenv("SSH_AUTH_SOCK");
      if (sock != nullptr && *sock != '\0') {
        AgentPtr agent(libssh2_agent_init(session_));
        if (agent && libssh2_agent_connect(agent.get()) == 0 &&
            libssh2_agent_list_identities(agent.get()) == 0) {
          libssh2_agent_publickey* id = nullptr;
          libssh2_agent_publickey* prev = nullptr;
          int count = 0;
          while (libssh2_agent_get_identity(agent.get(), &id, prev) == 0) {
            ++count;
            auto rc =
                retry([&] { return libssh2_agent_userauth(agent.get(), ep.user.c_str(), id); });
            if (!rc) return std::move(rc).error();
            if (*rc == 0) return okStatus();
            prev = id;
          }
          tried.push_back("ssh-agent (" + std::to_string(count) + " keys refused)");
        } else {
          tried.push_back("ssh-agent (not reachable)");
        }
      }
      if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
        for (const char* name : {"id_ed25519", "id_ecdsa", "id_rsa"}) {
          auto ok = tryKeyFile(std::string(home) + "/.ssh/" + name, false);
          if (!ok) return std::move(ok).error();
          if (*ok) return okStatus();
        }
      }
    }
  }
  if (settings.password && hasMethod(accepted.c_str(), "password")) {
    auto rc = retry([&] {
      return libssh2_userauth_password_ex(
          session_, ep.user.c_str(), user_len, settings.password->c_str(),
          static_cast<unsigned>(settings.password->size()), nullptr);
    });
    if (!rc) return std::move(rc).error();
    if (*rc == 0) return okStatus();
    tried.push_back("password (refused)");
  }
  std::string list;
  for (const auto& s : tried) list += (list.empty() ? "" : ", ") + s;
  if (list.empty()) list = "nothing: no key, agent or password to offer";
  return makeError(Errc::kPermission, label_ + ": authentication as " + ep.user +
                                          " failed (tried " + list +
                                          "; the server accepts: " + accepted + ")");
}

Result<ExecOutput> Connection::exec(const std::string& command, std::size_t max_out,
                                    Deadline deadline) {
  // The time allowed, for messages: to a tenth of a second, since the caller made the deadline
  // a moment ago (a slow build would say "5.99999s" for --ssh-command-timeout 6).
  const double t =
      std::round(std::chrono::duration<double>(deadline - Clock::now()).count() * 10) / 10;
  LIBSSH2_CHANNEL* raw = nullptr;
  for (;;) {
    raw = libssh2_channel_open_session(session_);
    if (raw != nullptr) break;
    if (libssh2_session_last_errno(session_) != LIBSSH2_ERROR_EAGAIN) {
      return makeError(Errc::kUnavailable,
                       label_ + ": cannot open a session channel: " + lastError());
    }
    if (auto s = wait(deadline, "opening a channel", t); !s) return std::move(s).error();
  }
  ChannelPtr channel(raw);
  auto retry = [&](const char* what, auto&& call) -> Status {
    for (;;) {
      const int rc = call();
      if (rc == 0) return okStatus();
      if (rc != LIBSSH2_ERROR_EAGAIN) {
        return makeError(Errc::kUnavailable, label_ + ": " + what + ": " + lastError());
      }
      if (auto s = wait(deadline, what, t); !s) return s;
    }
  };
  if (auto s = retry("starting the probe",
                     [&] { return libssh2_channel_exec(channel.get(), command.c_str()); });
      !s) {
    return std::move(s).error();
  }
  if (auto s = retry("closing the probe's stdin",
                     [&] { return libssh2_channel_send_eof(channel.get()); });
      !s) {
    return std::move(s).error();
  }
  ExecOutput result;
  std::vector<char> buf(64 << 10);
  const auto keepalive_every = std::chrono::seconds(5);
  auto next_keepalive = Clock::now() + keepalive_every;
  for (;;) {
    bool progress = false;
    const ssize_t n = libssh2_channel_read(channel.get(), buf.data(), buf.size());
    if (n > 0) {
      progress = true;
      if (result.out.size() + static_cast<std::size_t>(n) > max_out) {
        return makeError(Errc::kUnavailable, label_ + ": the probe's output exceeds the cap of " +
                                                 std::to_string(max_out >> 20) + " MiB (" +
                                                 std::to_string(max_out) +
                                                 " bytes); collection stopped");
      }
      result.out.append(buf.data(), static_cast<std::size_t>(n));
    } else if (n < 0 && n != LIBSSH2_ERROR_EAGAIN) {
      return makeError(Errc::kUnavailable, label_ + ": connection dropped mid-probe after " +
                                               std::to_string(result.out.size()) +
                                               " bytes of output: " + lastError());
    }
    const ssize_t e = libssh2_channel_read_stderr(channel.get(), buf.data(), buf.size());
    if (e > 0) {
      progress = true;
      const std::size_t room = kStderrCap - std::min(kStderrCap, result.err.size());
      result.err.append(buf.data(), std::min(room, static_cast<std::size_t>(e)));
    } else if (e < 0 && e != LIBSSH2_ERROR_EAGAIN) {
      return makeError(Errc::kUnavailable, label_ + ": connection dropped mid-probe after " +
                                               std::to_string(result.out.size()) +
                                               " bytes of output: " + lastError());
    }
    if (!progress && libssh2_channel_eof(channel.get()) != 0) break;
    if (progress) continue;
    if (Clock::now() >= next_keepalive) {
      keepalive();
      next_keepalive = Clock::now() + keepalive_every;
    }
    auto ready = link_->wait(libssh2_session_block_directions(session_),
                             std::min(deadline, next_keepalive), 1000);
    if (!ready) return std::move(ready).error().withContext(label_);
    if (Clock::now() >= deadline) {
      return makeError(Errc::kTimeout, label_ + ": the probe did not finish within " + seconds(t) +
                                           " (" + std::to_string(result.out.size()) +
                                           " bytes of output so far)");
    }
  }
  // The exit status arrives with (or before) the close; wait for it briefly.
  const Deadline close_deadline = std::min(deadline, deadlineIn(5));
  for (;;) {
    const int rc = libssh2_channel_close(channel.get());
    if (rc != LIBSSH2_ERROR_EAGAIN) break;
    if (auto ready = link_->wait(libssh2_session_block_directions(session_), close_deadline, 1000);
        !ready || !*ready || Clock::now() >= close_deadline) {
      break;
    }
  }
  for (;;) {
    const int rc = libssh2_channel_wait_closed(channel.get());
    if (rc != LIBSSH2_ERROR_EAGAIN) break;
    if (auto ready = link_->wait(libssh2_session_block_directions(session_), close_deadline, 1000);
        !ready || !*ready || Clock::now() >= close_deadline) {
      break;
    }
  }
  result.exit_status = libssh2_channel_get_exit_status(channel.get());
  char* signal = nullptr;
  std::size_t signal_len = 0;
  if (libssh2_channel_get_exit_signal(channel.get(), &signal, &signal_len, nullptr, nullptr,
                                      nullptr, nullptr) == 0 &&
      signal != nullptr) {
    result.exit_signal.assign(signal, signal_len);
    libssh2_free(session_, signal);
  }
  return result;
}

}  // namespace kpatrol::collect::ssh
