// SPDX-License-Identifier: Apache-2.0
#include "kpatrol/collect/manifests.h"

namespace kpatrol::collect {

Result<model::Json> loadManifests(const std::vector<std::filesystem::path>& /*paths*/) {
  return makeError(Errc::kUnsupported, "reading manifests is not built yet");
}

}  // namespace kpatrol::collect
