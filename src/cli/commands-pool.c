/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* commands-pool.c: virsh's storage pool commands — pool-list, pool-info,
 * pool-define(-as), pool-create(-as), pool-build, pool-start,
 * pool-destroy, pool-delete, pool-undefine, pool-autostart, pool-refresh,
 * pool-dumpxml, pool-name, pool-uuid, find-storage-pool-sources(-as).
 * Messages and tables are virsh's, byte for byte, so scripts that parse
 * them carry over. */
#include <stdio.h>
#include <string.h>

#include "vksh.h"
#include "vksh-storage.h"

static void poolUnref(virStoragePool *p) { if (p) virStoragePoolFree(p); }
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virStoragePool, poolUnref)

virStoragePoolPtr
vkshLookupPool(vkshCtl *ctl, const char *name)
{
    virStoragePoolPtr pool = NULL;

    if (strlen(name) == VIR_UUID_STRING_BUFLEN - 1)
        pool = virStoragePoolLookupByUUIDString(ctl->conn, name);
    if (!pool) {
        vkshResetLibError(ctl);
        pool = virStoragePoolLookupByName(ctl->conn, name);
    }
    if (!pool)
        vkshError(ctl, "failed to get pool '%s'", name);
    return pool;
}

double
vkshPrettyCapacity(unsigned long long val, const char **unit)
{
    static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
    double v = (double)val;
    size_t i = 0;

    while (v >= 1024 && i + 1 < G_N_ELEMENTS(units)) {
        v /= 1024;
        i++;
    }
    *unit = units[i];
    return v;
}

char *
vkshPrettyCapacityString(unsigned long long val)
{
    const char *unit;
    double v = vkshPrettyCapacity(val, &unit);

    return g_strdup_printf("%.2lf %s", v, unit);
}

static const vkshOptDef optsPool[] = {
    { "pool", VKSH_OT_DATA, VKSH_OFLAG_REQ, "pool name or uuid" },
    { NULL, 0, 0, NULL },
};

static const char *const poolStates[] = {
    "inactive", "building", "running", "degraded", "inaccessible",
};

static bool
cmdPoolInfo(vkshCtl *ctl, const vkshCmd *cmd)
{
    g_autoptr(virStoragePool) pool = vkshLookupPool(ctl, vkshOptString(cmd, "pool"));
    char uuid[VIR_UUID_STRING_BUFLEN];
    virStoragePoolInfo info;
    const char *unit;
    int autostart = 0, persistent;
    double v;

    if (!pool)
        return false;
    vkshPrint(ctl, "%-15s %s\n", "Name:", virStoragePoolGetName(pool));
    if (virStoragePoolGetUUIDString(pool, uuid) == 0)
        vkshPrint(ctl, "%-15s %s\n", "UUID:", uuid);
    if (virStoragePoolGetInfo(pool, &info) < 0)
        return false;
    vkshPrint(ctl, "%-15s %s\n", "State:", VKSH_ENUM_NAME(poolStates, info.state, "unknown"));
    persistent = virStoragePoolIsPersistent(pool);
    vkshPrint(ctl, "%-15s %s\n", "Persistent:",
              persistent < 0 ? "unknown" : persistent ? "yes" : "no");
    if (virStoragePoolGetAutostart(pool, &autostart) < 0)
        vkshPrint(ctl, "%-15s %s\n", "Autostart:", "no autostart");
    else
        vkshPrint(ctl, "%-15s %s\n", "Autostart:", autostart ? "yes" : "no");
    if (info.state == VIR_STORAGE_POOL_RUNNING || info.state == VIR_STORAGE_POOL_DEGRADED) {
        v = vkshPrettyCapacity(info.capacity, &unit);
        vkshPrint(ctl, "%-15s %2.2lf %s\n", "Capacity:", v, unit);
        v = vkshPrettyCapacity(info.allocation, &unit);
        vkshPrint(ctl, "%-15s %2.2lf %s\n", "Allocation:", v, unit);
        v = vkshPrettyCapacity(info.available, &unit);
        vkshPrint(ctl, "%-15s %2.2lf %s\n", "Available:", v, unit);
    }
    return true;
}

