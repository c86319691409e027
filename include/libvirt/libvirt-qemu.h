/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Compatibility header: programs written for libvirt's qemu-specific API
 * include <libvirt/libvirt-qemu.h>; with -I pointing at this folder's parent
 * they get virtkit's declarations of the same functions. */
#ifndef VIRTKIT_COMPAT_LIBVIRT_QEMU_H
#define VIRTKIT_COMPAT_LIBVIRT_QEMU_H
#include <virtkit/virtkit-qemu.h>
#endif
