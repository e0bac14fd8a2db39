#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# End-to-end tests of the machine-readable report formats (docs/report-formats.md): runs the
# real binary and validates every format with a real parser or schema:
#   json   docs/report.schema.json (python3-jsonschema, draft 2020-12)
#   junit  xmllint --schema test/e2e/schemas/junit.xsd (libxml2-utils) + ElementTree counts
#   sarif  test/e2e/schemas/sarif-schema-2.1.0.json, the official SARIF 2.1.0 schema
#   csv    python3's csv module (one file per node plus -cluster.csv)
#   prom   prometheus_client.parser.text_string_to_metric_families (python3-prometheus-client)
# and checks that the counts of every status agree across the formats, on the demo cluster and
# on a snapshot with hostile strings (<, ", &, ', newline, control characters, CJK) in a pod
# name, the cluster name, a collection error and a waiver.
#
#   bash test/e2e/formats_test.sh path/to/kpatrol
#
# Each check prints `ok - <what>` or `not ok - <what>: <why>`; the last line is
# `N passed, M failed` and the exit status is non-zero when anything failed.
# Debian packages: jq libxml2-utils python3 python3-jsonschema python3-prometheus-client
# (the python used is $KPATROL_PYTHON, else /usr/bin/python3, else python3 on PATH).
set -u