static const vkshOptDef optsPoolList[] = {
    { "inactive", VKSH_OT_BOOL, 0, "list inactive pools" },
    { "all", VKSH_OT_BOOL, 0, "list inactive & active pools" },
    { "transient", VKSH_OT_BOOL, 0, "list transient pools" },
    { "persistent", VKSH_OT_BOOL, 0, "list persistent pools" },
    { "autostart", VKSH_OT_BOOL, 0, "list pools with autostart enabled" },
    { "no-autostart", VKSH_OT_BOOL, 0, "list pools with autostart disabled" },
    { "details", VKSH_OT_BOOL, 0, "display extended details for pools" },
    { "name", VKSH_OT_BOOL, 0, "list pool names only" },
    { "uuid", VKSH_OT_BOOL, 0, "list UUID of active pools only" },
    { NULL, 0, 0, NULL },
};

static gint
poolCmp(gconstpointer a, gconstpointer b)
{
    return strcmp(virStoragePoolGetName(*(virStoragePoolPtr *)a),
                  virStoragePoolGetName(*(virStoragePoolPtr *)b));
}

static void
poolRow(vkshTable *t, virStoragePoolPtr p, bool details)
{
    virStoragePoolInfo info;
    int autostart = 0, persistent = virStoragePoolIsPersistent(p);
    bool ok = virStoragePoolGetInfo(p, &info) == 0;
    const char *as = virStoragePoolGetAutostart(p, &autostart) < 0 ? "no autostart"
                     : autostart ? "yes" : "no";
    g_autofree char *cap = NULL, *alloc = NULL, *avail = NULL;

    if (!details) {
        vkshTableAddRow(t, virStoragePoolGetName(p),
                        ok && info.state == VIR_STORAGE_POOL_RUNNING ? "active" : "inactive",
                        as, NULL);
        return;
    }
    if (ok && info.state == VIR_STORAGE_POOL_RUNNING) {
        cap = vkshPrettyCapacityString(info.capacity);
        alloc = vkshPrettyCapacityString(info.allocation);
        avail = vkshPrettyCapacityString(info.available);
    }
    vkshTableAddRow(t, virStoragePoolGetName(p),
                    ok ? VKSH_ENUM_NAME(poolStates, info.state, "unknown") : "unknown",
                    as, persistent ? "yes" : "no", cap ? cap : "-", alloc ? alloc : "-",
                    avail ? avail : "-", NULL);
}

static bool
cmdPoolList(vkshCtl *ctl, const vkshCmd *cmd)
{
    static const vkshOptFlag map[] = {
        { "transient", VIR_CONNECT_LIST_STORAGE_POOLS_TRANSIENT },
        { "persistent", VIR_CONNECT_LIST_STORAGE_POOLS_PERSISTENT },
        { "autostart", VIR_CONNECT_LIST_STORAGE_POOLS_AUTOSTART },
        { "no-autostart", VIR_CONNECT_LIST_STORAGE_POOLS_NO_AUTOSTART },
    };
    unsigned int flags = VKSH_OPT_FLAGS(cmd, map);
    bool details = vkshOptBool(cmd, "details");
    virStoragePoolPtr *pools = NULL;
    g_autoptr(vkshTable) t = NULL;
    int n;

    if (vkshOptBool(cmd, "inactive"))
        flags |= VIR_CONNECT_LIST_STORAGE_POOLS_INACTIVE;
    else if (!vkshOptBool(cmd, "all"))
        flags |= VIR_CONNECT_LIST_STORAGE_POOLS_ACTIVE;
    if ((n = virConnectListAllStoragePools(ctl->conn, &pools, flags)) < 0) {
        vkshError(ctl, "Failed to list pools");
        return false;
    }
    qsort(pools, n, sizeof(*pools), (int (*)(const void *, const void *))poolCmp);
    if (vkshOptBool(cmd, "name") || vkshOptBool(cmd, "uuid")) {
        for (int i = 0; i < n; i++) {
            char uuid[VIR_UUID_STRING_BUFLEN];

            if (vkshOptBool(cmd, "uuid") && virStoragePoolGetUUIDString(pools[i], uuid) == 0)
                vkshPrint(ctl, "%s\n", uuid);
            else
                vkshPrint(ctl, "%-20s\n", virStoragePoolGetName(pools[i]));
        }
    } else {
        t = details ? vkshTableNew("Name", "State", "Autostart", "Persistent", "Capacity",
                                   "Allocation", "Available", NULL)
                    : vkshTableNew("Name", "State", "Autostart", NULL);
        for (int i = 0; i < n; i++)
            poolRow(t, pools[i], details);
        vkshTablePrint(ctl, t);
    }
    for (int i = 0; i < n; i++)
        virStoragePoolFree(pools[i]);
    g_free(pools);
    return true;
}

