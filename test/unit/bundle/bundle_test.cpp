// SPDX-License-Identifier: Apache-2.0
// Evidence bundles and archive reading. Hostile archives are built in the test with libarchive's
// write API, so every refusal is checked against a real archive of that shape.
#include <archive.h>
#include <archive_entry.h>
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "kpatrol/bundle/bundle.h"
#include "kpatrol/core/fs.h"
#include "kpatrol/core/result.h"

namespace fs = std::filesystem;
using kpatrol::Errc;
using Files = std::map<std::string, std::string>;
namespace bundle = kpatrol::bundle;

namespace {

class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    std::random_device rd;
    path_ = fs::temp_directory_path() / ("kpatrol-bundle-test-" + std::to_string(::getpid()) + "-" +
                                         std::to_string(rd()) + "-" + std::to_string(counter++));
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return path_; }
  fs::path operator/(const std::string& name) const { return path_ / name; }

 private:
  fs::path path_;
};

void writeText(const fs::path& path, const std::string& data) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << data;
  REQUIRE(out.good());
}

std::string readText(const fs::path& path) {
  auto data = kpatrol::readFile(path);
  REQUIRE(data.ok());
  return *data;
}

std::string randomBytes(std::size_t n, unsigned seed) {
  std::mt19937 gen(seed);
  std::string out(n, '\0');
  for (char& c : out) c = static_cast<char>(gen() & 0xff);
  return out;
}

/// A small snapshot directory: the same shape the collectors write.
void makeSnapshotDir(const fs::path& dir) {
  writeText(
      dir / "snapshot.json",
      R"({"schema_version":1,"created_at":"2026-11-30T02:00:00Z","cluster":{"name":"demo"}})");
  writeText(dir / "objects/pods.json", R"({"apiVersion":"v1","kind":"List","items":[]})");
  writeText(dir / "objects/nodes.json", R"({"apiVersion":"v1","kind":"List","items":[{}]})");
  writeText(dir / "nodes/worker-1.json", R"({"facts":{"swap":{"total_bytes":0}}})");
  writeText(dir / "raw/worker-1/sysctl.txt", "net.ipv4.ip_forward = 1\n");
  writeText(dir / "errors.json", "[]\n");
}

struct RawEntry {
  std::string path;
  unsigned type = AE_IFREG;
  std::string data;
  std::string link;  // symlink target, or hardlink target when hardlink is set
  bool hardlink = false;
};

RawEntry file(std::string path, std::string data) {
  return RawEntry{std::move(path), AE_IFREG, std::move(data), "", false};
}
RawEntry special(std::string path, unsigned type) {
  return RawEntry{std::move(path), type, "", "", false};
}
RawEntry symlinkEntry(std::string path, std::string target) {
  return RawEntry{std::move(path), AE_IFLNK, "", std::move(target), false};
}
RawEntry hardlinkEntry(std::string path, std::string target) {
  return RawEntry{std::move(path), AE_IFREG, "", std::move(target), true};
}

