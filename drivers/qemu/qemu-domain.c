/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * QEMU domains: lookups, listing, information, and persistent
 * definitions.
 *
 * A persistent definition is ROOT/etc/<name>.xml, written with
 * vkAtomicFileWrite before the in-memory object changes, so a define that
 * returned success survives a crash at any instant and one that failed
 * leaves both disk and memory as they were.
 */
#include <string.h>
#include <glib/gstdio.h>

#define VIR_FROM_THIS VIR_FROM_QEMU
#include "util/error.h"
#include "util/atomic-file.h"
#include "util/uuid.h"
#include "drivers/qemu/qemu-private.h"
#include "drivers/qemu/process.h"

static char *
configPath(vkQemuState *st, const char *name)
{
    g_autofree char *file = g_strdup_printf("%s.xml", name);

    return g_build_filename(st->configDir, file, NULL);
}

int
vkQemuSaveConfig(vkQemuState *st, const vkDomainDef *def)
{
    g_autofree char *path = configPath(st, def->name);
    g_autofree char *xml = vkDomainDefFormat(def, VIR_DOMAIN_XML_SECURE |
                                             VIR_DOMAIN_XML_INACTIVE);

    if (!xml)
        return -1;
    return vkAtomicFileWrite(path, xml, strlen(xml), 0600);
}

int
vkQemuLoadConfigs(vkQemuState *st)
{
    g_autoptr(GDir) dir = NULL;
    const char *n;

    /* A crash in the middle of a define leaves its temporary file. */
    vkAtomicFileRemoveStale(st->configDir);
    dir = g_dir_open(st->configDir, 0, NULL);
    while (dir && (n = g_dir_read_name(dir))) {
        g_autofree char *path = NULL;
        g_autofree char *xml = NULL;
        vkDomainDef *def;
        vkQemuDomain *obj = NULL;

        if (n[0] == '.' || !g_str_has_suffix(n, ".xml"))
            continue;
        path = g_build_filename(st->configDir, n, NULL);
        if (!g_file_get_contents(path, &xml, NULL, NULL))
            continue;
        /* A config that no longer parses is skipped, not fatal: one bad
         * file must not hide every other domain. */
        def = vkDomainDefParseString(xml, "kvm,qemu", 0);
        if (def && (obj = vkQemuDomainAdd(st, &def, false, NULL)))
            obj->autostart = vkQemuAutostartLink(st, obj->name, -1);
        if (!obj) {
            g_warning("QEMU driver: skipping config '%s': %s", path,
                      vkErrorIsSet() ? vkErrorGetLast()->message : "invalid");
            vkDomainDefFree(def);
            vkErrorReset();
        }
    }
    return 0;
}

static bool
matchFlags(vkQemuState *st, vkQemuDomain *obj, unsigned int flags)
{
    bool active = obj->id >= 0;

#define BOTH(a, b, cond) \
    if ((flags & (a | b)) && (flags & (a | b)) != (a | b) && \
        !((flags & a) ? (cond) : !(cond))) \
        return false;
    BOTH(VIR_CONNECT_LIST_DOMAINS_ACTIVE, VIR_CONNECT_LIST_DOMAINS_INACTIVE, active);
    BOTH(VIR_CONNECT_LIST_DOMAINS_PERSISTENT, VIR_CONNECT_LIST_DOMAINS_TRANSIENT,
         obj->persistent);
    BOTH(VIR_CONNECT_LIST_DOMAINS_AUTOSTART, VIR_CONNECT_LIST_DOMAINS_NO_AUTOSTART,
         obj->autostart);
    if (flags & (VIR_CONNECT_LIST_DOMAINS_MANAGEDSAVE | VIR_CONNECT_LIST_DOMAINS_NO_MANAGEDSAVE)) {
        g_autofree char *image = vkQemuManagedSavePath(st, obj->name);
        bool managed = g_file_test(image, G_FILE_TEST_EXISTS);

        BOTH(VIR_CONNECT_LIST_DOMAINS_MANAGEDSAVE, VIR_CONNECT_LIST_DOMAINS_NO_MANAGEDSAVE,
             managed);
    }
    BOTH(VIR_CONNECT_LIST_DOMAINS_HAS_SNAPSHOT, VIR_CONNECT_LIST_DOMAINS_NO_SNAPSHOT,
         false);
    BOTH(VIR_CONNECT_LIST_DOMAINS_HAS_CHECKPOINT, VIR_CONNECT_LIST_DOMAINS_NO_CHECKPOINT,
         false);
#undef BOTH
    if (flags & (VIR_CONNECT_LIST_DOMAINS_RUNNING | VIR_CONNECT_LIST_DOMAINS_PAUSED |
                 VIR_CONNECT_LIST_DOMAINS_SHUTOFF | VIR_CONNECT_LIST_DOMAINS_OTHER)) {
        unsigned int bit;

        switch (obj->state) {
        case VIR_DOMAIN_RUNNING: bit = VIR_CONNECT_LIST_DOMAINS_RUNNING; break;
        case VIR_DOMAIN_PAUSED: bit = VIR_CONNECT_LIST_DOMAINS_PAUSED; break;
        case VIR_DOMAIN_SHUTOFF: bit = VIR_CONNECT_LIST_DOMAINS_SHUTOFF; break;
        default: bit = VIR_CONNECT_LIST_DOMAINS_OTHER; break;
        }
        if (!(flags & bit))
            return false;
    }
    return true;
}

