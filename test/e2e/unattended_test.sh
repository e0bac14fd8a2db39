#!/usr/bin/env bash
# Outputs for unattended runs (the in-cluster CronJob): --summary json, --metrics-file for
# node-exporter's textfile collector, --pushgateway (a real HTTP server on 127.0.0.1 that
# records what it receives), and the exit status with --fail-on.
# Usage: unattended_test.sh KPATROL_BINARY
set -uo pipefail
KP=$1
W=$(mktemp -d /tmp/kpatrol-unattended.XXXXXX)
SERVER_PID=
cleanup() { [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null; rm -rf "$W"; }
trap cleanup EXIT
# Debian's python3 has python3-prometheus-client; a python earlier on PATH may not.
PY=${KPATROL_PYTHON:-}
if [ -z "$PY" ]; then
  if [ -x /usr/bin/python3 ]; then PY=/usr/bin/python3; else PY=$(command -v python3 || true); fi
fi
passed=0 failed=0
ok() { echo "ok - $1"; passed=$((passed + 1)); }
not_ok() { echo "not ok - $1: $2"; failed=$((failed + 1)); }
check() { local name=$1 detail=$2; shift 2; if "$@"; then ok "$name"; else not_ok "$name" "$detail"; fi; }
jqe() { jq -e "$@" > /dev/null 2>&1; }  # a jq condition as a check

# 1. --summary json: one compact line on stdout, nothing else.
"$KP" scan --demo --db "$W/k.db" --out "$W/r1" --summary json > "$W/s1.out" 2> "$W/s1.err"
rc=$?
check "scan --summary json exits 0 on the demo" "exit $rc: $(head -c 300 "$W/s1.err")" test $rc -eq 0
check "stdout is exactly one line" "$(wc -l < "$W/s1.out") lines" test "$(wc -l < "$W/s1.out")" -eq 1
check "the line is a JSON summary with the scan, score, counts, reports and exit code" \
  "$(head -c 400 "$W/s1.out")" \
  jqe '.kpatrol == "scan" and .scan_id == 1 and .state == "complete" and .cluster == "demo"
         and (.score | type) == "number" and .counts.fail > 0 and .exit_code == 0
         and (.reports | length) == 1 and (.reports[0] | endswith(".json"))' "$W/s1.out"

# 2. --fail-on high: exit 1, and the summary says so.
"$KP" scan --demo --db "$W/k.db" --out "$W/r2" --summary json --fail-on high > "$W/s2.out" 2> "$W/s2.err"
rc=$?
check "--fail-on high exits 1 on the demo and the summary's exit_code is 1" \
  "exit $rc: $(head -c 300 "$W/s2.out")" \
  bash -c "[ $rc -eq 1 ] && jq -e '.exit_code == 1' '$W/s2.out' > /dev/null"

# 3. --metrics-file: node-exporter's textfile format, readable by a real parser.
"$KP" scan --demo --db "$W/k.db" --out "$W/r3" -q --metrics-file "$W/textfile/kpatrol.prom" 2> "$W/s3.err"
rc=$?
check "--metrics-file writes the file (exit 0)" "exit $rc: $(cat "$W/s3.err")" \
  bash -c "[ $rc -eq 0 ] && [ -s '$W/textfile/kpatrol.prom' ]"
check "node-exporter can read it: mode 0644" "$(stat -c %a "$W/textfile/kpatrol.prom" 2>&1)" \
  test "$(stat -c %a "$W/textfile/kpatrol.prom" 2>/dev/null)" = 644
parsed=$("$PY" - "$W/textfile/kpatrol.prom" <<'PY' 2>&1
import sys
from prometheus_client.parser import text_string_to_metric_families
names = {f.name for f in text_string_to_metric_families(open(sys.argv[1]).read())}
print(" ".join(sorted(names)))
PY
)
check "prometheus_client parses the metrics file and finds kpatrol metrics" "$parsed" \
  grep -q "kpatrol_" <<< "$parsed"

# 4. --pushgateway: a real HTTP server records the PUT.
cat > "$W/gateway.py" <<'PY'
import http.server, sys, pathlib
out = pathlib.Path(sys.argv[1])
class H(http.server.BaseHTTPRequestHandler):
    def do_PUT(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        (out / "path").write_text(self.path)
        (out / "content-type").write_text(self.headers.get("Content-Type", ""))
        (out / "body").write_bytes(body)
        self.send_response(200); self.end_headers()
    def log_message(self, *a): pass
s = http.server.HTTPServer(("127.0.0.1", 0), H)
(out / "port").write_text(str(s.server_port))
s.serve_forever()
PY
mkdir -p "$W/gw"
"$PY" "$W/gateway.py" "$W/gw" &
SERVER_PID=$!
for _ in $(seq 50); do [ -s "$W/gw/port" ] && break; sleep 0.1; done
PORT=$(cat "$W/gw/port" 2>/dev/null)
"$KP" scan --demo --db "$W/k.db" --out "$W/r4" -q --pushgateway "http://127.0.0.1:$PORT/" \
  --metrics-file "$W/textfile/run4.prom" 2> "$W/s4.err"
rc=$?
check "--pushgateway pushes (exit 0)" "exit $rc: $(cat "$W/s4.err")" test $rc -eq 0
check "the push is a PUT to /metrics/job/kpatrol/cluster/demo" "$(cat "$W/gw/path" 2>&1)" \
  test "$(cat "$W/gw/path" 2>/dev/null)" = /metrics/job/kpatrol/cluster/demo
check "in the text exposition format" "$(cat "$W/gw/content-type" 2>&1)" \
  grep -q "text/plain; version=0.0.4" "$W/gw/content-type"
check "the pushed body is the same run's metrics file" "$(head -c 200 "$W/gw/body" 2>&1)" \
  cmp -s "$W/gw/body" "$W/textfile/run4.prom"

# 5. An unreachable Pushgateway: a clear error naming it, exit 2, and nothing else lost.
kill "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null; SERVER_PID=
"$KP" scan --demo --db "$W/k.db" --out "$W/r5" --summary json --pushgateway "http://127.0.0.1:$PORT" \
  > "$W/s5.out" 2> "$W/s5.err"
rc=$?
check "an unreachable Pushgateway exits 2 with an error naming it" "exit $rc: $(cat "$W/s5.err")" \
  bash -c "[ $rc -eq 2 ] && grep -q 'pushing metrics to http://127.0.0.1:$PORT/metrics/job/kpatrol' '$W/s5.err'"
check "the scan's report and summary are still written" "$(ls "$W/r5" 2>&1); $(head -c 200 "$W/s5.out")" \
  bash -c "ls '$W/r5'/kpatrol-scan-*.json > /dev/null && jq -e '.exit_code == 2 and .state == \"complete\"' '$W/s5.out' > /dev/null"
check "the scan is kept in the history" "$("$KP" history --db "$W/k.db" 2>&1 | head -3)" \
  bash -c "[ \"\$(sqlite3 '$W/k.db' 'select count(*) from scans')\" -eq 5 ]"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
