# libFuzzer builds (CMakePresets.json: fuzz). Needs clang: -DKPATROL_FUZZ=ON instruments every
# kpatrol library for coverage (-fsanitize=fuzzer-no-link) and builds one fuzz_<target> program
# per parser in test/fuzz, each registered as a short CTest run. GCC builds still replay every
# corpus through the same targets (fuzz_replay, test/fuzz/CMakeLists.txt).
option(KPATROL_FUZZ "Build the libFuzzer targets of test/fuzz (clang only)" OFF)
set(KPATROL_FUZZ_SECONDS 20 CACHE STRING "Seconds of each fuzz_<target> CTest run")
if(KPATROL_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "KPATROL_FUZZ needs clang (cmake --preset asan uses clang++-14)")
  endif()
  target_compile_options(kpatrol_settings INTERFACE -fsanitize=fuzzer-no-link)
endif()
