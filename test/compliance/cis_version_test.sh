#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Compliance test of the CIS benchmark version selection and of ACK deviations (rules/cis-k8s,
# lib/cis.lua cis.benchmark): fixtures/kubeadm is scanned with the profile `cis` under several
# cluster versions (the snapshot's cluster.version is rewritten), and the JSON report must show
#
#   v1.30.2  CIS v1.11 selected (pass); 1.2.29 pass: v1.11 allows the fixture's ECDHE CBC-SHA
#            suite; cis-k8s/v1.11-5.2.9 fail (default/debug adds NET_ADMIN)
#   v1.33.1  CIS v1.12 selected (pass); 1.2.29 fail naming the CBC suite; v1.11-5.2.9 na
#   v1.36.0  newer than any benchmark: v1.12, the nearest, with a warning
#   v1.27.3  maps to cis-1.9, not implemented: v1.11, the nearest, with a warning
#   (none)   unknown cluster version: v1.12, the newest, with a warning
#   ACK dedicated (flavour ack-dedicated, v1.32.4-aliyun.1): 1.1.5 (scheduler manifest 0644) still
#            fails (the verdict follows CIS) and names the ACK deviation in English and Chinese
#   a profile copy with benchmark: "1.11" on a v1.33.1 cluster: v1.11 applied, 1.2.29 pass
#
# Every check also reads the Chinese message (message_zh). Prints `ok - ...` / `not ok - ...`
# and `N passed, M failed`; the exit status is non-zero on any mismatch. Needs python3.
#
#   bash test/compliance/cis_version_test.sh path/to/kpatrol
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

W=$(mktemp -d "${TMPDIR:-/tmp}/kpatrol-cisver.XXXXXX")
trap 'rm -rf "$W"' EXIT
trap 'exit 130' INT TERM
mkdir -p "$W/home"
export HOME=$W/home XDG_DATA_HOME=$W/home/xdg NO_COLOR=1

PASSED=0
FAILED=0
ok() { echo "ok - $*"; PASSED=$((PASSED + 1)); }
notok() { echo "not ok - $*"; FAILED=$((FAILED + 1)); }

# variant <dir> <version|""> <flavour>: fixtures/kubeadm with that cluster version and flavour.
variant() {
  cp -r "$FIXTURE" "$1"
  "$PY" - "$1/snapshot.json" "$2" "$3" <<'PYEOF'
import json, sys
path, version, flavour = sys.argv[1:4]
meta = json.load(open(path))
if version:
    meta["cluster"]["version"] = version
else:
    meta["cluster"].pop("version", None)
meta["cluster"]["flavour"] = flavour
json.dump(meta, open(path, "w"), indent=1)
PYEOF
}

