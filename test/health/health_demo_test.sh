#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Health inspection on the demo cluster (issue 7): `kpatrol scan --demo --profile health` finds
# every planted fault of fixtures/README.md with the right status, flags nothing healthy (the
# set of fail findings is exactly the planted list), and `kpatrol diagnose` names the planted
# causes first.
#
#   bash test/health/health_demo_test.sh path/to/kpatrol
#
# Each check prints `ok - <what>` or `not ok - <what>: <why>`; the last line is
# `N passed, M failed` and the exit status is non-zero when anything failed.
# Tools: bash, coreutils, jq, sqlite3.
set -u

if [ $# -ne 1 ]; then
  echo "usage: $0 path/to/kpatrol" >&2
  exit 2
fi
KP=$(realpath "$1")
for tool in jq sqlite3; do
  command -v "$tool" >/dev/null 2>&1 || { echo "$0: '$tool' is required" >&2; exit 2; }
done
W=$(mktemp -d "${TMPDIR:-/tmp}/kpatrol-health.XXXXXX")
trap 'rm -rf "$W"' EXIT
cd "$W" || exit 2
export HOME=$W XDG_DATA_HOME=$W/xdg NO_COLOR=1

PASSED=0
FAILED=0
pass() { PASSED=$((PASSED + 1)); printf 'ok - %s\n' "$1"; }
fail() { FAILED=$((FAILED + 1)); printf 'not ok - %s: %s\n' "$1" "$(printf '%s' "$2" | tr '\n' ' ')"; }
# same DESC EXPECTED ACTUAL: passes when the two texts are equal (a diff otherwise).
same() {
  if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "$(diff <(printf '%s\n' "$2") <(printf '%s\n' "$3"))"; fi
}

# ---------------------------------------------------------------------------------------------
# The planted faults (fixtures/README.md), as the fail findings of the health profile.

# 1 CrashLoopBackOff, 3 Pending (and its Deployment down), 4 privileged (privileged also means
# privilege escalation), 5a/5b unpinned images, 6a/6b missing limits, 7 certificate expiring in
# 20 days, 8 conntrack 95 %, 9 swap on.
EXPECTED_FAIL=$(sort <<'EOF'
health/cert-expiry node/master-2
health/conntrack-usage node/worker-3
health/pod-crashloop pod/shop/cart-2bztbb4hrw-hkg8c
health/pod-pending pod/batch/report-generator-tkbq7682h7-qcmhk
health/swap-disabled node/worker-4
health/workload-available deployment/batch/report-generator
workload/image-tag-pinned pod/default/debug-shell
workload/image-tag-pinned pod/shop/frontend-5q46z6tmz9-gm65q
workload/image-tag-pinned pod/shop/frontend-5q46z6tmz9-hb5cm
workload/image-tag-pinned pod/shop/frontend-5q46z6tmz9-jh96t
workload/image-tag-pinned pod/shop/frontend-5q46z6tmz9-mvhdl
workload/image-tag-pinned pod/shop/frontend-5q46z6tmz9-mx6bs
workload/image-tag-pinned pod/shop/frontend-5q46z6tmz9-zp545
workload/privilege-escalation pod/payments/legacy-gateway-72vs9249hc-9xqgw
workload/privileged-container pod/payments/legacy-gateway-72vs9249hc-9xqgw
workload/resource-limits pod/default/debug-shell
workload/resource-limits pod/shop/catalog-svznrssrrp-5xfq5
workload/resource-limits pod/shop/catalog-svznrssrrp-7jkpk
workload/resource-limits pod/shop/catalog-svznrssrrp-8tnlq
workload/resource-limits pod/shop/catalog-svznrssrrp-mjgqj
workload/resource-limits pod/shop/catalog-svznrssrrp-qjqdw
EOF
)

# Planted faults (and their consistent consequences) that are warnings, not failures:
# 2 OOMKilled and running again; the CrashLoopBackOff pod's restarts and its Deployment at 3/4;
# the full conntrack table's drop counters.
EXPECTED_WARN=$(sort <<'EOF'
health/conntrack-drops node/worker-3
health/pod-oomkilled pod/data/redis-0
health/pod-restarts pod/shop/cart-2bztbb4hrw-hkg8c
health/workload-available deployment/shop/cart
EOF
)

DB=$W/kpatrol.db
if "$KP" scan --demo --profile health --db "$DB" --out "$W/out" -q >"$W/scan.log" 2>&1; then
  pass "scan --demo --profile health runs"
else
  fail "scan --demo --profile health runs" "$(tail -5 "$W/scan.log")"
fi
q() { sqlite3 -separator ' ' "$DB" "$1"; }

same "the fail findings are exactly the planted faults" "$EXPECTED_FAIL" \
  "$(q "SELECT rule_id, subject FROM findings WHERE status = 'fail' ORDER BY 1, 2" | sort)"

ACTUAL_WARN=$(q "SELECT rule_id, subject FROM findings WHERE status = 'warn' ORDER BY 1, 2" | sort)
missing_warn=$(comm -23 <(printf '%s\n' "$EXPECTED_WARN") <(printf '%s\n' "$ACTUAL_WARN"))
same "the planted warnings are found (OOMKilled, restarts, degraded Deployment, conntrack drops)" "" \
  "$missing_warn"

# Severities of the planted faults' rules.
same "planted faults carry their rules' severities" \
  "$(sort <<'EOF'
health/cert-expiry high
health/conntrack-usage high
health/pod-crashloop high
health/pod-oomkilled medium
health/pod-pending high
health/swap-disabled medium
workload/image-tag-pinned medium
workload/privileged-container high
workload/resource-limits medium
EOF
)" "$(q "SELECT DISTINCT rule_id, severity FROM findings WHERE status IN ('fail','warn') AND rule_id IN
  ('health/cert-expiry','health/conntrack-usage','health/pod-crashloop','health/pod-oomkilled',
   'health/pod-pending','health/swap-disabled','workload/image-tag-pinned',
   'workload/privileged-container','workload/resource-limits') ORDER BY 1" | sort)"

# Nothing healthy fails: no healthy node, and no pod outside the planted ones, has a fail.
same "no healthy node fails" "" \
  "$(q "SELECT DISTINCT subject FROM findings WHERE status = 'fail' AND subject LIKE 'node/%'
        AND subject NOT IN ('node/master-2','node/worker-3','node/worker-4')")"
same "kube-system workloads are exempt with their reasons, never failed" "" \
  "$(q "SELECT rule_id, subject FROM findings WHERE status = 'fail' AND subject LIKE 'pod/kube-system/%'")"
reason=$(q "SELECT message FROM findings WHERE rule_id = 'workload/host-network'
            AND subject LIKE 'pod/kube-system/kube-proxy-%' LIMIT 1")
case $reason in
  *"exempt (kube-system/*)"*) pass "exemptions show their reason ($reason)" ;;
  *) fail "exemptions show their reason" "got '$reason'" ;;
