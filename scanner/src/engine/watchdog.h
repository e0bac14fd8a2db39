// SPDX-License-Identifier: Apache-2.0
// The time budget of Lua calls without a per-instruction hook. A count hook makes the VM trace
// every instruction (11-14 % of a rule's cost, test/bench/README.md). Instead one watchdog
// thread polls the calls in progress and, when one passes its deadline, signals the thread
// that runs it; the signal handler installs the hook there, which then raises the timeout.
// This is how lua.c stops a script on Ctrl-C: lua_sethook is safe to call from a signal handler
// of the thread that runs the state (ldebug.c: "This function can be called during a signal").
#pragma once

#include <pthread.h>

#include <atomic>
#include <chrono>
#include <cstdint>

#include <lua.hpp>

namespace kpatrol::engine {

/// One sandbox's call in progress, as the watchdog sees it.
struct WatchedCall {
  std::atomic<bool> active{false};
  std::atomic<std::int64_t> deadline_ns{0};  // steady_clock, since epoch
  std::atomic<bool> signalled{false};
  // Atomic: a sandbox runs on whichever evaluator thread takes it, so beginWatchedCall may set
  // this while the watchdog reads it for the previous call (TSan data race, watchdog.cpp:103).
  std::atomic<pthread_t> thread{};
  lua_State* L = nullptr;
  lua_Hook hook = nullptr;
};

/// Registers for the sandbox's lifetime. Thread-safe.
void watchCalls(WatchedCall* call);
void unwatchCalls(WatchedCall* call);

/// Marks the start and end of a call on the calling thread. While active, the watchdog signals
/// this thread once the deadline passes; the handler arms `hook` to fire on the next instruction.
void beginWatchedCall(WatchedCall& call, std::chrono::steady_clock::time_point deadline);
void endWatchedCall(WatchedCall& call);

}  // namespace kpatrol::engine