/* pool-define-as / pool-create-as: the XML virsh writes from options. */
#define POOL_AS_OPTS \
    { "name", VKSH_OT_DATA, VKSH_OFLAG_REQ, "name of the pool" }, \
    { "type", VKSH_OT_DATA, VKSH_OFLAG_REQ, "type of the pool" }, \
    { "print-xml", VKSH_OT_BOOL, 0, "print XML document, but don't define/create" }, \
    { "source-host", VKSH_OT_STRING, 0, "source-host for underlying storage" }, \
    { "source-path", VKSH_OT_STRING, 0, "source path for underlying storage" }, \
    { "source-dev", VKSH_OT_STRING, 0, "source device for underlying storage" }, \
    { "source-name", VKSH_OT_STRING, 0, "source name for underlying storage" }, \
    { "target", VKSH_OT_STRING, 0, "target for underlying storage" }, \
    { "source-format", VKSH_OT_STRING, 0, "format for underlying storage" }, \
    { "auth-type", VKSH_OT_STRING, 0, "auth type to be used for underlying storage" }, \
    { "auth-username", VKSH_OT_STRING, 0, "auth username to be used for underlying storage" }, \
    { "secret-usage", VKSH_OT_STRING, 0, "auth secret usage to be used for underlying storage" }, \
    { "secret-uuid", VKSH_OT_STRING, 0, "auth secret UUID to be used for underlying storage" }, \
    { "adapter-name", VKSH_OT_STRING, 0, "adapter name to be used for underlying storage" }, \
    { "adapter-wwnn", VKSH_OT_STRING, 0, "adapter wwnn to be used for underlying storage" }, \
    { "adapter-wwpn", VKSH_OT_STRING, 0, "adapter wwpn to be used for underlying storage" }, \
    { "adapter-parent", VKSH_OT_STRING, 0, \
      "adapter parent scsi_hostN to be used for underlying vHBA storage" }, \
    { "adapter-parent-wwnn", VKSH_OT_STRING, 0, \
      "adapter parent scsi_hostN wwnn to be used for underlying vHBA storage" }, \
    { "adapter-parent-wwpn", VKSH_OT_STRING, 0, \
      "adapter parent scsi_hostN wwpn to be used for underlying vHBA storage" }, \
    { "adapter-parent-fabric-wwn", VKSH_OT_STRING, 0, \
      "adapter parent scsi_hostN fabric_wwn to be used for underlying vHBA storage" }, \
    { "source-protocol-ver", VKSH_OT_STRING, 0, "nfsvers value for NFS pool mount option" }, \
    { "source-initiator", VKSH_OT_STRING, 0, "initiator iqn for underlying storage" }

static const vkshOptDef optsPoolDefineAs[] = {
    POOL_AS_OPTS,
    { NULL, 0, 0, NULL },
};

static const vkshOptDef optsPoolCreateAs[] = {
    POOL_AS_OPTS,
    { "build", VKSH_OT_BOOL, 0, "build the pool as normal" },
    { "no-overwrite", VKSH_OT_BOOL, 0, "do not overwrite any existing data" },
    { "overwrite", VKSH_OT_BOOL, 0, "overwrite any existing data" },
    { NULL, 0, 0, NULL },
};

/* One attribute, escaped, if given. */
static void
xmlAttr(GString *b, const char *attr, const char *value)
{
    if (value)
        vkshXmlAppendAttr(b, attr, value);
}

static void
xmlLine(GString *b, const char *open, const char *attr, const char *value)
{
    if (!value)
        return;
    g_string_append_printf(b, "    <%s", open);
    xmlAttr(b, attr, value);
    g_string_append(b, "/>\n");
}

