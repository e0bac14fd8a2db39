// SPDX-License-Identifier: Apache-2.0
// Evidence bundles (.tar.gz with manifest.json) handed in by users: `kpatrol scan --bundle`,
// `bundle inspect`. The reader takes a path, so each input is written to a private file.
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "../fuzz_target.h"
#include "kpatrol/bundle/bundle.h"

KPATROL_FUZZ_TARGET(bundle) {
  static const std::filesystem::path file =
      std::filesystem::temp_directory_path() /
      ("kpatrol-fuzz-bundle-" + std::to_string(getpid()) + ".tar.gz");
  {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  kpatrol::bundle::Limits limits;  // small, so a zip bomb costs milliseconds
  limits.max_member_bytes = 1 << 20;
  limits.max_total_bytes = 4 << 20;
  limits.max_members = 1000;
  (void)kpatrol::bundle::readBundle(file, limits);
  (void)kpatrol::bundle::inspectBundle(file, limits);
  std::error_code ec;
  std::filesystem::remove(file, ec);
  return 0;
}
