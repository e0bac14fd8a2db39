#!/usr/bin/env bash
# Builds the kpatrol container image without a container engine (none runs on the build
# machines): mmdebstrap makes a Debian bookworm root filesystem with the runtime packages
# (runtime-packages.txt), the binary and a non-root user (10001) are added, and umoci writes an
# OCI image layout that any registry client can push (skopeo copy oci:DIR:TAG docker://...).
#
#   deploy/image/build-image.sh --binary build/bin/kpatrol --out image/
#
# Outputs under --out: rootfs/ (the root filesystem, for the smoke test) and oci/ (the OCI image
# layout, tag kpatrol:<version>). Needs root (or fakeroot-capable mmdebstrap modes), mmdebstrap
# and umoci (Debian packages) and Debian's package mirror.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
binary="" out="" suite="bookworm" mirror="${KPATROL_DEBIAN_MIRROR:-}"
usage() {
  sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'
  echo "options: --binary FILE (required) --out DIR (required) [--suite bookworm] [--mirror URL]"
}
while [[ $# -gt 0 ]]; do
  case "$1" in
    --binary) binary=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --suite) suite=$2; shift 2 ;;
    --mirror) mirror=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "build-image.sh: unknown option '$1'" >&2; usage >&2; exit 2 ;;
  esac
done
[[ -n "$binary" && -n "$out" ]] || { usage >&2; exit 2; }
[[ -x "$binary" ]] || { echo "build-image.sh: $binary is not an executable" >&2; exit 2; }
for tool in mmdebstrap umoci; do
  command -v "$tool" >/dev/null || { echo "build-image.sh: $tool not found (apt-get install $tool)" >&2; exit 2; }
done

version=$("$binary" version | awk '{print $2}')
mkdir -p "$out"
out=$(cd "$out" && pwd)
rootfs="$out/rootfs"
rm -rf "$rootfs" "$out/oci" "$out/bundle"

# 1. The root filesystem: bookworm, apt's minimal variant, the runtime libraries only. Docs,
#    man pages and the apt lists are left out, as in debian:bookworm-slim.
packages=$(grep -v '^#' "$here/runtime-packages.txt" | xargs | tr ' ' ',')
mmdebstrap --variant=apt --include="$packages" \
  --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*' \
  --dpkgopt='path-exclude=/usr/share/locale/*' \
  --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*' \
  "$suite" "$rootfs" ${mirror:+"$mirror"}

# 2. The binary and the non-root user the CronJob runs as (deploy/base/cronjob.yaml).
install -m 0755 "$binary" "$rootfs/usr/bin/kpatrol"
chroot "$rootfs" groupadd --gid 10001 kpatrol
chroot "$rootfs" useradd --uid 10001 --gid 10001 --home-dir /var/lib/kpatrol --create-home \
  --shell /usr/sbin/nologin kpatrol

# 3. The OCI image layout: one layer with the whole root filesystem.
umoci init --layout "$out/oci"
umoci new --image "$out/oci:$version"
umoci unpack --image "$out/oci:$version" "$out/bundle"
rm -rf "$out/bundle/rootfs"
cp -a "$rootfs" "$out/bundle/rootfs"
umoci repack --image "$out/oci:$version" "$out/bundle"
umoci config --image "$out/oci:$version" --config.user 10001:10001 \
  --config.workingdir /var/lib/kpatrol --config.entrypoint /usr/bin/kpatrol \
  --config.cmd --help --config.env PATH=/usr/sbin:/usr/bin:/sbin:/bin \
  --architecture amd64 --os linux
rm -rf "$out/bundle"
umoci ls --layout "$out/oci"
echo "build-image.sh: image $version in $out/oci ($(du -sh "$out/oci" | cut -f1)); root filesystem in $rootfs"
