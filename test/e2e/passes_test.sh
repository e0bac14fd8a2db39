#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# End-to-end test of `kpatrol scan --passes` (docs/report-json.md, counted findings): the demo
# cluster scanned with every finding stored (`all`) and with pass and na findings counted per
# rule (`summary`) must give the same scores, the same counts per rule and status, and the same
# non-pass findings; the summary report must validate against docs/report.schema.json and list
# no pass or na finding; `auto` keeps every finding on a cluster this small; the Prometheus
# metrics count the counted findings. Each check prints `ok - ...` or `not ok - ...`.
#
#   bash test/e2e/passes_test.sh path/to/kpatrol
set -u
[ $# -eq 1 ] || { echo "usage: $0 path/to/kpatrol" >&2; exit 2; }
KP=$(realpath "$1")
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
W=$(mktemp -d "${TMPDIR:-/tmp}/kpatrol-passes.XXXXXX")
trap 'rm -rf "$W"' EXIT
cd "$W" || exit 2
mkdir -p home
export HOME=$W/home XDG_DATA_HOME=$W/home/xdg NO_COLOR=1

status=0
for mode in all summary auto; do
  if ! "$KP" --db "$W/$mode.db" --out "$W/$mode" --format json,prom scan --demo \
    --passes "$mode" >"$W/$mode.out" 2>"$W/$mode.err"; then
    echo "not ok - scan --demo --passes $mode: $(head -c 600 "$W/$mode.err")"
    status=1
  else
    echo "ok - scan --demo --passes $mode"
  fi
done
# The same cluster again into the first database, counted this time: the diff against the full
# scan must see no change (the earlier passes are counted now, not gone).
if ! "$KP" --db "$W/all.db" --out "$W/again" --format json scan --demo --passes summary \
  >"$W/again.out" 2>"$W/again.err"; then
  echo "not ok - a second scan with --passes summary: $(head -c 600 "$W/again.err")"
  status=1
fi
if "$KP" --db "$W/bad.db" scan --demo --passes some >/dev/null 2>"$W/bad.err"; then
  echo "not ok - --passes some is refused"; status=1
elif grep -q -- "--passes" "$W/bad.err"; then
  echo "ok - --passes some is refused, naming the option"
else
  echo "not ok - --passes some: the error does not name the option: $(head -c 300 "$W/bad.err")"
  status=1
fi

python3 - "$W" "$ROOT/docs/report.schema.json" <<'PY' || status=1
import collections, glob, json, sys
import jsonschema

w, schema_path = sys.argv[1], sys.argv[2]
failed = 0
def check(desc, ok, why=""):
    global failed
    print(("ok - " if ok else "not ok - ") + desc + ("" if ok else ": " + str(why)[:600]))
    failed += 0 if ok else 1

def report(mode):
    return json.load(open(glob.glob(f"{w}/{mode}/kpatrol-scan-*.json")[0]))

schema = json.load(open(schema_path))
docs = {m: report(m) for m in ("all", "summary", "auto")}
for mode, doc in docs.items():
    try:
        jsonschema.validate(doc, schema, cls=jsonschema.Draft202012Validator)
        check(f"{mode}: the report validates against docs/report.schema.json", True)
    except jsonschema.ValidationError as e:
        check(f"{mode}: the report validates against docs/report.schema.json", False, e.message)

a, s = docs["all"], docs["summary"]
check("all: pass_detail is all, nothing counted",
      a["scan"]["pass_detail"] == "all" and a["counted_findings"] == [], a["scan"])
check("auto on 150 pods keeps every finding", docs["auto"]["scan"]["pass_detail"] == "all")
check("summary: pass_detail is summary", s["scan"]["pass_detail"] == "summary", s["scan"])
listed = collections.Counter(f["status"] for f in s["findings"])
check("summary: no pass or na finding is listed", listed["pass"] == 0 and listed["na"] == 0, listed)
check("summary: the demo's pass findings are counted",
      sum(c["count"] for c in s["counted_findings"] if c["status"] == "pass") > 100,
      s["counted_findings"][:3])

def per_rule(doc):
    out = collections.Counter()
    for f in doc["findings"]:
        out[(f["rule_id"], f["status"], f["severity"])] += 1
    for c in doc["counted_findings"]:
        out[(c["rule_id"], c["status"], c["severity"])] += c["count"]
    return out
check("per rule, status and severity, listed + counted findings equal the full scan's",
      per_rule(a) == per_rule(s), set(per_rule(a).items()) ^ set(per_rule(s).items()))
strip = lambda doc: [(x["profile"], x["group"], x["score"], x["grade"], x["counts"])
                     for x in doc["scores"]]
check("the scores, grades and counts are identical", strip(a) == strip(s))
key = lambda f: (f["id"], f["status"], f["severity"], f["message"], json.dumps(f["evidence"]))
check("every non-pass, non-na finding is listed the same, in the same order",
      [key(f) for f in a["findings"] if f["status"] not in ("pass", "na")] ==
      [key(f) for f in s["findings"]])

again = json.load(open(glob.glob(f"{w}/again/kpatrol-scan-*.json")[0]))
sp = again["since_previous"] or {}
check("a summary scan after a full one: nothing new, resolved or changed; passes unchanged",
      sp.get("new") == 0 and sp.get("resolved") == 0 and sp.get("changed") == 0 and
      sp.get("unchanged", 0) > 100 and sp.get("entries") == [],
      {k: sp.get(k) for k in ("new", "resolved", "changed", "unchanged")})

def prom(mode):
    text = open(glob.glob(f"{w}/{mode}/kpatrol-scan-*.prom")[0]).read()
    return sorted(l for l in text.splitlines() if l.startswith("kpatrol_rule_findings{") or
                  l.startswith("kpatrol_findings{"))
check("the Prometheus finding counts are identical", prom("all") == prom("summary"),
      set(prom("all")) ^ set(prom("summary")))
sys.exit(1 if failed else 0)
PY
exit $status
