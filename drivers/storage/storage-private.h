/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The storage driver's internals, shared by its files:
 *
 *   storage-driver.c   the table, per-root state, connection open/close
 *   storage-pool.c     the pool calls (define ... refresh, listing, events)
 *   storage-vol.c      the volume calls
 *   storage-state.c    persistence: configs, autostart links, live state
 *   storage-backend.c  pool types: what build/start/stop/delete do on the host;
 *                      dir and fs here, helpers of the other types' files:
 *   storage-backend-disk.c     disk: partitions of a block device (parted)
 *   storage-backend-logical.c  logical: an LVM volume group (lvm2's tools)
 *   storage-backend-net.c      netfs and iscsi: refused at start, discovery
 *   storage-file.c     volume files: probe, create, clone, wipe, resize
 *
 * Locking: one mutex per state guards the pool list, every pool object
 * and the volume lists.  Work that takes long (qemu-img, a clone, a wipe)
 * runs unlocked; the pool's "busy" count keeps it from being stopped or
 * deleted meanwhile and the volume's "building" flag hides it from other
 * calls until it is ready.
 */
#ifndef VK_STORAGE_PRIVATE_H
#define VK_STORAGE_PRIVATE_H

#include <glib.h>
#include <sys/stat.h>

#include "core/driver.h"
#include "core/domain-event.h"
#include "conf/storage-conf.h"

typedef struct {
    vkStorageVolDef *def;         /* name, key (= path), sizes, format */
    bool building;                /* being created: invisible to other calls */
    int users;                    /* unlocked jobs reading or writing it */
} vkStorageVol;

typedef struct {
    vkStoragePoolDef *def;        /* the running (or only) definition */
    vkStoragePoolDef *newDef;     /* persistent one for the next start */
    bool active, persistent, autostart;
    int busy;                     /* unlocked volume jobs in progress */
    GPtrArray *vols;              /* vkStorageVol* */
} vkStoragePoolObj;

typedef struct {
    GMutex lock;
    int refs;                     /* under the driver's states lock */
    char *key;                    /* "system" or the embed root */
    char *configDir;              /* <config root>/storage: NAME.xml */
    char *autostartDir;           /* configDir/autostart: NAME.xml links */
    char *runDir;                 /* <run root>/storage: live NAME.xml */
    GPtrArray *pools;             /* vkStoragePoolObj* */
    vkEventState *events;
} vkStorageState;

/* ---- storage-driver.c ---- */
vkStorageState *vkStorageConnState(virConnectPtr conn);

/* ---- storage-pool.c ---- */
extern const char *const vkStoragePoolTypeNames[];
vkStoragePoolObj *vkStoragePoolObjNew(vkStoragePoolDef *def);
void vkStoragePoolObjFree(vkStoragePoolObj *obj);
vkStoragePoolObj *vkStoragePoolFindByName(vkStorageState *st, const char *name);
/* Locks st and finds the pool named; NULL (unlocked, error set) when
 * missing or, with wantActive, not running. */
vkStoragePoolObj *vkStoragePoolGetLocked(virConnectPtr conn, const char *name,
                                         bool wantActive, vkStorageState **stp);
/* Rescans an active pool's volumes and sizes; locked. */
int vkStoragePoolRefreshLocked(vkStoragePoolObj *obj);
/* Starts the autostart pools of a fresh state; locked. */
void vkStoragePoolAutostartAll(vkStorageState *st);
void vkStoragePoolEmit(vkStorageState *st, vkStoragePoolObj *obj, int event);

/* ---- storage-state.c ---- */
int vkStorageStateLoad(vkStorageState *st);
int vkStorageStateSaveConfig(vkStorageState *st, const vkStoragePoolDef *def);
int vkStorageStateDeleteConfig(vkStorageState *st, const char *name);
int vkStorageStateSetAutostart(vkStorageState *st, const char *name, bool on);
int vkStorageStateSaveLive(vkStorageState *st, const vkStoragePoolDef *def);
void vkStorageStateDeleteLive(vkStorageState *st, const char *name);

/* ---- storage-backend.c ---- */
typedef struct {
    int type;                                  /* vkStoragePoolType */
    int (*build)(vkStoragePoolDef *def, unsigned int flags);
    int (*start)(vkStoragePoolDef *def);
    /* Is the pool's storage there as a started pool has it? (reload) */
    bool (*isRunning)(vkStoragePoolDef *def);
    int (*stop)(vkStoragePoolDef *def);
    int (*remove)(vkStoragePoolDef *def, unsigned int flags);
    /* Sizes into def, the volumes into vols (vkStorageVolDef*). */
    int (*refresh)(vkStoragePoolDef *def, GPtrArray *vols);
    /* Block volumes made by a tool; NULL when the volumes are files in
     * the target directory (storage-file.c).  vol->path is set. */
    int (*volCreate)(const vkStoragePoolDef *def, const vkStorageVolDef *vol);
    int (*volDelete)(const vkStoragePoolDef *def, const vkStorageVolDef *vol);
    /* Source discovery (virConnectFindStoragePoolSources); NULL: none. */
    char *(*findSources)(const vkStoragePoolDef *spec);
} vkStorageBackend;

extern const vkStorageBackend vkStorageBackendDisk;
extern const vkStorageBackend vkStorageBackendLogical;
extern const vkStorageBackend vkStorageBackendNetfs;
extern const vkStorageBackend vkStorageBackendIscsi;

/* The volume group of a logical pool: <source><name>, else the pool's. */
const char *vkStorageLogicalVg(const vkStoragePoolDef *def);

/* A directory's filesystem sizes and its files as volumes (dir, fs,
 * netfs). */
int vkStorageDirRefresh(vkStoragePoolDef *def, GPtrArray *vols);
/* pool-delete of a directory pool: the (empty) target goes. */
int vkStorageDirRemove(vkStoragePoolDef *def, unsigned int flags);

/* Helpers of the backends. */
const vkXmlElem *vkStorageElemChild(const vkXmlElem *e, const char *name);
const char *vkStorageSourceDevice(const vkStoragePoolDef *def);
const char *vkStorageSourceFormat(const vkStoragePoolDef *def);
/* A new element <name/> appended to parent (when not NULL). */
vkXmlElem *vkStorageElemAdd(vkXmlElem *parent, const char *name);
/* Removes parent's children called name. */
void vkStorageElemDrop(vkXmlElem *parent, const char *name);
/* Runs argv (argv[0] searched in PATH), its output into *out when out is
 * not NULL; a failure is reported as libvirt words it (the command line,
 * exit status and what the tool said). */
int vkStorageRun(const char *const *argv, char **out);

/* The backend of a pool type; NULL with VIR_ERR_NO_SUPPORT reported
 * (naming why) for types that cannot run here. */
const vkStorageBackend *vkStorageBackendFor(int type);
/* The same for a new definition, which gets the type's defaults (what
 * libvirt fills in at define). */
const vkStorageBackend *vkStorageBackendPrepare(vkStoragePoolDef *def);
/* Refuses a pool whose target overlaps another pool's (or whose source
 * device another pool uses); locked. */
int vkStorageBackendCheckOverlap(vkStorageState *st, const vkStoragePoolDef *def);
char *vkStorageBackendFindSources(const char *type, const char *srcSpec);

/* ---- storage-file.c ---- */
/* Stats path into a volume definition (format probed from the header). */
vkStorageVolDef *vkStorageFileProbe(const char *path, const char *name);
void vkStorageFileHostInfo(const struct stat *sb, vkStorageHostInfo *info);
int vkStorageFileCreate(const vkStorageVolDef *def, unsigned int flags);
int vkStorageFileClone(const vkStorageVolDef *def, const vkStorageVolDef *src,
                       unsigned int flags);
int vkStorageFileResize(const vkStorageVolDef *def, unsigned long long capacity,
                        unsigned int flags);

/* ---- storage-io.c ---- */
int vkStorageFileWipe(const vkStorageVolDef *def, unsigned int algorithm);
/* Attaches the volume's data from offset (length 0: to the end) to st,
 * for reading (download) or writing (upload); -1 with an error set. */
int vkStorageFileOpenStream(virStreamPtr st, const char *path, bool upload,
                            unsigned long long offset, unsigned long long length);

/* ---- storage-vol.c ---- */
/* The volume named in vols, building or not. */
vkStorageVol *vkStorageVolFindIn(GPtrArray *vols, const char *name);

#endif
