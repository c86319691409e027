/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* commands-vol.c: virsh's storage volume commands — vol-list, vol-info,
 * vol-create-as, vol-create, vol-clone, vol-delete, vol-wipe, vol-resize,
 * vol-dumpxml, vol-path, vol-key, vol-name, vol-pool.  A volume is named
 * as virsh accepts it: a name with --pool, else a key, else a path. */
#include <stdio.h>
#include <string.h>

#include "vksh.h"
#include "vksh-storage.h"

static void volUnref(virStorageVol *v) { if (v) virStorageVolFree(v); }
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virStorageVol, volUnref)
static void poolUnref(virStoragePool *p) { if (p) virStoragePoolFree(p); }
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virStoragePool, poolUnref)

/* virsh's order: by name in --pool, then by key, then by path; the
 * error kept is the last lookup's. */
virStorageVolPtr
vkshLookupVol(vkshCtl *ctl, const char *name, const char *poolName, const char *hint)
{
    g_autoptr(virStoragePool) pool = NULL;
    virStorageVolPtr vol = NULL;

    if (poolName && !(pool = vkshLookupPool(ctl, poolName)))
        return NULL;
    if (pool)
        vol = virStorageVolLookupByName(pool, name);
    if (!vol)
        vol = virStorageVolLookupByKey(ctl->conn, name);
    if (!vol)
        vol = virStorageVolLookupByPath(ctl->conn, name);
    if (!vol) {
        if (pool || !hint)
            vkshError(ctl, "failed to get vol '%s'", name);
        else
            vkshError(ctl, "failed to get vol '%s', specifying --%s might help", name, hint);
    }
    return vol;
}

static virStorageVolPtr
lookupVol(vkshCtl *ctl, const vkshCmd *cmd, const char **namep)
{
    *namep = vkshOptString(cmd, "vol");
    return vkshLookupVol(ctl, *namep, vkshOptString(cmd, "pool"), "pool");
}

#define OPT_VOL { "vol", VKSH_OT_DATA, VKSH_OFLAG_REQ, "vol name, key or path" }
#define OPT_POOL { "pool", VKSH_OT_STRING, 0, "pool name or uuid" }

static const vkshOptDef optsVol[] = { OPT_VOL, OPT_POOL, { NULL, 0, 0, NULL } };

static const char *const volTypes[] = {
    "file", "block", "dir", "network", "netdir", "ploop",
};

static const vkshOptDef optsVolInfo[] = {
    OPT_VOL, OPT_POOL,
    { "bytes", VKSH_OT_BOOL, 0, "sizes are represented in bytes rather than pretty units" },
    { "physical", VKSH_OT_BOOL, 0, "return the physical size of the volume in allocation "
      "field" },
    { NULL, 0, 0, NULL },
};

static void
printSize(vkshCtl *ctl, const char *label, unsigned long long v, bool bytes)
{
    const char *unit;
    double d;

    if (bytes) {
        vkshPrint(ctl, "%-15s %llu %s\n", label, v, "bytes");
        return;
    }
    d = vkshPrettyCapacity(v, &unit);
    vkshPrint(ctl, "%-15s %2.2lf %s\n", label, d, unit);
}

static bool
cmdVolInfo(vkshCtl *ctl, const vkshCmd *cmd)
{
    const char *name;
    g_autoptr(virStorageVol) vol = lookupVol(ctl, cmd, &name);
    bool physical = vkshOptBool(cmd, "physical");
    virStorageVolInfo info;

    if (!vol)
        return false;
    vkshPrint(ctl, "%-15s %s\n", "Name:", virStorageVolGetName(vol));
    /* as virsh: the flags call only when a flag asks for it, so drivers
     * without it (libvirt's test driver) still answer plain vol-info */
    if ((physical ? virStorageVolGetInfoFlags(vol, &info, VIR_STORAGE_VOL_GET_PHYSICAL)
                  : virStorageVolGetInfo(vol, &info)) < 0)
        return false;
    vkshPrint(ctl, "%-15s %s\n", "Type:", VKSH_ENUM_NAME(volTypes, info.type, "unknown"));
    printSize(ctl, "Capacity:", info.capacity, vkshOptBool(cmd, "bytes"));
    printSize(ctl, physical ? "Physical:" : "Allocation:", info.allocation,
              vkshOptBool(cmd, "bytes"));
    return true;
}

