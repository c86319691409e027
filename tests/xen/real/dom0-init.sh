#!/bin/busybox sh
# PID 1 of dom0 in the nested Xen that tests/xen/real boots.  It brings up
# what a Xen host's boot would (the Xen device modules, xenfs, xenstored,
# dom0's own XenStore entries), then runs virtkit against xen:///system.
# Each step's output goes to the serial console between markers, which
# test-xen-real.py parses and checks outside the VM: nothing is judged
# here.  A PV guest (dom0's kernel, a busybox initramfs) created paused
# by `xl create -p` gives something to resume, pause and destroy; its
# birth and death are the lifecycle events the listener program prints.
export PATH=/bin:/sbin:/usr/bin:/usr/sbin:/usr/lib/xen-4.17/bin
export LD_LIBRARY_PATH=/lib/x86_64-linux-gnu
# for a sanitizer build of virtkit: its reports must not go unnoticed
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t tmpfs tmp /tmp
mkdir -p /dev/pts
mount -t devpts devpts /dev/pts
mkdir -p /run/xenstored /run/xen /var/lib/xenstored /var/lib/xen /var/log/xen
ln -s /run /var/run
dmesg -n 1

step() {
    name=$1
    shift
    echo "@@VK-BEGIN $name"
    "$@" 2>&1
    echo "@@VK-END $name rc=$?"
}

fail() {
    echo "@@VK-FATAL $*"
    echo "@@VK-DONE"
    poweroff -f
}

for m in xen-evtchn xen-privcmd xenfs xen-gntdev xen-gntalloc; do
    insmod /modules/$m.ko || fail "insmod $m"
done
mount -t xenfs xenfs /proc/xen || fail "mount xenfs"
xenstored --pid-file /run/xenstored.pid || fail "xenstored"
xen-init-dom0 >/dev/null 2>&1 || fail "xen-init-dom0"
# xl waits for the console daemon to publish each guest's console
mkdir -p /var/log/xen/console
xenconsoled --pid-file=/run/xenconsoled.pid || fail "xenconsoled"

step xl-info xl info
step xl-list xl list
step version virtkit -c xen:///system version
step nodeinfo virtkit -c xen:///system nodeinfo
step capabilities virtkit -c xen:///system capabilities
step list virtkit -c xen:///system list --all
step dominfo-0 virtkit -c xen:///system dominfo 0
step dominfo-name virtkit -c xen:///system dominfo Domain-0
step domuuid-0 virtkit -c xen:///system domuuid Domain-0
step xl-list-dom0 xl list -v 0

# A guest: the lifecycle events it causes are what the listener prints.
xen-event-listener vk-guest 60 > /tmp/events.log 2>&1 &
listener=$!
n=0
until grep -q '^READY' /tmp/events.log; do
    n=$((n + 1))
    [ $n -gt 300 ] && break
    usleep 20000
done
step guest-create xl create -p -e /etc/vk-guest.cfg
step guest-list virtkit -c xen:///system list --all
step guest-dominfo virtkit -c xen:///system dominfo vk-guest
step guest-xl-list xl list -v vk-guest
step guest-xs-vm sh -c 'xenstore-read /local/domain/$(xl domid vk-guest)/vm'
step guest-resume virtkit -c xen:///system resume vk-guest
step guest-state-resumed virtkit -c xen:///system domstate vk-guest
step guest-suspend virtkit -c xen:///system suspend vk-guest
step guest-state-suspended virtkit -c xen:///system domstate vk-guest
step guest-setmaxmem virtkit -c xen:///system setmaxmem vk-guest 65536
step guest-maxmem virtkit -c xen:///system dominfo vk-guest
step guest-setmem virtkit -c xen:///system setmem vk-guest 49152
step guest-target sh -c 'xenstore-read /local/domain/$(xl domid vk-guest)/memory/target'
step guest-setmem-over virtkit -c xen:///system setmem vk-guest 70000
step guest-destroy virtkit -c xen:///system destroy vk-guest
step guest-list-after virtkit -c xen:///system list --all
step guest-dominfo-after virtkit -c xen:///system dominfo vk-guest
step nosuch virtkit -c xen:///system dominfo no-such-domain
# the listener leaves once it has seen the guest stop (or on its timeout)
wait $listener
step events cat /tmp/events.log
echo "@@VK-DONE"
poweroff -f
