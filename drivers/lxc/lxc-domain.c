/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * LXC domains: lookups, listing, information, and persistent
 * definitions.
 *
 * A persistent definition is ROOT/etc/<name>.xml, written with
 * vkAtomicFileWrite before the in-memory object changes, so a define that
 * returned success survives a crash at any instant and one that failed
 * leaves both disk and memory as they were.
 */
#include <string.h>
#include <glib/gstdio.h>

#define VIR_FROM_THIS VIR_FROM_LXC
#include "util/error.h"
#include "util/atomic-file.h"
#include "util/uuid.h"
#include "core/fd-stream.h"
#include "drivers/lxc/lxc-private.h"
#include "drivers/lxc/lxc-process.h"

static char *
configPath(vkLxcState *st, const char *name)
{
    g_autofree char *file = g_strdup_printf("%s.xml", name);

    return g_build_filename(st->configDir, file, NULL);
}

static int
saveConfig(vkLxcState *st, const vkDomainDef *def)
{
    g_autofree char *path = configPath(st, def->name);
    g_autofree char *xml = vkDomainDefFormat(def, VIR_DOMAIN_XML_SECURE |
                                             VIR_DOMAIN_XML_INACTIVE);

    if (!xml)
        return -1;
    return vkAtomicFileWrite(path, xml, strlen(xml), 0600);
}

int
vkLxcLoadConfigs(vkLxcState *st)
{
    g_autoptr(GDir) dir = g_dir_open(st->configDir, 0, NULL);
    const char *n;

    while (dir && (n = g_dir_read_name(dir))) {
        g_autofree char *path = NULL;
        g_autofree char *xml = NULL;
        vkDomainDef *def;
        vkLxcDomain *obj = NULL;

        if (n[0] == '.' || !g_str_has_suffix(n, ".xml"))
            continue;
        path = g_build_filename(st->configDir, n, NULL);
        if (!g_file_get_contents(path, &xml, NULL, NULL))
            continue;
        /* A config that no longer parses is skipped, not fatal: one bad
         * file must not hide every other domain. */
        def = vkDomainDefParseString(xml, "lxc", 0);
        if (def)
            obj = vkLxcDomainAdd(st, &def, false);
        if (!obj) {
            g_warning("LXC driver: skipping config '%s': %s", path,
                      vkErrorIsSet() ? vkErrorGetLast()->message : "invalid");
            vkDomainDefFree(def);
            vkErrorReset();
        }
    }
    return 0;
}

