// SPDX-License-Identifier: Apache-2.0
// The Kubernetes API as a scan source, and `kpatrol collect api`.
#include <unistd.h>

#include <iostream>

#include "app.h"
#include "kpatrol/collect/api_collector.h"
#include "node_jobs.h"

namespace kpatrol::app {

struct ApiSourceOptions {
  collect::ApiCollectOptions collect;
  int request_timeout_s = 30;
  int collect_timeout_s = 600;
  int max_response_mib = 256;
  bool no_configz = false;
  bool quiet = false;       // collect api -q
  CLI::App* cmd = nullptr;  // to see the command's --quiet, when it has one
};

namespace {

constexpr const char* kApiExamples =
    "Cluster access (kubectl's rules): --kubeconfig FILE, else $KUBECONFIG (several files\n"
    "separated by ':' are merged, the first file wins per entry), else ~/.kube/config; the\n"
    "current-context unless --context. Inside a pod, the service account is used when no\n"
    "kubeconfig exists (or with --in-cluster). Token, client certificate, tokenFile and exec\n"
    "credential plugins (ACK, EKS, GKE) are supported; Secrets are never read.\n";

bool quietRequested(const ApiSourceOptions& o) {
  if (o.quiet) return true;
  if (o.cmd == nullptr) return false;
  const CLI::Option* q = o.cmd->get_option_no_throw("--quiet");
  return q != nullptr && q->count() > 0;
}

collect::ApiCollectOptions effectiveOptions(const ApiSourceOptions& o, const GlobalOptions&) {
  collect::ApiCollectOptions c = o.collect;
  c.request_timeout = std::chrono::seconds(o.request_timeout_s);
  c.total_timeout = std::chrono::seconds(o.collect_timeout_s);
  c.max_response_bytes = static_cast<std::size_t>(o.max_response_mib) << 20;
  c.kubelet_configz = !o.no_configz;
  if (::isatty(STDERR_FILENO) != 0 && !quietRequested(o)) {
    auto total = std::make_shared<std::size_t>(0);
    auto done = std::make_shared<std::size_t>(0);
    c.planned = [total](std::size_t n) { *total = n; };
    c.progress = [total, done](std::string_view plural, long items) {
      ++*done;
      std::cerr << "\r\033[KCollecting: " << *done << "/" << *total << " kinds (" << plural
                << (items < 0 ? ": failed" : ": " + std::to_string(items)) << ")" << std::flush;
      if (*done == *total) std::cerr << "\r\033[K" << std::flush;
    };
  }
  return c;
}

}  // namespace

std::shared_ptr<ApiSourceOptions> addApiSourceOptions(CLI::App* cmd) {
  auto opt = std::make_shared<ApiSourceOptions>();
  opt->cmd = cmd;
  const std::string group = "Kubernetes API";
  cmd->add_option("--kubeconfig", opt->collect.kubeconfig,
                  "kubeconfig file (default: $KUBECONFIG, merged, else ~/.kube/config)")
      ->group(group);
  cmd->add_option("--context", opt->collect.context, "kubeconfig context (default: current)")
      ->group(group);
  cmd->add_option("--namespace", opt->collect.namespace_,
                  "collect namespaced kinds from this namespace only (cluster-scoped kinds and "
                  "kube-system ConfigMaps are still collected)")
      ->group(group);
  cmd->add_flag("--in-cluster", opt->collect.in_cluster,
                "use the pod's service account (KUBERNETES_SERVICE_HOST/PORT, token, CA); "
                "automatic when no kubeconfig exists and those are set")
      ->group(group);
  cmd->add_option("--request-timeout", opt->request_timeout_s,
                  "seconds for one API request (and for one run of an exec credential plugin)")
      ->check(CLI::Range(1, 3600))
      ->capture_default_str()
      ->group(group);
  cmd->add_option("--collect-timeout", opt->collect_timeout_s,
                  "seconds for the whole collection; kinds not listed by then are recorded as "
                  "collection errors")
      ->check(CLI::Range(1, 86400))
      ->capture_default_str()
      ->group(group);
  cmd->add_option("--api-parallel", opt->collect.parallel, "API lists in flight at once")
      ->check(CLI::Range(1u, 64u))
      ->capture_default_str()
      ->group(group);
  cmd->add_option("--chunk-size", opt->collect.page_size,
                  "items per API list page (limit/continue paging, as kubectl's --chunk-size); "
                  "0 lists each kind in one response")
      ->check(CLI::Range(0u, 100000u))
      ->capture_default_str()
      ->group(group);
  cmd->add_option("--max-response-mib", opt->max_response_mib,
                  "refuse a single API response (one page) larger than this; its kind becomes a "
                  "collection error")
      ->check(CLI::Range(1, 4096))
      ->capture_default_str()
      ->group(group);
  cmd->add_flag("--no-kubelet-configz", opt->no_configz,
                "do not read kubelet configurations through /api/v1/nodes/<node>/proxy/configz")
      ->group(group);
  return opt;
}

bool apiSourceRequested(const ApiSourceOptions& options) {
  return !options.collect.kubeconfig.empty() || !options.collect.context.empty() ||
         options.collect.in_cluster;
}

Result<model::SnapshotDraft> collectApiDocument(const ApiSourceOptions& options,
                                                const GlobalOptions& global) {
  return collect::collectApi(effectiveOptions(options, global));
}

Status collectNodeJobsInto(model::Json& doc, const NodeJobOptions& options,
                           const ApiSourceOptions& api) {
  const model::Json* nodes = nullptr;
  if (auto o = doc.find("objects"); o != doc.end() && o->is_object()) {
    if (auto n = o->find("nodes"); n != o->end()) nodes = &*n;
  }
  const ApiAccess access{api.collect.kubeconfig, api.collect.context, api.collect.in_cluster,
                         std::chrono::seconds(api.request_timeout_s)};
  auto got = collectNodeJobs(access, options, nodes);
  if (!got) return std::move(got).error();
  mergeNodeResults(doc, std::move(got->nodes), got->errors);
  return okStatus();
}

void addCollectApiCommand(CLI::App& collect, GlobalOptions& global) {
  auto* cmd = collect.add_subcommand(
      "api",
      std::string("Collect the cluster over the Kubernetes API into an evidence bundle, to scan\n"
                  "later or elsewhere (air-gapped review, audits). Examples:\n"
                  "  kpatrol collect api --out cluster.tar.gz\n"
                  "  kpatrol collect api --context prod --out prod.tar.gz && kpatrol scan "
                  "--bundle prod.tar.gz\n"
                  "  KUBECONFIG=a.yaml:b.yaml kpatrol collect api --context b --namespace shop\n"
                  "  kpatrol collect api --in-cluster --out /reports/cluster.tar.gz   # in a "
                  "pod\n") +
          kApiExamples);
  auto opt = addApiSourceOptions(cmd);
  auto out = std::make_shared<std::string>("cluster.tar.gz");
  cmd->add_option("--out", *out, "bundle to write (0600)")->capture_default_str();
  cmd->add_flag("-q,--quiet", opt->quiet, "print nothing but errors (no progress, no summary)");
  cmd->footer(
      "Forbidden kinds (403) and kinds that time out are recorded in the bundle's errors.json;\n"
      "the rules that need them report `error` with the reason. No kubeconfig, an unreachable\n"
      "server, a TLS failure or rejected credentials (401) stop the collection (exit 2).");
  cmd->callback([opt, out, &global] {
    auto doc = collectApiDocument(*opt, global);
    if (!doc) {
      exitCode() = fail(doc.error());
      return;
    }
    const std::size_t errors = doc->doc["errors"].size();
    const std::size_t objects = doc->objectCount();
    const std::size_t kinds = doc->kindCount();
    if (auto s = saveSnapshotBundle(std::move(*doc), *out, "api"); !s) {
      exitCode() = fail(s.error());
      return;
    }
    if (!quietRequested(*opt)) {
      std::cerr << "Wrote " << *out << ": " << objects << " objects of " << kinds << " kinds, "
                << errors << " collection error" << (errors == 1 ? "" : "s") << "\n";
    }
  });
}

}  // namespace kpatrol::app
