// SPDX-License-Identifier: Apache-2.0
// fuzz_replay <target> <file-or-directory>...: runs every file (directories recursively, in
// sorted order) through one registered fuzz target, so the seed corpora and every crash ever
// found are replayed by the normal (GCC) test suite. A crash, sanitizer report or uncaught
// exception fails the test; the last file started is printed first so it is named.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "fuzz_target.h"

namespace fs = std::filesystem;

namespace kpatrol::fuzz {
namespace {
std::map<std::string, TargetFn>& targets() {
  static std::map<std::string, TargetFn> all;
  return all;
}
}  // namespace

bool registerTarget(const char* name, TargetFn fn) {
  targets()[name] = fn;
  return true;
}
}  // namespace kpatrol::fuzz

int main(int argc, char** argv) {
  using kpatrol::fuzz::targets;
  if (argc < 3) {
    std::fprintf(stderr, "usage: fuzz_replay <target> <file-or-directory>...\ntargets:");
    for (const auto& [name, fn] : targets()) std::fprintf(stderr, " %s", name.c_str());
    std::fprintf(stderr, "\n");
    return 2;
  }
  const auto it = targets().find(argv[1]);
  if (it == targets().end()) {
    std::fprintf(stderr, "fuzz_replay: unknown target %s\n", argv[1]);
    return 2;
  }
  std::vector<fs::path> files;
  for (int i = 2; i < argc; ++i) {
    const fs::path arg = argv[i];
    std::error_code ec;
    if (fs::is_directory(arg, ec)) {
      for (const auto& e : fs::recursive_directory_iterator(arg)) {
        if (e.is_regular_file() && e.path().filename() != "README.md") files.push_back(e.path());
      }
    } else if (fs::is_regular_file(arg, ec)) {
      files.push_back(arg);
    } else {
      std::fprintf(stderr, "fuzz_replay: %s: no such file or directory\n", arg.c_str());
      return 2;
    }
  }
  std::sort(files.begin(), files.end());
  if (files.empty()) {
    std::fprintf(stderr, "fuzz_replay: no input files for %s\n", argv[1]);
    return 2;
  }
  for (const auto& file : files) {
    std::fprintf(stderr, "replay %s %s\n", argv[1], file.c_str());
    std::ifstream in(file, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in.good() && !in.eof()) {
      std::fprintf(stderr, "fuzz_replay: cannot read %s\n", file.c_str());
      return 2;
    }
    it->second(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
  }
  std::printf("fuzz_replay %s: %zu inputs, no crash\n", argv[1], files.size());
  return 0;
}
