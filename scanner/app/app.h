// SPDX-License-Identifier: Apache-2.0
// The kpatrol command line: one file per command, sharing the global options.
#pragma once

#include <atomic>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "kpatrol/core/result.h"
#include "kpatrol/engine/rule.h"
#include "kpatrol/model/snapshot.h"

namespace kpatrol::report {
struct ScanData;
}

namespace kpatrol::app {

// Exit codes (docs/cli.md): 0 success / a clean scan; 1 `scan --fail-on`: fail or warn findings
// at or above the threshold; 2 a usage or runtime error; 130 interrupted.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFindings = 1;
inline constexpr int kExitError = 2;
inline constexpr int kExitInterrupted = 130;

struct GlobalOptions {
  std::string log_level = "warn";
  std::string log_format = "text";
  std::string db;  // empty: $XDG_DATA_HOME/kpatrol/kpatrol.db
  std::string lang = "en";
  unsigned jobs = 0;
  std::vector<std::string> formats;
  std::string out = "kpatrol-reports";
  std::string color = "auto";  // auto | always | never
};

/// Whether output to `fd` gets ANSI colours: --color always / never; with auto, only when fd is
/// a terminal and NO_COLOR is unset or empty.
bool useColor(const GlobalOptions& global, int fd);

/// Renders a scan in every format of --format (default json) into --out as
/// kpatrol-scan-<id><suffix> (0600, atomic). Returns the paths written.
Result<std::vector<std::string>> writeReports(const report::ScanData& data,
                                              const GlobalOptions& global);

/// The default database: $XDG_DATA_HOME/kpatrol/kpatrol.db, else ~/.local/share/kpatrol/kpatrol.db.
std::filesystem::path defaultDbPath();
std::filesystem::path dbPath(const GlobalOptions& global);

/// Prints "kpatrol: error: <message>" to stderr and returns kExitError.
int fail(const std::string& message);
int fail(const Error& error);

/// Set by SIGINT/SIGTERM during a scan; the evaluator stops between units.
std::atomic<bool>& cancelFlag();
void installSignalHandlers();

std::string toolVersion();

/// The process exit code, set by the command that ran.
int& exitCode();

/// Fills meta.created_at (now, if the collector did not), meta.tool_version and meta.sources
/// of a collected snapshot document.
void stampSnapshotMeta(model::Json& doc, const std::string& source_type);
/// Builds a snapshot from a collected document (Snapshot::fromJson form), stamping the
/// collection time and tool version, and writes it as an evidence bundle (0600).
Status saveSnapshotBundle(model::Json&& doc, const std::filesystem::path& out,
                          const std::string& origin);
/// Same, from a draft (collect api): its objects are not copied, and the bundle is written member
/// by member.
Status saveSnapshotBundle(model::SnapshotDraft&& draft, const std::filesystem::path& out,
                          const std::string& origin);

// --- Live sources. Each is one file that adds its options to `scan` and to `collect`. ---

/// The Kubernetes API (source_api.cpp): --kubeconfig, --context, --namespace, --in-cluster, ...
struct ApiSourceOptions;
std::shared_ptr<ApiSourceOptions> addApiSourceOptions(CLI::App* cmd);
/// Whether an option that names the API as the source was given (--kubeconfig, --context,
/// --in-cluster). With no source at all, `scan` collects over the API too.
bool apiSourceRequested(const ApiSourceOptions& options);
/// Collects the cluster side: a snapshot draft (objects in its store; meta, nodes, errors).
Result<model::SnapshotDraft> collectApiDocument(const ApiSourceOptions& options,
                                                const GlobalOptions& global);
/// `kpatrol collect api`.
void addCollectApiCommand(CLI::App& collect, GlobalOptions& global);

/// Node hosts over SSH (source_nodes.cpp): --ssh-inventory, --ssh-user, --ssh-key, ...
struct NodeSourceOptions;
std::shared_ptr<NodeSourceOptions> addNodeSourceOptions(CLI::App* cmd);
bool nodeSourceRequested(const NodeSourceOptions& options);
/// Collects host facts for the nodes of doc.objects.nodes (or the inventory's) and adds them to
/// doc["nodes"]; what could not be collected goes to doc["errors"].
Status collectNodesInto(model::Json& doc, const NodeSourceOptions& options,
                        const GlobalOptions& global);
/// `kpatrol collect node` (over SSH, or --host-root).
void addCollectNodeCommand(CLI::App& collect, GlobalOptions& global);

/// Outputs for unattended runs (unattended.cpp): --metrics-file, --pushgateway, --summary.
struct UnattendedOptions {
  std::string metrics_file;
  std::string pushgateway;
  int push_timeout_s = 10;
  std::string summary = "table";  // table | json
};
std::shared_ptr<UnattendedOptions> addUnattendedOptions(CLI::App* cmd);
/// Writes the metrics file and pushes to the Pushgateway, as asked.
Status publishMetrics(const report::ScanData& data, const UnattendedOptions& options);
/// One compact JSON line: scan id, state, cluster, score, counts, reports, database, exit code.
std::string summaryJson(const report::ScanData& data, const std::vector<std::string>& reports,
                        const std::string& db, int exit_code);

/// Installed plugin packs (cmd_plugin.cpp): $KPATROL_PLUGIN_DIR, else <data dir>/plugins.
std::filesystem::path pluginDir();
/// The installed packs that verify (sealed, untouched, for this kpatrol); the others are
/// returned in `refused` with the reason, for the scan to report.
std::vector<engine::PackSource> installedPlugins(std::vector<engine::LoadMessage>& refused);
void addPluginCommands(CLI::App& app, GlobalOptions& global);

void addScanCommand(CLI::App& app, GlobalOptions& global);
/// `kpatrol precheck --to VERSION` (cmd_precheck.cpp): the upgrade pre-check verdict.
void addPrecheckCommand(CLI::App& app, GlobalOptions& global);
void addRulesCommands(CLI::App& app, GlobalOptions& global);
/// The built-in packs plus the packs at `paths` (a pack there replaces the built-in pack of the
/// same name); `names`, if given, receives the names of the packs from `paths`.
Result<engine::RuleSet> loadRulePacks(const std::vector<std::string>& paths,
                                      std::vector<std::string>* names);
/// `kpatrol rules profile` (cmd_rules_profile.cpp): where evaluation time goes, rule by rule.
void addRulesProfileCommand(CLI::App* rules, GlobalOptions& global);
void addBundleCommands(CLI::App& app, GlobalOptions& global);
/// history, diff, report, query and prune (cmd_history.cpp).
void addHistoryCommands(CLI::App& app, GlobalOptions& global);
/// `kpatrol diagnose node|pod|dns|network` (cmd_diagnose.cpp).
void addDiagnoseCommand(CLI::App& app, GlobalOptions& global);

}  // namespace kpatrol::app
