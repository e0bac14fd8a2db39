// SPDX-License-Identifier: Apache-2.0
// Rule packs from the embedded tree, a directory, or a .tar.gz (through the bundle reader's
// safety checks). A pack is pack.yaml + rules + lib/ + tests/ (+ profiles/).
#include <algorithm>

#include <yaml-cpp/yaml.h>

#include "kpatrol/bundle/bundle.h"
#include "kpatrol/core/embedded.h"
#include "kpatrol/core/fs.h"
#include "kpatrol/engine/rule.h"

namespace kpatrol::engine {
namespace fs = std::filesystem;

namespace {

constexpr std::size_t kMaxPackFileBytes = 4 << 20;

bool validPackName(const std::string& name) {
  return !name.empty() && name.size() <= 64 && name[0] != '_' &&
         std::all_of(name.begin(), name.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
         });
}

std::string textOf(const YAML::Node& node, const char* lang) {
  if (!node) return {};
  if (node.IsScalar()) return node.as<std::string>();
  if (node.IsMap() && node[lang] && node[lang].IsScalar()) return node[lang].as<std::string>();
  return {};
}

bool validProbeName(const std::string& name) {
  return !name.empty() && name.size() <= 48 && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

constexpr std::size_t kMaxProbeCommandBytes = 4096;
constexpr int kMaxProbeTimeoutSeconds = 600;
constexpr std::size_t kMaxProbeOutputBytes = std::size_t{16} << 20;

// pack.yaml `probes:` (plugins/README.md "Node probes"). Every field is checked here, so a
// pack that `plugin add` accepted never gives the node collector a command it would refuse.
Status parseProbes(PackSource& pack, const YAML::Node& list, const std::string& where) {
  const std::string file = where + "/pack.yaml:";
  if (!list.IsSequence()) {
    return makeError(Errc::kParse, file + std::to_string(list.Mark().line + 1) +
                                       ": 'probes' must be a list of {name, command, parser}");
  }
  for (const auto& item : list) {
    const std::string at = file + std::to_string(item.Mark().line + 1) + ": probe";
    if (!item.IsMap()) return makeError(Errc::kParse, at + ": expected a mapping");
    PackProbe probe;
    probe.line = item.Mark().line + 1;
    for (const auto& kv : item) {
      const auto key = kv.first.as<std::string>();
      if (key != "name" && key != "command" && key != "parser" && key != "timeout" &&
          key != "max_output" && key != "description") {
        return makeError(Errc::kParse, at + ": unknown key '" + key +
                                           "' (name, command, parser, timeout, max_output, "
                                           "description)");
      }
    }
    for (const char* key : {"name", "command", "parser"}) {
      if (!item[key] || !item[key].IsScalar()) {
        return makeError(Errc::kParse, at + ": '" + key + "' is required");
      }
    }
    probe.name = item["name"].as<std::string>();
    probe.command = item["command"].as<std::string>();
    probe.parser = item["parser"].as<std::string>();
    const std::string named = at + " '" + probe.name + "'";
    if (!validProbeName(probe.name)) {
      return makeError(Errc::kInvalidArgument,
                       named + ": the name must be lower-case letters, digits or '_' (at most 48)");
    }
    for (const auto& other : pack.probes) {
      if (other.name == probe.name) {
        return makeError(Errc::kInvalidArgument, named + ": declared twice");
      }
    }
    if (probe.command.empty() || probe.command.size() > kMaxProbeCommandBytes ||
        probe.command.find_first_of(std::string_view("\n\r\0", 3)) != std::string::npos) {
      return makeError(Errc::kInvalidArgument, named + ": 'command' must be one line of at most " +
                                                   std::to_string(kMaxProbeCommandBytes) +
                                                   " bytes");
    }
    if (!probe.parser.starts_with("probes/") || !probe.parser.ends_with(".lua") ||
        !pack.files.contains(probe.parser)) {
      return makeError(Errc::kInvalidArgument,
                       named + ": 'parser' must name a .lua file of the pack under probes/ (" +
                           probe.parser + " is not one)");
    }
    if (item["timeout"]) {
      probe.timeout_seconds = item["timeout"].as<int>();
      if (probe.timeout_seconds < 1 || probe.timeout_seconds > kMaxProbeTimeoutSeconds) {
        return makeError(Errc::kInvalidArgument, named + ": 'timeout' must be 1.." +
                                                     std::to_string(kMaxProbeTimeoutSeconds) +
                                                     " seconds");
      }
    }
    if (item["max_output"]) {
      const auto bytes = item["max_output"].as<long long>();
      if (bytes < 1 || static_cast<std::size_t>(bytes) > kMaxProbeOutputBytes) {
        return makeError(
            Errc::kInvalidArgument,
            named + ": 'max_output' must be 1.." + std::to_string(kMaxProbeOutputBytes) + " bytes");
      }
      probe.max_output_bytes = static_cast<std::size_t>(bytes);
    }
    pack.probes.push_back(std::move(probe));
  }
  return okStatus();
}

// Fills name/version/api/description from pack.yaml; errors name the file and line.
Status parsePackYaml(PackSource& pack, const std::string& where) {
  auto it = pack.files.find("pack.yaml");
  if (it == pack.files.end()) {
    return makeError(Errc::kInvalidArgument, where + ": not a rule pack (pack.yaml is missing)");
  }
  try {
    const YAML::Node doc = YAML::Load(it->second);
    if (!doc.IsMap()) return makeError(Errc::kParse, where + "/pack.yaml: expected a mapping");
    if (!doc["name"] || !doc["name"].IsScalar()) {
      return makeError(Errc::kParse, where + "/pack.yaml: 'name' is required");
    }
    pack.name = doc["name"].as<std::string>();
    if (!validPackName(pack.name)) {
      return makeError(Errc::kInvalidArgument,
                       where + "/pack.yaml:" + std::to_string(doc["name"].Mark().line + 1) +
                           ": pack name '" + pack.name +
                           "' must be lower-case letters, digits, '-' or '_' (at most 64)");
    }
    pack.version = doc["version"] ? doc["version"].as<std::string>() : "0.0.0";
    pack.api = doc["api"] ? doc["api"].as<int>() : kRuleApiVersion;
    if (pack.api > kRuleApiVersion) {
      return makeError(Errc::kUnsupported, where + "/pack.yaml: pack '" + pack.name +
                                               "' needs rule api " + std::to_string(pack.api) +
                                               ", this kpatrol implements " +
                                               std::to_string(kRuleApiVersion));
    }
    if (doc["kpatrol"]) pack.kpatrol_range = doc["kpatrol"].as<std::string>();
    pack.description_en = textOf(doc["description"], "en");
    pack.description_zh = textOf(doc["description"], "zh");
    if (doc["probes"]) {
      if (auto s = parseProbes(pack, doc["probes"], where); !s) return s;
    }
  } catch (const YAML::Exception& e) {
    return makeError(Errc::kParse,
                     where + "/pack.yaml:" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  return okStatus();
}

Result<PackSource> packFromFiles(std::map<std::string, std::string> files,
                                 const std::string& origin, bool builtin) {
  PackSource pack;
  pack.origin = origin;
  pack.builtin = builtin;
  pack.files = std::move(files);
  if (auto s = parsePackYaml(pack, origin); !s) return std::move(s).error();
  return pack;
}

Result<std::map<std::string, std::string>> readTree(const fs::path& dir) {
  std::map<std::string, std::string> files;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_symlink()) {
      return makeError(Errc::kIntegrity,
                       it->path().string() + ": symbolic links are not allowed in a rule pack");
    }
    if (!it->is_regular_file()) continue;
    auto text = readFile(it->path(), kMaxPackFileBytes);
    if (!text) return std::move(text).error();
    files.emplace(fs::relative(it->path(), dir).generic_string(), std::move(*text));
  }
  if (ec) return makeError(Errc::kIo, dir.string() + ": " + ec.message());
  return files;
}

// Splits a file map by top-level directory.
std::map<std::string, std::map<std::string, std::string>> splitTop(
    const std::map<std::string, std::string>& files) {
  std::map<std::string, std::map<std::string, std::string>> out;
  for (const auto& [path, text] : files) {
    const auto slash = path.find('/');
    if (slash == std::string::npos) continue;
    out[path.substr(0, slash)].emplace(path.substr(slash + 1), text);
  }
  return out;
}

}  // namespace

Result<std::vector<PackSource>> builtinPacks() {
  std::map<std::string, std::string> files;
  for (const auto& f : builtinRuleFiles()) files.emplace(std::string(f.path), std::string(f.data));
  std::vector<PackSource> packs;
  PackSource shared;  // rules/lib and rules/profiles: shared by every pack
  shared.name = "_builtin";
  shared.origin = "builtin:rules";
  shared.builtin = true;
  for (auto& [top, sub] : splitTop(files)) {
    if (top == "lib" || top == "profiles") {
      for (auto& [p, t] : sub) shared.files.emplace(top + "/" + p, std::move(t));
      continue;
    }
    if (!sub.contains("pack.yaml")) continue;
    auto pack = packFromFiles(std::move(sub), "builtin:rules/" + top, true);
    if (!pack) return std::move(pack).error();
    packs.push_back(std::move(*pack));
  }
  packs.push_back(std::move(shared));
  return packs;
}

Result<std::vector<PackSource>> readPacks(const fs::path& path) {
  std::error_code ec;
  if (!fs::exists(path, ec))
    return makeError(Errc::kNotFound, path.string() + ": no such rule pack");
  std::map<std::string, std::string> files;
  std::string origin = path.string();
  if (fs::is_directory(path, ec)) {
    auto tree = readTree(path);
    if (!tree) return std::move(tree).error();
    files = std::move(*tree);
  } else {
    bundle::Limits limits;
    limits.max_member_bytes = kMaxPackFileBytes;
    limits.max_total_bytes = std::uint64_t{256} << 20;
    limits.max_members = 20000;
    auto archive = bundle::readArchive(path, limits);
    if (!archive) return std::move(archive).error().withContext("reading rule pack");
    files = std::move(*archive);
  }
  if (files.contains("pack.yaml")) {
    auto pack = packFromFiles(std::move(files), origin, false);
    if (!pack) return std::move(pack).error();
    return std::vector<PackSource>{std::move(*pack)};
  }
  // A directory (or archive) of packs: every top-level directory with a pack.yaml.
  std::vector<PackSource> packs;
  for (auto& [top, sub] : splitTop(files)) {
    if (!sub.contains("pack.yaml")) continue;
    auto pack = packFromFiles(std::move(sub), origin + "/" + top, false);
    if (!pack) return std::move(pack).error();
    packs.push_back(std::move(*pack));
  }
  if (packs.empty()) {
    return makeError(Errc::kInvalidArgument,
                     origin +
                         ": no rule pack found (expected pack.yaml at the top or in "
                         "its directories)");
  }
  return packs;
}

std::string LoadMessage::format() const {
  std::string out = file;
  if (line > 0) out += ":" + std::to_string(line);
  out += error ? ": error: " : ": warning: ";
  out += message;
  return out;
}

bool RuleSet::hasErrors() const {
  return std::any_of(messages.begin(), messages.end(),
                     [](const LoadMessage& m) { return m.error; });
}

const RuleMeta* RuleSet::find(std::string_view id) const {
  auto it = std::lower_bound(rules.begin(), rules.end(), id,
                             [](const RuleMeta& r, std::string_view v) { return r.id < v; });
  return it != rules.end() && it->id == id ? &*it : nullptr;
}

const std::string* RuleSet::librarySource(std::string_view pack, std::string_view name,
                                          std::string* display) const {
  const std::string file = "lib/" + std::string(name) + ".lua";
  for (const auto& p : packs) {
    if (p.name != pack) continue;
    if (auto it = p.files.find(file); it != p.files.end()) {
      if (display) *display = p.origin + "/" + file;
      return &it->second;
    }
  }
  for (const auto& p : packs) {
    if (p.name != "_builtin") continue;
    if (auto it = p.files.find(file); it != p.files.end()) {
      if (display) *display = p.origin + "/" + file;
      return &it->second;
    }
  }
  return nullptr;
}

std::string RuleSet::digest() const {
  std::string all;
  for (const auto& r : rules) all += r.id + "\n" + r.sha256 + "\n";
  return sha256Hex(all);
}

}  // namespace kpatrol::engine