if [ $# -ne 1 ]; then
  echo "usage: $0 path/to/kpatrol" >&2
  exit 2
fi
KP=$(realpath "$1")
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SCHEMAS=$ROOT/test/e2e/schemas
if [ ! -x "$KP" ]; then
  echo "$0: $KP is not executable" >&2
  exit 2
fi

W=$(mktemp -d "${TMPDIR:-/tmp}/kpatrol-formats.XXXXXX")
trap 'rm -rf "$W"' EXIT
trap 'exit 130' INT TERM
cd "$W" || exit 2
mkdir -p home
export HOME=$W/home XDG_DATA_HOME=$W/home/xdg NO_COLOR=1

PASSED=0
FAILED=0
pass() { PASSED=$((PASSED + 1)); printf 'ok - %s\n' "$1"; }
fail() { FAILED=$((FAILED + 1)); printf 'not ok - %s: %s\n' "$1" "$(printf '%s' "$2" | tr '\n' ' ' | head -c 600)"; }
finish() {
  printf '%d passed, %d failed\n' "$PASSED" "$FAILED"
  [ "$FAILED" -eq 0 ]
  exit $?
}
# check DESC COMMAND...: passes when COMMAND succeeds; its output is the reason otherwise.
check() {
  local desc=$1 out
  shift
  if out=$("$@" 2>&1); then pass "$desc"; else fail "$desc" "$out"; fi
}

# ---------------------------------------------------------------------------------------------
# Tools

PY=${KPATROL_PYTHON:-}
if [ -z "$PY" ]; then
  if [ -x /usr/bin/python3 ]; then PY=/usr/bin/python3; else PY=$(command -v python3 || true); fi
fi
missing=
for tool in jq xmllint; do command -v "$tool" >/dev/null 2>&1 || missing="$missing $tool"; done
if [ -z "$PY" ] || ! "$PY" -c 'import jsonschema, prometheus_client' >/dev/null 2>&1; then
  missing="$missing python3(jsonschema,prometheus_client)"
fi
if [ -n "$missing" ]; then
  fail "the tools this test needs are installed" "missing:$missing (Debian: jq libxml2-utils python3-jsonschema python3-prometheus-client)"
  finish
fi
pass "the tools this test needs are installed ($PY)"

# ---------------------------------------------------------------------------------------------
# The validator: one `ok`/`not ok` line per check for the reports of one scan.

cat >"$W/validate.py" <<'PYEOF'
import collections, csv, glob, io, json, os, re, sys, xml.etree.ElementTree as ET

import jsonschema
from prometheus_client.parser import text_string_to_metric_families

out_dir, scan_id, schemas, json_schema, label = sys.argv[1:6]
extra = sys.argv[6:]  # key=value expectations
expect = dict(e.split("=", 1) for e in extra)
base = os.path.join(out_dir, "kpatrol-scan-%s" % scan_id)
STATUSES = ["pass", "warn", "fail", "error", "na", "manual", "waived"]


def report(ok, what, why=""):
    if ok:
        print("ok - %s: %s" % (label, what))
    else:
        print("not ok - %s: %s: %s" % (label, what, " ".join(str(why).split())[:600]))


def check(what):
    def wrap(fn):
        try:
            why = fn()
            report(why is None, what, why)
        except Exception as e:  # a crash in a check is a failed check
            report(False, what, "%s: %s" % (type(e).__name__, e))
        return fn
    return wrap


def xml_legal(s):
    return "".join(c for c in s if c in "\t\n\r" or 0x20 <= ord(c) <= 0xD7FF
                   or 0xE000 <= ord(c) <= 0xFFFD or 0x10000 <= ord(c) <= 0x10FFFF)


def first_error(validator, doc):
    err = next(iter(sorted(validator.iter_errors(doc), key=lambda e: list(e.path))), None)
    return None if err is None else "%s at %s" % (err.message[:300], "/".join(map(str, err.path)))


doc = json.load(open(base + ".json", encoding="utf-8"))
findings = doc["findings"]
counts = collections.Counter(f["status"] for f in findings)
pairs = collections.Counter((f["rule_id"], f["subject"]) for f in findings)
ids = {(f["rule_id"], f["subject"]): f["id"] for f in findings}
per_format = {"json": {s: counts.get(s, 0) for s in STATUSES}}


@check("the JSON report validates against docs/report.schema.json")
def _():
    schema = json.load(open(json_schema, encoding="utf-8"))
    v = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    return first_error(v, doc)


@check("the JSON schema rejects a report with a bad status, an extra field or a missing field")
def _():
    schema = json.load(open(json_schema, encoding="utf-8"))
    v = jsonschema.Draft202012Validator(schema)
    bad = []
    for mutate in (lambda d: d["findings"][0].__setitem__("status", "passed"),
                   lambda d: d["findings"][0].__setitem__("colour", "red"),
                   lambda d: d["scan"].pop("complete"),
                   lambda d: d["rules"][0].__setitem__("severity", "urgent"),
                   lambda d: d["scan"].__setitem__("complete", not d["scan"]["complete"])):
        d = json.loads(json.dumps(doc))
        mutate(d)
        if v.is_valid(d):
            bad.append(d)
    return None if not bad else "%d broken documents were accepted" % len(bad)


# --- junit ---------------------------------------------------------------------------------
junit = ET.parse(base + ".junit.xml").getroot()


@check("junit: totals and per-suite counts match the JSON report")
def _():
    cases = junit.findall("./testsuite/testcase")
    got = {"tests": len(cases), "failures": 0, "errors": 0, "skipped": 0}
    derived = dict.fromkeys(STATUSES, 0)
    for suite in junit.findall("./testsuite"):
        sc = suite.findall("testcase")
        n = {"tests": len(sc), "failures": sum(1 for c in sc if c.find("failure") is not None),
             "errors": sum(1 for c in sc if c.find("error") is not None),
             "skipped": sum(1 for c in sc if c.find("skipped") is not None)}
        for k, v in n.items():
            if int(suite.get(k)) != v:
                return "suite %r: %s=%s but it holds %d" % (suite.get("name"), k, suite.get(k), v)
            got[k] += 0 if k == "tests" else v
        for c in sc:
            if c.get("classname") != suite.get("name"):
                return "testcase classname %r in suite %r" % (c.get("classname"), suite.get("name"))
            f, e, s = c.find("failure"), c.find("error"), c.find("skipped")
            if f is not None:
                derived["warn" if f.get("type") == "warn" else "fail"] += 1
            elif e is not None:
                derived["error"] += 1
            elif s is not None:
                derived[s.get("message").split(":", 1)[0]] += 1
            else:
                derived["pass"] += 1
    want = {"tests": len(findings), "failures": counts["fail"] + counts["warn"],
            "errors": counts["error"],
            "skipped": counts["na"] + counts["manual"] + counts["waived"]}
    attrs = {k: int(junit.get(k)) for k in want}
    per_format["junit"] = derived
    if got != want or attrs != want:
        return "counted %s, <testsuites> says %s, JSON says %s" % (got, attrs, want)


@check("junit: one testcase per finding, classname = rule id and name = subject (XML-legal)")
def _():
    got = collections.Counter((c.get("classname"), c.get("name"))
                              for c in junit.iter("testcase"))
    want = collections.Counter({(xml_legal(r), xml_legal(s)): n for (r, s), n in pairs.items()})
    if got != want:
        return "differs: only in junit %s, only in JSON %s" % (
            list((got - want).items())[:3], list((want - got).items())[:3])


@check("junit: failure type is the severity for fail and 'warn' for warn; properties name the scan")
def _():
    sev = {(xml_legal(f["rule_id"]), xml_legal(f["subject"])): (f["status"], f["severity"])
           for f in findings}
    for c in junit.iter("testcase"):
        f = c.find("failure")
        if f is None:
            continue
        status, severity = sev[(c.get("classname"), c.get("name"))]
        if f.get("type") != ("warn" if status == "warn" else severity):
            return "%s %s: type %r for %s/%s" % (c.get("classname"), c.get("name"),
                                                 f.get("type"), status, severity)
    for suite in junit.findall("./testsuite"):
        props = {p.get("name"): p.get("value") for p in suite.iter("property")}
        if props.get("scan_id") != str(scan_id) or props.get("cluster") != xml_legal(doc["cluster"]["name"]):
            return "suite %r properties %s" % (suite.get("name"), props)


# --- sarif ---------------------------------------------------------------------------------
sarif = json.load(open(base + ".sarif", encoding="utf-8"))


@check("sarif: validates against the official SARIF 2.1.0 schema")
def _():
    schema = json.load(open(os.path.join(schemas, "sarif-schema-2.1.0.json"), encoding="utf-8"))
    return first_error(jsonschema.Draft202012Validator(schema), sarif)


@check("sarif: driver rules, results, fingerprints and suppressions match the JSON report")
def _():
    run = sarif["runs"][0]
    driver = run["tool"]["driver"]
    if driver["name"] != "kpatrol" or sarif["version"] != "2.1.0":
        return "driver %s version %s" % (driver["name"], sarif["version"])
    if [r["id"] for r in driver["rules"]] != [r["id"] for r in doc["rules"]]:
        return "rules differ"
    for r in driver["rules"]:
        for key in ("shortDescription", "fullDescription", "help"):
            if not r.get(key, {}).get("text"):
                return "rule %s has no %s" % (r["id"], key)
    derived = dict.fromkeys(STATUSES, 0)
    reported = collections.Counter()
    for res in run["results"]:
        props = res["properties"]
        status = props["status"]
        derived[status] += 1
        loc = res["locations"][0]["logicalLocations"][0]
        key = (res["ruleId"], loc["fullyQualifiedName"])
        reported[key] += 1
        if res["partialFingerprints"]["kpatrolFindingId/v1"] != ids.get(key):
            return "fingerprint of %s" % (key,)
        if driver["rules"][res["ruleIndex"]]["id"] != res["ruleId"]:
            return "ruleIndex of %s" % (key,)
        want_kind = "open" if status == "error" else "fail"
        if res["kind"] != want_kind or (want_kind != "fail") != (res["level"] == "none"):
            return "kind %s level %s for %s" % (res["kind"], res["level"], status)
        if ("suppressions" in res) != (status == "waived"):
            return "suppressions on a %s result" % status
        if loc["kind"] != ("node" if props["scope"] == "node" else "resource"):
            return "logical location kind %s for scope %s" % (loc["kind"], props["scope"])
    want = collections.Counter({(f["rule_id"], f["subject"]) for f in findings
                                if f["status"] in ("fail", "warn", "error", "waived")})
    if reported != want:
        return "results differ from the fail/warn/error/waived findings: %d vs %d" % (
            sum(reported.values()), sum(want.values()))
    # a result per fail/warn/error/waived finding: the others are counted from the JSON total
    derived["pass"] = counts["pass"]
    derived["na"] = counts["na"]
    derived["manual"] = counts["manual"]
    per_format["sarif"] = derived


# --- csv -----------------------------------------------------------------------------------
RESULT = {"PASS": "pass", "WARN": "warn", "FAIL": "fail", "INFO": "error", "NA": "na",
          "MANUAL": "manual", "WAIVED": "waived"}
HEADER = ["Section", "Test ID", "Scored", "Result", "Actual Value", "Remediation"]


def sanitise(name):
    s = re.sub(r"[^A-Za-z0-9._-]", "_", name)[:100]
    return "_" + s if s.strip(".") == "" else s


def read_csv(path):
    raw = open(path, "rb").read()
    if not raw.startswith(b"\xef\xbb\xbf"):
        raise ValueError("%s has no UTF-8 byte order mark" % path)
    text = raw.decode("utf-8-sig")
    if not text.endswith("\r\n") or not text.split("\n", 1)[0].endswith("\r"):
        raise ValueError("%s does not end its records with CRLF" % path)
    return list(csv.reader(io.StringIO(text, newline=""), strict=True))


@check("csv: one file per node with the exact header and one row per node finding")
def _():
    node_findings = collections.defaultdict(list)
    for f in findings:
        if f["scope"] == "node":
            node_findings[f["subject"].split("/", 1)[1]].append(f)
    derived = dict.fromkeys(STATUSES, 0)
    files = set(glob.glob(glob.escape(base) + "-*.csv"))
    used = {"cluster"}
    for node, fs in node_findings.items():  # nodes in order of first appearance
        name, n = sanitise(node), 2
        while name in used:
            name, n = "%s_%d" % (sanitise(node), n), n + 1
        used.add(name)
        path = "%s-%s.csv" % (base, name)
        if path not in files:
            return "no file %s for node %s" % (path, node)
        files.discard(path)
        rows = read_csv(path)
        if rows[0] != HEADER:
            return "header %s" % rows[0]
        if len(rows) - 1 != len(fs):
            return "%s: %d rows, %d findings" % (path, len(rows) - 1, len(fs))
        for row, f in zip(rows[1:], fs):
            if len(row) != 6 or RESULT[row[3]] != f["status"] or row[2] not in ("true", "false"):
                return "%s: row %s for %s" % (path, row, f["status"])
            derived[RESULT[row[3]]] += 1
    cluster = "%s-cluster.csv" % base
    if files != {cluster}:
        return "unexpected files %s" % sorted(files - {cluster})
    rows = read_csv(cluster)
    if rows[0] != ["Subject"] + HEADER:
        return "cluster header %s" % rows[0]
    others = [f for f in findings if f["scope"] != "node"]
    if len(rows) - 1 != len(others):
        return "cluster.csv: %d rows, %d findings" % (len(rows) - 1, len(others))
    for row, f in zip(rows[1:], others):
        subject = f["subject"]
        if subject[:1] in "=+-@\t\r":
            subject = "'" + subject
        if len(row) != 7 or row[0] != subject or RESULT[row[4]] != f["status"]:
            return "cluster.csv row %s for %s %s" % (row[:5], f["subject"], f["status"])
        derived[RESULT[row[4]]] += 1
    per_format["csv"] = derived


# --- prometheus ----------------------------------------------------------------------------
prom_text = open(base + ".prom", encoding="utf-8").read()


@check("prom: parses with prometheus_client, HELP and TYPE for every family")
def _():
    fams = list(text_string_to_metric_families(prom_text))
    names = {f.name for f in fams}
    need = {"kpatrol_info", "kpatrol_score", "kpatrol_findings", "kpatrol_rule_findings",
            "kpatrol_scan_duration_seconds", "kpatrol_last_success_timestamp_seconds",
            "kpatrol_scan_complete"}
    if not need <= names:
        return "missing %s" % sorted(need - names)
    for f in fams:
        if "# HELP %s " % f.name not in prom_text or "# TYPE %s gauge" % f.name not in prom_text:
            return "no HELP/TYPE for %s" % f.name


@check("prom: findings, rule findings, scores and info agree with the JSON report")
def _():
    samples = collections.defaultdict(list)
    for fam in text_string_to_metric_families(prom_text):
        for s in fam.samples:
            samples[s.name].append(s)
    derived = dict.fromkeys(STATUSES, 0)
    for s in samples["kpatrol_findings"]:
        derived[s.labels["status"]] += int(s.value)
    per_format["prom"] = derived
    by_rule = sum(int(s.value) for s in samples["kpatrol_rule_findings"])
    if by_rule != len(findings):
        return "kpatrol_rule_findings sum to %d, %d findings" % (by_rule, len(findings))
    want = {(s["profile"], s["group"]): s["score"] for s in doc["scores"] if s["score"] is not None}
    got = {(s.labels["profile"], s.labels["group"]): s.value for s in samples["kpatrol_score"]}
    if got.keys() != want.keys() or any(abs(got[k] - want[k]) > 1e-9 for k in want):
        return "scores %s vs %s" % (got, want)
    info = samples["kpatrol_info"][0].labels
    if info["cluster"] != doc["cluster"]["name"] or info["scan_id"] != str(scan_id) or \
            info["version"] != doc["tool"]["version"]:
        return "kpatrol_info %s" % info
    if samples["kpatrol_scan_complete"][0].value != (1 if doc["scan"]["complete"] else 0):
        return "kpatrol_scan_complete"


@check("the counts of every status agree across json, junit, sarif, csv and prom")
def _():
    json_counts = per_format["json"]
    bad = {k: v for k, v in per_format.items() if v != json_counts}
    if len(per_format) != 5 or bad:
        return "json %s; differing %s; formats compared %s" % (json_counts, bad, sorted(per_format))


# --- expectations of a particular scan -----------------------------------------------------
if "subject" in expect:
    hostile = json.loads(expect["subject"])

    @check("a hostile subject survives json, junit, sarif and csv")
    def _():
        if not any(f["subject"] == hostile for f in findings):
            return "not in JSON"
        if not any(c.get("name") == xml_legal(hostile) for c in junit.iter("testcase")):
            return "not in junit"
        if not any(r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == hostile
                   for r in sarif["runs"][0]["results"]):
            return "not in sarif"
        if not any(row[0] == hostile for row in read_csv(base + "-cluster.csv")):
            return "not in cluster.csv"

if "cluster" in expect:
    cluster = json.loads(expect["cluster"])

    @check("a hostile cluster name survives json, junit, sarif and prom")
    def _():
        if doc["cluster"]["name"] != cluster:
            return "JSON %r" % doc["cluster"]["name"]
        props = [p.get("value") for p in junit.iter("property") if p.get("name") == "cluster"]
        if not props or any(v != xml_legal(cluster) for v in props):
            return "junit %r" % props[:1]
        if sarif["runs"][0]["properties"]["cluster"]["name"] != cluster:
            return "sarif"
        info = [s for fam in text_string_to_metric_families(prom_text) for s in fam.samples
                if s.name == "kpatrol_info"]
        if info[0].labels["cluster"] != cluster:
            return "prom %r" % info[0].labels["cluster"]

for status in ("error", "waived", "warn", "fail"):
    if expect.get("min_" + status):
        @check("the scan has %s %s finding(s) to render" % (expect["min_" + status], status))
        def _(status=status):
            if counts[status] < int(expect["min_" + status]):
                return "%d" % counts[status]
PYEOF

# validate LABEL OUT_DIR SCAN_ID [key=value...]: runs the validator, counting its lines.
validate() {
  local label=$1 dir=$2 id=$3 line
  shift 3
  "$PY" "$W/validate.py" "$dir" "$id" "$SCHEMAS" "$ROOT/docs/report.schema.json" "$label" "$@" \
    >"$W/validate.out" 2>&1
  local rc=$?
  while IFS= read -r line; do
    case $line in
      "ok - "*) PASSED=$((PASSED + 1)); printf '%s\n' "$line" ;;
      "not ok - "*) FAILED=$((FAILED + 1)); printf '%s\n' "$line" ;;
      *) printf '# %s\n' "$line" ;;
    esac
  done <"$W/validate.out"
  if [ $rc -ne 0 ]; then fail "$label: the validator ran to its end" "exit $rc (see above)"; fi
}

