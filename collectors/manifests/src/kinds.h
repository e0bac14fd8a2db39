// SPDX-License-Identifier: Apache-2.0
// Kind -> resource plural for the kinds a snapshot knows (docs/snapshot.md), and the guess the
// Kubernetes RESTMapper makes for any other kind.
#pragma once

#include <string>

namespace kpatrol::collect::manifests {

struct KindInfo {
  std::string plural;
  bool known = false;       // in the table (else guessed)
  bool namespaced = false;  // only meaningful when known
};

KindInfo kindInfo(const std::string& kind);

/// "Foo" -> "foos", "Policy" -> "policies", "Ingress" -> "ingresses" (lower case).
std::string guessPlural(const std::string& kind);

}  // namespace kpatrol::collect::manifests
