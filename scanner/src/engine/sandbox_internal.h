// SPDX-License-Identifier: Apache-2.0
// Internals shared by the sandbox's files (lua_state.cpp, lua_json.cpp, ctx_api.cpp).
#pragma once

#include <lua.hpp>

#include <array>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "kpatrol/engine/lua_sandbox.h"
#include "lua_pool.h"
#include "memo.h"
#include "watchdog.h"

namespace kpatrol::engine {

struct LoadedRule {
  const RuleMeta* meta = nullptr;
  int table_ref = LUA_NOREF;
  int check_ref = LUA_NOREF;
  int applies_ref = LUA_NOREF;
  int params_ref = LUA_NOREF;
};

struct LuaSandbox::Impl {
  struct Alloc {
    std::size_t used = 0;
    std::size_t limit = 0;
    bool exceeded = false;
    lua_State* L = nullptr;         // to arm the hook once the cap is hit
    std::unique_ptr<LuaPool> pool;  // small blocks (lua_pool.h); outlives lua_close
  };
  Alloc alloc;
  lua_State* L = nullptr;
  SandboxLimits limits;
  const RuleSet* rules = nullptr;

  // Time budget of the call in progress.
  std::chrono::steady_clock::time_point deadline{};
  bool timed_out = false;
  WatchedCall watch;  // the watchdog arms the hook when the deadline passes (watchdog.h)

  // The evaluation in progress (ctx functions read these).
  const model::Snapshot* snapshot = nullptr;
  const model::Subject* subject = nullptr;
  std::int64_t now = 0;
  const LoadedRule* rule = nullptr;
  std::string loading_pack;  // pack whose chunk is being loaded (for require)

  // Registry references built at creation.
  int globals_ref = LUA_NOREF;     // the frozen sandbox globals
  int readonly_ref = LUA_NOREF;    // prelude's readonly(t)
  int frozen_mt_ref = LUA_NOREF;   // metatable for a rule env after load
  int loading_mt_ref = LUA_NOREF;  // metatable for a rule env while its chunk runs
  int lib_cache_ref = LUA_NOREF;   // pack -> { name -> module }
  int ctx_ref = LUA_NOREF;         // the read-only ctx table
  int subject_ref = LUA_NOREF;     // cached view of the last subject
  const model::Subject* cached_subject = nullptr;
  int cluster_ref = LUA_NOREF;  // subject.cluster, shared by the subjects of a snapshot
  std::string cluster_key;      // its name, version and flavour
  // Views of the current subject by JSON address, so the rules that run on one subject share
  // them instead of each allocating its own (pushJson). Reset when the subject changes; capped,
  // so a cluster rule walking every pod does not keep a view of each.
  int view_mt_ref = LUA_NOREF;
  int view_cache_ref = LUA_NOREF;
  std::size_t view_cache_size = 0;

  std::vector<LoadedRule> loaded;

  // Result reuse (memo.h): the reads of the evaluation in progress, and per rule the
  // evaluations recorded so far, valid for one snapshot and scan time.
  TraceRecorder trace;
  std::vector<RuleMemo> memos;
  const model::Snapshot* memo_snapshot = nullptr;
  std::int64_t memo_now = 0;
  std::array<std::string, 3> memo_cluster;  // cluster name, version, flavour
  std::uint64_t reused = 0;

  ~Impl();
};

LuaSandbox::Impl* implOf(lua_State* L);

/// Marks a result returned by ctx.pass/warn/fail/...: check returns (sentinel, status, msg, ev).
void* resultSentinel();

// lua_json.cpp
void registerViewType(lua_State* L);
void pushJson(lua_State* L,
              model::JsonView value);           // scalars as Lua values, containers as views
model::JsonView toView(lua_State* L, int idx);  // absent if not a view
/// A nlohmann value (rule parameters) as plain Lua values and tables.
void pushPlainJson(lua_State* L, const model::Json& value, int depth = 0);
/// Converts a Lua value (tables, views, scalars) to JSON within a byte budget; strings are
/// made valid UTF-8. Never raises.
model::Json luaToJson(lua_State* L, int idx, std::size_t budget);
/// Deep copy of a Lua value into plain writable tables (views become tables).
void pushPlainCopy(lua_State* L, int idx, int depth = 0);

/// Reads of a view made on a rule's behalf (size, i-th value, i-th key), recorded in the
/// trace when result reuse is recording the evaluation (memo.h).
std::size_t tracedSize(lua_State* L, model::JsonView j);
model::JsonView tracedAt(lua_State* L, model::JsonView j, std::size_t i);
std::string_view tracedKey(lua_State* L, model::JsonView j, std::size_t i);
/// An object member read on a rule's behalf, recorded likewise.
model::JsonView tracedFind(lua_State* L, model::JsonView j, std::string_view key);

/// Empties the view cache (a new subject is being evaluated).
void resetViewCache(LuaSandbox::Impl& impl);

// ctx_api.cpp
void pushCtxTable(lua_State* L);  // leaves the (unfrozen) ctx table on the stack

/// Runs `nargs` args on top of the function at -(nargs+1) under the time budget. On failure
/// leaves nothing and returns the message ("file:line: msg").
bool protectedCall(LuaSandbox::Impl& impl, int nargs, int nresults, std::string& error);

}  // namespace kpatrol::engine
