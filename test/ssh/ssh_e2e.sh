#!/usr/bin/env bash
# End-to-end node collection over SSH against real OpenSSH sshd processes on 127.0.0.x, each
# serving a fixture node root (the probe reads under --ssh-root, never this machine's /etc).
# Usage: ssh_e2e.sh <path to kpatrol>. Runs as root (sshd, a throwaway login user for sudo).
set -uo pipefail
KPATROL=$(realpath "${1:?usage: ssh_e2e.sh <kpatrol binary> [fixture API server binary]}")
APISRV=${2:-}  # when given: also scan the fixture API server's cluster with SSH node facts
SRC=$(cd "$(dirname "$0")/../.." && pwd)
T=$(mktemp -d /tmp/kpatrol-ssh-e2e.XXXXXX)
chmod 755 "$T"  # the sudo test user reads authorized_keys here
PASS=0
FAIL=0
HANG_PID=
AGENT_PID=
CREATED_USER=
TEST_USER=kpatrol-e2e
source "$(dirname "$0")/sshd_lib.sh"

cleanup() {
  sshd_stop_all
  [[ -n $HANG_PID ]] && kill "$HANG_PID" 2>/dev/null
  [[ -n ${API_PID:-} ]] && kill "$API_PID" 2>/dev/null
  [[ -n $AGENT_PID ]] && kill "$AGENT_PID" 2>/dev/null
  [[ -n $CREATED_USER ]] && userdel "$TEST_USER" 2>/dev/null
  [[ -n ${KEEP:-} ]] || rm -rf "$T"; echo "temp: $T"
}
trap cleanup EXIT

ok() { PASS=$((PASS + 1)); echo "ok   - $1"; }
bad() { FAIL=$((FAIL + 1)); echo "FAIL - $1"; [[ -n ${2:-} ]] && echo "$2" | head -20 | sed 's/^/       /'; }
# check <name> <command...>: passes when the command succeeds.
check() { local n=$1; shift; if "$@" >/dev/null 2>&1; then ok "$n"; else bad "$n"; fi; }
contains() { [[ $1 == *"$2"* ]]; }

# An isolated HOME: no agent, no ~/.ssh keys or known_hosts of this machine.
export HOME=$T/home
mkdir -p "$HOME"
unset SSH_AUTH_SOCK KPATROL_SSH_PASSPHRASE

# --- keys --------------------------------------------------------------------------------------
ssh-keygen -q -t ed25519 -N '' -C host-a -f "$T/hostkey_a"
ssh-keygen -q -t ed25519 -N '' -C host-b -f "$T/hostkey_b"
ssh-keygen -q -t ed25519 -N '' -C user -f "$T/user_key"
ssh-keygen -q -t ecdsa -b 256 -N '' -C user-ecdsa -f "$T/user_ecdsa"
ssh-keygen -q -t rsa -b 3072 -N '' -C user-rsa -f "$T/user_rsa"
ssh-keygen -q -t ed25519 -N 'correct horse' -C user-enc -f "$T/user_enc"
ssh-keygen -q -t ed25519 -N '' -C stranger -f "$T/stranger_key"
cat "$T/user_key.pub" "$T/user_ecdsa.pub" "$T/user_rsa.pub" "$T/user_enc.pub" >"$T/authorized_keys"
chmod 644 "$T/authorized_keys"
FP_A=$(ssh-keygen -lf "$T/hostkey_a.pub" | awk '{print $2}')
hostline() { echo "[$1]:$2 $(cut -d' ' -f1,2 "$3")"; }

