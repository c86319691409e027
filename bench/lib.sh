# SPDX-License-Identifier: LGPL-2.1-or-later
# Sourced by bench/run-qemu.sh and bench/run-lxc.sh (with set -eu): the
# build they time and the host they need.
#
#   bench_prepare NAME BUILD_DIR TARGET...
#
# Sets $src and $build (absolute: libvirtd's QEMU opens the guest's kernel
# from its own working directory).  An empty BUILD_DIR means a release
# build in build-bench/; the targets are built unless NO_BUILD is set, and
# must then exist.  Needs root and Debian's libvirtd (private libvirtd,
# unshare -m).

bench_prepare() {
    name=$1
    build=$2
    shift 2
    src=$(cd "$(dirname "$0")/.." && pwd)
    if [ -z "$build" ]; then
        build=$src/build-bench
        [ -f "$build/build.ninja" ] ||
            meson setup "$build" "$src" -Dbuildtype=release >/dev/null
    fi
    if [ -z "${NO_BUILD:-}" ]; then
        ninja -C "$build" "$@" >&2
    fi
    build=$(cd "$build" && pwd)
    for f in "$@"; do
        [ -e "$build/$f" ] || { echo "$name: $build/$f is missing" >&2; exit 1; }
    done
    [ -x /usr/sbin/libvirtd ] || { echo "$name: /usr/sbin/libvirtd is not installed" >&2; exit 1; }
    [ "$(id -u)" = 0 ] || { echo "$name: needs root (private libvirtd, unshare -m)" >&2; exit 1; }
}
