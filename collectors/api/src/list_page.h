// SPDX-License-Identifier: Apache-2.0
// One page of a Kubernetes list response, reduced to what the snapshot keeps. Pure.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "kpatrol/core/result.h"
#include "kpatrol/model/snapshot.h"

namespace kpatrol::collect::api {

struct PageInfo {
  std::string continue_token;
  std::size_t items = 0;  // kept from this page
};

/// Parses a list page (as below) straight into `builder`'s store and appends views of its kept
/// items to `items`; the body can be dropped afterwards. Not thread-safe (one builder).
Result<PageInfo> parseListPage(std::string_view body, const std::string& url,
                               const std::string& plural, model::JsonBuilder& builder,
                               std::vector<model::JsonView>& items);

/// Parses a list page (`{"kind": "<X>List", "items": [...], "metadata": {"continue": ...}}`)
/// and appends its items to `items`: metadata.managedFields dropped while parsing, apiVersion
/// and kind filled in (as `kubectl get -o json` does), and the per-kind reductions applied
/// (Warning events only; CRDs without their schemas). Errors name `url`. A nlohmann copy of the
/// above (tests and the fuzz target).
Result<PageInfo> parseListPage(std::string_view body, const std::string& url,
                               const std::string& plural, model::Json& items);

/// The start of a body that is not what was expected, printable and short, for messages.
std::string bodyExcerpt(std::string_view body);

}  // namespace kpatrol::collect::api
