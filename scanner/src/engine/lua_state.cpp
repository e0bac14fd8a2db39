// SPDX-License-Identifier: Apache-2.0
// The sandboxed lua_State: allocator cap, time budget, filtered libraries, private rule
// environments, require() limited to rule libraries. See rules/README.md "The sandbox".
#include <algorithm>
#include <cstdlib>
#include <cstring>

#include <spdlog/spdlog.h>

#include "sandbox_internal.h"

namespace kpatrol::engine {
namespace {

// Builds the sandbox from the full standard libraries, then the full _G is dropped: rules only
// ever see `globals`. Runs once per state, trusted code.
constexpr const char* kPrelude = R"lua(
local setmetatable, getmetatable, type, next, error, tostring, pairs =
      setmetatable, getmetatable, type, next, error, tostring, pairs

local function ro_error() error("attempt to modify a read-only table", 2) end

local proxies = setmetatable({}, { __mode = "k" })
local function readonly(t)
  if type(t) ~= "table" then return t end
  local cached = proxies[t]
  if cached then return cached end
  -- A flat table (no table values) is read through a C-level __index: the proxy stays empty,
  -- so every write still reaches __newindex. Nested tables get a function that wraps what it
  -- returns.
  local flat = true
  for _, v in next, t do
    if type(v) == "table" then flat = false break end
  end
  local proxy = {}
  setmetatable(proxy, {
    __index = flat and t or function(_, k) return readonly(t[k]) end,
    __newindex = ro_error,
    __len = function() return #t end,
    __pairs = function()
      local k = nil
      return function()
        local v
        k, v = next(t, k)
        return k, readonly(v)
      end, proxy, nil
    end,
    __metatable = "locked",
  })
  proxies[t] = proxy
  return proxy
end

local safe_string = {}
for k, v in pairs(string) do if k ~= "dump" then safe_string[k] = v end end
local safe_math = {}
for k, v in pairs(math) do if k ~= "random" and k ~= "randomseed" then safe_math[k] = v end end
local safe_table, safe_utf8 = {}, {}
for k, v in pairs(table) do safe_table[k] = v end
for k, v in pairs(utf8) do safe_utf8[k] = v end

-- Methods on string values resolve to the filtered table; the metatable itself is hidden.
local string_mt = getmetatable("")
string_mt.__index = safe_string
string_mt.__metatable = "locked"

-- Lua runs message handlers, __close and __gc with debug hooks off once the time-budget hook
-- has raised, so code there could loop forever: xpcall calls its handler after unwinding, and
-- metatables may not carry __gc or __close.
local pcall, rawget, select_, unpack, pack = pcall, rawget, select, table.unpack, table.pack
local function safe_xpcall(f, handler, ...)
  local r = pack(pcall(f, ...))
  if r[1] then return unpack(r, 1, r.n) end
  return false, handler(r[2])
end
local raw_setmetatable = setmetatable
local function safe_setmetatable(t, mt)
  if type(mt) == "table" and (rawget(mt, "__gc") ~= nil or rawget(mt, "__close") ~= nil) then
    error("__gc and __close metamethods are not allowed in rules", 2)
  end
  return raw_setmetatable(t, mt)
end

local base = {
  assert = assert, error = error, ipairs = ipairs, next = next, pairs = pairs, pcall = pcall,
  select = select_, tonumber = tonumber, tostring = tostring, type = type, xpcall = safe_xpcall,
  rawequal = rawequal, rawget = rawget, rawlen = rawlen, setmetatable = safe_setmetatable,
  getmetatable = getmetatable, _VERSION = _VERSION,
  string = readonly(safe_string), table = readonly(safe_table), math = readonly(safe_math),
  utf8 = readonly(safe_utf8),
}

-- Rule environments read globals from `base` at C level; only a miss calls a function (to
-- report the undefined global). No rule can reach `base` itself: environments' metatables
-- are locked and rawset is gone, so it stays unmodified.
setmetatable(base, {
  __index = function(_, k) error("undefined global '" .. tostring(k) .. "'", 2) end,
  __newindex = function(_, k)
    error("rules may not create globals ('" .. tostring(k) .. "'); use local", 2)
  end,
  __metatable = "locked",
})
local globals = base

local frozen_mt = {
  __index = globals,
  __newindex = function(_, k)
    error("rules may not create globals ('" .. tostring(k) .. "'); use local", 2)
  end,
  __metatable = "locked",
}
local loading_mt = { __index = globals, __metatable = "locked" }

return readonly, globals, frozen_mt, loading_mt, base
)lua";

void hook(lua_State* L, lua_Debug* ar);

void releaseBlock(LuaSandbox::Impl::Alloc& a, void* block, std::size_t size) noexcept {
  if (a.pool->owns(block)) {
    a.pool->release(block, size);
  } else {
    std::free(block);
  }
}

// Lua's allocator: small blocks from the state's pool, larger ones (and small ones once the
// pool's range is used up) from malloc. Lua passes the size of every block it frees or
// resizes, which is what the pool and the cap's accounting rely on.
void* allocate(void* ud, void* ptr, std::size_t osize, std::size_t nsize) noexcept {
  auto* a = static_cast<LuaSandbox::Impl::Alloc*>(ud);
  if (ptr == nullptr) osize = 0;  // Lua 5.4 passes a type tag in osize for new blocks
  if (nsize == 0) {
    if (ptr != nullptr) releaseBlock(*a, ptr, osize);
    a->used -= osize;
    return nullptr;
  }
  if (nsize > osize && a->used + (nsize - osize) > a->limit) {
    a->exceeded = true;
    // A rule that catches the memory error with pcall must not carry on: the hook raises again
    // on the next instruction.
    if (a->L != nullptr) lua_sethook(a->L, hook, LUA_MASKCOUNT, 1);
    return nullptr;
  }
  void* block = nullptr;
  const bool pooled = ptr != nullptr && a->pool->owns(ptr);
  if (pooled && LuaPool::sameClass(osize, nsize)) {
    block = a->pool->resizeInPlace(ptr, osize, nsize);
  } else if (ptr != nullptr && !pooled && nsize > LuaPool::kMaxSmall) {
    block = std::realloc(ptr, nsize);
    if (block == nullptr) return nullptr;
  } else {
    if (nsize <= LuaPool::kMaxSmall) block = a->pool->allocate(nsize);
    if (block == nullptr) block = std::malloc(nsize);
    if (block == nullptr) return nullptr;
    if (ptr != nullptr) {
      std::memcpy(block, ptr, std::min(osize, nsize));
      releaseBlock(*a, ptr, osize);
    }
  }
  a->used = a->used - osize + nsize;
  return block;
}

int panic(lua_State* L) {
  const char* msg = lua_tostring(L, -1);
  spdlog::critical("lua panic (sandbox invariant broken): {}", msg ? msg : "?");
  std::abort();
}

// Armed only when a limit is hit: by the watchdog's signal once the deadline passes
// (watchdog.h), or by the allocator at the memory cap. It fires on every instruction from then
// on, so a pcall inside the rule cannot swallow the error and carry on.
void hook(lua_State* L, lua_Debug* /*ar*/) {
  auto* impl = implOf(L);
  const bool over_time = std::chrono::steady_clock::now() >= impl->deadline;
  if (!over_time && !impl->alloc.exceeded) {
    lua_sethook(L, nullptr, 0, 0);  // a late signal from an earlier call
    return;
  }
  if (over_time) impl->timed_out = true;
  lua_sethook(L, hook, LUA_MASKCOUNT, 1);
  if (impl->alloc.exceeded) {
    luaL_error(L, "memory limit of %d MiB exceeded",
               static_cast<int>(impl->limits.memory_bytes >> 20));
  }
  luaL_error(L, "time budget of %d ms exceeded",
             static_cast<int>(impl->limits.call_timeout.count()));
}

// Message handler: never calls __tostring (a hostile error object could raise again).
int messageHandler(lua_State* L) {
  if (lua_type(L, 1) == LUA_TSTRING) return 1;
  const char* type = luaL_typename(L, 1);
  lua_pushfstring(L, "(error object is a %s value)", type);
  return 1;
}

// require(name): only lib/<name>.lua of the calling rule's pack or the built-in rules/lib.
int luaRequire(lua_State* L) {
  auto* impl = implOf(L);
  const char* name = luaL_checkstring(L, 1);
  const std::string pack = impl->rule != nullptr ? impl->rule->meta->pack : impl->loading_pack;
  lua_rawgeti(L, LUA_REGISTRYINDEX, impl->lib_cache_ref);
  if (lua_getfield(L, -1, pack.c_str()) != LUA_TTABLE) {
    lua_pop(L, 1);
    lua_newtable(L);
    lua_pushvalue(L, -1);
    lua_setfield(L, -3, pack.c_str());
  }
  if (lua_getfield(L, -1, name) != LUA_TNIL) {
    if (lua_type(L, -1) == LUA_TBOOLEAN) return luaL_error(L, "require: cycle loading '%s'", name);
    return 1;
  }
  lua_pop(L, 1);
  std::string display;
  const std::string* source = impl->rules->librarySource(pack, name, &display);
  if (source == nullptr) {
    return luaL_error(L,
                      "module '%s' not found (require loads only lib/%s.lua of the pack or "
                      "the built-in rules/lib)",
                      name, name);
  }
  lua_pushboolean(L, 0);  // loading marker, for cycles
  lua_setfield(L, 3, name);
  const std::string chunkname = "@" + display;
  if (luaL_loadbufferx(L, source->data(), source->size(), chunkname.c_str(), "t") != LUA_OK) {
    return lua_error(L);
  }
  // Stack: [1] name [2] cache [3] pack table [4] chunk
  lua_newtable(L);  // [5] the module's private environment
  lua_rawgeti(L, LUA_REGISTRYINDEX, impl->loading_mt_ref);
  lua_setmetatable(L, 5);
  lua_pushvalue(L, 5);
  lua_setupvalue(L, 4, 1);
  lua_insert(L, 4);   // [4] env [5] chunk
  lua_call(L, 0, 1);  // [4] env [5] module
  lua_rawgeti(L, LUA_REGISTRYINDEX, impl->frozen_mt_ref);
  lua_setmetatable(L, 4);
  lua_remove(L, 4);  // [4] module
  lua_rawgeti(L, LUA_REGISTRYINDEX, impl->readonly_ref);
  lua_insert(L, 4);
  lua_call(L, 1, 1);  // [4] readonly(module)
  lua_pushvalue(L, 4);
  lua_setfield(L, 3, name);
  return 1;
}

// load(text [, chunkname]): text only, in a fresh private environment.
int luaLoad(lua_State* L) {
  size_t len = 0;
  const char* text = luaL_checklstring(L, 1, &len);
  const char* name = luaL_optstring(L, 2, "=(load)");
  if (luaL_loadbufferx(L, text, len, name, "t") != LUA_OK) {
    lua_pushnil(L);
    lua_insert(L, -2);
    return 2;
  }
  auto* impl = implOf(L);
  lua_newtable(L);
  lua_rawgeti(L, LUA_REGISTRYINDEX, impl->frozen_mt_ref);
  lua_setmetatable(L, -2);
  lua_setupvalue(L, -2, 1);
  return 1;
}

}  // namespace

