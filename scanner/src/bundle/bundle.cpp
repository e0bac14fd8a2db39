// SPDX-License-Identifier: Apache-2.0
// Evidence bundles: a snapshot directory packed as .tar.gz with a manifest.json that records the
// sha256 and size of every member. Reading a bundle verifies every member against the manifest.
#include "kpatrol/bundle/bundle.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <exception>
#include <new>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "kpatrol/core/fs.h"

namespace kpatrol::bundle {
namespace {

namespace fs = std::filesystem;
using Files = std::map<std::string, std::string>;

constexpr const char* kManifestName = "manifest.json";
constexpr const char* kBundleKind = "kpatrol.bundle";

/// Wraps a module entry point so that no exception (allocation failure, filesystem_error, JSON)
/// leaves the module.
template <typename Fn>
auto guarded(const std::string& where, Fn&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const std::bad_alloc&) {
    return makeError(Errc::kIo, where + ": out of memory");
  } catch (const fs::filesystem_error& e) {
    return makeError(Errc::kIo, where + ": " + e.what());
  } catch (const std::exception& e) {
    return makeError(Errc::kInternal, where + ": " + e.what());
  }
}

/// A member path as it may appear in an error message: manifest keys and archive paths come
/// from untrusted input and must not put control characters into logs and terminals.
std::string printable(std::string_view raw) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(raw.size());
  for (const char ch : raw) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7f) {
      out += "\\x";
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xf]);
    } else {
      out.push_back(ch);
    }
  }
  return out;
}

std::string buildManifest(const Files& files, const std::string& created_at) {
  nlohmann::ordered_json members = nlohmann::ordered_json::object();
  for (const auto& [path, data] : files) {  // sorted by path
    if (path == kManifestName) continue;
    nlohmann::ordered_json member = nlohmann::ordered_json::object();
    member["sha256"] = sha256Hex(data);
    member["size"] = data.size();
    members[path] = std::move(member);
  }
  nlohmann::ordered_json manifest = nlohmann::ordered_json::object();
  manifest["schema_version"] = kBundleSchemaVersion;
  manifest["kind"] = kBundleKind;
  manifest["created_at"] = created_at;
  manifest["members"] = std::move(members);
  return manifest.dump(2) + "\n";
}

Status createFromFiles(Files files, const fs::path& out, const std::string& created_at) {
  std::string manifest = buildManifest(files, created_at);
  files.insert_or_assign(kManifestName, std::move(manifest));
  return writeArchive(out, files);
}

