#!/usr/bin/env bash
# kubectl fidelity test: the real kubectl against kpatrol-fixture-apiserver. If kubectl can list
# nodes, pods, deployments and API resources from the fixture server, the server speaks
# Kubernetes (discovery, Tables, lists, paging, Status errors, token and client-cert auth), and
# the collector tests that use it exercise something real.
# usage: kubectl_test.sh <kpatrol-fixture-apiserver> <fixtures dir>
set -uo pipefail
SERVER_BIN=${1:?usage: kubectl_test.sh SERVER_BIN FIXTURES_DIR}
FIXTURES=${2:?usage: kubectl_test.sh SERVER_BIN FIXTURES_DIR}
KUBECTL=$(command -v kubectl || true)
if [[ -z "$KUBECTL" ]]; then
  echo "SKIP: kubectl is not installed"
  exit 77
fi

WORK=$(mktemp -d /tmp/kpatrol-kubectl-test.XXXXXX)
SERVER_PID=""
cleanup() {
  if [[ -n "$SERVER_PID" ]]; then kill "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
export HOME="$WORK/home"  # kubectl's discovery cache and config stay in the temp dir
mkdir -p "$HOME"
unset KUBECONFIG

PASSED=0
FAILED=0
pass() { PASSED=$((PASSED + 1)); echo "ok   - $1"; }
fail() { FAILED=$((FAILED + 1)); echo "FAIL - $1"; [[ -n "${2:-}" ]] && sed 's/^/       /' <<<"$2" | head -20; }

# --- certificates: CA, server (SAN IP:127.0.0.1, DNS:localhost), client (CN=kpatrol) --------
gen_certs() {
  local d=$WORK/pki
  mkdir -p "$d"
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$d/ca.key" -out "$d/ca.crt" -days 2 \
    -subj "/CN=kpatrol-fixture-ca" 2>/dev/null || return 1
  openssl req -newkey rsa:2048 -nodes -keyout "$d/server.key" -out "$d/server.csr" \
    -subj "/CN=localhost" 2>/dev/null || return 1
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' >"$d/server.ext"
  openssl x509 -req -in "$d/server.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" -CAcreateserial \
    -out "$d/server.crt" -days 2 -extfile "$d/server.ext" 2>/dev/null || return 1
  openssl req -newkey rsa:2048 -nodes -keyout "$d/client.key" -out "$d/client.csr" \
    -subj "/O=kpatrol-readers/CN=kpatrol" 2>/dev/null || return 1
  printf 'extendedKeyUsage=clientAuth\n' >"$d/client.ext"
  openssl x509 -req -in "$d/client.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" -CAcreateserial \
    -out "$d/client.crt" -days 2 -extfile "$d/client.ext" 2>/dev/null || return 1
}
gen_certs || { echo "cannot generate certificates with openssl"; exit 1; }
PKI=$WORK/pki
TOKEN="kpatrol-test-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"

# start_server STATE_DIR [extra flags...]: sets PORT
start_server() {
  local state=$1
  shift
  rm -f "$WORK/ready"
  "$SERVER_BIN" --state "$state" --tls-cert "$PKI/server.crt" --tls-key "$PKI/server.key" \
    --client-ca "$PKI/ca.crt" --token "$TOKEN" --ready-file "$WORK/ready" "$@" \
    2>>"$WORK/server.log" &
  SERVER_PID=$!
  for _ in $(seq 100); do
    [[ -s "$WORK/ready" ]] && break
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.1
  done
  if [[ ! -s "$WORK/ready" ]]; then
    echo "server did not start:"
    cat "$WORK/server.log"
    exit 1
  fi
  PORT=$(cat "$WORK/ready")
}
stop_server() {
  kill "$SERVER_PID" 2>/dev/null
  wait "$SERVER_PID" 2>/dev/null
  SERVER_PID=""
}

write_kubeconfig() {
  cat >"$WORK/kubeconfig" <<KC
apiVersion: v1
kind: Config
clusters:
- name: fixture
  cluster:
    server: https://127.0.0.1:$PORT
    certificate-authority: $PKI/ca.crt
users:
- name: token-user
  user:
    token: $TOKEN
- name: cert-user
  user:
    client-certificate: $PKI/client.crt
    client-key: $PKI/client.key
- name: bad-user
  user:
    token: not-the-token
contexts:
- name: token
  context: {cluster: fixture, user: token-user}
- name: cert
  context: {cluster: fixture, user: cert-user}
- name: bad
  context: {cluster: fixture, user: bad-user}
current-context: token
KC
}

k() { timeout 60 "$KUBECTL" --kubeconfig "$WORK/kubeconfig" --cache-dir "$WORK/cache" --request-timeout=20s "$@"; }

# count STATE PLURAL [NAMESPACE] [JQ-like filter in python]: items in the recorded state
count() {
  python3 - "$1" "$2" "${3:-}" "${4:-}" <<'PY'
import json, sys
state, plural, ns, cond = sys.argv[1:5]
items = json.load(open(f"{state}/objects/{plural}.json"))["items"]
if ns:
    items = [i for i in items if i["metadata"].get("namespace") == ns]
if cond:
    items = [i for i in items if eval(cond, {}, {"i": i})]
print(len(items))
PY
}

# ------------------------------------------------------------------------------------------
check_state() {
  local state=$1 version=$2 ns=$3
  local label
  label=$(basename "$state")
  start_server "$state"
  write_kubeconfig
  rm -rf "$WORK/cache"

  local out rc n want
  out=$(k version -o json 2>&1)
  if [[ $(python3 -c 'import json,sys; print(json.load(sys.stdin)["serverVersion"]["gitVersion"])' <<<"$out" 2>/dev/null) == "$version" ]]; then
    pass "[$label] kubectl version: server $version (client $(python3 -c 'import json,sys; print(json.load(sys.stdin)["clientVersion"]["gitVersion"])' <<<"$out"))"
  else
    fail "[$label] kubectl version reports server $version" "$out"
  fi

  # get nodes: one line per recorded node, each Ready with a version column.
  out=$(k get nodes 2>&1); rc=$?
  want=$(count "$state" nodes)
  n=$(tail -n +2 <<<"$out" | grep -c .)
  if [[ $rc -eq 0 && $(head -1 <<<"$out") =~ ^NAME\ +STATUS\ +ROLES\ +AGE\ +VERSION && $n -eq $want ]] &&
     ! grep -qv -e '^NAME' -e ' Ready' <<<"$out"; then
    pass "[$label] kubectl get nodes: $n nodes, server-side columns"
  else
    fail "[$label] kubectl get nodes (want $want nodes with STATUS/ROLES/VERSION columns)" "$out"
  fi

  out=$(k get pods -A 2>&1); rc=$?
  want=$(count "$state" pods)
  n=$(tail -n +2 <<<"$out" | grep -c .)
  if [[ $rc -eq 0 && $(head -1 <<<"$out") =~ ^NAMESPACE\ +NAME\ +READY\ +STATUS\ +RESTARTS\ +AGE && $n -eq $want ]]; then
    pass "[$label] kubectl get pods -A: $n pods"
  else
    fail "[$label] kubectl get pods -A (want $want pods)" "$out"
  fi

  out=$(k get pods -A --chunk-size=7 -o json 2>&1); rc=$?
  n=$(python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["kind"]=="List"; print(len(d["items"]))' <<<"$out" 2>/dev/null)
  if [[ $rc -eq 0 && "$n" == "$want" ]]; then
    pass "[$label] kubectl get pods -A -o json --chunk-size=7 (paging): $n items"
  else
    fail "[$label] kubectl get pods -A -o json paged: $n items, want $want" "$out"
  fi

  out=$(k get pods -n "$ns" -o json 2>&1); rc=$?
  want=$(count "$state" pods "$ns")
  n=$(python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d["items"]))' <<<"$out" 2>/dev/null)
  if [[ $rc -eq 0 && "$n" == "$want" && "$want" -gt 0 ]]; then
    pass "[$label] kubectl get pods -n $ns -o json: $n items"
  else
    fail "[$label] kubectl get pods -n $ns -o json: $n items, want $want" "$out"
  fi

  out=$(k get deploy -n "$ns" 2>&1); rc=$?
  want=$(count "$state" deployments "$ns")
  n=$(tail -n +2 <<<"$out" | grep -c .)
  if [[ $rc -eq 0 && $(head -1 <<<"$out") =~ ^NAME\ +READY\ +UP-TO-DATE\ +AVAILABLE\ +AGE && $n -eq $want ]]; then
    pass "[$label] kubectl get deploy -n $ns: $n deployments"
  else
    fail "[$label] kubectl get deploy -n $ns (want $want)" "$out"
  fi

  # api-resources: every built-in kind a kube-apiserver serves, each recorded kind, secrets.
  out=$(k api-resources 2>&1); rc=$?
  local missing=""
  for f in "$state"/objects/*.json; do
    local plural
    plural=$(basename "$f" .json)
    grep -Eq "^$plural " <<<"$out" || missing="$missing $plural"
  done
  n=$(tail -n +2 <<<"$out" | grep -c .)
  if [[ $rc -eq 0 && -z "$missing" && $n -ge 30 ]] &&
     grep -Eq '^pods +po +v1 +true +Pod$' <<<"$out" &&
     grep -Eq '^deployments +deploy +apps/v1 +true +Deployment$' <<<"$out" &&
     grep -Eq '^nodes +no +v1 +false +Node$' <<<"$out" &&
     grep -Eq '^customresourcedefinitions +crd,crds +apiextensions.k8s.io/v1 +false +CustomResourceDefinition$' <<<"$out" &&
     grep -Eq '^secrets +v1 +true +Secret$' <<<"$out"; then
    pass "[$label] kubectl api-resources: $n resources, every recorded kind"
  else
    fail "[$label] kubectl api-resources (missing:${missing:- none}; want pods/deployments/nodes/crds/secrets rows)" "$out"
  fi

  # A built-in kind the state has no file for is served empty, as a real server does.
  out=$(k get poddisruptionbudgets -A 2>&1); rc=$?
  if [[ -e "$state/objects/poddisruptionbudgets.json" ]] || [[ $rc -eq 0 && "$out" == "No resources found"* ]]; then
    pass "[$label] kubectl get pdb -A: an unrecorded built-in kind lists empty"
  else
    fail "[$label] unrecorded built-in kind should list empty" "$out"
  fi

  # Client-certificate auth.
  out=$(k --context cert get nodes -o name 2>&1); rc=$?
  want=$(count "$state" nodes)
  n=$(grep -c '^node/' <<<"$out")
  if [[ $rc -eq 0 && $n -eq $want ]]; then
    pass "[$label] client-certificate auth: kubectl --context cert get nodes"
  else
    fail "[$label] client-certificate auth" "$out"
  fi

  # A wrong token is refused with 401.
  out=$(k --context bad get nodes 2>&1); rc=$?
  if [[ $rc -ne 0 ]] && grep -q 'Unauthorized' <<<"$out"; then
    pass "[$label] wrong token: kubectl reports Unauthorized"
  else
    fail "[$label] wrong token should be refused" "$out"
  fi

  # Secrets are never served: a clean Forbidden, not a crash or an empty list.
  out=$(k get secrets -A 2>&1); rc=$?
  if [[ $rc -ne 0 ]] && grep -q 'Error from server (Forbidden): secrets is forbidden' <<<"$out" &&
     ! grep -qi -e panic -e 'unable to decode' <<<"$out"; then
    pass "[$label] kubectl get secrets fails cleanly (Forbidden)"
  else
    fail "[$label] kubectl get secrets should be Forbidden" "$out"
  fi

  # A single object by name, and a missing one.
  local first
  first=$(python3 -c "import json; print(json.load(open('$state/objects/deployments.json'))['items'][0]['metadata']['name'])")
  local first_ns
  first_ns=$(python3 -c "import json; print(json.load(open('$state/objects/deployments.json'))['items'][0]['metadata']['namespace'])")
  out=$(k get deploy -n "$first_ns" "$first" -o jsonpath='{.kind}/{.metadata.name}' 2>&1); rc=$?
  if [[ $rc -eq 0 && "$out" == "Deployment/$first" ]]; then
    pass "[$label] kubectl get deploy $first_ns/$first -o jsonpath"
  else
    fail "[$label] kubectl get one deployment by name" "$out"
  fi
  out=$(k get pod -n "$ns" no-such-pod 2>&1); rc=$?
  if [[ $rc -ne 0 ]] && grep -q 'Error from server (NotFound): pods "no-such-pod" not found' <<<"$out"; then
    pass "[$label] missing pod: NotFound Status"
  else
    fail "[$label] missing pod should be NotFound" "$out"
  fi

  # Field selector: Warning events only.
  out=$(k get events -A --field-selector type=Warning -o json 2>&1); rc=$?
  want=$(count "$state" events "" 'i.get("type") == "Warning"')
  n=$(python3 -c 'import json,sys; d=json.load(sys.stdin); assert all(i["type"]=="Warning" for i in d["items"]); print(len(d["items"]))' <<<"$out" 2>/dev/null)
  if [[ $rc -eq 0 && "$n" == "$want" ]]; then
    pass "[$label] kubectl get events --field-selector type=Warning: $n"
  else
    fail "[$label] Warning events via field selector: got '$n', want $want" "$out"
  fi

  # Label selector on pods: the first pod label of the namespace (app.kubernetes.io/name or app).
  local sel key val
  sel=$(python3 -c "
import json
for i in json.load(open('$state/objects/pods.json'))['items']:
    labels = i['metadata'].get('labels', {})
    key = next((k for k in ('app.kubernetes.io/name', 'app') if k in labels), None)
    if key and i['metadata']['namespace'] == '$ns':
        print(key + '=' + labels[key]); break")
  key=${sel%%=*}
  val=${sel#*=}
  out=$(k get pods -n "$ns" -l "$sel" -o name 2>&1); rc=$?
  want=$(count "$state" pods "$ns" "i['metadata'].get('labels', {}).get('$key') == '$val'")
  n=$(grep -c '^pod/' <<<"$out")
  if [[ $rc -eq 0 && -n "$sel" && $n -eq $want && $want -gt 0 ]]; then
    pass "[$label] kubectl get pods -l $sel: $n"
  else
    fail "[$label] label selector '$sel' (want $want)" "$out"
  fi

  # Kubelet configuration through the node proxy.
  local node
  node=$(ls "$state/nodes" 2>/dev/null | head -1)
  node=${node%.json}
  if [[ -n "$node" ]]; then
    out=$(k get --raw "/api/v1/nodes/$node/proxy/configz" 2>&1); rc=$?
    if [[ $rc -eq 0 ]] && python3 -c 'import json,sys; d=json.load(sys.stdin); assert "authentication" in d["kubeletconfig"]' <<<"$out" 2>/dev/null; then
      pass "[$label] kubectl get --raw /api/v1/nodes/$node/proxy/configz"
    else
      fail "[$label] configz for $node" "$out"
    fi
  fi

  out=$(k get nodes -o wide 2>&1); rc=$?
  if [[ $rc -eq 0 && $(head -1 <<<"$out") =~ INTERNAL-IP.*OS-IMAGE.*KERNEL-VERSION.*CONTAINER-RUNTIME ]]; then
    pass "[$label] kubectl get nodes -o wide: priority columns"
  else
    fail "[$label] kubectl get nodes -o wide" "$out"
  fi

  out=$(k get no-such-kind 2>&1); rc=$?
  if [[ $rc -ne 0 ]] && grep -q "the server doesn't have a resource type \"no-such-kind\"" <<<"$out"; then
    pass "[$label] unknown resource type rejected from discovery"
  else
    fail "[$label] unknown resource type" "$out"
  fi

  if grep -qi 'authorization: bearer\|'"$TOKEN" "$WORK/server.log"; then
    fail "[$label] the server log contains the bearer token"
  else
    pass "[$label] the server log never shows the bearer token"
  fi
  stop_server
}

check_state "$FIXTURES/demo" v1.28.3 shop
if [[ -d "$FIXTURES/ack/objects" ]]; then
  check_state "$FIXTURES/ack" "$(python3 -c "import json; print(json.load(open('$FIXTURES/ack/snapshot.json'))['cluster']['version'])")" mall
  # ACK shape as kubectl shows it: the virtual-kubelet node and Terway.
  start_server "$FIXTURES/ack"
  write_kubeconfig
  out=$(k get nodes -o wide 2>&1)
  if grep -Eq '^virtual-kubelet-cn-hangzhou-k +Ready +agent' <<<"$out" && grep -Eq '^cn-hangzhou\.10\.0\.1\.[0-9]+ +Ready' <<<"$out"; then
    pass "[ack] nodes: cn-hangzhou.10.0.1.x ECS nodes and the virtual-kubelet node"
  else
    fail "[ack] ACK node names" "$out"
  fi
  out=$(k get ds -n kube-system terway-eniip 2>&1)
  if [[ $? -eq 0 ]] && grep -q '^terway-eniip ' <<<"$out"; then
    pass "[ack] kubectl get ds -n kube-system terway-eniip"
  else
    fail "[ack] terway daemonset" "$out"
  fi
  stop_server
fi

# The installed kubectl may dispatch to a client matching the server's minor version (the
# Google Cloud SDK wrapper does): serve the demo state as v1.32 so the newest client, which asks
# for aggregated discovery (apidiscovery.k8s.io/v2) first, is exercised too.
cp -r "$FIXTURES/demo" "$WORK/demo-v1.32"
sed -i 's/"version": "v1.28.3"/"version": "v1.32.2"/' "$WORK/demo-v1.32/snapshot.json"
check_state "$WORK/demo-v1.32" v1.32.2 shop

echo "$PASSED passed, $FAILED failed"
[[ $FAILED -eq 0 ]]