static const vkshOptDef optsVolList[] = {
    { "pool", VKSH_OT_DATA, VKSH_OFLAG_REQ, "pool name or uuid" },
    { "details", VKSH_OT_BOOL, 0, "display extended details for volumes" },
    { NULL, 0, 0, NULL },
};

static gint
volCmp(gconstpointer a, gconstpointer b)
{
    return strcmp(virStorageVolGetName(*(virStorageVolPtr *)a),
                  virStorageVolGetName(*(virStorageVolPtr *)b));
}

static bool
cmdVolList(vkshCtl *ctl, const vkshCmd *cmd)
{
    g_autoptr(virStoragePool) pool = vkshLookupPool(ctl, vkshOptString(cmd, "pool"));
    bool details = vkshOptBool(cmd, "details");
    g_autoptr(vkshTable) t = NULL;
    virStorageVolPtr *vols = NULL;
    int n;

    if (!pool)
        return false;
    if ((n = virStoragePoolListAllVolumes(pool, &vols, 0)) < 0) {
        vkshError(ctl, "Failed to list storage volumes");
        return false;
    }
    qsort(vols, n, sizeof(*vols), (int (*)(const void *, const void *))volCmp);
    t = details ? vkshTableNew("Name", "Path", "Type", "Capacity", "Allocation", NULL)
                : vkshTableNew("Name", "Path", NULL);
    for (int i = 0; i < n; i++) {
        g_autofree char *path = virStorageVolGetPath(vols[i]);
        virStorageVolInfo info;

        if (!details) {
            vkshTableAddRow(t, virStorageVolGetName(vols[i]), path ? path : "", NULL);
        } else if (virStorageVolGetInfo(vols[i], &info) == 0) {
            g_autofree char *cap = vkshPrettyCapacityString(info.capacity);
            g_autofree char *alloc = vkshPrettyCapacityString(info.allocation);

            vkshTableAddRow(t, virStorageVolGetName(vols[i]), path ? path : "",
                            VKSH_ENUM_NAME(volTypes, info.type, "unknown"), cap, alloc, NULL);
        }
        virStorageVolFree(vols[i]);
    }
    g_free(vols);
    vkshTablePrint(ctl, t);
    return true;
}

static const vkshOptDef optsVolCreateAs[] = {
    { "pool", VKSH_OT_DATA, VKSH_OFLAG_REQ, "pool name" },
    { "name", VKSH_OT_DATA, VKSH_OFLAG_REQ, "name of the volume" },
    { "capacity", VKSH_OT_DATA, VKSH_OFLAG_REQ,
      "size of the vol, as scaled integer (default bytes)" },
    { "allocation", VKSH_OT_STRING, 0,
      "initial allocation size, as scaled integer (default bytes)" },
    { "format", VKSH_OT_STRING, 0, "file format type raw,bochs,qcow,qcow2,qed,vmdk" },
    { "backing-vol", VKSH_OT_STRING, 0, "the backing volume if taking a snapshot" },
    { "backing-vol-format", VKSH_OT_STRING, 0,
      "format of backing volume if taking a snapshot" },
    { "prealloc-metadata", VKSH_OT_BOOL, 0,
      "preallocate metadata (for qcow2 instead of full allocation)" },
    { "print-xml", VKSH_OT_BOOL, 0, "print XML document, but don't define/create" },
    { NULL, 0, 0, NULL },
};

