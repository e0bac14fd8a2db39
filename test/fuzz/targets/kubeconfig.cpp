// SPDX-License-Identifier: Apache-2.0
// kubeconfig files (--kubeconfig, $KUBECONFIG): YAML from the user's disk.
#include "kubeconfig.h"
#include "../fuzz_target.h"

KPATROL_FUZZ_TARGET(kubeconfig) {
  const std::string text(kpatrol::fuzz::asText(data, size));
  auto parsed = kpatrol::collect::api::parseKubeconfig(text, "fuzz/config");
  if (parsed) {
    // The merge reads the parsed entries (names, current-context); resolveContext is left out
    // because it reads the files the input names.
    auto merged = kpatrol::collect::api::mergeKubeconfigs({*parsed, *parsed});
    (void)merged;
  } else {
    (void)parsed.error();
  }
  (void)kpatrol::collect::api::splitKubeconfigEnv(text);
  return 0;
}
