#!/bin/sh
# Fetches what tests/xen/real boots under QEMU: the Xen 4.17 hypervisor,
# Xen's user tools (xenstored, xl, xenstore clients) and Debian's generic
# kernel (the cloud kernel has no dom0 support).  The packages are only
# unpacked (dpkg-deb -x) into a cache directory, never installed: their
# maintainer scripts expect to run on a Xen host.  Idempotent; returns at
# once when the cache is complete.
set -e
CACHE=${VIRTKIT_TESTBED_CACHE:-/var/cache/virtkit-testbed}
DEST="$CACHE/xen"
[ -f "$DEST/.complete" ] && exit 0

SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo
$SUDO mkdir -p "$DEST"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
chmod 755 "$WORK"               # apt-get download runs as _apt
cd "$WORK"
# the generic kernel's versioned package name, as the meta-package names it
KPKG=$(apt-cache depends linux-image-amd64 | sed -n 's/^ *Depends: \(linux-image-[0-9].*-amd64\)$/\1/p' | head -n1)
[ -n "$KPKG" ] || { echo "fetch-xen-testbed: no generic kernel package found" >&2; exit 1; }
apt-get download -q -o APT::Sandbox::User=root xen-hypervisor-4.17-amd64 xen-utils-4.17 xen-utils-common \
    xenstore-utils "$KPKG"
ROOT="$WORK/root"
for deb in ./*.deb; do
    dpkg-deb -x "$deb" "$ROOT"
done
# of the kernel's 400 MB only the Xen modules are needed
for moddir in "$ROOT"/lib/modules/*; do
    mv "$moddir/kernel/drivers/xen" "$WORK/xenmods"
    rm -rf "$moddir"
    mkdir -p "$moddir/kernel/drivers"
    mv "$WORK/xenmods" "$moddir/kernel/drivers/xen"
done
$SUDO rm -rf "$DEST.new"
$SUDO mkdir -p "$DEST.new"
$SUDO cp -a "$ROOT/." "$DEST.new/"
# the hypervisor as QEMU's -kernel wants it: a multiboot ELF, not gzip
gzip -dc "$ROOT"/boot/xen-4.17-amd64.gz | $SUDO tee "$DEST.new/xen.elf" >/dev/null
$SUDO cp "$ROOT"/boot/vmlinuz-* "$DEST.new/vmlinuz"
$SUDO touch "$DEST.new/.complete"
$SUDO rm -rf "$DEST"
$SUDO mv "$DEST.new" "$DEST"