# --- node roots --------------------------------------------------------------------------------
make_root() {  # make_root <fixture name> <dest>
  if [[ -x $SRC/fixtures/nodes/prepare-root.sh || -f $SRC/fixtures/nodes/prepare-root.sh ]] &&
     [[ -d $SRC/fixtures/nodes/roots/$1 ]]; then
    bash "$SRC/fixtures/nodes/prepare-root.sh" "$1" "$2"
  else  # a minimal root when the fixture roots are not there
    mkdir -p "$2/etc" "$2/proc/sys/kernel"
    printf 'ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n' >"$2/etc/os-release"
    echo "$1" >"$2/etc/hostname"
    echo "6.1.0-fixture" >"$2/proc/sys/kernel/osrelease"
  fi
}
make_root worker "$T/roots/worker"
make_root kubeadm-master "$T/roots/master"
ROOT=$T/roots/worker
listing() { (cd "$T/roots" && find . -printf '%p %m %s %T@\n' | sort && find . -type f -exec sha256sum {} + | sort); }
listing >"$T/roots.before"

# --- servers -----------------------------------------------------------------------------------
P_MAIN=$(free_port); P_DROP=$(free_port); P_HUGE=$(free_port); P_BAST=$(free_port)
P_INNER=$(free_port); P_NOFWD=$(free_port); P_HANG=$(free_port)
sshd_start main 127.0.0.1 "$P_MAIN" "$T/hostkey_a" || exit 1
# Dropped mid-probe: print part of an output, then kill this session's sshd process.
sshd_start drop 127.0.0.1 "$P_DROP" "$T/hostkey_a" \
  'ForceCommand printf "KPATROL-PROBE 1 KP-x max=1\n"; sleep 0.3; kill -9 $PPID' || exit 1
sshd_start huge 127.0.0.1 "$P_HUGE" "$T/hostkey_a" 'ForceCommand head -c 20000000 /dev/zero' || exit 1
SSHD_LOGLEVEL=DEBUG1 sshd_start bastion 127.0.0.1 "$P_BAST" "$T/hostkey_a" 'AllowTcpForwarding yes' || exit 1
P_SLOW=$(free_port)
# A probe that never finishes: the command timeout must end it.
sshd_start slow 127.0.0.1 "$P_SLOW" "$T/hostkey_a" 'ForceCommand sleep 20' || exit 1
P_PW=$(free_port)
sshd_start pw 127.0.0.1 "$P_PW" "$T/hostkey_a" 'PasswordAuthentication yes' 'PubkeyAuthentication no' || exit 1
P_RSA=$(free_port)
sshd_start rsa 127.0.0.1 "$P_RSA" "$T/hostkey_a" 'PubkeyAcceptedAlgorithms +ssh-rsa' || exit 1
sshd_start inner 127.0.0.3 "$P_INNER" "$T/hostkey_b" || exit 1
sshd_start nofwd 127.0.0.1 "$P_NOFWD" "$T/hostkey_a" 'AllowTcpForwarding no' || exit 1
# A node that hangs: accepts TCP connections and never sends an SSH banner.
python3 -c '
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(16); held = []
while True:
    c, _ = s.accept(); held.append(c)
' "$P_HANG" &
HANG_PID=$!
for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$P_HANG") 2>/dev/null && break; sleep 0.05; done

# A login user without sudo rights (sudo -n must fail with "a password is required").
if ! id "$TEST_USER" >/dev/null 2>&1; then
  # Its password is only for the password-login case (sshd with PasswordAuthentication yes).
  useradd -M -d /nonexistent -s /bin/sh -p "$(openssl passwd -6 'pw-never-logged-9431')" \
    "$TEST_USER" && CREATED_USER=1
fi

KH=$T/known_hosts
{
  hostline 127.0.0.1 "$P_MAIN" "$T/hostkey_a.pub"
  hostline 127.0.0.1 "$P_DROP" "$T/hostkey_a.pub"
  hostline 127.0.0.1 "$P_HUGE" "$T/hostkey_a.pub"
  hostline 127.0.0.1 "$P_BAST" "$T/hostkey_a.pub"
  hostline 127.0.0.3 "$P_INNER" "$T/hostkey_b.pub"
  hostline 127.0.0.1 "$P_NOFWD" "$T/hostkey_a.pub"
  hostline 127.0.0.1 "$P_RSA" "$T/hostkey_a.pub"
  hostline 127.0.0.1 "$P_PW" "$T/hostkey_a.pub"
  hostline 127.0.0.1 "$P_SLOW" "$T/hostkey_a.pub"
} >"$KH"

