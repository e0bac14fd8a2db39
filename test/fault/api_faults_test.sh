#!/usr/bin/env bash
# Fault injection on the API layer: the same cluster (fixture API server, demo state) is
# scanned once cleanly and once with faults injected on some kinds (403, a non-JSON body, a body
# cut mid-stream, a connection stalled past the request timeout) plus transient ones that the
# client must retry through (429 once, 500 once, an expired continue token). Then:
#  - the faulty scan completes (exit 0: findings, no crash, no hang);
#  - every rule whose findings changed reports only `error` findings, each with a reason;
#  - every other rule's findings are identical to the clean run's (rule, subject, status,
#    message), and enough of them are, so the comparison is not vacuous;
#  - the transient faults changed nothing (pods, deployments, replicasets rules are unaffected);
#  - both databases pass `PRAGMA integrity_check`.
# usage: api_faults_test.sh KPATROL FIXTURE_APISERVER
set -uo pipefail
KP=$(realpath "${1:?kpatrol binary}")
SRV=$(realpath "${2:?fixture API server binary}")
SRC=$(cd "$(dirname "$0")/../.." && pwd)
T=$(mktemp -d "${TMPDIR:-/tmp}/kpatrol-api-faults.XXXXXX")
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  wait 2>/dev/null
  rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
export HOME=$T/home NO_COLOR=1 NO_PROXY=127.0.0.1 no_proxy=127.0.0.1
mkdir -p "$HOME"
unset KUBECONFIG KUBERNETES_SERVICE_HOST KUBERNETES_SERVICE_PORT HTTPS_PROXY https_proxy \
  HTTP_PROXY http_proxy ALL_PROXY all_proxy

pass=0
failed=0
ok() { pass=$((pass + 1)); echo "ok   - $1"; }
bad() {
  failed=$((failed + 1))
  echo "FAIL - $1"
  if [ -n "${2:-}" ] && [ -f "$2" ]; then sed 's/^/       /' "$2" | head -25; fi
}

cd "$T"
gen() { openssl "$@" >/dev/null 2>&1 || { echo "openssl $1 failed"; exit 1; }; }
gen req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2 -subj "/CN=kpatrol-fault-ca"
gen req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj "/CN=kube-apiserver"
printf 'subjectAltName=IP:127.0.0.1\n' >server.ext
gen x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out server.crt -days 2 \
  -extfile server.ext

# start NAME ARGS...: a fixture server on a free port (written to its ready file).
start() {
  local name=$1
  shift
  "$SRV" --state "$SRC/fixtures/demo" --tls-cert server.crt --tls-key server.key --token t0k \
    --ready-file "$T/$name.ready" "$@" >"$T/$name.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 300); do
    [ -s "$T/$name.ready" ] && break
    sleep 0.1
  done
  [ -s "$T/$name.ready" ] || { echo "fixture server $name did not start"; cat "$T/$name.log"; exit 1; }
  cat >"$T/$name.kc" <<KC
apiVersion: v1
kind: Config
current-context: c
clusters: [{name: c, cluster: {server: "https://127.0.0.1:$(cat "$T/$name.ready")", certificate-authority: ca.crt}}]
users: [{name: u, user: {token: t0k}}]
contexts: [{name: c, context: {cluster: c, user: u}}]
KC
}
# scan NAME: kpatrol scan against server NAME; JSON report in $T/NAME.json, database $T/NAME.db.
scan() {
  timeout 600 "$KP" scan --kubeconfig "$T/$1.kc" --db "$T/$1.db" --out "$T/$1-reports" --quiet \
    --request-timeout 5 >"$T/$1.out" 2>"$T/$1.err"
  RC=$?
  cp "$(ls "$T/$1-reports"/kpatrol-scan-*.json 2>/dev/null | head -1)" "$T/$1.json" 2>/dev/null
}

start clean
start faults --forbid clusterrolebindings --non-json services --truncate networkpolicies \
  --slow ingresses=20000 --throttle-once pods --fail-once deployments \
  --expire-continue replicasets --max-page 5

scan clean
[ "$RC" = 0 ] && ok "clean scan (exit 0)" || bad "clean scan: exit $RC" "$T/clean.err"
scan faults
[ "$RC" = 0 ] && ok "scan under injected faults completes (exit 0)" || bad "faulty scan: exit $RC" "$T/faults.err"
[ -s "$T/clean.json" ] && [ -s "$T/faults.json" ] || { bad "no JSON reports"; echo "$pass passed, $failed failed"; exit 1; }

# Per rule: its sorted findings as [subject, status, message].
per_rule() {
  jq -S '[.findings[] | {rule: .rule_id, f: [.subject, .status, .message]}]
         | group_by(.rule) | map({key: .[0].rule, value: (map(.f) | sort)}) | from_entries' "$1"
}
per_rule "$T/clean.json" >"$T/clean.rules"
per_rule "$T/faults.json" >"$T/faults.rules"
python3 - "$T/clean.rules" "$T/faults.rules" >"$T/compare.txt" <<'PY'
import json, sys
clean, faults = (json.load(open(p)) for p in sys.argv[1:3])
same = changed = 0
for rule in sorted(set(clean) | set(faults)):
    a, b = clean.get(rule), faults.get(rule)
    if a == b:
        same += 1
        continue
    changed += 1
    bad = [f for f in (b or []) if f[1] != "error" or not f[2]]
    print(("BAD " if bad or b is None else "CHANGED ") + rule + " " + json.dumps((b or [])[:2])[:300])
print(f"SUMMARY same={same} changed={changed}")
PY
read -r same changed < <(sed -n 's/^SUMMARY same=\([0-9]*\) changed=\([0-9]*\)/\1 \2/p' "$T/compare.txt")
if grep -q '^BAD ' "$T/compare.txt"; then
  bad "a rule changed by the faults reports something other than error-with-reason" "$T/compare.txt"
else
  ok "every rule changed by the faults reports only error findings with a reason ($changed rules)"
fi
[ "${changed:-0}" -gt 0 ] && ok "the faults did affect rules ($changed)" || bad "no rule affected: faults not injected?" "$T/compare.txt"
[ "${same:-0}" -ge 20 ] && ok "$same rules unaffected: findings identical to the clean run" || bad "only ${same:-0} rules identical" "$T/compare.txt"
# (into a file first: grep -q closing the pipe early would fail the pipeline under pipefail)
jq -r '.findings[] | select(.status == "error") | .message' "$T/faults.json" >"$T/reasons.txt"
grep -q "403 Forbidden" "$T/reasons.txt" && ok "403 named in error findings" || bad "no 403 reason" "$T/compare.txt"
grep -q "/api/v1/services" "$T/reasons.txt" && ok "non-JSON services body: error names the URL" || bad "no services reason" "$T/compare.txt"
for k in pods deployments replicasets; do
  if jq -e --arg k "objects.$k" '[.collection_errors[] | select(.fact == $k)] | length == 0' "$T/faults.json" >/dev/null; then
    ok "transient fault on $k retried: no collection error"
  else
    bad "$k has a collection error" "$T/faults.json"
  fi
done
grep -q "pods.* 429" "$T/faults.log" && ok "429 served (and retried)" || bad "no 429 in the server log" "$T/faults.log"
for db in clean faults; do
  r=$(sqlite3 "$T/$db.db" 'PRAGMA integrity_check;' 2>&1)
  [ "$r" = ok ] && ok "$db database: integrity_check ok" || bad "$db database: $r"
done
echo "$pass passed, $failed failed"
[ "$failed" = 0 ]
