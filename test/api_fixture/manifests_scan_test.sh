#!/usr/bin/env bash
# End to end: `kpatrol scan --manifests` on the real-world-shaped manifests in
# test/api_fixture/data/manifests produces a report with findings on those objects (the
# privileged container of the kubectl List, the untagged busybox of the raw PodList), never
# stores a Secret, and names file:line for a malformed file.
# usage: manifests_scan_test.sh <kpatrol> <data/manifests dir>
set -uo pipefail
KPATROL=${1:?usage: manifests_scan_test.sh KPATROL DATA_DIR}
DATA=${2:?usage: manifests_scan_test.sh KPATROL DATA_DIR}
command -v python3 >/dev/null || { echo "SKIP: python3 missing"; exit 77; }

WORK=$(mktemp -d /tmp/kpatrol-manifests-scan.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
export HOME="$WORK/home" XDG_DATA_HOME="$WORK/data"
mkdir -p "$HOME"
PASSED=0
FAILED=0
check() { if eval "$2"; then PASSED=$((PASSED + 1)); echo "ok   - $1"; else FAILED=$((FAILED + 1)); echo "FAIL - $1"; [[ -n "${3:-}" ]] && sed 's/^/       /' <<<"$3" | head -20; fi; }

timeout 300 "$KPATROL" --db "$WORK/k.db" --out "$WORK/out" --format json --color never --log-level info \
  scan --manifests "$DATA/good" >"$WORK/stdout" 2>"$WORK/stderr"
rc=$?
check "scan --manifests exits 0" '[[ $rc -eq 0 ]]' "rc=$rc $(tail -5 $WORK/stderr)"
REPORT=$(ls "$WORK"/out/*.json 2>/dev/null | head -1)
check "a JSON report is written" '[[ -n "$REPORT" ]]' "$(ls -R $WORK/out 2>&1)"
q() { python3 - "$REPORT" "$@" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
rule, subject, status = sys.argv[2:5]
hits = [f for f in r["findings"] if f["rule_id"] == rule and f["subject"] == subject]
print("yes" if any(f["status"] == status for f in hits) else "no: %s" % [(f["status"], f.get("message")) for f in hits])
PY
}
if [[ -n "$REPORT" ]]; then
  out=$(q workload/privileged-container pod/payments/legacy-gateway-7f9c6d5b8-x2k4q fail)
  check "workload/privileged-container fails the privileged pod from the kubectl List" '[[ "$out" == yes ]]' "$out"
  out=$(q workload/privileged-container pod/payments/payments-api-0 pass)
  check "workload/privileged-container passes the unprivileged pod" '[[ "$out" == yes ]]' "$out"
  out=$(q workload/image-tag-pinned pod/default/debug-shell fail)
  check "workload/image-tag-pinned fails the untagged busybox of the raw PodList" '[[ "$out" == yes ]]' "$out"
  src=$(python3 -c "import json,sys; r=json.load(open(sys.argv[1])); print(json.dumps(r.get('cluster', r.get('scan', {}))))" "$REPORT")
  check "the report names the manifests cluster" 'grep -q manifests <<<"$src"' "$src"
  check "no Secret content reaches the report or the database" \
    '! grep -rqa -e c3VwZXJzZWNyZXQtZGItcGFzc3dvcmQ -e LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0t "$WORK/out" "$WORK/k.db"*'
fi
check "the dropped Secrets are logged by count" 'grep -q "dropped 2 Secret" $WORK/stderr' "$(cat $WORK/stderr | head -5)"

timeout 60 "$KPATROL" --db "$WORK/k.db" --out "$WORK/out2" scan --manifests "$DATA/malformed/bad-indent.yaml" \
  >"$WORK/stdout2" 2>"$WORK/stderr2"
rc=$?
check "a malformed manifest exits 2 naming file and line" \
  '[[ $rc -eq 2 ]] && grep -q "bad-indent.yaml:12" $WORK/stderr2' "rc=$rc $(cat $WORK/stderr2)"
timeout 60 "$KPATROL" --db "$WORK/k.db" --out "$WORK/out3" scan --manifests "$DATA/empty" \
  >"$WORK/stdout3" 2>"$WORK/stderr3"
rc=$?
check "a directory without manifests exits 2" \
  '[[ $rc -eq 2 ]] && grep -q "no manifests" $WORK/stderr3' "rc=$rc $(cat $WORK/stderr3)"

echo "$PASSED passed, $FAILED failed"
[[ $FAILED -eq 0 ]]
