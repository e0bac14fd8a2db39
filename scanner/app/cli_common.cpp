// SPDX-License-Identifier: Apache-2.0
#include <csignal>
#include <cstdlib>
#include <iostream>

#include "app.h"

#ifndef KPATROL_VERSION
#define KPATROL_VERSION "0.0.0"
#endif

namespace kpatrol::app {
namespace fs = std::filesystem;

std::string toolVersion() { return KPATROL_VERSION; }

fs::path defaultDbPath() {
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg != nullptr && *xdg == '/') {
    return fs::path(xdg) / "kpatrol" / "kpatrol.db";
  }
  if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
    return fs::path(home) / ".local" / "share" / "kpatrol" / "kpatrol.db";
  }
  return fs::path("kpatrol.db");
}

fs::path dbPath(const GlobalOptions& global) {
  return global.db.empty() ? defaultDbPath() : fs::path(global.db);
}

int& exitCode() {
  static int code = kExitOk;
  return code;
}

int fail(const std::string& message) {
  std::cerr << "kpatrol: error: " << message << "\n";
  return kExitError;
}

int fail(const Error& error) { return fail(error.message); }

std::atomic<bool>& cancelFlag() {
  static std::atomic<bool> flag{false};
  return flag;
}

namespace {
void onSignal(int sig) {
  cancelFlag().store(true);
  // A second Ctrl-C ends the process at once (the database stays valid: WAL + transactions).
  std::signal(sig, SIG_DFL);
}
}  // namespace

void installSignalHandlers() {
  static_assert(std::atomic<bool>::is_always_lock_free);
  std::signal(SIGINT, onSignal);
  std::signal(SIGTERM, onSignal);
}

}  // namespace kpatrol::app
