#!/usr/bin/env bash
# kpatrol plugin: a site's rule pack is written, tested, sealed, added, and shows up in a scan;
# a tampered, unsealed, too-new or clashing pack is refused with the reason.
# Usage: plugin_test.sh KPATROL_BINARY
set -uo pipefail
KP=$1
W=$(mktemp -d /tmp/kpatrol-plugin.XXXXXX)
trap 'rm -rf "$W"' EXIT
export HOME=$W/home XDG_DATA_HOME=$W/data NO_COLOR=1
unset KPATROL_PLUGIN_DIR
passed=0 failed=0
ok() { echo "ok - $1"; passed=$((passed + 1)); }
not_ok() { echo "not ok - $1: $2"; failed=$((failed + 1)); }
check() { local name=$1 detail=$2; shift 2; if "$@"; then ok "$name"; else not_ok "$name" "$detail"; fi; }
jqe() { jq -e "$@" > /dev/null 2>&1; }
run() { "$KP" "$@" > "$W/out" 2> "$W/err"; RC=$?; }

# 1. A site pack: one rule, its tests.
P=$W/acme
mkdir -p "$P/tests"
cat > "$P/pack.yaml" <<'YAML'
name: acme
version: 1.2.0
api: 1
kpatrol: ">=0.1.0 <1.0.0"
description: { en: "ACME hardening", zh: "ACME 加固基线" }
YAML
cat > "$P/team-label.lua" <<'LUA'
return {
  api = 1,
  id = "acme/team-label",
  title = { en = "Namespaces name their owning team", zh = "命名空间标注负责团队" },
  severity = "low",
  scope = "namespace",
  remediation = { en = "kubectl label namespace NAME team=OWNER", zh = "kubectl label namespace NAME team=OWNER" },
  check = function(s, ctx)
    if s.labels.team then return ctx.pass("team " .. s.labels.team) end
    return ctx.fail("no team label")
  end,
}
LUA
cat > "$P/tests/team-label.yaml" <<'YAML'
cases:
  - name: labelled passes
    snapshot: { objects: { namespaces: [ { metadata: { name: a, labels: { team: web } } } ] } }
    expect: pass
  - name: unlabelled fails
    snapshot: { objects: { namespaces: [ { metadata: { name: b } } ] } }
    expect: fail
YAML
run rules test "$P"
check "rules test passes the site pack's cases" "exit $RC: $(tail -3 "$W/out")" test $RC -eq 0

# 2. Unsealed: refused with the hint.
run plugin add "$P"
check "an unsealed pack is refused and told how to seal it" "exit $RC: $(cat "$W/err")" \
  bash -c "[ $RC -eq 2 ] && grep -q 'not sealed' '$W/err' && grep -q 'kpatrol plugin seal' '$W/err'"

# 3. Seal, add, list, scan.
run plugin seal "$P"
check "plugin seal writes SHA256SUMS that coreutils agrees with" "exit $RC: $(cat "$W/err")" \
  bash -c "[ $RC -eq 0 ] && cd '$P' && sha256sum --quiet -c SHA256SUMS"
run plugin add "$P"
check "plugin add installs the sealed pack" "exit $RC: $(cat "$W/out" "$W/err")" \
  bash -c "[ $RC -eq 0 ] && [ -f '$W/data/kpatrol/plugins/acme/team-label.lua' ]"
run plugin list --format json
check "plugin list shows it with its version and rule count" "$(cat "$W/out")" \
  jqe 'any(.[]; .name == "acme" and .version == "1.2.0" and .rules == 1 and .status == "ok")' "$W/out"
run scan --demo --db "$W/k.db" --out "$W/r1" -q
check "a scan loads the installed pack: acme/team-label has findings" \
  "exit $RC: $(jq -c '[.findings[] | select(.rule_id == "acme/team-label")] | length' "$W"/r1/*.json 2>&1)" \
  bash -c "[ $RC -eq 0 ] && jq -e '[.findings[] | select(.rule_id == \"acme/team-label\")] | length > 3' '$W'/r1/*.json > /dev/null"
