// SPDX-License-Identifier: Apache-2.0
// One thread per slot, each taking the next node: a node's session is a blocking-style sequence
// of poll()s, so a thread per node in flight keeps the code linear, and the threads mostly sleep
// in poll() while the nodes work.
#include "fanout.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

#include <spdlog/spdlog.h>

namespace kpatrol::collect::ssh {

void runBounded(std::size_t count, unsigned concurrency,
                const std::function<void(std::size_t)>& work,
                const std::function<void(std::size_t, std::size_t)>& progress) {
  if (count == 0) return;
  const std::size_t threads = std::clamp<std::size_t>(concurrency, 1, count);
  std::atomic<std::size_t> next{0};
  std::mutex mu;
  std::size_t done = 0;
  auto worker = [&] {
    for (;;) {
      const std::size_t i = next.fetch_add(1);
      if (i >= count) return;
      try {
        work(i);
      } catch (const std::exception& e) {
        spdlog::error("ssh: unexpected exception: {}", e.what());
      }
      std::lock_guard lock(mu);
      ++done;
      if (progress) progress(done, count);
    }
  };
  std::vector<std::jthread> pool;
  pool.reserve(threads - 1);
  for (std::size_t t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
}

}  // namespace kpatrol::collect::ssh
