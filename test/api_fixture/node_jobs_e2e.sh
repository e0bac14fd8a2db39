#!/usr/bin/env bash
# node_jobs_e2e.sh KPATROL APISERVER SRC: node collection through Jobs end to end. The fixture
# API server (kubeadm state plus four nodes) accepts the scanner's Jobs and runs their command
# with this kpatrol binary over the fixture roots (cp-1: kubeadm-master, worker-1/worker-2:
# worker), node-fail's Job fails, node-hang's runs past its deadline, eci-1 is a virtual
# kubelet. Checks: facts reach node rules, failures and timeouts are error findings with the
# reason, every Job is deleted, a planted leftover is cleaned, at most --node-job-concurrency
# Jobs exist at once, and the token appears nowhere.
set -uo pipefail
KPATROL=${1:?kpatrol binary}
APISRV=${2:?fixture apiserver binary}
SRC=${3:?source dir}
for tool in jq openssl curl; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool not installed"; exit 77; }
done

T=$(mktemp -d)
API_PID=
cleanup() {
  [[ -n $API_PID ]] && kill "$API_PID" 2>/dev/null && wait "$API_PID" 2>/dev/null
  rm -rf "$T"
}
trap cleanup EXIT
[[ -n ${KEEP:-} ]] && trap - EXIT
FAILS=0
ok() { echo "ok - $1"; }
bad() {
  echo "FAIL - $1"
  [[ -n ${2:-} ]] && printf '%s\n' "$2" | sed 's/^/    /'
  FAILS=$((FAILS + 1))
}
check() {
  local what=$1
  shift
  if "$@"; then ok "$what"; else bad "$what"; fi
}

# contains_all N TEXT WORD...: at least 10 findings (N) and TEXT holds every WORD.
contains_all() {
  local n=$1 text=$2
  shift 2
  [[ $n -ge 10 ]] || return 1
  for w in "$@"; do [[ $text == *"$w"* ]] || { echo "    missing '$w' in: $text"; return 1; }; done
}

TOKEN="nodejobs-e2e-$(openssl rand -hex 12)"

# --- certificates, roots, state ---
(
  cd "$T" || exit 1
  openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2 -subj "/CN=nodejobs-e2e-ca"
  openssl req -newkey rsa:2048 -nodes -keyout api.key -out api.csr -subj "/CN=kube-apiserver"
  printf 'subjectAltName=IP:127.0.0.1\n' >api.ext
  openssl x509 -req -in api.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out api.crt -days 2 -extfile api.ext
) >/dev/null 2>&1
bash "$SRC/fixtures/nodes/prepare-root.sh" kubeadm-master "$T/roots/master" || exit 1
bash "$SRC/fixtures/nodes/prepare-root.sh" worker "$T/roots/worker" || exit 1

cp -r "$SRC/fixtures/kubeadm" "$T/state"
mkdir -p "$T/jobs"
# Four more Nodes: a second worker, one whose Job fails, one whose Job hangs, and an ECI node.
jq '.items += [
  (.items[1] | .metadata.name = "worker-2" | .metadata.labels["kubernetes.io/hostname"] = "worker-2"),
  (.items[1] | .metadata.name = "node-fail" | .metadata.labels["kubernetes.io/hostname"] = "node-fail"
             | .spec.taints = [{"key": "dedicated", "value": "batch", "effect": "NoExecute"}]),
  (.items[1] | .metadata.name = "node-hang" | .metadata.labels["kubernetes.io/hostname"] = "node-hang"),
  (.items[1] | .metadata.name = "eci-1" | .metadata.labels = {"type": "virtual-kubelet"}
             | .spec.taints = [{"key": "virtual-kubelet.io/provider", "value": "alibabacloud", "effect": "NoSchedule"}])
]' "$SRC/fixtures/kubeadm/objects/nodes.json" >"$T/state/objects/nodes.json" || exit 1

"$APISRV" --state "$T/state" --tls-cert "$T/api.crt" --tls-key "$T/api.key" --ready-file "$T/api.ready" \
  --token "$TOKEN" --kpatrol "$KPATROL" \
  --node-root "cp-1=$T/roots/master" --node-root "worker-1=$T/roots/worker" \
  --node-root "worker-2=$T/roots/worker" \
  --node-behaviour node-fail=fail --node-behaviour node-hang=hang --job-run-ms 1500 --job-namespace kpatrol-nodes \
  --job-dump "$T/jobs" \
  >"$T/api.log" 2>&1 &