# collect <out name> <inventory> [options...]: kpatrol collect node; stderr in $T/<name>.err,
# the bundle extracted in $T/<name>/; exit status in RC.
collect() {
  local name=$1 inv=$2
  shift 2
  rm -rf "${T:?}/$name" "$T/$name.tar.gz"
  "$KPATROL" collect node --ssh-inventory "$inv" --ssh-root "$ROOT" --out "$T/$name.tar.gz" \
    "$@" >"$T/$name.out" 2>"$T/$name.err"
  RC=$?
  if [[ -f $T/$name.tar.gz ]]; then "$KPATROL" bundle extract "$T/$name.tar.gz" "$T/$name" >/dev/null 2>&1; fi
  return 0
}
err_of() {  # err_of <run> <node>: the collection error message of node/<node>
  [[ -f $T/$1/errors.json ]] || return 0
  jq -r --arg s "node/$2" '[.[] | select(.subject == $s and .fact == "*") | .message] | first // empty' "$T/$1/errors.json"
}
has_facts() { [[ -f $T/$1/nodes/$2.json ]] && [[ $(jq '.facts | length' "$T/$1/nodes/$2.json") -gt 0 ]] && [[ -z $(err_of "$1" "$2") ]]; }

cat >"$T/inv.yaml" <<YAML
# every case at once: the failures must not stop the others
defaults:
  user: root
  key: $T/user_key
nodes:
  - {name: node-ok, host: 127.0.0.1, port: $P_MAIN}
  - {name: node-ok2, host: 127.0.0.1, port: $P_MAIN, key: $T/user_ecdsa}
  - {name: node-rsa, host: 127.0.0.1, port: $P_RSA, key: $T/user_rsa}
  - {name: node-rsa-refused, host: 127.0.0.1, port: $P_MAIN, key: $T/user_rsa}
  - {name: node-hang, host: 127.0.0.1, port: $P_HANG}
  - {name: node-drop, host: 127.0.0.1, port: $P_DROP}
  - {name: node-huge, host: 127.0.0.1, port: $P_HUGE}
  - {name: node-sudo, host: 127.0.0.1, port: $P_MAIN, user: $TEST_USER, sudo: true}
  - {name: node-bastion, host: 127.0.0.3, port: $P_INNER, bastion: "root@127.0.0.1:$P_BAST"}
  - {name: node-nofwd, host: 127.0.0.3, port: $P_INNER, bastion: "root@127.0.0.1:$P_NOFWD"}
  - {name: node-badkey, host: 127.0.0.1, port: $P_MAIN, key: $T/stranger_key}
  - {name: node-pw, host: 127.0.0.1, port: $P_PW, user: $TEST_USER}
  - {name: node-slow, host: 127.0.0.1, port: $P_SLOW}
  - name: eci-1
    labels: {type: virtual-kubelet}
YAML

echo "# one run over every kind of node (concurrency 4, 2 s login timeout, 6 s probe timeout)"
START=$(date +%s.%N)
export KP_TEST_PASSWORD='pw-never-logged-9431'
collect all "$T/inv.yaml" --ssh-known-hosts "$KH" --ssh-timeout 2 --ssh-concurrency 4 --ssh-command-timeout 6 \
  --ssh-password-env KP_TEST_PASSWORD --log-level debug
ELAPSED=$(python3 -c "import time; print(round(time.time() - $START, 1))")
check "collect node exits 0 although nodes failed (rc=$RC)" test "$RC" -eq 0
check "known host: facts collected for node-ok" has_facts all node-ok
check "ecdsa user key: facts collected" has_facts all node-ok2
check "rsa user key (server accepting ssh-rsa signatures): facts collected" has_facts all node-rsa
m=$(err_of all node-rsa-refused)
if contains "$m" "an RSA key" && contains "$m" "ed25519"; then ok "rsa user key refused by OpenSSH >= 8.8: the error says why ($m)"; else bad "rsa refused hint" "$m"; fi
if [[ -d $SRC/fixtures/nodes/roots/worker ]]; then
  os_id=$(jq -r '.facts.os.id // empty' "$T/all/nodes/node-ok.json" 2>/dev/null)
  if [[ -n $os_id ]]; then ok "facts come from the fixture root under --ssh-root (os.id=$os_id)"; else bad "facts come from the fixture root" "$(head -c 600 "$T/all/nodes/node-ok.json" 2>/dev/null)"; fi
