// SPDX-License-Identifier: Apache-2.0
#include "exec_credential.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>
#include <vector>

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "kpatrol/core/time.h"
#include "kpatrol/model/json_get.h"

extern char** environ;  // NOLINT: POSIX

namespace kpatrol::collect::api {
namespace {

constexpr std::size_t kMaxStdout = std::size_t{1} << 20;
constexpr std::size_t kMaxStderr = std::size_t{64} << 10;

class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&& o) noexcept {
    reset(std::exchange(o.fd_, -1));
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { reset(); }
  int get() const { return fd_; }
  void reset(int fd = -1) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }

 private:
  int fd_ = -1;
};

// Owns a spawned child: if it is still running when this goes away, its whole process group
// is killed and reaped, so a hanging plugin never outlives the collection.
class ChildProcess {
 public:
  explicit ChildProcess(pid_t pid) : pid_(pid) {}
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess() {
    if (pid_ > 0) {
      ::kill(-pid_, SIGKILL);
      int st = 0;
      ::waitpid(pid_, &st, 0);
    }
  }
  // Returns the wait status once the child exited, nullopt while it runs.
  std::optional<int> poll() {
    int st = 0;
    const pid_t r = ::waitpid(pid_, &st, WNOHANG);
    if (r == pid_) {
      pid_ = -1;
      return st;
    }
    return std::nullopt;
  }
  void killGroup() {
    if (pid_ > 0) ::kill(-pid_, SIGKILL);
  }

 private:
  pid_t pid_;
};

class SpawnActions {
 public:
  SpawnActions() { posix_spawn_file_actions_init(&a_); }
  ~SpawnActions() { posix_spawn_file_actions_destroy(&a_); }
  SpawnActions(const SpawnActions&) = delete;
  SpawnActions& operator=(const SpawnActions&) = delete;
  posix_spawn_file_actions_t* get() { return &a_; }

 private:
  posix_spawn_file_actions_t a_;
};

class SpawnAttr {
 public:
  SpawnAttr() { posix_spawnattr_init(&a_); }
  ~SpawnAttr() { posix_spawnattr_destroy(&a_); }
  SpawnAttr(const SpawnAttr&) = delete;
  SpawnAttr& operator=(const SpawnAttr&) = delete;
  posix_spawnattr_t* get() { return &a_; }

 private:
  posix_spawnattr_t a_;
};

std::string tail(const std::string& s, std::size_t n) {
  std::string t = s.size() > n ? "..." + s.substr(s.size() - n) : s;
  while (!t.empty() && (t.back() == '\n' || t.back() == ' ')) t.pop_back();
  return t;
}

std::string who(const ClientConfig& c) {
  return "exec credential plugin \"" + c.exec->command + "\" of " + c.describeUser();
}

}  // namespace

std::string encodeBase64(std::string_view data) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < data.size(); i += 3) {
    const unsigned v = (static_cast<unsigned char>(data[i]) << 16) |
                       (static_cast<unsigned char>(data[i + 1]) << 8) |
                       static_cast<unsigned char>(data[i + 2]);
    out += {kAlphabet[(v >> 18) & 63], kAlphabet[(v >> 12) & 63], kAlphabet[(v >> 6) & 63],
            kAlphabet[v & 63]};
  }
  if (i + 1 == data.size()) {
    const unsigned v = static_cast<unsigned char>(data[i]) << 16;
    out += {kAlphabet[(v >> 18) & 63], kAlphabet[(v >> 12) & 63], '=', '='};
  } else if (i + 2 == data.size()) {
    const unsigned v = (static_cast<unsigned char>(data[i]) << 16) |
                       (static_cast<unsigned char>(data[i + 1]) << 8);
    out += {kAlphabet[(v >> 18) & 63], kAlphabet[(v >> 12) & 63], kAlphabet[(v >> 6) & 63], '='};
  }
  return out;
}

