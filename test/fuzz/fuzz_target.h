// SPDX-License-Identifier: Apache-2.0
// One fuzz target per parser of outside input. A target is written once with
// KPATROL_FUZZ_TARGET(name) and built two ways:
//  - with clang and -DKPATROL_FUZZ=ON: a libFuzzer program (LLVMFuzzerTestOneInput);
//  - in every build (GCC included): registered in fuzz_replay, which runs every file of the
//    target's seed corpus and regression corpus through it as a normal CTest test.
// A target returns 0 and must not crash, leak, hang or throw on any input: the parsers report
// bad input as a Result/Status error, never by an exception or undefined behaviour.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace kpatrol::fuzz {

using TargetFn = int (*)(const std::uint8_t* data, std::size_t size);
bool registerTarget(const char* name, TargetFn fn);

inline std::string_view asText(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

}  // namespace kpatrol::fuzz

#ifdef KPATROL_LIBFUZZER
#define KPATROL_FUZZ_TARGET(name) \
  extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
#else
#define KPATROL_FUZZ_TARGET(name)                                            \
  static int kpatrolFuzz_##name(const std::uint8_t* data, std::size_t size); \
  [[maybe_unused]] static const bool kpatrolFuzzRegistered_##name =          \
      ::kpatrol::fuzz::registerTarget(#name, kpatrolFuzz_##name);            \
  static int kpatrolFuzz_##name(const std::uint8_t* data, std::size_t size)
#endif
