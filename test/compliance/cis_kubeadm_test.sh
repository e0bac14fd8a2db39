#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Compliance test of the CIS Kubernetes Benchmark pack (rules/cis-k8s, profile cis) against a
# kubeadm-style snapshot with known settings (fixtures/kubeadm, README.md there lists them):
#
#   1. kubeadm: `kpatrol scan --snapshot fixtures/kubeadm --profile cis --format json` must give,
#      for every cis-k8s finding, the status written in the EXPECTED table below (control,
#      subject, status), no finding may be missing or unexpected, and all 131 controls of
#      cis-1.12 must be present. The cluster is v1.32.4, so CIS v1.12 is selected (rule
#      cis-k8s/benchmark passes, the v1.11-only control is na); cis_version_test.sh covers the
#      other versions.
#   2. ACK managed: the same snapshot as an ACK managed cluster (flavour ack-managed, the
#      control-plane node removed, the worker as ACK reports it: kubelet "v1.32.4-aliyun.1",
#      node-pool label) must give `na` with the reason "control plane managed by Alibaba Cloud
#      ACK; not inspectable from the cluster" for every control-plane control (1.x, 2.x, 3.2.x),
#      exactly one finding each, while the worker controls are still evaluated.
#   3. managed, provider unknown (flavour unknown, no ACK marks on the nodes, no control-plane
#      node): the control-plane controls are `na` with the generic reason (no control-plane node
#      in the cluster). Rules read the flavour from s.cluster, so ACK is recognised from the
#      snapshot even when the nodes carry no ACK marks.
#
#   bash test/compliance/cis_kubeadm_test.sh path/to/kpatrol
#
# KPATROL_CIS_PACK=rules/cis-k8s runs the pack from that directory instead of the one embedded
# in the binary (for rule authors between builds): it is loaded as pack "cisdev" and the ids
# are mapped back. Each check prints `ok - ...` or `not ok - ...`; the last line is
# `N passed, M failed`; the exit status is non-zero on any mismatch. Needs python3.
set -u

