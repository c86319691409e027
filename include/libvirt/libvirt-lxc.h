/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Compatibility header: programs written for libvirt's lxc-specific API
 * include <libvirt/libvirt-lxc.h>; with -I pointing at this folder's parent
 * they get virtkit's declarations of the same functions. */
#ifndef VIRTKIT_COMPAT_LIBVIRT_LXC_H
#define VIRTKIT_COMPAT_LIBVIRT_LXC_H
#include <virtkit/virtkit-lxc.h>
#endif
