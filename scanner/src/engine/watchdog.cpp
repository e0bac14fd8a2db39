// SPDX-License-Identifier: Apache-2.0
#include "watchdog.h"

#include <condition_variable>
#include <csignal>
#include <mutex>
#include <thread>
#include <vector>

#include <spdlog/spdlog.h>

namespace kpatrol::engine {
namespace {

using Clock = std::chrono::steady_clock;

// The call the current thread is running, for the signal handler.
thread_local WatchedCall* tls_call = nullptr;

// SIGRTMIN is not a constant; the offset keeps clear of the ones glibc's threads use.
int watchdogSignal() { return SIGRTMIN + 3; }

extern "C" void onWatchdogSignal(int /*sig*/) {
  WatchedCall* call = tls_call;
  if (call != nullptr && call->active.load(std::memory_order_acquire)) {
    lua_sethook(call->L, call->hook, LUA_MASKCOUNT, 1);
  }
}

std::int64_t toNs(Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

class Watchdog {
 public:
  static Watchdog& instance() {
    static Watchdog dog;
    return dog;
  }

  void add(WatchedCall* call) {
    std::lock_guard lock(mutex_);
    calls_.push_back(call);
    if (!thread_.joinable()) thread_ = std::thread([this] { run(); });
  }

  void remove(WatchedCall* call) {
    std::lock_guard lock(mutex_);
    std::erase(calls_, call);
  }

  ~Watchdog() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;

 private:
  Watchdog() {
    struct sigaction sa {};
    sa.sa_handler = onWatchdogSignal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    if (sigaction(watchdogSignal(), &sa, nullptr) != 0) {
      spdlog::error("cannot install the rule time-budget signal handler");
    }
  }

  // Polls every 10 ms: budgets are whole milliseconds, 10 ms at the least (--rule-timeout).
  void run() {
    std::unique_lock lock(mutex_);
    while (!stop_) {
      wake_.wait_for(lock, std::chrono::milliseconds(10));
      const std::int64_t now = toNs(Clock::now());
      for (WatchedCall* call : calls_) {
        if (!call->active.load(std::memory_order_acquire)) continue;
        if (call->deadline_ns.load(std::memory_order_relaxed) > now) continue;
        if (call->signalled.exchange(true)) continue;
        pthread_kill(call->thread.load(std::memory_order_relaxed), watchdogSignal());
      }
    }
  }

  std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<WatchedCall*> calls_;
  std::thread thread_;
  bool stop_ = false;
};

}  // namespace

void watchCalls(WatchedCall* call) { Watchdog::instance().add(call); }
void unwatchCalls(WatchedCall* call) { Watchdog::instance().remove(call); }

void beginWatchedCall(WatchedCall& call, Clock::time_point deadline) {
  call.thread.store(pthread_self(), std::memory_order_relaxed);
  tls_call = &call;
  call.deadline_ns.store(toNs(deadline), std::memory_order_relaxed);
  call.signalled.store(false, std::memory_order_relaxed);
  call.active.store(true, std::memory_order_release);
}

void endWatchedCall(WatchedCall& call) {
  call.active.store(false, std::memory_order_release);
  tls_call = nullptr;
}

}  // namespace kpatrol::engine