/* An fc_host adapter names its parent one way only: by name, else by
 * wwnn and wwpn, else by fabric; a scsi_host adapter by name. */
static void
adapterXML(GString *b, const vkshCmd *cmd)
{
    const char *wwnn = vkshOptString(cmd, "adapter-wwnn");
    const char *wwpn = vkshOptString(cmd, "adapter-wwpn");
    const char *parent = vkshOptString(cmd, "adapter-parent");
    const char *pwwnn = vkshOptString(cmd, "adapter-parent-wwnn");
    const char *pwwpn = vkshOptString(cmd, "adapter-parent-wwpn");

    if (wwnn && wwpn) {
        g_string_append(b, "    <adapter type='fc_host'");
        if (parent) {
            xmlAttr(b, "parent", parent);
        } else if (pwwnn && pwwpn) {
            xmlAttr(b, "parent_wwnn", pwwnn);
            xmlAttr(b, "parent_wwpn", pwwpn);
        } else {
            xmlAttr(b, "parent_fabric_wwn", vkshOptString(cmd, "adapter-parent-fabric-wwn"));
        }
        xmlAttr(b, "wwnn", wwnn);
        xmlAttr(b, "wwpn", wwpn);
        g_string_append(b, "/>\n");
    } else if (vkshOptString(cmd, "adapter-name")) {
        g_string_append(b, "    <adapter type='scsi_host'");
        xmlAttr(b, "name", vkshOptString(cmd, "adapter-name"));
        g_string_append(b, "/>\n");
    }
}

static char *
poolAsXML(const vkshCmd *cmd)
{
    GString *b = g_string_new(NULL);
    const char *host = vkshOptString(cmd, "source-host");
    const char *path = vkshOptString(cmd, "source-path");
    const char *dev = vkshOptString(cmd, "source-dev");
    const char *sname = vkshOptString(cmd, "source-name");
    const char *fmt = vkshOptString(cmd, "source-format");
    const char *target = vkshOptString(cmd, "target");
    const char *iqn = vkshOptString(cmd, "source-initiator");
    const char *authType = vkshOptString(cmd, "auth-type");
    const char *authUser = vkshOptString(cmd, "auth-username");
    const char *usage = vkshOptString(cmd, "secret-usage");
    const char *uuid = vkshOptString(cmd, "secret-uuid");
    bool adapter = vkshOptString(cmd, "adapter-name") ||
                   (vkshOptString(cmd, "adapter-wwnn") && vkshOptString(cmd, "adapter-wwpn"));

    g_string_append_printf(b, "<pool type='%s'>\n  <name>", vkshOptString(cmd, "type"));
    vkshXmlAppendEscaped(b, vkshOptString(cmd, "name"));
    g_string_append(b, "</name>\n");
    /* as virsh: the auth and protocol alone make no <source> */
    if (host || path || dev || sname || fmt || iqn || adapter) {
        g_string_append(b, "  <source>\n");
        xmlLine(b, "host", "name", host);
        xmlLine(b, "dir", "path", path);
        xmlLine(b, "device", "path", dev);
        if (iqn) {
            g_string_append(b, "    <initiator>\n  ");
            xmlLine(b, "iqn", "name", iqn);
            g_string_append(b, "    </initiator>\n");
        }
        adapterXML(b, cmd);
        if (authType && authUser && (usage || uuid)) {
            g_string_append(b, "    <auth");
            xmlAttr(b, "type", authType);
            xmlAttr(b, "username", authUser);
            g_string_append(b, ">\n  ");
            xmlLine(b, "secret", usage ? "usage" : "uuid", usage ? usage : uuid);
            g_string_append(b, "    </auth>\n");
        }
        xmlLine(b, "format", "type", fmt);
        if (sname) {
            g_string_append(b, "    <name>");
            vkshXmlAppendEscaped(b, sname);
            g_string_append(b, "</name>\n");
        }
        xmlLine(b, "protocol", "ver", vkshOptString(cmd, "source-protocol-ver"));
        g_string_append(b, "  </source>\n");
    }
    if (target) {
        g_string_append(b, "  <target>\n    <path>");
        vkshXmlAppendEscaped(b, target);
        g_string_append(b, "</path>\n  </target>\n");
    }
    g_string_append(b, "</pool>\n");
    return g_string_free(b, FALSE);
}