bool isSha256Hex(const std::string& text) {
  if (text.size() != 64) return false;
  for (const char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

Result<BundleInfo> parseManifest(const std::string& where, const std::string& text) {
  const std::string at = where + ": " + kManifestName;
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    return makeError(Errc::kParse, at + ": malformed JSON: " + e.what());
  }
  if (!doc.is_object()) return makeError(Errc::kParse, at + ": not a JSON object");
  const auto kind = doc.find("kind");
  if (kind == doc.end() || !kind->is_string() || kind->get<std::string>() != kBundleKind) {
    return makeError(Errc::kParse, at + ": \"kind\" is not \"" + kBundleKind + "\"");
  }
  const auto version = doc.find("schema_version");
  if (version == doc.end() || !version->is_number_integer()) {
    return makeError(Errc::kParse, at + ": \"schema_version\" missing or not an integer");
  }
  const auto schema = version->get<std::int64_t>();
  if (schema < 1) {
    return makeError(Errc::kParse, at + ": invalid schema_version " + std::to_string(schema));
  }
  if (schema > kBundleSchemaVersion) {
    return makeError(Errc::kUnsupported, at + ": schema_version " + std::to_string(schema) +
                                             " is newer than this kpatrol supports (" +
                                             std::to_string(kBundleSchemaVersion) + ")");
  }
  BundleInfo info;
  info.schema_version = static_cast<int>(schema);
  const auto created = doc.find("created_at");
  if (created == doc.end() || !created->is_string()) {
    return makeError(Errc::kParse, at + ": \"created_at\" missing or not a string");
  }
  info.created_at = created->get<std::string>();
  const auto members = doc.find("members");
  if (members == doc.end() || !members->is_object()) {
    return makeError(Errc::kParse, at + ": \"members\" missing or not an object");
  }
  for (const auto& [path, entry] : members->items()) {  // nlohmann::json: sorted keys
    const std::string what = at + ": member " + printable(path);
    if (path == kManifestName) return makeError(Errc::kIntegrity, what + ": lists itself");
    if (!entry.is_object()) return makeError(Errc::kParse, what + ": not an object");
    const auto sha = entry.find("sha256");
    if (sha == entry.end() || !sha->is_string() || !isSha256Hex(sha->get<std::string>())) {
      return makeError(Errc::kParse, what + ": \"sha256\" is not a lower-case hex SHA-256");
    }
    const auto size = entry.find("size");
    if (size == entry.end() || !size->is_number_unsigned()) {
      return makeError(Errc::kParse, what + ": \"size\" is not a non-negative integer");
    }
    info.members.push_back(MemberInfo{path, size->get<std::uint64_t>(), sha->get<std::string>()});
  }
  return info;
}

struct VerifiedBundle {
  BundleInfo info;
  Files files;  // without manifest.json
};

Result<VerifiedBundle> readVerified(const fs::path& bundle, const Limits& limits) {
  const std::string where = bundle.string();
  auto read = readArchive(bundle, limits);
  if (!read) return std::move(read).error();
  Files files = std::move(read).value();
  const auto manifest_it = files.find(kManifestName);
  if (manifest_it == files.end()) {
    return makeError(Errc::kInvalidArgument,
                     where + ": not a kpatrol bundle: manifest.json missing");
  }
  auto info = parseManifest(where, manifest_it->second);
  if (!info) return std::move(info).error();
  files.erase(manifest_it);

  std::set<std::string> listed;
  for (const MemberInfo& member : info->members) {
    const std::string what = where + ": member " + printable(member.path);
    listed.insert(member.path);
    const auto it = files.find(member.path);
    if (it == files.end()) {
      return makeError(Errc::kIntegrity,
                       what + ": listed in manifest.json but missing from the archive");
    }
    if (it->second.size() != member.size) {
      return makeError(Errc::kIntegrity, what + ": size " + std::to_string(it->second.size()) +
                                             " bytes, manifest.json says " +
                                             std::to_string(member.size));
    }
    const std::string actual = sha256Hex(it->second);
    if (actual != member.sha256) {
      return makeError(
          Errc::kIntegrity,
          what + ": sha256 " + actual + " does not match manifest.json (" + member.sha256 + ")");
    }
  }
  for (const auto& [path, data] : files) {
    if (listed.count(path) == 0) {
      return makeError(Errc::kIntegrity,
                       where + ": member " + printable(path) + ": not listed in manifest.json");
    }
  }
  return VerifiedBundle{std::move(info).value(), std::move(files)};
}

// The files of a snapshot directory (relative paths, sorted), checked: regular files only, the
// bundle limits respected. Their bytes are read one at a time when written.
Result<std::vector<std::string>> collectSnapshotPaths(const fs::path& dir, const fs::path& out) {
  const std::string where = dir.string();
  std::error_code ec;
  const fs::file_status status = fs::symlink_status(dir, ec);
  if (ec || !fs::exists(status)) return makeError(Errc::kNotFound, where + ": no such directory");
  if (!fs::is_directory(status)) {
    return makeError(Errc::kInvalidArgument, where + ": not a directory");
  }
  const Limits limits;
  std::set<std::string> files;
  std::uint64_t total = 0;
  fs::recursive_directory_iterator it(dir, fs::directory_options::none, ec);
  if (ec) return makeError(Errc::kIo, where + ": cannot list: " + ec.message());
  for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) break;
    const fs::path& path = it->path();
    const std::string rel = path.lexically_relative(dir).generic_string();
    const fs::file_status entry_status = it->symlink_status(ec);
    if (ec) return makeError(Errc::kIo, path.string() + ": " + ec.message());
    if (fs::is_symlink(entry_status)) {
      return makeError(Errc::kInvalidArgument,
                       path.string() + ": symlink in snapshot directory refused");
    }
    if (fs::is_directory(entry_status)) continue;
    if (!fs::is_regular_file(entry_status)) {
      return makeError(Errc::kInvalidArgument,
                       path.string() + ": not a regular file, refused in a snapshot directory");
    }
    if (rel == kManifestName) continue;                           // replaced by a fresh manifest
    if (!out.empty() && fs::equivalent(path, out, ec)) continue;  // the bundle being replaced
    ec.clear();
    const std::uintmax_t size = fs::file_size(path, ec);
    if (ec) return makeError(Errc::kIo, path.string() + ": " + ec.message());
    if (size > limits.max_member_bytes) {
      return makeError(Errc::kInvalidArgument, path.string() + ": larger than " +
                                                   std::to_string(limits.max_member_bytes) +
                                                   " bytes, too large for a bundle member");
    }
    total += size;
    if (total > limits.max_total_bytes) {
      return makeError(Errc::kInvalidArgument, where + ": files total more than " +
                                                   std::to_string(limits.max_total_bytes) +
                                                   " bytes, too large for a bundle");
    }
    files.insert(rel);
    if (files.size() + 1 > limits.max_members) {  // + 1: manifest.json
      return makeError(Errc::kInvalidArgument, where + ": more than " +
                                                   std::to_string(limits.max_members - 1) +
                                                   " files, too many for a bundle");
    }
  }
  if (ec) return makeError(Errc::kIo, where + ": cannot list: " + ec.message());
  return std::vector<std::string>(files.begin(), files.end());
}