int
vkQemuConnectListAllDomains(virConnectPtr conn, virDomainPtr **domains, unsigned int flags)
{
    vkQemuState *st = vkQemuConnState(conn);
    g_autoptr(GPtrArray) list = g_ptr_array_new();
    int n;

    vkCheckFlags(0xffff, -1);
    g_mutex_lock(&st->lock);
    for (GList *l = st->order.head; l; l = l->next) {
        vkQemuDomain *obj = l->data;

        if (matchFlags(st, obj, flags))
            g_ptr_array_add(list, vkQemuMakeHandle(conn, obj));
    }
    g_mutex_unlock(&st->lock);
    n = list->len;
    if (domains) {
        g_ptr_array_add(list, NULL);
        *domains = (virDomainPtr *)g_ptr_array_steal(list, NULL);
    } else {
        for (guint i = 0; i < list->len; i++)
            vkDomainUnref(list->pdata[i]);
    }
    return n;
}

int
vkQemuConnectListDomains(virConnectPtr conn, int *ids, int maxids)
{
    vkQemuState *st = vkQemuConnState(conn);
    int n = 0;

    g_mutex_lock(&st->lock);
    for (GList *l = st->order.head; l && n < maxids; l = l->next) {
        vkQemuDomain *obj = l->data;

        if (obj->id >= 0)
            ids[n++] = obj->id;
    }
    g_mutex_unlock(&st->lock);
    return n;
}

int
vkQemuConnectNumOfDomains(virConnectPtr conn)
{
    return vkQemuConnectListAllDomains(conn, NULL, VIR_CONNECT_LIST_DOMAINS_ACTIVE);
}

int
vkQemuConnectListDefinedDomains(virConnectPtr conn, char **const names, int maxnames)
{
    vkQemuState *st = vkQemuConnState(conn);
    int n = 0;

    g_mutex_lock(&st->lock);
    for (GList *l = st->order.head; l && n < maxnames; l = l->next) {
        vkQemuDomain *obj = l->data;

        if (obj->id < 0)
            names[n++] = g_strdup(obj->name);
    }
    g_mutex_unlock(&st->lock);
    return n;
}

int
vkQemuConnectNumOfDefinedDomains(virConnectPtr conn)
{
    return vkQemuConnectListAllDomains(conn, NULL, VIR_CONNECT_LIST_DOMAINS_INACTIVE);
}

virDomainPtr
vkQemuDomainLookupByID(virConnectPtr conn, int id)
{
    vkQemuState *st = vkQemuConnState(conn);
    virDomainPtr ret = NULL;

    g_mutex_lock(&st->lock);
    for (GList *l = st->order.head; l; l = l->next) {
        vkQemuDomain *obj = l->data;

        if (obj->id >= 0 && obj->id == id) {
            ret = vkQemuMakeHandle(conn, obj);
            break;
        }
    }
    g_mutex_unlock(&st->lock);
    if (!ret && !vkErrorIsSet())
        vkReportError(VIR_ERR_NO_DOMAIN, "no domain with matching id %d", id);
    return ret;
}

virDomainPtr
vkQemuDomainLookupByUUID(virConnectPtr conn, const unsigned char *uuid)
{
    vkQemuState *st = vkQemuConnState(conn);
    vkQemuDomain *obj;
    virDomainPtr ret = NULL;

    g_mutex_lock(&st->lock);
    if ((obj = vkQemuDomainFindByUUID(st, uuid)))
        ret = vkQemuMakeHandle(conn, obj);
    g_mutex_unlock(&st->lock);
    if (!obj) {
        char s[VIR_UUID_STRING_BUFLEN];

        vkUUIDFormat(uuid, s);
        vkReportError(VIR_ERR_NO_DOMAIN, "no domain with matching uuid '%s'", s);
    }
    return ret;
}