Result<ExecCredential> parseExecCredential(std::string_view text, const std::string& api_version,
                                           const std::string& who_text) {
  const auto doc = nlohmann::json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    return makeError(Errc::kParse, who_text +
                                       " printed something that is not an ExecCredential "
                                       "JSON object on stdout");
  }
  const std::string got_version = model::stringAt(doc, {"apiVersion"});
  if (got_version != api_version) {
    return makeError(Errc::kParse, who_text + " returned apiVersion \"" + got_version +
                                       "\", the kubeconfig asks for \"" + api_version + "\"");
  }
  if (const std::string kind = model::stringAt(doc, {"kind"}); kind != "ExecCredential") {
    return makeError(Errc::kParse,
                     who_text + " returned kind \"" + kind + "\", expected ExecCredential");
  }
  const auto status = doc.find("status");
  if (status == doc.end() || !status->is_object()) {
    return makeError(Errc::kParse, who_text + " returned an ExecCredential without status");
  }
  ExecCredential cred;
  auto str = [&](const char* key) {
    auto it = status->find(key);
    return it != status->end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  cred.token = str("token");
  cred.client_cert_pem = str("clientCertificateData");
  cred.client_key_pem = str("clientKeyData");
  if (cred.token.empty() && cred.client_cert_pem.empty()) {
    return makeError(Errc::kParse,
                     who_text + " returned neither status.token nor status.clientCertificateData");
  }
  if (cred.client_cert_pem.empty() != cred.client_key_pem.empty()) {
    return makeError(Errc::kParse, who_text +
                                       " returned only one of clientCertificateData and "
                                       "clientKeyData");
  }
  if (const std::string exp = str("expirationTimestamp"); !exp.empty()) {
    cred.expires_at = parseRfc3339(exp);
    if (!cred.expires_at) {
      return makeError(Errc::kParse,
                       who_text + " returned a malformed expirationTimestamp \"" + exp + "\"");
    }
  }
  return cred;
}

std::string execInfo(const ClientConfig& config) {
  nlohmann::ordered_json info = {{"apiVersion", config.exec->api_version},
                                 {"kind", "ExecCredential"},
                                 {"spec", {{"interactive", false}}}};
  if (config.exec->provide_cluster_info) {
    nlohmann::ordered_json cluster = {{"server", config.server}};
    if (!config.tls_server_name.empty()) cluster["tls-server-name"] = config.tls_server_name;
    if (config.insecure_skip_tls_verify) cluster["insecure-skip-tls-verify"] = true;
    if (!config.ca_pem.empty()) cluster["certificate-authority-data"] = encodeBase64(config.ca_pem);
    if (!config.proxy_url.empty()) cluster["proxy-url"] = config.proxy_url;
    info["spec"]["cluster"] = std::move(cluster);
  }
  return info.dump();
}

