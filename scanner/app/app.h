// SPDX-License-Identifier: Apache-2.0
// The kpatrol command line: one file per command, sharing the global options.
#pragma once

#include <atomic>
#include <filesystem>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "kpatrol/core/result.h"

namespace kpatrol::app {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFindings = 1;  // reserved for --fail-on
inline constexpr int kExitError = 2;
inline constexpr int kExitInterrupted = 130;

struct GlobalOptions {
  std::string log_level = "warn";
  std::string log_format = "text";
  std::string db;  // empty: $XDG_DATA_HOME/kpatrol/kpatrol.db
  std::string lang = "en";
  unsigned jobs = 0;
  std::vector<std::string> formats;
  std::string out = "kpatrol-reports";
};

/// The default database: $XDG_DATA_HOME/kpatrol/kpatrol.db, else ~/.local/share/kpatrol/kpatrol.db.
std::filesystem::path defaultDbPath();
std::filesystem::path dbPath(const GlobalOptions& global);

/// Prints "kpatrol: error: <message>" to stderr and returns kExitError.
int fail(const std::string& message);
int fail(const Error& error);

/// Set by SIGINT/SIGTERM during a scan; the evaluator stops between units.
std::atomic<bool>& cancelFlag();
void installSignalHandlers();

std::string toolVersion();

/// The process exit code, set by the command that ran.
int& exitCode();

void addScanCommand(CLI::App& app, GlobalOptions& global);
void addRulesCommands(CLI::App& app, GlobalOptions& global);
void addBundleCommands(CLI::App& app, GlobalOptions& global);

}  // namespace kpatrol::app
