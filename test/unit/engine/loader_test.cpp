// SPDX-License-Identifier: Apache-2.0
#include <doctest/doctest.h>
#include <unistd.h>
#include <fstream>

#include "../../support/engine_support.h"

using namespace kpatrol;
using kpatrol::test::pack;
using kpatrol::test::ruleSource;

namespace {
std::string allMessages(const engine::RuleSet& rules) {
  std::string out;
  for (const auto& m : rules.messages) out += m.format() + "\n";
  return out;
}
}  // namespace

TEST_CASE("loader: built-in packs load without errors or warnings") {
  auto packs = engine::builtinPacks();
  REQUIRE(packs.ok());
  auto rules = engine::loadRules(std::move(*packs));
  INFO(allMessages(rules));
  CHECK(rules.messages.empty());
  CHECK(rules.rules.size() >= 15);
  CHECK(rules.find("cis-k8s/4.2.1") != nullptr);
  CHECK(rules.profiles.contains("default"));
}

TEST_CASE("loader: every problem names the file and line") {
  const std::string broken =
      "return {\n  api = 1,\n  id = 't/broken',\n  check = function(s, ctx)\n    return "
      "ctx.pass(\n  end,\n}\n";
  const std::string types =
      "return {\n  api = 1,\n  id = 't/types',\n  title = { en = 'x', zh = 'y' },\n"
      "  severity = 'urgent',\n  scope = 'node',\n  remediation = 'fix it',\n  serverity = "
      "'high',\n"
      "  check = function(s, ctx) return ctx.pass() end,\n}\n";
  auto rules = engine::loadRules({pack("t", {{"broken.lua", broken}, {"types.lua", types}})});
  const std::string all = allMessages(rules);
  INFO(all);
  CHECK(rules.rules.empty());
  CHECK(all.find("test/t/broken.lua:6: error: unexpected symbol near 'end'") != std::string::npos);
  CHECK(all.find("test/t/types.lua:5: error: severity 'urgent' is not one of") !=
        std::string::npos);
  CHECK(all.find("test/t/types.lua:7: error: field 'remediation' is of improper type 'string'") !=
        std::string::npos);
  CHECK(all.find("test/t/types.lua:8: warning: unknown field 'serverity'") != std::string::npos);
}

TEST_CASE("loader: ids are unique, carry the pack name, and the api must be supported") {
  auto rules = engine::loadRules(
      {pack("t", {
                     {"a.lua", ruleSource("t/same", "return ctx.pass()")},
                     {"b.lua", ruleSource("t/same", "return ctx.pass()")},
                     {"c.lua", ruleSource("other/c", "return ctx.pass()")},
                     {"d.lua", ruleSource("t/d", "return ctx.pass()").replace(11, 7, "api = 9")},
                 })});
  const std::string all = allMessages(rules);
  INFO(all);
  REQUIRE(rules.rules.size() == 1);
  CHECK(rules.rules[0].id == "t/same");
  CHECK(all.find("duplicate rule id 't/same' (already defined in test/t/a.lua)") !=
        std::string::npos);
  CHECK(all.find("must start with the pack name 't/'") != std::string::npos);
  CHECK(all.find("rule api 9 is not supported") != std::string::npos);
}

TEST_CASE("loader: a file that loops or allocates forever at load time is stopped") {
  engine::LoadOptions load;
  load.load_timeout_ms = 200;
  load.memory_bytes = std::size_t{16} << 20;
  auto rules = engine::loadRules({pack("t", {{"loop.lua", "while true do end"},
                                             {"nil.lua", "return 42"},
                                             {"ok.lua", ruleSource("t/ok", "return ctx.pass()")}})},
                                 load);
  // The memory bomb gets a time budget far beyond what reaching the cap takes, so that it hits
  // the cap first even on a busy machine.
  engine::LoadOptions generous = load;
  generous.load_timeout_ms = 20000;
  auto mem = engine::loadRules(
      {pack("t", {{"mem.lua",
                   "local t = {} while true do t[#t+1] = string.rep('m', 1 << 20) .. #t end"}})},
      generous);
  CHECK(mem.rules.empty());
  const std::string all = allMessages(rules) + allMessages(mem);
  INFO(all);
  REQUIRE(rules.rules.size() == 1);
  CHECK(all.find("loop.lua: error: time budget of 200 ms exceeded") != std::string::npos);
  CHECK(all.find("mem.lua: error: memory limit of 16 MiB exceeded") != std::string::npos);
  CHECK(all.find("must return the rule table, it returned number") != std::string::npos);
}

TEST_CASE("loader: a pack asking for a newer rule api is refused") {
  auto dir =
      std::filesystem::temp_directory_path() / ("kpatrol-pack-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  { std::ofstream(dir / "pack.yaml") << "name: future\nversion: 9.0.0\napi: 7\n"; }
  auto packs = engine::readPacks(dir);
  std::filesystem::remove_all(dir);
  REQUIRE_FALSE(packs.ok());
  CHECK(packs.error().message.find("needs rule api 7") != std::string::npos);
}
