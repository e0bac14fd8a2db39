// SPDX-License-Identifier: Apache-2.0
// One page of a Kubernetes API list response (JSON from the API server). Thin on purpose: the
// snapshot representation changes underneath; only the call below should need adapting.
#include <array>

#include "../fuzz_target.h"
#include "list_page.h"

KPATROL_FUZZ_TARGET(list_page) {
  // The first byte picks the resource (per-kind reductions: Warning events, CRD schemas).
  static constexpr std::array<const char*, 5> kPlurals = {
      "pods", "events", "customresourcedefinitions", "nodes", "secrets"};
  const std::string plural = size > 0 ? kPlurals[data[0] % kPlurals.size()] : "pods";
  const auto body = kpatrol::fuzz::asText(data, size).substr(size > 0 ? 1 : 0);
  kpatrol::model::Json items = kpatrol::model::Json::array();
  auto page =
      kpatrol::collect::api::parseListPage(body, "https://fuzz/api/v1/" + plural, plural, items);
  if (!page) (void)kpatrol::collect::api::bodyExcerpt(body);
  return 0;
}
