// SPDX-License-Identifier: Apache-2.0
#include "support.h"

#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace kpatrol::test {

namespace fs = std::filesystem;

fs::path nodeFixtures() { return fs::path(KPATROL_SOURCE_DIR) / "fixtures" / "nodes"; }

std::string readFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + p.string());
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string captured(const std::string& os, const std::string& file) {
  return readFile(nodeFixtures() / "captured" / os / file);
}

ScratchDir::ScratchDir() {
  static std::atomic<int> counter{0};
  path_ = fs::path(KPATROL_BINARY_DIR) / "node_probe_tmp" /
          (std::to_string(::getpid()) + "-" + std::to_string(counter++));
  fs::remove_all(path_);
  fs::create_directories(path_);
}

ScratchDir::~ScratchDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

std::string run(const std::vector<std::string>& argv, int* status) {
  int fds[2];
  if (::pipe(fds) != 0) throw std::runtime_error("pipe");
  pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(fds[1], 1);
    ::close(fds[0]);
    ::close(fds[1]);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execvp(args[0], args.data());
    ::_exit(127);
  }
  ::close(fds[1]);
  std::string out;
  char buf[65536];
  ssize_t n;
  while ((n = ::read(fds[0], buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(n));
  ::close(fds[0]);
  int st = 0;
  ::waitpid(pid, &st, 0);
  if (status) *status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return out;
}

void prepareRoot(const std::string& name, const fs::path& dest) {
  int status = 0;
  run({"bash", (nodeFixtures() / "prepare-root.sh").string(), name, dest.string()}, &status);
  if (status != 0) throw std::runtime_error("prepare-root.sh " + name + " failed");
}

}  // namespace kpatrol::test
