// SPDX-License-Identifier: Apache-2.0
// The Lua states' small-block pool (scanner/src/engine/lua_pool.h).
#include <doctest/doctest.h>

#include <cstring>
#include <set>
#include <vector>

#include "lua_pool.h"

using kpatrol::engine::LuaPool;

TEST_CASE("lua pool: size classes are 16 bytes wide and end at kMaxSmall") {
  CHECK(LuaPool::sameClass(1, 16));
  CHECK(LuaPool::sameClass(17, 32));
  CHECK_FALSE(LuaPool::sameClass(16, 17));
  CHECK_FALSE(LuaPool::sameClass(0, 16));  // a new block has no class
  CHECK(LuaPool::sameClass(LuaPool::kMaxSmall - 1, LuaPool::kMaxSmall));
  CHECK_FALSE(LuaPool::sameClass(LuaPool::kMaxSmall, LuaPool::kMaxSmall + 1));
}

TEST_CASE("lua pool: a released block is handed out again for its class only") {
  LuaPool pool(1 << 20);
  void* a = pool.allocate(40);
  void* b = pool.allocate(40);
  REQUIRE(a != nullptr);
  REQUIRE(b != nullptr);
  CHECK(a != b);
  CHECK(pool.owns(a));
  CHECK(pool.carved() == 2 * 48);
  std::memset(a, 0xab, 40);
  pool.release(a, 40);
  void* other_class = pool.allocate(100);
  CHECK(other_class != a);
  CHECK(pool.allocate(33) == a);  // 33..48 bytes share the class
  CHECK(pool.carved() == 2 * 48 + 112);
  int on_stack = 0;
  CHECK_FALSE(pool.owns(&on_stack));
}

TEST_CASE("lua pool: blocks do not overlap and a used-up range says so") {
  LuaPool pool(4096);
  std::set<char*> blocks;
  for (int i = 0; i < 4096 / 64; ++i) {
    auto* p = static_cast<char*>(pool.allocate(64));
    REQUIRE(p != nullptr);
    std::memset(p, i, 64);
    CHECK(blocks.insert(p).second);
  }
  CHECK(pool.allocate(64) == nullptr);  // the caller falls back to malloc
  CHECK(pool.allocate(16) == nullptr);
  char* first = *blocks.begin();
  pool.release(first, 64);
  CHECK(pool.allocate(50) == first);
  for (auto it = std::next(blocks.begin()); it != blocks.end(); ++it) {
    const auto expected = static_cast<char>(*(*it + 63));
    CHECK(**it == expected);  // neighbours untouched
  }
}