static bool
matchFlags(vkLxcState *st, vkLxcDomain *obj, unsigned int flags)
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
    BOTH(VIR_CONNECT_LIST_DOMAINS_MANAGEDSAVE, VIR_CONNECT_LIST_DOMAINS_NO_MANAGEDSAVE,
         false);
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
vkLxcConnectListAllDomains(virConnectPtr conn, virDomainPtr **domains, unsigned int flags)
{
    vkLxcState *st = vkLxcConnState(conn);
    g_autoptr(GPtrArray) list = g_ptr_array_new();
    int n;

    vkCheckFlags(0xffff, -1);
    g_mutex_lock(&st->lock);
    for (GList *l = st->order.head; l; l = l->next) {
        vkLxcDomain *obj = l->data;

        if (matchFlags(st, obj, flags))
            g_ptr_array_add(list, vkLxcMakeHandle(conn, obj));
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
vkLxcConnectListDomains(virConnectPtr conn, int *ids, int maxids)
{
    vkLxcState *st = vkLxcConnState(conn);
    int n = 0;

    g_mutex_lock(&st->lock);
    for (GList *l = st->order.head; l && n < maxids; l = l->next) {
        vkLxcDomain *obj = l->data;

        if (obj->id >= 0)
            ids[n++] = obj->id;
    }
    g_mutex_unlock(&st->lock);
    return n;
}

int
vkLxcConnectNumOfDomains(virConnectPtr conn)
{
    return vkLxcConnectListAllDomains(conn, NULL, VIR_CONNECT_LIST_DOMAINS_ACTIVE);
}

int
vkLxcConnectListDefinedDomains(virConnectPtr conn, char **const names, int maxnames)
{
    vkLxcState *st = vkLxcConnState(conn);
    int n = 0;

    g_mutex_lock(&st->lock);
    for (GList *l = st->order.head; l && n < maxnames; l = l->next) {
        vkLxcDomain *obj = l->data;

        if (obj->id < 0)
            names[n++] = g_strdup(obj->name);
    }
    g_mutex_unlock(&st->lock);
    return n;
}

int
vkLxcConnectNumOfDefinedDomains(virConnectPtr conn)
{
    return vkLxcConnectListAllDomains(conn, NULL, VIR_CONNECT_LIST_DOMAINS_INACTIVE);
}

virDomainPtr
vkLxcDomainLookupByID(virConnectPtr conn, int id)
{
    vkLxcState *st = vkLxcConnState(conn);
    virDomainPtr ret = NULL;

    g_mutex_lock(&st->lock);
    for (GList *l = st->order.head; l; l = l->next) {
        vkLxcDomain *obj = l->data;

        if (obj->id >= 0 && obj->id == id) {
            ret = vkLxcMakeHandle(conn, obj);
            break;
        }
    }
    g_mutex_unlock(&st->lock);
    if (!ret && !vkErrorIsSet())
        vkReportError(VIR_ERR_NO_DOMAIN, "no domain with matching id %d", id);
    return ret;
}

virDomainPtr
vkLxcDomainLookupByUUID(virConnectPtr conn, const unsigned char *uuid)
{
    vkLxcState *st = vkLxcConnState(conn);
    vkLxcDomain *obj;
    virDomainPtr ret = NULL;

    g_mutex_lock(&st->lock);
    if ((obj = vkLxcDomainFindByUUID(st, uuid)))
        ret = vkLxcMakeHandle(conn, obj);
    g_mutex_unlock(&st->lock);
    if (!obj) {
        char s[VIR_UUID_STRING_BUFLEN];

        vkUUIDFormat(uuid, s);
        vkReportError(VIR_ERR_NO_DOMAIN, "no domain with matching uuid '%s'", s);
    }
    return ret;
}

virDomainPtr
vkLxcDomainLookupByName(virConnectPtr conn, const char *name)
{
    vkLxcState *st = vkLxcConnState(conn);
    vkLxcDomain *obj;
    virDomainPtr ret = NULL;

    g_mutex_lock(&st->lock);
    if ((obj = g_hash_table_lookup(st->byName, name)))
        ret = vkLxcMakeHandle(conn, obj);
    g_mutex_unlock(&st->lock);
    if (!obj)
        vkReportError(VIR_ERR_NO_DOMAIN, "no domain with matching name '%s'", name);
    return ret;
}

int
vkLxcDomainGetInfo(virDomainPtr dom, virDomainInfoPtr info)
{
    vkLxcState *st;
    vkLxcDomain *obj = vkLxcDomainGet(dom, &st);
    unsigned long long cpu = 0, rss = 0;

    if (!obj)
        return -1;
    memset(info, 0, sizeof(*info));
    info->state = obj->state;
    info->maxMem = obj->def->maxMemory;
    info->memory = obj->def->currentMemory ? obj->def->currentMemory : obj->def->maxMemory;
    info->nrVirtCpu = obj->def->vcpus ? obj->def->vcpus : 1;
    /* A container's memory and CPU time are its cgroup's. */
    if (obj->run && obj->run->cgroup &&
        vkCgroupGetStats(obj->run->cgroup, &cpu, &rss) == 0) {
        info->cpuTime = cpu;
        info->memory = rss;
    }
    g_mutex_unlock(&st->lock);
    return 0;
}

int
vkLxcDomainGetState(virDomainPtr dom, int *state, int *reason, unsigned int flags)
{
    vkLxcState *st;
    vkLxcDomain *obj;

    vkCheckFlags(0, -1);
    if (!(obj = vkLxcDomainGet(dom, &st)))
        return -1;
    *state = obj->state;
    if (reason)
        *reason = obj->reason;
    g_mutex_unlock(&st->lock);
    return 0;
}

char *
vkLxcDomainGetXMLDesc(virDomainPtr dom, unsigned int flags)
{
    vkLxcState *st;
    vkLxcDomain *obj;
    const vkDomainDef *def;
    char *ret;

    vkCheckFlags(VIR_DOMAIN_XML_SECURE | VIR_DOMAIN_XML_INACTIVE |
                 VIR_DOMAIN_XML_UPDATE_CPU | VIR_DOMAIN_XML_MIGRATABLE, NULL);
    if (!(obj = vkLxcDomainGet(dom, &st)))
        return NULL;
    def = (flags & VIR_DOMAIN_XML_INACTIVE) && obj->newDef ? obj->newDef : obj->def;
    ret = vkDomainDefFormat(def, flags);
    g_mutex_unlock(&st->lock);
    return ret;
}

char *
vkLxcDomainGetOSType(virDomainPtr dom)
{
    vkLxcState *st;
    vkLxcDomain *obj = vkLxcDomainGet(dom, &st);
    char *ret;

    if (!obj)
        return NULL;
    ret = g_strdup(obj->def->osType ? obj->def->osType : "hvm");
    g_mutex_unlock(&st->lock);
    return ret;
}

unsigned long
vkLxcDomainGetMaxMemory(virDomainPtr dom)
{
    vkLxcState *st;
    vkLxcDomain *obj = vkLxcDomainGet(dom, &st);
    unsigned long ret;

    if (!obj)
        return 0;
    ret = obj->def->maxMemory;
    g_mutex_unlock(&st->lock);
    return ret;
}

int
vkLxcDomainIsActive(virDomainPtr dom)
{
    vkLxcState *st;
    vkLxcDomain *obj = vkLxcDomainGet(dom, &st);
    int ret;

    if (!obj)
        return -1;
    ret = obj->id >= 0;
    g_mutex_unlock(&st->lock);
    return ret;
}

int
vkLxcDomainIsPersistent(virDomainPtr dom)
{
    vkLxcState *st;
    vkLxcDomain *obj = vkLxcDomainGet(dom, &st);
    int ret;

    if (!obj)
        return -1;
    ret = obj->persistent;
    g_mutex_unlock(&st->lock);
    return ret;
}

virDomainPtr
vkLxcDomainDefineXMLFlags(virConnectPtr conn, const char *xml, unsigned int flags)
{
    vkLxcState *st = vkLxcConnState(conn);
    g_autoptr(vkDomainDef) def = NULL;
    vkLxcDomain *obj;
    virDomainPtr ret = NULL;
    bool wasPersistent = false;
    bool exists;

    vkCheckFlags(VIR_DOMAIN_DEFINE_VALIDATE, NULL);
    g_mutex_lock(&st->lock);
    if (!(def = vkLxcParseDef(xml, 0)))
        goto cleanup;
    if ((flags & VIR_DOMAIN_DEFINE_VALIDATE) || getenv("VIRTKIT_VALIDATE_XML")) {
        g_autofree char *out = vkDomainDefFormat(def, VIR_DOMAIN_XML_INACTIVE);

        if (vkDomainXMLValidate(out) == -1)
            goto cleanup;
        vkErrorReset();
    }
    /* Checks of vkLxcDomainAdd that must pass before the file is written. */
    obj = vkLxcDomainFindByUUID(st, def->uuid);
    exists = obj != NULL;
    if ((obj && strcmp(obj->name, def->name) != 0) ||
        (!obj && g_hash_table_lookup(st->byName, def->name))) {
        vkDomainDef *tmp = g_steal_pointer(&def);

        vkLxcDomainAdd(st, &tmp, false);   /* reports the conflict */
        vkDomainDefFree(tmp);
        goto cleanup;
    }
    if (vkLxcEnsureDirs(st) < 0 || saveConfig(st, def) < 0)
        goto cleanup;
    {
        vkDomainDef *tmp = g_steal_pointer(&def);

        wasPersistent = exists && vkLxcDomainFindByUUID(st, tmp->uuid)->persistent;
        obj = vkLxcDomainAdd(st, &tmp, false);
        vkDomainDefFree(tmp);
    }
    if (!obj)
        goto cleanup;
    vkLxcEmitLifecycle(st, obj, VIR_DOMAIN_EVENT_DEFINED,
                        exists && wasPersistent ? VIR_DOMAIN_EVENT_DEFINED_UPDATED :
                        VIR_DOMAIN_EVENT_DEFINED_ADDED);
    ret = vkLxcMakeHandle(conn, obj);

 cleanup:
    g_mutex_unlock(&st->lock);
    return ret;
}

virDomainPtr
vkLxcDomainDefineXML(virConnectPtr conn, const char *xml)
{
    return vkLxcDomainDefineXMLFlags(conn, xml, 0);
}

int
vkLxcDomainUndefineFlags(virDomainPtr dom, unsigned int flags)
{
    vkLxcState *st;
    vkLxcDomain *obj;
    g_autofree char *path = NULL;

    vkCheckFlags(VIR_DOMAIN_UNDEFINE_MANAGED_SAVE | VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA |
                 VIR_DOMAIN_UNDEFINE_NVRAM | VIR_DOMAIN_UNDEFINE_KEEP_NVRAM |
                 VIR_DOMAIN_UNDEFINE_CHECKPOINTS_METADATA, -1);
    if (!(obj = vkLxcDomainGet(dom, &st)))
        return -1;
    if (!obj->persistent) {
        g_mutex_unlock(&st->lock);
        vkReportError(VIR_ERR_OPERATION_INVALID, "cannot undefine transient domain '%s'",
                      obj->name);
        return -1;
    }
    path = configPath(st, obj->name);
    if (g_unlink(path) < 0 && errno != ENOENT) {
        vkReportSystemError(errno, "cannot remove config file '%s'", path);
        g_mutex_unlock(&st->lock);
        return -1;
    }
    vkLxcEmitLifecycle(st, obj, VIR_DOMAIN_EVENT_UNDEFINED,
                        VIR_DOMAIN_EVENT_UNDEFINED_REMOVED);
    if (obj->id >= 0) {
        /* Runs on as a transient domain; forgotten when it stops. */
        obj->persistent = false;
        vkDomainDefFree(g_steal_pointer(&obj->newDef));
    } else {
        vkLxcDomainRemove(st, obj);
    }
    g_mutex_unlock(&st->lock);
    return 0;
}

int
vkLxcDomainUndefine(virDomainPtr dom)
{
    return vkLxcDomainUndefineFlags(dom, 0);
}

/* The console is the supervisor's socket (lxc-console.c); the stream
 * relays it.  There is one console, "console0" as libvirt names it; a
 * new client takes it over from an earlier one, so FORCE is the only
 * behaviour and SAFE (which promises refusal) is not offered. */
int
vkLxcDomainOpenConsole(virDomainPtr dom, const char *devName, virStreamPtr stream,
                       unsigned int flags)
{
    vkLxcState *st;
    vkLxcDomain *obj;
    g_autofree char *path = NULL;
    g_autofree char *name = NULL;
    int fd;

    vkCheckFlags(VIR_DOMAIN_CONSOLE_FORCE, -1);
    if (devName && strcmp(devName, "console0") != 0) {
        vkReportError(VIR_ERR_INVALID_ARG, "domain '%s' has no console '%s' (only console0)",
                      dom->name, devName);
        return -1;
    }
    if (!(obj = vkLxcDomainGet(dom, &st)))
        return -1;
    if (!vkLxcCheckActive(obj)) {
        g_mutex_unlock(&st->lock);
        return -1;
    }
    path = g_strdup(obj->run->consolePath);
    name = g_strdup(obj->name);
    g_mutex_unlock(&st->lock);
    if ((fd = vkLxcConsoleConnect(path, name)) < 0)
        return -1;
    return vkFdStreamOpen(stream, fd);
}