# xml_checks LABEL FILE: well-formed per xmllint, and valid against the JUnit schema.
xml_checks() {
  check "$1: junit is well-formed XML (xmllint)" xmllint --noout "$2"
  check "$1: junit validates against test/e2e/schemas/junit.xsd (xmllint)" \
    xmllint --noout --schema "$SCHEMAS/junit.xsd" "$2"
}

# scan_id OUT_DIR: the id of the single kpatrol-scan-<id>.json in OUT_DIR.
scan_id() { ls "$1" | sed -n 's/^kpatrol-scan-\([0-9]*\)\.json$/\1/p' | head -1; }

FORMATS=json,junit,sarif,csv,prom

# ---------------------------------------------------------------------------------------------
# 1. The demo cluster

"$KP" --db "$W/demo.db" --out "$W/demo" scan --demo --quiet --format "$FORMATS" \
  >"$W/demo.log" 2>&1
rc=$?
check "demo: scan --format $FORMATS exits 0" eval "[ $rc -eq 0 ] || { cat '$W/demo.log'; false; }"
ID=$(scan_id "$W/demo")
check "demo: every format was written" eval "[ -n '$ID' ] && [ -s '$W/demo/kpatrol-scan-$ID.junit.xml' ] \
  && [ -s '$W/demo/kpatrol-scan-$ID.sarif' ] && [ -s '$W/demo/kpatrol-scan-$ID.prom' ] \
  && [ -s '$W/demo/kpatrol-scan-$ID-cluster.csv' ] && ls '$W/demo'"
