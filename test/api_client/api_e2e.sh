#!/usr/bin/env bash
# End-to-end: the real kpatrol binary collects from the fixture API server (real HTTPS,
# certificates made here with the openssl CLI) as a user would, and every bad input of issue 3
# that concerns kubeconfig and the client gives a clear error (or a collection error for one
# kind while the scan goes on).
# usage: api_e2e.sh KPATROL FIXTURE_APISERVER
set -uo pipefail
KP=$(realpath "${1:?kpatrol binary}")
SRV=$(realpath "${2:?fixture API server binary}")
SRC=$(cd "$(dirname "$0")/../.." && pwd)
DEMO=$SRC/fixtures/demo
DATA=$SRC/test/api_client/data

T=$(mktemp -d "${TMPDIR:-/tmp}/kpatrol-api-e2e.XXXXXX")
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  wait 2>/dev/null
  rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Never touch the user's ~/.kube or proxies: a private HOME and no proxy or cluster env.
export HOME=$T/home
mkdir -p "$HOME"
unset KUBECONFIG KUBERNETES_SERVICE_HOST KUBERNETES_SERVICE_PORT KPATROL_SERVICEACCOUNT_DIR \
  HTTPS_PROXY https_proxy HTTP_PROXY http_proxy ALL_PROXY all_proxy
export NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost
export NO_COLOR=1

pass=0
failed=0
ok() { pass=$((pass + 1)); echo "ok   - $1"; }
bad() {
  failed=$((failed + 1))
  echo "FAIL - $1"
  if [ -n "${2:-}" ] && [ -f "$2" ]; then sed 's/^/       /' "$2" | head -25; fi
}
# expect DESC FILE PATTERN: FILE contains the fixed string PATTERN.
expect() { if grep -qF -- "$3" "$2"; then ok "$1"; else bad "$1 (no \"$3\")" "$2"; fi; }
expect_not() { if grep -qF -- "$3" "$2"; then bad "$1 (found \"$3\")" "$2"; else ok "$1"; fi; }
# run NAME ARGS...: runs kpatrol (bounded), output in $T/NAME.out / .err, status in RC, time in SECS.
run() {
  local name=$1
  shift
  local start=$SECONDS
  timeout 120 "$KP" "$@" >"$T/$name.out" 2>"$T/$name.err"
  RC=$?
  SECS=$((SECONDS - start))
}
rc_is() { if [ "$RC" = "$2" ]; then ok "$1 (exit $RC)"; else bad "$1: exit $RC, expected $2" "$3"; fi; }

# --- certificates ------------------------------------------------------------------------------
cd "$T"
gen() { openssl "$@" >/dev/null 2>&1 || { echo "openssl $1 failed"; exit 1; }; }
gen req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2 -subj "/CN=kpatrol-e2e-ca"
gen req -x509 -newkey rsa:2048 -nodes -keyout other-ca.key -out other-ca.crt -days 2 -subj "/CN=some-other-ca"
sign() {  # sign NAME SUBJECT [SAN]
  gen req -newkey rsa:2048 -nodes -keyout "$1.key" -out "$1.csr" -subj "$2"
  if [ -n "${3:-}" ]; then printf 'subjectAltName=%s\n' "$3" >"$1.ext"; else : >"$1.ext"; fi
  gen x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -out "$1.crt" -days 2 -extfile "$1.ext"
}
sign server "/CN=kube-apiserver" "IP:127.0.0.1,DNS:kubernetes.fixture.internal"
sign named-server "/CN=kube-apiserver" "DNS:kubernetes.fixture.internal"  # no IP SAN
sign client "/CN=kpatrol-e2e/O=system:masters"
b64() { base64 -w0 "$1"; }

