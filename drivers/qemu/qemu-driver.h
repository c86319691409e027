/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The QEMU/KVM driver (qemu:///embed?root=DIR in-process).
 */
#ifndef VK_DRIVERS_QEMU_DRIVER_H
#define VK_DRIVERS_QEMU_DRIVER_H

/* Adds the QEMU driver to the connect driver registry.  It accepts only
 * qemu:///embed?root=DIR and, only after vkQemuDriverSetPrivileged (in
 * virtkitd), qemu:///system; it declines every other qemu URI, so the
 * remote driver (registered after it) takes qemu:///system elsewhere. */
int vkQemuDriverRegister(void);

/* Called by virtkitd only: from now on the driver also accepts
 * qemu:///system in this process.  Its files live under root
 * (root/{etc,run,log,save}) when root or the environment variable
 * VIRTKIT_QEMU_ROOT names one, else in /etc/virtkit/qemu,
 * /run/virtkit/qemu, /var/log/virtkit/qemu and /var/lib/virtkit/qemu.
 * Creates the driver state at once when those directories exist (or a
 * root was given): guests still running from an earlier daemon are
 * reattached, autostart domains are started; otherwise at the first
 * qemu:///system open. */
int vkQemuDriverSetPrivileged(const char *root);

#endif