LuaSandbox::Impl* implOf(lua_State* L) {
  return *static_cast<LuaSandbox::Impl**>(lua_getextraspace(L));
}

void* resultSentinel() {
  static char sentinel;
  return &sentinel;
}

LuaSandbox::Impl::~Impl() {
  if (watch.L != nullptr) unwatchCalls(&watch);
  if (L != nullptr) lua_close(L);
}

bool protectedCall(LuaSandbox::Impl& impl, int nargs, int nresults, std::string& error) {
  lua_State* L = impl.L;
  const int base = lua_gettop(L) - nargs;
  lua_pushcfunction(L, messageHandler);
  lua_insert(L, base);
  impl.deadline = std::chrono::steady_clock::now() + impl.limits.call_timeout;
  impl.timed_out = false;
  impl.alloc.exceeded = false;
  beginWatchedCall(impl.watch, impl.deadline);
  const int rc = lua_pcall(L, nargs, nresults, base);
  endWatchedCall(impl.watch);
  lua_sethook(L, nullptr, 0, 0);
  lua_remove(L, base);
  const bool exceeded = impl.alloc.exceeded;
  impl.alloc.exceeded = false;
  if (rc == LUA_OK && !exceeded && !impl.timed_out) return true;
  if (rc != LUA_OK) {
    const char* msg = lua_tostring(L, -1);
    error = msg != nullptr ? msg : "unknown error";
    lua_pop(L, 1);
  } else {
    lua_pop(L, nresults == LUA_MULTRET ? lua_gettop(L) - base + 1 : nresults);
  }
  // Whatever the rule caught with pcall, exceeding a limit is what happened.
  if (exceeded) {
    error = "memory limit of " + std::to_string(impl.limits.memory_bytes >> 20) + " MiB exceeded";
    lua_gc(L, LUA_GCCOLLECT);
  } else if (impl.timed_out) {
    error = "time budget of " + std::to_string(impl.limits.call_timeout.count()) + " ms exceeded";
  } else if (rc == LUA_ERRMEM) {
    error = "memory limit exceeded: " + error;
  }
  return false;
}

