// SPDX-License-Identifier: Apache-2.0
// PEM/X.509 certificates read from nodes and kubeconfigs, and the base64 of *-data fields.
#include "../fuzz_target.h"
#include "kpatrol/collect/probe_parsers.h"

KPATROL_FUZZ_TARGET(pem) {
  const auto text = kpatrol::fuzz::asText(data, size);
  std::vector<std::string> errors;
  auto certs = kpatrol::collect::probe::parsePemCertificates(text, "fuzz.pem", &errors);
  for (const auto& c : certs) (void)c.dump();
  (void)kpatrol::collect::probe::decodeBase64(text);
  return 0;
}