static unsigned int
buildFlags(vkshCtl *ctl, const vkshCmd *cmd, bool create, bool *ok)
{
    unsigned int flags = 0;

    /* both may be given: the driver refuses the pair, as virsh leaves it */
    *ok = true;
    if (create && vkshOptBool(cmd, "build"))
        flags |= VIR_STORAGE_POOL_CREATE_WITH_BUILD;
    if (vkshOptBool(cmd, "overwrite"))
        flags |= create ? VIR_STORAGE_POOL_CREATE_WITH_BUILD_OVERWRITE
                        : VIR_STORAGE_POOL_BUILD_OVERWRITE;
    if (vkshOptBool(cmd, "no-overwrite"))
        flags |= create ? VIR_STORAGE_POOL_CREATE_WITH_BUILD_NO_OVERWRITE
                        : VIR_STORAGE_POOL_BUILD_NO_OVERWRITE;
    return flags;
}

/* define (create false) or create a pool from XML; virsh's messages. */
static bool
poolFromXML(vkshCtl *ctl, const char *xml, const char *from, bool create, unsigned int flags)
{
    g_autoptr(virStoragePool) pool = create ? virStoragePoolCreateXML(ctl->conn, xml, flags)
                                            : virStoragePoolDefineXML(ctl->conn, xml, 0);

    if (!pool) {
        vkshError(ctl, create ? "Failed to create pool from %s" : "Failed to define pool from %s",
                  from);
        return false;
    }
    vkshPrintExtra(ctl, create ? "Pool %s created from %s\n" : "Pool %s defined from %s\n",
                   virStoragePoolGetName(pool), from);
    return true;
}

static bool
poolAs(vkshCtl *ctl, const vkshCmd *cmd, bool create)
{
    g_autofree char *xml = poolAsXML(cmd);
    const char *name = vkshOptString(cmd, "name");
    g_autoptr(virStoragePool) pool = NULL;
    unsigned int flags;
    bool ok;

    if (!vkshOptExclusive(ctl, cmd, "secret-usage", "secret-uuid"))
        return false;
    flags = create ? buildFlags(ctl, cmd, create, &ok) : 0;
    if (create && !ok)
        return false;
    if (vkshOptBool(cmd, "print-xml")) {
        vkshPrint(ctl, "%s", xml);
        return true;
    }
    pool = create ? virStoragePoolCreateXML(ctl->conn, xml, flags)
                  : virStoragePoolDefineXML(ctl->conn, xml, 0);
    if (!pool) {
        vkshError(ctl, create ? "Failed to create pool %s" : "Failed to define pool %s", name);
        return false;
    }
    vkshPrintExtra(ctl, create ? "Pool %s created\n" : "Pool %s defined\n", name);
    return true;
}

static bool
cmdPoolDefineAs(vkshCtl *ctl, const vkshCmd *cmd)
{
    return poolAs(ctl, cmd, false);
}

static bool
cmdPoolCreateAs(vkshCtl *ctl, const vkshCmd *cmd)
{
    return poolAs(ctl, cmd, true);
}

static const vkshOptDef optsPoolFile[] = {
    { "file", VKSH_OT_DATA, VKSH_OFLAG_REQ, "file containing an XML pool description" },
    { "build", VKSH_OT_BOOL, 0, "build the pool as normal" },
    { "no-overwrite", VKSH_OT_BOOL, 0, "do not overwrite any existing data" },
    { "overwrite", VKSH_OT_BOOL, 0, "overwrite any existing data" },
    { NULL, 0, 0, NULL },
};

static bool
poolFile(vkshCtl *ctl, const vkshCmd *cmd, bool create)
{
    const char *from = vkshOptString(cmd, "file");
    g_autofree char *xml = vkshReadFile(ctl, from);
    unsigned int flags;
    bool ok;

    flags = buildFlags(ctl, cmd, true, &ok);
    if (!xml || !ok)
        return false;
    return poolFromXML(ctl, xml, from, create, flags);
}