static bool
createdVol(vkshCtl *ctl, virStorageVolPtr vol, const char *fmt, const char *name,
           const char *from)
{
    if (!vol) {
        vkshError(ctl, from ? "Failed to clone vol from %s" : "Failed to create vol %s",
                  from ? from : name);
        return false;
    }
    vkshPrintExtra(ctl, fmt, name, from);
    virStorageVolFree(vol);
    return true;
}

static bool
cmdVolCreateAs(vkshCtl *ctl, const vkshCmd *cmd)
{
    g_autoptr(virStoragePool) pool = vkshLookupPool(ctl, vkshOptString(cmd, "pool"));
    const char *name = vkshOptString(cmd, "name");
    const char *format = vkshOptString(cmd, "format");
    const char *backing = vkshOptString(cmd, "backing-vol");
    const char *backingFmt = vkshOptString(cmd, "backing-vol-format");
    unsigned long long cap = 0, alloc = 0;
    g_autoptr(GString) b = g_string_new(NULL);
    g_autofree char *ename = NULL;
    int hasAlloc;

    if (!pool || vkshOptScaled(ctl, cmd, "capacity", &cap, 1, G_MAXINT64) < 0 ||
        (hasAlloc = vkshOptScaled(ctl, cmd, "allocation", &alloc, 1, G_MAXINT64)) < 0)
        return false;
    ename = g_markup_escape_text(name, -1);
    g_string_append_printf(b, "<volume>\n  <name>%s</name>\n  <capacity>%llu</capacity>\n",
                           ename, cap);
    if (hasAlloc)
        g_string_append_printf(b, "  <allocation>%llu</allocation>\n", alloc);
    if (format)
        g_string_append_printf(b, "  <target>\n    <format type='%s'/>\n  </target>\n", format);
    if (backing) {
        g_autoptr(virStorageVol) bvol = virStorageVolLookupByName(pool, backing);
        g_autofree char *bpath = NULL;

        if (!bvol) {
            vkshResetLibError(ctl);
            if (!(bvol = virStorageVolLookupByKey(ctl->conn, backing)))
                bvol = virStorageVolLookupByPath(ctl->conn, backing);
        }
        if (!bvol || !(bpath = virStorageVolGetPath(bvol))) {
            vkshError(ctl, "failed to get vol '%s'", backing);
            return false;
        }
        g_string_append_printf(b, "  <backingStore>\n    <path>%s</path>\n", bpath);
        if (backingFmt)
            g_string_append_printf(b, "    <format type='%s'/>\n", backingFmt);
        g_string_append(b, "  </backingStore>\n");
    }
    g_string_append(b, "</volume>\n");
    if (vkshOptBool(cmd, "print-xml")) {
        vkshPrint(ctl, "%s", b->str);
        return true;
    }
    return createdVol(ctl, virStorageVolCreateXML(pool, b->str,
                                                  vkshOptBool(cmd, "prealloc-metadata")
                                                  ? VIR_STORAGE_VOL_CREATE_PREALLOC_METADATA
                                                  : 0),
                      "Vol %s created\n", name, NULL);
}

static const vkshOptDef optsVolCreate[] = {
    { "pool", VKSH_OT_DATA, VKSH_OFLAG_REQ, "pool name" },
    { "file", VKSH_OT_DATA, VKSH_OFLAG_REQ, "file containing an XML vol description" },
    { "prealloc-metadata", VKSH_OT_BOOL, 0,
      "preallocate metadata (for qcow2 instead of full allocation)" },
    { NULL, 0, 0, NULL },
};

static bool
cmdVolCreate(vkshCtl *ctl, const vkshCmd *cmd)
{
    g_autoptr(virStoragePool) pool = vkshLookupPool(ctl, vkshOptString(cmd, "pool"));
    const char *file = vkshOptString(cmd, "file");
    g_autofree char *xml = NULL;
    virStorageVolPtr vol;

    if (!pool || !(xml = vkshReadFile(ctl, file)))
        return false;
    vol = virStorageVolCreateXML(pool, xml, vkshOptBool(cmd, "prealloc-metadata")
                                 ? VIR_STORAGE_VOL_CREATE_PREALLOC_METADATA : 0);
    if (!vol) {
        vkshError(ctl, "Failed to create vol from %s", file);
        return false;
    }
    vkshPrintExtra(ctl, "Vol %s created from %s\n", virStorageVolGetName(vol), file);
    virStorageVolFree(vol);
    return true;
}

