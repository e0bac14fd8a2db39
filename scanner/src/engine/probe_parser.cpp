// SPDX-License-Identifier: Apache-2.0
// Plugin probe parsers in the rule sandbox: the same allocator cap, time budget, filtered
// libraries and frozen environment as a rule; the output goes in as a string, the facts come
// out as JSON.
#include "kpatrol/engine/probe_parser.h"

#include "sandbox_internal.h"

namespace kpatrol::engine {

Result<std::unique_ptr<ProbeParserRunner>> ProbeParserRunner::create(const RuleSet& packs,
                                                                     const SandboxLimits& limits) {
  auto sandbox = LuaSandbox::create(packs, limits);
  if (!sandbox) return std::move(sandbox).error();
  return std::unique_ptr<ProbeParserRunner>(new ProbeParserRunner(std::move(*sandbox)));
}

Result<model::Json> ProbeParserRunner::parse(const PackSource& pack, const PackProbe& probe,
                                             std::string_view output) {
  const std::string display = pack.origin + "/" + probe.parser;
  const std::string key = pack.name + "/" + probe.parser;
  lua_State* L = sandbox_->state();
  int ref = LUA_NOREF;
  if (auto it = refs_.find(key); it != refs_.end()) {
    ref = it->second;
  } else {
    const auto file = pack.files.find(probe.parser);
    if (file == pack.files.end()) {
      return makeError(Errc::kNotFound, display + ": the parser file is missing from the pack");
    }
    auto loaded = sandbox_->loadChunk(file->second, display, pack.name);
    if (!loaded) return makeError(Errc::kRuleError, "parser " + loaded.error().message);
    ref = *loaded;
    refs_.emplace(key, ref);
  }
  const int top = lua_gettop(L);
  lua_rawgeti(L, LUA_REGISTRYINDEX, ref);
  lua_getfield(L, -1, "parse");
  if (!lua_isfunction(L, -1)) {
    lua_settop(L, top);
    return makeError(Errc::kRuleError,
                     display + ": a probe parser must return {parse = function(output) ... end}");
  }
  lua_remove(L, -2);
  lua_pushlstring(L, output.data(), output.size());
  std::string error;
  if (!protectedCall(*implOf(L), 1, 1, error)) {
    lua_settop(L, top);
    return makeError(Errc::kRuleError, "parser error: " + error);
  }
  if (!lua_istable(L, -1)) {
    const std::string got = luaL_typename(L, -1);
    lua_settop(L, top);
    return makeError(Errc::kRuleError, display + ": parse() returned " + got +
                                           ", expected a table of facts (raise an error with "
                                           "error() when the output cannot be parsed)");
  }
  model::Json facts = luaToJson(L, -1, kMaxProbeFactsBytes);
  lua_settop(L, top);
  sandbox_->collectIfLarge();
  if (facts.is_array() && facts.empty()) facts = model::Json::object();
  return facts;
}

}  // namespace kpatrol::engine