run scan --demo --db "$W/k.db" --out "$W/r2" -q --no-plugins
check "--no-plugins leaves it out" "$(jq -c '[.findings[] | select(.rule_id | startswith("acme/"))] | length' "$W"/r2/*.json 2>&1)" \
  jqe '[.findings[] | select(.rule_id | startswith("acme/"))] | length == 0' "$W"/r2/*.json
run plugin add "$P"
check "adding it again is refused without --upgrade" "exit $RC: $(cat "$W/err")" \
  bash -c "[ $RC -eq 2 ] && grep -q 'already installed' '$W/err' && grep -q -- '--upgrade' '$W/err'"

# 4. Tampering after installation: verify names the file, the scan refuses the pack.
echo "-- tampered" >> "$W/data/kpatrol/plugins/acme/team-label.lua"
run plugin verify
check "plugin verify names the modified file (exit 2)" "exit $RC: $(cat "$W/out")" \
  bash -c "[ $RC -eq 2 ] && grep -q 'team-label.lua does not match its sha256' '$W/out'"
run scan --demo --db "$W/k.db" --out "$W/r3" -q
check "a scan refuses the tampered plugin and says why, and the rest of the scan runs" \
  "exit $RC: $(cat "$W/err" | head -3)" \
  bash -c "[ $RC -eq 0 ] && grep -q 'plugin refused' '$W/err' && jq -e '[.findings[] | select(.rule_id == \"acme/team-label\" and .status != \"error\")] | length == 0' '$W'/r3/*.json > /dev/null && jq -e '.scan.complete' '$W'/r3/*.json > /dev/null"
run plugin remove acme
check "plugin remove uninstalls it" "exit $RC: $(cat "$W/err")" \
  bash -c "[ $RC -eq 0 ] && [ ! -e '$W/data/kpatrol/plugins/acme' ]"

# 5. Refusals at add time.
cp -r "$P" "$W/added"; echo "return 1" > "$W/added/extra.lua"
run plugin add "$W/added"
check "a file added after sealing is refused, named" "exit $RC: $(cat "$W/err")" \
  bash -c "[ $RC -eq 2 ] && grep -q 'extra.lua is not in SHA256SUMS' '$W/err'"
cp -r "$P" "$W/newapi"; sed -i 's/^api: 1/api: 99/' "$W/newapi/pack.yaml"; "$KP" plugin seal "$W/newapi" > /dev/null 2>&1
run plugin add "$W/newapi"
check "a pack asking for a newer rule api is refused" "exit $RC: $(cat "$W/err")" \
  bash -c "[ $RC -eq 2 ] && grep -q 'rule api 99' '$W/err'"
cp -r "$P" "$W/future"; sed -i 's/^kpatrol: .*/kpatrol: ">=9.0.0"/' "$W/future/pack.yaml"; "$KP" plugin seal "$W/future" > /dev/null 2>&1
run plugin add "$W/future"
check "a pack for a newer kpatrol is refused, naming both versions" "exit $RC: $(cat "$W/err")" \
  bash -c "[ $RC -eq 2 ] && grep -q 'needs kpatrol >=9.0.0' '$W/err'"
mkdir -p "$W/clash/tests"; sed 's/^name: acme/name: health/' "$P/pack.yaml" > "$W/clash/pack.yaml"
sed 's#acme/team-label#health/team-label#' "$P/team-label.lua" > "$W/clash/team-label.lua"
"$KP" plugin seal "$W/clash" > /dev/null 2>&1
run plugin add "$W/clash"
check "a pack named like a built-in pack (its rule ids would clash) is refused" "exit $RC: $(cat "$W/err")" \
  bash -c "[ $RC -eq 2 ] && grep -q \"'health' is a built-in pack\" '$W/err'"
tar -C "$W" -czf "$W/acme.tar.gz" acme
run plugin add "$W/acme.tar.gz"
check "a sealed pack as .tar.gz installs too" "exit $RC: $(cat "$W/err")" test $RC -eq 0

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
