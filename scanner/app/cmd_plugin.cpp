// SPDX-License-Identifier: Apache-2.0
// kpatrol plugin seal|add|list|remove|verify: rule packs installed into the data directory,
// sealed by SHA256SUMS, loaded by every scan.
#include <algorithm>
#include <iostream>

#include <spdlog/spdlog.h>

#include "app.h"
#include "kpatrol/core/fs.h"
#include "kpatrol/engine/probe_parser.h"
#include "kpatrol/engine/rule.h"

namespace kpatrol::app {
namespace fs = std::filesystem;

namespace {

// The node probes a pack declares, as plugin list/verify/add show them: what an installed pack
// will run on every node.
model::Json probesJson(const engine::PackSource& pack) {
  model::Json out = model::Json::array();
  for (const auto& p : pack.probes) {
    out.push_back({{"name", p.name},
                   {"command", p.command},
                   {"parser", p.parser},
                   {"timeout_seconds", p.timeout_seconds},
                   {"max_output_bytes", p.max_output_bytes},
                   {"fact", "plugins." + pack.name + "." + p.name}});
  }
  return out;
}

void printProbes(const engine::PackSource& pack, const char* indent) {
  for (const auto& p : pack.probes) {
    std::cout << indent << "node probe " << p.name << " (facts.plugins." << pack.name << "."
              << p.name << ", " << p.timeout_seconds << " s, " << p.max_output_bytes
              << " bytes): " << p.command << "\n";
  }
}

// The packs of `path`, each sealed, for this kpatrol and the current rule api.
Result<std::vector<engine::PackSource>> readSealed(const fs::path& path) {
  auto packs = engine::readPacks(path);
  if (!packs) return std::move(packs).error();
  for (const auto& p : *packs) {
    if (auto s = engine::verifyPackChecksums(p); !s) return std::move(s).error();
    if (auto s = engine::checkKpatrolRange(p, toolVersion()); !s) return std::move(s).error();
  }
  return packs;
}

// Loads `pack` next to the built-in packs and the other installed plugins: its rules must load
// and its name (hence its rule ids, "<pack>/...") must not be taken.
Status checkInstallable(const engine::PackSource& pack, bool upgrade) {
  auto builtin = engine::builtinPacks();
  if (!builtin) return std::move(builtin).error();
  for (const auto& b : *builtin) {
    if (b.name == pack.name) {
      return makeError(Errc::kInvalidArgument,
                       pack.origin + ": pack name '" + pack.name +
                           "' is a built-in pack; its rule ids would clash. Rename the pack "
                           "(its rules' ids start with the pack name)");
    }
  }
  if (!upgrade && fs::exists(pluginDir() / pack.name)) {
    return makeError(Errc::kInvalidArgument,
                     "plugin '" + pack.name + "' is already installed (" +
                         (pluginDir() / pack.name).string() +
                         "); use `kpatrol plugin add --upgrade` to replace it");
  }
  auto rules = engine::loadRules({pack});
  std::string errors;
  for (const auto& m : rules.messages) {
    if (m.error) errors += "\n  " + m.format();
  }
  if (!errors.empty()) {
    return makeError(Errc::kRuleError, pack.origin + ": the pack's rules do not load:" + errors);
  }
  return okStatus();
}

Status install(const engine::PackSource& pack) {
  const fs::path dest = pluginDir() / pack.name;
  const fs::path staging = pluginDir() / ("." + pack.name + ".installing");
  std::error_code ec;
  fs::remove_all(staging, ec);
  for (const auto& [rel, text] : pack.files) {
    if (auto s = writeFileAtomic(staging / rel, text); !s) return s;
  }
  fs::permissions(pluginDir(), fs::perms::owner_all, ec);
  fs::remove_all(dest, ec);
  fs::rename(staging, dest, ec);
  if (ec) return makeError(Errc::kIo, "installing " + dest.string() + ": " + ec.message());
  return okStatus();
}

int runAdd(const std::string& path, bool upgrade) {
  auto packs = readSealed(path);
  if (!packs) return fail(packs.error().withContext("plugin add refused"));
  for (const auto& p : *packs) {
    if (auto s = checkInstallable(p, upgrade); !s)
      return fail(s.error().withContext("plugin add refused"));
  }
  for (const auto& p : *packs) {
    if (auto s = install(p); !s) return fail(s.error());
    std::cout << "installed " << p.name << " " << p.version << " into "
              << (pluginDir() / p.name).string() << "\n";
    if (!p.probes.empty()) {
      std::cout << "  every node collection (scan with SSH, collect node) now runs these "
                   "commands on each node:\n";
      printProbes(p, "  ");
    }
  }
  return kExitOk;
}

int runList(const GlobalOptions& global) {
  std::vector<engine::LoadMessage> refused;
  auto packs = installedPlugins(refused);
  model::Json out = model::Json::array();
  for (const auto& p : packs) {
    auto rules = engine::loadRules({p});
    out.push_back({{"name", p.name},
                   {"version", p.version},
                   {"api", p.api},
                   {"rules", rules.rules.size()},
                   {"probes", probesJson(p)},
                   {"path", (pluginDir() / p.name).string()},
                   {"status", "ok"}});
  }
  for (const auto& m : refused) {
    out.push_back({{"name", m.rule_id.substr(m.rule_id.find('/') + 1)},
                   {"path", m.file},
                   {"status", "refused"},
                   {"reason", m.message}});
  }
  if (std::find(global.formats.begin(), global.formats.end(), "json") != global.formats.end()) {
    std::cout << out.dump(2) << "\n";
    return kExitOk;
  }
  if (out.empty()) {
    std::cout << "no plugins installed in " << pluginDir().string()
              << " (add one with `kpatrol plugin add DIR|PACK.tar.gz`)\n";
  }
  for (const auto& p : out) {
    if (p["status"] == "ok") {
      std::cout << p["name"].get<std::string>() << " " << p["version"].get<std::string>() << "  "
                << p["rules"].get<std::size_t>() << " rules  " << p["probes"].size()
                << " node probes  " << p["path"].get<std::string>() << "\n";
      for (const auto& probe : p["probes"]) {
        std::cout << "  node probe " << probe["name"].get<std::string>() << ": "
                  << probe["command"].get<std::string>() << "\n";
      }
    } else {
      std::cout << p["name"].get<std::string>() << "  REFUSED: " << p["reason"].get<std::string>()
                << "\n";
    }
  }
  return refused.empty() ? kExitOk : kExitError;
}

int runParse(const std::vector<std::string>& args) {
  auto packs = engine::readPacks(args[0]);
  if (!packs) return fail(packs.error());
  if (packs->size() != 1) return fail(args[0] + ": parse takes one pack directory");
  const auto& pack = packs->front();
  const auto probe = std::find_if(pack.probes.begin(), pack.probes.end(),
                                  [&](const engine::PackProbe& p) { return p.name == args[1]; });
  if (probe == pack.probes.end()) {
    std::string names;
    for (const auto& p : pack.probes) names += (names.empty() ? "" : ", ") + p.name;
    return fail(pack.origin + ": pack '" + pack.name + "' declares no probe '" + args[1] +
                "' (its probes: " + (names.empty() ? "none" : names) + ")");
  }
  auto output = readFile(args[2], probe->max_output_bytes + 1);
  if (!output) return fail(output.error());
  if (output->size() > probe->max_output_bytes) {
    return fail(args[2] + ": larger than the probe's max_output (" +
                std::to_string(probe->max_output_bytes) + " bytes)");
  }
  engine::RuleSet set;
  set.packs = *packs;
  if (auto builtin = engine::builtinPacks()) {
    for (auto& b : *builtin) {
      if (b.name == "_builtin") set.packs.push_back(std::move(b));
    }
  }
  auto runner = engine::ProbeParserRunner::create(set);
  if (!runner) return fail(runner.error());
  auto facts = (*runner)->parse(set.packs.front(), *probe, *output);
  if (!facts) return fail(facts.error());
  std::cout << facts->dump(2) << "\n";
  return kExitOk;
}

}  // namespace

fs::path pluginDir() {
  if (const char* dir = std::getenv("KPATROL_PLUGIN_DIR"); dir != nullptr && *dir != '\0') {
    return fs::path(dir);
  }
  return defaultDbPath().parent_path() / "plugins";
}

std::vector<engine::PackSource> installedPlugins(std::vector<engine::LoadMessage>& refused) {
  std::vector<engine::PackSource> out;
  std::error_code ec;
  if (!fs::is_directory(pluginDir(), ec)) return out;
  std::vector<fs::path> dirs;
  for (const auto& e : fs::directory_iterator(pluginDir(), ec)) {
    const std::string name = e.path().filename().string();
    if (e.is_directory() && !name.starts_with(".")) dirs.push_back(e.path());
  }
  std::sort(dirs.begin(), dirs.end());
  for (const auto& dir : dirs) {
    auto packs = readSealed(dir);
    if (!packs) {
      refused.push_back(engine::LoadMessage{dir.string(), 0,
                                            "plugin refused: " + packs.error().message, true,
                                            "plugin/" + dir.filename().string()});
      continue;
    }
    for (auto& p : *packs) out.push_back(std::move(p));
  }
  return out;
}

void addPluginCommands(CLI::App& app, GlobalOptions& global) {
  auto* plugin = app.add_subcommand(
      "plugin",
      "Install rule packs without rebuilding kpatrol. A plugin pack is a rule pack (pack.yaml,\n"
      "rules, tests, lib/, profiles/, and node probes: fixed commands with Lua parsers) sealed\n"
      "with SHA256SUMS; installed packs live in $KPATROL_PLUGIN_DIR, else\n"
      "$XDG_DATA_HOME/kpatrol/plugins; every scan loads their rules and every node collection\n"
      "runs their probes (plugins/README.md).\n"
      "  kpatrol rules test ./my-pack        test it first\n"
      "  kpatrol plugin seal ./my-pack       write SHA256SUMS (the author, after every change)\n"
      "  kpatrol plugin add ./my-pack        verify and install (or a .tar.gz of it)\n"
      "  kpatrol plugin parse ./my-pack PROBE captured.txt   try a probe's parser\n"
      "  kpatrol plugin list | verify | remove NAME");
  plugin->require_subcommand(1);

  auto seal_dir = std::make_shared<std::string>();
  auto* seal =
      plugin->add_subcommand("seal", "write SHA256SUMS for every file of a pack directory");
  seal->add_option("DIR", *seal_dir, "the pack directory")->required();
  seal->callback([seal_dir] {
    auto packs = engine::readPacks(*seal_dir);
    if (!packs) {
      exitCode() = fail(packs.error());
      return;
    }
    if (packs->size() != 1 || !fs::is_directory(*seal_dir)) {
      exitCode() = fail(*seal_dir + ": seal takes one pack directory (with pack.yaml at its top)");
      return;
    }
    const fs::path out = fs::path(*seal_dir) / engine::kPackChecksumsFile;
    if (auto s = writeFileAtomic(out, engine::packChecksums(packs->front()), 0644); !s) {
      exitCode() = fail(s.error());
      return;
    }
    std::cout << "sealed " << packs->front().name << ": " << out.string() << " ("
              << packs->front().files.size() -
                     (packs->front().files.contains(engine::kPackChecksumsFile) ? 1 : 0)
              << " files)\n";
  });

  auto add_path = std::make_shared<std::string>();
  auto upgrade = std::make_shared<bool>(false);
  auto* add = plugin->add_subcommand(
      "add",
      "verify a sealed pack (checksums, rule api, kpatrol range, rules load, name free) "
      "and install it");
  add->add_option("PATH", *add_path, "a pack directory or .tar.gz")->required();
  add->add_flag("--upgrade", *upgrade, "replace an installed pack of the same name");
  add->callback([add_path, upgrade] { exitCode() = runAdd(*add_path, *upgrade); });

  plugin->add_subcommand("list", "installed plugin packs (--format json for machines)")
      ->callback([&global] { exitCode() = runList(global); });

  auto verify_names = std::make_shared<std::vector<std::string>>();
  auto* verify = plugin->add_subcommand(
      "verify",
      "re-check installed packs (or PATHs) against their SHA256SUMS; exit 2 if any "
      "was modified");
  verify->add_option("NAME_OR_PATH", *verify_names, "installed pack names or pack paths");
  verify->callback([verify_names] {
    std::vector<std::string> targets = *verify_names;
    if (targets.empty()) {
      std::error_code ec;
      for (const auto& e : fs::directory_iterator(pluginDir(), ec)) {
        if (e.is_directory() && !e.path().filename().string().starts_with("."))
          targets.push_back(e.path().filename().string());
      }
      std::sort(targets.begin(), targets.end());
    }
    int rc = kExitOk;
    for (const auto& t : targets) {
      const fs::path path = fs::exists(pluginDir() / t) ? pluginDir() / t : fs::path(t);
      auto packs = readSealed(path);
      if (packs) {
        std::cout << "ok       " << t << "\n";
        for (const auto& p : *packs) printProbes(p, "         ");
      } else {
        std::cout << "REFUSED  " << t << ": " << packs.error().message << "\n";
        rc = kExitError;
      }
    }
    exitCode() = rc;
  });

  auto parse_args = std::make_shared<std::vector<std::string>>();
  auto* parse = plugin->add_subcommand(
      "parse",
      "run a pack's node probe parser on a captured output and print the facts (JSON), as a\n"
      "scan would store them at facts.plugins.<pack>.<probe>; for writing and testing probes");
  parse->add_option("ARGS", *parse_args, "PACK_DIR PROBE OUTPUT_FILE")->required()->expected(3);
  parse->callback([parse_args] { exitCode() = runParse(*parse_args); });

  auto remove_name = std::make_shared<std::string>();
  auto* remove = plugin->add_subcommand("remove", "uninstall an installed pack");
  remove->add_option("NAME", *remove_name, "the pack name")->required();
  remove->callback([remove_name] {
    const fs::path dir = pluginDir() / *remove_name;
    if (remove_name->find('/') != std::string::npos || remove_name->starts_with(".") ||
        !fs::is_directory(dir)) {
      exitCode() = fail("no installed plugin '" + *remove_name + "' in " + pluginDir().string());
      return;
    }
    std::error_code ec;
    fs::remove_all(dir, ec);
    if (ec) {
      exitCode() = fail("removing " + dir.string() + ": " + ec.message());
      return;
    }
    std::cout << "removed " << *remove_name << "\n";
  });
}

}  // namespace kpatrol::app
