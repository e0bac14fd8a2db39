// SPDX-License-Identifier: Apache-2.0
// Read-only views of snapshot JSON for Lua: a userdata holding a pointer into the immutable
// snapshot. Fields are converted lazily on access, so a rule touching three fields of a pod
// costs three lookups, not a copy of the pod.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <new>
#include <string>
#include <vector>

#include "sandbox_internal.h"

namespace kpatrol::engine {
namespace {

constexpr const char* kViewType = "kpatrol.view";
constexpr int kMaxDepth = 32;
constexpr std::size_t kViewCacheMax = 4096;

// The view metamethods are reachable only through the locked metatable of a view, so the
// first argument is always a view: no registry lookup by type name on every field read. A view
// userdata holds a model::JsonView (store + node, 16 bytes): a node index, not a copied value.
model::JsonView checkView(lua_State* L, int idx) {
  return *static_cast<const model::JsonView*>(lua_touserdata(L, idx));
}

int viewIndex(lua_State* L) {
  const model::JsonView j = checkView(L, 1);
  if (j.is_object()) {
    if (lua_type(L, 2) != LUA_TSTRING) return 0;
    size_t len = 0;
    const char* key = lua_tolstring(L, 2, &len);
    // objects are small: a linear scan over interned keys, no std::string built
    if (const model::JsonView v = tracedFind(L, j, std::string_view(key, len))) {
      pushJson(L, v);
      return 1;
    }
    return 0;
  }
  if (j.is_array()) {
    int isnum = 0;
    const lua_Integer i = lua_tointegerx(L, 2, &isnum);
    if (!isnum) return 0;
    if (i < 1) return 0;
    // Past the end, tracedAt records an absent element: the same read either way.
    if (const model::JsonView v = tracedAt(L, j, static_cast<std::size_t>(i - 1))) {
      pushJson(L, v);
      return 1;
    }
    return 0;
  }
  return 0;
}

int viewNewIndex(lua_State* L) {
  return luaL_error(L, "snapshot data is read-only (use ctx.copy(v) for a writable copy)");
}

}  // namespace

std::size_t tracedSize(lua_State* L, model::JsonView j) {
  const std::size_t n = j.size();
  if (TraceRecorder& trace = implOf(L)->trace; trace.recording()) trace.size(j, n);
  return n;
}

model::JsonView tracedAt(lua_State* L, model::JsonView j, std::size_t i) {
  const model::JsonView v = j[i];
  if (TraceRecorder& trace = implOf(L)->trace; trace.recording()) {
    trace.read(TraceOp::kAt, j, {}, static_cast<std::int64_t>(i), v);
  }
  return v;
}

model::JsonView tracedFind(lua_State* L, model::JsonView j, std::string_view key) {
  const model::JsonView v = j.find(key);
  if (TraceRecorder& trace = implOf(L)->trace; trace.recording()) {
    trace.read(TraceOp::kFind, j, key, 0, v);
  }
  return v;
}

std::string_view tracedKey(lua_State* L, model::JsonView j, std::size_t i) {
  const std::string_view key = j.keyAt(i);
  if (TraceRecorder& trace = implOf(L)->trace; trace.recording()) trace.key(j, i, key);
  return key;
}

namespace {

int viewLen(lua_State* L) {
  lua_pushinteger(L, static_cast<lua_Integer>(tracedSize(L, checkView(L, 1))));
  return 1;
}

// Iterator closure: upvalue 1 = view, upvalue 2 = next position.
int viewNext(lua_State* L) {
  const model::JsonView j = checkView(L, lua_upvalueindex(1));
  const lua_Integer pos = lua_tointeger(L, lua_upvalueindex(2));
  if (pos < 0 || static_cast<std::size_t>(pos) >= tracedSize(L, j)) return 0;
  lua_pushinteger(L, pos + 1);
  lua_replace(L, lua_upvalueindex(2));
  const auto i = static_cast<std::size_t>(pos);
  if (j.is_array()) {
    lua_pushinteger(L, pos + 1);
  } else {
    const std::string_view key = tracedKey(L, j, i);
    lua_pushlstring(L, key.data(), key.size());
  }
  pushJson(L, tracedAt(L, j, i));
  return 2;
}

int viewPairs(lua_State* L) {
  checkView(L, 1);
  lua_pushvalue(L, 1);
  lua_pushinteger(L, 0);
  lua_pushcclosure(L, viewNext, 2);
  lua_pushvalue(L, 1);
  lua_pushnil(L);
  return 3;
}

int viewToString(lua_State* L) {
  const model::JsonView j = checkView(L, 1);
  lua_pushfstring(L, "view(%s, %d)", j.is_array() ? "array" : "object",
                  static_cast<int>(tracedSize(L, j)));
  return 1;
}

int viewEq(lua_State* L) {
  // the same value, not equal contents (as two tables); identity is not traced
  implOf(L)->trace.taint();
  lua_pushboolean(L, toView(L, 1).identity() == toView(L, 2).identity());
  return 1;
}

// Appends the valid UTF-8 of s, replacing invalid bytes with U+FFFD, so that nlohmann can always
// serialise evidence produced by any rule.
std::string validUtf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = 0;
    if (c < 0x80)
      n = 1;
    else if ((c >> 5) == 0x6)
      n = 2;
    else if ((c >> 4) == 0xe)
      n = 3;
    else if ((c >> 3) == 0x1e)
      n = 4;
    bool ok = n > 0 && i + n <= s.size();
    for (std::size_t k = 1; ok && k < n; ++k) {
      ok = (static_cast<unsigned char>(s[i + k]) >> 6) == 0x2;
    }
    if (ok) {
      out.append(s.substr(i, n));
      i += n;
    } else {
      out.append("\xEF\xBF\xBD");
      ++i;
    }
  }
  return out;
}

