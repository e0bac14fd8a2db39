// SPDX-License-Identifier: Apache-2.0
// The whole output of the node probe script as it comes back over SSH: a hostile or broken
// node controls every byte of it.
#include "../fuzz_target.h"
#include "kpatrol/collect/node_probe.h"

KPATROL_FUZZ_TARGET(probe_output) {
  auto result =
      kpatrol::collect::parseProbeOutput(kpatrol::fuzz::asText(data, size), "node/fuzz", "ssh");
  (void)result.facts.dump();  // strict: the facts must be valid UTF-8 (they go to JSON files)
  return 0;
}
