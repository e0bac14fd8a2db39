// SPDX-License-Identifier: Apache-2.0
#include "kpatrol/collect/api_collector.h"

namespace kpatrol::collect {

Result<model::Json> collectApi(const ApiCollectOptions& /*options*/) {
  return makeError(Errc::kUnsupported, "collection over the Kubernetes API is not built yet");
}

}  // namespace kpatrol::collect