virDomainPtr
vkQemuDomainLookupByName(virConnectPtr conn, const char *name)
{
    vkQemuState *st = vkQemuConnState(conn);
    vkQemuDomain *obj;
    virDomainPtr ret = NULL;

    g_mutex_lock(&st->lock);
    if ((obj = g_hash_table_lookup(st->byName, name)))
        ret = vkQemuMakeHandle(conn, obj);
    g_mutex_unlock(&st->lock);
    if (!obj)
        vkReportError(VIR_ERR_NO_DOMAIN, "no domain with matching name '%s'", name);
    return ret;
}

int
vkQemuDomainGetInfo(virDomainPtr dom, virDomainInfoPtr info)
{
    vkQemuState *st;
    vkQemuDomain *obj = vkQemuDomainGet(dom, &st);
    unsigned long long cpu = 0, rss = 0;

    if (!obj)
        return -1;
    memset(info, 0, sizeof(*info));
    info->state = obj->state;
    info->maxMem = obj->def->maxMemory;
    info->memory = obj->def->currentMemory ? obj->def->currentMemory : obj->def->maxMemory;
    info->nrVirtCpu = obj->def->vcpus ? obj->def->vcpus : 1;
    if (obj->run && vkQemuProcessStats(obj->run->pid, &cpu, &rss) == 0)
        info->cpuTime = cpu;
    g_mutex_unlock(&st->lock);
    return 0;
}

int
vkQemuDomainGetState(virDomainPtr dom, int *state, int *reason, unsigned int flags)
{
    vkQemuState *st;
    vkQemuDomain *obj;

    vkCheckFlags(0, -1);
    if (!(obj = vkQemuDomainGet(dom, &st)))
        return -1;
    *state = obj->state;
    if (reason)
        *reason = obj->reason;
    g_mutex_unlock(&st->lock);
    return 0;
}

char *
vkQemuDomainGetXMLDesc(virDomainPtr dom, unsigned int flags)
{
    vkQemuState *st;
    vkQemuDomain *obj;
    const vkDomainDef *def;
    char *ret;

    vkCheckFlags(VIR_DOMAIN_XML_SECURE | VIR_DOMAIN_XML_INACTIVE |
                 VIR_DOMAIN_XML_UPDATE_CPU | VIR_DOMAIN_XML_MIGRATABLE, NULL);
    if (!(obj = vkQemuDomainGet(dom, &st)))
        return NULL;
    def = (flags & VIR_DOMAIN_XML_INACTIVE) && obj->newDef ? obj->newDef : obj->def;
    ret = vkDomainDefFormat(def, flags);
    g_mutex_unlock(&st->lock);
    return ret;
}

char *
vkQemuDomainGetOSType(virDomainPtr dom)
{
    vkQemuState *st;
    vkQemuDomain *obj = vkQemuDomainGet(dom, &st);
    char *ret;

    if (!obj)
        return NULL;
    ret = g_strdup(obj->def->osType ? obj->def->osType : "hvm");
    g_mutex_unlock(&st->lock);
    return ret;
}

unsigned long
vkQemuDomainGetMaxMemory(virDomainPtr dom)
{
    vkQemuState *st;
    vkQemuDomain *obj = vkQemuDomainGet(dom, &st);
    unsigned long ret;

    if (!obj)
        return 0;
    ret = obj->def->maxMemory;
    g_mutex_unlock(&st->lock);
    return ret;
}

int
vkQemuDomainIsActive(virDomainPtr dom)
{
    vkQemuState *st;
    vkQemuDomain *obj = vkQemuDomainGet(dom, &st);
    int ret;

    if (!obj)
        return -1;
    ret = obj->id >= 0;
    g_mutex_unlock(&st->lock);
    return ret;
}

int
vkQemuDomainIsPersistent(virDomainPtr dom)
{
    vkQemuState *st;
    vkQemuDomain *obj = vkQemuDomainGet(dom, &st);
    int ret;

    if (!obj)
        return -1;
    ret = obj->persistent;
    g_mutex_unlock(&st->lock);
    return ret;
}

