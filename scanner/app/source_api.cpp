// SPDX-License-Identifier: Apache-2.0
// The Kubernetes API as a scan source, and `kpatrol collect api`.
#include "app.h"
#include "kpatrol/collect/api_collector.h"

namespace kpatrol::app {

struct ApiSourceOptions {
  collect::ApiCollectOptions collect;
};

std::shared_ptr<ApiSourceOptions> addApiSourceOptions(CLI::App* cmd) {
  auto opt = std::make_shared<ApiSourceOptions>();
  cmd->add_option("--kubeconfig", opt->collect.kubeconfig,
                  "kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)");
  cmd->add_option("--context", opt->collect.context, "kubeconfig context (default: current)");
  return opt;
}

bool apiSourceRequested(const ApiSourceOptions& options) {
  return !options.collect.kubeconfig.empty() || !options.collect.context.empty() ||
         options.collect.in_cluster;
}

Result<model::Json> collectApiDocument(const ApiSourceOptions& options,
                                       const GlobalOptions& /*global*/) {
  return collect::collectApi(options.collect);
}

void addCollectApiCommand(CLI::App& collect, GlobalOptions& /*global*/) {
  auto* cmd = collect.add_subcommand("api",
                                     "Collect the cluster over the Kubernetes API into a "
                                     "snapshot bundle.");
  auto opt = addApiSourceOptions(cmd);
  auto out = std::make_shared<std::string>("cluster.tar.gz");
  cmd->add_option("--out", *out, "bundle to write")->capture_default_str();
  cmd->callback([opt, out] {
    auto doc = collect::collectApi(opt->collect);
    if (!doc) {
      exitCode() = fail(doc.error());
      return;
    }
    if (auto s = saveSnapshotBundle(std::move(*doc), *out, "api"); !s) {
      exitCode() = fail(s.error());
    }
  });
}

}  // namespace kpatrol::app