if [ $# -ne 1 ]; then
  echo "usage: $0 path/to/kpatrol" >&2
  exit 2
fi
KP=$(realpath "$1")
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
FIXTURE=$ROOT/fixtures/kubeadm
PY=${KPATROL_PYTHON:-$(command -v python3)}
if [ ! -x "$KP" ]; then echo "$0: $KP is not executable" >&2; exit 2; fi
if [ -z "$PY" ]; then echo "$0: python3 is required" >&2; exit 2; fi

W=$(mktemp -d "${TMPDIR:-/tmp}/kpatrol-cis.XXXXXX")
trap 'rm -rf "$W"' EXIT
trap 'exit 130' INT TERM
mkdir -p "$W/home"
export HOME=$W/home XDG_DATA_HOME=$W/home/xdg NO_COLOR=1

PASSED=0
FAILED=0
ok() { echo "ok - $*"; PASSED=$((PASSED + 1)); }
notok() { echo "not ok - $*"; FAILED=$((FAILED + 1)); }

# Pack and profile: the embedded ones, or a development copy renamed to "cisdev".
PACK_ARGS=(--profile cis)
PREFIX=cis-k8s
if [ -n "${KPATROL_CIS_PACK:-}" ]; then
  mkdir -p "$W/dev"
  cp -r "$(realpath "$KPATROL_CIS_PACK")" "$W/dev/cisdev"
  sed -i 's/^name: .*/name: cisdev/' "$W/dev/cisdev/pack.yaml"
  find "$W/dev/cisdev" -name '*.lua' -exec sed -i 's#id = "cis-k8s/#id = "cisdev/#' {} +
  sed 's#cis-k8s/#cisdev/#g; s/^profile: cis$/profile: cisdev/' "$ROOT/rules/profiles/cis.yaml" \
    >"$W/dev/profile.yaml"
  PACK_ARGS=(--rules "$W/dev/cisdev" --profile "$W/dev/profile.yaml")
  PREFIX=cisdev
fi

# scan <snapshot dir> <out dir>: the JSON report path on stdout.
scan() {
  local out=$2
  if ! "$KP" scan --snapshot "$1" "${PACK_ARGS[@]}" --format json --db "$W/scans.db" \
      --out "$out" -q >"$out.log" 2>&1; then
    cat "$out.log" >&2
    return 1
  fi
  ls "$out"/*.json 2>/dev/null | head -n 1
}

# ---------------------------------------------------------------------------------------------
# Expected verdicts for fixtures/kubeadm: control, subject (a glob), status. Every finding of
# the pack must match one line (the first whose control and subject match) and every line
# must match at least one finding. Why each verdict is what it is: fixtures/kubeadm/README.md.
EXPECTED=$(cat <<'TABLE'
1.1.1   node/cp-1   pass
1.1.2   node/cp-1   pass
1.1.3   node/cp-1   pass
1.1.4   node/cp-1   pass
1.1.5   node/cp-1   fail
1.1.6   node/cp-1   pass
1.1.7   node/cp-1   pass
1.1.8   node/cp-1   pass
1.1.9   node/cp-1   fail
1.1.10  node/cp-1   pass
1.1.11  node/cp-1   pass
1.1.12  node/cp-1   fail
1.1.13  node/cp-1   pass
1.1.14  node/cp-1   pass
1.1.15  node/cp-1   pass
1.1.16  node/cp-1   pass
1.1.17  node/cp-1   fail
1.1.18  node/cp-1   pass
1.1.19  node/cp-1   pass
1.1.20  node/cp-1   pass
1.1.21  node/cp-1   fail
1.2.1   node/cp-1   fail
1.2.2   node/cp-1   pass
1.2.3   node/cp-1   fail
1.2.4   node/cp-1   pass
1.2.5   node/cp-1   fail
1.2.6   node/cp-1   pass
1.2.7   node/cp-1   pass
1.2.8   node/cp-1   pass
1.2.9   node/cp-1   fail
1.2.10  node/cp-1   pass
1.2.11  node/cp-1   fail
1.2.12  node/cp-1   pass
1.2.13  node/cp-1   pass
1.2.14  node/cp-1   pass
1.2.15  node/cp-1   pass
1.2.16  node/cp-1   pass
1.2.17  node/cp-1   pass
1.2.18  node/cp-1   fail
1.2.19  node/cp-1   pass
1.2.20  node/cp-1   pass
1.2.21  node/cp-1   pass
1.2.22  node/cp-1   pass
1.2.23  node/cp-1   pass
1.2.24  node/cp-1   pass
1.2.25  node/cp-1   pass
1.2.26  node/cp-1   pass
1.2.27  node/cp-1   pass
1.2.28  node/cp-1   pass
1.2.29  node/cp-1   fail
1.2.30  node/cp-1   fail
1.3.1   node/cp-1   fail
1.3.2   node/cp-1   fail
1.3.3   node/cp-1   pass
1.3.4   node/cp-1   pass
1.3.5   node/cp-1   pass
1.3.6   node/cp-1   pass
1.3.7   node/cp-1   pass
1.4.1   node/cp-1   pass
1.4.2   node/cp-1   fail
2.1     node/cp-1   pass
2.2     node/cp-1   pass
2.3     node/cp-1   pass
2.4     node/cp-1   pass
2.5     node/cp-1   pass
2.6     node/cp-1   pass
2.7     node/cp-1   pass
3.1.1   cluster     fail
3.1.2   cluster     fail
3.1.3   cluster     pass
3.2.1   node/cp-1   pass
3.2.2   node/cp-1   manual
4.1.1   node/cp-1       pass
4.1.1   node/worker-1   fail
4.1.2   node/*          pass
4.1.3   node/*          na
4.1.4   node/*          na
4.1.5   node/*          pass
4.1.6   node/*          pass
4.1.7   node/*          pass
4.1.8   node/*          pass
4.1.9   node/cp-1       pass
4.1.9   node/worker-1   fail
4.1.10  node/*          pass
4.2.1   node/*          pass
4.2.2   node/*          pass
4.2.3   node/*          pass
4.2.4   node/cp-1       pass
4.2.4   node/worker-1   fail
4.2.5   node/*          pass
4.2.6   node/*          pass
4.2.7   node/*          pass
4.2.8   node/*          pass
4.2.9   node/cp-1       fail
4.2.9   node/worker-1   pass
4.2.10  node/*          pass
4.2.11  node/*          pass
4.2.12  node/cp-1       fail
4.2.12  node/worker-1   pass
4.2.13  node/cp-1       fail
4.2.13  node/worker-1   pass
4.2.14  node/cp-1       fail
4.2.14  node/worker-1   pass
4.3.1   node/*          fail
5.1.1   cluster     fail
5.1.2   cluster     fail
5.1.3   cluster     fail
5.1.4   cluster     pass
5.1.5   namespace/default   fail
5.1.5   namespace/legacy    fail
5.1.5   namespace/shop      pass
5.1.5   namespace/kube-*    na
5.1.6   pod/shop/*          pass
5.1.6   pod/legacy/*        warn
5.1.6   pod/default/debug   warn
5.1.6   pod/kube-system/*   na
5.1.7   cluster     pass
5.1.8   cluster     fail
5.1.9   cluster     pass
5.1.10  cluster     fail
5.1.11  cluster     pass
5.1.12  cluster     pass
5.1.13  cluster     pass
5.2.1   namespace/shop      pass
5.2.1   namespace/default   fail
5.2.1   namespace/legacy    fail
5.2.1   namespace/kube-*    na
5.2.2   pod/legacy/*        fail
5.2.3   pod/legacy/*        fail
5.2.4   pod/legacy/*        pass
5.2.5   pod/legacy/*        fail
5.2.6   pod/legacy/*        fail
5.2.6   pod/default/debug   warn
5.2.7   pod/legacy/*        fail
5.2.7   pod/default/debug   warn
5.2.8   pod/legacy/*        fail
5.2.8   pod/default/debug   fail
5.2.9   pod/legacy/*        fail
5.2.9   pod/default/debug   fail
5.2.10  pod/legacy/*        pass
5.2.11  pod/legacy/*        fail
5.2.12  pod/legacy/*        fail
5.2.*   pod/shop/*          pass
5.2.*   pod/default/debug   pass
5.2.*   pod/kube-system/*   na
5.3.1   cluster     pass
5.3.2   namespace/shop      pass
5.3.2   namespace/default   fail
5.3.2   namespace/legacy    fail
5.3.2   namespace/kube-*    na
5.4.1   pod/legacy/*        fail
5.4.1   pod/shop/*          pass
5.4.1   pod/default/debug   pass
5.4.1   pod/kube-system/*   na
5.4.2   cluster     warn
5.5.1   cluster     warn
5.6.1   cluster     pass
5.6.2   pod/legacy/*        fail
5.6.2   pod/shop/*          pass
5.6.2   pod/default/debug   pass
5.6.2   pod/kube-system/*   na
5.6.3   pod/kube-system/*   na
5.6.3   pod/*/*             pass
5.6.4   cluster     fail
benchmark     cluster   pass
v1.11-5.2.9   cluster   na
TABLE
)

# compare.py <report.json> <prefix>: checks the kubeadm report against EXPECTED (on stdin).
cat >"$W/compare.py" <<'PYEOF'
import fnmatch, json, sys
report, prefix = sys.argv[1], sys.argv[2]
table = []
for line in sys.stdin.read().splitlines():
    parts = line.split()
    if len(parts) == 3:
        table.append({"control": parts[0], "subject": parts[1], "status": parts[2], "hits": 0})
doc = json.load(open(report))
findings = [f for f in doc["findings"] if f["rule_id"].startswith(prefix + "/")]
results = []
for f in findings:
    control = f["rule_id"][len(prefix) + 1:]
    row = next((r for r in table if fnmatch.fnmatchcase(control, r["control"])
                and fnmatch.fnmatchcase(f["subject"], r["subject"])), None)
    what = "%s %s" % (control, f["subject"])
    if row is None:
        results.append((False, "%s: unexpected finding %s (%s)" % (what, f["status"], f["message"])))
        continue
    row["hits"] += 1
    if f["status"] == row["status"]:
        results.append((True, "%s is %s" % (what, f["status"])))
    else:
        results.append((False, "%s: expected %s, got %s: %s" % (what, row["status"], f["status"], f["message"])))
for r in table:
    if r["hits"] == 0:
        results.append((False, "%s %s: expected %s, no such finding" % (r["control"], r["subject"], r["status"])))
# The version rules (cis_version_test.sh) are not cis-1.12 controls.
controls = sorted({f["rule_id"][len(prefix) + 1:] for f in findings} - {"benchmark", "v1.11-5.2.9"})
results.append((len(controls) == 131, "all 131 cis-1.12 controls reported (%d)" % len(controls)))
for good, text in results:
    print(("ok - " if good else "not ok - ") + text)
PYEOF

# managed.py <report.json> <prefix> <reason>: control-plane controls are na with the reason.
cat >"$W/managed.py" <<'PYEOF'
import json, sys
report, prefix, reason = sys.argv[1], sys.argv[2], sys.argv[3]
doc = json.load(open(report))
by = {}
for f in doc["findings"]:
    if f["rule_id"].startswith(prefix + "/"):
        by.setdefault(f["rule_id"][len(prefix) + 1:], []).append(f)
cp = sorted((c for c in by if c.split(".")[0] in ("1", "2") or c.startswith("3.2.")),
            key=lambda c: [int(x) for x in c.split(".")])
out = []
out.append((len(cp) == 69, "%d control-plane controls reported (1.x, 2.x, 3.2.x: 69 expected)" % len(cp)))
for c in cp:
    fs = by[c]
    good = len(fs) == 1 and fs[0]["status"] == "na" and reason in fs[0]["message"]
    shown = "; ".join("%s %s: %s" % (f["subject"], f["status"], f["message"]) for f in fs)
    out.append((good, "%s: na with the reason (%s)" % (c, shown) if good else "%s: expected one na with '%s', got %s" % (c, reason, shown)))
w = [f for f in by.get("4.2.4", [])]
out.append((len(w) == 1 and w[0]["subject"] == "node/worker-1" and w[0]["status"] == "fail",
            "worker controls still evaluated (4.2.4 on node/worker-1: %s)" % ", ".join(f["status"] for f in w)))
for good, text in out:
    print(("ok - " if good else "not ok - ") + text)
PYEOF

record() {  # reads ok/not ok lines
  while IFS= read -r line; do
    case $line in
      "ok - "*) ok "${line#ok - }" ;;
      "not ok - "*) notok "${line#not ok - }" ;;
    esac
  done
}

