// SPDX-License-Identifier: Apache-2.0
// The sandbox's promises (design §4), each proven by a rule that tries to break it.
#include <doctest/doctest.h>

#include <chrono>

#include "../../support/engine_support.h"

using namespace kpatrol;
using kpatrol::test::findingFor;
using kpatrol::test::pack;
using kpatrol::test::ruleSource;
using kpatrol::test::runAll;
using kpatrol::test::snapshotOf;

namespace {

const char* kCluster = R"({"meta": {"created_at": "2026-11-30T02:00:00Z", "cluster": {"name": "t"}},
                           "objects": {"pods": [{"metadata": {"name": "p1", "namespace": "ns"}}]}})";

engine::EvalOptions fastLimits() {
  engine::EvalOptions o;
  o.jobs = 1;
  o.limits.call_timeout = std::chrono::milliseconds(300);
  o.limits.memory_bytes = std::size_t{16} << 20;
  return o;
}

std::vector<model::Finding> runRules(std::map<std::string, std::string> files,
                                     engine::EvalOptions options = fastLimits()) {
  engine::LoadOptions load;
  load.load_timeout_ms = 300;
  load.memory_bytes = std::size_t{16} << 20;
  auto rules = engine::loadRules({pack("t", std::move(files))}, load);
  for (const auto& m : rules.messages) INFO(m.format());
  auto snap = snapshotOf(kCluster);
  return runAll(rules, *snap, options);
}

}  // namespace

