/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Compatibility header, see libvirt.h beside it. */
#ifndef VIRTKIT_COMPAT_VIRTERROR_H
#define VIRTKIT_COMPAT_VIRTERROR_H
#include <virtkit/virtkit.h>
#endif
