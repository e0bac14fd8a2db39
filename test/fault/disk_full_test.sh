#!/usr/bin/env bash
# Disk full for the database and the bundle/report writers. The database and the outputs live
# on a small filesystem (tmpfs; else a loop-mounted ext2 image; else RLIMIT_FSIZE, said in the
# output; if none of the three can be set up the test FAILS, it never skips). After a first
# scan succeeds, the filesystem is filled, then:
#  - a scan fails with an error that names the database path and the cause, and no half-written
#    report is left;
#  - `bundle create` fails naming the bundle path, and leaves neither the bundle nor a temp file;
#  - once space is back, the database passes `PRAGMA integrity_check`, still holds exactly the
#    first scan, and a new scan is recorded.
# usage: disk_full_test.sh KPATROL
set -uo pipefail
KP=$(realpath "${1:?kpatrol binary}")
T=$(mktemp -d "${TMPDIR:-/tmp}/kpatrol-disk-full.XXXXXX")
M=$T/mnt
MOUNTED=
LOOP=
cleanup() {
  if [ -n "$MOUNTED" ]; then umount "$M" 2>/dev/null || umount -l "$M" 2>/dev/null; fi
  if [ -n "$LOOP" ]; then losetup -d "$LOOP" 2>/dev/null; fi
  rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
export HOME=$T/home NO_COLOR=1
mkdir -p "$HOME" "$M"

pass=0
failed=0
ok() { pass=$((pass + 1)); echo "ok   - $1"; }
bad() {
  failed=$((failed + 1))
  echo "FAIL - $1"
  if [ -n "${2:-}" ] && [ -f "$2" ]; then sed 's/^/       /' "$2" | head -25; fi
}

SIZE_KB=32768  # room for two demo scans with their reports; the filler takes the rest
mode=
# KPATROL_DISK_FULL_MODE=fsize forces the fallback (to test it on a machine where mount works).
if [ "${KPATROL_DISK_FULL_MODE:-}" = fsize ]; then
  echo "forced by KPATROL_DISK_FULL_MODE" >"$T/mount.err"
  mode=fsize
elif mount -t tmpfs -o size=${SIZE_KB}k,mode=0700 kpatrol-disk-full "$M" 2>"$T/mount.err"; then
  mode=tmpfs MOUNTED=1
elif command -v mkfs.ext2 >/dev/null && truncate -s ${SIZE_KB}k "$T/fs.img" &&
  mkfs.ext2 -q -F "$T/fs.img" >/dev/null 2>&1 && LOOP=$(losetup -f --show "$T/fs.img" 2>/dev/null) &&
  mount "$LOOP" "$M" 2>>"$T/mount.err"; then
  mode=loop MOUNTED=1
else
  mode=fsize
fi
echo "# disk-full mode: $mode ($(cat "$T/mount.err" 2>/dev/null | head -1))"

# kp NAME ARGS...: kpatrol, output in $T/NAME.out/.err, status in RC. In fsize mode the files
# it writes are limited to FSIZE_KB (SIGXFSZ ignored, so writes fail with EFBIG).
FSIZE_KB=unlimited
kp() {
  local name=$1
  shift
  (
    trap '' XFSZ
    ulimit -f "$FSIZE_KB"
    exec timeout 300 "$KP" "$@"
  ) >"$T/$name.out" 2>"$T/$name.err"
  RC=$?
}
scans() { sqlite3 "$M/kp.db" 'SELECT count(*) FROM scans;' 2>&1; }

kp first --db "$M/kp.db" --out "$M/reports1" scan --demo --quiet
[ "$RC" = 0 ] && ok "first scan on the small filesystem (exit 0)" || bad "first scan: exit $RC" "$T/first.err"
[ "$(scans)" = 1 ] && ok "first scan recorded" || bad "scans after the first: $(scans)"

# Fill the filesystem (or, in fsize mode, cap file sizes below what a scan needs).
if [ "$mode" = fsize ]; then
  FSIZE_KB=1
  ok "RLIMIT_FSIZE fallback: file writes capped at 1 KiB (mount failed: $(head -c 200 "$T/mount.err"))"
else
  dd if=/dev/zero of="$M/filler" bs=64k 2>/dev/null
  dd if=/dev/zero of="$M/filler2" bs=1k 2>/dev/null
  avail=$(df -Pk "$M" | awk 'NR == 2 {print $4}')
  [ "${avail:-1}" = 0 ] && ok "$mode filesystem full (0 KiB available)" || bad "filesystem not full: ${avail} KiB left"
fi

kp second --db "$M/kp.db" --out "$M/reports2" scan --demo --quiet
[ "$RC" != 0 ] && ok "scan on a full disk fails (exit $RC)" || bad "scan on a full disk: exit 0" "$T/second.err"
if grep -qF "$M/kp.db" "$T/second.err" || grep -qF "$M/reports2" "$T/second.err"; then
  ok "the error names the path ($(grep -m1 -oF "$M/" "$T/second.err" >/dev/null && grep -m1 . "$T/second.err" | cut -c1-150))"
else
  bad "the error does not name the database or report path" "$T/second.err"
fi
grep -qiE "no space left|file too large" "$T/second.err" && ok "the error says why (disk full)" ||
  bad "the error does not give the cause" "$T/second.err"
half=$(find "$M/reports2" -type f -name 'kpatrol-scan-*' 2>/dev/null | while read -r f; do
  jq -e . "$f" >/dev/null 2>&1 || echo "$f"; done)
[ -z "$half" ] && ok "no half-written report left" || bad "half-written reports: $half"

# The database elsewhere, the reports on the full disk: the report writer fails cleanly.
kp reports --db "$T/elsewhere.db" --out "$M/reports4" scan --demo --quiet --format json,html,sarif
[ "$RC" != 0 ] && ok "reports on a full disk: the scan fails (exit $RC)" || bad "reports on a full disk: exit 0" "$T/reports.err"
if [ "$mode" = fsize ] && grep -qF "$T/elsewhere.db" "$T/reports.err"; then
  ok "fsize mode caps every file: the database elsewhere fails first, named ($(head -c 120 "$T/reports.err"))"
elif grep -qF "$M/reports4" "$T/reports.err"; then
  ok "the report error names the path ($(head -c 160 "$T/reports.err"))"
else
  bad "report error without path" "$T/reports.err"
fi
partial=$(find "$M/reports4" -type f 2>/dev/null | while read -r f; do
  case $f in *.json | *.sarif) jq -e . "$f" >/dev/null 2>&1 || echo "$f" ;; *.html) grep -q '</html>' "$f" || echo "$f" ;; esac