/// Writes entries exactly as given (no path checks) as a .tar.gz.
void writeRawArchive(const fs::path& out, const std::vector<RawEntry>& entries) {
  std::unique_ptr<struct archive, decltype(&archive_write_free)> a(archive_write_new(),
                                                                   archive_write_free);
  REQUIRE(a != nullptr);
  REQUIRE(archive_write_set_format_pax_restricted(a.get()) == ARCHIVE_OK);
  REQUIRE(archive_write_add_filter_gzip(a.get()) == ARCHIVE_OK);
  REQUIRE(archive_write_open_filename(a.get(), out.c_str()) == ARCHIVE_OK);
  for (const RawEntry& e : entries) {
    std::unique_ptr<struct archive_entry, decltype(&archive_entry_free)> entry(archive_entry_new(),
                                                                               archive_entry_free);
    archive_entry_set_pathname(entry.get(), e.path.c_str());
    archive_entry_set_filetype(entry.get(), e.type);
    archive_entry_set_perm(entry.get(), 0644);
    archive_entry_set_mtime(entry.get(), 0, 0);
    if (e.type == AE_IFREG && !e.hardlink) {
      archive_entry_set_size(entry.get(), static_cast<la_int64_t>(e.data.size()));
    } else {
      archive_entry_set_size(entry.get(), 0);
    }
    if (e.type == AE_IFLNK) archive_entry_set_symlink(entry.get(), e.link.c_str());
    if (e.hardlink) archive_entry_set_hardlink(entry.get(), e.link.c_str());
    if (e.type == AE_IFCHR || e.type == AE_IFBLK)
      archive_entry_set_rdev(entry.get(), makedev(1, 3));
    REQUIRE(archive_write_header(a.get(), entry.get()) == ARCHIVE_OK);
    if (e.type == AE_IFREG && !e.hardlink && !e.data.empty()) {
      REQUIRE(archive_write_data(a.get(), e.data.data(), e.data.size()) ==
              static_cast<la_ssize_t>(e.data.size()));
    }
  }
  REQUIRE(archive_write_close(a.get()) == ARCHIVE_OK);
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

/// Expects readArchive to refuse the archive with kIntegrity and a message naming `member`.
void expectRefused(const std::vector<RawEntry>& entries, const std::string& member,
                   const std::string& reason, const bundle::Limits& limits = {}) {
  TempDir tmp;
  const fs::path archive = tmp / "hostile.tar.gz";
  writeRawArchive(archive, entries);
  auto files = bundle::readArchive(archive, limits);
  REQUIRE_FALSE(files.ok());
  INFO(files.error().message);
  CHECK(files.error().code == Errc::kIntegrity);
  CHECK(contains(files.error().message, "member " + member));
  CHECK(contains(files.error().message, reason));
  CHECK(contains(files.error().message, archive.string()));
}

}  // namespace

TEST_CASE("bundle: round trip create, inspect, read and extract") {
  TempDir tmp;
  const fs::path snap = tmp / "snap";
  makeSnapshotDir(snap);
  writeText(snap / "manifest.json", "stale manifest from an older bundle");
  const fs::path out = tmp / "bundle.tar.gz";
  REQUIRE(bundle::createBundle(snap, out, "2026-11-30T02:00:00Z").ok());
  CHECK((fs::status(out).permissions() & fs::perms::all) ==
        (fs::perms::owner_read | fs::perms::owner_write));

  auto info = bundle::inspectBundle(out);
  REQUIRE(info.ok());
  CHECK(info->schema_version == bundle::kBundleSchemaVersion);
  CHECK(info->created_at == "2026-11-30T02:00:00Z");
  std::vector<std::string> paths;
  for (const auto& m : info->members) paths.push_back(m.path);
  CHECK(paths == std::vector<std::string>{"errors.json", "nodes/worker-1.json",
                                          "objects/nodes.json", "objects/pods.json",
                                          "raw/worker-1/sysctl.txt", "snapshot.json"});
  for (const auto& m : info->members) {
    const std::string data = readText(snap / m.path);
    CHECK(m.size == data.size());
    CHECK(m.sha256 == kpatrol::sha256Hex(data));
  }

  auto files = bundle::readBundle(out);
  REQUIRE(files.ok());
  CHECK(files->count("manifest.json") == 0);
  CHECK(files->size() == 6);
  CHECK(files->at("objects/pods.json") == readText(snap / "objects/pods.json"));

  // The raw archive carries the fresh manifest, not the stale one from the directory.
  auto raw = bundle::readArchive(out);
  REQUIRE(raw.ok());
  REQUIRE(raw->count("manifest.json") == 1);
  auto manifest = nlohmann::json::parse(raw->at("manifest.json"));
  CHECK(manifest["kind"] == "kpatrol.bundle");
  CHECK(manifest["schema_version"] == 1);
  CHECK(manifest["members"].size() == 6);
  CHECK(manifest["members"].count("manifest.json") == 0);
  CHECK(manifest["members"]["errors.json"]["size"] == 3);

  const fs::path dest = tmp / "extracted";
  REQUIRE(bundle::extractBundle(out, dest).ok());
  for (const auto& m : info->members) {
    CHECK(readText(dest / m.path) == readText(snap / m.path));
    CHECK((fs::status(dest / m.path).permissions() & fs::perms::all) ==
          (fs::perms::owner_read | fs::perms::owner_write));
  }
  CHECK_FALSE(fs::exists(dest / "manifest.json"));
  CHECK((fs::status(dest / "raw/worker-1").permissions() & fs::perms::all) == fs::perms::owner_all);
  CHECK((fs::status(dest).permissions() & fs::perms::all) == fs::perms::owner_all);

  // An existing empty directory is an acceptable destination too.
  const fs::path empty = tmp / "empty";
  fs::create_directories(empty);
  REQUIRE(bundle::extractBundle(out, empty).ok());
  CHECK(readText(empty / "snapshot.json") == readText(snap / "snapshot.json"));
}