Result<std::unique_ptr<LuaSandbox>> LuaSandbox::create(const RuleSet& rules,
                                                       const SandboxLimits& limits) {
  auto impl = std::make_unique<Impl>();
  impl->limits = limits;
  impl->rules = &rules;
  impl->alloc.limit = limits.memory_bytes;
  // The pool's range is the cap (at most 1 GiB of address space): fragmentation between size
  // classes can hold at most that much beyond what the cap counts.
  impl->alloc.pool = std::make_unique<LuaPool>(std::min(limits.memory_bytes, std::size_t{1} << 30));
  lua_State* L = lua_newstate(allocate, &impl->alloc);
  if (L == nullptr) return makeError(Errc::kInternal, "cannot create a Lua state");
  impl->L = L;
  *static_cast<Impl**>(lua_getextraspace(L)) = impl.get();
  impl->alloc.L = L;
  impl->watch.L = L;
  impl->watch.hook = hook;
  watchCalls(&impl->watch);
  lua_atpanic(L, panic);

  luaL_requiref(L, LUA_GNAME, luaopen_base, 1);
  luaL_requiref(L, LUA_STRLIBNAME, luaopen_string, 1);
  luaL_requiref(L, LUA_TABLIBNAME, luaopen_table, 1);
  luaL_requiref(L, LUA_MATHLIBNAME, luaopen_math, 1);
  luaL_requiref(L, LUA_UTF8LIBNAME, luaopen_utf8, 1);
  lua_settop(L, 0);
  registerViewType(L);

  if (luaL_loadbufferx(L, kPrelude, std::strlen(kPrelude), "=prelude", "t") != LUA_OK ||
      lua_pcall(L, 0, 5, 0) != LUA_OK) {
    std::string msg = lua_tostring(L, -1) ? lua_tostring(L, -1) : "?";
    return makeError(Errc::kInternal, "sandbox prelude failed: " + msg);
  }
  // Stack: readonly, globals, frozen_mt, loading_mt, base
  // base has a __newindex that raises: install our require and load with rawset.
  lua_pushliteral(L, "require");
  lua_pushcfunction(L, luaRequire);
  lua_rawset(L, 5);
  lua_pushliteral(L, "load");
  lua_pushcfunction(L, luaLoad);
  lua_rawset(L, 5);
  lua_pop(L, 1);
  impl->loading_mt_ref = luaL_ref(L, LUA_REGISTRYINDEX);
  impl->frozen_mt_ref = luaL_ref(L, LUA_REGISTRYINDEX);
  impl->globals_ref = luaL_ref(L, LUA_REGISTRYINDEX);
  impl->readonly_ref = luaL_ref(L, LUA_REGISTRYINDEX);
  lua_newtable(L);
  impl->lib_cache_ref = luaL_ref(L, LUA_REGISTRYINDEX);

  // ctx: read-only, shared by every rule of this state.
  lua_rawgeti(L, LUA_REGISTRYINDEX, impl->readonly_ref);
  pushCtxTable(L);
  lua_call(L, 1, 1);
  impl->ctx_ref = luaL_ref(L, LUA_REGISTRYINDEX);

  // The full standard _G is no longer reachable from any rule: empty it.
  lua_pushglobaltable(L);
  lua_pushnil(L);
  while (lua_next(L, -2) != 0) {
    lua_pop(L, 1);
    lua_pushvalue(L, -1);
    lua_pushnil(L);
    lua_rawset(L, -4);
  }
  lua_pop(L, 1);
  lua_gc(L, LUA_GCCOLLECT);
  // Checks allocate small short-lived tables and strings; a generational collector frees them
  // young instead of re-marking the long-lived rule tables and libraries in every cycle.
  lua_gc(L, LUA_GCGEN, 0, 0);
  return std::unique_ptr<LuaSandbox>(new LuaSandbox(std::move(impl)));
}

