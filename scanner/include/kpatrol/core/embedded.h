// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <span>
#include <string_view>

namespace kpatrol {

/// A file compiled into the binary (see cmake/Embed.cmake).
struct EmbeddedFile {
  std::string_view path;  // relative to the embedded tree's root, '/'-separated
  std::string_view data;
};

/// The built-in rule packs (the rules/ tree).
std::span<const EmbeddedFile> builtinRuleFiles();
/// The demo cluster snapshot (fixtures/demo/).
std::span<const EmbeddedFile> demoSnapshotFiles();
/// The HTML report's template, styles and scripts (report/assets/).
std::span<const EmbeddedFile> reportAssetFiles();

}  // namespace kpatrol