# 1. kubeadm ------------------------------------------------------------------------------------
if REPORT=$(scan "$FIXTURE" "$W/kubeadm") && [ -n "$REPORT" ]; then
  ok "scan of fixtures/kubeadm"
  record < <(printf '%s\n' "$EXPECTED" | "$PY" "$W/compare.py" "$REPORT" "$PREFIX")
else
  notok "scan of fixtures/kubeadm failed"
fi

# 2./3. managed variants -------------------------------------------------------------------------
# make_managed <dir> <ack: 1|0>: fixtures/kubeadm as a managed cluster without control-plane node.
make_managed() {
  cp -r "$FIXTURE" "$1"
  rm -f "$1/nodes/cp-1.json"
  "$PY" - "$1" "$2" <<'PYEOF'
import json, sys
d, ack = sys.argv[1], sys.argv[2] == "1"
meta = json.load(open(d + "/snapshot.json"))
meta["cluster"]["flavour"] = "ack-managed" if ack else "unknown"
json.dump(meta, open(d + "/snapshot.json", "w"), indent=1)
nodes = json.load(open(d + "/objects/nodes.json"))
nodes["items"] = [n for n in nodes["items"] if n["metadata"]["name"] != "cp-1"]
if ack:
    for n in nodes["items"]:
        n["metadata"]["labels"]["alibabacloud.com/nodepool-id"] = "np-0123456789abcdef"
        n["status"]["nodeInfo"]["kubeletVersion"] = "v1.32.4-aliyun.1"
json.dump(nodes, open(d + "/objects/nodes.json", "w"), indent=1)
pods = json.load(open(d + "/objects/pods.json"))
pods["items"] = [p for p in pods["items"] if p["spec"].get("nodeName") != "cp-1"]
json.dump(pods, open(d + "/objects/pods.json", "w"), indent=1)
PYEOF
}

