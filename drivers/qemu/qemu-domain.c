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
#include "drivers/qemu/qemu-private.h"
#include "drivers/qemu/process.h"
#include "conf/domain-name.h"

static char *
configPath(vkQemuState *st, const char *name)
{
    return vkDomainNameFile(st->configDir, name, ".xml");
}

int
vkQemuSaveConfig(vkQemuState *st, const vkDomainDef *def)
{
    return vkDomainDefSaveConfig(st->configDir, def);
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
hasManagedSave(const void *obj, void *opaque)
{
    g_autofree char *image = vkQemuManagedSavePath(opaque, ((const vkQemuDomain *)obj)->name);

    return g_file_test(image, G_FILE_TEST_EXISTS);
}

int
vkQemuConnectListAllDomains(virConnectPtr conn, virDomainPtr **domains, unsigned int flags)
{
    vkQemuState *st = vkQemuConnState(conn);

    vkCheckFlags(0xffff, -1);
    return vkDomainListExport(&st->domains, conn, domains, flags, hasManagedSave, st);
}

int
vkQemuConnectListDomains(virConnectPtr conn, int *ids, int maxids)
{
    return vkDomainListActiveIDs(&vkQemuConnState(conn)->domains, ids, maxids);
}

int
vkQemuConnectNumOfDomains(virConnectPtr conn)
{
    return vkQemuConnectListAllDomains(conn, NULL, VIR_CONNECT_LIST_DOMAINS_ACTIVE);
}

int
vkQemuConnectListDefinedDomains(virConnectPtr conn, char **const names, int maxnames)
{
    return vkDomainListInactiveNames(&vkQemuConnState(conn)->domains, names, maxnames);
}

int
vkQemuConnectNumOfDefinedDomains(virConnectPtr conn)
{
    return vkQemuConnectListAllDomains(conn, NULL, VIR_CONNECT_LIST_DOMAINS_INACTIVE);
}

virDomainPtr
vkQemuDomainLookupByID(virConnectPtr conn, int id)
{
    return vkDomainListLookupByID(&vkQemuConnState(conn)->domains, conn, id);
}

virDomainPtr
vkQemuDomainLookupByUUID(virConnectPtr conn, const unsigned char *uuid)
{
    return vkDomainListLookupByUUID(&vkQemuConnState(conn)->domains, conn, uuid);
}

virDomainPtr
vkQemuDomainLookupByName(virConnectPtr conn, const char *name)
{
    return vkDomainListLookupByName(&vkQemuConnState(conn)->domains, conn, name);
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
    vkCheckFlags(0, -1);
    return vkDomainListGetState(&vkQemuConnState(dom->conn)->domains, dom, state, reason);
}

char *
vkQemuDomainGetXMLDesc(virDomainPtr dom, unsigned int flags)
{
    vkCheckFlags(VIR_DOMAIN_XML_SECURE | VIR_DOMAIN_XML_INACTIVE |
                 VIR_DOMAIN_XML_UPDATE_CPU | VIR_DOMAIN_XML_MIGRATABLE, NULL);
    return vkDomainListGetXMLDesc(&vkQemuConnState(dom->conn)->domains, dom, flags);
}

char *
vkQemuDomainGetOSType(virDomainPtr dom)
{
    return vkDomainListGetOSType(&vkQemuConnState(dom->conn)->domains, dom);
}

unsigned long
vkQemuDomainGetMaxMemory(virDomainPtr dom)
{
    return vkDomainListGetMaxMemory(&vkQemuConnState(dom->conn)->domains, dom);
}

int
vkQemuDomainIsActive(virDomainPtr dom)
{
    return vkDomainListIsActive(&vkQemuConnState(dom->conn)->domains, dom);
}

int
vkQemuDomainIsPersistent(virDomainPtr dom)
{
    return vkDomainListIsPersistent(&vkQemuConnState(dom->conn)->domains, dom);
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
    /* The checks of vkQemuDomainAdd, before the file is written. */
    if (!vkDomainListCheckNew(&st->domains, def))
        goto cleanup;
    exists = vkQemuDomainFindByUUID(st, def->uuid) != NULL;
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
