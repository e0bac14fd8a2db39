#!/usr/bin/env bash
# The fixture API server over real HTTPS with curl: TLS (server SAN, client certificates), the
# ready file, bearer tokens, each injected fault as a client sees it on the wire (status,
# Retry-After, a short body on a closed connection, delay, HTML, size), and a clean exit on
# SIGTERM. usage: server_test.sh <kpatrol-fixture-apiserver> <fixtures dir>
set -uo pipefail
SERVER_BIN=${1:?usage: server_test.sh SERVER_BIN FIXTURES_DIR}
FIXTURES=${2:?usage: server_test.sh SERVER_BIN FIXTURES_DIR}
command -v curl >/dev/null || { echo "SKIP: curl is not installed"; exit 77; }

WORK=$(mktemp -d /tmp/kpatrol-fixture-server-test.XXXXXX)
SERVER_PID=""
cleanup() {
  if [[ -n "$SERVER_PID" ]]; then kill "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
PASSED=0
FAILED=0
pass() { PASSED=$((PASSED + 1)); echo "ok   - $1"; }
fail() { FAILED=$((FAILED + 1)); echo "FAIL - $1"; [[ -n "${2:-}" ]] && sed 's/^/       /' <<<"$2" | head -15; }
check() { if eval "$2"; then pass "$1"; else fail "$1" "${3:-}"; fi; }

P=$WORK/pki
mkdir -p "$P"
{
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$P/ca.key" -out "$P/ca.crt" -days 2 -subj "/CN=fixture-ca" &&
  openssl req -newkey rsa:2048 -nodes -keyout "$P/server.key" -out "$P/server.csr" -subj "/CN=localhost" &&
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >"$P/san.ext" &&
  openssl x509 -req -in "$P/server.csr" -CA "$P/ca.crt" -CAkey "$P/ca.key" -CAcreateserial -out "$P/server.crt" -days 2 -extfile "$P/san.ext" &&
  openssl req -newkey rsa:2048 -nodes -keyout "$P/client.key" -out "$P/client.csr" -subj "/CN=kpatrol" &&
  printf 'extendedKeyUsage=clientAuth\n' >"$P/client.ext" &&
  openssl x509 -req -in "$P/client.csr" -CA "$P/ca.crt" -CAkey "$P/ca.key" -CAcreateserial -out "$P/client.crt" -days 2 -extfile "$P/client.ext" &&
  # a client certificate from another CA must not authenticate
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$P/rogue.key" -out "$P/rogue.crt" -days 2 -subj "/CN=rogue"
} 2>/dev/null || { echo "openssl failed"; exit 1; }

start_server() {
  rm -f "$WORK/ready"
  "$SERVER_BIN" --state "$FIXTURES/demo" --tls-cert "$P/server.crt" --tls-key "$P/server.key" \
    --client-ca "$P/ca.crt" --token good --expired-token old --ready-file "$WORK/ready" "$@" \
    2>"$WORK/server.log" &
  SERVER_PID=$!
  for _ in $(seq 100); do [[ -s "$WORK/ready" ]] && break; kill -0 $SERVER_PID 2>/dev/null || break; sleep 0.1; done
  [[ -s "$WORK/ready" ]] || { echo "server did not start"; cat "$WORK/server.log"; exit 1; }
  PORT=$(cat "$WORK/ready")
}
# c PATH [curl args]: prints "status size" and keeps the body in $WORK/body, headers in $WORK/hdr
c() {
  local path=$1
  shift
  curl -sS --max-time 20 --cacert "$P/ca.crt" -o "$WORK/body" -D "$WORK/hdr" \
    -w '%{http_code} %{size_download}' "$@" "https://127.0.0.1:$PORT$path" 2>"$WORK/curl.err"
  echo " rc=$?"
}
T=(-H "Authorization: Bearer good")

start_server --forbid roles --throttle-once pods --fail-once nodes --slow services=800 \
  --truncate configmaps --expire-continue events --non-json leases --huge deployments=5 --max-page 40
check "ready file holds the bound port" '[[ "$PORT" =~ ^[0-9]+$ && $PORT -gt 0 ]]'
out=$(c /version "${T[@]}")
check "TLS verified against the CA with SAN 127.0.0.1, token accepted" '[[ "$out" == "200 "*" rc=0" ]]' "$out $(cat $WORK/curl.err)"
out=$(c /version)
check "no credentials: 401 Status" '[[ "$out" == 401* ]] && grep -q "\"reason\":\"Unauthorized\"" $WORK/body' "$out"
out=$(c /version -H "Authorization: Bearer old")
check "expired token: 401" '[[ "$out" == 401* ]]' "$out"
out=$(c /api/v1/namespaces --cert "$P/client.crt" --key "$P/client.key")
check "client certificate signed by --client-ca authenticates" '[[ "$out" == 200* ]]' "$out"
out=$(c /api/v1/namespaces --cert "$P/rogue.crt" --key "$P/rogue.key")
check "client certificate from another CA is refused" '[[ "$out" != 200* ]]' "$out"
out=$(c /apis/rbac.authorization.k8s.io/v1/roles "${T[@]}")
check "--forbid roles: 403 Forbidden Status" '[[ "$out" == 403* ]] && grep -q "\"reason\":\"Forbidden\"" $WORK/body' "$out"
out=$(c /api/v1/pods "${T[@]}")
check "--throttle-once pods: 429 with Retry-After: 1" '[[ "$out" == 429* ]] && grep -qi "^Retry-After: 1" $WORK/hdr' "$out"
out=$(c /api/v1/pods "${T[@]}")
check "--throttle-once pods: then 200" '[[ "$out" == 200* ]]' "$out"
n=$(python3 -c "import json; d=json.load(open('$WORK/body')); print(len(d['items']), d['kind'], 'continue' in d['metadata'])")
check "--max-page 40: a page of 40 pods with a continue token" '[[ "$n" == "40 PodList True" ]]' "$n"
out=$(c /api/v1/nodes "${T[@]}")
check "--fail-once nodes: 500" '[[ "$out" == 500* ]]' "$out"
out=$(c /api/v1/nodes "${T[@]}")
check "--fail-once nodes: then 200" '[[ "$out" == 200* ]]' "$out"
start=$(date +%s%N)
out=$(c /api/v1/services "${T[@]}")
ms=$(( ($(date +%s%N) - start) / 1000000 ))
check "--slow services=800: answered after >= 800 ms ($ms ms)" '[[ "$out" == 200* && $ms -ge 800 ]]' "$out"
out=$(c /api/v1/configmaps "${T[@]}")
declared=$(grep -i '^Content-Length:' "$WORK/hdr" | tr -dc 0-9)
got=$(stat -c %s "$WORK/body")
check "--truncate configmaps: Content-Length $declared, $got bytes, connection closed (curl 18)" \
  '[[ "$out" == *"rc=18" && $got -lt $declared ]]' "$out"
out=$(c "/api/v1/events?limit=2" "${T[@]}")
tok=$(python3 -c "import json; print(json.load(open('$WORK/body'))['metadata']['continue'])")
out=$(c "/api/v1/events?limit=2&continue=$tok" "${T[@]}")
check "--expire-continue events: 410 Expired on the first continue" '[[ "$out" == 410* ]] && grep -q "\"reason\":\"Expired\"" $WORK/body' "$out"
out=$(c "/api/v1/events?limit=2&continue=$tok" "${T[@]}")
check "--expire-continue events: the token works afterwards" '[[ "$out" == 200* ]]' "$out"
out=$(c /apis/coordination.k8s.io/v1/leases "${T[@]}")
check "--non-json leases: an HTML body" '[[ "$out" == 200* ]] && grep -qi "^Content-Type: text/html" $WORK/hdr && grep -q "<html>" $WORK/body' "$out"
out=$(c /apis/apps/v1/deployments "${T[@]}")
size=$(stat -c %s "$WORK/body")
valid=$(python3 -c "import json; d=json.load(open('$WORK/body')); print(d['kind'], len(d['items']) > 50)" 2>&1)
check "--huge deployments=5: a valid ~5 MiB DeploymentList ($size bytes)" \
  '[[ "$out" == 200*"rc=0" && $size -ge 5000000 && "$valid" == "DeploymentList True" ]]' "$out $valid"
out=$(c "/api/v1/namespaces/shop/pods?labelSelector=app.kubernetes.io/name%3Dcart" "${T[@]}")
n=$(python3 -c "import json; print(len(json.load(open('$WORK/body'))['items']))")
check "labelSelector over HTTP" '[[ "$out" == 200* && $n -eq 4 ]]' "$out $n"
out=$(c /api/v1/nodes/worker-5/proxy/configz "${T[@]}")
check "configz over HTTP" '[[ "$out" == 200* ]] && grep -q "\"kubeletconfig\"" $WORK/body' "$out"
out=$(c /api/v1/nodes "${T[@]}" --compressed)
check "gzip when the client asks for it" '[[ "$out" == 200* ]] && grep -qi "^Content-Encoding: gzip" $WORK/hdr' "$out"
check "requests are logged (method, path, status), tokens never" \
  'grep -q "GET /api/v1/pods 429" $WORK/server.log && ! grep -q "good" $WORK/server.log' "$(tail -5 $WORK/server.log)"

kill -TERM "$SERVER_PID"
rc=0
for _ in $(seq 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$SERVER_PID" 2>/dev/null; then rc=99; else wait "$SERVER_PID"; rc=$?; fi
SERVER_PID=""
check "SIGTERM: exits 0 within 5 s" '[[ $rc -eq 0 ]]' "rc=$rc"

# Bad command lines and states fail with exit 2 and a message.
out=$("$SERVER_BIN" --state "$FIXTURES/demo" --tls-cert "$P/server.crt" --tls-key "$P/server.key" --ready-file "$WORK/r" 2>&1)
check "no auth configured: refused" '[[ $? -eq 2 && "$out" == *"no authentication"* ]]' "$out"
out=$("$SERVER_BIN" --state "$WORK/nope" --tls-cert "$P/server.crt" --tls-key "$P/server.key" --token t --ready-file "$WORK/r" 2>&1)
check "missing state: refused" '[[ $? -eq 2 && "$out" == *"snapshot.json"* ]]' "$out"

echo "$PASSED passed, $FAILED failed"
[[ $FAILED -eq 0 ]]
