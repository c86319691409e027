/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Compatibility header: programs written for libvirt-admin include
 * <libvirt/libvirt-admin.h>; with -I pointing at this folder's parent
 * they get virtkit's declarations of the same API. */
#ifndef VIRTKIT_COMPAT_LIBVIRT_ADMIN_H
#define VIRTKIT_COMPAT_LIBVIRT_ADMIN_H
#include <virtkit/virtkit-admin.h>
#endif