TEST_CASE("bundle: createBundleFromFiles round trip and manifest replaced") {
  TempDir tmp;
  const fs::path out = tmp / "mem.tar.gz";
  const Files files{{"snapshot.json", "{}"},
                    {"objects/pods.json", randomBytes(3000, 7)},
                    {"manifest.json", "not a manifest"}};
  REQUIRE(bundle::createBundleFromFiles(files, out, "2026-12-01T00:00:00Z").ok());
  auto read = bundle::readBundle(out);
  REQUIRE(read.ok());
  CHECK(read->size() == 2);
  CHECK(read->at("objects/pods.json") == files.at("objects/pods.json"));
  auto info = bundle::inspectBundle(out);
  REQUIRE(info.ok());
  CHECK(info->members.size() == 2);
  CHECK(info->created_at == "2026-12-01T00:00:00Z");
}

TEST_CASE("bundle: output is deterministic") {
  TempDir tmp;
  const fs::path snap = tmp / "snap";
  makeSnapshotDir(snap);
  REQUIRE(bundle::createBundle(snap, tmp / "a.tar.gz", "2026-11-30T02:00:00Z").ok());
  // Different file mtimes and a different wall-clock second must not change the bytes.
  fs::last_write_time(snap / "snapshot.json",
                      fs::last_write_time(snap / "snapshot.json") - std::chrono::hours(5));
  ::sleep(1);
  REQUIRE(bundle::createBundle(snap, tmp / "b.tar.gz", "2026-11-30T02:00:00Z").ok());
  const std::string a = readText(tmp / "a.tar.gz");
  const std::string b = readText(tmp / "b.tar.gz");
  CHECK(a.size() > 20);
  CHECK(a == b);
  // gzip magic, and no timestamp in the gzip header.
  CHECK(static_cast<unsigned char>(a[0]) == 0x1f);
  CHECK(static_cast<unsigned char>(a[1]) == 0x8b);
  CHECK(a.substr(4, 4) == std::string(4, '\0'));

  // Member order does not depend on insertion order, and the tar headers are fixed.
  auto raw = bundle::readArchive(tmp / "a.tar.gz");
  REQUIRE(raw.ok());
  REQUIRE(bundle::writeArchive(tmp / "c.tar.gz", *raw).ok());
  REQUIRE(bundle::writeArchive(tmp / "d.tar.gz", *raw).ok());
  CHECK(readText(tmp / "c.tar.gz") == readText(tmp / "d.tar.gz"));
}

TEST_CASE("bundle: archive members are written with mode 0600 and mtime 0") {
  TempDir tmp;
  const fs::path out = tmp / "x.tar.gz";
  REQUIRE(bundle::writeArchive(out, {{"b.txt", "bb"}, {"a/c.txt", "c"}, {"a.txt", "a"}}).ok());
  std::unique_ptr<struct archive, decltype(&archive_read_free)> a(archive_read_new(),
                                                                  archive_read_free);
  archive_read_support_filter_all(a.get());
  archive_read_support_format_all(a.get());
  REQUIRE(archive_read_open_filename(a.get(), out.c_str(), 10240) == ARCHIVE_OK);
  std::vector<std::string> order;
  struct archive_entry* entry = nullptr;
  while (archive_read_next_header(a.get(), &entry) == ARCHIVE_OK) {
    order.emplace_back(archive_entry_pathname(entry));
    CHECK(archive_entry_filetype(entry) == AE_IFREG);
    CHECK(archive_entry_perm(entry) == 0600);
    CHECK(archive_entry_mtime(entry) == 0);
  }
  CHECK(order == std::vector<std::string>{"a.txt", "a/c.txt", "b.txt"});
}

TEST_CASE("bundle: leading ./ is normalised and directories are skipped") {
  TempDir tmp;
  const fs::path archive = tmp / "dot.tar.gz";
  writeRawArchive(archive, {special("./", AE_IFDIR), special("./objects/", AE_IFDIR),
                            file("./objects/pods.json", "pods"), file("snapshot.json", "snap")});
  auto files = bundle::readArchive(archive);
  REQUIRE(files.ok());
  CHECK(*files == Files{{"objects/pods.json", "pods"}, {"snapshot.json", "snap"}});
}

