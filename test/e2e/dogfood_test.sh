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

for variant in "" overlays/ssh overlays/kubelet-configz overlays/node-jobs; do
  name=${variant:-base}
  name=${name//\//-}
  "$KUBECTL" kustomize "$ROOT/deploy/$variant" > "$W/$name.yaml" 2> "$W/$name.kerr"
  rc=$?
  check "kubectl kustomize deploy/$variant renders" "exit $rc: $(head -c 300 "$W/$name.kerr")" test $rc -eq 0
  check "deploy/$variant has no Secret and no RBAC rule that reaches Secrets or uses wildcards" \
    "$(grep -n 'secrets\|"\*"\|\[\*\]' "$W/$name.yaml" | head -3)" \
    bash -c "! grep -qE '^kind: Secret\$|- secrets\$|^ *- \"?\\*\"?\$|\\[\\*\\]' '$W/$name.yaml'"
  # kube-system's ConfigMaps (kubeadm-config, coredns, kube-proxy) are read through a Role that
  # must live in kube-system: a kustomize `namespace:` once moved it into kpatrol, silently.
  placed=$(python3 -c 'import sys, yaml
docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
print(" ".join(sorted("%s/%s" % (d["kind"], d["metadata"].get("namespace", "-")) for d in docs
                      if d["metadata"]["name"] == "kpatrol-cluster-config")))' "$W/$name.yaml" 2>&1)
  check "deploy/$variant keeps the kube-system Role and RoleBinding in kube-system" "$placed" \
    test "$placed" = "Role/kube-system RoleBinding/kube-system"
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

# The node-jobs overlay: write access exactly as documented, and only where the collector pods run.
NJ=$W/overlays-node-jobs.yaml
# Every rule that grants a verb other than get/list/watch, as "namespace/Kind/name resource verbs".
writes() {
  python3 -c 'import sys, yaml
for d in yaml.safe_load_all(open(sys.argv[1])):
    if d and d.get("kind") in ("Role", "ClusterRole"):
        for r in d.get("rules", []):
            w = [v for v in r.get("verbs", []) if v not in ("get", "list", "watch")]
            if w:
                md = d["metadata"]
                print("%s/%s/%s %s %s" % (md.get("namespace", "-"), d["kind"], md["name"],
                                          ",".join(r.get("resources", [])), ",".join(w)))' "$1"
}
w=$(writes "$NJ" 2>&1)
check "node-jobs: the only write verbs are create/delete on jobs in namespace kpatrol-nodes" "$w" \
  test "$w" = "kpatrol-nodes/Role/kpatrol-node-jobs jobs create,delete"
w=$(writes "$W/base.yaml" 2>&1)
check "base: no write verb at all" "$w" test -z "$w"
check "node-jobs: the Role and its binding live in kpatrol-nodes, bound to kpatrol's service account" \
  "$(grep -n -A3 'name: kpatrol-node-jobs' "$NJ" | head -12)" \
  bash -c "[ \"\$(grep -A1 'name: kpatrol-node-jobs' '$NJ' | grep -c 'namespace: kpatrol-nodes')\" = 2 ]"
check "node-jobs: the scanner's own namespace stays restricted; kpatrol-nodes is the privileged one" \
  "$(grep -n 'pod-security.kubernetes.io/enforce' "$NJ")" \
  bash -c "grep -q 'enforce: restricted' '$NJ' && [ \"\$(grep -c 'enforce: privileged' '$NJ')\" = 1 ]"
check "node-jobs: kpatrol-nodes' privileged Pod Security level is waived with its reason" \
  "$(jq -c '[.findings[] | select(.rule_id == "cis-k8s/5.2.1") | [.subject, .status]]' "$W"/out-overlays-node-jobs/*.json 2>&1 | head -c 300)" \
  jqe 'any(.findings[]; .rule_id == "cis-k8s/5.2.1" and .subject == "namespace/kpatrol-nodes" and .status == "waived")' "$W"/out-overlays-node-jobs/kpatrol-scan-*.json
check "node-jobs: the CronJob runs the scan with --node-jobs in kpatrol-nodes" "$(grep -n 'node-job' "$NJ")" \
  bash -c "grep -q -- '- --node-jobs\$' '$NJ' && grep -q -- '--node-job-namespace=kpatrol-nodes' '$NJ'"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
