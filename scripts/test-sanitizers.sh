#!/usr/bin/env bash
# Runs kpatrol's tests under the sanitizers and libFuzzer, after the normal suite (CI):
#   asan  the whole suite built by clang with ASan+UBSan (CMake preset asan, build-asan/): every
#         test but the container image build and the format check (no compiled code of ours);
#   tsan  ThreadSanitizer (preset tsan, build-tsan/) on the concurrent parts: the evaluator
#         (unit_engine but its two endless-Lua-loop cases, see run_tsan), SSH fan-out
#         (unit_ssh, e2e_ssh) and the API client (unit_api_client, e2e_api_client);
#   fuzz  every libFuzzer target for KPATROL_FUZZ_SECONDS (default 20) from its seed corpus and
#         regressions. The targets live in the same ASan+UBSan build (build-asan/), so after
#         `asan` this part compiles nothing.
# Usage: scripts/test-sanitizers.sh [asan] [tsan] [fuzz]   (no argument: all three)
# Each part prints its wall time. test/sanitizers/README.md: what was run, figures, findings.
# A sanitizer report, a fuzzer crash or a failing test fails it.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
parts=("$@")
[[ ${#parts[@]} -eq 0 ]] && parts=(asan tsan fuzz)
jobs=${KPATROL_SANITIZER_JOBS:-2}
launcher=()
if command -v ccache >/dev/null 2>&1; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
fi

# Reports go to stderr, which CTest shows; any report makes the process exit non-zero.
supp=$root/test/sanitizers
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:detect_stack_use_after_return=1:strict_string_checks=1:check_initialization_order=1"
export LSAN_OPTIONS="suppressions=$supp/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:suppressions=$supp/ubsan.supp"
export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$supp/tsan.supp"

timed() {
  local name=$1 start=$SECONDS
  shift
  "$@"
  echo "== $name: $((SECONDS - start)) s wall"
}

run_asan() {
  cmake --preset asan "${launcher[@]}" >/dev/null
  cmake --build build-asan -j"$jobs"
  ctest --test-dir build-asan --output-on-failure -j"$jobs" -LE fuzz \
    -E '^(image_build_smoke|lint_format|e2e_ssh)$'
  # e2e_ssh logs in with RSA key files, for which Debian's libssh2 1.10 leaks a BIGNUM: its
  # suppression (lsan.supp) matches only on stacks unwound the slow way (libcrypto has no frame
  # pointers). Slow unwinding costs every malloc, so only this test runs with it.
  ASAN_OPTIONS=$ASAN_OPTIONS:fast_unwind_on_malloc=0 \
    ctest --test-dir build-asan --output-on-failure -R '^e2e_ssh$'
}

run_tsan() {
  cmake --preset tsan "${launcher[@]}" >/dev/null
  cmake --build build-tsan -j"$jobs" --target unit_engine unit_ssh unit_api_client kpatrol \
    kpatrol_fixture_apiserver
  # unit_engine runs directly, without the two cases that stop a pure-Lua endless loop: the
  # watchdog interrupts it with a signal, and TSan delays an asynchronous signal until the thread
  # enters an intercepted call, which code looping inside uninstrumented Lua never does (the test
  # hangs). Every other evaluator case, the parallel ones included, runs under TSan.
  build-tsan/test/unit_engine \
    '--test-case-exclude=*loops or allocates forever*,*infinite loop is stopped*'
  # One rerun of a failed test: e2e_ssh's dropped-connection node once ended without a node-level
  # error under TSan (1 run in 7, not reproduced since; test/sanitizers/README.md). A TSan report
  # in only one of the two attempts would pass: the log keeps it.
  ctest --test-dir build-tsan --output-on-failure --repeat until-pass:2 \
    -R '^(unit_ssh|e2e_ssh|unit_api_client|e2e_api_client)$'
}

run_fuzz() {
  cmake --preset asan "${launcher[@]}" >/dev/null
  cmake --build build-asan -j"$jobs" --target fuzz_all
  ctest --test-dir build-asan --output-on-failure -L fuzz -j"$jobs"
}

for part in "${parts[@]}"; do
  case $part in
    asan) timed asan run_asan ;;
    tsan) timed tsan run_tsan ;;
    fuzz) timed fuzz run_fuzz ;;
    *) echo "usage: $0 [asan] [tsan] [fuzz]" >&2; exit 2 ;;
  esac
done
