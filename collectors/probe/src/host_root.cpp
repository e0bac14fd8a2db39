// SPDX-License-Identifier: Apache-2.0
// The host-root transport: the probe script run locally with /bin/sh against a mounted root
// (a pod with the node's / at /host and hostPID), with a time limit and an output cap.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <system_error>

#include "kpatrol/collect/node_probe.h"

namespace kpatrol::collect {

namespace {

class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  Fd(Fd&& o) noexcept : fd_(o.release()) {}
  Fd& operator=(Fd&& o) noexcept {
    if (this != &o) reset(o.release());
    return *this;
  }
  ~Fd() { reset(); }
  int get() const { return fd_; }
  int release() {
    int f = fd_;
    fd_ = -1;
    return f;
  }
  void reset(int fd = -1) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }

 private:
  int fd_ = -1;
};

struct Pipe {
  Fd read;
  Fd write;
};

Result<Pipe> makePipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    return makeError(Errc::kIo, std::string("pipe: ") + std::strerror(errno));
  }
  return Pipe{Fd(fds[0]), Fd(fds[1])};
}

// Reaps the child on every path out of runProbeScript, killing its process group first if it
// is still running.
class Child {
 public:
  explicit Child(pid_t pid) : pid_(pid) {}
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  ~Child() {
    if (pid_ > 0) {
      kill();
      wait();
    }
  }
  void kill() const {
    if (pid_ > 0) {
      ::kill(-pid_, SIGKILL);
      ::kill(pid_, SIGKILL);
    }
  }
  int wait() {
    int status = 0;
    while (pid_ > 0 && ::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
    return status;
  }

 private:
  pid_t pid_;
};

}  // namespace

Result<std::string> runProbeScript(const std::filesystem::path& shell,
                                   const ProbeOptions& options) {
  const std::string script = probeScript(options);
  // Every section is capped by the script; the overall cap only guards against a shell that
  // does not honour it.
  const std::size_t cap = 64 * (options.max_section_bytes + 4096) + (1u << 20);
  auto in = makePipe();
  auto out = makePipe();
  if (!in || !out) return makeError(Errc::kIo, "cannot create pipes for the probe");
  const std::string sh = shell.string();

  pid_t pid = ::fork();
  if (pid < 0) return makeError(Errc::kIo, std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {
    ::setpgid(0, 0);
    ::dup2(in.value().read.get(), 0);
    ::dup2(out.value().write.get(), 1);
    int devnull = ::open("/dev/null", O_WRONLY);
    if (devnull >= 0) ::dup2(devnull, 2);
    ::signal(SIGPIPE, SIG_DFL);
    const char* argv[] = {sh.c_str(), "-s", nullptr};
    const char* envp[] = {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                          "LC_ALL=C", nullptr};
    ::execve(sh.c_str(), const_cast<char* const*>(argv), const_cast<char* const*>(envp));
    ::_exit(127);
  }
  Child child(pid);
  ::setpgid(pid, pid);
  in.value().read.reset();
  out.value().write.reset();
  Fd to_child = std::move(in.value().write);
  Fd from_child = std::move(out.value().read);
  ::fcntl(to_child.get(), F_SETFL, O_NONBLOCK);

  std::string output;
  std::size_t written = 0;
  bool timed_out = false;
  bool capped = false;
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(options.timeout_seconds);
  char buf[65536];
  while (from_child.get() >= 0) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                    deadline - std::chrono::steady_clock::now())
                    .count();
    if (left <= 0) {
      timed_out = true;
      break;
    }
    pollfd fds[2];
    int n = 0;
    fds[n++] = {from_child.get(), POLLIN, 0};
    if (to_child.get() >= 0) fds[n++] = {to_child.get(), POLLOUT, 0};
    int rc = ::poll(fds, static_cast<nfds_t>(n), static_cast<int>(std::min<long long>(left, 1000)));
    if (rc < 0) {
      if (errno == EINTR) continue;
      return makeError(Errc::kIo, std::string("poll: ") + std::strerror(errno));
    }
    if (n == 2 && (fds[1].revents & (POLLOUT | POLLERR | POLLHUP))) {
      ssize_t w = ::write(to_child.get(), script.data() + written, script.size() - written);
      if (w > 0) written += static_cast<std::size_t>(w);
      if (w < 0 && errno != EAGAIN && errno != EINTR) to_child.reset();
      if (written >= script.size()) to_child.reset();  // EOF: the shell runs what it read
    }
    if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      ssize_t r = ::read(from_child.get(), buf, sizeof buf);
      if (r < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (r <= 0) {
        from_child.reset();
        break;
      }
      output.append(buf, static_cast<std::size_t>(r));
      if (output.size() > cap) {
        output.resize(cap);
        capped = true;
        break;
      }
    }
  }
  if (timed_out || capped) child.kill();
  int status = child.wait();
  if (output.empty()) {
    if (timed_out) return makeError(Errc::kTimeout, "the probe printed nothing before the timeout");
    if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
      return makeError(Errc::kNotFound, "cannot run " + sh);
    }
    return makeError(Errc::kIo, sh + " printed nothing");
  }
  return output;
}

Result<ProbeResult> collectHostRoot(const std::filesystem::path& root, const ProbeOptions& options,
                                    std::string_view node_name) {
  std::error_code ec;
  if (!std::filesystem::is_directory(root, ec)) {
    return makeError(Errc::kNotFound, "host root " + root.string() + " is not a directory");
  }
  ProbeOptions opts = options;
  opts.root = std::filesystem::absolute(root, ec).lexically_normal().string();
  if (opts.root.empty()) opts.root = root.string();
  auto out = runProbeScript("/bin/sh", opts);
  if (!out) return out.error().withContext("host root " + root.string());
  return parseProbeOutput(out.value(), "node/" + std::string(node_name), "host-root");
}

}  // namespace kpatrol::collect
