#!/usr/bin/env bash
# Builds the container image without a container engine (deploy/image/build-image.sh: mmdebstrap
# + umoci) and runs kpatrol inside its root filesystem as the image's non-root user: `version` and
# a demo scan. Slow (it downloads the runtime packages from Debian's mirror): labelled `slow`.
# Usage: image_test.sh KPATROL_BINARY
set -uo pipefail
BIN=$1
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
W=$(mktemp -d /tmp/kpatrol-image.XXXXXX)
trap 'rm -rf "$W"' EXIT
passed=0 failed=0
ok() { echo "ok - $1"; passed=$((passed + 1)); }
not_ok() { echo "not ok - $1: $2"; failed=$((failed + 1)); }
check() { local name=$1 detail=$2; shift 2; if "$@"; then ok "$name"; else not_ok "$name" "$detail"; fi; }
jqe() { jq -e "$@" > /dev/null 2>&1; }  # a jq condition as a check

if "$ROOT/deploy/image/build-image.sh" --binary "$BIN" --out "$W/image" > "$W/build.log" 2>&1; then
  ok "build-image.sh builds the root filesystem and the OCI layout"
else
  not_ok "build-image.sh builds the root filesystem and the OCI layout" "$(tail -5 "$W/build.log")"
  echo "$passed passed, $failed failed"
  exit 1
fi
RFS=$W/image/rootfs
VERSION=$("$BIN" version | awk '{print $2}')
as_user() { chroot --userspec=10001:10001 "$RFS" env HOME=/var/lib/kpatrol "$@"; }

out=$(as_user /usr/bin/kpatrol version 2>&1)
check "kpatrol version runs inside the image as uid 10001" "$out" \
  grep -q "^kpatrol $VERSION " <<< "$out"
as_user /usr/bin/kpatrol scan --demo --db /tmp/demo.db --out /tmp/reports --format json,html -q > "$W/scan.out" 2>&1
rc=$?
check "the demo scan completes inside the image (exit 0)" "exit $rc: $(head -c 300 "$W/scan.out")" test $rc -eq 0
check "the scan wrote its JSON and HTML reports as the non-root user" \
  "$(ls -l "$RFS/tmp/reports" 2>&1)" \
  bash -c "[ -s '$RFS/tmp/reports/kpatrol-scan-1.json' ] && [ -s '$RFS/tmp/reports/kpatrol-scan-1.html' ] && [ \"\$(stat -c %u '$RFS/tmp/reports/kpatrol-scan-1.json')\" = 10001 ]"
check "the report says the scan is complete" "$(jq -c .scan "$RFS/tmp/reports/kpatrol-scan-1.json" 2>&1 | head -c 200)" \
  jqe '.scan.complete == true and (.findings | length) > 100' "$RFS/tmp/reports/kpatrol-scan-1.json"
missing=$(chroot "$RFS" sh -c 'ldd /usr/bin/kpatrol | grep "not found"')
check "every shared library of the binary is in the image" "$missing" test -z "$missing"

# The OCI layout: the tag, and a config that runs the entrypoint as the non-root user.
index=$W/image/oci/index.json
check "the OCI layout is tagged $VERSION" "$(jq -c '.manifests[].annotations' "$index" 2>&1)" \
  jqe --arg v "$VERSION" 'any(.manifests[]; .annotations["org.opencontainers.image.ref.name"] == $v)' "$index"
manifest=$W/image/oci/blobs/sha256/$(jq -r '.manifests[0].digest' "$index" | cut -d: -f2)
config=$W/image/oci/blobs/sha256/$(jq -r '.config.digest' "$manifest" | cut -d: -f2)
check "the image config runs /usr/bin/kpatrol as 10001:10001" "$(jq -c .config "$config" 2>&1)" \
  jqe '.config.User == "10001:10001" and .config.Entrypoint == ["/usr/bin/kpatrol"] and .architecture == "amd64"' "$config"
check "the image has one layer with the root filesystem" "$(jq -c '.layers | length' "$manifest")" \
  jqe '(.layers | length) == 1' "$manifest"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
