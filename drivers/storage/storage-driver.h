/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The storage driver's entry points for the library and the daemon.
 */
#ifndef VK_STORAGE_DRIVER_H
#define VK_STORAGE_DRIVER_H

/* Registers the secondary driver (library initialisation). */
int vkStorageDriverRegister(void);

/* Inside virtkitd: serve /system connections' pools, with files under
 * ROOT/etc/storage and ROOT/run/storage (root NULL: VIRTKIT_STORAGE_ROOT,
 * else /etc/virtkit/storage and /run/virtkit/storage); loads the pools
 * and starts the autostart ones. */
int vkStorageDriverSetPrivileged(const char *root);

typedef struct _vkDomainDef vkDomainDef;

/* For hypervisor drivers: every <disk type='volume'> of def (pool +
 * volume) becomes a file disk on the volume's path, its driver type
 * taken from the volume's format when unset.  root: the embed root, NULL
 * for /system.  0, or -1 with the error set (no such pool, pool not
 * running, no such volume). */
int vkStorageResolveDiskVolumes(const char *root, vkDomainDef *def);

#endif