# --- fixture servers -----------------------------------------------------------------------------
# start NAME ARGS...: starts the fixture server on a random port; sets PORT.
start() {
  local name=$1
  shift
  rm -f "$T/$name.ready"
  "$SRV" --state "$DEMO" --tls-cert "${CERT:-server.crt}" --tls-key "${KEY:-server.key}" \
    --ready-file "$T/$name.ready" "$@" >"$T/$name.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 150); do
    [ -s "$T/$name.ready" ] && break
    sleep 0.1
  done
  PORT=$(cat "$T/$name.ready" 2>/dev/null)
  if [ -z "$PORT" ]; then
    echo "fixture server $name did not start"
    cat "$T/$name.log"
    exit 1
  fi
}
# kubeconfig FILE SERVER CLUSTER_EXTRA USER_YAML: one context "e2e" (cluster e2e, user e2e-user).
kubeconfig() {
  cat >"$1" <<KC
apiVersion: v1
kind: Config
current-context: e2e
clusters:
- name: e2e
  cluster:
    server: $2
$3
contexts:
- name: e2e
  context: {cluster: e2e, user: e2e-user}
users:
- name: e2e-user
  user:
$4
KC
}
CA_FILE="    certificate-authority: ca.crt"
TOKEN="    token: e2e-token"

start main --token e2e-token --token tok-x-none --expired-token expired-token --client-ca ca.crt
MAIN=$PORT
kubeconfig main.kc "https://127.0.0.1:$MAIN" "$CA_FILE" "$TOKEN"