esac
same "no error findings on the demo (every rule loaded, every fact it needs is there)" "" \
  "$(q "SELECT rule_id, subject, message FROM findings WHERE status = 'error'")"

# Issue 7's remaining items on the demo: every node's TLS endpoints serve the certificate of
# their file (master-2's expiring apiserver.crt is what 6443 serves: still one cert-expiry
# finding, no second one), no Pod's probe fails (no Unhealthy event), CoreDNS keeps kubeadm's
# 170Mi (a warning, not a failure), no virtual node (ECI rules not applicable), no snapshots.
same "serving endpoints: all 8 nodes serve their current certificates" "8" \
  "$(q "SELECT COUNT(*) FROM findings WHERE rule_id = 'health/endpoint-cert-current' AND status = 'pass'")"
same "cert-expiry on master-2 names the file, not its served copy" "1" \
  "$(q "SELECT COUNT(*) FROM findings WHERE rule_id = 'health/cert-expiry' AND subject = 'node/master-2'
        AND status = 'fail' AND message LIKE '/etc/kubernetes/pki/apiserver.crt expires in 20 days%'")"
same "failing probes: none on the demo (the crash-looping and OOM-killed Pods have no Unhealthy event)" "" \
  "$(q "SELECT subject FROM findings WHERE rule_id = 'health/pod-probe-failing' AND status <> 'pass' AND status <> 'na'")"
same "CoreDNS memory: kubeadm's 170Mi warns against the 2Gi recommendation" "warn" \
  "$(q "SELECT status FROM findings WHERE rule_id = 'health/coredns-memory'")"
same "ECI and snapshot rules are not applicable on the demo (no virtual node, no snapshot API)" "" \
  "$(q "SELECT rule_id, subject, status FROM findings WHERE status <> 'na' AND rule_id IN
        ('health/eci-nodeport-service', 'health/snapshot-controller',
         'health/eci-daemonset-virtual-nodes', 'health/eci-virtual-node-features')")"

