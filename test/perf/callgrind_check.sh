#!/usr/bin/env bash
# Instruction-count regression check: runs a fixed small evaluation under callgrind and compares
# the total instruction count with the committed baseline. Instructions, unlike seconds, do not
# depend on what else the machine is doing, so a slowdown fails deterministically.
#
#   callgrind_check.sh KPATROL BASELINE          compare (CTest: perf_callgrind)
#   callgrind_check.sh KPATROL BASELINE --update  rewrite the baseline after an intended change
#
# The workload (`rules profile --demo`, every built-in rule that the default profile selects, one
# worker) loads the packs, evaluates them over the demo cluster and stores nothing. Small
# variation remains (Lua seeds its string hashes from the clock), hence the tolerance.
set -euo pipefail

kpatrol=$1
baseline=$2
mode=${3:-check}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

command -v valgrind >/dev/null || { echo "FAIL: valgrind is not installed (scripts/install-deps.sh --test)"; exit 1; }

# Without address-space randomisation the run is repeatable; setarch may be refused in a
# container, in which case the tolerance has to absorb it.
launcher=()
if setarch "$(uname -m)" -R true 2>/dev/null; then launcher=(setarch "$(uname -m)" -R); fi

XDG_DATA_HOME="$work/data" KPATROL_PLUGIN_DIR="$work/plugins" \
  "${launcher[@]}" valgrind --tool=callgrind --callgrind-out-file="$work/cg.out" \
  "$kpatrol" -j1 rules profile --demo --profile default --format json >"$work/profile.json" \
  2>"$work/valgrind.log" || { cat "$work/valgrind.log"; echo "FAIL: the profiled run failed"; exit 1; }

# The profile must have evaluated something, or the count measures nothing.
evaluations=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["profiles"][0]["evaluations"])' "$work/profile.json")
if [[ "$evaluations" -lt 1000 ]]; then echo "FAIL: only $evaluations evaluations were made"; exit 1; fi

measured=$(awk '/^(summary|totals):/ {print $2; exit}' "$work/cg.out")
[[ -n "$measured" ]] || { echo "FAIL: no instruction total in the callgrind output"; exit 1; }

if [[ "$mode" == "--update" ]]; then
  {
    echo "# Instructions of: kpatrol -j1 rules profile --demo --profile default (test/perf/callgrind_check.sh)"
    echo "# Build: default CMake build type (RelWithDebInfo), Debian 12 GCC 12 and packages."
    echo "# Updated $(date -u +%Y-%m-%d) for $evaluations evaluations."
    echo "instructions $measured"
    echo "tolerance_percent ${KPATROL_PERF_TOLERANCE:-3}"
  } >"$baseline"
  echo "baseline updated: $measured instructions ($evaluations evaluations)"
  exit 0
fi

expected=$(awk '$1 == "instructions" {print $2}' "$baseline")
tolerance=$(awk '$1 == "tolerance_percent" {print $2}' "$baseline")
[[ -n "$expected" && -n "$tolerance" ]] || { echo "FAIL: $baseline has no instructions/tolerance_percent line"; exit 1; }

python3 - "$measured" "$expected" "$tolerance" "$evaluations" <<'PY'
import sys
measured, expected, tol, evals = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
change = (measured - expected) * 100.0 / expected
print(f"instructions: {measured:,} (baseline {expected:,}, {change:+.2f}%, tolerance {tol}%), "
      f"{measured // evals:,} per evaluation over {evals:,} evaluations")
if change > tol:
    print(f"FAIL: {change:.2f}% more instructions than the baseline: find the slowdown "
          "(kpatrol rules profile, callgrind_annotate) or, if it is intended, rerun with --update "
          "and say why in the commit")
    sys.exit(1)
if change < -tol:
    print(f"FAIL: {-change:.2f}% fewer instructions than the baseline: good news, but update the "
          "baseline (--update) so that the next slowdown is caught against the new figure")
    sys.exit(1)
print("ok")
PY
