// SPDX-License-Identifier: Apache-2.0
// Reading members of untrusted JSON (API responses, node output, bundles, rule-pack test cases)
// without exceptions. nlohmann's value(key, default) throws type_error when the member exists
// with another type, and operator[] on a const object is undefined for an absent key: a hostile
// document must give an empty value (and then a clear error), never an abort.
#pragma once

#include <initializer_list>
#include <string>

namespace kpatrol::model {

/// The member at `path` below `root`, or nullptr when a step is absent or not an object.
/// Works for nlohmann::json and nlohmann::ordered_json.
template <class J>
const J* memberAt(const J& root, std::initializer_list<const char*> path) {
  const J* at = &root;
  for (const char* key : path) {
    if (!at->is_object()) return nullptr;
    auto it = at->find(key);
    if (it == at->end()) return nullptr;
    at = &*it;
  }
  return at;
}

/// The string at `path` below `root`, or `fallback` when it is absent or not a string.
template <class J>
std::string stringAt(const J& root, std::initializer_list<const char*> path,
                     std::string fallback = {}) {
  const J* at = memberAt(root, path);
  return at != nullptr && at->is_string() ? at->template get<std::string>() : std::move(fallback);
}

}  // namespace kpatrol::model
