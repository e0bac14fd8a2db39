#!/usr/bin/env bash
# The plugin examples end to end with the real binary: the two example packs (nvgpu: node
# probes with Lua parsers; corp-mlps: a stricter 等保 profile and two rules) pass `rules test`,
# are sealed, added, collected from fixture node roots and scanned; the native example plugin
# is loaded, its facts reach a rule and the scan JSON; broken plugins are refused with reasons.
# Usage: plugins_test.sh KPATROL_BINARY SOURCE_DIR NATIVE_PLUGIN_DIR
set -uo pipefail
KP=$1
SRC=$2
NATIVE=$3
W=$(mktemp -d /tmp/kpatrol-plugins.XXXXXX)
T=$W
source "$SRC/test/ssh/sshd_lib.sh"
trap 'sshd_stop_all; rm -rf "$W"' EXIT
export HOME=$W/home XDG_DATA_HOME=$W/data NO_COLOR=1
unset KPATROL_PLUGIN_DIR
passed=0 failed=0
ok() { echo "ok - $1"; passed=$((passed + 1)); }
not_ok() { echo "not ok - $1: $2"; failed=$((failed + 1)); }
check() { local name=$1 detail=$2; shift 2; if "$@"; then ok "$name"; else not_ok "$name" "$detail"; fi; }
jqe() { jq -e "$@" > /dev/null 2>&1; }
run() { "$KP" "$@" > "$W/out" 2> "$W/err"; RC=$?; }
# finding <report.json> <rule id> <subject>: its status
finding() { jq -r --arg r "$2" --arg s "$3" '[.findings[] | select(.rule_id == $r and .subject == $s) | .status] | first // "absent"' "$1"; }
message() { jq -r --arg r "$2" --arg s "$3" '[.findings[] | select(.rule_id == $r and .subject == $s) | .message] | first // ""' "$1"; }

cp -r "$SRC/plugins/packs/nvgpu" "$SRC/plugins/packs/corp-mlps" "$W/"
ROOTS=$SRC/fixtures/nodes/plugin-gpu

# 1. Both packs pass their rule tests and their parsers read the captured outputs.
for p in nvgpu corp-mlps; do
  run rules test "$W/$p"
  check "rules test passes pack $p" "exit $RC: $(cat "$W/out" "$W/err" | tail -n 5)" test $RC -eq 0
done
run plugin parse "$W/nvgpu" smi "$W/nvgpu/tests/probes/smi-ok.txt"
check "the smi parser reads two GPUs from the captured nvidia-smi output" "exit $RC: $(cat "$W/out" "$W/err")" \
  bash -c "[ $RC -eq 0 ] && jq -e '.present and .ok and .count == 2 and .driver_version == \"470.82.01\" and .gpus[1].bus_id == \"00000000:00:08.0\"' '$W/out' > /dev/null"
run plugin parse "$W/nvgpu" smi "$W/nvgpu/tests/probes/smi-driver-gone.txt"
check "a failing nvidia-smi is a fact (ok = false, exit 9, its message)" "exit $RC: $(cat "$W/out" "$W/err")" \
  bash -c "[ $RC -eq 0 ] && jq -e '.present and (.ok | not) and .exit_status == 9 and (.error | test(\"communicate with the NVIDIA driver\"))' '$W/out' > /dev/null"
run plugin parse "$W/nvgpu" smi "$W/nvgpu/tests/probes/smi-absent.txt"
check "no nvidia-smi: present = false" "exit $RC: $(cat "$W/out" "$W/err")" \
  bash -c "[ $RC -eq 0 ] && jq -e '.present == false' '$W/out' > /dev/null"
run plugin parse "$W/nvgpu" xid "$W/nvgpu/tests/probes/xid-errors.txt"
check "the xid parser counts Xid 48 twice and 79 once" "exit $RC: $(cat "$W/out" "$W/err")" \
  bash -c "[ $RC -eq 0 ] && jq -e '.count == 3 and .codes[\"48\"] == 2 and .codes[\"79\"] == 1 and .events[2].bus == \"0000:00:08\"' '$W/out' > /dev/null"
