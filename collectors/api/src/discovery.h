// SPDX-License-Identifier: Apache-2.0
// Which kinds kpatrol lists, and which of them the server serves (/api, /apis). Pure.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "kpatrol/core/result.h"

namespace kpatrol::collect::api {

/// One kind kpatrol collects: its group ("" = core), plural, the versions it knows (newest
/// first) and whether it is namespaced. Secrets are deliberately not in the table.
struct KindSpec {
  std::string_view group;
  std::string_view plural;
  std::vector<std::string_view> versions;
  bool namespaced;
};
const std::vector<KindSpec>& collectedKinds();

/// group -> served versions ("" is the core group, from /api).
using ServedGroups = std::map<std::string, std::vector<std::string>, std::less<>>;

/// Parses the bodies of GET /api (APIVersions) and GET /apis (APIGroupList).
Result<ServedGroups> parseDiscovery(std::string_view api_body, std::string_view apis_body);

/// One list request.
struct ListTarget {
  std::string plural;
  std::string group_version;  // "v1", "apps/v1"
  std::string path;           // /api/v1/pods, /apis/apps/v1/namespaces/ns/deployments
  std::string selector;       // query parameters added to every page (fieldSelector=...)
};

/// The lists to make: every kind of the table whose group serves one of its versions (the
/// newest wins); others are skipped, not errors. `ns` scopes namespaced kinds. ConfigMaps are
/// listed in kube-system only; events are Warning events only.
std::vector<ListTarget> planTargets(const ServedGroups& served, const std::string& ns);

/// The resource plurals an APIResourceList (GET /api/v1, /apis/<group>/<version>) serves
/// (subresources such as pods/log left out); an error when the body is not such a list.
Result<std::vector<std::string>> parseResourceList(std::string_view body);

/// The discovery path of a group version: /api/v1 or /apis/<group>/<version>.
std::string groupVersionPath(const std::string& group_version);

}  // namespace kpatrol::collect::api