static const vkshOptDef optsVolClone[] = {
    OPT_VOL,
    { "newname", VKSH_OT_DATA, VKSH_OFLAG_REQ, "clone name" },
    OPT_POOL,
    { "prealloc-metadata", VKSH_OT_BOOL, 0,
      "preallocate metadata (for qcow2 instead of full allocation)" },
    { "reflink", VKSH_OT_BOOL, 0, "use btrfs COW lightweight copy" },
    { NULL, 0, 0, NULL },
};

static bool
cmdVolClone(vkshCtl *ctl, const vkshCmd *cmd)
{
    const char *name, *newname = vkshOptString(cmd, "newname");
    g_autoptr(virStorageVol) vol = lookupVol(ctl, cmd, &name);
    g_autoptr(virStoragePool) pool = NULL;
    g_autofree char *xml = NULL, *ename = NULL;
    unsigned int flags = 0;
    virStorageVolInfo info;

    if (!vol || !(pool = virStoragePoolLookupByVolume(vol)) ||
        virStorageVolGetInfo(vol, &info) < 0)
        return false;
    if (vkshOptBool(cmd, "prealloc-metadata"))
        flags |= VIR_STORAGE_VOL_CREATE_PREALLOC_METADATA;
    if (vkshOptBool(cmd, "reflink"))
        flags |= VIR_STORAGE_VOL_CREATE_REFLINK;
    /* virsh clones from the source's XML with the new name and no key */
    ename = g_markup_escape_text(newname, -1);
    xml = g_strdup_printf("<volume>\n  <name>%s</name>\n  <capacity>%llu</capacity>\n"
                          "</volume>\n", ename, info.capacity);
    if (!createdVol(ctl, virStorageVolCreateXMLFrom(pool, xml, vol, flags),
                    "Vol %s cloned from %s\n", newname, virStorageVolGetName(vol)))
        return false;
    return true;
}

static const vkshOptDef optsVolDelete[] = {
    OPT_VOL, OPT_POOL,
    { "delete-snapshots", VKSH_OT_BOOL, 0, "delete snapshots associated with volume "
      "(must be supported by storage driver)" },
    { NULL, 0, 0, NULL },
};

static bool
cmdVolDelete(vkshCtl *ctl, const vkshCmd *cmd)
{
    const char *name;
    g_autoptr(virStorageVol) vol = lookupVol(ctl, cmd, &name);

    if (!vol)
        return false;
    if (virStorageVolDelete(vol, vkshOptBool(cmd, "delete-snapshots")
                            ? VIR_STORAGE_VOL_DELETE_WITH_SNAPSHOTS : 0) < 0) {
        vkshError(ctl, "Failed to delete vol %s", name);
        return false;
    }
    vkshPrintExtra(ctl, "Vol %s deleted\n", name);
    return true;
}

static const vkshOptDef optsVolWipe[] = {
    OPT_VOL, OPT_POOL,
    { "algorithm", VKSH_OT_STRING, 0, "perform selected wiping algorithm" },
    { NULL, 0, 0, NULL },
};