make_managed "$W/ack-snap" 1
if REPORT=$(scan "$W/ack-snap" "$W/ack") && [ -n "$REPORT" ]; then
  ok "scan of the ACK managed variant"
  record < <("$PY" "$W/managed.py" "$REPORT" "$PREFIX" \
    "control plane managed by Alibaba Cloud ACK; not inspectable from the cluster")
  record < <("$PY" - "$REPORT" "$PREFIX" <<'PYEOF'
import json, sys
doc = json.load(open(sys.argv[1]))
f = [x for x in doc["findings"] if x["rule_id"] == sys.argv[2] + "/3.1.1"]
good = len(f) == 1 and f[0]["status"] == "manual" and "ACK benchmark 3.1.1" in f[0]["message"]
print(("ok - " if good else "not ok - ") + "3.1.1 on ACK managed is manual with the ACK note (%s)"
      % "; ".join(x["status"] + ": " + x["message"] for x in f))
PYEOF
)
else
  notok "scan of the ACK managed variant failed"
fi

make_managed "$W/managed-snap" 0
if REPORT=$(scan "$W/managed-snap" "$W/managed") && [ -n "$REPORT" ]; then
  ok "scan of the managed variant without ACK marks on the nodes"
  record < <("$PY" "$W/managed.py" "$REPORT" "$PREFIX" \
    "no control-plane node is part of this cluster")
else
  notok "scan of the managed variant failed"
fi

echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