bool isEmptyDirectory(const fs::path& dir, std::error_code& ec) {
  fs::directory_iterator it(dir, ec);
  return !ec && it == fs::directory_iterator();
}

/// Creates the directories from root down to root/rel (root already exists), each 0700, and
/// refuses to pass through anything that is not a real directory.
Status makeParents(const fs::path& root, const fs::path& rel) {
  fs::path current = root;
  for (const fs::path& part : rel) {
    current /= part;
    if (::mkdir(current.c_str(), 0700) == 0) continue;
    if (errno != EEXIST) {
      return makeError(Errc::kIo,
                       current.string() + ": cannot create directory: " + std::strerror(errno));
    }
    struct stat st {};
    if (::lstat(current.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
      return makeError(Errc::kIntegrity, current.string() + ": exists and is not a directory");
    }
  }
  return okStatus();
}

Status extractVerified(const Files& files, const fs::path& root) {
  for (const auto& [path, data] : files) {
    const fs::path rel = fs::path(path).lexically_normal();
    const fs::path target = (root / rel).lexically_normal();
    const fs::path back = target.lexically_relative(root);
    if (rel.is_absolute() || back.empty() || *back.begin() == ".." || back != rel) {
      return makeError(Errc::kIntegrity, root.string() + ": member " + printable(path) +
                                             ": resolves outside the destination");
    }
    if (rel.has_parent_path()) {
      auto made = makeParents(root, rel.parent_path());
      if (!made) return made;
    }
    auto written = writeFileAtomic(target, data, 0600);
    if (!written) return std::move(written).error().withContext("member " + printable(path));
  }
  return okStatus();
}

Status extractImpl(const fs::path& bundle, const fs::path& dest, const Limits& limits) {
  const std::string where = dest.string();
  std::error_code ec;
  const fs::file_status status = fs::symlink_status(dest, ec);
  const bool existed = !ec && fs::exists(status);
  if (existed) {
    if (!fs::is_directory(status)) {
      return makeError(Errc::kInvalidArgument,
                       where + ": extraction destination exists and is not a directory");
    }
    if (!isEmptyDirectory(dest, ec)) {
      return makeError(Errc::kInvalidArgument,
                       where + ": extraction destination is not an empty directory");
    }
  }

  auto verified = readVerified(bundle, limits);
  if (!verified) return std::move(verified).error();

  if (!existed) {
    ec.clear();  // symlink_status() of an absent path leaves "no such file" behind
    if (dest.has_parent_path()) fs::create_directories(dest.parent_path(), ec);
    if (ec || ::mkdir(dest.c_str(), 0700) != 0) {
      const std::string why = ec ? ec.message() : std::string(std::strerror(errno));
      return makeError(Errc::kIo, where + ": cannot create directory: " + why);
    }
  }
  const fs::path root = fs::canonical(dest, ec);
  if (ec) return makeError(Errc::kIo, where + ": " + ec.message());

  Status written = extractVerified(verified->files, root);
  if (!written) {
    // Never leave a half-extracted bundle behind: the destination was empty before.
    if (existed) {
      for (fs::directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec)) {
        std::error_code ignored;
        fs::remove_all(it->path(), ignored);
      }
    } else {
      fs::remove_all(root, ec);
    }
    return std::move(written).error().withContext(bundle.string() + ": extracting to " + where);
  }
  return okStatus();
}

}  // namespace

