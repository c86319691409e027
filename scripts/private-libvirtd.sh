#!/bin/sh
# A private libvirtd 9.0 (Debian's) with one hypervisor driver, to compare
# virtkit against: bench/run-qemu.sh, bench/run-lxc.sh and
# tests/qemu/test-qemu-console-libvirtd.py run it.
#
#   scripts/private-libvirtd.sh DIR qemu|lxc|network
#   PRIVATE_LIBVIRTD_EXTRA_DRIVERS="storage" scripts/private-libvirtd.sh DIR qemu
#
# DIR is an empty directory the caller made (and removes afterwards).  The
# script fills it and then becomes libvirtd, in the foreground, in a mount
# namespace of its own (unshare -m): the caller owns the process and
# terminates it to stop it; with NOTIFY_SOCKET set, libvirtd's sd_notify
# READY=1 says when it serves.  Socket: DIR/sock/libvirt-sock; output:
# DIR/libvirtd.log.
#
# Inside the namespace: a private /etc/libvirt (libvirtd.conf with its own
# unix_sock_dir and no auth; qemu.conf or lxc.conf without a security
# driver), tmpfs/bind mounts over /run/libvirt and /var/lib|cache|log/
# libvirt, and LIBVIRT_DRIVER_DIR holding only the one driver.  For QEMU:
# user/group root, no namespaces or cgroups, stdio_handler file (no
# virtlogd), and a private /etc/passwd and /etc/group adding libvirt-qemu
# (the driver resolves its compiled-in default user before reading
# qemu.conf).  For LXC: this host's hybrid cgroup layout (v1 controllers
# plus an empty cgroup2 at /sys/fs/cgroup/unified) makes libvirt 9.0 fail,
# so the cgroup2 mount is unmounted in the namespace only.  Nothing of the
# host is touched.
set -eu

[ $# = 2 ] || { echo "usage: $0 DIR qemu|lxc|network" >&2; exit 2; }
dir=$1
driver=$2
drvdir=/usr/lib/x86_64-linux-gnu/libvirt/connection-driver
case $driver in
    qemu|lxc) sos="$drvdir/libvirt_driver_$driver.so" ;;
    # network: the QEMU driver with its network driver (qemu:///system
    # serves net-*, as for virtkitd); the caller runs this script inside a
    # network namespace of its own, since libvirt's network driver changes
    # links and firewall rules
    network) sos="$drvdir/libvirt_driver_qemu.so $drvdir/libvirt_driver_network.so"
             driver=qemu ;;
    *) echo "$0: unknown driver '$driver'" >&2; exit 2 ;;
esac
# extra connection drivers beside the one named (e.g. "storage" for the
# storage benchmark)
for extra in ${PRIVATE_LIBVIRTD_EXTRA_DRIVERS:-}; do
    sos="$sos $drvdir/libvirt_driver_$extra.so"
done
for so in $sos; do
    [ -e "$so" ] || { echo "$0: $so is not installed" >&2; exit 1; }
done

chmod 755 "$dir"
for sub in etc sock drv lib cache log; do
    mkdir "$dir/$sub"
done
for so in $sos; do
    ln -s "$so" "$dir/drv/"
done
cat > "$dir/etc/libvirtd.conf" <<CONF
unix_sock_dir = "$dir/sock"
auth_unix_rw = "none"
auth_unix_ro = "none"
listen_tls = 0
listen_tcp = 0
CONF
# extra libvirtd.conf lines from the caller (the benchmarks set the same
# limits for both daemons they compare)
[ -z "${LIBVIRTD_EXTRA_CONF:-}" ] || printf '%s\n' "$LIBVIRTD_EXTRA_CONF" >> "$dir/etc/libvirtd.conf"

if [ "$driver" = qemu ]; then
    cat > "$dir/etc/qemu.conf" <<'CONF'
user = "root"
group = "root"
dynamic_ownership = 0
remember_owner = 0
security_driver = "none"
namespaces = [ ]
cgroup_controllers = [ ]
stdio_handler = "file"
CONF
    cp /etc/passwd "$dir/passwd"
    cp /etc/group "$dir/group"
    grep -q '^libvirt-qemu:' "$dir/passwd" ||
        echo 'libvirt-qemu:x:64055:64055:Libvirt Qemu:/var/lib/libvirt:/usr/sbin/nologin' \
            >> "$dir/passwd"
    grep -q '^libvirt-qemu:' "$dir/group" || echo 'libvirt-qemu:x:64055:' >> "$dir/group"
    grep -q '^kvm:' "$dir/group" || echo 'kvm:x:64054:' >> "$dir/group"
    accounts="mount --bind $dir/passwd /etc/passwd
mount --bind $dir/group /etc/group"
    cgroups=
else
    echo 'security_driver = "none"' > "$dir/etc/lxc.conf"
    accounts=
    cgroups="if mountpoint -q /sys/fs/cgroup/unified; then umount /sys/fs/cgroup/unified; fi"
fi

cat > "$dir/start.sh" <<START
set -e
$accounts
mount --bind $dir/etc /etc/libvirt
mkdir -p /var/lib/libvirt /var/cache/libvirt /var/log/libvirt /run/libvirt
mount -t tmpfs tmpfs /run/libvirt
mount --bind $dir/lib /var/lib/libvirt
mount --bind $dir/cache /var/cache/libvirt
mount --bind $dir/log /var/log/libvirt
$cgroups
exec /usr/sbin/libvirtd --config /etc/libvirt/libvirtd.conf --pid-file $dir/pid
START

LIBVIRT_DRIVER_DIR=$dir/drv
export LIBVIRT_DRIVER_DIR
exec unshare --mount --propagation private sh "$dir/start.sh" >> "$dir/libvirtd.log" 2>&1
