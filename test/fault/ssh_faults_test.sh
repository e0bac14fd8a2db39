#!/usr/bin/env bash
# Fault injection on the SSH transport: a real sshd serves a fixture node root; the same
# cluster (Node manifests) is scanned once with every node reached directly, and once with some
# nodes behind fault_proxy.py: a connection dropped mid-probe, one dropped during the
# handshake, a stalled peer, a truncated stream and garbage on the wire. Then:
#  - the faulty scan completes (exit 0 or 1) within a generous hang guard;
#  - every finding that differs from the clean run is `error` with a reason;
#  - each faulted node has error findings and no finding passes on it that did not pass in
#    the clean run; nodes reached directly or through the pass-through proxy are identical;
#  - the database passes `PRAGMA integrity_check`.
# usage: ssh_faults_test.sh KPATROL   (root: runs sshd)
set -uo pipefail
KPATROL=$(realpath "${1:?kpatrol binary}")
SRC=$(cd "$(dirname "$0")/../.." && pwd)
T=$(mktemp -d /tmp/kpatrol-ssh-faults.XXXXXX)
PROXY_PIDS=()
source "$SRC/test/ssh/sshd_lib.sh"
cleanup() {
  sshd_stop_all
  for p in "${PROXY_PIDS[@]}"; do kill "$p" 2>/dev/null; done
  wait 2>/dev/null
  rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
export HOME=$T/home NO_COLOR=1
mkdir -p "$HOME"
unset SSH_AUTH_SOCK

pass=0
failed=0
ok() { pass=$((pass + 1)); echo "ok   - $1"; }
bad() {
  failed=$((failed + 1))
  echo "FAIL - $1"
  if [ -n "${2:-}" ] && [ -f "$2" ]; then sed 's/^/       /' "$2" | head -25; fi
}

ssh-keygen -q -t ed25519 -N '' -C host -f "$T/hostkey"
ssh-keygen -q -t ed25519 -N '' -C user -f "$T/user_key"
cp "$T/user_key.pub" "$T/authorized_keys"
chmod 644 "$T/authorized_keys"
bash "$SRC/fixtures/nodes/prepare-root.sh" worker "$T/root" >/dev/null
P_SSHD=$(free_port)
sshd_start main 127.0.0.1 "$P_SSHD" "$T/hostkey" || exit 1

# proxy NAME SCHEDULE: a fault proxy in front of sshd; sets its port in P_<NAME>.
declare -A PORT
proxy() {
  local port
  port=$(free_port)
  python3 "$SRC/test/fault/fault_proxy.py" --listen "$port" --target "127.0.0.1:$P_SSHD" \
    --ready "$T/$1.ready" --schedule "$2" 2>"$T/proxy-$1.log" &
  PROXY_PIDS+=($!)
  for _ in $(seq 100); do [ -s "$T/$1.ready" ] && break; sleep 0.05; done
  [ -s "$T/$1.ready" ] || { echo "proxy $1 did not start"; exit 1; }
  PORT[$1]=$port
}
proxy passthrough pass
proxy drop drop:9000
proxy handshake drop:600
proxy stall stall:9000
proxy truncate truncate:9000
proxy garbage garbage:9000
FAULTED=(drop handshake stall truncate garbage)
NODES=(direct passthrough "${FAULTED[@]}")

KH=$T/known_hosts
{
  echo "[127.0.0.1]:$P_SSHD $(cut -d' ' -f1,2 "$T/hostkey.pub")"
  for n in "${!PORT[@]}"; do echo "[127.0.0.1]:${PORT[$n]} $(cut -d' ' -f1,2 "$T/hostkey.pub")"; done
} >"$KH"

mkdir -p "$T/manifests"
{
  echo "apiVersion: v1"
  echo "kind: List"
  echo "items:"
  i=1
  for n in "${NODES[@]}"; do
    cat <<YAML
  - apiVersion: v1
    kind: Node
    metadata: {name: node-$n, labels: {kubernetes.io/os: linux, node-role.kubernetes.io/worker: ""}}
    status:
      addresses: [{type: InternalIP, address: 10.255.0.$i}]
      nodeInfo: {kubeletVersion: v1.28.3, operatingSystem: linux}
YAML
    i=$((i + 1))
  done
} >"$T/manifests/nodes.yaml"

# inventory FILE faulty|clean: in the clean one every node goes straight to sshd.
inventory() {
  {
    echo "defaults: {user: root, key: $T/user_key}"
    echo "nodes:"
    for n in "${NODES[@]}"; do
      local port=$P_SSHD
      if [ "$2" = faulty ] && [ "$n" != direct ]; then port=${PORT[$n]}; fi
      echo "  - {name: node-$n, host: 127.0.0.1, port: $port}"
    done
  } >"$1"
}
inventory "$T/clean.yaml" clean
inventory "$T/faulty.yaml" faulty

scan() {
  local start=$SECONDS
  timeout 600 "$KPATROL" --db "$T/$1.db" --out "$T/$1-reports" scan --manifests "$T/manifests" \
    --ssh-inventory "$T/$1.yaml" --ssh-known-hosts "$KH" --ssh-root "$T/root" --ssh-timeout 15 --ssh-command-timeout 30 \
    --quiet >"$T/$1.out" 2>"$T/$1.err"
  RC=$?
  SECS=$((SECONDS - start))
  cp "$(ls "$T/$1-reports"/kpatrol-scan-*.json 2>/dev/null | head -1)" "$T/$1.json" 2>/dev/null
}
scan clean
[ "$RC" -le 1 ] && [ -s "$T/clean.json" ] && ok "clean scan (exit $RC, ${SECS}s)" || bad "clean scan: exit $RC" "$T/clean.err"
scan faulty
[ "$RC" -le 1 ] && [ -s "$T/faulty.json" ] && ok "scan under SSH transport faults completes (exit $RC, ${SECS}s)" ||
  bad "faulty scan: exit $RC" "$T/faulty.err"
[ -s "$T/clean.json" ] && [ -s "$T/faulty.json" ] || { echo "$pass passed, $((failed + 1)) failed"; exit 1; }
for n in "${FAULTED[@]}"; do
  grep -q "applied" "$T/proxy-$n.log" && ok "fault $n was injected" || bad "fault $n never applied" "$T/proxy-$n.log"
done

python3 - "$T/clean.json" "$T/faulty.json" "${FAULTED[*]}" >"$T/compare.txt" <<'PY'
import json, sys
def load(p):
    out = {}
    for f in json.load(open(p))["findings"]:
        out.setdefault((f["rule_id"], f["subject"]), []).append((f["status"], f["message"]))
    return {k: sorted(v) for k, v in out.items()}
clean, faulty = load(sys.argv[1]), load(sys.argv[2])
faulted = {"node/node-" + n for n in sys.argv[3].split()}
errors = {s: 0 for s in faulted}
out = []
identical = {}
for key in sorted(set(clean) | set(faulty)):
    rule, subject = key
    a, b = clean.get(key), faulty.get(key)
    if a == b:
        identical[subject] = identical.get(subject, 0) + 1
        continue
    if b is None:
        print(f"BAD missing {rule} {subject}: clean had {a}")
        continue
    wrong = [f for f in b if f[0] != "error" or not f[1]]
    if wrong:
        print(f"BAD {rule} {subject}: {wrong[:2]} (clean: {(a or [])[:2]})")
        continue
    if subject in errors:
        errors[subject] += 1
    elif subject.startswith("node/"):
        print(f"BAD {rule} {subject}: a node reached without faults changed: {b[:1]}")
    out.append(f"ERROR {rule} {subject}: {b[0][1][:160]}")
print("\n".join(out))
for s, n in sorted(errors.items()):
    print(f"FAULTED {s} {n}")
for s in ("node/node-direct", "node/node-passthrough"):
    print(f"CLEAN {s} {identical.get(s, 0)}")
PY
if grep -q '^BAD ' "$T/compare.txt"; then
  bad "findings changed by the faults that are not error-with-reason" "$T/compare.txt"
else
  ok "every finding changed by the faults is error with a reason; everything else identical"
fi
while read -r _ s n; do
  [ "$n" -gt 0 ] && ok "$s: $n rules in error ($(grep -m1 "^ERROR .* $s:" "$T/compare.txt" | cut -d: -f2- | cut -c1-90))" ||
    bad "$s: no error findings" "$T/compare.txt"
done < <(grep '^FAULTED ' "$T/compare.txt")
while read -r _ s n; do
  [ "$n" -ge 10 ] && ok "$s: $n findings identical to the clean run" || bad "$s: only $n identical" "$T/compare.txt"
done < <(grep '^CLEAN ' "$T/compare.txt")
r=$(sqlite3 "$T/faulty.db" 'PRAGMA integrity_check;' 2>&1)
[ "$r" = ok ] && ok "database integrity_check ok" || bad "integrity_check: $r"
echo "$pass passed, $failed failed"
[ "$failed" = 0 ]