static bool
cmdPoolDefine(vkshCtl *ctl, const vkshCmd *cmd)
{
    return poolFile(ctl, cmd, false);
}

static bool
cmdPoolCreate(vkshCtl *ctl, const vkshCmd *cmd)
{
    return poolFile(ctl, cmd, true);
}

/* The commands that take <pool> and call one function. */
typedef enum { OP_BUILD, OP_START, OP_DESTROY, OP_DELETE, OP_UNDEFINE, OP_REFRESH } poolOp;

static bool
poolSimple(vkshCtl *ctl, const vkshCmd *cmd, poolOp op, unsigned int flags)
{
    static const char *const fail[] = {
        "Failed to build pool %s", "Failed to start pool %s", "Failed to destroy pool %s",
        "Failed to delete pool %s", "Failed to undefine pool %s", "Failed to refresh pool %s",
    };
    static const char *const done[] = {
        "Pool %s built\n", "Pool %s started\n", "Pool %s destroyed\n",
        "Pool %s deleted\n", "Pool %s has been undefined\n", "Pool %s refreshed\n",
    };
    const char *name = vkshOptString(cmd, "pool");
    g_autoptr(virStoragePool) pool = vkshLookupPool(ctl, name);
    int rc = -1;

    if (!pool)
        return false;
    switch (op) {
    case OP_BUILD: rc = virStoragePoolBuild(pool, flags); break;
    case OP_START: rc = virStoragePoolCreate(pool, flags); break;
    case OP_DESTROY: rc = virStoragePoolDestroy(pool); break;
    case OP_DELETE: rc = virStoragePoolDelete(pool, 0); break;
    case OP_UNDEFINE: rc = virStoragePoolUndefine(pool); break;
    case OP_REFRESH: rc = virStoragePoolRefresh(pool, 0); break;
    }
    if (rc < 0) {
        vkshError(ctl, fail[op], name);
        return false;
    }
    vkshPrintExtra(ctl, done[op], name);
    return true;
}

static const vkshOptDef optsPoolBuild[] = {
    { "pool", VKSH_OT_DATA, VKSH_OFLAG_REQ, "pool name or uuid" },
    { "no-overwrite", VKSH_OT_BOOL, 0, "do not overwrite any existing data" },
    { "overwrite", VKSH_OT_BOOL, 0, "overwrite any existing data" },
    { NULL, 0, 0, NULL },
};

static bool
cmdPoolBuild(vkshCtl *ctl, const vkshCmd *cmd)
{
    bool ok;
    unsigned int flags = buildFlags(ctl, cmd, false, &ok);

    return ok && poolSimple(ctl, cmd, OP_BUILD, flags);
}

static const vkshOptDef optsPoolStart[] = {
    { "pool", VKSH_OT_DATA, VKSH_OFLAG_REQ, "name or uuid of the inactive pool" },
    { "build", VKSH_OT_BOOL, 0, "build the pool as normal" },
    { "no-overwrite", VKSH_OT_BOOL, 0, "do not overwrite any existing data" },
    { "overwrite", VKSH_OT_BOOL, 0, "overwrite any existing data" },
    { NULL, 0, 0, NULL },
};

static bool
cmdPoolStart(vkshCtl *ctl, const vkshCmd *cmd)
{
    bool ok;
    unsigned int flags = buildFlags(ctl, cmd, true, &ok);

    return ok && poolSimple(ctl, cmd, OP_START, flags);
}

static bool cmdPoolDestroy(vkshCtl *c, const vkshCmd *m) { return poolSimple(c, m, OP_DESTROY, 0); }
static bool cmdPoolDelete(vkshCtl *c, const vkshCmd *m) { return poolSimple(c, m, OP_DELETE, 0); }
static bool cmdPoolUndefine(vkshCtl *c, const vkshCmd *m) { return poolSimple(c, m, OP_UNDEFINE, 0); }
static bool cmdPoolRefresh(vkshCtl *c, const vkshCmd *m) { return poolSimple(c, m, OP_REFRESH, 0); }

