// SPDX-License-Identifier: Apache-2.0
// The ctx table rules receive (rules/README.md "ctx"). Every function is nil-safe and raises
// only for misuse or uncollected data, which the engine turns into an `error` finding.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <stdexcept>

#include <spdlog/spdlog.h>

#include "kpatrol/core/time.h"
#include "sandbox_internal.h"

namespace kpatrol::engine {
namespace {

// Nil-safe functions return an explicit nil, so tostring(ctx.flag(...)) works.
int pushNil(lua_State* L) {
  lua_pushnil(L);
  return 1;
}

// The message argument: a string (English, or language-neutral), or a bilingual table
// {en = "...", zh = "..."} whose `zh` is optional (reports fall back to `en`). Pushes the
// English text and the Chinese text (nil when none); raises for a malformed message.
void pushMessage(lua_State* L, model::Status status, bool needs_message) {
  const int type = lua_type(L, 1);
  if (type == LUA_TTABLE) {
    const int en_type = lua_getfield(L, 1, "en");
    if (en_type != LUA_TSTRING && !(en_type == LUA_TNIL && !needs_message)) {
      luaL_error(L, "ctx.%s: a bilingual message needs an `en` string", model::statusName(status));
    }
    if (en_type == LUA_TNIL) lua_pop(L, 1), lua_pushliteral(L, "");
    const int zh_type = lua_getfield(L, 1, "zh");
    if (zh_type != LUA_TSTRING && zh_type != LUA_TNIL) {
      luaL_error(L, "ctx.%s: the `zh` of a bilingual message must be a string",
                 model::statusName(status));
    }
    return;
  }
  if (needs_message && type != LUA_TSTRING && type != LUA_TNUMBER) {
    luaL_error(L, "ctx.%s needs a message saying why", model::statusName(status));
  }
  if (type != LUA_TNONE && type != LUA_TNIL) {
    luaL_tolstring(L, 1, nullptr);
  } else {
    lua_pushliteral(L, "");
  }
  lua_pushnil(L);
}

// Results are (sentinel, status, message, evidence, message_zh); lua_state.cpp reads them.
int pushResult(lua_State* L, model::Status status, bool needs_message) {
  lua_settop(L, 2);  // message, evidence (nil when not given)
  lua_pushlightuserdata(L, resultSentinel());
  lua_pushinteger(L, static_cast<lua_Integer>(status));
  pushMessage(L, status, needs_message);  // en, zh
  lua_pushvalue(L, 2);                    // evidence
  lua_rotate(L, -2, 1);                   // ..., en, evidence, zh
  return 5;
}

int ctxPass(lua_State* L) { return pushResult(L, model::Status::kPass, false); }
int ctxWarn(lua_State* L) { return pushResult(L, model::Status::kWarn, true); }
int ctxFail(lua_State* L) { return pushResult(L, model::Status::kFail, true); }
int ctxNa(lua_State* L) { return pushResult(L, model::Status::kNa, true); }
int ctxManual(lua_State* L) { return pushResult(L, model::Status::kManual, true); }
int ctxError(lua_State* L) { return pushResult(L, model::Status::kError, true); }

int ctxParam(lua_State* L) {
  auto* impl = implOf(L);
  const char* name = luaL_checkstring(L, 1);
  if (impl->rule == nullptr) return luaL_error(L, "ctx.param is only available inside check()");
  lua_rawgeti(L, LUA_REGISTRYINDEX, impl->rule->params_ref);
  if (lua_getfield(L, -1, name) == LUA_TNIL) {
    return luaL_error(L, "ctx.param('%s'): the rule declares no such parameter", name);
  }
  return 1;
}

int ctxNow(lua_State* L) {
  lua_pushinteger(L, static_cast<lua_Integer>(implOf(L)->now));
  return 1;
}

// The snapshot under evaluation. ctx functions only run inside evaluate(), which sets it.
const model::Snapshot& snapshotOf(lua_State* L) {
  const model::Snapshot* snap = implOf(L)->snapshot;
  if (snap == nullptr) throw std::logic_error("ctx function called outside an evaluation");
  return *snap;
}

int ctxObjects(lua_State* L) {
  const char* plural = luaL_checkstring(L, 1);
  const auto& snap = snapshotOf(L);
  const model::JsonView list = snap.objects(plural);
  implOf(L)->trace.rootJson(TraceOp::kObjects, plural, list);
  if (!list) {
    const std::string fact = std::string("objects.") + plural;
    if (const auto* e = snap.errorFor("cluster", fact)) {
      return luaL_error(L, "%s not collected: %s", fact.c_str(), e->message.c_str());
    }
    return luaL_error(L, "%s not collected (no %s in the snapshot)", fact.c_str(), plural);
  }
  pushJson(L, list);
  return 1;
}

int ctxHasObjects(lua_State* L) {
  const char* plural = luaL_checkstring(L, 1);
  const bool has = snapshotOf(L).objects(plural).valid();
  if (TraceRecorder& trace = implOf(L)->trace; trace.recording()) {
    TraceValue v;
    v.kind = has ? TraceValue::Kind::kTrue : TraceValue::Kind::kFalse;
    trace.root(TraceOp::kHasObjects, plural, std::move(v), {});
  }
  lua_pushboolean(L, has);
  return 1;
}

// ctx.node(name): the Node object of that name, or nil. A lookup over the snapshot's node
// subjects in C++, so that a pod rule that needs its pod's Node does not walk
// ctx.objects("nodes") in Lua for every pod (150,000 pods x 5,000 nodes).
int ctxNode(lua_State* L) {
  const std::string_view name = luaL_checkstring(L, 1);
  const model::JsonView node = nodeObject(snapshotOf(L), name);
  implOf(L)->trace.rootJson(TraceOp::kNode, name, node);
  if (!node) return pushNil(L);
  pushJson(L, node);
  return 1;
}

int ctxNodeFacts(lua_State* L) {
  const char* name = luaL_checkstring(L, 1);
  const model::JsonView facts = snapshotOf(L).nodeFacts(name);
  implOf(L)->trace.rootJson(TraceOp::kNodeFacts, name, facts);
  if (!facts) return pushNil(L);
  pushJson(L, facts);
  return 1;
}

// Indexes the value at `idx` by the key on top of the stack, honouring __index (views and
// read-only proxies); leaves the result in place of the key. Non-indexable → nil.
void indexStep(lua_State* L, int idx) {
  const int t = lua_type(L, idx);
  if (t != LUA_TTABLE && t != LUA_TUSERDATA) {
    lua_pop(L, 1);
    lua_pushnil(L);
    return;
  }
  lua_gettable(L, idx);
}

int ctxGet(lua_State* L) {
  lua_settop(L, 3);
  lua_pushvalue(L, 1);  // current value at 4
  if (lua_type(L, 2) == LUA_TSTRING) {
    size_t len = 0;
    const char* p = lua_tolstring(L, 2, &len);
    std::string_view path(p, len);
    while (!path.empty() && !lua_isnil(L, 4)) {
      const auto dot = path.find('.');
      const std::string_view seg = path.substr(0, dot);
      lua_Integer num = 0;
      auto [end, ec] = std::from_chars(seg.data(), seg.data() + seg.size(), num);
      const bool numeric = ec == std::errc() && end == seg.data() + seg.size();
      const model::JsonView view = toView(L, 4);
      const bool indexes_array =
          (view && view.is_array()) || (lua_istable(L, 4) && lua_rawlen(L, 4) > 0);
      if (numeric && indexes_array) {
        lua_pushinteger(L, num);
      } else {
        lua_pushlstring(L, seg.data(), seg.size());
      }
      indexStep(L, 4);
      lua_replace(L, 4);
      path = dot == std::string_view::npos ? std::string_view() : path.substr(dot + 1);
    }
  } else if (lua_istable(L, 2)) {
    const lua_Integer n = static_cast<lua_Integer>(lua_rawlen(L, 2));
    for (lua_Integer i = 1; i <= n && !lua_isnil(L, 4); ++i) {
      lua_rawgeti(L, 2, i);
      indexStep(L, 4);
      lua_replace(L, 4);
    }
  } else {
    return luaL_error(L, "ctx.get(value, path): path must be a string or a table of keys");
  }
  if (lua_isnil(L, 4)) {
    lua_pushvalue(L, 3);
    return 1;
  }
  lua_pushvalue(L, 4);
  return 1;
}

// Looks a flag up in an argv array ("--name=v", "--name v", bare "--name" → "true"; the last
// occurrence wins, as with the Kubernetes components) or in an args map.
int ctxFlag(lua_State* L) {
  const std::string name = luaL_checkstring(L, 2);
  if (lua_isnil(L, 1)) return pushNil(L);
  const model::JsonView v = toView(L, 1);
  std::vector<std::string> argv;
  if (v && v.is_object()) {
    const model::JsonView it = tracedFind(L, v, name);
    if (!it) return pushNil(L);
    pushJson(L, it);
    return 1;
  }
  if (v && v.is_array()) {
    const std::size_t n = tracedSize(L, v);
    for (std::size_t i = 0; i < n; ++i) argv.emplace_back(tracedAt(L, v, i).stringOr());
  } else if (lua_istable(L, 1) && lua_rawlen(L, 1) > 0) {
    const auto n = static_cast<lua_Integer>(lua_rawlen(L, 1));
    for (lua_Integer i = 1; i <= n; ++i) {
      lua_rawgeti(L, 1, i);
      argv.push_back(lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "");
      lua_pop(L, 1);
    }
  } else if (lua_istable(L, 1)) {
    lua_getfield(L, 1, name.c_str());  // an args map given as a plain table
    return 1;
  } else {
    return luaL_error(L, "ctx.flag: expected an argv array or an args map");
  }
  bool found = false;
  std::string value;
  const std::string dashed = "--" + name;
  for (std::size_t i = 0; i < argv.size(); ++i) {
    const std::string& arg = argv[i];
    if (arg == dashed) {
      const bool has_value = i + 1 < argv.size() && !argv[i + 1].starts_with("-");
      value = has_value ? argv[i + 1] : "true";
      found = true;
    } else if (arg.starts_with(dashed + "=")) {
      value = arg.substr(dashed.size() + 1);
      found = true;
    }
  }
  if (!found) return pushNil(L);
  lua_pushlstring(L, value.data(), value.size());
  return 1;
}

// "true"/"false" become booleans and integers become numbers, so flag and config values compare.
void pushFlagValue(lua_State* L, const std::string& s) {
  if (s == "true") {
    lua_pushboolean(L, 1);
    return;
  }
  if (s == "false") {
    lua_pushboolean(L, 0);
    return;
  }
  long long n = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec == std::errc() && end == s.data() + s.size() && !s.empty()) {
    lua_pushinteger(L, n);
    return;
  }
  lua_pushlstring(L, s.data(), s.size());
}

// ctx.effective(node, component, config_path, flag, default): flag > config file > default.
int ctxEffective(lua_State* L) {
  lua_settop(L, 5);
  const char* component = luaL_checkstring(L, 2);
  const char* config_path = luaL_optstring(L, 3, nullptr);
  const char* flag = luaL_optstring(L, 4, nullptr);
  lua_getfield(L, 1, "facts");  // 6
  const model::JsonView facts = toView(L, 6);
  model::JsonView comp;
  if (facts && facts.is_object()) {
    const model::JsonView it = tracedFind(L, facts, component);
    if (it && it.is_object()) comp = it;
  }
  if (comp && flag != nullptr) {
    const model::JsonView args = tracedFind(L, comp, "args");
    if (args && args.is_object()) {
      const model::JsonView f = tracedFind(L, args, flag);
      if (f && !f.is_null()) {
        if (f.is_string()) {
          pushFlagValue(L, std::string(f.getString()));
        } else {
          pushJson(L, f);
        }
        lua_pushliteral(L, "flag");
        return 2;
      }
    }
  }
  if (comp && config_path != nullptr) {
    const model::JsonView cfg = tracedFind(L, comp, "config");
    if (cfg && cfg.is_object()) {
      model::JsonView cur = cfg;
      std::string_view path(config_path);
      while (cur && !path.empty()) {
        const auto dot = path.find('.');
        if (!cur.is_object()) {
          cur = {};
          break;
        }
        cur = tracedFind(L, cur, path.substr(0, dot));
        path = dot == std::string_view::npos ? std::string_view() : path.substr(dot + 1);
      }
      if (cur && !cur.is_null()) {
        pushJson(L, cur);
        lua_pushliteral(L, "config");
        return 2;
      }
    }
  }
  lua_pushvalue(L, 5);
  if (lua_isnil(L, -1)) {
    lua_pushnil(L);
  } else {
    lua_pushliteral(L, "default");
  }
  return 2;
}

int ctxContainers(lua_State* L) {
  const model::JsonView obj = toView(L, 1);
  lua_newtable(L);
  if (!obj || !obj.is_object()) return 1;
  model::JsonView spec = obj;
  if (const model::JsonView s = tracedFind(L, obj, "spec"); s && s.is_object()) spec = s;
  lua_Integer n = 1;
  for (const char* field : {"initContainers", "containers", "ephemeralContainers"}) {
    const model::JsonView list = tracedFind(L, spec, field);
    if (!list || !list.is_array()) continue;
    const std::size_t count = tracedSize(L, list);
    for (std::size_t i = 0; i < count; ++i) {
      const model::JsonView c = tracedAt(L, list, i);
      if (!c.is_object()) continue;
      pushJson(L, c);
      lua_rawseti(L, -2, n++);
    }
  }
  return 1;
}

int ctxParseTime(lua_State* L) {
  if (lua_type(L, 1) != LUA_TSTRING) return pushNil(L);
  auto t = parseRfc3339(lua_tostring(L, 1));
  if (!t) return pushNil(L);
  lua_pushinteger(L, static_cast<lua_Integer>(*t));
  return 1;
}

// Kubernetes resource quantities: "250m", "2", "512Mi", "1.5Gi", "1e3", "10G".
int ctxParseQuantity(lua_State* L) {
  if (lua_type(L, 1) == LUA_TNUMBER) {
    lua_pushvalue(L, 1);
    return 1;
  }
  if (lua_type(L, 1) != LUA_TSTRING) return pushNil(L);
  std::string s = lua_tostring(L, 1);
  static const std::pair<const char*, double> kSuffixes[] = {{"Ki", 1024.0},
                                                             {"Mi", 1048576.0},
                                                             {"Gi", 1073741824.0},
                                                             {"Ti", 1099511627776.0},
                                                             {"Pi", 1125899906842624.0},
                                                             {"Ei", 1152921504606846976.0},
                                                             {"n", 1e-9},
                                                             {"u", 1e-6},
                                                             {"m", 1e-3},
                                                             {"k", 1e3},
                                                             {"M", 1e6},
                                                             {"G", 1e9},
                                                             {"T", 1e12},
                                                             {"P", 1e15},
                                                             {"E", 1e18}};
  double mult = 1.0;
  for (const auto& [suffix, m] : kSuffixes) {
    const std::string_view sv(suffix);
    if (s.size() > sv.size() && s.ends_with(sv)) {
      mult = m;
      s.resize(s.size() - sv.size());
      break;
    }
  }
  double value = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || end != s.data() + s.size() || !std::isfinite(value)) return pushNil(L);
  lua_pushnumber(L, value * mult);
  return 1;
}

