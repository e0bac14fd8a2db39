// SPDX-License-Identifier: Apache-2.0
// Small filesystem helpers that return Results instead of throwing.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "kpatrol/core/result.h"

namespace kpatrol {

/// Reads a whole file; refuses files larger than max_bytes.
Result<std::string> readFile(const std::filesystem::path& path,
                             std::size_t max_bytes = std::size_t{256} << 20);

/// Writes atomically: a temp file in the same directory, fsync, then rename. Mode 0600 by
/// default because reports and databases describe a cluster's weaknesses.
Status writeFileAtomic(const std::filesystem::path& path, std::string_view data,
                       unsigned mode = 0600);

/// Lower-case hex SHA-256 of the bytes (OpenSSL EVP).
std::string sha256Hex(std::string_view data);

}  // namespace kpatrol