TEST_CASE("bundle: refuses absolute paths") {
  expectRefused({file("ok.json", "{}"), file("/etc/passwd", "root::0:0")}, "/etc/passwd",
                "absolute path");
  expectRefused({file(".//etc/cron.d/x", "x")}, ".//etc/cron.d/x", "absolute path");
}

TEST_CASE("bundle: refuses .. path components") {
  expectRefused({file("../x", "x")}, "../x", "\"..\"");
  expectRefused({file("a/../../x", "x")}, "a/../../x", "\"..\"");
  expectRefused({file("a/b/..", "x")}, "a/b/..", "\"..\"");
  expectRefused({special("../escape/", AE_IFDIR)}, "../escape/", "\"..\"");
}

TEST_CASE("bundle: refuses symlinks") {
  expectRefused({symlinkEntry("objects/pods.json", "/etc/shadow")}, "objects/pods.json",
                "symlink (to /etc/shadow) refused");
}

TEST_CASE("bundle: refuses hardlinks") {
  expectRefused({file("a.json", "{}"), hardlinkEntry("b.json", "a.json")}, "b.json",
                "hardlink (to a.json) refused");
}

TEST_CASE("bundle: refuses device and fifo entries") {
  expectRefused({special("dev/null", AE_IFCHR)}, "dev/null", "character device refused");
  expectRefused({special("dev/sda", AE_IFBLK)}, "dev/sda", "block device refused");
  expectRefused({special("pipe", AE_IFIFO)}, "pipe", "fifo refused");
}

TEST_CASE("bundle: refuses an oversize member") {
  bundle::Limits limits;
  limits.max_member_bytes = 100;
  expectRefused(
      {file("small.json", std::string(100, 'a')), file("big.json", std::string(101, 'b'))},
      "big.json", "larger than the limit of 100", limits);
}

TEST_CASE("bundle: refuses an archive over the total size limit") {
  bundle::Limits limits;
  limits.max_total_bytes = 250;
  expectRefused({file("a", std::string(100, 'a')), file("b", std::string(100, 'b')),
                 file("c", std::string(100, 'c'))},
                "c", "exceeds the limit of 250", limits);
}

TEST_CASE("bundle: refuses too many members") {
  bundle::Limits limits;
  limits.max_members = 3;
  expectRefused({file("a", "a"), file("b", "b"), file("c", "c"), file("d", "d")}, "d",
                "more than 3 members", limits);
}

TEST_CASE("bundle: refuses duplicate member paths") {
  expectRefused({file("a.json", "1"), file("a.json", "2")}, "a.json", "duplicate");
  expectRefused({file("a.json", "1"), file("./a.json", "2")}, "./a.json", "duplicate");
}

TEST_CASE("bundle: refuses a member that is both file and directory") {
  expectRefused({file("a", "1"), file("a/b", "2")}, "a", "parent directory of a/b");
}

TEST_CASE("bundle: refuses empty and dot path components") {
  expectRefused({file("a//b", "1")}, "a//b", "empty or \".\" component");
  expectRefused({file("a/./b", "1")}, "a/./b", "empty or \".\" component");
}

TEST_CASE("bundle: control characters in member paths are escaped in errors") {
  TempDir tmp;
  const fs::path archive = tmp / "escape.tar.gz";
  writeRawArchive(archive, {file("../\x1b[31mred\nline", "x")});
  auto files = bundle::readArchive(archive);
  REQUIRE_FALSE(files.ok());
  CHECK(files.error().code == Errc::kIntegrity);
  CHECK(contains(files.error().message, "member ../\\x1b[31mred\\x0aline"));
  CHECK_FALSE(contains(files.error().message, "\x1b"));
  CHECK_FALSE(contains(files.error().message, "\n"));
}

TEST_CASE("bundle: missing archive is kNotFound naming the path") {
  TempDir tmp;
  const fs::path missing = tmp / "nope.tar.gz";
  auto files = bundle::readArchive(missing);
  REQUIRE_FALSE(files.ok());
  CHECK(files.error().code == Errc::kNotFound);
  CHECK(contains(files.error().message, missing.string()));
  auto info = bundle::inspectBundle(missing);
  REQUIRE_FALSE(info.ok());
  CHECK(info.error().code == Errc::kNotFound);
}