static bool
cmdVolWipe(vkshCtl *ctl, const vkshCmd *cmd)
{
    static const char *const algs[] = {
        "zero", "nnsa", "dod", "bsi", "gutmann", "schneier", "pfitzner7", "pfitzner33",
        "random", "trim",
    };
    const char *name, *alg = vkshOptString(cmd, "algorithm");
    g_autoptr(virStorageVol) vol = lookupVol(ctl, cmd, &name);
    int a = 0;

    if (!vol)
        return false;
    if (alg) {
        for (a = 0; a < (int)G_N_ELEMENTS(algs) && strcmp(algs[a], alg) != 0; a++)
            ;
        if (a == (int)G_N_ELEMENTS(algs)) {
            vkshError(ctl, "Unsupported algorithm '%s'", alg);
            return false;
        }
    }
    if ((a ? virStorageVolWipePattern(vol, a, 0) : virStorageVolWipe(vol, 0)) < 0) {
        vkshError(ctl, "Failed to wipe vol %s", name);
        return false;
    }
    vkshPrintExtra(ctl, "Vol %s wiped\n", name);
    return true;
}

static const vkshOptDef optsVolResize[] = {
    OPT_VOL,
    { "capacity", VKSH_OT_DATA, VKSH_OFLAG_REQ,
      "new capacity for the vol, as scaled integer (default bytes)" },
    OPT_POOL,
    { "allocate", VKSH_OT_BOOL, 0, "allocate the new capacity, rather than leaving it sparse" },
    { "delta", VKSH_OT_BOOL, 0, "use capacity as a delta to current size, rather than the "
      "new size" },
    { "shrink", VKSH_OT_BOOL, 0, "allow the resize to shrink the volume" },
    { NULL, 0, 0, NULL },
};

static bool
cmdVolResize(vkshCtl *ctl, const vkshCmd *cmd)
{
    static const vkshOptFlag map[] = {
        { "allocate", VIR_STORAGE_VOL_RESIZE_ALLOCATE },
        { "delta", VIR_STORAGE_VOL_RESIZE_DELTA },
        { "shrink", VIR_STORAGE_VOL_RESIZE_SHRINK },
    };
    const char *name, *capStr = vkshOptString(cmd, "capacity");
    g_autoptr(virStorageVol) vol = lookupVol(ctl, cmd, &name);
    unsigned long long cap = 0;

    if (!vol || vkshOptScaled(ctl, cmd, "capacity", &cap, 1, G_MAXINT64) < 0)
        return false;
    if (virStorageVolResize(vol, cap, VKSH_OPT_FLAGS(cmd, map)) < 0) {
        vkshError(ctl, "Failed to change size of volume '%s' to %s", name, capStr);
        return false;
    }
    vkshPrintExtra(ctl, vkshOptBool(cmd, "delta")
                   ? "Size of volume '%s' successfully changed by %s\n"
                   : "Size of volume '%s' successfully changed to %s\n", name, capStr);
    return true;
}

static bool
cmdVolDumpxml(vkshCtl *ctl, const vkshCmd *cmd)
{
    const char *name;
    g_autoptr(virStorageVol) vol = lookupVol(ctl, cmd, &name);
    g_autofree char *xml = NULL;

    if (!vol || !(xml = virStorageVolGetXMLDesc(vol, 0)))
        return false;
    vkshPrint(ctl, "%s", xml);
    return true;
}

typedef enum { Q_PATH, Q_KEY, Q_NAME, Q_POOL } volQuery;

static bool
volQueryCmd(vkshCtl *ctl, const vkshCmd *cmd, volQuery q)
{
    const char *name = vkshOptString(cmd, "vol");
    /* vol-name and vol-pool take a key or path only */
    bool byKey = q == Q_NAME || q == Q_POOL;
    g_autoptr(virStorageVol) vol = vkshLookupVol(ctl, name, byKey ? NULL
                                               : vkshOptString(cmd, "pool"),
                                               byKey ? NULL : "pool");
    g_autoptr(virStoragePool) pool = NULL;
    g_autofree char *path = NULL;

    if (!vol)
        return false;
    switch (q) {
    case Q_PATH:
        if (!(path = virStorageVolGetPath(vol))) {
            vkshError(ctl, "failed to get vol '%s'", name);
            return false;
        }
        vkshPrint(ctl, "%s\n", path);
        break;
    case Q_KEY:
        vkshPrint(ctl, "%s\n", virStorageVolGetKey(vol));
        break;
    case Q_NAME:
        vkshPrint(ctl, "%s\n", virStorageVolGetName(vol));
        break;
    case Q_POOL:
        if (!(pool = virStoragePoolLookupByVolume(vol))) {
            vkshError(ctl, "failed to get parent pool");
            return false;
        }
        if (vkshOptBool(cmd, "uuid")) {
            char uuid[VIR_UUID_STRING_BUFLEN];

            virStoragePoolGetUUIDString(pool, uuid);
            vkshPrint(ctl, "%s\n", uuid);
        } else {
            vkshPrint(ctl, "%s\n", virStoragePoolGetName(pool));
        }
        break;
    }
    return true;
}