fi
m=$(err_of all node-hang)
if contains "$m" "timed out after 2s"; then ok "hanging node: timeout error ($m)"; else bad "hanging node: timeout error" "$m"; fi
if python3 -c "import sys; sys.exit(0 if $ELAPSED < 15 else 1)"; then ok "the hanging node did not hold up the others (${ELAPSED}s)"; else bad "run took ${ELAPSED}s"; fi
m=$(err_of all node-slow)
if contains "$m" "the probe did not finish within 6s"; then ok "probe that never finishes: command timeout ($m)"; else bad "command timeout" "$m"; fi
m=$(err_of all node-drop)
if contains "$m" "dropped mid-probe" || contains "$m" "killed by signal"; then ok "dropped mid-probe: error ($m)"; else
  # Seen once under TSan with no node-level error at all (not reproduced in 6 reruns): show what
  # the node did get, so that the next occurrence says which path the collector took.
  bad "dropped mid-probe" "${m:-no node-level error}; errors: $(jq -c '[.[] | select(.subject == "node/node-drop") | [.fact, .message]]' "$T/all/errors.json" 2>&1 | head -c 600); facts: $(jq -c '.facts | keys' "$T/all/nodes/node-drop.json" 2>&1 | head -c 300); log: $(grep 'node-drop' "$T/all.err" | head -5)"
fi
m=$(err_of all node-huge)
if contains "$m" "exceeds the cap of 16 MiB"; then ok "huge output: capped ($m)"; else bad "huge output capped" "$m"; fi
m=$(err_of all node-sudo)
if contains "$m" "sudo -n: a password is required"; then ok "sudo needed and missing: error ($m)"; else bad "sudo needed and missing" "$m"; fi
check "bastion hop: facts collected for node-bastion" has_facts all node-bastion
check "bastion hop went through the bastion (direct-tcpip in its log)" grep -q "direct-tcpip" "$T/bastion.log"
m=$(err_of all node-nofwd)
if contains "$m" "bastion root@127.0.0.1:$P_NOFWD" && contains "$m" "could not open"; then ok "bastion refusing to forward: error names the bastion ($m)"; else bad "bastion refusing to forward" "$m"; fi
m=$(err_of all node-badkey)
if contains "$m" "authentication as root failed" && contains "$m" "stranger_key"; then ok "auth failure (wrong key): error ($m)"; else bad "auth failure" "$m"; fi
skipped=$(jq -r '.facts.probe.reason // empty' "$T/all/nodes/eci-1.json" 2>/dev/null)
if [[ $skipped == "virtual-kubelet node (ECI): no host to log in to" ]] && [[ -z $(err_of all eci-1) ]]; then ok "virtual-kubelet node: skipped with its reason, no error"; else bad "virtual-kubelet node skipped" "$skipped"; fi
if [[ -n $CREATED_USER ]]; then
  check "password login (--ssh-password-env, sshd without publickey): facts collected" has_facts all node-pw
else
  echo "skip - password login: $TEST_USER existed before the test, its password is not ours to set"
fi
if grep -q "$KP_TEST_PASSWORD" "$T/all.err" "$T/all.out"; then bad "the password never appears in the output"; else ok "the password never appears in the output (debug log)"; fi
if grep -q "correct horse" "$T/all.err"; then bad "no passphrase in the log"; fi

echo "# host keys"
: >"$T/kh_empty"
cat >"$T/inv1.yaml" <<YAML
nodes:
  - {name: node-ok, host: 127.0.0.1, port: $P_MAIN, key: $T/user_key}
