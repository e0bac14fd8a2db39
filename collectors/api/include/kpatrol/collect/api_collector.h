// SPDX-License-Identifier: Apache-2.0
// Live collection of the cluster side over the Kubernetes API.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "kpatrol/core/result.h"
#include "kpatrol/model/snapshot.h"

namespace kpatrol::collect {

struct ApiCollectOptions {
  std::string kubeconfig;   // --kubeconfig; empty: $KUBECONFIG (merged), else ~/.kube/config
  std::string context;      // --context; empty: current-context
  std::string namespace_;   // --namespace: namespaced kinds from this namespace only
  bool in_cluster = false;  // --in-cluster: service-account config (also detected automatically)
  std::chrono::seconds request_timeout{30};  // per request, and per exec-plugin run
  std::chrono::seconds total_timeout{600};
  unsigned parallel = 4;  // lists in flight at once
  /// Items per list page (`limit`), as kubectl's --chunk-size; 0 lists each kind in one response.
  unsigned page_size = 500;
  /// A single response (one page of a list) larger than this is refused: an error for its kind.
  std::size_t max_response_bytes = std::size_t{256} << 20;
  /// Read each node's kubelet configuration through /api/v1/nodes/<node>/proxy/configz.
  bool kubelet_configz = true;
  /// Called as each kind finishes: kind plural, items collected (or -1 on error).
  std::function<void(std::string_view plural, long items)> progress;
  /// Called once the number of kinds to list is known (before the first progress call).
  std::function<void(std::size_t total)> planned;
};

/// Collects the cluster into a snapshot draft: each list page is parsed straight into the
/// draft's compact store (its body dropped), each kind one array view in `objects`; the draft's
/// document holds {meta, nodes (kubelet configz), errors}. Errors that stop the whole collection
/// (no kubeconfig, unreachable server, 401) are returned; a kind that fails (403, timeout, a
/// page that is not JSON) becomes an entry in `errors`.
Result<model::SnapshotDraft> collectApi(const ApiCollectOptions& options);

}  // namespace kpatrol::collect
