// SPDX-License-Identifier: Apache-2.0
#include "kpatrol/collect/node_probe.h"

namespace kpatrol::collect {

std::string shellQuote(std::string_view arg) {
  std::string out = "'";
  for (char c : arg) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  out += "'";
  return out;
}

std::string probeScript(const ProbeOptions& /*options*/) { return "exit 1\n"; }

ProbeResult parseProbeOutput(std::string_view /*output*/, std::string_view subject,
                             std::string_view source) {
  ProbeResult r;
  r.errors.push_back(model::CollectionError{std::string(subject), "*", std::string(source),
                                            "node probes are not built yet"});
  return r;
}

Result<ProbeResult> collectHostRoot(const std::filesystem::path& /*root*/,
                                    const ProbeOptions& /*options*/,
                                    std::string_view /*node_name*/) {
  return makeError(Errc::kUnsupported, "host-root collection is not built yet");
}

}  // namespace kpatrol::collect