API_PID=$!
for _ in $(seq 300); do [[ -s $T/api.ready ]] && break; sleep 0.1; done
PORT=$(cat "$T/api.ready" 2>/dev/null)
[[ -n $PORT ]] || { echo "fixture server did not start"; cat "$T/api.log"; exit 1; }
cat >"$T/kc" <<KC
apiVersion: v1
kind: Config
current-context: e2e
clusters:
- name: e2e
  cluster: {server: "https://127.0.0.1:$PORT", certificate-authority: $T/ca.crt}
contexts:
- name: e2e
  context: {cluster: e2e, user: e2e}
users:
- name: e2e
  user: {token: $TOKEN}
KC
chmod 600 "$T/kc"
stats() { curl -sf --cacert "$T/ca.crt" -H "Authorization: Bearer $TOKEN" "https://127.0.0.1:$PORT/fixture/node-jobs"; }

# --- a leftover Job from an interrupted run, created with the real kubectl when there is one
# (--validate=false: the fixture serves no OpenAPI document to validate against) ---
cat >"$T/leftover.json" <<'JOB'
{"apiVersion": "batch/v1", "kind": "Job",
 "metadata": {"name": "kpatrol-node-worker-1-deadbeef", "namespace": "kpatrol-nodes",
   "labels": {"app.kubernetes.io/managed-by": "kpatrol", "kpatrol.io/node-collector": "true",
              "kpatrol.io/run": "interrupted"}},
 "spec": {"backoffLimit": 0, "activeDeadlineSeconds": 3600, "template": {"spec": {
   "nodeName": "worker-1", "hostPID": true, "restartPolicy": "Never",
   "tolerations": [{"operator": "Exists"}],
   "containers": [{"name": "collect", "image": "kpatrol:old",
     "command": ["kpatrol", "collect", "node", "--host-root", "/host", "--out", "-"],
     "volumeMounts": [{"name": "host", "mountPath": "/host", "readOnly": true}]}],
   "volumes": [{"name": "host", "hostPath": {"path": "/"}}]}}}}
JOB
if command -v kubectl >/dev/null; then
  check "kubectl create plants a leftover Job on the fixture server" \
    kubectl --kubeconfig "$T/kc" create --validate=false -f "$T/leftover.json" -o name
else
  check "curl plants a leftover Job" curl -sf --cacert "$T/ca.crt" -H "Authorization: Bearer $TOKEN" \
    -H 'Content-Type: application/json' --data-binary @"$T/leftover.json" \
    "https://127.0.0.1:$PORT/apis/batch/v1/namespaces/kpatrol-nodes/jobs" -o /dev/null
fi
check "the leftover Job exists before the run" bash -c "[[ \$(stats_out=\$(curl -sf --cacert '$T/ca.crt' -H 'Authorization: Bearer $TOKEN' https://127.0.0.1:$PORT/fixture/node-jobs); jq '.jobs | length' <<<\"\$stats_out\") == 1 ]]"

# --- usage errors ---
"$KPATROL" --db "$T/x.db" scan --manifests "$SRC/test/api_fixture/data/manifests" --node-jobs >/dev/null 2>"$T/usage.err"
rc=$?
check "--node-jobs with --manifests is refused (rc=$rc)" bash -c "[[ $rc == 2 ]] && grep -q 'node-jobs creates Jobs through the Kubernetes API' '$T/usage.err'"

# --- the scan (the Jobs' namespace is the default, kpatrol-nodes) ---
START=$(date +%s)
"$KPATROL" --db "$T/kpatrol.db" --out "$T/reports" --log-level info scan --kubeconfig "$T/kc" \
  --node-jobs --node-job-concurrency 2 --node-job-timeout 4 --node-job-image registry.example/kpatrol:e2e \
  >"$T/scan.out" 2>"$T/scan.err"
RC=$?
ELAPSED=$(($(date +%s) - START))
REPORT=$(ls "$T"/reports/kpatrol-scan-*.json 2>/dev/null | head -1)
if [[ $RC -le 1 && -n $REPORT ]]; then
  ok "scan --kubeconfig --node-jobs completes (rc=$RC, ${ELAPSED}s)"