TEST_CASE("bundle: a file that is not an archive is refused") {
  TempDir tmp;
  const fs::path junk = tmp / "junk.tar.gz";
  writeText(junk, "this is not an archive at all, just some text that is long enough\n" +
                      std::string(2000, 'x'));
  auto files = bundle::readArchive(junk);
  REQUIRE_FALSE(files.ok());
  CHECK(files.error().code == Errc::kIntegrity);
  CHECK(contains(files.error().message, junk.string()));
}

namespace {
/// A bundle with one large incompressible member, so cuts land inside its data.
fs::path makeBigBundle(const TempDir& tmp) {
  const fs::path out = tmp / "bundle.tar.gz";
  const Files files{{"snapshot.json", R"({"schema_version":1})"},
                    {"objects/pods.json", randomBytes(200000, 42)},
                    {"objects/zz.json", randomBytes(1000, 43)}};
  REQUIRE(bundle::createBundleFromFiles(files, out, "2026-11-30T02:00:00Z").ok());
  REQUIRE(bundle::inspectBundle(out).ok());
  return out;
}
}  // namespace

TEST_CASE("bundle: truncated archive names the member being read") {
  TempDir tmp;
  const fs::path out = makeBigBundle(tmp);
  const std::string full = readText(out);
  const fs::path cut = tmp / "cut.tar.gz";
  writeText(cut, full.substr(0, full.size() * 6 / 10));

  auto files = bundle::readArchive(cut);
  REQUIRE_FALSE(files.ok());
  INFO(files.error().message);
  CHECK(files.error().code == Errc::kIntegrity);
  CHECK(contains(files.error().message, cut.string() + ": member objects/pods.json: "));
  CHECK(contains(files.error().message, "truncated archive"));

  auto info = bundle::inspectBundle(cut);
  REQUIRE_FALSE(info.ok());
  CHECK(info.error().code == Errc::kIntegrity);
  CHECK(contains(info.error().message, "objects/pods.json"));
}

TEST_CASE("bundle: every truncation point is an error, never a crash") {
  TempDir tmp;
  const fs::path out = makeBigBundle(tmp);
  const std::string full = readText(out);
  const fs::path cut = tmp / "cut.tar.gz";
  std::vector<std::size_t> sizes;
  for (std::size_t size = 0; size < full.size(); size += 997) sizes.push_back(size);
  // The tail holds the compressed tar end-of-archive blocks and the gzip trailer.
  for (std::size_t size = full.size() - 64; size < full.size(); ++size) sizes.push_back(size);
  for (const std::size_t size : sizes) {
    writeText(cut, full.substr(0, size));
    auto files = bundle::readBundle(cut);
    CAPTURE(size);
    REQUIRE_FALSE(files.ok());
    CHECK(contains(files.error().message, cut.string()));
  }
  // Early cuts fail while libarchive detects the format, before any member is read.
  writeText(cut, full.substr(0, 2000));
  auto early = bundle::readArchive(cut);
  REQUIRE_FALSE(early.ok());
  CHECK(early.error().code == Errc::kIntegrity);
  CHECK(contains(early.error().message, "truncated archive"));
}

TEST_CASE("bundle: empty file is not an archive") {
  TempDir tmp;
  const fs::path empty = tmp / "empty.tar.gz";
  writeText(empty, "");
  auto files = bundle::readArchive(empty);
  REQUIRE_FALSE(files.ok());
  CHECK(files.error().code == Errc::kIntegrity);
  CHECK(contains(files.error().message, empty.string()));
}

TEST_CASE("bundle: corrupted byte in the middle is an error") {
  TempDir tmp;
  const fs::path out = makeBigBundle(tmp);
  std::string data = readText(out);
  for (const std::size_t at : {data.size() / 2, data.size() / 3, data.size() / 10}) {
    std::string bad = data;
    bad[at] = static_cast<char>(bad[at] ^ 0x5a);
    const fs::path corrupt = tmp / "corrupt.tar.gz";
    writeText(corrupt, bad);
    CAPTURE(at);
    auto info = bundle::inspectBundle(corrupt);
    REQUIRE_FALSE(info.ok());
    INFO(info.error().message);
    CHECK(info.error().code == Errc::kIntegrity);
    CHECK(contains(info.error().message, "objects/pods.json"));
  }
}

