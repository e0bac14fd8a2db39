#!/usr/bin/env bash
# Dogfood: kpatrol's own in-cluster deployment (deploy/, rendered by the real `kubectl
# kustomize`) must pass kpatrol's own rules; the privileges it takes on purpose are waived in
# deploy/waivers.yaml, each with its reason.
# Usage: dogfood_test.sh KPATROL_BINARY
set -uo pipefail
KP=$1
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
W=$(mktemp -d /tmp/kpatrol-dogfood.XXXXXX)
trap 'rm -rf "$W"' EXIT
passed=0 failed=0
ok() { echo "ok - $1"; passed=$((passed + 1)); }
not_ok() { echo "not ok - $1: $2"; failed=$((failed + 1)); }
check() { local name=$1 detail=$2; shift 2; if "$@"; then ok "$name"; else not_ok "$name" "$detail"; fi; }
jqe() { jq -e "$@" > /dev/null 2>&1; }  # a jq condition as a check
KUBECTL=$(command -v kubectl || true)
if [ -z "$KUBECTL" ]; then
  not_ok "kubectl is installed" "scripts/install-deps.sh --test installs it"
  echo "$passed passed, $failed failed"; exit 1
fi

# Problems kpatrol can hold against manifests alone: fail and warn findings on its own objects.
# Cluster-wide rules that need live objects the manifests do not have (nodes, pods) say error,
# which is right for a manifest scan and not a finding about kpatrol.
# Two cluster-scope CIS rules judge the cluster's own posture, not any manifest in it: 5.4.2
# (an external secret store) and 5.5.1 (an image provenance admission policy). They are left out.
problems() {  # report.json -> "status rule subject" lines of fail/warn findings, waived excluded
  jq -r '.findings[] | select(.status == "fail" or .status == "warn")
         | select(.rule_id != "cis-k8s/5.4.2" and .rule_id != "cis-k8s/5.5.1")
         | "\(.status) \(.rule_id) \(.subject)"' "$1" | sort
}

for variant in "" overlays/ssh overlays/kubelet-configz; do
  name=${variant:-base}
  name=${name//\//-}
  "$KUBECTL" kustomize "$ROOT/deploy/$variant" > "$W/$name.yaml" 2> "$W/$name.kerr"
  rc=$?
  check "kubectl kustomize deploy/$variant renders" "exit $rc: $(head -c 300 "$W/$name.kerr")" test $rc -eq 0
  check "deploy/$variant has no Secret and no RBAC rule that reaches Secrets or uses wildcards" \
    "$(grep -n 'secrets\|"\*"\|\[\*\]' "$W/$name.yaml" | head -3)" \
    bash -c "! grep -qE '^kind: Secret\$|- secrets\$|^ *- \"?\\*\"?\$|\\[\\*\\]' '$W/$name.yaml'"
  out=$W/out-$name
  "$KP" scan --manifests "$W/$name.yaml" --db "$W/k.db" --out "$out" --profile default \
    --waivers "$ROOT/deploy/waivers.yaml" -q 2> "$W/$name.err"
  rc=$?
  report=$(ls "$out"/kpatrol-scan-*.json 2>/dev/null | head -1)
  check "kpatrol scans the rendered deploy/$variant (exit 0)" "exit $rc: $(head -c 300 "$W/$name.err")" \
    bash -c "[ $rc -eq 0 ] && [ -n '$report' ]"
  p=$(problems "$report" 2>&1)
  check "deploy/$variant passes kpatrol's own rules (no fail or warn finding)" "$p" test -z "$p"
  check "deploy/$variant's CronJob was checked (its Pod template is a subject)" \
    "$(jq -c '[.findings[] | .subject] | unique' "$report" 2>&1 | head -c 300)" \
    jqe '[.findings[] | select(.subject == "pod/kpatrol/kpatrol-scan-template" and .status == "pass")] | length >= 10' "$report"
done
check "the configz overlay's nodes/proxy grant is waived with its reason, not silently passed" \
  "$(jq -c '[.findings[] | select(.rule_id == "cis-k8s/5.1.10") | [.status, .waiver.reason // .message]]' "$W"/out-overlays-kubelet-configz/*.json 2>&1 | head -c 300)" \
  jqe 'any(.findings[]; .rule_id == "cis-k8s/5.1.10" and .status == "waived")' "$W"/out-overlays-kubelet-configz/kpatrol-scan-*.json
check "without the overlay nothing needs the waiver (5.1.10 passes)" \
  "$(jq -c '[.findings[] | select(.rule_id == "cis-k8s/5.1.10") | .status]' "$W"/out-base/*.json 2>&1)" \
  jqe 'any(.findings[]; .rule_id == "cis-k8s/5.1.10" and .status == "pass")' "$W"/out-base/kpatrol-scan-*.json

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
