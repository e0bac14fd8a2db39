#!/usr/bin/env bash
# SSH node collection benchmark: N real OpenSSH sshd instances on 127.0.0.2, 127.0.0.3, ...
# (one process each, same port), each serving the `worker` fixture node root; kpatrol collects
# them with `collect node` at several node counts and concurrencies. Not a timed test: it prints
# the figures (test/bench/ssh/README.md records them).
#
# Usage: bench_ssh.sh <kpatrol> [--nodes "50 100 200"] [--concurrency "16 32 64"] [--repeat N]
#                     [--host-home] [--breakdown]
#        bench_ssh.sh <kpatrol> --smoke      (3 nodes, concurrency 2: checks it works)
#
# The "nodes" log in as root, and bash (the login shell sshd runs the command with) sources
# root's ~/.bashrc when started by sshd. So that a node's login costs what it costs on a node,
# not what this machine's /root (a developer's pyenv/cargo set-up) costs, the sshd instances run
# in a private mount namespace where /root is a fresh Debian root home (base-files' dot.bashrc
# and dot.profile). --host-home keeps this machine's /root (README: what it costs).
# --breakdown: before the runs, where one node's CPU goes (OpenSSH client, one connection at a
# time): key exchange alone, login + `true`, login + the probe, the probe without SSH.
set -uo pipefail
KPATROL=$(realpath "${1:?usage: bench_ssh.sh <kpatrol> [--nodes LIST] [--concurrency LIST]}")
shift
ARGS=("$@")
NODES="50 100 200"
CONC="16 32 64"
REPEAT=1
SMOKE=
HOSTHOME=
BREAKDOWN=
while [[ $# -gt 0 ]]; do
  case $1 in
    --nodes) NODES=$2; shift 2 ;;
    --concurrency) CONC=$2; shift 2 ;;
    --repeat) REPEAT=$2; shift 2 ;;
    --host-home) HOSTHOME=1; shift ;;
    --breakdown) BREAKDOWN=1; shift ;;
    --smoke) SMOKE=1; NODES=3; CONC=2; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
# Re-run in a private mount namespace (root only; else this machine's /root, said below).
if [[ -z $HOSTHOME && -z ${KPATROL_BENCH_NS:-} && $(id -u) -eq 0 ]] && unshare -m true 2>/dev/null; then
  KPATROL_BENCH_NS=1 exec unshare -m bash "$0" "$KPATROL" "${ARGS[@]}"
fi
SRC=$(cd "$(dirname "$0")/../../.." && pwd)
T=$(mktemp -d /tmp/kpatrol-ssh-bench.XXXXXX)
source "$SRC/test/ssh/sshd_lib.sh"
MOUNTED=
trap 'sshd_stop_all; [[ -z $MOUNTED ]] || umount /root; rm -rf "$T"' EXIT
export HOME=$T/home
mkdir -p "$HOME"
unset SSH_AUTH_SOCK

MAX=0
for n in $NODES; do ((n > MAX)) && MAX=$n; done
((MAX <= 250)) || { echo "at most 250 nodes (127.0.0.2..127.0.0.251)" >&2; exit 2; }
((MAX >= 1)) || MAX=1

HOMEDESC="this machine's /root"
if [[ -n ${KPATROL_BENCH_NS:-} ]]; then
  mkdir -p "$T/roothome"
  cp /usr/share/base-files/dot.bashrc "$T/roothome/.bashrc" 2>/dev/null
  cp /usr/share/base-files/dot.profile "$T/roothome/.profile" 2>/dev/null
  if mount --bind "$T/roothome" /root; then
    MOUNTED=1
    HOMEDESC="a fresh root home (private mount namespace)"
  fi
fi

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
      f"cpu/node={1000*(kp+node)/n:5.1f}ms cpu-bound-wall={(kp+node)/cores:5.2f}s "
      f"collected={sys.argv[7]} unreachable={sys.argv[8]} rc={sys.argv[9]} "
      f"load={sys.argv[11].split()[0]}")
PY
  if [[ $rc -ne 0 || $got -ne $n || $errs -ne 0 ]]; then
    echo "run failed:" >&2
    head -5 "$T/err" >&2
    return 1
  fi
}

# breakdown: sshd-side CPU per connection (the listener's reaped children) with the OpenSSH
# client, one connection at a time, with the algorithms kpatrol negotiates (curve25519-sha256,
# ssh-ed25519, aes128-ctr, hmac-sha2-256); then the probe run by sh without SSH.
breakdown() {
  local n=20 pid=${SSHD_PIDS[0]} script q
  local ssh=(ssh -q -F /dev/null -i "$T/user_key" -p "$PORT" -o "UserKnownHostsFile=$T/known_hosts"
    -o StrictHostKeyChecking=yes -o BatchMode=yes -o KexAlgorithms=curve25519-sha256
    -o HostKeyAlgorithms=ssh-ed25519 -o Ciphers=aes128-ctr -o MACs=hmac-sha2-256)
  # The script as the scanner sends it (node_probe.cpp probeScript: the options, then the body).
  script=$(printf "R='%s'\nD='cluster.local'\nS=''\nX='www.aliyun.com'\nM='1048576'\n" "$T/root"
    cat "$SRC/collectors/probe/script/probe.sh")
  q=$(printf '%q' "$script")
  one() {  # one <label> <command...>: n runs, sshd-side CPU and wall per run
    local label=$1 t0 t1 s0 s1
    shift
    t0=$(awk '{print $14+$15+$16+$17}' "/proc/$pid/stat")
    s0=$(date +%s.%N)
    for _ in $(seq 1 "$n"); do "$@" >/dev/null 2>&1 </dev/null; done
    s1=$(date +%s.%N)
    t1=$(awk '{print $14+$15+$16+$17}' "/proc/$pid/stat")
    python3 -c "import os; print(f'breakdown: {\"$label\":34s} sshd-side cpu={($t1-$t0)*1000/os.sysconf(\"SC_CLK_TCK\")/$n:6.1f}ms wall={($s1-$s0)*1000/$n:6.1f}ms')"
  }
  one "key exchange, no login" "${ssh[@]}" -o PreferredAuthentications=none root@127.0.0.2 true
  one "key exchange + login + true" "${ssh[@]}" root@127.0.0.2 true
  one "key exchange + login + probe" "${ssh[@]}" root@127.0.0.2 "sh -c $q"
  python3 - "$n" "$script" <<'PY'
import resource, subprocess, sys, time
n, script = int(sys.argv[1]), sys.argv[2]
r0 = resource.getrusage(resource.RUSAGE_CHILDREN); t0 = time.time()
for _ in range(n):
    subprocess.run(["sh", "-c", script], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
r1 = resource.getrusage(resource.RUSAGE_CHILDREN); t1 = time.time()
cpu = (r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime) / n
print(f"breakdown: {'probe alone (sh -c, no SSH)':34s} cpu={1000 * cpu:6.1f}ms wall={1000 * (t1 - t0) / n:6.1f}ms")
PY
}

echo "machine: $(nproc) cores, $(uname -r), $(/usr/sbin/sshd -V 2>&1 | head -1)"
echo "nodes' root home: $HOMEDESC; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
[[ -z $BREAKDOWN ]] || breakdown
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