Result<ExecCredential> runExecPlugin(const ClientConfig& config,
                                     std::chrono::milliseconds timeout) {
  const ExecConfig& x = *config.exec;
  if (x.interactive_mode == "Always") {
    return makeError(Errc::kUnsupported,
                     who(config) +
                         " needs an interactive terminal (interactiveMode: Always); "
                         "kpatrol runs plugins non-interactively. Log in with kubectl "
                         "first or use a non-interactive plugin mode");
  }
  std::string command = x.command;
  if (command.find('/') != std::string::npos && command.front() != '/') {
    command = (x.base_dir / command).lexically_normal().string();
  }
  std::vector<std::string> argv_s;
  argv_s.push_back(command);
  argv_s.insert(argv_s.end(), x.args.begin(), x.args.end());
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);

  // Environment: ours, then the kubeconfig's env entries, then KUBERNETES_EXEC_INFO.
  std::vector<std::string> env_s;
  auto overridden = [&](std::string_view entry) {
    const auto eq = entry.find('=');
    const std::string_view name = entry.substr(0, eq);
    if (name == "KUBERNETES_EXEC_INFO") return true;
    for (const auto& [k, v] : x.env) {
      if (k == name) return true;
    }
    return false;
  };
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    if (!overridden(*e)) env_s.emplace_back(*e);
  }
  for (const auto& [k, v] : x.env) env_s.push_back(k + "=" + v);
  env_s.push_back("KUBERNETES_EXEC_INFO=" + execInfo(config));
  std::vector<char*> envp;
  for (auto& e : env_s) envp.push_back(e.data());
  envp.push_back(nullptr);

  int out_pipe[2];
  int err_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0)
    return makeError(Errc::kIo, "pipe: " + std::string(std::strerror(errno)));
  UniqueFd out_r(out_pipe[0]), out_w(out_pipe[1]);
  if (::pipe2(err_pipe, O_CLOEXEC) != 0)
    return makeError(Errc::kIo, "pipe: " + std::string(std::strerror(errno)));
  UniqueFd err_r(err_pipe[0]), err_w(err_pipe[1]);

  SpawnActions actions;
  posix_spawn_file_actions_addopen(actions.get(), 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(actions.get(), out_w.get(), 1);
  posix_spawn_file_actions_adddup2(actions.get(), err_w.get(), 2);
  SpawnAttr attr;
  posix_spawnattr_setflags(attr.get(), POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(attr.get(), 0);
  pid_t pid = 0;
  spdlog::debug("running exec credential plugin {} for user {}", command, config.user_name);
  const int rc =
      ::posix_spawnp(&pid, command.c_str(), actions.get(), attr.get(), argv.data(), envp.data());
  if (rc != 0) {
    std::string msg = who(config) + " could not be started: " + std::strerror(rc);
    if (!x.install_hint.empty()) msg += ". " + x.install_hint;
    return makeError(Errc::kUnavailable, msg);
  }
  ChildProcess child(pid);
  out_w.reset();
  err_w.reset();

  std::string out;
  std::string err;
  bool out_open = true;
  bool err_open = true;
  bool too_big = false;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::optional<int> status;
  while (true) {
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) break;
    if (!out_open && !err_open) {
      if ((status = child.poll())) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      continue;
    }
    pollfd fds[2];
    nfds_t n = 0;
    if (out_open) fds[n++] = pollfd{out_r.get(), POLLIN, 0};
    if (err_open) fds[n++] = pollfd{err_r.get(), POLLIN, 0};
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now);
    const int pr = ::poll(fds, n, static_cast<int>(std::min<long long>(left.count() + 1, 1000)));
    if (pr < 0 && errno != EINTR) break;
    for (nfds_t i = 0; i < n; ++i) {
      if ((fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
      char buf[8192];
      const ssize_t got = ::read(fds[i].fd, buf, sizeof buf);
      const bool is_out = fds[i].fd == out_r.get();
      if (got <= 0) {
        (is_out ? out_open : err_open) = false;
        continue;
      }
      std::string& dest = is_out ? out : err;
      const std::size_t cap = is_out ? kMaxStdout : kMaxStderr;
      if (dest.size() + static_cast<std::size_t>(got) > cap) {
        if (is_out) too_big = true;
        dest.append(buf, cap - std::min(cap, dest.size()));
      } else {
        dest.append(buf, static_cast<std::size_t>(got));
      }
    }
    if (too_big) break;
  }
  if (!status) {
    child.killGroup();
    const std::string stderr_text = tail(err, 2000);
    if (too_big) {
      return makeError(Errc::kParse, who(config) + " wrote more than 1 MiB on stdout; killed");
    }
    return makeError(
        Errc::kTimeout,
        who(config) + " did not finish within " + std::to_string(timeout.count() / 1000) +
            "s (--request-timeout); killed" +
            (stderr_text.empty() ? std::string(" (no stderr)") : ". Its stderr:\n" + stderr_text));
  }
  if (!WIFEXITED(*status) || WEXITSTATUS(*status) != 0) {
    const std::string how = WIFEXITED(*status)
                                ? "exited with status " + std::to_string(WEXITSTATUS(*status))
                                : "was killed by signal " + std::to_string(WTERMSIG(*status));
    std::string msg = who(config) + " " + how;
    if (WIFEXITED(*status) && WEXITSTATUS(*status) == 127 && !x.install_hint.empty()) {
      msg += ". " + x.install_hint;
    }
    const std::string stderr_text = tail(err, 2000);
    msg += stderr_text.empty() ? " (no stderr)" : ". Its stderr:\n" + stderr_text;
    return makeError(Errc::kPermission, msg);
  }
  if (!err.empty()) spdlog::debug("exec plugin {} stderr: {}", command, tail(err, 500));
  return parseExecCredential(out, x.api_version, who(config));
}

}  // namespace kpatrol::collect::api