YAML
collect unknown "$T/inv1.yaml" --ssh-known-hosts "$T/kh_empty"
m=$(err_of unknown node-ok)
if contains "$m" "unknown host key for [127.0.0.1]:$P_MAIN" && contains "$m" "$FP_A" && contains "$m" "--ssh-accept-new" && contains "$m" "ssh-keyscan -p $P_MAIN 127.0.0.1"; then
  ok "unknown host: refused, naming the host, its SHA256 fingerprint and how to accept it"
else bad "unknown host refused with the accept hint" "$m"; fi
check "unknown host: nothing recorded without --ssh-accept-new" test ! -s "$T/kh_empty"

rm -f "$T/kh_new"
collect tofu "$T/inv1.yaml" --ssh-known-hosts "$T/kh_new" --ssh-accept-new
check "--ssh-accept-new: facts collected" has_facts tofu node-ok
check "--ssh-accept-new: recorded as [127.0.0.1]:port (ssh-keygen -F finds it)" \
  bash -c "ssh-keygen -F '[127.0.0.1]:$P_MAIN' -f '$T/kh_new' | grep -q ssh-ed25519"
check "--ssh-accept-new: the recorded key is the server's" \
  bash -c "grep -qF '$(cut -d' ' -f2 "$T/hostkey_a.pub")' '$T/kh_new'"
check "--ssh-accept-new: the log names the fingerprint" grep -q "$FP_A" "$T/tofu.err"
collect strict2 "$T/inv1.yaml" --ssh-known-hosts "$T/kh_new"
check "second run, strict: accepted from the recorded key" has_facts strict2 node-ok
check "second run records nothing more" test "$(wc -l <"$T/kh_new")" -eq 1

rm -f "$T/kh_hashed"
collect hashed "$T/inv1.yaml" --ssh-known-hosts "$T/kh_hashed" --ssh-accept-new --ssh-hash-known-hosts
check "hashed known_hosts entry (|1|salt|hash)" grep -q '^|1|' "$T/kh_hashed"
check "hashed entry: ssh-keygen -F finds it" bash -c "ssh-keygen -F '[127.0.0.1]:$P_MAIN' -f '$T/kh_hashed' | grep -q ssh-ed25519"
collect hashed2 "$T/inv1.yaml" --ssh-known-hosts "$T/kh_hashed"
check "hashed entry: second run strict OK" has_facts hashed2 node-ok

hostline 127.0.0.1 "$P_MAIN" "$T/hostkey_b.pub" >"$T/kh_wrong"
cp "$T/kh_wrong" "$T/kh_wrong.orig"
collect wrong "$T/inv1.yaml" --ssh-known-hosts "$T/kh_wrong" --ssh-accept-new
m=$(err_of wrong node-ok)
if contains "$m" "HOST KEY MISMATCH for [127.0.0.1]:$P_MAIN" && contains "$m" "$FP_A"; then ok "wrong host key: refused loudly, even with --ssh-accept-new"; else bad "wrong host key refused" "$m"; fi
check "wrong host key: known_hosts left untouched" cmp -s "$T/kh_wrong" "$T/kh_wrong.orig"
check "wrong host key: no facts" test ! -f "$T/wrong/nodes/node-ok.json"
# A key of another type recorded for the host is a mismatch too, not an unknown host.
echo "[127.0.0.1]:$P_MAIN $(cut -d' ' -f1,2 "$T/user_ecdsa.pub")" >"$T/kh_othertype"
collect othertype "$T/inv1.yaml" --ssh-known-hosts "$T/kh_othertype" --ssh-accept-new
m=$(err_of othertype node-ok)
if contains "$m" "HOST KEY MISMATCH"; then ok "host key of another type recorded: refused as a mismatch"; else bad "other key type" "$m"; fi

echo "# authentication"
cat >"$T/inv_noKey.yaml" <<YAML
nodes:
  - {name: node-ok, host: 127.0.0.1, port: $P_MAIN}
