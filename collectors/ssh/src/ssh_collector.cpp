// SPDX-License-Identifier: Apache-2.0
#include "kpatrol/collect/ssh_collector.h"

namespace kpatrol::collect {

Result<NodeCollection> collectSsh(const SshCollectOptions& /*options*/,
                                  const model::Json* /*cluster_nodes*/) {
  return makeError(Errc::kUnsupported, "collection over SSH is not built yet");
}

}  // namespace kpatrol::collect