struct Budget {
  std::size_t left;
  bool truncated = false;
  bool take(std::size_t n) {
    if (n > left) {
      truncated = true;
      left = 0;
      return false;
    }
    left -= n;
    return true;
  }
};

model::Json jsonCopyCapped(lua_State* L, model::JsonView j, Budget& budget, int depth) {
  if (depth > kMaxDepth || !budget.take(8)) return "…";
  if (j.is_object()) {
    model::Json out = model::Json::object();
    const std::size_t n = tracedSize(L, j);
    for (std::size_t i = 0; i < n && !budget.truncated; ++i) {
      const std::string_view key = tracedKey(L, j, i);
      if (!budget.take(key.size())) break;
      out[std::string(key)] = jsonCopyCapped(L, tracedAt(L, j, i), budget, depth + 1);
    }
    return out;
  }
  if (j.is_array()) {
    model::Json out = model::Json::array();
    const std::size_t n = tracedSize(L, j);
    for (std::size_t i = 0; i < n; ++i) {
      if (budget.truncated) break;
      out.push_back(jsonCopyCapped(L, tracedAt(L, j, i), budget, depth + 1));
    }
    return out;
  }
  if (j.is_string()) {
    const std::string_view s = j.getString();
    if (!budget.take(s.size())) return std::string(s.substr(0, 64)) + "…";
  }
  return j.toJson();
}