YAML
eval "$(ssh-agent -s -a "$T/agent.sock")" >/dev/null
AGENT_PID=$SSH_AGENT_PID
ssh-add -q "$T/user_key" 2>/dev/null
collect agent "$T/inv_noKey.yaml" --ssh-known-hosts "$KH"
check "ssh-agent (SSH_AUTH_SOCK): used when no key is given" has_facts agent node-ok
kill "$AGENT_PID" 2>/dev/null; AGENT_PID=; unset SSH_AUTH_SOCK SSH_AGENT_PID
collect enc_nopass "$T/inv_noKey.yaml" --ssh-known-hosts "$KH" --ssh-key "$T/user_enc"
m=$(err_of enc_nopass node-ok)
if contains "$m" "KPATROL_SSH_PASSPHRASE"; then ok "encrypted key without a passphrase: the error says how to give it"; else bad "encrypted key without passphrase" "$m"; fi
KPATROL_SSH_PASSPHRASE='correct horse' collect enc "$T/inv_noKey.yaml" --ssh-known-hosts "$KH" --ssh-key "$T/user_enc"
check "encrypted key with KPATROL_SSH_PASSPHRASE: facts collected" has_facts enc node-ok
if [[ -n $CREATED_USER ]]; then
  printf '%s\n' "$KP_TEST_PASSWORD" >"$T/password.txt"
  chmod 600 "$T/password.txt"
  printf 'nodes:\n  - {name: node-pw, host: 127.0.0.1, port: %s, user: %s}\n' "$P_PW" "$TEST_USER" >"$T/inv_pw.yaml"
  collect pwfile "$T/inv_pw.yaml" --ssh-known-hosts "$KH" --ssh-password-file "$T/password.txt"
  check "password login (--ssh-password-file): facts collected" has_facts pwfile node-pw
  printf 'wrong\n' >"$T/password.txt"
  collect pwwrong "$T/inv_pw.yaml" --ssh-known-hosts "$KH" --ssh-password-file "$T/password.txt"
  m=$(err_of pwwrong node-pw)
  if contains "$m" "password (refused)"; then ok "wrong password: authentication error ($m)"; else bad "wrong password" "$m"; fi
fi
collect usage "$T/inv_noKey.yaml" --ssh-known-hosts "$KH" --ssh-password-env KP_UNSET_VARIABLE
check "--ssh-password-env naming an unset variable: usage error (exit 2)" test "$RC" -eq 2

echo "# scan: node findings, and error findings with the reason for unreachable nodes"
mkdir -p "$T/manifests"
cat >"$T/manifests/nodes.yaml" <<YAML
apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Node
    metadata: {name: node-ok, labels: {kubernetes.io/os: linux, node-role.kubernetes.io/worker: ""}}
    status:
      addresses: [{type: InternalIP, address: 10.255.0.1}]
      nodeInfo: {kubeletVersion: v1.28.3, operatingSystem: linux}
  - apiVersion: v1
    kind: Node
    metadata: {name: node-hang, labels: {kubernetes.io/os: linux}}
    status:
      addresses: [{type: InternalIP, address: 10.255.0.2}]
      nodeInfo: {kubeletVersion: v1.28.3, operatingSystem: linux}
  - apiVersion: v1
    kind: Node
    metadata: {name: eci-1, labels: {type: virtual-kubelet, kubernetes.io/role: agent}}
    spec:
      taints: [{key: virtual-kubelet.io/provider, value: alibabacloud, effect: NoSchedule}]
    status:
      nodeInfo: {kubeletVersion: v1.28.3-vk, operatingSystem: linux}
YAML
# The inventory overrides the Node objects' addresses (10.255.x is not reachable here).
cat >"$T/scan-inv.yaml" <<YAML
defaults: {user: root, key: $T/user_key}
nodes:
  - {name: node-ok, host: 127.0.0.1, port: $P_MAIN}
  - {name: node-hang, host: 127.0.0.1, port: $P_HANG}
YAML
mkdir -p "$T/reports"
"$KPATROL" --db "$T/kpatrol.db" --out "$T/reports" scan --manifests "$T/manifests" \
  --ssh-inventory "$T/scan-inv.yaml" --ssh-known-hosts "$KH" --ssh-root "$ROOT" --ssh-timeout 2 \
  >"$T/scan.out" 2>"$T/scan.err"
