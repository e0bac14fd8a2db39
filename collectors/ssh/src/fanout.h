// SPDX-License-Identifier: Apache-2.0
// Bounded fan-out: runs work(i) for i in [0, count) on at most `concurrency` threads.
#pragma once

#include <cstddef>
#include <functional>

namespace kpatrol::collect::ssh {

/// work(i) must not throw (exceptions are caught and dropped as a last resort). progress(done,
/// total) is called under a lock after each item.
void runBounded(std::size_t count, unsigned concurrency,
                const std::function<void(std::size_t)>& work,
                const std::function<void(std::size_t, std::size_t)>& progress);

}  // namespace kpatrol::collect::ssh