// Go-style durations: "1h30m", "90s", "500ms", "2m0s".
int ctxParseDuration(lua_State* L) {
  if (lua_type(L, 1) != LUA_TSTRING) return pushNil(L);
  std::string_view s = lua_tostring(L, 1);
  if (s.empty()) return pushNil(L);
  double total = 0;
  while (!s.empty()) {
    double value = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (ec != std::errc()) return pushNil(L);
    s.remove_prefix(static_cast<std::size_t>(end - s.data()));
    double unit = 0;
    if (s.starts_with("ms"))
      unit = 1e-3, s.remove_prefix(2);
    else if (s.starts_with("us"))
      unit = 1e-6, s.remove_prefix(2);
    else if (s.starts_with("ns"))
      unit = 1e-9, s.remove_prefix(2);
    else if (s.starts_with("h"))
      unit = 3600, s.remove_prefix(1);
    else if (s.starts_with("m"))
      unit = 60, s.remove_prefix(1);
    else if (s.starts_with("s"))
      unit = 1, s.remove_prefix(1);
    else
      return pushNil(L);
    total += value * unit;
  }
  lua_pushnumber(L, total);
  return 1;
}

std::optional<std::vector<long>> parseVersion(std::string_view v) {
  if (!v.empty() && (v[0] == 'v' || v[0] == 'V')) v.remove_prefix(1);
  std::vector<long> parts;
  while (!v.empty() && parts.size() < 3) {
    long n = 0;
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (ec != std::errc()) break;
    parts.push_back(n);
    v.remove_prefix(static_cast<std::size_t>(end - v.data()));
    if (v.empty() || v[0] != '.') break;
    v.remove_prefix(1);
  }
  if (parts.empty()) return std::nullopt;
  parts.resize(3, 0);
  return parts;
}