SCAN_RC=$?
REPORT=$(ls "$T"/reports/kpatrol-scan-*.json 2>/dev/null | head -1)
if [[ $SCAN_RC -le 1 && -n $REPORT ]]; then ok "scan --manifests --ssh-inventory completes (rc=$SCAN_RC)"; else bad "scan completes (rc=$SCAN_RC)" "$(tail -5 "$T/scan.err")"; fi
if [[ -n $REPORT ]]; then
  n_ok=$(jq '[.findings[] | select(.subject == "node/node-ok" and (.status == "pass" or .status == "fail" or .status == "warn"))] | length' "$REPORT")
  if [[ $n_ok -gt 0 ]]; then ok "node-ok has evaluated node findings ($n_ok pass/warn/fail)"; else bad "node-ok has node findings" "$(jq -c '[.findings[] | select(.subject == "node/node-ok")][:3]' "$REPORT")"; fi
  n_err=$(jq '[.findings[] | select(.subject == "node/node-hang" and .status == "error" and (.message | contains("timed out")))] | length' "$REPORT")
  n_other=$(jq '[.findings[] | select(.subject == "node/node-hang" and .status == "pass")] | length' "$REPORT")
  if [[ $n_err -gt 0 ]]; then ok "unreachable node's rules say error with the reason ($n_err findings)"; else bad "node-hang findings are error with the reason" "$(jq -c '[.findings[] | select(.subject == "node/node-hang")][:3]' "$REPORT")"; fi
  check "unreachable node: no rule passes on it ($n_other)" test "$n_other" -eq 0
  check "the report lists the collection error" bash -c "jq -e '.collection_errors[] | select(.subject == \"node/node-hang\" and .source == \"ssh\")' '$REPORT'"
  n_eci_err=$(jq '[.findings[] | select(.subject == "node/eci-1" and .status == "error" and (.message | contains("timed out") or contains("ssh")))] | length' "$REPORT")
  check "virtual-kubelet node: no SSH error findings" test "$n_eci_err" -eq 0
fi

if [[ -n $APISRV && -x $APISRV ]]; then
  echo "# scan --kubeconfig (fixture API server, demo cluster) --ssh-inventory: targets from Node objects"
  DEMO=$SRC/fixtures/demo
  (
    cd "$T" || exit 1
    openssl req -x509 -newkey rsa:2048 -nodes -keyout api-ca.key -out api-ca.crt -days 2 -subj "/CN=kpatrol-ssh-e2e-ca"
    openssl req -newkey rsa:2048 -nodes -keyout api.key -out api.csr -subj "/CN=kube-apiserver"
    printf 'subjectAltName=IP:127.0.0.1\n' >api.ext
    openssl x509 -req -in api.csr -CA api-ca.crt -CAkey api-ca.key -CAcreateserial -out api.crt -days 2 -extfile api.ext
  ) >/dev/null 2>&1
  "$APISRV" --state "$DEMO" --tls-cert "$T/api.crt" --tls-key "$T/api.key" --ready-file "$T/api.ready" \
    --token ssh-e2e-token >"$T/api.log" 2>&1 &
  API_PID=$!
  for _ in $(seq 150); do [[ -s $T/api.ready ]] && break; sleep 0.1; done
  API_PORT=$(cat "$T/api.ready" 2>/dev/null)
  cat >"$T/api.kc" <<KC
apiVersion: v1
kind: Config
current-context: e2e
clusters:
- name: e2e
  cluster: {server: "https://127.0.0.1:$API_PORT", certificate-authority: $T/api-ca.crt}
contexts:
- name: e2e
  context: {cluster: e2e, user: e2e}
users:
- name: e2e
  user: {token: ssh-e2e-token}