TEST_CASE("bundle: altered member does not match the manifest") {
  TempDir tmp;
  const fs::path snap = tmp / "snap";
  makeSnapshotDir(snap);
  const fs::path out = tmp / "bundle.tar.gz";
  REQUIRE(bundle::createBundle(snap, out, "2026-11-30T02:00:00Z").ok());
  auto raw = bundle::readArchive(out);
  REQUIRE(raw.ok());

  SUBCASE("same size, different bytes") {
    std::string& pods = raw->at("objects/pods.json");
    pods[pods.size() - 2] = '0';
    REQUIRE(bundle::writeArchive(out, *raw).ok());
    auto files = bundle::readBundle(out);
    REQUIRE_FALSE(files.ok());
    CHECK(files.error().code == Errc::kIntegrity);
    CHECK(contains(files.error().message, "member objects/pods.json: sha256"));
  }
  SUBCASE("different size") {
    raw->at("nodes/worker-1.json") += " ";
    REQUIRE(bundle::writeArchive(out, *raw).ok());
    auto info = bundle::inspectBundle(out);
    REQUIRE_FALSE(info.ok());
    CHECK(info.error().code == Errc::kIntegrity);
    CHECK(contains(info.error().message, "member nodes/worker-1.json: size"));
  }
  SUBCASE("member missing from the archive") {
    raw->erase("errors.json");
    REQUIRE(bundle::writeArchive(out, *raw).ok());
    auto info = bundle::inspectBundle(out);
    REQUIRE_FALSE(info.ok());
    CHECK(info.error().code == Errc::kIntegrity);
    CHECK(contains(info.error().message, "member errors.json: listed in manifest.json"));
  }
  SUBCASE("extra member not in the manifest") {
    raw->emplace("objects/secrets.json", "{}");
    REQUIRE(bundle::writeArchive(out, *raw).ok());
    auto files = bundle::readBundle(out);
    REQUIRE_FALSE(files.ok());
    CHECK(files.error().code == Errc::kIntegrity);
    CHECK(contains(files.error().message, "member objects/secrets.json: not listed"));
    const fs::path dest = tmp / "dest";
    auto extracted = bundle::extractBundle(out, dest);
    REQUIRE_FALSE(extracted.ok());
    CHECK_FALSE(fs::exists(dest));
  }
}

TEST_CASE("bundle: missing manifest is not a kpatrol bundle") {
  TempDir tmp;
  const fs::path out = tmp / "plain.tar.gz";
  REQUIRE(bundle::writeArchive(out, {{"snapshot.json", "{}"}}).ok());
  auto files = bundle::readBundle(out);
  REQUIRE_FALSE(files.ok());
  CHECK(files.error().code == Errc::kInvalidArgument);
  CHECK(contains(files.error().message, "not a kpatrol bundle: manifest.json missing"));
  CHECK(contains(files.error().message, out.string()));
}

TEST_CASE("bundle: malformed or newer manifest names manifest.json") {
  TempDir tmp;
  const fs::path out = tmp / "b.tar.gz";
  SUBCASE("malformed JSON") {
    REQUIRE(bundle::writeArchive(out, {{"manifest.json", "{\"schema_version\": 1,"}}).ok());
    auto info = bundle::inspectBundle(out);
    REQUIRE_FALSE(info.ok());
    CHECK(info.error().code == Errc::kParse);
    CHECK(contains(info.error().message, "manifest.json: malformed JSON"));
  }
  SUBCASE("newer schema version") {
    REQUIRE(bundle::writeArchive(
                out, {{"manifest.json", R"({"schema_version":2,"kind":"kpatrol.bundle",)"
                                        R"("created_at":"x","members":{}})"}})
                .ok());
    auto info = bundle::inspectBundle(out);
    REQUIRE_FALSE(info.ok());
    CHECK(info.error().code == Errc::kUnsupported);
    CHECK(contains(info.error().message, "manifest.json: schema_version 2 is newer"));
  }
  SUBCASE("wrong member entry") {
    REQUIRE(bundle::writeArchive(
                out, {{"a", "x"},
                      {"manifest.json", R"({"schema_version":1,"kind":"kpatrol.bundle",)"
                                        R"("created_at":"x","members":{"a":{"size":1}}})"}})
                .ok());
    auto info = bundle::inspectBundle(out);
    REQUIRE_FALSE(info.ok());
    CHECK(info.error().code == Errc::kParse);
    CHECK(contains(info.error().message, "manifest.json: member a: \"sha256\""));
  }
}

