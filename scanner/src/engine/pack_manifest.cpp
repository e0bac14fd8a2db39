// SPDX-License-Identifier: Apache-2.0
// Sealed plugin packs: SHA256SUMS over every file, and the kpatrol version range.
#include <charconv>
#include <set>
#include <sstream>

#include "kpatrol/core/fs.h"
#include "kpatrol/engine/rule.h"

namespace kpatrol::engine {
namespace {

using Version = std::array<long, 3>;

std::optional<Version> parseVersion(std::string_view text) {
  if (!text.empty() && text.front() == 'v') text.remove_prefix(1);
  Version v{0, 0, 0};
  for (std::size_t i = 0; i < 3; ++i) {
    const char* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, v[i]);
    if (ec != std::errc() || v[i] < 0) return std::nullopt;
    text.remove_prefix(static_cast<std::size_t>(ptr - text.data()));
    if (text.empty()) return v;
    if (text.front() == '-' || text.front() == '+') return v;  // pre-release / build: ignored
    if (text.front() != '.' || i == 2) return std::nullopt;
    text.remove_prefix(1);
  }
  return v;
}

}  // namespace

std::string packChecksums(const PackSource& pack) {
  std::string out;
  for (const auto& [path, text] : pack.files) {  // std::map: sorted by path
    if (path == kPackChecksumsFile) continue;
    out += sha256Hex(text) + "  " + path + "\n";
  }
  return out;
}

Status verifyPackChecksums(const PackSource& pack) {
  const auto sums = pack.files.find(kPackChecksumsFile);
  if (sums == pack.files.end()) {
    return makeError(Errc::kIntegrity,
                     pack.origin + ": not sealed (no " + kPackChecksumsFile +
                         "); the author seals a pack with `kpatrol plugin seal DIR`");
  }
  std::set<std::string> listed;
  std::istringstream lines(sums->second);
  std::string line;
  int n = 0;
  while (std::getline(lines, line)) {
    ++n;
    if (line.empty()) continue;
    const std::string where = pack.origin + "/" + kPackChecksumsFile + ":" + std::to_string(n);
    if (line.size() < 67 || line.compare(64, 2, "  ") != 0) {
      return makeError(Errc::kParse, where + ": expected '<sha256>  <path>'");
    }
    const std::string digest = line.substr(0, 64);
    const std::string path = line.substr(66);
    if (!listed.insert(path).second) {
      return makeError(Errc::kIntegrity, where + ": " + path + " is listed twice");
    }
    const auto file = pack.files.find(path);
    if (file == pack.files.end()) {
      return makeError(Errc::kIntegrity, pack.origin + ": " + path + " is sealed in " +
                                             kPackChecksumsFile + " but missing");
    }
    if (sha256Hex(file->second) != digest) {
      return makeError(Errc::kIntegrity, pack.origin + ": " + path +
                                             " does not match its sha256 in " + kPackChecksumsFile +
                                             " (modified after sealing)");
    }
  }
  for (const auto& [path, text] : pack.files) {
    if (path != kPackChecksumsFile && !listed.contains(path)) {
      return makeError(Errc::kIntegrity, pack.origin + ": " + path + " is not in " +
                                             kPackChecksumsFile + " (added after sealing)");
    }
  }
  return okStatus();
}

Status checkKpatrolRange(const PackSource& pack, std::string_view kpatrol_version) {
  if (pack.kpatrol_range.empty()) return okStatus();
  const auto have = parseVersion(kpatrol_version);
  if (!have)
    return makeError(Errc::kInternal, "bad kpatrol version " + std::string(kpatrol_version));
  std::istringstream words(pack.kpatrol_range);
  std::string word;
  while (words >> word) {
    if (word.back() == ',') word.pop_back();
    std::size_t op_len = 0;
    while (op_len < word.size() &&
           std::string_view("<>=!").find(word[op_len]) != std::string_view::npos)
      ++op_len;
    const std::string op = word.substr(0, op_len);
    const auto want = parseVersion(std::string_view(word).substr(op_len));
    if (!want || (op != ">=" && op != ">" && op != "<=" && op != "<" && op != "=" && op != "==" &&
                  !op.empty())) {
      return makeError(Errc::kParse, pack.origin + "/pack.yaml: kpatrol: '" + pack.kpatrol_range +
                                         "' is not a version range (e.g. \">=0.1.0 <1.0.0\")");
    }
    const bool ok = op == ">="   ? *have >= *want
                    : op == ">"  ? *have > *want
                    : op == "<=" ? *have <= *want
                    : op == "<"  ? *have < *want
                                 : *have == *want;
    if (!ok) {
      return makeError(Errc::kUnsupported, pack.origin + ": pack '" + pack.name +
                                               "' needs kpatrol " + pack.kpatrol_range +
                                               "; this is kpatrol " + std::string(kpatrol_version));
    }
  }
  return okStatus();
}

}  // namespace kpatrol::engine