int ctxSemverCompare(lua_State* L) {
  if (lua_type(L, 1) != LUA_TSTRING || lua_type(L, 2) != LUA_TSTRING) return pushNil(L);
  auto a = parseVersion(lua_tostring(L, 1));
  auto b = parseVersion(lua_tostring(L, 2));
  if (!a || !b) return pushNil(L);
  lua_pushinteger(L, *a < *b ? -1 : (*a > *b ? 1 : 0));
  return 1;
}

int ctxModeAtMost(lua_State* L) {
  auto parse = [](lua_State* s, int idx) -> std::optional<unsigned> {
    if (lua_type(s, idx) == LUA_TNUMBER) return static_cast<unsigned>(lua_tointeger(s, idx));
    if (lua_type(s, idx) != LUA_TSTRING) return std::nullopt;
    std::string_view t = lua_tostring(s, idx);
    unsigned v = 0;
    auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v, 8);
    if (ec != std::errc() || end != t.data() + t.size() || t.empty()) return std::nullopt;
    return v;
  };
  auto mode = parse(L, 1);
  auto max = parse(L, 2);
  if (!max) return luaL_error(L, "ctx.mode_at_most(mode, max): max must be an octal string");
  if (!mode) return pushNil(L);
  lua_pushboolean(L, (*mode & ~*max & 07777u) == 0);
  return 1;
}