static const vkshOptDef optsPoolAutostart[] = {
    { "pool", VKSH_OT_DATA, VKSH_OFLAG_REQ, "pool name or uuid" },
    { "disable", VKSH_OT_BOOL, 0, "disable autostarting" },
    { NULL, 0, 0, NULL },
};

static bool
cmdPoolAutostart(vkshCtl *ctl, const vkshCmd *cmd)
{
    const char *name = vkshOptString(cmd, "pool");
    g_autoptr(virStoragePool) pool = vkshLookupPool(ctl, name);
    bool disable = vkshOptBool(cmd, "disable");

    if (!pool)
        return false;
    if (virStoragePoolSetAutostart(pool, !disable) < 0) {
        vkshError(ctl, disable ? "failed to unmark pool %s as autostarted"
                               : "failed to mark pool %s as autostarted", name);
        return false;
    }
    vkshPrintExtra(ctl, disable ? "Pool %s unmarked as autostarted\n"
                                : "Pool %s marked as autostarted\n", name);
    return true;
}

static const vkshOptDef optsPoolDumpxml[] = {
    { "pool", VKSH_OT_DATA, VKSH_OFLAG_REQ, "pool name or uuid" },
    { "inactive", VKSH_OT_BOOL, 0, "show inactive defined XML" },
    { NULL, 0, 0, NULL },
};

static bool
cmdPoolDumpxml(vkshCtl *ctl, const vkshCmd *cmd)
{
    g_autoptr(virStoragePool) pool = vkshLookupPool(ctl, vkshOptString(cmd, "pool"));
    g_autofree char *xml = NULL;

    if (!pool || !(xml = virStoragePoolGetXMLDesc(pool, vkshOptBool(cmd, "inactive")
                                                  ? VIR_STORAGE_XML_INACTIVE : 0)))
        return false;
    vkshPrint(ctl, "%s", xml);
    return true;
}

static bool
cmdPoolName(vkshCtl *ctl, const vkshCmd *cmd)
{
    g_autoptr(virStoragePool) pool = vkshLookupPool(ctl, vkshOptString(cmd, "pool"));

    if (!pool)
        return false;
    vkshPrint(ctl, "%s\n", virStoragePoolGetName(pool));
    return true;
}

static bool
cmdPoolUuid(vkshCtl *ctl, const vkshCmd *cmd)
{
    g_autoptr(virStoragePool) pool = vkshLookupPool(ctl, vkshOptString(cmd, "pool"));
    char uuid[VIR_UUID_STRING_BUFLEN];

    if (!pool || virStoragePoolGetUUIDString(pool, uuid) < 0)
        return false;
    vkshPrint(ctl, "%s\n", uuid);
    return true;
}

#define CMD(var, nm, fn, opts, sum) static VKSH_CMD(var, nm, fn, opts, sum, "")

/* ---- source discovery ---- */

static bool
findSources(vkshCtl *ctl, const char *type, const char *spec)
{
    g_autofree char *xml = virConnectFindStoragePoolSources(ctl->conn, type, spec, 0);

    if (!xml) {
        vkshError(ctl, "Failed to find any %s pool sources", type);
        return false;
    }
    vkshPrint(ctl, "%s", xml);
    return true;
}

static const vkshOptDef optsFindSources[] = {
    { "type", VKSH_OT_DATA, VKSH_OFLAG_REQ, "type of storage pool sources to find" },
    { "srcSpec", VKSH_OT_STRING, 0, "optional file of source xml to query for pools" },
    { NULL, 0, 0, NULL },
};

static bool
cmdFindSources(vkshCtl *ctl, const vkshCmd *cmd)
{
    const char *file = vkshOptString(cmd, "srcSpec");
    g_autofree char *spec = file ? vkshReadFile(ctl, file) : NULL;

    if (file && !spec)
        return false;
    return findSources(ctl, vkshOptString(cmd, "type"), spec);
}

static const vkshOptDef optsFindSourcesAs[] = {
    { "type", VKSH_OT_DATA, VKSH_OFLAG_REQ, "type of storage pool sources to find" },
    { "host", VKSH_OT_STRING, 0, "optional host to query" },
    { "port", VKSH_OT_STRING, 0, "optional port to query" },
    { "initiator", VKSH_OT_STRING, 0, "optional initiator IQN to use for query" },
    { NULL, 0, 0, NULL },
};

