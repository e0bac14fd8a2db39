#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Bilingual finding messages of the compliance packs: every finding of rules/mlps-l3 (profile
# mlps-l3 on the demo cluster) and of rules/cis-k8s (profile cis on fixtures/kubeadm) carries a
# Chinese message (message_zh with CJK text, different from the English one) in the JSON
# report, and `--lang zh` shows it on the console and in the HTML report's data, while
# `--lang en` keeps the English one.
#
#   bash test/compliance/bilingual_messages_test.sh path/to/kpatrol
#
# Prints `ok - ...` / `not ok - ...` and `N passed, M failed`; non-zero exit on any failure.
set -u

if [ $# -ne 1 ]; then
  echo "usage: $0 path/to/kpatrol" >&2
  exit 2
fi
KP=$(realpath "$1")
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
PY=${KPATROL_PYTHON:-$(command -v python3)}
if [ ! -x "$KP" ]; then echo "$0: $KP is not executable" >&2; exit 2; fi
if [ -z "$PY" ]; then echo "$0: python3 is required" >&2; exit 2; fi

W=$(mktemp -d "${TMPDIR:-/tmp}/kpatrol-zh.XXXXXX")
trap 'rm -rf "$W"' EXIT
trap 'exit 130' INT TERM
mkdir -p "$W/home"
export HOME=$W/home XDG_DATA_HOME=$W/home/xdg NO_COLOR=1

PASSED=0
FAILED=0
ok() { echo "ok - $*"; PASSED=$((PASSED + 1)); }
notok() { echo "not ok - $*"; FAILED=$((FAILED + 1)); }

# all_zh <report.json> <pack>: every finding of the pack has a Chinese message.
cat >"$W/all_zh.py" <<'PYEOF'
import json, re, sys
doc = json.load(open(sys.argv[1]))
pack = sys.argv[2]
cjk = re.compile("[\u4e00-\u9fff]")
fs = [f for f in doc["findings"] if f["rule_id"].startswith(pack + "/")]
bad = [f for f in fs if "message_zh" not in f or not cjk.search(f["message_zh"])
       or f["message_zh"] == f["message"]]
rules = sorted({f["rule_id"] for f in bad})
good = len(fs) > 0 and not bad
print(("ok - " if good else "not ok - ")
      + "%s: %d findings of %d rules, %d without a Chinese message%s" % (
          pack, len(fs), len({f["rule_id"] for f in fs}), len(bad),
          (": " + "; ".join("%s %s: %s" % (f["rule_id"], f["subject"], f["message"])
                            for f in bad[:5])) if bad else ""))
PYEOF

record() {
  while IFS= read -r line; do
    case $line in
      "ok - "*) ok "${line#ok - }" ;;
      "not ok - "*) notok "${line#not ok - }" ;;
    esac
  done
}

# 1. 等保 on the demo cluster: JSON, console and HTML in Chinese -----------------------------------
if "$KP" scan --demo --profile mlps-l3 --format json,html --db "$W/scans.db" --out "$W/mlps" \
    -q >"$W/mlps.log" 2>&1; then
  ok "scan --demo --profile mlps-l3"
  record < <("$PY" "$W/all_zh.py" "$(ls "$W"/mlps/*.json | head -n 1)" mlps-l3)
  # The HTML report embeds the findings with their Chinese message (array index 9).
  HTML=$(ls "$W"/mlps/*.html | head -n 1)
  if grep -q '已启用匿名访问\|未开启安全审计\|口令' "$HTML"; then
    ok "the HTML report carries the Chinese messages"
  else
    notok "the HTML report carries no Chinese message"
  fi
else
  cat "$W/mlps.log" >&2
  notok "scan --demo --profile mlps-l3 failed"
fi

ZH=$("$KP" --lang zh --db "$W/scans.db" --out "$W/c-zh" scan --demo --profile mlps-l3 2>/dev/null)
EN=$("$KP" --lang en --db "$W/scans.db" --out "$W/c-en" scan --demo --profile mlps-l3 2>/dev/null)
# A failing 等保 item of the demo, in the assessor's words, and its English counterpart.
# console.py <zh|en>: the message lines of the to-do list ("      <rule>: <message>") are all in
# that language (CJK present for zh, absent for en), and there is at least one.
cat >"$W/console.py" <<'PYEOF'
import re, sys
lang, text = sys.argv[1], sys.stdin.read()
cjk = re.compile("[\u4e00-\u9fff]")
lines = [l for l in text.splitlines() if re.match(r"^      (mlps-l3|cis-k8s)/\S+: ", l)]
wrong = [l for l in lines if bool(cjk.search(l.split(": ", 1)[1])) != (lang == "zh")]
good = len(lines) > 0 and not wrong
print(("ok - " if good else "not ok - ") + "--lang %s: %d finding messages on the console, %d in the "
      "other language%s" % (lang, len(lines), len(wrong), (": " + wrong[0]) if wrong else ""))
PYEOF
record < <(printf '%s\n' "$ZH" | "$PY" "$W/console.py" zh)
record < <(printf '%s\n' "$EN" | "$PY" "$W/console.py" en)

# 2. CIS on fixtures/kubeadm ------------------------------------------------------------------------
if "$KP" scan --snapshot "$ROOT/fixtures/kubeadm" --profile cis --format json --db "$W/scans.db" \
    --out "$W/cis" -q >"$W/cis.log" 2>&1; then
  ok "scan of fixtures/kubeadm --profile cis"
  record < <("$PY" "$W/all_zh.py" "$(ls "$W"/cis/*.json | head -n 1)" cis-k8s)
else
  cat "$W/cis.log" >&2
  notok "scan of fixtures/kubeadm --profile cis failed"
fi

echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