# Fault 10 (kubelet anonymous auth) belongs to the CIS baseline: the default profile finds it.
if "$KP" scan --demo --db "$W/default.db" --out "$W/out" -q >"$W/default.log" 2>&1; then
  same "fault 10: cis-k8s/4.2.1 fails on worker-5 only (default profile)" "node/worker-5" \
    "$(sqlite3 "$W/default.db" "SELECT subject FROM findings WHERE rule_id = 'cis-k8s/4.2.1' AND status = 'fail'")"
else
  fail "scan --demo (default profile) runs" "$(tail -5 "$W/default.log")"
fi

# ---------------------------------------------------------------------------------------------
# kpatrol diagnose

CART=shop/cart-2bztbb4hrw-hkg8c
if "$KP" diagnose pod "$CART" --demo --format json >"$W/pod.json" 2>"$W/pod.err"; then
  pass "diagnose pod $CART runs"
else
  fail "diagnose pod $CART runs" "$(cat "$W/pod.err")"
fi
same "diagnose pod: the CrashLoopBackOff is the first cause" \
  "health/pod-crashloop fail pod/$CART" \
  "$(jq -r '.causes[0] | "\(.rule) \(.status) \(.subject)"' "$W/pod.json")"
same "diagnose pod: the first cause carries evidence and the fix" "27 true" \
  "$(jq -r '.causes[0] | "\(.evidence.containers[0].restartCount) \((.remediation.en | length) > 0)"' "$W/pod.json")"
same "diagnose pod: the question resolves to the node and the Deployment" "true true" \
  "$(jq -r '[(.context | index("node worker-4") != null), (.context | index("deployment shop/cart") != null)] | map(tostring) | join(" ")' "$W/pod.json")"
same "diagnose pod: causes follow the flow (stages in order within fail, then warn)" "true" \
  "$(jq -r '[.causes[] | select(.status == "fail") | .stage] as $s
            | ["pod","node","network","node-component","cluster-component"] as $order
            | [$s[] | ($order | index(.))] | . == sort | tostring' "$W/pod.json")"
same "diagnose pod: unrelated pods are not listed" "0" \
  "$(jq -r '[.causes[] | select(.subject | startswith("pod/") and (contains("cart-2bztbb4hrw-hkg8c") | not) and (startswith("pod/kube-system/") | not))] | length' "$W/pod.json")"

zh=$("$KP" diagnose pod "$CART" --demo --lang zh 2>&1)
case $zh in
  *"诊断: pod $CART"*"1. [异常 high] Pod · 容器未处于 CrashLoopBackOff"*) pass "diagnose pod --lang zh prints the cause first in Chinese" ;;
  *) fail "diagnose pod --lang zh prints the cause first in Chinese" "$(printf '%s' "$zh" | head -8)" ;;
esac

same "diagnose node worker-3: the full conntrack table comes first" "health/conntrack-usage fail" \
  "$("$KP" diagnose node worker-3 --demo --format json 2>/dev/null | jq -r '.causes[0] | "\(.rule) \(.status)"')"
same "diagnose node master-2: the expiring API server certificate comes first" "health/cert-expiry fail" \
  "$("$KP" diagnose node master-2 --demo --format json 2>/dev/null | jq -r '.causes[0] | "\(.rule) \(.status)"')"
same "diagnose pod data/redis-0 lists the OOM kill" "1" \
  "$("$KP" diagnose pod data/redis-0 --demo --format json 2>/dev/null | jq -r '[.causes[] | select(.rule == "health/pod-oomkilled")] | length')"
same "diagnose dns lists the CoreDNS lameduck setting" "warn coredns-config" \
  "$("$KP" diagnose dns --demo --format json 2>/dev/null | jq -r '.causes[] | select(.rule == "health/coredns-lameduck") | "\(.status) \(.stage)"')"
same "diagnose network: the payments NetworkPolicy denies default/debug-shell" \
  "path/networkpolicy-ingress fail" \
  "$("$KP" diagnose network default/debug-shell svc/payments/payments-api 80 --demo --format json 2>/dev/null \
     | jq -r '.causes[0] | "\(.rule) \(.status)"')"
same "diagnose network: shop may reach payments-api on 80 (targetPort 8080; no path cause)" "0" \
  "$("$KP" diagnose network shop/frontend-5q46z6tmz9-gm65q svc/payments/payments-api 80 --demo --format json 2>/dev/null \
     | jq -r '[.causes[] | select(.stage == "path")] | length')"
"$KP" diagnose pod shop/no-such-pod --demo >/dev/null 2>"$W/missing.err"
rc=$?
same "diagnose pod of an unknown pod exits 2 naming it" "2 1" \
  "$rc $(grep -c 'pod shop/no-such-pod is not in the snapshot' "$W/missing.err")"

echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
