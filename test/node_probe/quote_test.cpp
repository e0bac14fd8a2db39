// SPDX-License-Identifier: Apache-2.0
// shellQuote() checked by real shells: what the shell receives is exactly the input.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "kpatrol/collect/node_probe.h"
#include "support.h"

using kpatrol::collect::shellQuote;
using kpatrol::test::run;

namespace {

// Each shell as the argv prefix that runs it: sh, dash, bash and busybox's ash when installed.
std::vector<std::vector<std::string>> shells() {
  std::vector<std::vector<std::string>> out = {{"/bin/sh"}};
  for (const char* s : {"/usr/bin/dash", "/usr/bin/bash"}) {
    if (std::filesystem::exists(s)) out.push_back({s});
  }
  if (std::filesystem::exists("/usr/bin/busybox")) out.push_back({"/usr/bin/busybox", "sh"});
  return out;
}

std::string runIn(const std::vector<std::string>& shell, const std::string& command, int* status) {
  std::vector<std::string> argv = shell;
  argv.push_back("-c");
  argv.push_back(command);
  return run(argv, status);
}

const std::vector<std::string> kHostile = {
    "",
    "plain",
    "it's",
    "'",
    "''",
    "'\\''",
    "a\nb\n",
    "$(touch /tmp/kpatrol-quote-pwned)",
    "`touch /tmp/kpatrol-quote-pwned`",
    "$HOME ${PATH} $0 $$ $1",
    "back\\slash\\",
    "a b\tc  d",
    "*",
    "-n",
    "--",
    "!event",
    "\"double\"",
    "; touch /tmp/kpatrol-quote-pwned; #",
    "|& > < >> 2>&1",
    std::string("\xff\xfe\x80 non-UTF-8"),
    "中文 路径",
    std::string(5000, 'x') + "'" + std::string(5000, 'y'),
};

}  // namespace

TEST_CASE("shellQuote: every shell prints back exactly the input") {
  std::filesystem::remove("/tmp/kpatrol-quote-pwned");
  for (const auto& sh : shells()) {
    for (const auto& input : kHostile) {
      CAPTURE(sh.front());
      CAPTURE(input);
      int status = -1;
      std::string out = runIn(sh, "printf %s " + shellQuote(input), &status);
      CHECK(status == 0);
      CHECK(out == input);
    }
  }
  CHECK_FALSE(std::filesystem::exists("/tmp/kpatrol-quote-pwned"));
}

TEST_CASE("shellQuote: one word, even when several are concatenated") {
  int status = -1;
  std::string out = run({"/bin/sh", "-c",
                         "for a in " + shellQuote("a b") + " " + shellQuote("'c'") +
                             "; do printf '[%s]' \"$a\"; done"},
                        &status);
  CHECK(out == "[a b]['c']");
}

TEST_CASE("shellQuote: NUL bytes cannot be in a shell word and are dropped") {
  std::string with_nul("a\0b", 3);
  CHECK(shellQuote(with_nul) == "'ab'");
  CHECK(shellQuote(std::string(1, '\0')) == "''");
  int status = -1;
  CHECK(run({"/bin/sh", "-c", "printf %s " + shellQuote(with_nul)}, &status) == "ab");
}

TEST_CASE("shellQuote: the format is the POSIX single-quote form") {
  CHECK(shellQuote("") == "''");
  CHECK(shellQuote("abc") == "'abc'");
  CHECK(shellQuote("it's") == "'it'\\''s'");
}

TEST_CASE("the script fits in one `sh -c` argument") {
  // Linux limits one argv string to 128 KiB (MAX_ARG_STRLEN); the SSH collector sends the
  // script as one quoted word.
  kpatrol::collect::ProbeOptions o;
  o.root = std::string(4096, '\'');
  CHECK(shellQuote(kpatrol::collect::probeScript(o)).size() < 100 * 1024);
}