printf 'garbage without the exit line\n' > "$W/bad.txt"
run plugin parse "$W/nvgpu" smi "$W/bad.txt"
check "output the parser does not recognise is an error naming the parser" "exit $RC: $(cat "$W/err")" \
  bash -c "[ $RC -eq 2 ] && grep -q 'probes/smi.lua' '$W/err' && grep -q \"no 'kpatrol: exit' line\" '$W/err'"

# 2. The packs are committed sealed (re-seal after editing them); add shows the node commands.
for p in nvgpu corp-mlps; do
  run plugin verify "$W/$p"
  check "pack $p is sealed as committed (kpatrol plugin seal plugins/packs/$p after a change)" "$(cat "$W/out")" test $RC -eq 0
done
run plugin add "$W/nvgpu"
check "plugin add installs nvgpu and prints the commands it will run on every node" "exit $RC: $(cat "$W/out" "$W/err")" \
  bash -c "[ $RC -eq 0 ] && grep -q 'node probe smi' '$W/out' && grep -q 'nvidia-smi --query-gpu' '$W/out' && grep -q 'node probe xid' '$W/out'"
run plugin add "$W/corp-mlps"
check "plugin add installs corp-mlps" "exit $RC: $(cat "$W/err")" test $RC -eq 0
run plugin list --format json
check "plugin list shows nvgpu's probes with their commands and fact paths" "$(cat "$W/out")" \
  bash -c "jq -e 'any(.[]; .name == \"nvgpu\" and (.probes | length) == 2 and .probes[0].fact == \"plugins.nvgpu.smi\" and (.probes[1].command | test(\"dmesg\")))' '$W/out' > /dev/null"
run plugin verify nvgpu
check "plugin verify shows the verified pack's commands" "exit $RC: $(cat "$W/out")" \
  bash -c "[ $RC -eq 0 ] && grep -q 'node probe xid' '$W/out'"

# 3. Collect two GPU node roots (the probe script runs the pack commands with the root's
# usr/bin first: the fakes there stand in for nvidia-smi and dmesg), then scan the bundles.
for r in ok xid; do
  run collect node --host-root "$ROOTS/$r" --node-name "gpu-$r" --out "$W/$r.tar.gz"
  check "collect node --host-root $r runs the plugin probes" "exit $RC: $(cat "$W/err")" test $RC -eq 0
  run scan --bundle "$W/$r.tar.gz" --db "$W/k.db" --out "$W/rep-$r" -q --format json
  check "scan of the $r bundle" "exit $RC: $(cat "$W/err" | head -5)" test "$RC" -le 1
