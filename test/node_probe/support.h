// SPDX-License-Identifier: Apache-2.0
// Helpers of the node probe tests: fixture paths, scratch directories, running commands.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace kpatrol::test {

std::filesystem::path nodeFixtures();  // fixtures/nodes in the source tree
std::string readFile(const std::filesystem::path& p);
std::string captured(const std::string& os, const std::string& file);

/// A fresh directory removed (recursively) on destruction.
class ScratchDir {
 public:
  ScratchDir();
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

/// Copies roots/<name> to <dest> with its modes (fixtures/nodes/prepare-root.sh).
void prepareRoot(const std::string& name, const std::filesystem::path& dest);
/// Runs argv (no shell) and returns its stdout; exit status in *status.
std::string run(const std::vector<std::string>& argv, int* status);

}  // namespace kpatrol::test