# Counts the fixture serves: every demo kind, Warning events only, kube-system ConfigMaps only.
expected_counts() {
  for f in "$DEMO"/objects/*.json; do
    p=$(basename "$f" .json)
    case $p in
      events) n=$(jq '[.items[] | select(.type == "Warning")] | length' "$f") ;;
      configmaps) n=$(jq '[.items[] | select(.metadata.namespace == "kube-system")] | length' "$f") ;;
      *) n=$(jq '.items | length' "$f") ;;
    esac
    echo "$p $n"
  done
}
expected_counts >expected.txt
# collected_counts DIR: the same for an extracted bundle, for the demo's kinds.
collected_counts() {
  for f in "$DEMO"/objects/*.json; do
    p=$(basename "$f" .json)
    if [ -f "$1/objects/$p.json" ]; then echo "$p $(jq '.items | length' "$1/objects/$p.json")"; else echo "$p absent"; fi
  done
}
# bundle_of NAME: collect api into NAME.tar.gz with the remaining args, then extract it.
collect_bundle() {
  local name=$1
  shift
  run "$name" collect api --out "$T/$name.tar.gz" "$@"
  rm -rf "$T/$name.dir"
  if [ "$RC" = 0 ]; then "$KP" bundle extract "$T/$name.tar.gz" "$T/$name.dir" >/dev/null 2>&1; fi
}

# --- 1. a kubeconfig pointing at the fixture server: scan produces a report of that cluster -----
run scan scan --kubeconfig main.kc --db "$T/scan.db" --out "$T/reports" --quiet
rc_is "scan --kubeconfig against the fixture server" 0 "$T/scan.err"
REPORT=$(ls "$T"/reports/kpatrol-scan-*.json 2>/dev/null | head -1)
if [ -n "$REPORT" ] && [ "$(jq -r '.cluster.name + " " + .cluster.version + " " + .cluster.flavour' "$REPORT")" = "e2e v1.28.3 kubeadm" ]; then
  ok "report names the cluster (context's cluster e2e, v1.28.3, kubeadm)"
else
  bad "report cluster block" "$REPORT"
fi
run demo scan --demo --db "$T/demo.db" --out "$T/demo-reports" --quiet
DEMO_REPORT=$(ls "$T"/demo-reports/kpatrol-scan-*.json 2>/dev/null | head -1)
pods_api=$(jq '[.findings[] | select(.scope == "pod") | .subject] | unique | length' "$REPORT" 2>/dev/null)
pods_demo=$(jq '[.findings[] | select(.scope == "pod") | .subject] | unique | length' "$DEMO_REPORT" 2>/dev/null)
wl_api=$(jq '[.findings[] | select(.scope == "workload") | .subject] | unique | length' "$REPORT" 2>/dev/null)
wl_demo=$(jq '[.findings[] | select(.scope == "workload") | .subject] | unique | length' "$DEMO_REPORT" 2>/dev/null)
if [ -n "$pods_api" ] && [ "$pods_api" = "$pods_demo" ] && [ "$wl_api" = "$wl_demo" ] && [ "$pods_api" -gt 100 ]; then
  ok "the API scan covers the same $pods_api pods and $wl_api workloads as scan --demo"
else
  bad "pod/workload subjects: api $pods_api/$wl_api vs demo $pods_demo/$wl_demo"
fi
if [ "$(jq '.collection_errors | length' "$REPORT")" = 0 ]; then ok "no collection errors"; else bad "collection errors" "$REPORT"; fi
expect_not "Secrets are never requested" "$T/main.log" "/secrets"

# --- 2. collect api --out: a bundle scan --bundle accepts, with the demo cluster's objects -------
collect_bundle bundle --kubeconfig main.kc
rc_is "collect api --out bundle.tar.gz" 0 "$T/bundle.err"
collected_counts "$T/bundle.dir" >collected.txt
if diff -u expected.txt collected.txt >count.diff; then
  ok "bundle holds every demo kind with the demo's counts ($(awk '{s+=$2} END {print s}' expected.txt) objects)"
else
  bad "object counts differ from fixtures/demo" count.diff
fi
if [ "$(jq '[.items[] | select(.metadata.managedFields)] | length' "$T/bundle.dir/objects/pods.json" 2>/dev/null)" = 0 ] &&
  [ "$(jq -r '.items[0].kind' "$T/bundle.dir/objects/pods.json" 2>/dev/null)" = Pod ]; then
  ok "items carry kind/apiVersion like kubectl -o json, without managedFields"
else
  bad "pod items shape" "$T/bundle.dir/objects/pods.json"
fi
if [ "$(jq -r '.facts.kubelet.config_source' "$T/bundle.dir/nodes/worker-1.json" 2>/dev/null)" = api-configz ] &&
  [ "$(jq -r '.facts.kubelet.config | type' "$T/bundle.dir/nodes/worker-1.json" 2>/dev/null)" = object ]; then
  ok "kubelet config through /api/v1/nodes/<node>/proxy/configz"
else
  bad "configz facts" "$T/bundle.err"
fi
if [ "$(jq -r '.cluster.uid' "$T/bundle.dir/snapshot.json")" = "$(jq -r '.cluster.uid' "$DEMO/snapshot.json")" ]; then
  ok "cluster uid is the kube-system namespace uid"
else
  bad "cluster uid" "$T/bundle.dir/snapshot.json"
fi
run rescan scan --bundle "$T/bundle.tar.gz" --db "$T/scan.db" --out "$T/reports2" --quiet
rc_is "scan --bundle accepts the collected bundle" 0 "$T/rescan.err"

# Pages are parsed one by one into the snapshot store and joined per kind: many small pages
# (--chunk-size 3) and one page per kind (--chunk-size 0) must give the same objects, item for
# item and byte for byte (the default run above used pages of 500).
collect_bundle paged3 --kubeconfig main.kc --no-kubelet-configz --chunk-size 3
collect_bundle paged0 --kubeconfig main.kc --no-kubelet-configz --chunk-size 0
if [ "$(grep -c "GET /api/v1/pods?.*limit=3 200" "$T/main.log")" -ge 10 ]; then ok "--chunk-size 3 lists pods over many pages"; else bad "pods were not paged by 3" "$T/main.log"; fi
if [ -d "$T/paged3.dir/objects" ] && diff -r "$T/paged3.dir/objects" "$T/paged0.dir/objects" >paged.diff &&
  diff -r "$T/bundle.dir/objects" "$T/paged0.dir/objects" >>paged.diff; then
  ok "pages of 3, pages of 500 and one page per kind give identical objects ($(ls "$T/paged0.dir/objects" | wc -l) kinds)"
else
  bad "paged collections differ" paged.diff
fi

# Progress on a terminal (kinds done / total), none with --quiet or when stderr is not a tty.
script -qec "'$KP' collect api --kubeconfig '$T/main.kc' --out '$T/tty.tar.gz' --no-kubelet-configz" /dev/null >"$T/tty.out" 2>&1
expect "progress on a terminal: kinds done / total" "$T/tty.out" "Collecting: 1/"
script -qec "'$KP' collect api --kubeconfig '$T/main.kc' --out '$T/tty.tar.gz' --no-kubelet-configz -q" /dev/null >"$T/ttyq.out" 2>&1
expect_not "no progress with --quiet" "$T/ttyq.out" "Collecting:"
expect_not "no progress when stderr is not a terminal" "$T/bundle.err" "Collecting:"

# --- 3. authentication variants ----------------------------------------------------------------
kubeconfig cert.kc "https://127.0.0.1:$MAIN" "    certificate-authority-data: $(b64 ca.crt)" \
  "    client-certificate-data: $(b64 client.crt)
    client-key-data: $(b64 client.key)"
collect_bundle cert --kubeconfig cert.kc --no-kubelet-configz
rc_is "client certificate (inline data) authentication" 0 "$T/cert.err"

kubeconfig exec.kc "https://127.0.0.1:$MAIN" "$CA_FILE" "    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: $DATA/exec-ok.sh
      args: [x]
      interactiveMode: Never
      env:
      - {name: EXEC_LOG, value: $T/exec-runs.log}"
run exec collect api --kubeconfig exec.kc --out "$T/exec.tar.gz" --log-level debug
rc_is "exec credential plugin (v1) supplies the token" 0 "$T/exec.err"
if [ "$(wc -l <"$T/exec-runs.log" 2>/dev/null)" = 1 ]; then ok "the exec credential is cached for the run (plugin ran once)"; else bad "plugin runs: $(wc -l <"$T/exec-runs.log" 2>/dev/null)"; fi
expect_not "debug logs never show the exec token" "$T/exec.err" "tok-x-none"
expect "debug logs show request URLs" "$T/exec.err" "GET https://127.0.0.1:$MAIN/api/v1/pods?limit=500"

run tokenlog collect api --kubeconfig main.kc --out "$T/tokenlog.tar.gz" --log-level trace
expect_not "trace logs never show the bearer token" "$T/tokenlog.err" "e2e-token"
expect_not "trace logs never show an Authorization header" "$T/tokenlog.err" "Authorization"

# $KUBECONFIG with two files: current-context from the first, entries from the second.
printf 'apiVersion: v1\nkind: Config\ncurrent-context: e2e\n' >first.kc
KUBECONFIG="$T/first.kc:$T/missing.kc:$T/main.kc" run merged collect api --out "$T/merged.tar.gz"
rc_is "\$KUBECONFIG with several files merged (missing ones skipped)" 0 "$T/merged.err"

# tls-server-name: a certificate that only names kubernetes.fixture.internal.
CERT=named-server.crt KEY=named-server.key start named --token e2e-token
NAMED=$PORT
kubeconfig named.kc "https://127.0.0.1:$NAMED" "$CA_FILE
    tls-server-name: kubernetes.fixture.internal" "$TOKEN"
run named collect api --kubeconfig named.kc --out "$T/named.tar.gz" --no-kubelet-configz
rc_is "tls-server-name verifies the certificate against that name" 0 "$T/named.err"

# In-cluster: service env + service-account directory, detected when no kubeconfig exists.
mkdir -p sa
echo e2e-token >sa/token
cp ca.crt sa/ca.crt
echo kpatrol >sa/namespace
KUBERNETES_SERVICE_HOST=127.0.0.1 KUBERNETES_SERVICE_PORT=$MAIN KPATROL_SERVICEACCOUNT_DIR=$T/sa \
  run incluster collect api --out "$T/incluster.tar.gz" --no-kubelet-configz
rc_is "in-cluster service account detected when there is no kubeconfig" 0 "$T/incluster.err"
KUBERNETES_SERVICE_HOST=127.0.0.1 KUBERNETES_SERVICE_PORT=$MAIN KPATROL_SERVICEACCOUNT_DIR=$T/sa \
  run incluster2 scan --in-cluster --db "$T/ic.db" --out "$T/ic-reports" --quiet
rc_is "scan --in-cluster" 0 "$T/incluster2.err"

kubeconfig insecure.kc "https://127.0.0.1:$MAIN" "    insecure-skip-tls-verify: true" "$TOKEN"
run insecure collect api --kubeconfig insecure.kc --out "$T/insecure.tar.gz" --no-kubelet-configz
rc_is "insecure-skip-tls-verify still works" 0 "$T/insecure.err"
expect "insecure-skip-tls-verify gives a loud warning" "$T/insecure.err" "TLS VERIFICATION IS OFF"

collect_bundle scoped --kubeconfig main.kc --namespace shop --no-kubelet-configz
if [ "$RC" = 0 ] && [ "$(jq '[.items[] | select(.metadata.namespace != "shop")] | length' "$T/scoped.dir/objects/pods.json")" = 0 ] &&
  [ "$(jq '.items | length' "$T/scoped.dir/objects/pods.json")" -gt 0 ] &&
  [ "$(jq '.items | length' "$T/scoped.dir/objects/nodes.json")" = 8 ]; then
  ok "--namespace scopes namespaced kinds, cluster kinds still collected"
else
  bad "--namespace shop" "$T/scoped.err"
fi

# Proxies: the cluster's proxy-url, and HTTPS_PROXY from the environment (a CONNECT proxy).
python3 -c '
import select, socket, sys, threading, time
log = open(sys.argv[2], "a", buffering=1)
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 0)); s.listen(32)
def serve(c):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = c.recv(4096)
        if not chunk: return c.close()
        data += chunk
    line = data.split(b"\r\n")[0].decode()
    log.write(line + "\n")
    method, target = line.split()[:2]
    if method != "CONNECT":
        c.sendall(b"HTTP/1.1 405 Method Not Allowed\r\n\r\n"); return c.close()
    host, port = target.rsplit(":", 1)
    u = socket.create_connection((host, int(port)))
    c.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
    peers = {c: u, u: c}
    while True:
        r, _, _ = select.select(list(peers), [], [], 30)
        if not r: break
        for x in r:
            d = x.recv(65536)
            if not d:
                c.close(); u.close(); return
            peers[x].sendall(d)
open(sys.argv[1], "w").write(str(s.getsockname()[1]))
s.settimeout(1)
end = time.time() + 300
while time.time() < end:
    try: threading.Thread(target=serve, args=(s.accept()[0],), daemon=True).start()
    except socket.timeout: pass
' "$T/proxy.port" "$T/proxy.log" &
PIDS+=($!)
for _ in $(seq 50); do [ -s "$T/proxy.port" ] && break; sleep 0.1; done
PROXY=$(cat "$T/proxy.port")
kubeconfig proxy.kc "https://127.0.0.1:$MAIN" "$CA_FILE
    proxy-url: http://127.0.0.1:$PROXY" "$TOKEN"
run proxyurl collect api --kubeconfig proxy.kc --out "$T/proxyurl.tar.gz" --no-kubelet-configz
rc_is "proxy-url: collection through an HTTP CONNECT proxy" 0 "$T/proxyurl.err"
expect "proxy-url: the proxy carried the connection" "$T/proxy.log" "CONNECT 127.0.0.1:$MAIN"
: >"$T/proxy.log"
HTTPS_PROXY=http://127.0.0.1:$PROXY NO_PROXY= no_proxy= \
  run envproxy collect api --kubeconfig main.kc --out "$T/envproxy.tar.gz" --no-kubelet-configz
rc_is "HTTPS_PROXY from the environment" 0 "$T/envproxy.err"
expect "HTTPS_PROXY: the proxy carried the connection" "$T/proxy.log" "CONNECT 127.0.0.1:$MAIN"

# An ACK-shaped cluster: managed control plane (no master nodes), cn-hangzhou.* nodes.
start ack --token e2e-token --state "$SRC/fixtures/ack"
kubeconfig ack.kc "https://127.0.0.1:$PORT" "$CA_FILE" "$TOKEN"
collect_bundle ack --kubeconfig ack.kc
if [ "$RC" = 0 ] && [ "$(jq -r '.cluster.flavour + " " + .cluster.version' "$T/ack.dir/snapshot.json")" = "ack-managed v1.30.7-aliyun.1" ]; then
  ok "ACK-shaped cluster detected as ack-managed"
else
  bad "ACK flavour: $(jq -c .cluster "$T/ack.dir/snapshot.json" 2>/dev/null)" "$T/ack.err"
fi
if [ ! -e "$T/ack.dir/nodes/virtual-kubelet-cn-hangzhou-k.json" ] &&
  ! jq -e '.[] | select(.subject == "node/virtual-kubelet-cn-hangzhou-k")' "$T/ack.dir/errors.json" >/dev/null 2>&1 &&
  ! grep -q "virtual-kubelet-cn-hangzhou-k/proxy/configz" "$T/ack.log"; then
  ok "the virtual-kubelet (ECI) node is not asked for a kubelet configz"
else
  bad "virtual node configz" "$T/ack.dir/errors.json"
fi

# --- 4. bad input: whole-collection failures name the input ----------------------------------
cat >malformed.kc <<KC
apiVersion: v1
clusters:
- name: e2e
  cluster:
    server: https://127.0.0.1:$MAIN
    certificate-authority-data: "this is not base64!"
contexts:
- name: e2e
  context: {cluster: e2e}
current-context: e2e
KC
run malformed scan --kubeconfig malformed.kc --db "$T/bad.db" --out "$T/bad"
rc_is "malformed kubeconfig" 2 "$T/malformed.err"
expect "malformed kubeconfig: file, line and field" "$T/malformed.err" \
  "malformed.kc:6: clusters[\"e2e\"].cluster.certificate-authority-data: not valid base64"
printf 'clusters:\n- name: a\n  cluster: {server: [https://x\n' >syntax.kc
run syntax collect api --kubeconfig syntax.kc --out "$T/x.tar.gz"
rc_is "kubeconfig YAML syntax error" 2 "$T/syntax.err"
expect "YAML syntax error names the file and line" "$T/syntax.err" "syntax.kc:4: not valid YAML"

run nocontext scan --kubeconfig main.kc --context staging --db "$T/bad.db" --out "$T/bad"
rc_is "missing context" 2 "$T/nocontext.err"
expect "missing context is named with the contexts there are" "$T/nocontext.err" \
  "context \"staging\" not found in kubeconfig main.kc; contexts: e2e"

run nokc collect api --kubeconfig "$T/none.kc" --out "$T/x.tar.gz"
rc_is "--kubeconfig that does not exist" 2 "$T/nokc.err"
expect "missing kubeconfig is named" "$T/nokc.err" "none.kc (--kubeconfig) does not exist"

# Unreachable: a closed port (refused) and a port that accepts but never answers (timeout).
CLOSED=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
kubeconfig closed.kc "https://127.0.0.1:$CLOSED" "$CA_FILE" "$TOKEN"
run closed collect api --kubeconfig closed.kc --out "$T/x.tar.gz" --request-timeout 5
rc_is "unreachable server (connection refused)" 2 "$T/closed.err"
expect "unreachable server: clear error naming the server and context" "$T/closed.err" \
  "cannot reach the API server https://127.0.0.1:$CLOSED/version"
if [ "$SECS" -le 10 ]; then ok "refused connection reported in ${SECS}s"; else bad "refused connection took ${SECS}s"; fi
python3 -c '
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 0)); s.listen(16)
open(sys.argv[1], "w").write(str(s.getsockname()[1]))
conns = []
end = time.time() + 120
while time.time() < end:
    s.settimeout(1)
    try: conns.append(s.accept()[0])
    except socket.timeout: pass
' "$T/blackhole.port" &
PIDS+=($!)
for _ in $(seq 50); do [ -s "$T/blackhole.port" ] && break; sleep 0.1; done
kubeconfig hole.kc "https://127.0.0.1:$(cat "$T/blackhole.port")" "$CA_FILE" "$TOKEN"
run hole collect api --kubeconfig hole.kc --out "$T/x.tar.gz" --request-timeout 2
rc_is "server that never answers" 2 "$T/hole.err"
expect "silent server: timeout named" "$T/hole.err" "timed out after 2"
if [ "$SECS" -le 10 ]; then ok "silent server reported within the timeout (${SECS}s)"; else bad "silent server took ${SECS}s"; fi

kubeconfig expired.kc "https://127.0.0.1:$MAIN" "$CA_FILE" "    token: expired-token"
run expired scan --kubeconfig expired.kc --db "$T/bad.db" --out "$T/bad"
rc_is "expired token" 2 "$T/expired.err"
expect "expired token: 401 names the user entry" "$T/expired.err" \
  "401 Unauthorized from https://127.0.0.1:$MAIN/version: the server rejected the credentials of user \"e2e-user\" in expired.kc"

kubeconfig wrongca.kc "https://127.0.0.1:$MAIN" "    certificate-authority: other-ca.crt" "$TOKEN"
run wrongca scan --kubeconfig wrongca.kc --db "$T/bad.db" --out "$T/bad"
rc_is "TLS: server certificate from another CA" 2 "$T/wrongca.err"
expect "TLS mismatch says how to fix it (certificate-authority)" "$T/wrongca.err" \
  "set certificate-authority or certificate-authority-data of cluster \"e2e\""
expect "TLS mismatch never falls back to insecure" "$T/wrongca.err" "never falls back to an unverified connection"
kubeconfig noname.kc "https://127.0.0.1:$NAMED" "$CA_FILE" "$TOKEN"
run noname collect api --kubeconfig noname.kc --out "$T/x.tar.gz"
rc_is "TLS: certificate does not name 127.0.0.1" 2 "$T/noname.err"
expect "TLS name mismatch says how to fix it (tls-server-name)" "$T/noname.err" "set tls-server-name of cluster \"e2e\""

kubeconfig gke.kc "https://127.0.0.1:$MAIN" "$CA_FILE" "    auth-provider:
      name: gcp"
run gke collect api --kubeconfig gke.kc --out "$T/x.tar.gz"
rc_is "auth-provider user" 2 "$T/gke.err"
expect "auth-provider: clear unsupported error" "$T/gke.err" "auth-provider is unsupported"

kubeconfig execfail.kc "https://127.0.0.1:$MAIN" "$CA_FILE" "    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: $DATA/exec-fail.sh"
run execfail scan --kubeconfig execfail.kc --db "$T/bad.db" --out "$T/bad"
rc_is "exec plugin that fails" 2 "$T/execfail.err"
expect "failing exec plugin: its stderr is shown" "$T/execfail.err" "refresh token expired; run 'aliyun configure' again"
kubeconfig exechang.kc "https://127.0.0.1:$MAIN" "$CA_FILE" "    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: $DATA/exec-hang.sh
      interactiveMode: Never"
run exechang collect api --kubeconfig exechang.kc --out "$T/x.tar.gz" --request-timeout 2
rc_is "exec plugin that hangs" 2 "$T/exechang.err"
expect "hanging exec plugin: timeout named" "$T/exechang.err" "did not finish within 2s"
expect "hanging exec plugin: its stderr is shown" "$T/exechang.err" "waiting for the identity provider"
if [ "$SECS" -le 10 ]; then ok "hanging plugin killed within the timeout (${SECS}s)"; else bad "hanging plugin took ${SECS}s"; fi

# --- 5. faults on one kind: the collection goes on -------------------------------------------
start faults --token e2e-token --forbid clusterrolebindings --non-json services --truncate ingresses \
  --slow leases=20000 --throttle-once pods --fail-once deployments --expire-continue replicasets \
  --max-page 7
FAULTS=$PORT
kubeconfig faults.kc "https://127.0.0.1:$FAULTS" "$CA_FILE" "$TOKEN"
run faults scan --kubeconfig faults.kc --db "$T/faults.db" --out "$T/faults-reports" --quiet --request-timeout 8
rc_is "scan completes despite faults on single kinds" 0 "$T/faults.err"
FR=$(ls "$T"/faults-reports/kpatrol-scan-*.json 2>/dev/null | head -1)
cerr() { jq -r --arg f "objects.$1" '.collection_errors[] | select(.fact == $f) | .message' "$FR" 2>/dev/null; }
jq -c '.collection_errors' "$FR" >"$T/faults.cerr" 2>/dev/null
if cerr clusterrolebindings | grep -q "^403 Forbidden"; then ok "403 on one kind is a collection error for that kind"; else bad "403 collection error" "$T/faults.cerr"; fi
n403=$(jq '[.findings[] | select(.status == "error" and (.message | contains("403 Forbidden")))] | length' "$FR" 2>/dev/null)
if [ "${n403:-0}" -gt 0 ]; then ok "rules needing the forbidden kind report error with the reason ($n403 findings)"; else bad "no error findings for the 403" "$T/faults.cerr"; fi
if cerr services | grep -q "is not JSON"; then ok "non-JSON body: error naming the URL"; else bad "non-JSON body" "$T/faults.cerr"; fi
if cerr services | grep -qF "https://127.0.0.1:$FAULTS/api/v1/services"; then ok "non-JSON error names the URL"; else bad "non-JSON URL" "$T/faults.cerr"; fi
if [ -n "$(cerr ingresses)" ]; then ok "truncated body: an error for that kind ($(cerr ingresses | cut -c1-60))"; else bad "truncated body" "$T/faults.cerr"; fi
if cerr leases | grep -q "timed out"; then ok "slow kind: per-request timeout, an error for that kind"; else bad "slow kind" "$T/faults.cerr"; fi
for k in pods deployments replicasets; do
  if [ -z "$(cerr $k)" ]; then ok "$k collected despite the injected fault"; else bad "$k: $(cerr $k)" "$T/faults.cerr"; fi
done
if [ "$(grep -c "GET /api/v1/pods 429\|GET /api/v1/pods?.* 429" "$T/faults.log")" -ge 1 ]; then ok "429 was served once and retried"; else bad "no 429 in the server log" "$T/faults.log"; fi
if grep -q "deployments?.* 500" "$T/faults.log"; then ok "500 was served once and retried"; else bad "no 500 in the server log" "$T/faults.log"; fi
if grep -q "replicasets?.* 410" "$T/faults.log"; then ok "410 Gone on the continue token was served"; else bad "no 410 in the server log" "$T/faults.log"; fi
collect_bundle faultsb --kubeconfig faults.kc --request-timeout 8 --no-kubelet-configz
for k in pods deployments replicasets; do
  want=$(awk -v k=$k '$1 == k {print $2}' expected.txt)
  got=$(jq '.items | length' "$T/faultsb.dir/objects/$k.json" 2>/dev/null)
  if [ "$got" = "$want" ]; then ok "$k: all $want items after retry/relist over pages of 7"; else bad "$k: $got items, expected $want" "$T/faultsb.err"; fi
done

# The whole-collection time limit: what is not listed by then is a collection error.
run budget collect api --kubeconfig faults.kc --out "$T/budget.tar.gz" --collect-timeout 4 --request-timeout 60 --no-kubelet-configz
rc_is "--collect-timeout: the collection still writes a bundle" 0 "$T/budget.err"
expect "--collect-timeout: the slow kind is a collection error naming the limit" "$T/budget.err" "the collection time limit (--collect-timeout) was reached"
if [ "$SECS" -le 12 ]; then ok "--collect-timeout 4 honoured (${SECS}s)"; else bad "--collect-timeout 4 took ${SECS}s"; fi

# --- 6. an enormous response: refused at the cap, memory stays bounded -----------------------
start huge --token e2e-token --huge pods=300
kubeconfig huge.kc "https://127.0.0.1:$PORT" "$CA_FILE" "$TOKEN"
start_t=$SECONDS
rss=$(python3 - "$KP" "$T" <<'PY'
import resource, subprocess, sys
kp, t = sys.argv[1], sys.argv[2]
with open(t + "/huge.err", "w") as err:
    rc = subprocess.run([kp, "collect", "api", "--kubeconfig", t + "/huge.kc", "--out", t + "/huge.tar.gz",
                         "--max-response-mib", "32", "--no-kubelet-configz"],
                        stdout=subprocess.DEVNULL, stderr=err, timeout=120).returncode
print(rc, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024)
PY
)
read -r huge_rc huge_mib <<<"$rss"
if [ "$huge_rc" = 0 ]; then ok "a 300 MiB response does not stop the collection"; else bad "huge: exit $huge_rc" "$T/huge.err"; fi
rm -rf "$T/huge.dir"
"$KP" bundle extract "$T/huge.tar.gz" "$T/huge.dir" >/dev/null 2>&1
if jq -r '.[] | select(.fact == "objects.pods") | .message' "$T/huge.dir/errors.json" 2>/dev/null | grep -q "larger than the 32 MiB limit"; then
  ok "the oversized pods page is a collection error for pods"
else
  bad "huge pods error" "$T/huge.err"
fi
if [ -n "$huge_mib" ] && [ "$huge_mib" -lt 200 ]; then ok "peak RSS ${huge_mib} MiB while refusing 300 MiB (bounded)"; else bad "peak RSS ${huge_mib} MiB"; fi

echo "$pass passed, $failed failed"
[ "$failed" = 0 ]
