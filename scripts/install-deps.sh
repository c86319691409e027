#!/bin/sh
# Installs what building and testing virtkit needs on Debian 12.
# Runs apt-get as root, or through sudo when available.
set -e
SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get -o DPkg::Lock::Timeout=600 update -q
$SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends \
    gcc meson ninja-build pkg-config python3 \
    libglib2.0-dev libxml2-dev libreadline-dev libcmocka-dev \
    libvirt-dev libvirt0 libvirt-clients libxml2-utils \
    libtirpc-dev libgnutls28-dev
# The real libvirt peers the compatibility tests talk to: libvirtd (test
# driver), python3-libvirt, and certtool for the TLS tests' certificates.
$SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends \
    libvirt-daemon python3-libvirt gnutls-bin openssl iproute2
# QEMU driver: the emulator, qemu-img, yajl for QMP, binutils for the micro-guest.
$SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends \
    qemu-system-x86 qemu-utils libyajl-dev binutils
# UEFI guests: OVMF and the firmware descriptors (/usr/share/qemu/firmware)
# that <os firmware='efi'> is resolved through.
$SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends ovmf
# Perl's (Sys::Virt) and Go's (libvirt-go, built with cgo) bindings loaded
# on virtkit's libvirt.so.0: tests/compat.
$SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends \
    libsys-virt-perl golang-go golang-github-libvirt-libvirt-go-dev
# virt-install and virt-manager (headless under xvfb-run) against virtkitd: tests/compat2.
$SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends \
    virtinst virt-manager xvfb xauth
# virtual networks (drivers/network): dnsmasq for DHCP/DNS, nft for NAT and
# forwarding rules; tests/network runs them inside its own network namespaces;
# iptables only for libvirt 9.0's network driver in bench/run-network.sh
$SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends \
    dnsmasq-base nftables iptables
# virtkitd in libvirtd's place (tests/daemon: systemd-socket-activate) and
# the ssh transport through a real sshd (tests/remote-driver/test-ssh.py)
$SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends \
    systemd openssh-server openssh-client netcat-openbsd
# storage pools of type disk (parted) and logical (lvm2) on loop devices,
# and scrub for vol-wipe's named algorithms (tests/storage)
$SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends \
    parted fdisk lvm2 scrub
# real containers for tests/lxc (busybox root filesystem)
$SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends busybox-static
# Xen driver: libxenctrl and libxenstore headers (optional at build time, -Dxen=auto).
$SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends libxen-dev
# a real Linux guest for tests/qemu/test-qemu-linux (Debian's cloud kernel,
# booted under TCG with a busybox-static initramfs the test builds)
$SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends linux-image-cloud-amd64
# the real QEMU guest agent, copied into that guest's initramfs by
# tests/qemu/agentguest.py (tests/qemu/test-qemu-agent-daemon.py)
$SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends qemu-guest-agent
# tests/xen/real boots a real Xen 4.17 nested under QEMU: the hypervisor,
# Xen's tools and the generic (dom0-capable) kernel, unpacked into a cache
# directory without installing them (cached: instant on a second run).
"$(dirname "$0")/fetch-xen-testbed.sh"
# libvirt 9.0's own test data (its source package's tests/ folders) for
# the corpus comparisons in tests/corpus, unpacked into the same cache.
"$(dirname "$0")/fetch-libvirt-corpus.sh" >/dev/null