KC
  # Every demo node is overridden onto loopback (their InternalIPs are not reachable here):
  # the first one to the hanging listener, the others to the sshd.
  {
    echo "defaults: {user: root, key: $T/user_key}"
    echo "nodes:"
    first=1
    for n in $(jq -r '.items[].metadata.name' "$DEMO/objects/nodes.json"); do
      if [[ -n $first ]]; then HUNG_NODE=$n; port=$P_HANG; first=; else port=$P_MAIN; LIVE_NODE=$n; fi
      echo "  - {name: $n, host: 127.0.0.1, port: $port}"
    done
  } >"$T/api-inv.yaml"
  rm -rf "$T/api-reports"
  "$KPATROL" --db "$T/api.db" --out "$T/api-reports" scan --kubeconfig "$T/api.kc" --quiet \
    --ssh-inventory "$T/api-inv.yaml" --ssh-known-hosts "$KH" --ssh-root "$ROOT" --ssh-timeout 2 \
    >"$T/apiscan.out" 2>"$T/apiscan.err"
  API_RC=$?
  REPORT=$(ls "$T"/api-reports/kpatrol-scan-*.json 2>/dev/null | head -1)
  if [[ -z $API_PORT ]]; then
    bad "fixture API server started" "$(cat "$T/api.log")"
  elif [[ $API_RC -le 1 && -n $REPORT ]]; then
    ok "scan --kubeconfig --ssh-inventory completes (rc=$API_RC)"
    n_live=$(jq --arg s "node/$LIVE_NODE" '[.findings[] | select(.subject == $s and (.status == "pass" or .status == "fail" or .status == "warn"))] | length' "$REPORT")
    check "live node $LIVE_NODE: evaluated node findings ($n_live)" test "$n_live" -gt 0
    n_err=$(jq --arg s "node/$HUNG_NODE" '[.findings[] | select(.subject == $s and .status == "error" and (.message | contains("timed out")))] | length' "$REPORT")
    check "hung node $HUNG_NODE: error findings with the timeout reason ($n_err)" test "$n_err" -gt 0
    n_facts=$(jq '[.collection_errors[] | select(.source == "ssh" and .fact == "*")] | length' "$REPORT")
    check "exactly one node could not be collected over SSH ($n_facts)" test "$n_facts" -eq 1
  else
    bad "scan --kubeconfig --ssh-inventory (rc=$API_RC)" "$(tail -5 "$T/apiscan.err")"
  fi
fi

echo "# key exchange: the cheapest method both sides support"
# A server without the elliptic-curve methods: kpatrol must pick the fixed 2048-bit group14 over
# group exchange (which libssh2's own order puts first: a group of up to 8192 bits).
P_KEX=$(free_port)
SSHD_LOGLEVEL=DEBUG1 sshd_start kex 127.0.0.1 "$P_KEX" "$T/hostkey_a" \
  'KexAlgorithms diffie-hellman-group-exchange-sha256,diffie-hellman-group14-sha256' || exit 1
hostline 127.0.0.1 "$P_KEX" "$T/hostkey_a.pub" >>"$KH"
printf 'defaults: {user: root, key: %s}\nnodes:\n  - {name: node-kex, host: 127.0.0.1, port: %s}\n' \
  "$T/user_key" "$P_KEX" >"$T/inv-kex.yaml"
collect kex "$T/inv-kex.yaml" --ssh-known-hosts "$KH" --ssh-timeout 5
check "finite-field-only server: facts collected" has_facts kex node-kex
sleep 0.2  # the log line is written by the session's own sshd process
check "finite-field-only server: diffie-hellman-group14-sha256 chosen over group exchange" \
  grep -q 'kex: algorithm: diffie-hellman-group14-sha256' "$T/kex.log"
check "default server: curve25519-sha256 chosen" grep -q 'kex: algorithm: curve25519-sha256' "$T/bastion.log"

echo "# safety"
listing >"$T/roots.after"
if cmp -s "$T/roots.before" "$T/roots.after"; then ok "nothing was written on the node roots (modes, sizes, mtimes, sha256)"; else bad "node roots unchanged" "$(diff "$T/roots.before" "$T/roots.after" | head)"; fi
check "no file transfer subsystem (sftp) was requested" bash -c "! grep -q 'subsystem request' '$T/main.log'"

echo "$PASS passed, $FAIL failed"
[[ $FAIL -eq 0 ]]
