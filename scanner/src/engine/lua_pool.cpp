// SPDX-License-Identifier: Apache-2.0
#include "lua_pool.h"

#include <sys/mman.h>

// Under AddressSanitizer free blocks stay poisoned, so a use after free inside Lua is still
// reported although the block never goes back to malloc.
#if defined(__SANITIZE_ADDRESS__)
#define KPATROL_POOL_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define KPATROL_POOL_ASAN 1
#endif
#endif
#ifdef KPATROL_POOL_ASAN
#include <sanitizer/asan_interface.h>
#define POOL_POISON(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define POOL_UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define POOL_POISON(p, n) ((void)(p), (void)(n))
#define POOL_UNPOISON(p, n) ((void)(p), (void)(n))
#endif

namespace kpatrol::engine {

LuaPool::LuaPool(std::size_t reserve) {
  reserve = (reserve + 4095) & ~std::size_t{4095};
  if (reserve == 0) return;
  void* p = ::mmap(nullptr, reserve, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) return;  // NOLINT(performance-no-int-to-ptr): the mmap contract
  base_ = static_cast<char*>(p);
  next_ = base_;
  end_ = base_ + reserve;
  reserved_ = reserve;
  POOL_POISON(base_, reserve);
}

LuaPool::~LuaPool() {
  if (base_ == nullptr) return;
  POOL_UNPOISON(base_, reserved_);
  ::munmap(base_, reserved_);
}

void* LuaPool::allocate(std::size_t size) noexcept {
  const std::size_t c = classOf(size);
  if (FreeBlock* b = free_[c]; b != nullptr) {
    POOL_UNPOISON(b, sizeof(FreeBlock));
    free_[c] = b->next;
    POOL_POISON(b, (c + 1) * kGranule);
    POOL_UNPOISON(b, size);
    return b;
  }
  const std::size_t bytes = (c + 1) * kGranule;
  if (static_cast<std::size_t>(end_ - next_) < bytes) return nullptr;
  char* block = next_;
  next_ += bytes;
  POOL_UNPOISON(block, size);
  return block;
}

void* LuaPool::resizeInPlace(void* block, std::size_t old_size, std::size_t new_size) noexcept {
  POOL_UNPOISON(block, new_size);
  if (new_size < old_size) POOL_POISON(static_cast<char*>(block) + new_size, old_size - new_size);
  return block;
}

void LuaPool::release(void* block, std::size_t size) noexcept {
  const std::size_t c = classOf(size);
  POOL_UNPOISON(block, sizeof(FreeBlock));
  auto* b = static_cast<FreeBlock*>(block);
  b->next = free_[c];
  free_[c] = b;
  POOL_POISON(block, (c + 1) * kGranule);
}

}  // namespace kpatrol::engine