if [ -n "$ID" ]; then
  xml_checks demo "$W/demo/kpatrol-scan-$ID.junit.xml"
  validate demo "$W/demo" "$ID" min_fail=1 min_warn=1
fi

"$KP" --db "$W/demo.db" --out "$W/zh" --lang zh scan --demo --quiet --format csv,sarif,junit \
  >"$W/zh.log" 2>&1
rc=$?
check "zh: scan --lang zh exits 0" eval "[ $rc -eq 0 ] || { cat '$W/zh.log'; false; }"
ZID=$(ls "$W/zh" | sed -n 's/^kpatrol-scan-\([0-9]*\)-cluster\.csv$/\1/p')
check "zh: the CSV remediation is in Chinese" \
  eval "LC_ALL=C.UTF-8 grep -qP '[\\x{4e00}-\\x{9fff}]' '$W/zh/kpatrol-scan-$ZID-cluster.csv'"
check "zh: the English CSV remediation is not" \
  eval "! LC_ALL=C.UTF-8 cut -d, -f7- '$W/demo/kpatrol-scan-$ID-cluster.csv' | grep -qP '[\\x{4e00}-\\x{9fff}]'"
check "zh: the SARIF help carries both languages" \
  jq -e '[.runs[0].tool.driver.rules[].help.text | test("[\u4e00-\u9fff]")] | all' \
  "$W/zh/kpatrol-scan-$ZID.sarif"

