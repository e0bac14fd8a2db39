#!/usr/bin/env bash
# SSH node collection benchmark: N real OpenSSH sshd instances on 127.0.0.2, 127.0.0.3, ...
# (one process each, same port), each serving the `worker` fixture node root; kpatrol collects
# them with `collect node` at several node counts and concurrencies. Not a timed test: it prints
# the figures (test/bench/ssh/README.md records them).
#
# Usage: bench_ssh.sh <kpatrol> [--nodes "10 50 100"] [--concurrency "8 32"] [--repeat N]
#        bench_ssh.sh <kpatrol> --smoke      (3 nodes, concurrency 2: checks it works)
set -uo pipefail
KPATROL=$(realpath "${1:?usage: bench_ssh.sh <kpatrol> [--nodes LIST] [--concurrency LIST]}")
shift
NODES="10 50 100"
CONC="8 32"
REPEAT=1
SMOKE=
while [[ $# -gt 0 ]]; do
  case $1 in
    --nodes) NODES=$2; shift 2 ;;
    --concurrency) CONC=$2; shift 2 ;;
    --repeat) REPEAT=$2; shift 2 ;;
    --smoke) SMOKE=1; NODES=3; CONC=2; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
SRC=$(cd "$(dirname "$0")/../../.." && pwd)
T=$(mktemp -d /tmp/kpatrol-ssh-bench.XXXXXX)
source "$SRC/test/ssh/sshd_lib.sh"
trap 'sshd_stop_all; rm -rf "$T"' EXIT
export HOME=$T/home
mkdir -p "$HOME"
unset SSH_AUTH_SOCK

MAX=0
for n in $NODES; do ((n > MAX)) && MAX=$n; done
((MAX <= 250)) || { echo "at most 250 nodes (127.0.0.2..127.0.0.251)" >&2; exit 2; }

ssh-keygen -q -t ed25519 -N '' -f "$T/hostkey"
ssh-keygen -q -t ed25519 -N '' -f "$T/user_key"
cp "$T/user_key.pub" "$T/authorized_keys"
if [[ -d $SRC/fixtures/nodes/roots/worker ]]; then
  bash "$SRC/fixtures/nodes/prepare-root.sh" worker "$T/root"
else
  mkdir -p "$T/root/etc"
  printf 'ID=debian\nVERSION_ID="12"\n' >"$T/root/etc/os-release"
fi
PORT=$(free_port)
echo "starting $MAX sshd instances on 127.0.0.2..127.0.0.$((MAX + 1)) port $PORT"
START=$(date +%s.%N)
for i in $(seq 1 "$MAX"); do
  addr=127.0.0.$((i + 1))
  sshd_start "sshd$i" "$addr" "$PORT" "$T/hostkey" || exit 1
  echo "[$addr]:$PORT $(cut -d' ' -f1,2 "$T/hostkey.pub")" >>"$T/known_hosts"
done
echo "started in $(python3 -c "import time; print(round(time.time() - $START, 1))")s"

# CPU ticks used on the "nodes" side: every sshd listener's own time plus that of its reaped
# children (per-connection sshd, the login shell, the probe script and its commands).
node_cpu_ticks() {
  local p total=0
  for p in "${SSHD_PIDS[@]}"; do
    total=$((total + $(awk '{print $14+$15+$16+$17}' "/proc/$p/stat" 2>/dev/null || echo 0)))
  done
  echo "$total"
}

run() {  # run <nodes> <concurrency>: prints one result line
  local n=$1 c=$2 inv=$T/inv-$1.yaml
  {
    echo "defaults: {user: root, key: $T/user_key, port: $PORT}"
    echo "nodes:"
    for i in $(seq 1 "$n"); do echo "  - {name: node-$(printf %03d "$i"), host: 127.0.0.$((i + 1))}"; done
  } >"$inv"
  local cpu0 cpu1 t0 t1
  cpu0=$(node_cpu_ticks)
  t0=$(date +%s.%N)
  /usr/bin/time -o "$T/time" -f "%U %S" "$KPATROL" collect node --ssh-inventory "$inv" \
    --ssh-known-hosts "$T/known_hosts" --ssh-root "$T/root" --ssh-concurrency "$c" \
    --out "$T/out.tar.gz" 2>"$T/err" >/dev/null
  local rc=$?
  t1=$(date +%s.%N)
  cpu1=$(node_cpu_ticks)
  rm -rf "$T/x"
  "$KPATROL" bundle extract "$T/out.tar.gz" "$T/x" >/dev/null 2>&1
  local got errs
  got=$(find "$T/x/nodes" -name '*.json' 2>/dev/null | wc -l)
  errs=$(jq '[.[] | select(.fact == "*")] | length' "$T/x/errors.json" 2>/dev/null || echo 0)
  python3 - "$n" "$c" "$t0" "$t1" "$cpu0" "$cpu1" "$got" "$errs" "$rc" "$(cat "$T/time")" "$(cat /proc/loadavg)" <<'PY'
import os, sys
n, c = int(sys.argv[1]), int(sys.argv[2])
wall = float(sys.argv[4]) - float(sys.argv[3])
node = (int(sys.argv[6]) - int(sys.argv[5])) / os.sysconf("SC_CLK_TCK")
kp = sum(float(x) for x in sys.argv[10].split()[-2:])
cores = os.cpu_count()
print(f"nodes={n:4d} concurrency={c:3d} wall={wall:6.2f}s per-node={1000*wall/n:6.1f}ms "
      f"kpatrol-cpu={1000*kp/n:5.1f}ms/node node-cpu(sshd+probe)={1000*node/n:5.1f}ms/node "
      f"cpu-bound-wall={(kp+node)/cores:5.2f}s collected={sys.argv[7]} unreachable={sys.argv[8]} "
      f"rc={sys.argv[9]} load={sys.argv[11].split()[0]}")
PY
  if [[ $rc -ne 0 || $got -ne $n || $errs -ne 0 ]]; then
    echo "run failed:" >&2
    head -5 "$T/err" >&2
    return 1
  fi
}

echo "machine: $(nproc) cores, $(uname -r), $(/usr/sbin/sshd -V 2>&1 | head -1)"
status=0
for n in $NODES; do
  for c in $CONC; do
    for r in $(seq 1 "$REPEAT"); do run "$n" "$c" || status=1; done
  done
done
if [[ -n $SMOKE ]]; then
  [[ $status -eq 0 ]] && echo "bench_ssh_smoke: passed"
fi
exit $status
