// SPDX-License-Identifier: Apache-2.0
// Rule files of a plugin pack: Lua text compiled and validated by the loader inside the
// sandbox, with small memory and time limits (as a hostile pack would meet them).
#include "kpatrol/engine/rule.h"
#include "../fuzz_target.h"

KPATROL_FUZZ_TARGET(rule) {
  kpatrol::engine::PackSource pack;
  pack.name = "fuzz";
  pack.version = "0.0.1";
  pack.origin = "fuzz";
  pack.files["fuzz-rule.lua"] = std::string(kpatrol::fuzz::asText(data, size));
  kpatrol::engine::LoadOptions options;
  options.memory_bytes = std::size_t{8} << 20;
  options.load_timeout_ms = 200;
  auto set = kpatrol::engine::loadRules({std::move(pack)}, options);
  for (const auto& m : set.messages) (void)m.format();
  return 0;
}