TEST_CASE("bundle: extract into a non-empty directory is refused") {
  TempDir tmp;
  const fs::path snap = tmp / "snap";
  makeSnapshotDir(snap);
  const fs::path out = tmp / "bundle.tar.gz";
  REQUIRE(bundle::createBundle(snap, out, "2026-11-30T02:00:00Z").ok());

  const fs::path dest = tmp / "dest";
  writeText(dest / "keep.txt", "mine");
  auto status = bundle::extractBundle(out, dest);
  REQUIRE_FALSE(status.ok());
  CHECK(status.error().code == Errc::kInvalidArgument);
  CHECK(contains(status.error().message, dest.string()));
  CHECK(contains(status.error().message, "not an empty directory"));
  CHECK(readText(dest / "keep.txt") == "mine");
  CHECK_FALSE(fs::exists(dest / "snapshot.json"));

  auto onto_file = bundle::extractBundle(out, dest / "keep.txt");
  REQUIRE_FALSE(onto_file.ok());
  CHECK(contains(onto_file.error().message, (dest / "keep.txt").string()));
}

TEST_CASE("bundle: createBundle refuses symlinks in the snapshot directory") {
  TempDir tmp;
  const fs::path snap = tmp / "snap";
  makeSnapshotDir(snap);
  fs::create_symlink("/etc/passwd", snap / "objects/passwd.json");
  const fs::path out = tmp / "bundle.tar.gz";
  auto status = bundle::createBundle(snap, out, "2026-11-30T02:00:00Z");
  REQUIRE_FALSE(status.ok());
  CHECK(contains(status.error().message, "objects/passwd.json"));
  CHECK(contains(status.error().message, "symlink"));
  CHECK_FALSE(fs::exists(out));

  auto missing = bundle::createBundle(tmp / "absent", out, "2026-11-30T02:00:00Z");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == Errc::kNotFound);
}

TEST_CASE("bundle: createBundle skips the output file inside the snapshot directory") {
  TempDir tmp;
  const fs::path snap = tmp / "snap";
  makeSnapshotDir(snap);
  const fs::path out = snap / "bundle.tar.gz";
  REQUIRE(bundle::createBundle(snap, out, "t").ok());
  REQUIRE(bundle::createBundle(snap, out, "t").ok());
  auto files = bundle::readBundle(out);
  REQUIRE(files.ok());
  CHECK(files->count("bundle.tar.gz") == 0);
  CHECK(files->size() == 6);
}

TEST_CASE("bundle: writeArchive refuses unsafe paths and reports write failures") {
  TempDir tmp;
  for (const std::string bad : {"/abs", "../up", "a/../b", "./a", "a//b", ""}) {
    auto status = bundle::writeArchive(tmp / "w.tar.gz", {{bad, "x"}});
    CAPTURE(bad);
    REQUIRE_FALSE(status.ok());
    CHECK(status.error().code == Errc::kInvalidArgument);
    CHECK(contains(status.error().message, "member " + bad));
  }
  CHECK_FALSE(fs::exists(tmp / "w.tar.gz"));

  // The destination's parent is a regular file: the write must fail, not half-succeed.
  writeText(tmp / "file", "x");
  auto status = bundle::writeArchive(tmp / "file" / "w.tar.gz", {{"a", "x"}});
  REQUIRE_FALSE(status.ok());
  CHECK(status.error().code == Errc::kIo);
}

TEST_CASE("bundle: non-ASCII member paths round trip") {
  TempDir tmp;
  const fs::path out = tmp / "utf8.tar.gz";
  const Files files{{"raw/n\xc3\xb6"
                     "de.txt",
                     "x"},
                    {"snapshot.json", "{}"}};
  REQUIRE(bundle::createBundleFromFiles(files, out, "t").ok());
  auto read = bundle::readBundle(out);
  REQUIRE(read.ok());
  CHECK(*read == files);
}
