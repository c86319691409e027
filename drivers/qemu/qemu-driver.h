/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The QEMU/KVM driver (qemu:///embed?root=DIR in-process).
 */
#ifndef VK_DRIVERS_QEMU_DRIVER_H
#define VK_DRIVERS_QEMU_DRIVER_H

/* Adds the QEMU driver to the connect and state driver registries.  It
 * accepts only qemu:///embed?root=DIR and, once virtkitd has started its
 * state driver, qemu:///system; it declines every other qemu URI, so the
 * remote driver (registered after it) takes qemu:///system elsewhere.
 *
 * The state driver's option --qemu-root=DIR puts qemu:///system's files
 * under DIR/{etc,run,log,save} (default: VIRTKIT_QEMU_ROOT, else
 * /etc/virtkit/qemu, /run/virtkit/qemu, /var/log/virtkit/qemu and
 * /var/lib/virtkit/qemu/save).  The system state is created at start when
 * those directories exist (or a root was given): guests still running
 * from an earlier daemon are reattached, autostart domains are started;
 * otherwise at the first qemu:///system open. */
int vkQemuDriverRegister(void);

#endif