# scan <snapshot dir> <out dir> [profile]: the JSON report path on stdout.
scan() {
  local out=$2 profile=${3:-cis}
  if ! "$KP" scan --snapshot "$1" --profile "$profile" --format json --db "$W/scans.db" \
      --out "$out" -q >"$out.log" 2>&1; then
    cat "$out.log" >&2
    return 1
  fi
  ls "$out"/*.json 2>/dev/null | head -n 1
}

# expect <report> <rule> <status> <en substring> <zh substring>: the rule's only finding
# (first subject) has the status and both messages contain the substrings.
cat >"$W/expect.py" <<'PYEOF'
import json, sys
report, rule, status, en, zh, label = sys.argv[1:7]
doc = json.load(open(report))
fs = [f for f in doc["findings"] if f["rule_id"] == "cis-k8s/" + rule]
shown = "; ".join("%s %s: %s | %s" % (f["subject"], f["status"], f["message"], f.get("message_zh"))
                  for f in fs)
good = (len(fs) >= 1 and all(f["status"] == status for f in fs)
        and all(en in f["message"] and zh in f.get("message_zh", "") for f in fs))
print(("ok - " if good else "not ok - ") + "%s: %s is %s (%s)" % (label, rule, status, shown))
PYEOF

record() {
  while IFS= read -r line; do
    case $line in
      "ok - "*) ok "${line#ok - }" ;;
      "not ok - "*) notok "${line#not ok - }" ;;
    esac
  done
}

check() {  # check <report> <label> <rule> <status> <en> <zh>
  record < <("$PY" "$W/expect.py" "$1" "$3" "$4" "$5" "$6" "$2")
}

run() {  # run <name> <version> <flavour>: the report path, or empty
  variant "$W/$1-snap" "$2" "$3"
  if REPORT=$(scan "$W/$1-snap" "$W/$1") && [ -n "$REPORT" ]; then
    ok "scan of fixtures/kubeadm as $1"
    echo "$REPORT" >"$W/$1.path"
  else
    notok "scan of fixtures/kubeadm as $1 failed"
    : >"$W/$1.path"
  fi
}

# 1. Kubernetes 1.30 -> CIS v1.11 -------------------------------------------------------------
run v1.30 v1.30.2 kubeadm
R=$(cat "$W/v1.30.path")
if [ -n "$R" ]; then
  check "$R" "v1.30.2" benchmark pass "CIS Kubernetes Benchmark v1.11 selected for cluster v1.30.2" \
    "根据集群版本 v1.30.2 选用 CIS Kubernetes Benchmark v1.11"
  check "$R" "v1.30.2" 1.2.29 pass "all in the CIS v1.11 allow-list" "均在 CIS v1.11 白名单内"
  check "$R" "v1.30.2" v1.11-5.2.9 fail "default/debug/debug: NET_ADMIN" "添加了额外的 Capabilities"
fi

# 2. Kubernetes 1.33 -> CIS v1.12: the same fixture, other verdicts ---------------------------
run v1.33 v1.33.1 kubeadm
R=$(cat "$W/v1.33.path")
if [ -n "$R" ]; then
  check "$R" "v1.33.1" benchmark pass "CIS Kubernetes Benchmark v1.12 selected for cluster v1.33.1" \
    "选用 CIS Kubernetes Benchmark v1.12"
  check "$R" "v1.33.1" 1.2.29 fail "outside the CIS v1.12 allow-list: TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA" \
    "白名单之外的加密套件：TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"
  check "$R" "v1.33.1" v1.11-5.2.9 na "not a control of CIS Kubernetes Benchmark v1.12" \
    "CIS Kubernetes Benchmark v1.12 中没有该检查项"
fi

# 3. fallbacks ---------------------------------------------------------------------------------
run v1.36 v1.36.0 kubeadm
R=$(cat "$W/v1.36.path")
[ -n "$R" ] && check "$R" "v1.36.0" benchmark warn "is newer than the newest version a CIS Kubernetes Benchmark covers (1.34): v1.12, the nearest, applied" \
  "采用最接近的 v1.12"
[ -n "$R" ] && check "$R" "v1.36.0" 1.2.29 fail "CIS v1.12 allow-list" "CIS v1.12 白名单"

run v1.27 v1.27.3 kubeadm
R=$(cat "$W/v1.27.path")
[ -n "$R" ] && check "$R" "v1.27.3" benchmark warn "maps to CIS Kubernetes Benchmark cis-1.9 (Kubernetes 1.27), which this pack does not implement: v1.11, the nearest implemented, applied" \
  "采用最接近的已实现版本 v1.11"

run unknown "" kubeadm
R=$(cat "$W/unknown.path")
[ -n "$R" ] && check "$R" "no cluster version" benchmark warn "the cluster version is unknown: CIS Kubernetes Benchmark v1.12, the newest, applied" \
  "集群版本未知"

# 4. ACK dedicated: deviations are shown as such, the verdict stays the CIS one ---------------
run ack v1.32.4-aliyun.1 ack-dedicated
R=$(cat "$W/ack.path")
[ -n "$R" ] && check "$R" "ACK dedicated" 1.1.5 fail "[ACK deviation: the ACK benchmark accepts 0644 for this file]" \
  "ACK 基准差异：ACK 基准允许该文件权限为 0644"
[ -n "$R" ] && check "$R" "ACK dedicated" benchmark pass "v1.12 selected for cluster v1.32.4-aliyun.1" \
  "v1.12"

# 5. the profile parameter overrides the choice -----------------------------------------------
sed 's/{ benchmark: "auto" }/{ benchmark: "1.11" }/' "$ROOT/rules/profiles/cis.yaml" >"$W/cis-1.11.yaml"
if grep -q 'benchmark: "1.11"' "$W/cis-1.11.yaml" && REPORT=$(scan "$W/v1.33-snap" "$W/override" "$W/cis-1.11.yaml") \
    && [ -n "$REPORT" ]; then
  ok "scan of the v1.33.1 variant with benchmark: 1.11 in a profile copy"
  check "$REPORT" "v1.33.1 + benchmark=1.11" benchmark pass "set by the profile parameter benchmark=1.11" \
    "由 profile 参数 benchmark=1.11 指定"
  check "$REPORT" "v1.33.1 + benchmark=1.11" 1.2.29 pass "CIS v1.11 allow-list" "CIS v1.11 白名单"
else
  notok "scan with the benchmark parameter override failed"
fi

echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
