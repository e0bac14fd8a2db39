#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# End-to-end test of the HTML report in a real headless Chromium.
#
#   bash test/e2e/html_test.sh path/to/kpatrol
#
# Renders reports of the demo cluster and of edited copies of it (a fixed fault, a hostile pod
# name and cluster name, 20,000 pods, an interrupted scan), loads them from file:// with
# `chromium --headless --dump-dom` and checks the DOM after the page's script ran. Interactions
# are checked by the page's own self-test (report.html#selftest, report/assets/selftest.js),
# which writes its outcome as JSON into <pre id="selftest-result">.
#
# Everything happens in a private `mktemp -d` directory (removed on exit). The screenshot is kept
# in ${KPATROL_ARTIFACTS:-<work dir>}/report.png (with KPATROL_ARTIFACTS unset it goes away with
# the work dir). Each check prints `ok - <what>` or `not ok - <what>: <why>`; the last line is
# `N passed, M failed` and the exit status is non-zero when anything failed.
# Tools: bash, coreutils, jq, sqlite3, timeout, chromium (Debian package `chromium`).
set -u

if [ $# -ne 1 ]; then
  echo "usage: $0 path/to/kpatrol" >&2
  exit 2
fi
KP=$(realpath "$1")
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
PACKS=$ROOT/fixtures/packs
CHROMIUM=${CHROMIUM:-}
if [ -z "$CHROMIUM" ]; then
  for c in chromium chromium-browser; do
    if command -v "$c" >/dev/null 2>&1; then CHROMIUM=$(command -v "$c"); break; fi
  done
fi
for tool in jq sqlite3 timeout "${CHROMIUM:-chromium}"; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "$0: '$tool' is required (Debian: apt-get install chromium jq sqlite3)" >&2
    exit 2
  fi
done
if [ ! -x "$KP" ]; then
  echo "$0: $KP is not executable" >&2
  exit 2
fi

W=$(mktemp -d "${TMPDIR:-/tmp}/kpatrol-html.XXXXXX")
BG_PID=
cleanup() {
  if [ -n "$BG_PID" ]; then kill -KILL "$BG_PID" 2>/dev/null; wait "$BG_PID" 2>/dev/null; fi
  rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
cd "$W" || exit 2
mkdir -p log out home profiles
export HOME=$W/home XDG_DATA_HOME=$W/home/xdg NO_COLOR=1
ARTIFACTS=${KPATROL_ARTIFACTS:-$W}
mkdir -p "$ARTIFACTS"

PASSED=0
FAILED=0
pass() { PASSED=$((PASSED + 1)); printf 'ok - %s\n' "$1"; }
fail() { FAILED=$((FAILED + 1)); printf 'not ok - %s: %s\n' "$1" "$(printf '%s' "$2" | tr '\n' ' ' | head -c 600)"; }
# check DESC WHY COMMAND...: passes when COMMAND succeeds.
check() {
  local desc=$1 why=$2
  shift 2
  if "$@"; then pass "$desc"; else fail "$desc" "$why"; fi
}
is() { [ "$1" = "$2" ]; }
grepq() { grep -q -- "$1" "$2"; }
grepf() { grep -qF -- "$1" "$2"; }
nogrepf() { ! grep -qF -- "$1" "$2"; }

PROFILE_N=0
# chrome ARGS...: headless Chromium with a fresh profile, no network services, bounded in time.
chrome() {
  PROFILE_N=$((PROFILE_N + 1))
  timeout 60 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --disable-dev-shm-usage --user-data-dir="$W/profiles/p$PROFILE_N" "$@" 2>>"$W/log/chromium.err"
}
# dump FILE.html URL-SUFFIX OUT: the DOM after the page's script ran.
dump() { chrome --virtual-time-budget=5000 --dump-dom "file://$1$2" >"$3"; }
# selftest DOM: the self-test's JSON from a dump (HTML text unescaped).
selftest() {
  grep -o '<pre id="selftest-result"[^>]*data-ok="[a-z]*"[^>]*>[^<]*</pre>' "$1" | head -1 |
    sed -e 's/^<pre[^>]*>//' -e 's/<\/pre>$//' -e 's/&lt;/</g' -e 's/&gt;/>/g' -e 's/&nbsp;/ /g' \
      -e 's/&amp;/\&/g'
}
# attr_text DOM ATTR VALUE: the text of the element whose last attribute is ATTR="VALUE".
attr_text() { grep -o "$2=\"$3\">[^<]*" "$1" | head -1 | sed 's/^[^>]*>//'; }
html_of() { ls "$W/$1"/kpatrol-scan-*.html 2>/dev/null | head -1; }
json_of() { ls "$W/$1"/kpatrol-scan-*.json 2>/dev/null | head -1; }
selftest_ok() { [ "$(printf '%s' "$1" | jq -r '.ok' 2>/dev/null)" = true ]; }

# ---------------------------------------------------------------------------------------------
# 1. The demo scan, HTML and JSON of the same scan.

"$KP" --db "$W/demo.db" --out "$W/out/a" scan --demo -q --format html,json >log/a.out 2>log/a.err
RC=$?
A_HTML=$(html_of out/a)
A_JSON=$(json_of out/a)
check "scan --demo --format html,json writes both reports" "rc $RC, $(cat log/a.err)" \
  eval '[ $RC -eq 0 ] && [ -s "$A_HTML" ] && [ -s "$A_JSON" ]'
check "the HTML report is one file with a CSP forbidding the network" "no CSP meta tag" \
  grepf "content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:" "$A_HTML"
check "the HTML report references nothing outside itself" \
  "$(grep -oE '(src|href)="[^"#][^"]*"|url\(|@import|https?://[a-z]' "$A_HTML" | sort -u | head -5)" \
  eval '! grep -qE "<(script|link|img|iframe)[^>]+(src|href)=|url\\(|@import" "$A_HTML"'

dump "$A_HTML" "#selftest" dom-a.html
ST=$(selftest dom-a.html)
check "Chromium renders the report and its self-test passes" "${ST:-no self-test result}" selftest_ok "$ST"
for c in filter_status filter_search lang_switch lang_switch_back no_network no_console_errors; do
  check "self-test: $c" "$(printf '%s' "$ST" | jq -c ".checks.$c" 2>/dev/null)" \
    is "$(printf '%s' "$ST" | jq -r ".checks.$c.ok" 2>/dev/null)" true
done

# Scores, grades and counts shown equal the JSON report's.
MISMATCH=
while IFS=$'\t' read -r group score grade; do
  [ "$group" = "(overall)" ] && group=
  shown=$(attr_text dom-a.html data-score-group "$group")
  shown_grade=$(attr_text dom-a.html data-grade-group "$group")
  [ "$shown" = "$score" ] && [ "$shown_grade" = "$grade" ] ||
    MISMATCH+="group '$group': shown $shown/$shown_grade, json $score/$grade; "
done < <(jq -r '.scores[] | [(.group | if . == "" then "(overall)" else . end), (if .score == null then "–" else ((.score * 10 | round) / 10 | tostring | if test("\\.") then . else . + ".0" end) end), .grade] | @tsv' "$A_JSON")
check "every group's score and grade equal the JSON report's" "${MISMATCH:-}" is "$MISMATCH" ""
MISMATCH=
for st in pass warn fail error na manual waived; do
  shown=$(attr_text dom-a.html data-count-status "$st")
  want=$(jq -r ".scores[0].counts.$st" "$A_JSON")
  [ "$shown" = "$want" ] || MISMATCH+="$st: shown '$shown', json $want; "
done
check "status counts equal the JSON report's" "$MISMATCH" is "$MISMATCH" ""
TASKS_WANT=$(jq '[.findings[] | select(.status == "fail" or .status == "warn")] | length' "$A_JSON")
TASK_ROWS=$(grep -o '<div class="table-wrap" id="todo-table">.*' dom-a.html | sed 's/id="matrix".*//' |
  grep -o '<tr class="row[^"]*" data-status="[a-z]*"' | wc -l)
check "the to-do list holds the fail and warn findings" "$TASK_ROWS rows, JSON has $TASKS_WANT" \
  is "$TASK_ROWS" "$([ "$TASKS_WANT" -gt 100 ] && echo 100 || echo "$TASKS_WANT")"
FIRST_SEV=$(grep -o 'id="todo-table">.*' dom-a.html | grep -o 'class="sev sev-[a-z]*"' | head -1)
WORST=$(jq -r '[.findings[] | select(.status == "fail" or .status == "warn") | .severity] |
  map({"critical":0,"high":1,"medium":2,"low":3,"info":4}[.]) | min |
  ["critical","high","medium","low","info"][.]' "$A_JSON")
check "the to-do list starts with the most severe finding" "$FIRST_SEV, worst is $WORST" \
  is "$FIRST_SEV" "class=\"sev sev-$WORST\""
check "the header names cluster, version, flavour and profile" \
  "$(grep -o 'id="meta-[a-z]*">[^<]*' dom-a.html | tr '\n' ' ')" \
  eval '[ "$(attr_text dom-a.html id meta-cluster)" = demo ] && [ "$(attr_text dom-a.html id meta-version)" = v1.28.3 ] && [ "$(attr_text dom-a.html id meta-flavour)" = kubeadm ] && [ "$(attr_text dom-a.html id meta-profile)" = default ]'
check "a complete scan has no incomplete banner" "banner present" nogrepf 'id="incomplete-banner"' dom-a.html

# The node matrix shows the actual value on hover, and a finding's details show its evidence.
CT_ID=$(jq -r '.findings[] | select(.rule_id == "health/conntrack-usage" and .subject == "node/worker-3") | .id' "$A_JSON")
check "the node matrix cell of worker-3's conntrack check carries the actual value" \
  "$(grep -o "<td[^>]*data-id=\"$CT_ID\"[^>]*>" dom-a.html | head -1)" \
  eval 'grep -o "<tr data-node=\"worker-3\">.*" dom-a.html | grep -q "title=\"health/conntrack-usage · fail: conntrack table 95.0% full (249037 of 262144)"'
dump "$A_HTML" "#finding=$CT_ID" dom-ct.html
DETAIL=$(tr '\n' ' ' <dom-ct.html | grep -o "<div class=\"detail\" data-finding=\"$CT_ID\">.*" | sed 's/<\/dl><\/div>.*//')
check "the expanded conntrack finding shows its evidence as pretty JSON" "${DETAIL:0:400}" \
  eval 'printf "%s" "$DETAIL" | grep -q "<pre class=\"evidence\">{" && printf "%s" "$DETAIL" | grep -q "\"count\": 249037,"'
check "the expanded finding shows what was checked, remediation and message" "${DETAIL:0:400}" \
  eval 'printf "%s" "$DETAIL" | grep -q "Conntrack table has headroom" && printf "%s" "$DETAIL" | grep -q "class=\"remediation\">[^<]" && printf "%s" "$DETAIL" | grep -q "249037 of 262144"'
CIS_ID=$(jq -r '.findings[] | select(.rule_id == "cis-k8s/4.2.1" and .subject == "node/worker-5") | .id' "$A_JSON")
dump "$A_HTML" "#finding=$CIS_ID" dom-cis.html
DETAIL=$(tr '\n' ' ' <dom-cis.html | grep -o "<div class=\"detail\" data-finding=\"$CIS_ID\">.*" | sed 's/<\/dl><\/div>.*//')
check "a CIS finding lists its CIS and 等保 clause ids and actual vs expected" "${DETAIL:0:500}" \
  eval 'printf "%s" "$DETAIL" | grep -q "<li class=\"ref ref-cis\">CIS 4.2.1" && printf "%s" "$DETAIL" | grep -q "<li class=\"ref ref-mlps\">MLPS 2.0 (等保) [0-9]" && printf "%s" "$DETAIL" | grep -q "<div class=\"ae actual\">"'

# ---------------------------------------------------------------------------------------------
# 2. History: the same cluster again with a fault fixed -> trend of 2 points, a resolved entry.

"$KP" bundle create --demo --output "$W/demo.tar.gz" >log/bundle.out 2>&1 &&
  "$KP" bundle extract "$W/demo.tar.gz" "$W/snap" >>log/bundle.out 2>&1
check "bundle create --demo and bundle extract give a snapshot directory" "$(cat log/bundle.out)" \
  test -s "$W/snap/objects/pods.json"
cp -r "$W/snap" "$W/fixed"
jq '(.items[] | select(.metadata.name | startswith("legacy-gateway")) | .spec.containers[].securityContext) |= ((. // {}) | .privileged = false)' \
  "$W/snap/objects/pods.json" >"$W/fixed/objects/pods.json"
"$KP" --db "$W/demo.db" --out "$W/out/b" scan --snapshot "$W/fixed" -q --format html,json >log/b.out 2>log/b.err
B_HTML=$(html_of out/b)
B_JSON=$(json_of out/b)
check "a second scan (privileged container fixed) writes its reports" "$(cat log/b.err)" test -s "$B_HTML"
check "the JSON report of the second scan has a resolved entry" "$(jq -c .since_previous "$B_JSON" | head -c 300)" \
  eval '[ "$(jq ".since_previous.resolved" "$B_JSON")" -ge 1 ]'
dump "$B_HTML" "#selftest" dom-b.html
check "the second report's self-test passes" "$(selftest dom-b.html)" selftest_ok "$(selftest dom-b.html)"
POINTS=$(grep -o '<svg id="trend-chart"[^>]*data-points="[0-9]*"' dom-b.html | grep -o '[0-9]*"$' | tr -d '"')
check "the trend line has 2 points after two scans" "points '${POINTS:-none}'" eval '[ "${POINTS:-0}" -ge 2 ]'
check "the trend has one circle per scan" "$(grep -o '<circle' dom-b.html | wc -l) circles" \
  is "$(grep -o '<circle' dom-b.html | wc -l)" "${POINTS:-x}"
check "'since the last scan' shows the resolved count of the JSON report" \
  "shown '$(attr_text dom-b.html data-change-count resolved)'" \
  is "$(attr_text dom-b.html data-change-count resolved)" "$(jq .since_previous.resolved "$B_JSON")"
check "'since the last scan' lists the privileged container as resolved" "no such row" \
  eval 'grep -o "<tr class=\"change-row\" data-change=\"resolved\">.*" dom-b.html | grep -q "pod/payments/legacy-gateway"'

chrome --virtual-time-budget=5000 --hide-scrollbars --window-size=1400,2000 \
  --screenshot="$W/report.png" "file://$B_HTML" >/dev/null
[ "$ARTIFACTS" != "$W" ] && cp "$W/report.png" "$ARTIFACTS/report.png" 2>/dev/null
check "a screenshot of the report is taken" "no $ARTIFACTS/report.png" test -s "$ARTIFACTS/report.png"
echo "# screenshot: $ARTIFACTS/report.png"

# ---------------------------------------------------------------------------------------------
# 3. Hostile text: a pod named like markup and a cluster name that tries to close the script.

XSS_POD='<img src=x onerror=alert(1)>'
XSS_CLUSTER='</script><script>alert(2)</script>'
cp -r "$W/snap" "$W/xss"
jq --arg n "$XSS_POD" '(.items[] | select(.metadata.name == "cart-2bztbb4hrw-hkg8c") | .metadata.name) |= $n' \
  "$W/snap/objects/pods.json" >"$W/xss/objects/pods.json"
jq --arg n "$XSS_CLUSTER" '.cluster.name = $n' "$W/snap/snapshot.json" >"$W/xss/snapshot.json"
"$KP" --db "$W/xss.db" --out "$W/out/x" scan --snapshot "$W/xss" -q --format html,json >log/x.out 2>log/x.err
X_HTML=$(html_of out/x)
check "a scan of the hostile snapshot writes its report" "$(cat log/x.err)" \
  eval '[ -s "$X_HTML" ] && [ "$(jq --arg n "$XSS_POD" "[.findings[] | select(.subject | endswith(\$n))] | length" "$(json_of out/x)")" -ge 1 ]'
check "the hostile strings never appear raw in the HTML file" "found raw" \
  eval '! grep -qF "$XSS_POD" "$X_HTML" && ! grep -qF "alert(2)</script>" "$X_HTML"'
dump "$X_HTML" "#selftest" dom-x.html
check "the hostile report's self-test passes (no error, no image, no request)" "$(selftest dom-x.html)" \
  selftest_ok "$(selftest dom-x.html)"
check "the pod name renders as literal text" "no escaped text in the DOM" \
  grepf '<code>pod/shop/&lt;img src=x onerror=alert(1)&gt;</code>' dom-x.html
check "no <img> element exists in the rendered page" "$(grep -o '<img[^>]*>' dom-x.html | head -3)" \
  eval '! grep -qi "<img" dom-x.html'
check "the cluster name renders as literal text" "$(attr_text dom-x.html id meta-cluster)" \
  grepf 'id="meta-cluster">&lt;/script&gt;&lt;script&gt;alert(2)&lt;/script&gt;<' dom-x.html

# ---------------------------------------------------------------------------------------------
# 4. An interrupted scan in Chinese: the page says loudly that it is incomplete.

"$KP" --db "$W/int.db" --out "$W/out/i" --lang zh -j1 scan --demo -q --rules "$PACKS/slow" \
  --rule-timeout 10000 --format html >log/i.out 2>log/i.err &
BG_PID=$!
for _ in $(seq 1 100); do
  [ "$(sqlite3 "$W/int.db" 'SELECT count(*) FROM scans' 2>/dev/null)" = 1 ] && break
  kill -0 "$BG_PID" 2>/dev/null || break
  sleep 0.1
done
sleep 1
kill -INT "$BG_PID" 2>/dev/null
{ wait "$BG_PID"; } 2>/dev/null
RC=$?
BG_PID=
I_HTML=$(html_of out/i)
check "an interrupted scan (SIGINT) still writes its HTML report" "rc $RC, $(cat log/i.err)" \
  eval '[ $RC -eq 130 ] && [ -s "$I_HTML" ]'
dump "${I_HTML:-/nonexistent}" "#selftest" dom-i.html
check "the interrupted scan's report shows the incomplete banner" "$(grep -o 'id="incomplete-banner"[^<]*' dom-i.html)" \
  eval 'grep -q "<div class=\"banner-incomplete\" id=\"incomplete-banner\" role=\"alert\">本次巡检状态为“已中断”，未完成" dom-i.html'
check "--lang zh makes Chinese the page's default language" "$(grep -o '<html[^>]*>' dom-i.html)" \
  eval 'grep -q "<html lang=\"zh-CN\"" dom-i.html && grep -q "<h2 id=\"h-scores\">评分</h2>" dom-i.html && grep -q "异常</button>" dom-i.html'
check "the Chinese report's self-test passes" "$(selftest dom-i.html)" selftest_ok "$(selftest dom-i.html)"

# ---------------------------------------------------------------------------------------------
# 5. Scale: about 6,000 pods, over 100,000 findings with the built-in rules, load and stay usable.

cp -r "$W/snap" "$W/big"
jq '.items as $p | .items = [range(0; 40) as $k | $p[] |
      .metadata.name += "-d\($k)" | .metadata.uid = ((.metadata.uid // "u") + "-\($k)")]' \
  "$W/snap/objects/pods.json" >"$W/big/objects/pods.json"
"$KP" --db "$W/big.db" --out "$W/out/big" scan --snapshot "$W/big" -q --format html,json \
  >log/big.out 2>log/big.err
BIG_HTML=$(html_of out/big)
BIG_N=$(jq '.findings | length' "$(json_of out/big)" 2>/dev/null)
check "a scan of 40 copies of the demo pods writes its HTML report" "$(cat log/big.err)" \
  eval '[ -s "$BIG_HTML" ] && [ "${BIG_N:-0}" -ge 100000 ]'
T0=$(date +%s%N)
dump "$BIG_HTML" "#selftest" dom-big.html
T1=$(date +%s%N)
ST=$(selftest dom-big.html)
MS=$(((T1 - T0) / 1000000))
check "Chromium loads $BIG_N findings and the self-test passes" "${ST:-no self-test result}" selftest_ok "$ST"
check "the large report loads and is filtered within the budget (${MS} ms in Chromium)" \
  "load $(printf '%s' "$ST" | jq .load_ms 2>/dev/null) ms, self-test $(printf '%s' "$ST" | jq .ms 2>/dev/null) ms, total $MS ms" \
  eval '[ "$MS" -lt 30000 ] && [ "$(printf "%s" "$ST" | jq ".load_ms < 10000 and .ms < 5000")" = true ]'
check "the large report renders only one page of rows" \
  "$(grep -o '<tr class="row' dom-big.html | wc -l) rows" eval '[ "$(grep -o "<tr class=\"row" dom-big.html | wc -l)" -le 200 ]'
check "the large report counts every finding" "$(grep -o 'id="findings-shown">[^<]*' dom-big.html)" \
  grepf "id=\"findings-shown\">$BIG_N of $BIG_N findings<" dom-big.html

echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
