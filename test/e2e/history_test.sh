#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# End-to-end tests of the scan history and console behaviour: history, diff, report, query,
# prune, scan --fail-on, colour, concurrent scans into one database, a corrupt database, and
# the file modes of the database and reports.
#
#   bash test/e2e/history_test.sh path/to/kpatrol
#
# Scenario: scan the demo cluster; fix one planted fault (swap on worker-4) in an extracted copy
# of the demo bundle and scan that; the history, the diff and the re-rendered reports must tell
# the story. Everything happens in a private `mktemp -d` directory (removed on exit); every
# kpatrol run gets --db and --out inside it. Each check prints `ok - <what>` or
# `not ok - <what>: <why>`; the last line is `N passed, M failed`; the exit status is non-zero
# when anything failed. Tools: bash, coreutils, jq, sqlite3.
set -u

if [ $# -ne 1 ]; then
  echo "usage: $0 path/to/kpatrol" >&2
  exit 2
fi
KP=$(realpath "$1")
for tool in jq sqlite3 timeout sha256sum; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "$0: '$tool' is required" >&2
    exit 2
  fi
done
if [ ! -x "$KP" ]; then
  echo "$0: $KP is not executable" >&2
  exit 2
fi

W=$(mktemp -d "${TMPDIR:-/tmp}/kpatrol-history.XXXXXX")
PIDS=()
cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill -KILL "$p" 2>/dev/null; done
  wait 2>/dev/null
  rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
cd "$W" || exit 2
mkdir -p log out home
# Nothing may fall back to the user's real database or reports.
export HOME=$W/home XDG_DATA_HOME=$W/home/xdg
unset NO_COLOR

PASSED=0
FAILED=0
pass() { PASSED=$((PASSED + 1)); printf 'ok - %s\n' "$1"; }
fail() { FAILED=$((FAILED + 1)); printf 'not ok - %s: %s\n' "$1" "$(printf '%s' "$2" | tr '\n' ' ' | head -c 600)"; }
# check DESC WHY COMMAND...: passes when COMMAND succeeds.
check() {
  local desc=$1 why=$2
  shift 2
  if "$@"; then pass "$desc"; else fail "$desc" "$why"; fi
}

# kp NAME ARGS...: runs kpatrol (at most 120 s), stdout/stderr in log/NAME.out|err; sets RC.
RC=0
kp() {
  local name=$1
  shift
  timeout -k 5 120 "$KP" "$@" >"log/$name.out" 2>"log/$name.err" </dev/null
  RC=$?
}
OUT() { printf '%s' "$W/log/$1.out"; }
ERR() { printf '%s' "$W/log/$1.err"; }
about() {
  local e
  e=$(head -c 400 "$W/log/$1.err" 2>/dev/null | tr '\n' ' ')
  printf 'exit %s, stderr: %s' "$RC" "${e:-<empty>}"
}
# jqt FILE FILTER [jq args]: FILTER is true on FILE.
jqt() {
  local file=$1 filter=$2
  shift 2
  jq -e "$@" "$filter" "$file" >/dev/null 2>&1
}
mode() { stat -c %a "$1" 2>/dev/null; }
# The database's contents, for "unchanged" checks.
dbsum() { sqlite3 "$1" .dump 2>/dev/null | sha256sum | cut -d' ' -f1; }
ESC=$(printf '\033')
no_escapes() { ! grep -q "$ESC" "$1"; }

DB=$W/k.db

# ---------------------------------------------------------------------------------------------
# 1. Before any scan

kp nodb --db "$DB" history
check "history without a database exits 2 and says to scan first" "$(about nodb)" \
  eval '[ $RC -eq 2 ] && grep -q "kpatrol scan" "$(ERR nodb)"'
check "history did not create the database" "$DB exists" eval '[ ! -e "$DB" ]'

kp help --db "$DB" scan --help
check "scan --help documents --fail-on and the exit status" "$(head -c 300 "$(OUT help)")" \
  eval '[ $RC -eq 0 ] && grep -q -- "--fail-on" "$(OUT help)" && grep -q "Exit status" "$(OUT help)" && grep -Eq "^ +130 " "$(OUT help)"'
for cmd in history diff report query prune; do
  kp "help-$cmd" "$cmd" --help
  check "$cmd --help exits 0" "$(about "help-$cmd")" eval '[ $RC -eq 0 ] && [ -s "$(OUT help-$cmd)" ]'
done

# ---------------------------------------------------------------------------------------------
# 2. The demo, then the demo with worker-4's swap fixed

kp demo --db "$DB" --out "$W/out/demo" scan --demo
DEMO_JSON=$(ls "$W"/out/demo/kpatrol-scan-*.json 2>/dev/null | head -n 1)
check "scan --demo exits 0" "$(about demo)" eval '[ $RC -eq 0 ] && [ -n "$DEMO_JSON" ]'
check "the database is 0600" "mode $(mode "$DB")" eval '[ "$(mode "$DB")" = 600 ]'
check "the JSON report is 0600" "mode $(mode "$DEMO_JSON")" eval '[ "$(mode "$DEMO_JSON")" = 600 ]'
check "piped scan output has no escape codes" "$(grep -c "$ESC" "$(OUT demo)") lines with ESC" \
  no_escapes "$(OUT demo)"
check "the demo has swap on worker-4 (health/swap-disabled fails)" "not in $DEMO_JSON" \
  jqt "$DEMO_JSON" 'any(.findings[]; .rule_id == "health/swap-disabled" and .subject == "node/worker-4" and .status == "fail")'

kp bundle --db "$DB" bundle create --demo -o "$W/d.tar.gz"
kp extract --db "$DB" bundle extract "$W/d.tar.gz" "$W/snap"
W4=$W/snap/nodes/worker-4.json
check "bundle create and extract give worker-4's node file" "$(about extract)" \
  eval '[ $RC -eq 0 ] && [ -f "$W4" ]'
jq '.facts.swap.total_bytes = 0 | .facts.swap.used_bytes = 0
    | .facts.kubelet.config.failSwapOn = true' "$W4" >"$W/w4.json" && mv "$W/w4.json" "$W4"
check "worker-4 now has no swap and failSwapOn true" "$(jq -c '.facts.swap' "$W4" 2>&1)" \
  jqt "$W4" '.facts.swap.total_bytes == 0 and .facts.kubelet.config.failSwapOn == true'

kp fixed --db "$DB" --out "$W/out/fixed" scan --snapshot "$W/snap"
check "scan --snapshot of the fixed copy exits 0" "$(about fixed)" eval '[ $RC -eq 0 ]'

# ---------------------------------------------------------------------------------------------
# 3. history

kp hist --db "$DB" history --format json
H=$(OUT hist)
check "history --format json lists both scans, newest first" "$(head -c 300 "$H")" \
  jqt "$H" 'length == 2 and .[0].id > .[1].id and all(.[]; .state == "complete" and .complete)'
check "both scans are of the same cluster (kube-system uid)" "$(jq -c '[.[].cluster]' "$H" 2>&1)" \
  jqt "$H" '.[0].cluster.key == .[1].cluster.key and (.[0].cluster.key | startswith("uid:"))'
check "the fixed scan scores higher" "$(jq -c '[.[] | {id, score, grade}]' "$H" 2>&1)" \
  jqt "$H" '.[0].score > .[1].score'
check "history counts one fail fewer after the fix" "$(jq -c '[.[].counts]' "$H" 2>&1)" \
  jqt "$H" '.[0].counts.fail == .[1].counts.fail - 1'
FIRST=$(jq -r '.[1].id' "$H")
SECOND=$(jq -r '.[0].id' "$H")

kp histtext --db "$DB" history
check "history (text) shows both scans with score and grade" "$(head -c 400 "$(OUT histtext)")" \
  eval '[ $RC -eq 0 ] && grep -Eq "^ *$FIRST  .*complete .* [0-9]+\.[0-9]  [A-F]" "$(OUT histtext)" && grep -Eq "^ *$SECOND  " "$(OUT histtext)"'
check "piped history has no escape codes" "ESC found" no_escapes "$(OUT histtext)"
kp histcolor --db "$DB" --color always history
check "history --color always colours the header" "no ESC" \
  eval 'grep -q "$ESC" "$(OUT histcolor)"'
kp histlimit --db "$DB" history --limit 1 --cluster demo --format json
check "history --limit 1 --cluster demo gives the newest scan" "$(head -c 200 "$(OUT histlimit)")" \
  jqt "$(OUT histlimit)" "length == 1 and .[0].id == $SECOND"
kp histnone --db "$DB" history --cluster no-such-cluster --format json
check "history of an unknown cluster is empty" "$(head -c 200 "$(OUT histnone)")" \
  jqt "$(OUT histnone)" 'length == 0'

# ---------------------------------------------------------------------------------------------
# 4. diff

kp diff --db "$DB" diff --format json
D=$(OUT diff)
check "diff compares the last two complete scans" "$(about diff); $(jq -c '{from: .from.id, to: .to.id}' "$D" 2>&1)" \
  jqt "$D" ".from.id == $FIRST and .to.id == $SECOND"
check "diff: health/swap-disabled on node/worker-4 is resolved" "$(jq -c '.resolved' "$D" 2>&1 | head -c 300)" \
  jqt "$D" 'any(.resolved[]; .rule_id == "health/swap-disabled" and .subject == "node/worker-4" and .before == "fail" and .after == "pass")'
check "diff: exactly one resolved, nothing new, nothing changed" "$(jq -c '.counts' "$D" 2>&1)" \
  jqt "$D" '.counts.resolved == 1 and .counts.new == 0 and .counts.changed == 0 and (.new | length) == 0'
check "diff without --all lists no unchanged findings" "has .unchanged" jqt "$D" 'has("unchanged") | not'
kp diffall --db "$DB" diff "$FIRST" "$SECOND" --all --format json
check "diff A B --all lists the unchanged findings too" "$(jq -c '.counts' "$(OUT diffall)" 2>&1)" \
  jqt "$(OUT diffall)" '(.unchanged | length) == .counts.unchanged and .counts.unchanged > 0'
kp difftext --db "$DB" diff
check "diff (text) names the resolved finding and is plain when piped" "$(head -c 400 "$(OUT difftext)")" \
  eval '[ $RC -eq 0 ] && grep -q "health/swap-disabled  node/worker-4" "$(OUT difftext)" && grep -q "^0 new, 1 resolved" "$(OUT difftext)" && no_escapes "$(OUT difftext)"'
kp diffone --db "$DB" diff "$FIRST" --format json
check "diff A compares A with the newest complete scan" "$(about diffone)" \
  jqt "$(OUT diffone)" ".from.id == $FIRST and .to.id == $SECOND and .counts.resolved == 1"

# Fewer than two scans: a clear error.
kp onescan --db "$W/one.db" --out "$W/out/one" scan --demo --quiet
kp diffone2 --db "$W/one.db" diff
check "diff with one scan exits 2 and says two complete scans are needed" "$(about diffone2)" \
  eval '[ $RC -eq 2 ] && grep -q "two complete scans" "$(ERR diffone2)"'

# A different cluster (another kube-system uid) is refused unless --force.
cp -r "$W/snap" "$W/other"
jq '.cluster.uid = "11111111-2222-3333-4444-555555555555" | .cluster.name = "other"' \
  "$W/other/snapshot.json" >"$W/s.json" && mv "$W/s.json" "$W/other/snapshot.json"
kp other --db "$DB" --out "$W/out/other" scan --snapshot "$W/other" --quiet
OTHER=$(sqlite3 "$DB" "SELECT max(id) FROM scans" 2>/dev/null)
check "a scan of another cluster exits 0" "$(about other)" eval '[ $RC -eq 0 ]'
kp diffx --db "$DB" diff "$SECOND" "$OTHER"
check "diff of scans of different clusters is refused (exit 2, mentions --force)" "$(about diffx)" \
  eval '[ $RC -eq 2 ] && grep -q "different clusters" "$(ERR diffx)" && grep -q -- "--force" "$(ERR diffx)"'
kp diffxf --db "$DB" diff "$SECOND" "$OTHER" --force --format json
check "diff --force compares them" "$(about diffxf)" \
  jqt "$(OUT diffxf)" '.same_cluster == false and .counts.new == 0'
kp difflatest --db "$DB" diff --format json
check "diff without arguments follows the latest scan's cluster (one scan: error)" "$(about difflatest)" \
  eval '[ $RC -eq 2 ] && grep -q "other" "$(ERR difflatest)"'
kp histcl --db "$DB" history --cluster demo --format json
check "history --cluster demo leaves out the other cluster" "$(head -c 200 "$(OUT histcl)")" \
  jqt "$(OUT histcl)" 'length == 2 and all(.[]; .cluster.name == "demo")'

# ---------------------------------------------------------------------------------------------
# 5. report: re-render a past scan

kp report --db "$DB" report latest --format json --out "$W/out/rerender"
RJ=$W/out/rerender/kpatrol-scan-$OTHER.json
check "report latest --format json writes kpatrol-scan-<latest>.json" "$(about report); $(ls "$W/out/rerender" 2>&1)" \
  eval '[ $RC -eq 0 ] && [ -f "$RJ" ]'
check "the re-rendered report is 0600" "mode $(mode "$RJ")" eval '[ "$(mode "$RJ")" = 600 ]'
kp report1 --db "$DB" report "$FIRST" --format json --out "$W/out/rerender"
RJ1=$W/out/rerender/kpatrol-scan-$FIRST.json
check "report FIRST re-renders the first scan with the same findings" "$(about report1)" \
  eval '[ $RC -eq 0 ] && [ "$(jq -c "[.findings[] | [.rule_id, .subject, .status, .message]]" "$RJ1")" = "$(jq -c "[.findings[] | [.rule_id, .subject, .status, .message]]" "$DEMO_JSON")" ]'
kp reportbad --db "$DB" report 9999
check "report of an unknown scan exits 2" "$(about reportbad)" \
  eval '[ $RC -eq 2 ] && grep -q "9999" "$(ERR reportbad)"'
kp reportfmt --db "$DB" report latest --format nosuchformat
check "report with an unknown format exits 2" "$(about reportfmt)" eval '[ $RC -eq 2 ]'

# ---------------------------------------------------------------------------------------------
# 6. query: read-only SQL

kp qtext --db "$DB" query "SELECT id, state, cluster_name FROM scans ORDER BY id"
check "query (text) prints an aligned table with a row count" "$(head -c 300 "$(OUT qtext)")" \
  eval '[ $RC -eq 0 ] && grep -Eq "^id +state +cluster_name" "$(OUT qtext)" && grep -q "^(3 rows)" "$(OUT qtext)"'
kp qjson --db "$DB" query --format json "SELECT status, count(*) AS n FROM findings WHERE scan_id = $FIRST GROUP BY status"
check "query --format json gives an array of objects with numbers" "$(head -c 300 "$(OUT qjson)")" \
  jqt "$(OUT qjson)" 'type == "array" and any(.[]; .status == "fail" and (.n | type) == "number")'
FAILS=$(jq '[.findings[] | select(.status == "fail")] | length' "$DEMO_JSON")
check "query counts match the JSON report" "report says $FAILS fails; query: $(cat "$(OUT qjson)" | tr -d ' \n' | head -c 200)" \
  jqt "$(OUT qjson)" "any(.[]; .status == \"fail\" and .n == $FAILS)"
kp qcsv --db "$DB" query --format csv "SELECT rule_id, message FROM findings WHERE scan_id = $FIRST AND rule_id = 'health/cert-expiry' AND status = 'fail'"
check "query --format csv has a header and quotes fields with commas" "$(head -c 300 "$(OUT qcsv)")" \
  eval '[ $RC -eq 0 ] && [ "$(head -n 1 "$(OUT qcsv)")" = "rule_id,message" ] && grep -q "^health/cert-expiry,\"" "$(OUT qcsv)"'

BEFORE=$(dbsum "$DB")
i=0
for sql in "INSERT INTO scans (started_at, state) VALUES ('x', 'complete')" \
  "DELETE FROM findings" \
  "UPDATE scans SET state = 'failed'" \
  "DROP TABLE findings" \
  "ATTACH DATABASE '$W/attached.db' AS a" \
  "PRAGMA writable_schema = ON" \
  "VACUUM INTO '$W/copy.db'" \
  "SELECT 1; DELETE FROM scans"; do
  i=$((i + 1))
  kp "qw$i" --db "$DB" query "$sql"
  check "query refuses a write: $sql" "$(about "qw$i")" \
    eval '[ $RC -eq 2 ] && grep -Eq "read-only|one SQL statement" "$(ERR qw$i)"'
done
check "the database is unchanged after the refused writes" "dump differs" \
  eval '[ "$(dbsum "$DB")" = "$BEFORE" ]'
check "ATTACH and VACUUM INTO created no file" "$(ls "$W")" \
  eval '[ ! -e "$W/attached.db" ] && [ ! -e "$W/copy.db" ]'
kp qbad --db "$DB" query "SELECT nosuchcolumn FROM scans"
check "an SQL mistake exits 2 with SQLite's message" "$(about qbad)" \
  eval '[ $RC -eq 2 ] && grep -q "no such column" "$(ERR qbad)"'

# ---------------------------------------------------------------------------------------------
# 7. scan --fail-on and colour

CRIT=$(jq '[.findings[] | select((.status == "fail" or .status == "warn") and .severity == "critical")] | length' "$DEMO_JSON")
HIGH=$(jq '[.findings[] | select((.status == "fail" or .status == "warn") and (.severity == "critical" or .severity == "high"))] | length' "$DEMO_JSON")
kp failhigh --db "$W/f.db" --out "$W/out/f" scan --demo --fail-on high
if [ "$HIGH" -gt 0 ]; then
  check "scan --demo --fail-on high exits 1 ($HIGH high/critical fail or warn findings)" "$(about failhigh)" \
    eval '[ $RC -eq 1 ] && grep -q -- "--fail-on high" "$(ERR failhigh)"'
else
  check "scan --demo --fail-on high exits 0 (no high/critical fail or warn)" "$(about failhigh)" eval '[ $RC -eq 0 ]'
fi
kp failcrit --db "$W/f.db" --out "$W/out/f" scan --demo --fail-on critical
if [ "$CRIT" -gt 0 ]; then
  check "scan --demo --fail-on critical exits 1 ($CRIT critical fail or warn findings)" "$(about failcrit)" eval '[ $RC -eq 1 ]'
else
  check "scan --demo --fail-on critical exits 0 (the demo has no critical fail or warn)" "$(about failcrit)" eval '[ $RC -eq 0 ]'
fi
kp failnone --db "$W/f.db" --out "$W/out/f" scan --demo --quiet
check "scan --demo without --fail-on exits 0 and --quiet prints nothing" "$(about failnone)" \
  eval '[ $RC -eq 0 ] && [ ! -s "$(OUT failnone)" ] && [ ! -s "$(ERR failnone)" ]'
kp failq --db "$W/f.db" --out "$W/out/f" scan --demo --quiet --fail-on low
check "scan --quiet --fail-on low exits 1 and prints nothing" "$(about failq)" \
  eval '[ $RC -eq 1 ] && [ ! -s "$(OUT failq)" ] && [ ! -s "$(ERR failq)" ]'
kp failbad --db "$W/f.db" --out "$W/out/f" scan --demo --fail-on severe
check "scan --fail-on with an unknown severity exits 2" "$(about failbad)" eval '[ $RC -eq 2 ]'

kp always --db "$W/f.db" --out "$W/out/f" --color always scan --demo
check "scan --color always colours the summary even when piped" "no ESC" \
  eval 'grep -q "$ESC" "$(OUT always)"'
NO_COLOR=1 kp nocolor --db "$W/f.db" --out "$W/out/f" scan --demo
check "NO_COLOR=1: no escape codes" "ESC found" no_escapes "$(OUT nocolor)"
kp never --db "$W/f.db" --out "$W/out/f" --color never scan --demo
check "--color never: no escape codes" "ESC found" no_escapes "$(OUT never)"
check "piped scan: no progress display on stderr" "$(head -c 200 "$(ERR never)")" \
  eval '! grep -q "Evaluating" "$(ERR never)"'

# ---------------------------------------------------------------------------------------------
# 8. Two scans writing one database at the same time

CDB=$W/concurrent.db
timeout -k 5 180 "$KP" --db "$CDB" --out "$W/out/c1" scan --demo --quiet >log/c1.out 2>log/c1.err &
P1=$!
timeout -k 5 180 "$KP" --db "$CDB" --out "$W/out/c2" scan --demo --quiet >log/c2.out 2>log/c2.err &
P2=$!
PIDS=("$P1" "$P2")
wait "$P1"
RC1=$?
wait "$P2"
RC2=$?
PIDS=()
check "two concurrent scans of one database both exit 0" "exit $RC1 / $RC2; $(cat log/c1.err log/c2.err | head -c 300)" \
  eval '[ $RC1 -eq 0 ] && [ $RC2 -eq 0 ]'
STATES=$(sqlite3 "$CDB" "SELECT group_concat(state) FROM scans" 2>&1)
check "both concurrent scans are complete" "states: $STATES" eval '[ "$STATES" = "complete,complete" ]'
PER_SCAN=$(sqlite3 "$CDB" "SELECT group_concat(n) FROM (SELECT count(*) AS n FROM findings GROUP BY scan_id ORDER BY scan_id)" 2>&1)
check "both concurrent scans recorded the same number of findings" "findings per scan: $PER_SCAN" \
  eval '[ "${PER_SCAN%%,*}" -gt 0 ] 2>/dev/null && [ "$PER_SCAN" = "${PER_SCAN%%,*},${PER_SCAN%%,*}" ]'
check "the concurrent database is 0600" "mode $(mode "$CDB")" eval '[ "$(mode "$CDB")" = 600 ]'
kp cdiff --db "$CDB" diff --format json
check "diff of the two concurrent scans: nothing new or resolved" "$(jq -c .counts "$(OUT cdiff)" 2>&1)" \
  jqt "$(OUT cdiff)" '.counts.new == 0 and .counts.resolved == 0 and .counts.changed == 0'

# ---------------------------------------------------------------------------------------------
# 9. Incomplete scans are marked; a corrupt database is never overwritten

cp "$CDB" "$W/inc.db"
sqlite3 "$W/inc.db" "UPDATE scans SET state = 'interrupted' WHERE id = 2" 2>/dev/null
kp inc --db "$W/inc.db" history
check "history marks an interrupted scan INCOMPLETE" "$(head -c 400 "$(OUT inc)")" \
  eval '[ $RC -eq 0 ] && grep -Eq "^ *2  .*INCOMPLETE \(interrupted\)" "$(OUT inc)"'
kp incj --db "$W/inc.db" history --format json
check "history --format json says complete: false for it" "$(head -c 300 "$(OUT incj)")" \
  jqt "$(OUT incj)" 'any(.[]; .id == 2 and .state == "interrupted" and .complete == false)'
kp incdiff --db "$W/inc.db" diff
check "diff skips the incomplete scan (one complete scan left: error)" "$(about incdiff)" \
  eval '[ $RC -eq 2 ] && grep -q "two complete scans" "$(ERR incdiff)"'

head -c 65536 /dev/urandom >"$W/corrupt.db"
chmod 600 "$W/corrupt.db"
SUM=$(sha256sum <"$W/corrupt.db")
kp corrupt --db "$W/corrupt.db" --out "$W/out/corrupt" scan --demo
check "scan into a corrupt database exits 2 and names the file" "$(about corrupt)" \
  eval '[ $RC -eq 2 ] && grep -q "corrupt.db" "$(ERR corrupt)"'
kp corrupth --db "$W/corrupt.db" history
check "history of a corrupt database exits 2 and names the file" "$(about corrupth)" \
  eval '[ $RC -eq 2 ] && grep -q "corrupt.db" "$(ERR corrupth)"'
kp corruptp --db "$W/corrupt.db" prune --keep 1
check "prune of a corrupt database exits 2" "$(about corruptp)" eval '[ $RC -eq 2 ]'
check "the corrupt database was never modified" "sha256 changed" \
  eval '[ "$(sha256sum <"$W/corrupt.db")" = "$SUM" ]'
check "no report was written for the corrupt database" "$(ls "$W/out/corrupt" 2>&1)" \
  eval '[ -z "$(ls -A "$W/out/corrupt" 2>/dev/null)" ]'

# ---------------------------------------------------------------------------------------------
# 10. prune

kp prunedry --db "$DB" prune --keep 1 --dry-run
check "prune --dry-run names the scan it would remove and changes nothing" "$(about prunedry); $(head -c 300 "$(OUT prunedry)")" \
  eval '[ $RC -eq 0 ] && grep -q "would remove scan $FIRST " "$(OUT prunedry)" && [ "$(sqlite3 "$DB" "SELECT count(*) FROM scans")" = 3 ]'
kp prune --db "$DB" prune --keep 1
check "prune --keep 1 removes the older demo scan" "$(about prune); $(head -c 300 "$(OUT prune)")" \
  eval '[ $RC -eq 0 ] && grep -q "removed scan $FIRST " "$(OUT prune)"'
check "prune --keep 1 leaves one scan per cluster" "$(sqlite3 "$DB" "SELECT group_concat(id) FROM scans" 2>&1)" \
  eval '[ "$(sqlite3 "$DB" "SELECT group_concat(id) FROM scans ORDER BY id")" = "$SECOND,$OTHER" ]'
check "prune removed the scan's findings (cascade)" "$(sqlite3 "$DB" "SELECT count(*) FROM findings WHERE scan_id = $FIRST" 2>&1)" \
  eval '[ "$(sqlite3 "$DB" "SELECT (SELECT count(*) FROM findings WHERE scan_id = $FIRST) + (SELECT count(*) FROM rules WHERE scan_id = $FIRST) + (SELECT count(*) FROM rule_groups WHERE scan_id = $FIRST)")" = 0 ]'
kp prune1 --db "$CDB" prune --keep 1 --vacuum
check "prune --keep 1 --vacuum on the concurrent database leaves one scan" "$(about prune1)" \
  eval '[ $RC -eq 0 ] && [ "$(sqlite3 "$CDB" "SELECT count(*) FROM scans")" = 1 ] && [ "$(mode "$CDB")" = 600 ]'
kp prunebad --db "$DB" prune --keep 0
check "prune --keep 0 is a usage error" "$(about prunebad)" eval '[ $RC -eq 2 ]'
kp prunenodb --db "$W/none.db" prune --keep 1
check "prune without a database exits 2 and creates nothing" "$(about prunenodb)" \
  eval '[ $RC -eq 2 ] && [ ! -e "$W/none.db" ]'
kp histafter --db "$DB" history --format json
check "history after prune shows the kept scans" "$(head -c 200 "$(OUT histafter)")" \
  jqt "$(OUT histafter)" "length == 2 and .[1].id == $SECOND"

echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