TEST_CASE("sandbox: no io, os, package, debug, coroutine, dofile, loadfile, rawset, print") {
  const std::string probe = R"(
    local names = { "io", "os", "package", "debug", "coroutine", "dofile", "loadfile", "rawset",
                    "print", "collectgarbage", "_G", "loadstring", "setfenv", "module" }
    local reachable = {}
    for _, n in ipairs(names) do
      local ok, v = pcall(function() return _ENV[n] end)
      if ok and v ~= nil then reachable[#reachable + 1] = n end
    end
    if string.dump ~= nil then reachable[#reachable + 1] = "string.dump" end
    if math.random ~= nil then reachable[#reachable + 1] = "math.random" end
    return ctx.pass(table.concat(reachable, ","))
  )";
  auto findings = runRules({{"probe.lua", ruleSource("t/probe", probe)}});
  const auto* f = findingFor(findings, "t/probe");
  REQUIRE(f != nullptr);
  CHECK(f->status == model::Status::kPass);
  CHECK(f->message == "");  // nothing dangerous is reachable
}

TEST_CASE("sandbox: precompiled bytecode cannot be loaded, text chunks can") {
  const std::string body = R"(
    local bin, err = load("\27Lua\84\0\25\147\13\10\26\10")
    local txt = load("return 40 + 2")
    return ctx.pass(tostring(bin) .. "|" .. tostring(err ~= nil) .. "|" .. tostring(txt()))
  )";
  auto findings = runRules({{"bc.lua", ruleSource("t/bc", body)}});
  const auto* f = findingFor(findings, "t/bc");
  REQUIRE(f != nullptr);
  CHECK(f->status == model::Status::kPass);
  CHECK(f->message == "nil|true|42");
}

TEST_CASE("sandbox: a rule file that is bytecode is refused at load") {
  engine::LoadOptions load;
  auto rules = engine::loadRules({pack("t", {{"b.lua", std::string("\x1bLua\x54\x00", 6)}})}, load);
  CHECK(rules.rules.empty());
  REQUIRE(rules.hasErrors());
  CHECK(rules.messages[0].format().find("bytecode") != std::string::npos);
}

TEST_CASE("sandbox: the string metatable and shared libraries are locked") {
  auto findings = runRules({
      {"meta.lua", ruleSource("t/meta", "return ctx.pass(tostring(getmetatable('')))")},
      {"upper.lua", ruleSource("t/upper", "string.upper = nil return ctx.pass()")},
      {"tbl.lua", ruleSource("t/tbl", "table.insert = function() end return ctx.pass()")},
      {"zafter.lua",
       ruleSource("t/zafter", "return ctx.pass(string.upper('ok') .. tostring(#table))")},
  });
  CHECK(findingFor(findings, "t/meta")->message == "locked");
  CHECK(findingFor(findings, "t/upper")->status == model::Status::kError);
  CHECK(findingFor(findings, "t/upper")->message.find("read-only") != std::string::npos);
  CHECK(findingFor(findings, "t/tbl")->status == model::Status::kError);
  // Later rules still see the untouched libraries.
  CHECK(findingFor(findings, "t/zafter")->status == model::Status::kPass);
  CHECK(findingFor(findings, "t/zafter")->message.starts_with("OK"));
}

TEST_CASE("sandbox: rules cannot see or change each other's globals") {
  const std::string a = "local x = 1\nhelper_a = 41\nreturn {\n" +
                        ruleSource("t/a", "return ctx.pass(tostring(helper_a + 1))").substr(8);
  auto findings = runRules({
      {"a.lua", a},
      {"b.lua", ruleSource("t/b", "return ctx.pass(tostring(helper_a))")},
      {"c.lua", ruleSource("t/c", "created_in_check = 1 return ctx.pass()")},
  });
  // A global made while the file loads is visible to that rule only.
  CHECK(findingFor(findings, "t/a")->message == "42");
  CHECK(findingFor(findings, "t/b")->status == model::Status::kError);
  CHECK(findingFor(findings, "t/b")->message.find("undefined global 'helper_a'") !=
        std::string::npos);
  // After loading, the environment is frozen: check() cannot keep state in globals.
  CHECK(findingFor(findings, "t/c")->status == model::Status::kError);
  CHECK(findingFor(findings, "t/c")->message.find("may not create globals") != std::string::npos);
}

TEST_CASE("sandbox: an infinite loop is stopped by the time budget, even inside pcall") {
  const auto start = std::chrono::steady_clock::now();
  auto findings = runRules({
      {"loop.lua", ruleSource("t/loop", "while true do end")},
      {"ploop.lua", ruleSource("t/ploop",
                               "for i = 1, 1000 do pcall(function() while true do end end) end\n"
                               "return ctx.pass('escaped the budget')")},
      {"xloop.lua",
       ruleSource(
           "t/xloop",
           "local ok = xpcall(function() while true do end end, function() while true do end end)\n"
           "return ctx.pass('escaped')")},
      {"yclose.lua",
       ruleSource(
           "t/yclose",
           "local x <close> = setmetatable({}, { __close = function() while true do end end })\n"
           "while true do end")},
      {"ygc.lua", ruleSource("t/ygc",
                             "setmetatable({}, { __gc = function() while true do end end })\n"
                             "return ctx.pass('finalizer planted')")},
      {"zok.lua", ruleSource("t/zok", "return ctx.pass('still running')")},
  });
  const auto elapsed = std::chrono::steady_clock::now() - start;
  for (const char* id : {"t/loop", "t/ploop", "t/xloop"}) {
    const auto* f = findingFor(findings, id);
    REQUIRE(f != nullptr);
    CHECK(f->status == model::Status::kError);
    CHECK(f->message.find("time budget of 300 ms exceeded") != std::string::npos);
  }
  for (const char* id : {"t/yclose", "t/ygc"}) {
    CHECK(findingFor(findings, id)->status == model::Status::kError);
    CHECK(findingFor(findings, id)->message.find("__gc and __close metamethods are not allowed") !=
          std::string::npos);
  }
  CHECK(findingFor(findings, "t/zok")->status == model::Status::kPass);
  CHECK(elapsed < std::chrono::seconds(5));  // three budgets of 0.3 s, not a hang
}

TEST_CASE("sandbox: blocks of every size class, pooled and past the pool's range, stay intact") {
  // Each round keeps 1,000 strings of one size class alive, checks them and drops them. The
  // rounds carve about 130 MB from the state's small-block pool in all, while never holding
  // more than ~2 MB: the pool's 8 MiB range is used up after a few rounds and the later
  // rounds' blocks come from malloc, mixed with blocks the pool reuses.
  engine::EvalOptions options = fastLimits();
  options.limits.memory_bytes = std::size_t{8} << 20;
  options.limits.call_timeout = std::chrono::milliseconds(20000);
  auto findings = runRules(
      {
          {"churn.lua", ruleSource("t/churn", R"(
            local total, bad = 0, 0
            for len = 10, 2010, 16 do
              local t = {}
              for i = 1, 1000 do t[i] = string.rep("x", len) .. i end
              for i = 1, 1000 do
                local s = t[i]
                if #s ~= len + #tostring(i) or s:sub(len + 1) ~= tostring(i) then bad = bad + 1 end
                total = total + #s
              end
            end
            return ctx.pass(total .. "/" .. bad)
          )")},
          {"zok.lua", ruleSource("t/zok",
                                 "local t = {} for i = 1, 1000 do t[i] = {i} end "
                                 "return ctx.pass(tostring(#t + t[1000][1]))")},
      },
      options);
  // 126 rounds of 1,000 strings: sum of lengths 1000 * sum(10 + 16k) plus the digits.
  std::size_t expected = 0;
  for (std::size_t len = 10; len <= 2010; len += 16) {
    for (std::size_t i = 1; i <= 1000; ++i) expected += len + std::to_string(i).size();
  }
  REQUIRE(findingFor(findings, "t/churn") != nullptr);
  CHECK(findingFor(findings, "t/churn")->status == model::Status::kPass);
  CHECK(findingFor(findings, "t/churn")->message == std::to_string(expected) + "/0");
  CHECK(findingFor(findings, "t/zok")->message == "2000");
}

TEST_CASE("sandbox: a memory bomb is stopped by the cap, even inside pcall") {
  // A time budget far beyond what reaching the cap takes, so that a busy machine (the bomb
  // gets little CPU) still hits the memory cap first.
  engine::EvalOptions options = fastLimits();
  options.limits.call_timeout = std::chrono::milliseconds(20000);
  auto findings = runRules(
      {
          {"bomb.lua",
           ruleSource("t/bomb",
                      "local t = {} while true do t[#t + 1] = string.rep('x', 1 << 20) .. #t end")},
          {"pbomb.lua",
           ruleSource("t/pbomb",
                      "local ok = pcall(function() local t = {} while true do t[#t + 1] = "
                      "string.rep('y', 1 << 20) .. #t end end)\nreturn ctx.pass('survived')")},
          {"rep.lua", ruleSource("t/rep", "return ctx.pass(string.rep('x', 1 << 40))")},
          {"zok.lua",
           ruleSource(
               "t/zok",
               "local t = {} for i = 1, 1000 do t[i] = i end return ctx.pass(tostring(#t))")},
      },
      options);
  CHECK(findingFor(findings, "t/bomb")->status == model::Status::kError);
  CHECK(findingFor(findings, "t/bomb")->message.find("memory limit of 16 MiB exceeded") !=
        std::string::npos);
  CHECK(findingFor(findings, "t/pbomb")->status == model::Status::kError);
  CHECK(findingFor(findings, "t/pbomb")->message.find("memory limit") != std::string::npos);
  CHECK(findingFor(findings, "t/rep")->status == model::Status::kError);
  // The state recovers: the next rule runs normally.
  CHECK(findingFor(findings, "t/zok")->message == "1000");
}

TEST_CASE("sandbox: crashing rules give error findings and the scan goes on") {
  auto findings = runRules({
      {"a_table_err.lua", ruleSource("t/a_table_err", "error({})")},
      {"b_tostring.lua",
       ruleSource("t/b_tostring",
                  "error(setmetatable({}, { __tostring = function() error('again') end }))")},
      {"c_nil.lua", ruleSource("t/c_nil", "return s.nothing.here")},
      {"d_none.lua", ruleSource("t/d_none", "return")},
      {"e_wrong.lua", ruleSource("t/e_wrong", "return { status = 'pass' }")},
      {"f_deep.lua",
       ruleSource("t/f_deep", "local function f(n) return f(n + 1) + 1 end return ctx.pass(f(1))")},
      {"g_ok.lua", ruleSource("t/g_ok", "return ctx.pass()")},
  });
  for (const char* id :
       {"t/a_table_err", "t/b_tostring", "t/c_nil", "t/d_none", "t/e_wrong", "t/f_deep"}) {
    const auto* f = findingFor(findings, id);
    REQUIRE_MESSAGE(f != nullptr, id);
    CHECK_MESSAGE(f->status == model::Status::kError, id);
    CHECK_MESSAGE(!f->message.empty(), id);
  }
  CHECK(findingFor(findings, "t/a_table_err")->message == "(error object is a table value)");
  CHECK(findingFor(findings, "t/c_nil")->message.find("c_nil.lua:9:") != std::string::npos);
  CHECK(findingFor(findings, "t/d_none")->message.find("no result") != std::string::npos);
  CHECK(findingFor(findings, "t/g_ok")->status == model::Status::kPass);
}

TEST_CASE("sandbox: snapshot data is read-only and ctx.copy gives a writable copy") {
  auto findings = runRules({
      {"w.lua",
       ruleSource("t/w",
                  "local p = ctx.objects('pods')[1]\np.metadata.name = 'x'\nreturn ctx.pass()")},
      {"c.lua",
       ruleSource("t/c",
                  "local p = ctx.copy(ctx.objects('pods')[1])\np.metadata.name = 'x'\n"
                  "return ctx.pass(p.metadata.name .. ctx.objects('pods')[1].metadata.name)")},
  });
  CHECK(findingFor(findings, "t/w")->status == model::Status::kError);
  CHECK(findingFor(findings, "t/w")->message.find("read-only") != std::string::npos);
  CHECK(findingFor(findings, "t/c")->message == "xp1");
}

TEST_CASE("sandbox: require loads only pack libraries, read-only and without escapes") {
  auto findings = runRules({
      {"lib/helper.lua",
       "local M = {}\nfunction M.twice(x) return 2 * x end\nM.io_visible = pcall(function() return "
       "io end)\nreturn M\n"},
      {"a.lua",
       "local h = require('helper')\nreturn {\n" +
           ruleSource("t/a", "return ctx.pass(tostring(h.twice(21)) .. tostring(h.io_visible))")
               .substr(8)},
      {"b.lua", "local h = require('helper')\nreturn {\n" +
                    ruleSource("t/b", "h.twice = nil return ctx.pass()").substr(8)},
      {"c.lua", ruleSource("t/c", "local m = require('os') return ctx.pass()")},
  });
  CHECK(findingFor(findings, "t/a")->message == "42false");
  CHECK(findingFor(findings, "t/b")->status == model::Status::kError);
  CHECK(findingFor(findings, "t/c")->status == model::Status::kError);
  CHECK(findingFor(findings, "t/c")->message.find("module 'os' not found") != std::string::npos);
}

TEST_CASE("sandbox: evidence is converted with a size cap and valid UTF-8") {
  engine::EvalOptions o = fastLimits();
  o.limits.max_evidence_bytes = 1024;
  auto findings = runRules(
      {{"e.lua",
        ruleSource("t/e",
                   "local t = {} for i = 1, 1000 do t['k' .. i] = string.rep('v', 50) end\n"
                   "t.bad = '\\xff\\xfe ok'\nreturn ctx.fail('big', t)")}},
      o);
  const auto* f = findingFor(findings, "t/e");
  REQUIRE(f != nullptr);
  CHECK(f->status == model::Status::kFail);
  const std::string dumped = f->evidence.dump();  // would throw on invalid UTF-8
  CHECK(dumped.size() < 4096);
  CHECK(f->evidence.value("_truncated", false));
}

TEST_CASE("sandbox: bilingual messages { en, zh }; plain strings keep working") {
  auto findings = runRules({
      {"a_both.lua",
       ruleSource("t/a_both", "return ctx.fail({ en = 'weak', zh = '弱口令' }, { n = 1 })")},
      {"b_en.lua", ruleSource("t/b_en", "return ctx.warn({ en = 'english only' })")},
      {"c_plain.lua", ruleSource("t/c_plain", "return ctx.na('plain')")},
      {"d_no_en.lua", ruleSource("t/d_no_en", "return ctx.fail({ zh = '只有中文' })")},
      {"e_bad_zh.lua", ruleSource("t/e_bad_zh", "return ctx.fail({ en = 'x', zh = 42 })")},
      {"f_pass.lua", ruleSource("t/f_pass", "return ctx.pass({ en = 'ok', zh = '正常' })")},
  });
  const auto* both = findingFor(findings, "t/a_both");
  REQUIRE(both != nullptr);
  CHECK(both->status == model::Status::kFail);
  CHECK(both->message == "weak");
  CHECK(both->message_zh == "弱口令");
  CHECK(both->evidence["n"] == 1);
  CHECK(model::messageIn(*both, "zh") == "弱口令");
  CHECK(model::messageIn(*both, "en") == "weak");
  const auto* en = findingFor(findings, "t/b_en");
  REQUIRE(en != nullptr);
  CHECK(en->status == model::Status::kWarn);
  CHECK(en->message_zh.empty());
  CHECK(model::messageIn(*en, "zh") == "english only");
  CHECK(findingFor(findings, "t/c_plain")->message == "plain");
  CHECK(findingFor(findings, "t/c_plain")->message_zh.empty());
  const auto* no_en = findingFor(findings, "t/d_no_en");
  CHECK(no_en->status == model::Status::kError);
  CHECK(no_en->message.find("needs an `en` string") != std::string::npos);
  const auto* bad_zh = findingFor(findings, "t/e_bad_zh");
  CHECK(bad_zh->status == model::Status::kError);
  CHECK(bad_zh->message.find("must be a string") != std::string::npos);
  CHECK(findingFor(findings, "t/f_pass")->message_zh == "正常");
}
