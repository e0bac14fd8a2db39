// SPDX-License-Identifier: Apache-2.0
#include <doctest/doctest.h>

#include <sys/resource.h>
#include <sys/stat.h>

#include <unistd.h>
#include <csignal>

#include <filesystem>

#include "kpatrol/core/fs.h"
#include "kpatrol/core/time.h"
#include "kpatrol/core/yaml_json.h"

using namespace kpatrol;
namespace fs = std::filesystem;

TEST_CASE("fs: writeFileAtomic creates 0600 files and replaces atomically") {
  const auto dir = fs::temp_directory_path() / ("kpatrol-fs-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  const auto file = dir / "sub" / "report.json";
  REQUIRE(writeFileAtomic(file, "one").ok());
  REQUIRE(writeFileAtomic(file, "two").ok());
  auto text = readFile(file);
  REQUIRE(text.ok());
  CHECK(*text == "two");
  struct stat st {};
  REQUIRE(::stat(file.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  CHECK(std::distance(fs::directory_iterator(dir / "sub"), fs::directory_iterator()) ==
        1);  // no temp left
  auto big = readFile(file, 2);
  REQUIRE_FALSE(big.ok());
  CHECK(big.error().message.find("larger than the limit") != std::string::npos);
  auto missing = readFile(dir / "nope");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == Errc::kNotFound);
  fs::remove_all(dir);
}

TEST_CASE("fs: a write that runs out of space is an error and leaves no partial file") {
  // RLIMIT_FSIZE makes write(2) fail with EFBIG, as a full disk fails with ENOSPC: a real
  // short write, without needing root to mount a small filesystem.
  const auto dir = fs::temp_directory_path() / ("kpatrol-full-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  REQUIRE(writeFileAtomic(dir / "report.json", "old report").ok());
  struct rlimit old {};
  REQUIRE(::getrlimit(RLIMIT_FSIZE, &old) == 0);
  auto* previous = std::signal(SIGXFSZ, SIG_IGN);
  struct rlimit small = old;
  small.rlim_cur = 1024;
  REQUIRE(::setrlimit(RLIMIT_FSIZE, &small) == 0);
  const auto s = writeFileAtomic(dir / "report.json", std::string(64 * 1024, 'x'));
  ::setrlimit(RLIMIT_FSIZE, &old);
  std::signal(SIGXFSZ, previous);
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().message.find("write failed") != std::string::npos);
  CHECK(*readFile(dir / "report.json") == "old report");  // the previous report is intact
  CHECK(std::distance(fs::directory_iterator(dir), fs::directory_iterator()) == 1);
  fs::remove_all(dir);
}

TEST_CASE("fs: sha256") {
  CHECK(sha256Hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_CASE("time: RFC 3339 parsing and formatting") {
  CHECK(parseRfc3339("1970-01-01T00:00:00Z") == 0);
  CHECK(parseRfc3339("2026-11-30T02:00:00Z") == 1796004000);
  CHECK(parseRfc3339("2026-11-30T10:00:00+08:00") == 1796004000);
  CHECK(parseRfc3339("2026-11-30T02:00:00.123456Z") == 1796004000);
  CHECK(parseRfc3339("2026-11-30") == 1795996800);
  CHECK_FALSE(parseRfc3339("2026-13-01").has_value());
  CHECK_FALSE(parseRfc3339("yesterday").has_value());
  CHECK_FALSE(parseRfc3339("2026-11-30T02:00:00Zjunk").has_value());
  CHECK(formatRfc3339(1796004000) == "2026-11-30T02:00:00Z");
}

TEST_CASE("yaml: plain scalars are typed, quoted ones stay strings") {
  auto j = parseYamlToJson("a: 1\nb: '1'\nc: true\nd: 1.5\ne: ~\nf: [x, 2]\ng: 0644\n", "t.yaml");
  REQUIRE(j.ok());
  CHECK((*j)["a"] == 1);
  CHECK((*j)["b"] == "1");
  CHECK((*j)["c"] == true);
  CHECK((*j)["d"] == 1.5);
  CHECK((*j)["e"].is_null());
  CHECK((*j)["f"][1] == 2);
  auto bad = parseYamlToJson("a: [\n", "bad.yaml");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message.starts_with("bad.yaml:"));
}