/* virsh's form of the spec: a <source> with what was given. */
static bool
cmdFindSourcesAs(vkshCtl *ctl, const vkshCmd *cmd)
{
    const char *host = vkshOptString(cmd, "host");
    const char *port = vkshOptString(cmd, "port");
    const char *iqn = vkshOptString(cmd, "initiator");
    g_autofree char *hostXml = NULL;
    g_autofree char *portXml = NULL;
    g_autofree char *iqnXml = NULL;
    g_autofree char *spec = NULL;

    if (!host)
        return findSources(ctl, vkshOptString(cmd, "type"), NULL);
    hostXml = g_markup_printf_escaped("  <host name='%s'", host);
    portXml = port ? g_markup_printf_escaped(" port='%s'", port) : g_strdup("");
    iqnXml = iqn ? g_markup_printf_escaped("  <initiator>\n    <iqn name='%s'/>\n"
                                           "  </initiator>\n", iqn) : g_strdup("");
    spec = g_strdup_printf("<source>\n%s%s/>\n%s</source>\n", hostXml, portXml, iqnXml);
    return findSources(ctl, vkshOptString(cmd, "type"), spec);
}

CMD(defFindSources, "find-storage-pool-sources", cmdFindSources, optsFindSources,
    "discover potential storage pool sources");
CMD(defFindSourcesAs, "find-storage-pool-sources-as", cmdFindSourcesAs, optsFindSourcesAs,
    "find potential storage pool sources");
CMD(defPoolAutostart, "pool-autostart", cmdPoolAutostart, optsPoolAutostart,
    "autostart a pool");
CMD(defPoolBuild, "pool-build", cmdPoolBuild, optsPoolBuild, "build a pool");
CMD(defPoolCreateAs, "pool-create-as", cmdPoolCreateAs, optsPoolCreateAs,
    "create a pool from a set of args");
CMD(defPoolCreate, "pool-create", cmdPoolCreate, optsPoolFile, "create a pool from an XML file");
CMD(defPoolDefineAs, "pool-define-as", cmdPoolDefineAs, optsPoolDefineAs,
    "define a pool from a set of args");
CMD(defPoolDefine, "pool-define", cmdPoolDefine, optsPoolFile,
    "define an inactive persistent storage pool or modify an existing persistent one "
    "from an XML file");
CMD(defPoolDelete, "pool-delete", cmdPoolDelete, optsPool, "delete a pool");
CMD(defPoolDestroy, "pool-destroy", cmdPoolDestroy, optsPool, "destroy (stop) a pool");
CMD(defPoolDumpxml, "pool-dumpxml", cmdPoolDumpxml, optsPoolDumpxml, "pool information in XML");
CMD(defPoolInfo, "pool-info", cmdPoolInfo, optsPool, "storage pool information");
CMD(defPoolList, "pool-list", cmdPoolList, optsPoolList, "list pools");
CMD(defPoolName, "pool-name", cmdPoolName, optsPool, "convert a pool UUID to pool name");
CMD(defPoolRefresh, "pool-refresh", cmdPoolRefresh, optsPool, "refresh a pool");
CMD(defPoolStart, "pool-start", cmdPoolStart, optsPoolStart, "start a (previously defined) "
    "inactive pool");
CMD(defPoolUndefine, "pool-undefine", cmdPoolUndefine, optsPool, "undefine an inactive pool");
CMD(defPoolUuid, "pool-uuid", cmdPoolUuid, optsPool, "convert a pool name to pool UUID");

const vkshCmdDef *const vkshPoolCmds[] = {
    &defPoolAutostart, &defPoolBuild, &defPoolCreateAs, &defPoolCreate, &defPoolDefineAs,
    &defPoolDefine, &defPoolDelete, &defPoolDestroy, &defPoolDumpxml, &vkshCmdPoolEdit, &defPoolInfo,
    &defPoolList, &defPoolName, &defPoolRefresh, &defPoolStart, &defPoolUndefine,
    &defPoolUuid, &defFindSources, &defFindSourcesAs, &vkshCmdPoolEvent,
    &vkshCmdPoolCapabilities, NULL,
};