virDomainPtr
vkQemuDomainDefineXMLFlags(virConnectPtr conn, const char *xml, unsigned int flags)
{
    vkQemuState *st = vkQemuConnState(conn);
    g_autoptr(vkDomainDef) def = NULL;
    vkQemuDomain *obj;
    virDomainPtr ret = NULL;
    bool wasPersistent = false;
    bool exists;

    vkCheckFlags(VIR_DOMAIN_DEFINE_VALIDATE, NULL);
    g_mutex_lock(&st->lock);
    if (!(def = vkQemuParseDef(st, xml)))
        goto cleanup;
    if ((flags & VIR_DOMAIN_DEFINE_VALIDATE) || getenv("VIRTKIT_VALIDATE_XML")) {
        g_autofree char *out = vkDomainDefFormat(def, VIR_DOMAIN_XML_INACTIVE);

        if (vkDomainXMLValidate(out) == -1)
            goto cleanup;
        vkErrorReset();
    }
    /* Checks of vkQemuDomainAdd that must pass before the file is written. */
    obj = vkQemuDomainFindByUUID(st, def->uuid);
    exists = obj != NULL;
    if ((obj && strcmp(obj->name, def->name) != 0) ||
        (!obj && g_hash_table_lookup(st->byName, def->name))) {
        vkDomainDef *tmp = g_steal_pointer(&def);

        vkQemuDomainAdd(st, &tmp, false, NULL);   /* reports the conflict */
        vkDomainDefFree(tmp);
        goto cleanup;
    }
    if (vkQemuSaveConfig(st, def) < 0)
        goto cleanup;
    {
        vkDomainDef *tmp = g_steal_pointer(&def);

        obj = vkQemuDomainAdd(st, &tmp, false, &wasPersistent);
        vkDomainDefFree(tmp);
    }
    if (!obj)
        goto cleanup;
    vkQemuEmitLifecycle(st, obj, VIR_DOMAIN_EVENT_DEFINED,
                        exists && wasPersistent ? VIR_DOMAIN_EVENT_DEFINED_UPDATED :
                        VIR_DOMAIN_EVENT_DEFINED_ADDED);
    ret = vkQemuMakeHandle(conn, obj);

 cleanup:
    g_mutex_unlock(&st->lock);
    return ret;
}

virDomainPtr
vkQemuDomainDefineXML(virConnectPtr conn, const char *xml)
{
    return vkQemuDomainDefineXMLFlags(conn, xml, 0);
}

int
vkQemuDomainUndefineFlags(virDomainPtr dom, unsigned int flags)
{
    vkQemuState *st;
    vkQemuDomain *obj;
    g_autofree char *path = NULL;
    g_autofree char *image = NULL;

    vkCheckFlags(VIR_DOMAIN_UNDEFINE_MANAGED_SAVE | VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA |
                 VIR_DOMAIN_UNDEFINE_NVRAM | VIR_DOMAIN_UNDEFINE_KEEP_NVRAM |
                 VIR_DOMAIN_UNDEFINE_CHECKPOINTS_METADATA, -1);
    if (!(obj = vkQemuDomainGet(dom, &st)))
        return -1;
    if (!obj->persistent) {
        g_mutex_unlock(&st->lock);
        vkReportError(VIR_ERR_OPERATION_INVALID, "cannot undefine transient domain '%s'",
                      obj->name);
        return -1;
    }
    image = vkQemuManagedSavePath(st, obj->name);
    if (g_file_test(image, G_FILE_TEST_EXISTS)) {
        if (!(flags & VIR_DOMAIN_UNDEFINE_MANAGED_SAVE)) {
            vkReportError(VIR_ERR_OPERATION_INVALID,
                          "domain '%s' has a managed save image; remove it or undefine "
                          "with the managed-save flag", obj->name);
            g_mutex_unlock(&st->lock);
            return -1;
        }
        if (g_unlink(image) < 0) {
            vkReportSystemError(errno, "cannot remove managed save image '%s'", image);
            g_mutex_unlock(&st->lock);
            return -1;
        }
    }
    if (!vkQemuAutostartLink(st, obj->name, 0)) {
        g_mutex_unlock(&st->lock);
        return -1;
    }
    obj->autostart = false;
    path = configPath(st, obj->name);
    if (g_unlink(path) < 0 && errno != ENOENT) {
        vkReportSystemError(errno, "cannot remove config file '%s'", path);
        g_mutex_unlock(&st->lock);
        return -1;
    }
    vkQemuEmitLifecycle(st, obj, VIR_DOMAIN_EVENT_UNDEFINED,
                        VIR_DOMAIN_EVENT_UNDEFINED_REMOVED);
    if (obj->id >= 0 || obj->job) {
        /* Runs on as a transient domain; forgotten when it stops. */
        obj->persistent = false;
        vkDomainDefFree(g_steal_pointer(&obj->newDef));
    } else {
        vkQemuDomainRemove(st, obj);
    }
    g_mutex_unlock(&st->lock);
    return 0;
}

int
vkQemuDomainUndefine(virDomainPtr dom)
{
    return vkQemuDomainUndefineFlags(dom, 0);
}
