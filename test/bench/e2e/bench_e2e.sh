#!/usr/bin/env bash
# End-to-end benchmark (issue 10 item 2): a whole `kpatrol scan` of a large synthetic cluster,
# served over HTTPS by the fixture API server on loopback, against
# `kubectl get pods,nodes,services,deployments -A -o json > /dev/null` on the same server, in
# one run, alternating. Prints wall time, CPU time and peak RSS of both, and the ratios.
#
# usage: bench_e2e.sh [--pods N] [--nodes N] [--rounds R] [--state DIR] [--build DIR]
#   defaults: 30000 pods, 1000 nodes, 2 rounds, state generated under $TMPDIR, build/ beside this repo
# Needs: python3, openssl, kubectl, GNU time (/usr/bin/time). See README.md here.
set -euo pipefail
SRC=$(cd "$(dirname "$0")/../../.." && pwd)
pods=30000 nodes=1000 rounds=2 state="" build=$SRC/build
while [[ $# -gt 0 ]]; do
  case $1 in
    --pods) pods=$2; shift 2 ;;
    --nodes) nodes=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --state) state=$2; shift 2 ;;
    --build) build=$(realpath "$2"); shift 2 ;;
    -h|--help) sed -n 2,9p "$0"; exit 0 ;;
    *) echo "bench_e2e: unknown argument $1" >&2; exit 2 ;;
  esac
done
KP=$build/bin/kpatrol
SRV=$build/bin/kpatrol-fixture-apiserver
for exe in "$KP" "$SRV"; do [[ -x $exe ]] || { echo "bench_e2e: $exe not built" >&2; exit 2; }; done
for tool in kubectl openssl python3 /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "bench_e2e: $tool is needed" >&2; exit 2; }
done

T=$(mktemp -d "${TMPDIR:-/tmp}/kpatrol-bench-e2e.XXXXXX")
SRV_PID=""
cleanup() { [[ -n $SRV_PID ]] && kill "$SRV_PID" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$T"; }
trap cleanup EXIT
export HOME=$T/home NO_PROXY=127.0.0.1 no_proxy=127.0.0.1 NO_COLOR=1
mkdir -p "$HOME"
unset KUBECONFIG HTTPS_PROXY https_proxy HTTP_PROXY http_proxy

if [[ -z $state ]]; then
  state=$T/state
  echo "generating $pods pods on $nodes nodes ..."
  python3 "$SRC/scripts/gen_big_state.py" --pods "$pods" --nodes "$nodes" --out "$state" >/dev/null
fi
echo "state: $(du -sh "$state" | cut -f1) of JSON in $state"

cd "$T"
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2 \
  -subj "/CN=bench-ca" >/dev/null 2>&1
openssl req -newkey rsa:2048 -nodes -keyout srv.key -out srv.csr -subj "/CN=127.0.0.1" \
  >/dev/null 2>&1
printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >san.ext
openssl x509 -req -in srv.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out srv.crt -days 2 \
  -extfile san.ext >/dev/null 2>&1
token=bench-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
printf '%s' "$token" >token

"$SRV" --state "$state" --tls-cert srv.crt --tls-key srv.key --token "$token" --port 0 \
  --ready-file ready >server.log 2>&1 &
SRV_PID=$!
for _ in $(seq 600); do [[ -s ready ]] && break; sleep 0.5; done
[[ -s ready ]] || { cat server.log; echo "bench_e2e: the fixture server did not start" >&2; exit 1; }
port=$(cat ready)
cat >kubeconfig <<KC
apiVersion: v1
kind: Config
clusters: [{name: bench, cluster: {server: "https://127.0.0.1:$port", certificate-authority: "$T/ca.crt"}}]
users: [{name: bench, user: {tokenFile: "$T/token"}}]
contexts: [{name: bench, context: {cluster: bench, user: bench}}]
current-context: bench
KC

# One profile with every built-in rule pack except the upgrade pre-check (it needs --to).
packs=$("$KP" rules list --format json | python3 -c \
  'import json,sys; print("\n".join(sorted({r["pack"] for r in json.load(sys.stdin)} - {"upgrade"})))')
{
  echo "profile: bench-all"
  echo "title: { en: \"Every built-in pack\", zh: \"全部内置规则包\" }"
  echo "groups:"
  for p in $packs; do echo "  - { id: $p, title: { en: $p, zh: $p }, include: [\"$p/*\"] }"; done
} >all.yaml

# measure NAME CMD...: GNU time's wall, user+sys CPU and peak RSS of CMD (children included).
measure() {
  local name=$1; shift
  /usr/bin/time -f '%e %U %S %M' -o "$name.time" "$@" >/dev/null 2>"$name.err" || {
    echo "bench_e2e: $name failed:"; tail -20 "$name.err"; exit 1; }
  read -r wall user sys rss <"$name.time"
  awk -v n="$name" -v r="$round" -v w="$wall" -v u="$user" -v s="$sys" -v m="$rss" 'BEGIN {
    printf "%-8s round %d: wall %7.2f s  cpu %7.2f s  peak RSS %7.0f MiB\n", n, r, w, u + s, m / 1024
    printf "%s %d %s %.2f %d\n", n, r, w, u + s, m >> "results" }' 
}

for round in $(seq "$rounds"); do
  measure kubectl kubectl --kubeconfig kubeconfig get pods,nodes,services,deployments -A -o json
  measure kpatrol "$KP" --db "$T/kp.db" --out "$T/reports" -j 2 scan --kubeconfig kubeconfig \
    --profile all.yaml --no-plugins
done

python3 - results "$pods" "$nodes" <<'PY'
import sys
rows = [l.split() for l in open(sys.argv[1])]
best = {}
for name, _round, wall, cpu, rss in rows:
    w, c, r = float(wall), float(cpu), int(rss)
    b = best.setdefault(name, [w, c, r])
    b[0], b[1], b[2] = min(b[0], w), min(b[1], c), max(b[2], r)
k, p = best["kubectl"], best["kpatrol"]
print(f"\n{sys.argv[2]} pods, {sys.argv[3]} nodes: best wall and CPU over the rounds, highest peak RSS")
print(f"kubectl get -o json: wall {k[0]:.2f} s, cpu {k[1]:.2f} s, peak RSS {k[2]/1024:.0f} MiB")
print(f"kpatrol scan:        wall {p[0]:.2f} s, cpu {p[1]:.2f} s, peak RSS {p[2]/1024:.0f} MiB")
print(f"kpatrol / kubectl:   wall {p[0]/k[0]:.2f}x, cpu {p[1]/k[1]:.2f}x, RSS {p[2]/k[2]:.2f}x")
print("target (150,000 pods): wall ratio < 1 and kpatrol peak RSS < 2048 MiB")
PY
