#!/bin/sh
# Fetches libvirt's own test data (Debian's libvirt source package, the
# version installed here) into a cache outside the repository, for the
# corpus comparisons (tests/corpus) and the wire check (tests/compat reads
# src/remote/*.x).  The files are data to compare against, never part of
# virtkit.  Only the tests/ data folders, the schemas and the protocol
# descriptions are kept.  Idempotent: returns at once when the cache is
# complete; a cache made before the .x files were kept gets only those added.
# Prints the corpus directory on success.
set -e
CACHE=${VIRTKIT_TESTBED_CACHE:-/var/cache/virtkit-testbed}
VER=$(dpkg-query -W -f='${source:Version}' libvirt0 2>/dev/null || true)
[ -n "$VER" ] || { echo "fetch-libvirt-corpus: libvirt0 is not installed" >&2; exit 1; }
DEST="$CACHE/libvirt-src-$VER"
if [ -f "$DEST/.complete" ] && [ -f "$DEST/src/remote/remote_protocol.x" ]; then
    echo "$DEST/tests"
    exit 0
fi

SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
chmod 755 "$WORK"
# A private apt configuration: the host's sources stay as they are (no
# deb-src line is added to the system).
mkdir -p "$WORK/state/lists/partial" "$WORK/cache/archives/partial"
. /etc/os-release
cat > "$WORK/sources.list" <<SRC
deb-src http://deb.debian.org/debian $VERSION_CODENAME main
deb-src http://deb.debian.org/debian $VERSION_CODENAME-updates main
deb-src http://deb.debian.org/debian-security $VERSION_CODENAME-security main
SRC
APT="-o Dir::Etc::SourceList=$WORK/sources.list -o Dir::Etc::SourceParts=/dev/null
     -o Dir::State=$WORK/state -o Dir::Cache=$WORK/cache -o APT::Sandbox::User=root -q"
apt-get $APT update >/dev/null
cd "$WORK"
apt-get $APT source --download-only "libvirt=$VER" >/dev/null
ORIG=$(ls libvirt_*.orig.tar.xz | head -n1)
if [ -f "$DEST/.complete" ]; then
    tar -xJf "$ORIG" --wildcards '*/src/remote/*.x'
    SRCDIR=$(ls -d libvirt-*/ | head -n1)
    $SUDO mkdir -p "$DEST/src/remote"
    $SUDO cp -a "$SRCDIR/src/remote/." "$DEST/src/remote/"
    echo "$DEST/tests"
    exit 0
fi
tar -xJf "$ORIG" --wildcards '*/tests/*data*' '*/tests/*xml2xml*' '*/tests/*in/*' \
    '*/tests/*out/*' '*/src/conf/schemas/*' '*/src/remote/*.x' 2>/dev/null || true
SRCDIR=$(ls -d libvirt-*/ | head -n1)
[ -d "$SRCDIR/tests/qemuxml2argvdata" ] || { echo "fetch-libvirt-corpus: no tests/ in $ORIG" >&2; exit 1; }
$SUDO rm -rf "$DEST.new"
$SUDO mkdir -p "$DEST.new"
$SUDO cp -a "$SRCDIR/." "$DEST.new/"
$SUDO touch "$DEST.new/.complete"
$SUDO rm -rf "$DEST"
$SUDO mv "$DEST.new" "$DEST"
echo "$DEST/tests"