# ---------------------------------------------------------------------------------------------
# 2. Hostile strings: a snapshot of the demo cluster with a pod and the cluster renamed to
# strings full of markup, quotes, newlines and control characters, a collection error (error
# findings) and a waiver (waived findings) with the same.

HOSTILE_POD=$'evil<pod>"&\'amp;]]>\n\x01\x1b[31m=cmd|\\ 中文'
HOSTILE_CLUSTER=$'prod "west" <&> \\ line\nbreak\x7f'
"$KP" bundle create --demo -o "$W/x.tar.gz" >"$W/bundle.log" 2>&1 &&
  "$KP" bundle extract "$W/x.tar.gz" "$W/snap" >>"$W/bundle.log" 2>&1
rc=$?
check "hostile: bundle create --demo and bundle extract" \
  eval "[ $rc -eq 0 ] || { cat '$W/bundle.log'; false; }"

POD_JSON=$(jq -c '[.items[] | select(.metadata.name | startswith("legacy-gateway"))][0]
                  | {ns: .metadata.namespace, name: .metadata.name}' "$W/snap/objects/pods.json")
POD_NS=$(jq -r .ns <<<"$POD_JSON")
POD_OLD=$(jq -r .name <<<"$POD_JSON")
jq --arg old "$POD_OLD" --arg new "$HOSTILE_POD" \
  '(.items[] | select(.metadata.name == $old) | .metadata.name) = $new' \
  "$W/snap/objects/pods.json" >"$W/pods.json" && mv "$W/pods.json" "$W/snap/objects/pods.json"
# Node names that are no file names: a path, wildcards, and one that clashes with -cluster.csv.
jq '(.items[] | select(.metadata.name == "worker-4") | .metadata.name) = "../evil node*?:\\"
    | (.items[] | select(.metadata.name == "worker-2") | .metadata.name) = "cluster"' \
  "$W/snap/objects/nodes.json" >"$W/nodes.json" && mv "$W/nodes.json" "$W/snap/objects/nodes.json"
jq --arg new "$HOSTILE_CLUSTER" '.cluster.name = $new' "$W/snap/snapshot.json" >"$W/s.json" &&
  mv "$W/s.json" "$W/snap/snapshot.json"
jq -n --arg msg $'ssh: <timeout> & "reset"\n\x02' \
  '[{subject: "node/worker-3", fact: "*", source: "ssh", message: $msg}]' >"$W/snap/errors.json"
rm -f "$W/snap/nodes/worker-3.json"  # nothing collected on worker-3: its node rules say error
SUBJECT="pod/$POD_NS/$HOSTILE_POD"
jq -n --arg subject "$SUBJECT" '{waivers: [{rule: "workload/privileged-container",
  subject: $subject, owner: "<alice & \"bob\">", reason: "line one\nline <two> & ]]>",
  expires: "2099-12-31"}]}' >"$W/waivers.yaml"

"$KP" --db "$W/hostile.db" --out "$W/hostile" scan --snapshot "$W/snap" \
  --waivers "$W/waivers.yaml" --quiet --format "$FORMATS" >"$W/hostile.log" 2>&1
rc=$?
check "hostile: scan --snapshot exits 0" eval "[ $rc -eq 0 ] || { cat '$W/hostile.log'; false; }"
HID=$(scan_id "$W/hostile")
if [ -n "$HID" ]; then
  xml_checks hostile "$W/hostile/kpatrol-scan-$HID.junit.xml"
  validate hostile "$W/hostile" "$HID" \
    "subject=$(jq -cn --arg s "$SUBJECT" '$s')" "cluster=$(jq -cn --arg s "$HOSTILE_CLUSTER" '$s')" \
    min_error=1 min_waived=1 min_fail=1
  check "hostile: node names become safe CSV file names inside the output directory" \
    eval "[ -f '$W/hostile/kpatrol-scan-$HID-.._evil_node____.csv' ] \
      && [ -f '$W/hostile/kpatrol-scan-$HID-cluster_2.csv' ] && ! ls '$W' | grep -q '\.csv$'"
else
  fail "hostile: reports were written" "$(ls "$W/hostile" 2>&1)"
fi

finish