else
  bad "scan --node-jobs completes (rc=$RC)" "$(tail -20 "$T/scan.err")"
  exit 1
fi

count() { jq --arg s "node/$1" --arg st "$2" '[.findings[] | select(.subject == $s and .status == $st)] | length' "$REPORT"; }

# Node facts from the Job logs reach node rules: swap is on in the worker root, off on the master.
swap_w=$(jq -r '[.findings[] | select(.subject == "node/worker-1" and (.rule_id | test("swap")))][0].status // "none"' "$REPORT")
swap_m=$(jq -r '[.findings[] | select(.subject == "node/cp-1" and (.rule_id | test("swap")))][0].status // "none"' "$REPORT")
check "worker-1 (worker root, swap on): the swap rule fails from the Job's facts ($swap_w)" test "$swap_w" = fail
check "cp-1 (kubeadm-master root): the swap rule passes from the Job's facts ($swap_m)" test "$swap_m" = pass
for n in cp-1 worker-1 worker-2; do
  evaluated=$(($(count "$n" pass) + $(count "$n" fail) + $(count "$n" warn)))
  errs=$(jq --arg s "node/$n" '[.collection_errors[] | select(.subject == $s and .fact == "*")] | length' "$REPORT")
  check "$n: node rules evaluated from Job facts ($evaluated findings), no node-level collection error" \
    bash -c "[[ $evaluated -ge 10 && $errs == 0 ]]"
done

# Failures and timeouts are error findings with the reason.
fail_msg=$(jq -r '[.findings[] | select(.subject == "node/node-fail" and .status == "error")][0].message // ""' "$REPORT")
n_fail=$(count node-fail error)
check "node-fail: $n_fail error findings with the Job's failure and the pod's last log line" \
  contains_all "$n_fail" "$fail_msg" BackoffLimitExceeded "injected failure"
hang_msg=$(jq -r '[.findings[] | select(.subject == "node/node-hang" and .status == "error")][0].message // ""' "$REPORT")
n_hang=$(count node-hang error)
check "node-hang: $n_hang error findings naming the deadline" \
  contains_all "$n_hang" "$hang_msg" DeadlineExceeded
check "the report lists the Job collection errors with source node-job" \
  bash -c "[[ \$(jq '[.collection_errors[] | select(.source == \"node-job\" and .fact == \"*\")] | length' '$REPORT') == 2 ]]"
# The virtual-kubelet node is recognised and not given a Job.
n_eci=$(jq '[.findings[] | select(.subject == "node/eci-1" and (.message | contains("node-job")))] | length' "$REPORT")
check "eci-1 (virtual kubelet): no Job, so no node-job error findings ($n_eci)" test "$n_eci" -eq 0

# The server's view: every Job deleted, the leftover cleaned, the wave bound respected.
S=$(stats)
echo "    server: $S"
check "every Job is deleted after the run (none left on the server)" bash -c "[[ \$(jq '.jobs | length' <<<'$S') == 0 ]]"
check "5 Jobs created by the scan plus the planted one (6), 6 deleted" \
  bash -c "[[ \$(jq .created <<<'$S') == 6 && \$(jq .deleted <<<'$S') == 6 ]]"
check "the planted leftover Job was cleaned (logged)" grep -q 'removing leftover node-collection Job kpatrol-nodes/kpatrol-node-worker-1-deadbeef' "$T/scan.err"
check "at most 2 Jobs (--node-job-concurrency) existed at once, and 2 did" \
  bash -c "[[ \$(jq .max_existing <<<'$S') == 2 ]]"
check "the server ran the real kpatrol for the 3 collectable nodes" bash -c "[[ \$(jq .commands_run <<<'$S') -ge 3 ]]"
check "no Job was refused by the server's shape checks" bash -c "[[ \$(jq .rejected <<<'$S') == 0 ]]"
if command -v kubectl >/dev/null; then
  left=$(kubectl --kubeconfig "$T/kc" get jobs -n kpatrol-nodes -o name 2>&1)
  check "kubectl get jobs -n kpatrol-nodes: none left ('$left')" test -z "$left"
fi