model::Json toJsonImpl(lua_State* L, int idx, Budget& budget, int depth) {
  idx = lua_absindex(L, idx);
  if (depth > kMaxDepth || !budget.take(8)) return "…";
  switch (lua_type(L, idx)) {
    case LUA_TNIL:
      return nullptr;
    case LUA_TBOOLEAN:
      return lua_toboolean(L, idx) != 0;
    case LUA_TNUMBER:
      if (lua_isinteger(L, idx)) return static_cast<std::int64_t>(lua_tointeger(L, idx));
      if (const double d = lua_tonumber(L, idx); std::isfinite(d)) return d;
      return "non-finite number";
    case LUA_TSTRING: {
      size_t len = 0;
      const char* s = lua_tolstring(L, idx, &len);
      if (!budget.take(len)) return validUtf8(std::string_view(s, std::min<size_t>(len, 64))) + "…";
      return validUtf8(std::string_view(s, len));
    }
    case LUA_TUSERDATA:
      if (const model::JsonView v = toView(L, idx)) return jsonCopyCapped(L, v, budget, depth);
      return "(userdata)";
    case LUA_TTABLE: {
      if (!lua_checkstack(L, 4)) return "…";
      // A sequence 1..n becomes an array; anything else an object with string keys.
      const lua_Integer n = static_cast<lua_Integer>(lua_rawlen(L, idx));
      lua_Integer count = 0;
      lua_pushnil(L);
      while (lua_next(L, idx) != 0) {
        ++count;
        lua_pop(L, 1);
      }
      if (n > 0 && count == n) {
        model::Json out = model::Json::array();
        for (lua_Integer i = 1; i <= n && !budget.truncated; ++i) {
          lua_rawgeti(L, idx, i);
          out.push_back(toJsonImpl(L, -1, budget, depth + 1));
          lua_pop(L, 1);
        }
        return out;
      }
      // Lua's table order depends on a per-state hash seed: sort keys so that the same rule
      // gives byte-identical evidence in every worker.
      std::vector<std::pair<std::string, int>> keys;  // key, stack-independent marker
      lua_pushnil(L);
      while (lua_next(L, idx) != 0) {
        lua_pop(L, 1);
        std::string key;
        if (lua_type(L, -1) == LUA_TSTRING) {
          size_t len = 0;
          const char* k = lua_tolstring(L, -1, &len);
          key = validUtf8(std::string_view(k, len));
        } else if (lua_type(L, -1) == LUA_TNUMBER) {
          key = lua_isinteger(L, -1) ? std::to_string(lua_tointeger(L, -1))
                                     : std::to_string(lua_tonumber(L, -1));
        } else {
          continue;  // tables, functions, booleans as keys carry no evidence
        }
        keys.emplace_back(std::move(key), lua_type(L, -1));
      }
      std::sort(keys.begin(), keys.end());
      model::Json out = model::Json::object();
      for (const auto& [key, type] : keys) {
        if (budget.truncated) break;
        if (type == LUA_TNUMBER) {
          lua_Integer i = 0;
          auto [end, ec] = std::from_chars(key.data(), key.data() + key.size(), i);
          if (ec == std::errc() && end == key.data() + key.size()) {
            lua_rawgeti(L, idx, i);
          } else {
            lua_pushnumber(L, std::stod(key));
            lua_rawget(L, idx);
          }
        } else {
          lua_pushlstring(L, key.data(), key.size());
          lua_rawget(L, idx);
        }
        budget.take(key.size());
        out[key] = toJsonImpl(L, -1, budget, depth + 1);
        lua_pop(L, 1);
      }
      return out;
    }
    default:
      return std::string("(") + luaL_typename(L, idx) + ")";
  }
}

}  // namespace

void registerViewType(lua_State* L) {
  luaL_newmetatable(L, kViewType);
  const luaL_Reg methods[] = {
      {"__index", viewIndex}, {"__newindex", viewNewIndex}, {"__len", viewLen},
      {"__pairs", viewPairs}, {"__tostring", viewToString}, {"__eq", viewEq},
      {nullptr, nullptr}};
  luaL_setfuncs(L, methods, 0);
  lua_pushliteral(L, "locked");
  lua_setfield(L, -2, "__metatable");
  auto* impl = implOf(L);
  impl->view_mt_ref = luaL_ref(L, LUA_REGISTRYINDEX);
  lua_newtable(L);
  impl->view_cache_ref = luaL_ref(L, LUA_REGISTRYINDEX);
}

void resetViewCache(LuaSandbox::Impl& impl) {
  if (impl.view_cache_size == 0) return;
  lua_createtable(impl.L, 0, 64);
  lua_rawseti(impl.L, LUA_REGISTRYINDEX, impl.view_cache_ref);
  impl.view_cache_size = 0;
}

void pushJson(lua_State* L, model::JsonView value) {
  switch (value.type()) {
    case model::JsonType::kFalse:
    case model::JsonType::kTrue:
      lua_pushboolean(L, value.getBool());
      return;
    case model::JsonType::kInt:
      lua_pushinteger(L, static_cast<lua_Integer>(value.getInt()));
      return;
    case model::JsonType::kUint:
      lua_pushinteger(L, static_cast<lua_Integer>(value.getUint()));
      return;
    case model::JsonType::kFloat:
      lua_pushnumber(L, value.getDouble());
      return;
    case model::JsonType::kString: {
      const std::string_view s = value.getString();
      lua_pushlstring(L, s.data(), s.size());
      return;
    }
    case model::JsonType::kObject:
    case model::JsonType::kArray: {
      // Cached by node address; a hit is checked against the store too, so a view left from an
      // earlier snapshot whose node memory was reused is never handed out.
      auto* impl = implOf(L);
      const void* id = value.identity();
      lua_rawgeti(L, LUA_REGISTRYINDEX, impl->view_cache_ref);
      if (lua_rawgetp(L, -1, id) == LUA_TUSERDATA &&
          static_cast<const model::JsonView*>(lua_touserdata(L, -1))->store() == value.store()) {
        lua_remove(L, -2);
        return;
      }
      lua_pop(L, 1);
      auto* slot = static_cast<model::JsonView*>(lua_newuserdatauv(L, sizeof(model::JsonView), 0));
      new (slot) model::JsonView(value);  // trivially destructible: no __gc needed
      lua_rawgeti(L, LUA_REGISTRYINDEX, impl->view_mt_ref);
      lua_setmetatable(L, -2);
      if (impl->view_cache_size < kViewCacheMax) {
        lua_pushvalue(L, -1);
        lua_rawsetp(L, -3, id);
        ++impl->view_cache_size;
      }
      lua_remove(L, -2);
      return;
    }
    default:
      lua_pushnil(L);
      return;
  }
}

