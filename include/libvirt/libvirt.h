/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Compatibility header: programs written for libvirt include
 * <libvirt/libvirt.h>; with -I pointing at this folder's parent they get
 * virtkit's declarations of the same API. */
#ifndef VIRTKIT_COMPAT_LIBVIRT_H
#define VIRTKIT_COMPAT_LIBVIRT_H
#include <virtkit/virtkit.h>
#endif