done
R_OK=$(ls "$W"/rep-ok/*.json) R_XID=$(ls "$W"/rep-xid/*.json)
check "healthy GPU node: nvgpu/xid-errors passes" "$(finding "$R_OK" nvgpu/xid-errors node/gpu-ok): $(message "$R_OK" nvgpu/xid-errors node/gpu-ok)" \
  test "$(finding "$R_OK" nvgpu/xid-errors node/gpu-ok)" = pass
check "healthy GPU node: nvgpu/driver-health passes with both GPUs" "$(finding "$R_OK" nvgpu/driver-health node/gpu-ok): $(message "$R_OK" nvgpu/driver-health node/gpu-ok)" \
  bash -c "[ '$(finding "$R_OK" nvgpu/driver-health node/gpu-ok)' = pass ] && [[ '$(message "$R_OK" nvgpu/driver-health node/gpu-ok)' == *'2 GPU(s), driver 470.82.01'* ]]"
check "Xid node: nvgpu/xid-errors fails naming Xid 48 and 79" "$(finding "$R_XID" nvgpu/xid-errors node/gpu-xid): $(message "$R_XID" nvgpu/xid-errors node/gpu-xid)" \
  bash -c "[ '$(finding "$R_XID" nvgpu/xid-errors node/gpu-xid)' = fail ] && [[ '$(message "$R_XID" nvgpu/xid-errors node/gpu-xid)' == *'Xid 48 x2'*'Xid 79 x1'* ]]"
check "Xid node: persistence mode off warns" "$(finding "$R_XID" nvgpu/driver-health node/gpu-xid)" \
  test "$(finding "$R_XID" nvgpu/driver-health node/gpu-xid)" = warn

# 4. A failing command and a failing parser are collection errors: the rules say `error`.
mkdir -p "$W/broken/probes" "$W/broken/tests"
cat > "$W/broken/pack.yaml" <<'YAML'
name: broken
version: 0.1.0
api: 1
probes:
  - { name: fails, command: "echo partial; exit 4", parser: probes/p.lua }
  - { name: badparse, command: "echo hello", parser: probes/p.lua }
YAML
cat > "$W/broken/probes/p.lua" <<'LUA'
return { parse = function(out) error("cannot read: " .. out:sub(1, 5)) end }
LUA
cat > "$W/broken/r.lua" <<'LUA'
return { api = 1, id = "broken/r", title = { en = "r", zh = "r" }, severity = "low", scope = "node",
  requires = { "plugins.broken.badparse" }, remediation = { en = "-", zh = "-" }, check = function(s, ctx) return ctx.pass("?") end }
LUA
cat > "$W/broken/tests/r.yaml" <<'YAML'
cases:
  - name: facts pass
    snapshot: { objects: { nodes: [ { metadata: { name: n } } ] }, nodes: { n: { plugins: { broken: { badparse: {} } } } } }
    expect: pass
  - name: no facts error
    snapshot: { objects: { nodes: [ { metadata: { name: n } } ] }, nodes: { n: { os: {} } } }
    expect: error
YAML
"$KP" plugin seal "$W/broken" > /dev/null 2>&1
run plugin add "$W/broken"
check "a pack with probes that will fail still installs (failures are per node)" "exit $RC: $(cat "$W/err")" test $RC -eq 0
run collect node --host-root "$ROOTS/ok" --node-name gpu-ok --out "$W/broken.tar.gz"
mkdir -p "$W/brk" && tar -xzf "$W/broken.tar.gz" -C "$W/brk" 2> /dev/null
ERRS=$W/brk/errors.json
check "a command exiting 4 is a collection error for its fact" "$(cat "$ERRS" 2>&1 | head -c 600)" \
  jqe 'any(.[]; .fact == "plugins.broken.fails" and (.message | test("exited with status 4")))' "$ERRS"
check "a parser error is a collection error naming the parser file and line" "$(cat "$ERRS" 2>&1 | head -c 600)" \
  jqe 'any(.[]; .fact == "plugins.broken.badparse" and (.message | test("probes/p.lua:1: cannot read: hello")))' "$ERRS"
run scan --bundle "$W/broken.tar.gz" --db "$W/k.db" --out "$W/rep-broken" -q --format json
R_BR=$(ls "$W"/rep-broken/*.json)
check "the rule over the unparsable fact is error with the parser's reason" "$(finding "$R_BR" broken/r node/gpu-ok): $(message "$R_BR" broken/r node/gpu-ok)" \
  bash -c "[ '$(finding "$R_BR" broken/r node/gpu-ok)' = error ] && [[ '$(message "$R_BR" broken/r node/gpu-ok)' == *'cannot read: hello'* ]]"
"$KP" plugin remove broken > /dev/null 2>&1
badprobe() {  # badprobe <description> <probe line> <expected text>
  rm -rf "$W/bad" && cp -r "$W/broken" "$W/bad" && rm -f "$W/bad/SHA256SUMS"
  sed -i 's/^name: broken/name: bad/; s#broken/r#bad/r#; s#plugins.broken#plugins.bad#' "$W/bad/pack.yaml" "$W/bad/r.lua"
  sed -i '/^probes:/,$d' "$W/bad/pack.yaml" && printf 'probes:\n  - %s\n' "$2" >> "$W/bad/pack.yaml"
  "$KP" plugin seal "$W/bad" > /dev/null 2>&1
  run plugin add "$W/bad"
  check "$1" "exit $RC: $(cat "$W/err")" bash -c "[ $RC -eq 2 ] && grep -q 'pack.yaml:5' '$W/err' && grep -q -- \"$3\" '$W/err'"
}
badprobe "a probe name outside [a-z0-9_] is refused at add, naming pack.yaml and line" \
  '{ name: Bad-Name, command: "true", parser: probes/p.lua }' "lower-case letters, digits or '_'"
badprobe "a parser outside probes/ is refused" '{ name: p, command: "true", parser: r.lua }' "under probes/"
badprobe "an out-of-range timeout is refused" '{ name: p, command: "true", parser: probes/p.lua, timeout: 9999 }' "'timeout' must be 1..600"
badprobe "an unknown probe key is refused" '{ name: p, command: "true", parser: probes/p.lua, sudo: true }' "unknown key 'sudo'"
run collect node --host-root "$ROOTS/ok" --node-name gpu-ok --out "$W/noplug.tar.gz" --no-plugins
mkdir -p "$W/noplug" && tar -xzf "$W/noplug.tar.gz" -C "$W/noplug" 2> /dev/null
check "collect node --no-plugins runs no plugin probe" "$(grep -rl 'plugins' "$W/noplug" | head -3)" \
  bash -c "[ $RC -eq 0 ] && ! grep -rq '\"nvgpu\"' '$W/noplug'"

# 5. The hardening pack: its profile tightens the built-in mlps-l3 parameters and adds its rules.
run scan --demo --db "$W/k.db" --out "$W/rep-corp" -q --format json --profile corp-mlps-l3
R_CORP=$(ls "$W"/rep-corp/*.json 2> /dev/null | head -1)
check "scan --profile corp-mlps-l3 (from the installed pack) runs" "exit $RC: $(head -5 "$W/err")" test "$RC" -le 1
check "its house rules have findings" "$(jq -c '[.findings[] | select(.rule_id | startswith("corp-mlps/")) | .rule_id] | unique' "$R_CORP" 2>&1)" \
  jqe '([.findings[] | select(.rule_id == "corp-mlps/namespace-owner")] | length > 0) and ([.findings[] | select(.rule_id == "corp-mlps/ssh-login-banner")] | length > 0)' "$R_CORP"
check "the stricter password length (12) is what mlps-l3/password-min-length checks" \
  "$(jq -c '[.findings[] | select(.rule_id == "mlps-l3/password-min-length") | .message] | unique' "$R_CORP" 2>&1)" \
  jqe 'any(.findings[]; .rule_id == "mlps-l3/password-min-length" and (.message | test("12")))' "$R_CORP"

# 6. The native example plugin: loaded only when named; facts reach a rule and the scan JSON.
INV=$SRC/plugins/examples/inventory/pack
run collect node --host-root "$ROOTS/xid" --node-name gpu-xid --out "$W/native.tar.gz" --no-plugins \
  --native-plugin "$NATIVE/kpatrol_inventory.so"
check "collect node --native-plugin loads the example plugin" "exit $RC: $(cat "$W/err")" test $RC -eq 0
run scan --bundle "$W/native.tar.gz" --db "$W/k.db" --out "$W/rep-native" -q --format json --no-plugins --rules "$INV"
R_NAT=$(ls "$W"/rep-native/*.json 2> /dev/null | head -1)
check "the plugin's facts reach the rule: sctp and dccp are reported" \
  "$(finding "$R_NAT" inventory-example/forbidden-modules node/gpu-xid): $(message "$R_NAT" inventory-example/forbidden-modules node/gpu-xid)" \
  bash -c "[ '$(finding "$R_NAT" inventory-example/forbidden-modules node/gpu-xid)' = fail ] && [[ '$(message "$R_NAT" inventory-example/forbidden-modules node/gpu-xid)' == *'sctp, dccp'* || '$(message "$R_NAT" inventory-example/forbidden-modules node/gpu-xid)' == *'dccp, sctp'* ]]"
check "the scan JSON carries the plugin's facts as the rule's evidence (4 modules)" "$(jq -c '.findings[] | select(.rule_id == "inventory-example/forbidden-modules")' "$R_NAT" 2>&1 | head -c 400)" \
  jqe 'any(.findings[]; .rule_id == "inventory-example/forbidden-modules" and .evidence.loaded == 4)' "$R_NAT"
run collect node --host-root "$ROOTS/ok" --node-name gpu-ok --out "$W/native-ok.tar.gz" --no-plugins \
  --native-plugin "$NATIVE/kpatrol_inventory.so"
run scan --bundle "$W/native-ok.tar.gz" --db "$W/k.db" --out "$W/rep-native-ok" -q --format json --no-plugins --rules "$INV"
R_NOK=$(ls "$W"/rep-native-ok/*.json 2> /dev/null | head -1)
check "on the healthy root the same rule passes" "$(finding "$R_NOK" inventory-example/forbidden-modules node/gpu-ok)" \
  test "$(finding "$R_NOK" inventory-example/forbidden-modules node/gpu-ok)" = pass

refused() {  # refused <description> <plugin file> <expected text>
  run collect node --host-root "$ROOTS/ok" --node-name gpu-ok --out "$W/refused.tar.gz" --no-plugins --native-plugin "$2"
  check "$1" "exit $RC: $(cat "$W/err")" bash -c "[ $RC -eq 2 ] && grep -q -- '$3' '$W/err' && [ ! -e '$W/refused.tar.gz' ]"
}
refused "a plugin built for ABI 2 is refused, naming both versions" "$NATIVE/kpatrol_inventory_abi2.so" 'built for plugin ABI 2.0, this kpatrol implements 1.0'
refused "a plugin needing a newer ABI minor than the host is refused" "$NATIVE/kpatrol_inventory_minor9.so" 'needs plugin ABI 1.9, newer than this kpatrol.s 1.0'
refused "a plugin needing a capability the host lacks is refused" "$NATIVE/kpatrol_inventory_newcap.so" 'needs capabilities 0x80'
refused "a library without the entry symbol is refused" "$NATIVE/kpatrol_inventory_noentry.so" 'does not export kpatrol_plugin_entry'
refused "a missing file is refused with the loader's reason" "$W/nope.so" 'cannot be loaded'
refused "a bare name is not searched on the library path" "kpatrol_inventory.so" 'give a path'

# 7. Over real SSH: the pack probes and the native plugin's command run in the node's one probe
# session (one login), from the same fixture root served through sshd (--ssh-root).
if [ -x /usr/sbin/sshd ] && command -v ssh-keygen > /dev/null; then
  ssh-keygen -q -t ed25519 -N '' -f "$W/hostkey" && ssh-keygen -q -t ed25519 -N '' -f "$W/user_key"
  cp "$W/user_key.pub" "$W/authorized_keys" && chmod 644 "$W/authorized_keys"
  PORT=$(free_port)
  if sshd_start plug 127.0.0.1 "$PORT" "$W/hostkey"; then
    printf 'nodes:\n  - {name: gpu-ssh, host: 127.0.0.1, port: %s, user: %s, key: %s}\n' \
      "$PORT" "$(id -un)" "$W/user_key" > "$W/nodes.yaml"
    run collect node --ssh-inventory "$W/nodes.yaml" --ssh-known-hosts "$W/known_hosts" --ssh-accept-new \
      --ssh-root "$ROOTS/xid" --native-plugin "$NATIVE/kpatrol_inventory.so" --out "$W/ssh.tar.gz"
    check "collect node over SSH with pack probes and the native plugin" "exit $RC: $(cat "$W/err")" test $RC -eq 0
    check "one SSH login for the built-in probe, the pack probes and the plugin's command" \
      "$(grep -c 'Accepted publickey' "$W/plug.log")" test "$(grep -c 'Accepted publickey' "$W/plug.log")" -eq 1
    run scan --bundle "$W/ssh.tar.gz" --db "$W/k.db" --out "$W/rep-ssh" -q --format json --rules "$INV"
    R_SSH=$(ls "$W"/rep-ssh/*.json 2> /dev/null | head -1)
    check "over SSH: nvgpu/xid-errors fails on the Xid node" "$(finding "$R_SSH" nvgpu/xid-errors node/gpu-ssh): $(message "$R_SSH" nvgpu/xid-errors node/gpu-ssh)" \
      test "$(finding "$R_SSH" nvgpu/xid-errors node/gpu-ssh)" = fail
    check "over SSH: the native plugin's facts reach its rule" "$(finding "$R_SSH" inventory-example/forbidden-modules node/gpu-ssh)" \
      test "$(finding "$R_SSH" inventory-example/forbidden-modules node/gpu-ssh)" = fail
  else
    not_ok "sshd starts" "$(cat "$W/plug.log")"
  fi
else
  not_ok "sshd and ssh-keygen are installed (openssh-server, openssh-client)" "missing"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
