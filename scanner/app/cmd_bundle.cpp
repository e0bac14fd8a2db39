// SPDX-License-Identifier: Apache-2.0
// kpatrol bundle create|inspect|extract
#include <iostream>

#include "app.h"
#include "kpatrol/bundle/bundle.h"
#include "kpatrol/core/embedded.h"
#include "kpatrol/core/time.h"
#include "kpatrol/model/snapshot.h"

namespace kpatrol::app {
namespace {

struct BundleOptions {
  std::string source;
  bool demo = false;
  std::string output;
  std::string bundle;
  std::string dest;
};

int runCreate(const BundleOptions& opt) {
  if (opt.demo == !opt.source.empty()) {
    return fail("bundle create needs a snapshot directory or --demo (one of them)");
  }
  Status s = okStatus();
  if (opt.demo) {
    std::map<std::string, std::string> files;
    for (const auto& f : demoSnapshotFiles())
      files.emplace(std::string(f.path), std::string(f.data));
    s = bundle::createBundleFromFiles(files, opt.output, nowRfc3339());
  } else {
    // Check that it is a readable snapshot first: a bundle of garbage helps nobody.
    auto snap = model::Snapshot::loadDirectory(opt.source);
    if (!snap) return fail(snap.error());
    s = bundle::createBundle(opt.source, opt.output, nowRfc3339());
  }
  if (!s) return fail(s.error());
  std::cout << "wrote " << opt.output << "\n";
  return kExitOk;
}

int runInspect(const BundleOptions& opt) {
  auto info = bundle::inspectBundle(opt.bundle);
  if (!info) return fail(info.error());
  std::uint64_t total = 0;
  for (const auto& m : info->members) total += m.size;
  std::cout << opt.bundle << ": kpatrol bundle, schema " << info->schema_version << ", created "
            << info->created_at << ", " << info->members.size() << " members, " << total
            << " bytes, all checksums verified\n";
  for (const auto& m : info->members)
    std::cout << "  " << m.sha256.substr(0, 12) << "  " << m.size << "  " << m.path << "\n";
  return kExitOk;
}

int runExtract(const BundleOptions& opt) {
  if (auto s = bundle::extractBundle(opt.bundle, opt.dest); !s) return fail(s.error());
  std::cout << "extracted " << opt.bundle << " to " << opt.dest << "\n";
  return kExitOk;
}

}  // namespace

void stampSnapshotMeta(model::Json& doc, const std::string& source_type) {
  auto& meta = doc["meta"];
  if (!meta.is_object()) meta = model::Json::object();
  if (!meta.contains("created_at")) meta["created_at"] = nowRfc3339();
  meta["tool_version"] = toolVersion();
  if (!meta.contains("sources")) meta["sources"] = model::Json::array({{{"type", source_type}}});
}

Status saveSnapshotBundle(model::Json&& doc, const std::filesystem::path& out,
                          const std::string& origin) {
  return saveSnapshotBundle(model::SnapshotDraft(std::move(doc)), out, origin);
}

Status saveSnapshotBundle(model::SnapshotDraft&& draft, const std::filesystem::path& out,
                          const std::string& origin) {
  stampSnapshotMeta(draft.doc, origin);
  auto snap = model::Snapshot::fromDraft(std::move(draft), origin);
  if (!snap) return std::move(snap).error();
  // One member at a time: the text of the whole snapshot is never held at once.
  return bundle::createBundleStreaming(
      out, (*snap)->meta().created_at,
      [&](const bundle::MemberSink& add) { return (*snap)->forEachFile(add); });
}

void addBundleCommands(CLI::App& app, GlobalOptions& /*global*/) {
  auto opt = std::make_shared<BundleOptions>();
  auto* cmd = app.add_subcommand(
      "bundle", "Pack, verify and unpack evidence bundles (.tar.gz with checksums)");
  cmd->require_subcommand(1);
  auto* create =
      cmd->add_subcommand("create", "Pack a snapshot directory (or the demo) as a bundle");
  create->add_option("snapshot", opt->source, "snapshot directory");
  create->add_flag("--demo", opt->demo, "bundle the embedded demo cluster");
  create->add_option("-o,--output", opt->output, "bundle file to write (.tar.gz)")->required();
  create->callback([opt] { exitCode() = runCreate(*opt); });
  auto* inspect =
      cmd->add_subcommand("inspect", "Verify a bundle against its manifest and list it");
  inspect->add_option("bundle", opt->bundle, "bundle file")->required();
  inspect->callback([opt] { exitCode() = runInspect(*opt); });
  auto* extract =
      cmd->add_subcommand("extract", "Verify a bundle and unpack it into an empty directory");
  extract->add_option("bundle", opt->bundle, "bundle file")->required();
  extract->add_option("dest", opt->dest, "destination directory (absent or empty)")->required();
  extract->callback([opt] { exitCode() = runExtract(*opt); });
}

}  // namespace kpatrol::app