Status createBundle(const fs::path& snapshot_dir, const fs::path& out,
                    const std::string& created_at) {
  return guarded(snapshot_dir.string(), [&]() -> Status {
    auto paths = collectSnapshotPaths(snapshot_dir, out);
    if (!paths) return std::move(paths).error();
    const Limits limits;
    return createBundleStreaming(out, created_at, [&](const MemberSink& add) -> Status {
      for (const auto& rel : *paths) {  // one file's bytes at a time
        auto data = readFile(snapshot_dir / rel, limits.max_member_bytes);
        if (!data) return std::move(data).error();
        if (auto s = add(rel, *data); !s) return s;
      }
      return okStatus();
    });
  });
}

Status createBundleStreaming(const fs::path& out, const std::string& created_at,
                             const ArchiveProducer& members) {
  return guarded(out.string(), [&]() -> Status {
    return writeArchiveStreaming(out, [&](const MemberSink& add) -> Status {
      // The manifest needs each member's checksum and size, not its bytes: an entry with an
      // empty text stands for each member already written.
      nlohmann::ordered_json entries = nlohmann::ordered_json::object();
      std::set<std::string> seen;
      auto s = members([&](const std::string& path, std::string_view data) -> Status {
        if (path == kManifestName) return okStatus();  // replaced by a fresh manifest
        if (!seen.insert(path).second) {
          return makeError(Errc::kInvalidArgument,
                           out.string() + ": member " + printable(path) + " given twice");
        }
        nlohmann::ordered_json member = nlohmann::ordered_json::object();
        member["sha256"] = sha256Hex(data);
        member["size"] = data.size();
        entries[path] = std::move(member);
        return add(path, data);
      });
      if (!s) return s;
      // Manifest members sorted by path, as buildManifest writes them.
      nlohmann::ordered_json sorted = nlohmann::ordered_json::object();
      for (const auto& path : seen) sorted[path] = std::move(entries[path]);
      nlohmann::ordered_json manifest = nlohmann::ordered_json::object();
      manifest["schema_version"] = kBundleSchemaVersion;
      manifest["kind"] = kBundleKind;
      manifest["created_at"] = created_at;
      manifest["members"] = std::move(sorted);
      return add(kManifestName, manifest.dump(2) + "\n");
    });
  });
}

Status createBundleFromFiles(const std::map<std::string, std::string>& files, const fs::path& out,
                             const std::string& created_at) {
  return guarded(out.string(), [&]() -> Status { return createFromFiles(files, out, created_at); });
}

Result<std::map<std::string, std::string>> readBundle(const fs::path& bundle,
                                                      const Limits& limits) {
  return guarded(bundle.string(), [&]() -> Result<Files> {
    auto verified = readVerified(bundle, limits);
    if (!verified) return std::move(verified).error();
    return std::move(verified->files);
  });
}

Result<BundleInfo> inspectBundle(const fs::path& bundle, const Limits& limits) {
  return guarded(bundle.string(), [&]() -> Result<BundleInfo> {
    auto verified = readVerified(bundle, limits);
    if (!verified) return std::move(verified).error();
    return std::move(verified->info);
  });
}

Status extractBundle(const fs::path& bundle, const fs::path& dest, const Limits& limits) {
  return guarded(bundle.string(), [&]() -> Status { return extractImpl(bundle, dest, limits); });
}

}  // namespace kpatrol::bundle