model::JsonView toView(lua_State* L, int idx) {
  if (lua_type(L, idx) != LUA_TUSERDATA || lua_getmetatable(L, idx) == 0) return {};
  lua_rawgeti(L, LUA_REGISTRYINDEX, implOf(L)->view_mt_ref);
  const bool is_view = lua_rawequal(L, -1, -2) != 0;
  lua_pop(L, 2);
  return is_view ? *static_cast<const model::JsonView*>(lua_touserdata(L, idx)) : model::JsonView();
}

void pushPlainJson(lua_State* L, const model::Json& value, int depth) {
  luaL_checkstack(L, 4, "value too deep");
  switch (value.type()) {
    case model::Json::value_t::boolean:
      lua_pushboolean(L, value.get<bool>());
      return;
    case model::Json::value_t::number_integer:
      lua_pushinteger(L, static_cast<lua_Integer>(value.get<std::int64_t>()));
      return;
    case model::Json::value_t::number_unsigned:
      lua_pushinteger(L, static_cast<lua_Integer>(value.get<std::uint64_t>()));
      return;
    case model::Json::value_t::number_float:
      lua_pushnumber(L, value.get<double>());
      return;
    case model::Json::value_t::string: {
      const auto& s = value.get_ref<const std::string&>();
      lua_pushlstring(L, s.data(), s.size());
      return;
    }
    case model::Json::value_t::array: {
      if (depth > kMaxDepth) break;
      lua_createtable(L, static_cast<int>(value.size()), 0);
      lua_Integer i = 1;
      for (const auto& e : value) {
        pushPlainJson(L, e, depth + 1);
        lua_rawseti(L, -2, i++);
      }
      return;
    }
    case model::Json::value_t::object: {
      if (depth > kMaxDepth) break;
      lua_createtable(L, 0, static_cast<int>(value.size()));
      for (auto it = value.begin(); it != value.end(); ++it) {
        pushPlainJson(L, it.value(), depth + 1);
        lua_setfield(L, -2, it.key().c_str());
      }
      return;
    }
    default:
      break;
  }
  lua_pushnil(L);
}

model::Json luaToJson(lua_State* L, int idx, std::size_t budget_bytes) {
  Budget budget{budget_bytes};
  model::Json out = toJsonImpl(L, idx, budget, 0);
  if (budget.truncated && out.is_object()) out["_truncated"] = true;
  return out;
}

void pushPlainCopy(lua_State* L, int idx, int depth) {
  idx = lua_absindex(L, idx);
  luaL_checkstack(L, 4, "copy too deep");
  if (depth > kMaxDepth) {
    lua_pushnil(L);
    return;
  }
  if (const model::JsonView v = toView(L, idx)) {
    const std::size_t n = tracedSize(L, v);
    lua_createtable(L, v.is_array() ? static_cast<int>(n) : 0,
                    v.is_object() ? static_cast<int>(n) : 0);
    for (std::size_t i = 0; i < n; ++i) {
      pushJson(L, tracedAt(L, v, i));
      if (lua_isuserdata(L, -1)) {
        pushPlainCopy(L, -1, depth + 1);
        lua_remove(L, -2);
      }
      if (v.is_array()) {
        lua_rawseti(L, -2, static_cast<lua_Integer>(i + 1));
      } else {
        const std::string_view key = tracedKey(L, v, i);
        lua_pushlstring(L, key.data(), key.size());
        lua_insert(L, -2);
        lua_rawset(L, -3);
      }
    }
    return;
  }
  if (lua_type(L, idx) == LUA_TTABLE) {
    lua_newtable(L);
    lua_pushnil(L);
    while (lua_next(L, idx) != 0) {
      pushPlainCopy(L, -1, depth + 1);
      lua_remove(L, -2);     // drop the original value
      lua_pushvalue(L, -2);  // key
      lua_insert(L, -2);     // key, key, copy
      lua_rawset(L, -4);
    }
    return;
  }
  lua_pushvalue(L, idx);
}

}  // namespace kpatrol::engine