# kpatrol's own workload rules on the Jobs it created (as the server received them): nothing fails
# or warns but what deploy/waivers.yaml waives, each with its reason.
rm -f "$T/jobs/kpatrol-node-worker-1-deadbeef.json"  # the planted one is not kpatrol's
check "the server kept the 5 Jobs kpatrol created" test "$(ls "$T/jobs" | wc -l)" -eq 5
"$KPATROL" --db "$T/own.db" --out "$T/own" scan --manifests "$T/jobs" --profile default \
  --waivers "$SRC/deploy/waivers.yaml" -q 2>"$T/own.err"
OWN=$(ls "$T"/own/kpatrol-scan-*.json 2>/dev/null | head -1)
problems=$(jq -r '.findings[] | select(.status == "fail" or .status == "warn")
  | select(.rule_id != "cis-k8s/5.4.2" and .rule_id != "cis-k8s/5.5.1")
  | "\(.status) \(.rule_id) \(.subject)"' "$OWN" 2>&1 | sort -u)
check "kpatrol's rules pass its node Jobs, waivers aside" test -z "$problems"
[[ -n $problems ]] && printf '%s\n' "$problems" | head -20 | sed 's/^/    /'
n_waived=$(jq '[.findings[] | select(.status == "waived" and (.subject | startswith("pod/kpatrol-nodes/kpatrol-node-")))] | length' "$OWN" 2>/dev/null)
check "the node Jobs' privileges are waived, not silently passed ($n_waived findings)" test "${n_waived:-0}" -gt 0
n_pass=$(jq '[.findings[] | select(.status == "pass" and (.subject | startswith("pod/kpatrol-nodes/kpatrol-node-")))] | length' "$OWN" 2>/dev/null)
check "the node Jobs' pods were checked by the workload rules ($n_pass pass)" test "${n_pass:-0}" -ge 25

# The token appears nowhere kpatrol wrote.
check "the token is in no log, report or database" \
  bash -c "! grep -rqaF '$TOKEN' '$T/scan.err' '$T/scan.out' '$T/reports' '$T/kpatrol.db' '$T/api.log'"

# Without the overlay's Role (403 on create): every node gets the reason, naming the overlay;
# the scan still completes, and no Job is left behind.
kill "$API_PID" 2>/dev/null
wait "$API_PID" 2>/dev/null
rm -f "$T/api.ready"
"$APISRV" --state "$T/state" --tls-cert "$T/api.crt" --tls-key "$T/api.key" --ready-file "$T/api.ready" \
  --token "$TOKEN" --kpatrol "$KPATROL" --job-namespace kpatrol-nodes --forbid jobs \
  >"$T/api2.log" 2>&1 &
API_PID=$!
for _ in $(seq 300); do [[ -s $T/api.ready ]] && break; sleep 0.1; done
PORT=$(cat "$T/api.ready" 2>/dev/null)
sed -i "s#https://127.0.0.1:[0-9]*#https://127.0.0.1:$PORT#" "$T/kc"
"$KPATROL" --db "$T/forbid.db" --out "$T/forbid" scan --kubeconfig "$T/kc" --node-jobs \
  --node-job-namespace kpatrol-nodes -q >/dev/null 2>"$T/forbid.err"
RC=$?
FREPORT=$(ls "$T"/forbid/kpatrol-scan-*.json 2>/dev/null | head -1)
check "403 on Job creation: the scan completes (rc=$RC)" bash -c "[[ $RC -le 1 && -n '$FREPORT' ]]"
n403=$(jq '[.collection_errors[] | select(.source == "node-job" and (.message | contains("403 Forbidden")) and (.message | contains("overlays/node-jobs")))] | length' "$FREPORT" 2>/dev/null)
check "403: each of the 5 collectable nodes has the reason, naming the overlay ($n403)" test "${n403:-0}" -eq 5
S=$(stats)
check "403: no Job was created" bash -c "[[ \$(jq .created <<<'$S') == 0 ]]"
check "403: the token is in no log, report or database" \
  bash -c "! grep -rqaF '$TOKEN' '$T/forbid.err' '$T/forbid' '$T/forbid.db' '$T/api2.log'"

echo "$FAILS failure(s)"
[[ $FAILS -eq 0 ]]
