// SPDX-License-Identifier: Apache-2.0
// Evidence bundles and rule packs as .tar.gz (libarchive). Every archive is untrusted input:
// extraction refuses absolute paths, "..", links, device files and oversize members, and a
// corrupt or truncated archive is an error naming the member.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "kpatrol/core/result.h"

namespace kpatrol::bundle {

inline constexpr int kBundleSchemaVersion = 1;

struct Limits {
  // objects/pods.json of a 150,000-pod cluster is about 750 MB: room for twice that.
  std::uint64_t max_member_bytes = std::uint64_t{2} << 30;  // one file
  std::uint64_t max_total_bytes = std::uint64_t{8} << 30;   // whole archive, uncompressed
  std::size_t max_members = 200000;
};

struct MemberInfo {
  std::string path;
  std::uint64_t size = 0;
  std::string sha256;
};

struct BundleInfo {
  int schema_version = 0;
  std::string created_at;
  std::vector<MemberInfo> members;  // from manifest.json, sorted by path
};

/// Reads every regular file of an archive into memory (paths relative, '/'-separated), with the
/// safety checks above. Directories are skipped; any other entry type is an error.
Result<std::map<std::string, std::string>> readArchive(const std::filesystem::path& archive,
                                                       const Limits& limits = {});

/// Writes files (relative path -> bytes) as a .tar.gz, members sorted by path, mode 0600,
/// atomically (temp file + rename).
Status writeArchive(const std::filesystem::path& archive,
                    const std::map<std::string, std::string>& files);

/// Adds one member (relative path, bytes) to an archive being written.
using MemberSink = std::function<Status(const std::string& path, std::string_view data)>;
/// Calls the sink once per member, in the order they are to be written.
using ArchiveProducer = std::function<Status(const MemberSink& add)>;
/// Writes a .tar.gz member by member as `produce` hands them over (mode 0600): only one
/// member's bytes are held at a time. Written to a temporary file next to `archive`, renamed
/// into place only when complete; on any failure (disk full) the temporary file is removed.
Status writeArchiveStreaming(const std::filesystem::path& archive, const ArchiveProducer& produce);
/// Writes a bundle member by member: `members` hands over each member (a snapshot's files, e.g.
/// Snapshot::forEachFile); each member's sha256 and size are recorded as it passes, and
/// manifest.json is written last.
Status createBundleStreaming(const std::filesystem::path& out, const std::string& created_at,
                             const ArchiveProducer& members);
/// Packs a snapshot directory as a bundle: every file plus manifest.json (schema version,
/// created_at, sha256 and size of each member).
Status createBundle(const std::filesystem::path& snapshot_dir, const std::filesystem::path& out,
                    const std::string& created_at);
/// Same, from files already in memory.
Status createBundleFromFiles(const std::map<std::string, std::string>& files,
                             const std::filesystem::path& out, const std::string& created_at);

/// Reads a bundle and verifies it against its manifest: a missing, extra or altered member is an
/// error naming the member. Returns the verified members (manifest.json excluded).
Result<std::map<std::string, std::string>> readBundle(const std::filesystem::path& bundle,
                                                      const Limits& limits = {});
Result<BundleInfo> inspectBundle(const std::filesystem::path& bundle, const Limits& limits = {});
/// Verifies, then writes the members under dest (created; must be empty or absent).
Status extractBundle(const std::filesystem::path& bundle, const std::filesystem::path& dest,
                     const Limits& limits = {});

}  // namespace kpatrol::bundle
