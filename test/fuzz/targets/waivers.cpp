// SPDX-License-Identifier: Apache-2.0
// Waiver files (--waivers FILE): YAML from the user.
#include "../fuzz_target.h"
#include "kpatrol/engine/profile.h"

KPATROL_FUZZ_TARGET(waivers) {
  const std::string text(kpatrol::fuzz::asText(data, size));
  auto waivers = kpatrol::engine::parseWaivers(text, "fuzz/waivers.yaml");
  if (!waivers) (void)waivers.error();
  return 0;
}