static bool cmdVolPath(vkshCtl *c, const vkshCmd *m) { return volQueryCmd(c, m, Q_PATH); }
static bool cmdVolKey(vkshCtl *c, const vkshCmd *m) { return volQueryCmd(c, m, Q_KEY); }
static bool cmdVolName(vkshCtl *c, const vkshCmd *m) { return volQueryCmd(c, m, Q_NAME); }
static bool cmdVolPool(vkshCtl *c, const vkshCmd *m) { return volQueryCmd(c, m, Q_POOL); }

static const vkshOptDef optsVolName[] = {
    { "vol", VKSH_OT_DATA, VKSH_OFLAG_REQ, "volume key or path" },
    { NULL, 0, 0, NULL },
};

static const vkshOptDef optsVolPool[] = {
    { "vol", VKSH_OT_DATA, VKSH_OFLAG_REQ, "volume key or path" },
    { "uuid", VKSH_OT_BOOL, 0, "return the pool uuid rather than pool name" },
    { NULL, 0, 0, NULL },
};

#define CMD(var, nm, fn, opts, sum) static VKSH_CMD(var, nm, fn, opts, sum, "")

CMD(defVolClone, "vol-clone", cmdVolClone, optsVolClone, "clone a volume.");
CMD(defVolCreateAs, "vol-create-as", cmdVolCreateAs, optsVolCreateAs,
    "create a volume from a set of args");
CMD(defVolCreate, "vol-create", cmdVolCreate, optsVolCreate, "create a vol from an XML file");
CMD(defVolDelete, "vol-delete", cmdVolDelete, optsVolDelete, "delete a vol");
CMD(defVolDumpxml, "vol-dumpxml", cmdVolDumpxml, optsVol, "vol information in XML");
CMD(defVolInfo, "vol-info", cmdVolInfo, optsVolInfo, "storage vol information");
CMD(defVolKey, "vol-key", cmdVolKey, optsVol, "returns the volume key for a given volume "
    "name or path");
CMD(defVolList, "vol-list", cmdVolList, optsVolList, "list vols");
CMD(defVolName, "vol-name", cmdVolName, optsVolName, "returns the volume name for a given "
    "volume key or path");
CMD(defVolPath, "vol-path", cmdVolPath, optsVol, "returns the volume path for a given "
    "volume name or key");
CMD(defVolPool, "vol-pool", cmdVolPool, optsVolPool, "returns the storage pool for a given "
    "volume key or path");
CMD(defVolResize, "vol-resize", cmdVolResize, optsVolResize, "resize a vol");
CMD(defVolWipe, "vol-wipe", cmdVolWipe, optsVolWipe, "wipe a vol");

const vkshCmdDef *const vkshVolCmds[] = {
    &defVolClone, &defVolCreateAs, &defVolCreate, &vkshCmdVolCreateFrom, &defVolDelete,
    &vkshCmdVolDownload, &defVolDumpxml, &defVolInfo, &defVolKey, &defVolList, &defVolName,
    &defVolPath, &defVolPool, &defVolResize, &vkshCmdVolUpload, &defVolWipe, NULL,
};