LuaSandbox::LuaSandbox(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
LuaSandbox::~LuaSandbox() = default;

lua_State* LuaSandbox::state() noexcept { return impl_->L; }
std::size_t LuaSandbox::memoryUsed() const noexcept { return impl_->alloc.used; }

void LuaSandbox::collectIfLarge() {
  if (impl_->alloc.used > impl_->limits.memory_bytes / 2) lua_gc(impl_->L, LUA_GCCOLLECT);
}

Result<int> LuaSandbox::loadChunk(std::string_view source, const std::string& display,
                                  const std::string& pack) {
  lua_State* L = impl_->L;
  const std::string chunkname = "@" + display;
  if (!source.empty() && source[0] == '\x1b') {
    return makeError(Errc::kRuleError, display + ": precompiled bytecode is not accepted");
  }
  if (luaL_loadbufferx(L, source.data(), source.size(), chunkname.c_str(), "t") != LUA_OK) {
    std::string msg = lua_tostring(L, -1) ? lua_tostring(L, -1) : "syntax error";
    lua_pop(L, 1);
    return makeError(Errc::kRuleError, msg);
  }
  lua_newtable(L);  // the rule's private environment
  lua_rawgeti(L, LUA_REGISTRYINDEX, impl_->loading_mt_ref);
  lua_setmetatable(L, -2);
  lua_pushvalue(L, -1);
  const int env_ref = luaL_ref(L, LUA_REGISTRYINDEX);
  lua_setupvalue(L, -2, 1);
  impl_->loading_pack = pack;
  impl_->rule = nullptr;
  std::string error;
  const bool ok = protectedCall(*impl_, 0, 1, error);
  impl_->loading_pack.clear();
  lua_rawgeti(L, LUA_REGISTRYINDEX, env_ref);
  lua_rawgeti(L, LUA_REGISTRYINDEX, impl_->frozen_mt_ref);
  lua_setmetatable(L, -2);  // freeze: from now on check() cannot create globals
  lua_pop(L, 1);
  luaL_unref(L, LUA_REGISTRYINDEX, env_ref);
  if (!ok) return makeError(Errc::kRuleError, error);
  if (!lua_istable(L, -1)) {
    const std::string got = luaL_typename(L, -1);
    lua_pop(L, 1);
    return makeError(Errc::kRuleError,
                     display + ": the file must return the rule table, it returned " + got);
  }
  return luaL_ref(L, LUA_REGISTRYINDEX);
}

Status LuaSandbox::addRule(const RuleMeta& rule, const model::Json& params) {
  lua_State* L = impl_->L;
  auto ref = loadChunk(rule.source, rule.display, rule.pack);
  if (!ref) return std::move(ref).error();
  LoadedRule loaded;
  loaded.meta = &rule;
  loaded.table_ref = *ref;
  lua_rawgeti(L, LUA_REGISTRYINDEX, loaded.table_ref);
  if (lua_getfield(L, -1, "check") != LUA_TFUNCTION) {
    lua_pop(L, 2);
    return makeError(Errc::kRuleError, rule.display + ": check is not a function");
  }
  loaded.check_ref = luaL_ref(L, LUA_REGISTRYINDEX);
  if (lua_getfield(L, -1, "applies") == LUA_TFUNCTION) {
    loaded.applies_ref = luaL_ref(L, LUA_REGISTRYINDEX);
  } else {
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  // Parameters: plain values, read through ctx.param.
  lua_newtable(L);
  for (const auto& [name, value] : params.items()) {
    if (value.is_structured()) {  // containers: give the rule plain read-only tables
      lua_rawgeti(L, LUA_REGISTRYINDEX, impl_->readonly_ref);
      pushPlainJson(L, value);
      lua_call(L, 1, 1);
    } else {
      pushPlainJson(L, value);
    }
    lua_setfield(L, -2, name.c_str());
  }
  loaded.params_ref = luaL_ref(L, LUA_REGISTRYINDEX);
  impl_->loaded.push_back(loaded);
  return okStatus();
}

namespace {

// Whether a dotted path exists under a JSON object ("kubelet.config").
bool hasPath(model::JsonView root, std::string_view path) {
  model::JsonView cur = root;
  while (cur && !path.empty()) {
    const auto dot = path.find('.');
    if (!cur.is_object()) return false;
    const model::JsonView next = cur.find(path.substr(0, dot));
    if (!next || next.is_null()) return false;
    cur = next;
    path = dot == std::string_view::npos ? std::string_view() : path.substr(dot + 1);
  }
  return cur.valid();
}

// Why a required fact is unavailable, or empty when it is there.
std::string missingRequirement(const model::Snapshot& snap, const model::Subject& subject,
                               const std::string& req) {
  if (req.starts_with("objects.")) {
    const std::string plural = req.substr(8);
    if (snap.objects(plural)) return {};
    if (const auto* e = snap.errorFor("cluster", req)) return req + " not collected: " + e->message;
    return req + " not collected (no " + plural + " in the snapshot)";
  }
  if (subject.scope != model::Scope::kNode) {
    return "required fact '" + req + "' is not available for " + subject.id;
  }
  if (hasPath(subject.facts, req)) return {};
  if (const auto* e = snap.errorFor(subject.id, req)) {
    return "host fact '" + req + "' not collected: " + e->message +
           (e->source.empty() ? "" : " (" + e->source + ")");
  }
  if (!subject.facts) {
    return "no host facts were collected for " + subject.id +
           " (scan with SSH or a host-root collection to evaluate node checks)";
  }
  return "host fact '" + req + "' was not collected for " + subject.id;
}

bool hasLabel(model::JsonView obj, const char* key, std::string* value = nullptr) {
  if (!obj) return false;
  const model::JsonView m = obj.find("metadata");
  if (!m || !m.is_object()) return false;
  const model::JsonView l = m.find("labels");
  if (!l || !l.is_object()) return false;
  const model::JsonView it = l.find(key);
  if (!it) return false;
  if (value != nullptr && it.is_string()) *value = std::string(it.getString());
  return true;
}

// The subject table is read through a C-level proxy, so that result reuse can record which of
// its fields a check reads (memo.h). Upvalue 1: the fields; upvalue 2: the Subject.
void traceSubjectRead(lua_State* L, LuaSandbox::Impl& impl) {
  if (lua_touserdata(L, lua_upvalueindex(2)) != impl.subject || impl.snapshot == nullptr ||
      lua_type(L, 2) != LUA_TSTRING) {
    impl.trace.taint();  // a subject kept from an earlier evaluation, or an odd key
    return;
  }
  size_t len = 0;
  const char* key = lua_tolstring(L, 2, &len);
  ObservedValue value;
  model::JsonView container;
  if (!subjectValue(*impl.snapshot, *impl.subject, subjectField(std::string_view(key, len)), value,
                    container)) {
    impl.trace.taint();
    return;
  }
  impl.trace.root(TraceOp::kSubject, std::string_view(key, len), value.owned(), container);
}

int subjectIndex(lua_State* L) {
  lua_settop(L, 2);
  lua_pushvalue(L, 2);
  lua_rawget(L, lua_upvalueindex(1));
  if (auto* impl = implOf(L); impl->trace.recording()) traceSubjectRead(L, *impl);
  return 1;
}

int subjectNext(lua_State* L) {
  lua_settop(L, 2);
  if (lua_next(L, 1) != 0) return 2;
  lua_pushnil(L);
  return 1;
}

int subjectPairs(lua_State* L) {
  implOf(L)->trace.taint();  // iterating the subject reads every field
  lua_pushcfunction(L, subjectNext);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_pushnil(L);
  return 3;
}

int subjectLen(lua_State* L) {
  implOf(L)->trace.taint();
  lua_pushinteger(L, static_cast<lua_Integer>(lua_rawlen(L, lua_upvalueindex(1))));
  return 1;
}

int subjectNewIndex(lua_State* L) {
  luaL_where(L, 2);  // the rule's line, not this function's
  lua_pushliteral(L, "attempt to modify a read-only table");
  lua_concat(L, 2);
  return lua_error(L);
}

// Replaces the fields table on top of the stack with its read-only proxy.
void makeSubjectProxy(lua_State* L, const model::Subject& s) {
  const int fields = lua_gettop(L);
  lua_newtable(L);  // the proxy: stays empty, so every read reaches __index
  lua_createtable(L, 0, 5);
  lua_pushvalue(L, fields);
  lua_pushlightuserdata(L, const_cast<model::Subject*>(&s));
  lua_pushcclosure(L, subjectIndex, 2);
  lua_setfield(L, -2, "__index");
  lua_pushcfunction(L, subjectNewIndex);
  lua_setfield(L, -2, "__newindex");
  lua_pushvalue(L, fields);
  lua_pushcclosure(L, subjectLen, 1);
  lua_setfield(L, -2, "__len");
  lua_pushvalue(L, fields);
  lua_pushcclosure(L, subjectPairs, 1);
  lua_setfield(L, -2, "__pairs");
  lua_pushliteral(L, "locked");
  lua_setfield(L, -2, "__metatable");
  lua_setmetatable(L, -2);
  lua_replace(L, fields);
}

void pushSubject(LuaSandbox::Impl& impl, const model::Snapshot& snap, const model::Subject& s) {
  lua_State* L = impl.L;
  if (impl.cached_subject == &s && impl.subject_ref != LUA_NOREF) {
    lua_rawgeti(L, LUA_REGISTRYINDEX, impl.subject_ref);
    return;
  }
  if (impl.subject_ref != LUA_NOREF) luaL_unref(L, LUA_REGISTRYINDEX, impl.subject_ref);
  resetViewCache(impl);
  lua_createtable(L, 0, 12);
  auto setString = [&](const char* k, const std::string& v) {
    lua_pushlstring(L, v.data(), v.size());
    lua_setfield(L, -2, k);
  };
  setString("id", s.id);
  setString("scope", model::scopeName(s.scope));
  setString("kind", s.kind);
  setString("name", s.name);
  if (!s.namespace_.empty()) setString("namespace", s.namespace_);
  pushJson(L, metaField(s.object, "labels"));
  lua_setfield(L, -2, "labels");
  pushJson(L, metaField(s.object, "annotations"));
  lua_setfield(L, -2, "annotations");
  if (s.object) {
    pushJson(L, s.object);
    lua_setfield(L, -2, "object");
  }
  if (s.facts) {
    pushJson(L, s.facts);
    lua_setfield(L, -2, "facts");
  }
  const std::string flavour = snap.meta().flavour.empty() ? "unknown" : snap.meta().flavour;
  if (s.scope == model::Scope::kCluster) {
    setString("version", snap.meta().cluster_version);
    setString("flavour", flavour);
  }
  // Every subject can tell which cluster it is in: node rules on a managed control plane say
  // na with the reason instead of guessing from node labels.
  // The same read-only table for every subject of a snapshot: readonly() remembers each
  // table it wraps, so one per subject would grow that weak table until the next collection.
  std::string cluster_key =
      snap.meta().cluster_name + '\n' + snap.meta().cluster_version + '\n' + flavour;
  if (impl.cluster_ref == LUA_NOREF || impl.cluster_key != cluster_key) {
    if (impl.cluster_ref != LUA_NOREF) luaL_unref(L, LUA_REGISTRYINDEX, impl.cluster_ref);
    lua_rawgeti(L, LUA_REGISTRYINDEX, impl.readonly_ref);
    lua_createtable(L, 0, 3);
    setString("name", snap.meta().cluster_name);
    setString("version", snap.meta().cluster_version);
    setString("flavour", flavour);
    lua_call(L, 1, 1);  // readonly(cluster)
    impl.cluster_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    impl.cluster_key = std::move(cluster_key);
  }
  lua_rawgeti(L, LUA_REGISTRYINDEX, impl.cluster_ref);
  lua_setfield(L, -2, "cluster");
  if (s.scope == model::Scope::kNode) {
    bool control_plane = hasLabel(s.object, "node-role.kubernetes.io/control-plane") ||
                         hasLabel(s.object, "node-role.kubernetes.io/master");
    if (!control_plane && s.facts) control_plane = hasPath(s.facts, "processes.kube-apiserver");
    std::string type;
    const bool is_virtual = (hasLabel(s.object, "type", &type) && type == "virtual-kubelet") ||
                            hasLabel(s.object, "virtual-kubelet.io/provider-name");
    lua_rawgeti(L, LUA_REGISTRYINDEX, impl.readonly_ref);
    lua_createtable(L, 0, 3);
    lua_pushboolean(L, control_plane);
    lua_setfield(L, -2, "control_plane");
    lua_pushboolean(L, !control_plane && !is_virtual);
    lua_setfield(L, -2, "worker");
    lua_pushboolean(L, is_virtual);
    lua_setfield(L, -2, "virtual");
    lua_call(L, 1, 1);  // readonly(roles)
    lua_setfield(L, -2, "roles");
  }
  makeSubjectProxy(L, s);
  lua_pushvalue(L, -1);
  impl.subject_ref = luaL_ref(L, LUA_REGISTRYINDEX);
  impl.cached_subject = &s;
}

struct PushArgs {
  LuaSandbox::Impl* impl;
  const model::Snapshot* snapshot;
  const model::Subject* subject;
};

int pushSubjectTrampoline(lua_State* L) {
  auto* args = static_cast<PushArgs*>(lua_touserdata(L, 1));
  pushSubject(*args->impl, *args->snapshot, *args->subject);
  return 1;
}

// Building the view allocates, and a rule may have left the heap near its cap: never let that
// raise outside a protected call.
bool pushSubjectSafe(LuaSandbox::Impl& impl, const model::Snapshot& snapshot,
                     const model::Subject& subject, std::string& error) {
  PushArgs args{&impl, &snapshot, &subject};
  lua_pushcfunction(impl.L, pushSubjectTrampoline);
  lua_pushlightuserdata(impl.L, &args);
  if (lua_pcall(impl.L, 1, 1, 0) != LUA_OK) {
    error = std::string("cannot build the subject view: ") +
            (lua_tostring(impl.L, -1) ? lua_tostring(impl.L, -1) : "out of memory");
    lua_pop(impl.L, 1);
    impl.cached_subject = nullptr;
    impl.subject_ref = LUA_NOREF;
    lua_gc(impl.L, LUA_GCCOLLECT);
    return false;
  }
  return true;
}

// Runs applies() and check() in Lua. `recordable`: the outcome is the rule's own answer
// (not a time-out, memory cap or engine failure), so result reuse may keep it.
CheckOutcome evaluateLua(LuaSandbox::Impl& impl, std::size_t index, const model::Snapshot& snapshot,
                         const model::Subject& subject, std::int64_t now, bool& recordable) {
  CheckOutcome out;
  recordable = false;
  const LoadedRule& rule = impl.loaded.at(index);
  lua_State* L = impl.L;
  if (impl.snapshot != &snapshot) impl.cached_subject = nullptr;
  impl.snapshot = &snapshot;
  impl.subject = &subject;
  impl.now = now;
  impl.rule = &rule;
  const int top = lua_gettop(L);
  std::string error;
  if (rule.applies_ref != LUA_NOREF) {
    lua_rawgeti(L, LUA_REGISTRYINDEX, rule.applies_ref);
    if (!pushSubjectSafe(impl, snapshot, subject, error)) {
      out.message = std::move(error);
      impl.rule = nullptr;
      lua_settop(L, top);
      return out;
    }
    lua_rawgeti(L, LUA_REGISTRYINDEX, impl.ctx_ref);
    if (!protectedCall(impl, 2, 1, error)) {
      out.message = "applies() failed: " + error;
      impl.rule = nullptr;
      lua_settop(L, top);
      return out;
    }
    const bool applies = lua_toboolean(L, -1) != 0;
    lua_pop(L, 1);
    if (!applies) {
      out.applies = false;
      out.status = model::Status::kNa;
      impl.rule = nullptr;
      recordable = true;
      return out;
    }
  }
  // applies() runs first, so a subject a rule excludes (a virtual node, a worker for a
  // control-plane rule) is skipped even when the facts the check would need are absent.
  for (const auto& req : rule.meta->requires_) {
    std::string why = missingRequirement(snapshot, subject, req);
    if (!why.empty()) {
      out.status = model::Status::kError;
      out.message = std::move(why);
      impl.rule = nullptr;
      return out;
    }
  }
  lua_rawgeti(L, LUA_REGISTRYINDEX, rule.check_ref);
  if (!pushSubjectSafe(impl, snapshot, subject, error)) {
    out.message = std::move(error);
    impl.rule = nullptr;
    lua_settop(L, top);
    return out;
  }
  lua_rawgeti(L, LUA_REGISTRYINDEX, impl.ctx_ref);
  if (!protectedCall(impl, 2, LUA_MULTRET, error)) {
    out.message = std::move(error);
  } else {
    const int nres = lua_gettop(L) - top;
    if (nres == 0 || lua_touserdata(L, top + 1) != resultSentinel()) {
      out.message = nres == 0
                        ? "check returned no result (it must return ctx.pass(), ctx.fail(), ...)"
                        : "check must return the value of ctx.pass(), ctx.warn(), ctx.fail(), "
                          "ctx.na(), ctx.manual() or ctx.error()";
    } else {
      recordable = true;
      out.status = static_cast<model::Status>(lua_tointeger(L, top + 2));
      size_t len = 0;
      const char* msg = lua_tolstring(L, top + 3, &len);
      if (msg != nullptr) {
        out.message.assign(msg, std::min(len, impl.limits.max_message_bytes));
        if (len > impl.limits.max_message_bytes) out.message += "…";
      }
      if (nres >= 4 && !lua_isnil(L, top + 4)) {
        out.evidence = luaToJson(L, top + 4, impl.limits.max_evidence_bytes);
      }
      // The Chinese message of a bilingual result ({en = ..., zh = ...}, ctx_api.cpp).
      if (nres >= 5 && lua_type(L, top + 5) == LUA_TSTRING) {
        const char* zh = lua_tolstring(L, top + 5, &len);
        out.message_zh.assign(zh, std::min(len, impl.limits.max_message_bytes));
        if (len > impl.limits.max_message_bytes) out.message_zh += "…";
      }
    }
  }
  lua_settop(L, top);
  impl.rule = nullptr;
  // A node whose collection failed or was cut off cannot show that a check does not apply: a
  // check answering "not applicable" from the facts it lacks would hide the failure.
  if (out.status == model::Status::kNa && subject.scope == model::Scope::kNode) {
    const auto* e = snapshot.errorFor(subject.id, "*");
    if (e != nullptr && e->fact == "*") {
      out.status = model::Status::kError;
      out.message = "not evaluated: " + e->message +
                    (e->source.empty() ? "" : " (" + e->source + ")") +
                    "; the check said: " + out.message;
    }
  }
  return out;
}

// Result reuse covers the scopes with many look-alike subjects. Node outcomes also depend on
// collection errors and derived roles, which the trace does not record.
bool reusable(model::Scope scope) {
  return scope == model::Scope::kPod || scope == model::Scope::kWorkload ||
         scope == model::Scope::kNamespace;
}

}  // namespace

std::uint64_t LuaSandbox::reusedCount() const noexcept { return impl_->reused; }

CheckOutcome LuaSandbox::evaluate(std::size_t index, const model::Snapshot& snapshot,
                                  const model::Subject& subject, std::int64_t now) {
  Impl& impl = *impl_;
  bool recordable = false;
  if (!impl.limits.reuse_results || !reusable(subject.scope)) {
    return evaluateLua(impl, index, snapshot, subject, now, recordable);
  }
  // Recorded outcomes hold for one snapshot and scan time (subject.cluster is not traced).
  const auto& meta = snapshot.meta();
  if (impl.memo_snapshot != &snapshot || impl.memo_now != now ||
      impl.memo_cluster[0] != meta.cluster_name || impl.memo_cluster[1] != meta.cluster_version ||
      impl.memo_cluster[2] != meta.flavour) {
    impl.memos.clear();
    impl.memo_snapshot = &snapshot;
    impl.memo_now = now;
    impl.memo_cluster = {meta.cluster_name, meta.cluster_version, meta.flavour};
  }
  if (impl.memos.size() < impl.loaded.size()) impl.memos.resize(impl.loaded.size());
  RuleMemo& memo = impl.memos.at(index);
  if (!memo.worthRecording()) return evaluateLua(impl, index, snapshot, subject, now, recordable);
  const CheckOutcome* hit = memo.lookup(snapshot, subject);
  if (hit != nullptr && !memo.verifyHit()) {
    ++impl.reused;
    return *hit;
  }
  // A miss, or a hit checked by running the rule anyway (the 1st, 2nd, 4th, 8th... of each
  // rule): a check with state of its own (a counter in a file-level local, a view kept from
  // the previous subject) answers differently, which insert() notices.
  impl.trace.start();
  CheckOutcome out = evaluateLua(impl, index, snapshot, subject, now, recordable);
  impl.trace.stop();
  if (recordable && !impl.trace.tainted()) {
    memo.insert(impl.trace.steps(), out);
  } else if (hit != nullptr) {
    memo.disable();  // the same reads as a recorded evaluation, yet this one could not be kept
  }
  return out;
}

}  // namespace kpatrol::engine
