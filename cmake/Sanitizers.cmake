# Sanitizer builds (CMakePresets.json: asan, tsan). Applied through kpatrol_settings, so only
# kpatrol's own code is instrumented; Debian's libraries (Lua, libssh2, libcurl, SQLite...) are
# not, which is why scripts/test-sanitizers.sh carries suppressions for their frames only.
option(KPATROL_ENABLE_ASAN "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)
option(KPATROL_ENABLE_TSAN "Build with ThreadSanitizer" OFF)
if(KPATROL_ENABLE_ASAN AND KPATROL_ENABLE_TSAN)
  message(FATAL_ERROR "KPATROL_ENABLE_ASAN and KPATROL_ENABLE_TSAN cannot be combined")
endif()

function(kpatrol_apply_sanitizers target)
  if(KPATROL_ENABLE_ASAN)
    # -fno-sanitize-recover: undefined behaviour aborts the test instead of printing and passing.
    # -Wno-maybe-uninitialized: GCC 12 with -fsanitize=address at -O1 reports false
    # maybe-uninitialized warnings inside libstdc++'s <regex> (_NFA::_M_insert_subexpr_end);
    # GCC documents that sanitizer instrumentation can cause such spurious warnings. The
    # normal build keeps the warning (and -Werror); the sanitizer checks the real thing at run time.
    # (GCC only: clang, the fuzz preset's compiler, has no such option and rejects it.)
    target_compile_options(${target} INTERFACE -fsanitize=address,undefined
                                               -fno-sanitize-recover=undefined
                                               -fno-omit-frame-pointer
                                               $<$<CXX_COMPILER_ID:GNU>:-Wno-maybe-uninitialized>)
    target_link_options(${target} INTERFACE -fsanitize=address,undefined)
  elseif(KPATROL_ENABLE_TSAN)
    target_compile_options(${target} INTERFACE -fsanitize=thread -fno-omit-frame-pointer)
    target_link_options(${target} INTERFACE -fsanitize=thread)
  endif()
endfunction()