done)
[ -z "$partial" ] && ok "no truncated report left ($(find "$M/reports4" -type f 2>/dev/null | wc -l) complete files)" ||
  bad "truncated reports left: $partial"

kp bundle bundle create --demo -o "$M/b.tar.gz"
[ "$RC" != 0 ] && ok "bundle create on a full disk fails (exit $RC)" || bad "bundle create: exit 0" "$T/bundle.err"
grep -qF "$M/b.tar.gz" "$T/bundle.err" && ok "the bundle error names the path" || bad "bundle error without path" "$T/bundle.err"
[ ! -e "$M/b.tar.gz" ] && ok "no bundle file left" || bad "a bundle file was left on a full disk"
leftover=$(find "$M" -name '.kpatrol-tmp-*' 2>/dev/null)
[ -z "$leftover" ] && ok "no temporary files left" || bad "temporary files left: $leftover"

# Space back: the previous database is intact and usable.
rm -f "$M/filler" "$M/filler2"
FSIZE_KB=unlimited
r=$(sqlite3 "$M/kp.db" 'PRAGMA integrity_check;' 2>&1)
[ "$r" = ok ] && ok "database integrity_check ok after the failed scan" || bad "integrity_check: $r"
[ "$(scans)" = 1 ] && ok "database still holds exactly the first scan" || bad "scans after the failure: $(scans)"
kp third --db "$M/kp.db" --out "$M/reports3" scan --demo --quiet
[ "$RC" = 0 ] && [ "$(scans)" = 2 ] && ok "a scan after space is freed is recorded" ||
  bad "scan after freeing: exit $RC, scans $(scans)" "$T/third.err"
echo "$pass passed, $failed failed ($mode)"
[ "$failed" = 0 ]
