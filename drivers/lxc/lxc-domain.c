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
#include "core/fd-stream.h"
#include "drivers/lxc/lxc-private.h"
#include "drivers/lxc/lxc-process.h"
#include "conf/domain-name.h"

static char *
configPath(vkLxcState *st, const char *name)
{
    return vkDomainNameFile(st->configDir, name, ".xml");
}

static int
saveConfig(vkLxcState *st, const vkDomainDef *def)
{
    return vkDomainDefSaveConfig(st->configDir, def);
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

int
vkLxcConnectListAllDomains(virConnectPtr conn, virDomainPtr **domains, unsigned int flags)
{
    vkCheckFlags(0xffff, -1);
    /* No managed save for containers. */
    return vkDomainListExport(&vkLxcConnState(conn)->domains, conn, domains, flags,
                              NULL, NULL);
}

int
vkLxcConnectListDomains(virConnectPtr conn, int *ids, int maxids)
{
    return vkDomainListActiveIDs(&vkLxcConnState(conn)->domains, ids, maxids);
}

int
vkLxcConnectNumOfDomains(virConnectPtr conn)
{
    return vkLxcConnectListAllDomains(conn, NULL, VIR_CONNECT_LIST_DOMAINS_ACTIVE);
}

int
vkLxcConnectListDefinedDomains(virConnectPtr conn, char **const names, int maxnames)
{
    return vkDomainListInactiveNames(&vkLxcConnState(conn)->domains, names, maxnames);
}

int
vkLxcConnectNumOfDefinedDomains(virConnectPtr conn)
{
    return vkLxcConnectListAllDomains(conn, NULL, VIR_CONNECT_LIST_DOMAINS_INACTIVE);
}

virDomainPtr
vkLxcDomainLookupByID(virConnectPtr conn, int id)
{
    return vkDomainListLookupByID(&vkLxcConnState(conn)->domains, conn, id);
}

virDomainPtr
vkLxcDomainLookupByUUID(virConnectPtr conn, const unsigned char *uuid)
{
    return vkDomainListLookupByUUID(&vkLxcConnState(conn)->domains, conn, uuid);
}

virDomainPtr
vkLxcDomainLookupByName(virConnectPtr conn, const char *name)
{
    return vkDomainListLookupByName(&vkLxcConnState(conn)->domains, conn, name);
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
    vkCheckFlags(0, -1);
    return vkDomainListGetState(&vkLxcConnState(dom->conn)->domains, dom, state, reason);
}

char *
vkLxcDomainGetXMLDesc(virDomainPtr dom, unsigned int flags)
{
    vkCheckFlags(VIR_DOMAIN_XML_SECURE | VIR_DOMAIN_XML_INACTIVE |
                 VIR_DOMAIN_XML_UPDATE_CPU | VIR_DOMAIN_XML_MIGRATABLE, NULL);
    return vkDomainListGetXMLDesc(&vkLxcConnState(dom->conn)->domains, dom, flags);
}

char *
vkLxcDomainGetOSType(virDomainPtr dom)
{
    return vkDomainListGetOSType(&vkLxcConnState(dom->conn)->domains, dom);
}

unsigned long
vkLxcDomainGetMaxMemory(virDomainPtr dom)
{
    return vkDomainListGetMaxMemory(&vkLxcConnState(dom->conn)->domains, dom);
}

int
vkLxcDomainIsActive(virDomainPtr dom)
{
    return vkDomainListIsActive(&vkLxcConnState(dom->conn)->domains, dom);
}

int
vkLxcDomainIsPersistent(virDomainPtr dom)
{
    return vkDomainListIsPersistent(&vkLxcConnState(dom->conn)->domains, dom);
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
    /* The checks of vkLxcDomainAdd, before the file is written. */
    if (!vkDomainListCheckNew(&st->domains, def))
        goto cleanup;
    exists = vkLxcDomainFindByUUID(st, def->uuid) != NULL;
    if (vkLxcEnsureDirs(st) < 0 || saveConfig(st, def) < 0)
        goto cleanup;
    {
        vkDomainDef *tmp = g_steal_pointer(&def);

        obj = vkDomainListAdd(&st->domains, &tmp, false, &wasPersistent);
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