int ctxCopy(lua_State* L) {
  pushPlainCopy(L, 1);
  return 1;
}

int ctxLog(lua_State* L) {
  auto* impl = implOf(L);
  const char* msg = luaL_checkstring(L, 1);
  impl->trace.taint();  // a reused result would skip the log line
  spdlog::debug("rule={} subject={} {}", impl->rule ? impl->rule->meta->id : "(load)",
                impl->subject ? impl->subject->id : "-", msg);
  return 0;
}

}  // namespace

void pushCtxTable(lua_State* L) {
  const luaL_Reg functions[] = {
      {"pass", ctxPass},
      {"warn", ctxWarn},
      {"fail", ctxFail},
      {"na", ctxNa},
      {"manual", ctxManual},
      {"error", ctxError},
      {"param", ctxParam},
      {"now", ctxNow},
      {"objects", ctxObjects},
      {"has_objects", ctxHasObjects},
      {"node", ctxNode},
      {"node_facts", ctxNodeFacts},
      {"get", ctxGet},
      {"flag", ctxFlag},
      {"effective", ctxEffective},
      {"containers", ctxContainers},
      {"parse_time", ctxParseTime},
      {"parse_quantity", ctxParseQuantity},
      {"parse_duration", ctxParseDuration},
      {"semver_compare", ctxSemverCompare},
      {"mode_at_most", ctxModeAtMost},
      {"copy", ctxCopy},
      {"log", ctxLog},
      {nullptr, nullptr},
  };
  luaL_newlib(L, functions);
}

}  // namespace kpatrol::engine
