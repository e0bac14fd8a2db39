// SPDX-License-Identifier: Apache-2.0
// Small-block pool for one Lua state (lua_state.cpp's allocator). Checks allocate and free
// many short-lived strings, tables and views; glibc's malloc and free were a fifth of the
// evaluation time (test/bench/README.md). Lua tells the allocator the size of every block it
// frees or resizes, so the pool needs no headers: one free list per 16-byte size class, carved
// from one reserved address range. One state, one thread: no locking.
#pragma once

#include <array>
#include <cstddef>

namespace kpatrol::engine {

class LuaPool {
 public:
  static constexpr std::size_t kGranule = 16;
  static constexpr std::size_t kMaxSmall = 2048;  // larger blocks go to malloc

  /// Reserves `reserve` bytes of address space (pages are committed only when carved). With
  /// no reservation (mmap refused) every block goes to malloc.
  explicit LuaPool(std::size_t reserve);
  ~LuaPool();
  LuaPool(const LuaPool&) = delete;
  LuaPool& operator=(const LuaPool&) = delete;
  LuaPool(LuaPool&&) = delete;
  LuaPool& operator=(LuaPool&&) = delete;

  /// A block of at least `size` bytes (1..kMaxSmall), or nullptr once the range is used up
  /// and the class has no free block: the caller then uses malloc.
  void* allocate(std::size_t size) noexcept;
  /// Resizes a block of this pool within its size class (sameClass(old_size, new_size)).
  void* resizeInPlace(void* block, std::size_t old_size, std::size_t new_size) noexcept;
  /// Returns a block this pool handed out for a request of `size` bytes.
  void release(void* block, std::size_t size) noexcept;
  /// Whether `block` came from this pool (it lies in the reserved range).
  [[nodiscard]] bool owns(const void* block) const noexcept {
    return block >= base_ && block < end_;
  }
  /// Whether two request sizes share a size class (a resize between them keeps the block).
  static bool sameClass(std::size_t a, std::size_t b) noexcept {
    return a != 0 && b != 0 && a <= kMaxSmall && b <= kMaxSmall && classOf(a) == classOf(b);
  }
  /// Bytes carved so far: the pool's resident high-water mark.
  [[nodiscard]] std::size_t carved() const noexcept {
    return static_cast<std::size_t>(next_ - base_);
  }

 private:
  static std::size_t classOf(std::size_t size) noexcept { return (size - 1) / kGranule; }

  struct FreeBlock {
    FreeBlock* next;
  };
  std::array<FreeBlock*, kMaxSmall / kGranule> free_{};
  char* base_ = nullptr;
  char* next_ = nullptr;
  char* end_ = nullptr;
  std::size_t reserved_ = 0;
};

}  // namespace kpatrol::engine
