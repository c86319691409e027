/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Storage pool and volume XML (libvirt's <pool> and <volume>) <-> structs.
 *
 * A pool's <source> and the extra parts of its <target> (permissions) are
 * kept as element trees; the sizes are the driver's to fill in and are
 * only written, never trusted from input.  A volume's key and path are
 * likewise assigned by the driver.
 */
#ifndef VK_CONF_STORAGE_CONF_H
#define VK_CONF_STORAGE_CONF_H

#include <stdbool.h>
#include <glib.h>

#include "virtkit/virtkit.h"

typedef struct _vkXmlElem vkXmlElem;

/* Pool types, in the order of the VIR_CONNECT_LIST_STORAGE_POOLS_<TYPE>
 * flags (DIR = 1 << 6, FS = 1 << 7, ...). */
typedef enum {
    VK_STORAGE_POOL_DIR,
    VK_STORAGE_POOL_FS,
    VK_STORAGE_POOL_NETFS,
    VK_STORAGE_POOL_LOGICAL,
    VK_STORAGE_POOL_DISK,
    VK_STORAGE_POOL_ISCSI,
    VK_STORAGE_POOL_SCSI,
    VK_STORAGE_POOL_MPATH,
    VK_STORAGE_POOL_RBD,
    VK_STORAGE_POOL_SHEEPDOG,
    VK_STORAGE_POOL_GLUSTER,
    VK_STORAGE_POOL_ZFS,
    VK_STORAGE_POOL_VSTORAGE,
    VK_STORAGE_POOL_ISCSI_DIRECT,
    VK_STORAGE_POOL_LAST
} vkStoragePoolType;

const char *vkStoragePoolTypeToString(int type);

/* What a driver reads from the host about a file or device: formatted
 * as <permissions> and <timestamps>, never parsed. */
typedef struct {
    bool set;
    unsigned int mode;
    unsigned int uid, gid;
    bool hasTimes;
    long long atime[2], mtime[2], ctime[2];   /* seconds, nanoseconds */
} vkStorageHostInfo;

typedef struct {
    int type;                     /* vkStoragePoolType */
    char *name;
    unsigned char uuid[VIR_UUID_BUFLEN];
    unsigned long long capacity;  /* bytes, set by the driver */
    unsigned long long allocation;
    unsigned long long available;
    vkXmlElem *source;            /* may be NULL */
    char *targetPath;             /* NULL for network pools without one */
    GPtrArray *targetExtra;       /* vkXmlElem *: <permissions>, ... */
    vkStorageHostInfo targetInfo; /* set: replaces <permissions> of targetExtra */
} vkStoragePoolDef;

void vkStoragePoolDefFree(vkStoragePoolDef *def);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vkStoragePoolDef, vkStoragePoolDefFree)
/* VIR_FROM_STORAGE errors; missing UUIDs are generated. */
vkStoragePoolDef *vkStoragePoolDefParseString(const char *xml);
char *vkStoragePoolDefFormat(const vkStoragePoolDef *def);

typedef struct {
    char *name;
    char *key;                    /* set by the driver */
    char *path;                   /* set by the driver */
    int type;                     /* virStorageVolType */
    unsigned long long capacity;  /* bytes */
    unsigned long long allocation;
    bool hasAllocation;
    char *format;                 /* <target><format type=''/>, may be NULL */
    GPtrArray *targetExtra;       /* vkXmlElem *: <permissions>, ... */
    vkXmlElem *backingStore;      /* may be NULL */
    vkXmlElem *source;            /* set by a driver: <source> of a block volume */
    /* Parsed from the input for a create (NULL/false when absent). */
    char *compat;                 /* <target><compat> */
    bool lazyRefcounts;           /* <target><features><lazy_refcounts/> */
    int mode;                     /* <target><permissions><mode>, -1 if none */
    char *backingPath;            /* <backingStore><path> */
    char *backingFormat;          /* <backingStore><format type=''/> */
    /* Set by a driver from the host; when info.set the formatter writes
     * these instead of targetExtra and backingStore. */
    bool hasPhysical;
    unsigned long long physical;
    vkStorageHostInfo info;
    vkStorageHostInfo backingInfo;
} vkStorageVolDef;

void vkStorageVolDefFree(vkStorageVolDef *def);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vkStorageVolDef, vkStorageVolDefFree)
vkStorageVolDef *vkStorageVolDefParseString(const char *xml);
char *vkStorageVolDefFormat(const vkStorageVolDef *def);
vkStorageVolDef *vkStorageVolDefCopy(const vkStorageVolDef *def);

/* "1000" with unit "KiB" -> bytes; libvirt's units, default bytes.
 * Returns -1 (without reporting) on a bad number, unit or overflow. */
/* The <host name=...> of a find-storage-pool-sources <source>
 * specification: NULL (and *bad false) when it names none, NULL with
 * *bad true and an error when it is not XML. */
char *vkStoragePoolSourceSpecHost(const char *srcSpec, bool *bad);
int vkStorageParseSize(const char *num, const char *unit, unsigned long long *bytes);

#endif
