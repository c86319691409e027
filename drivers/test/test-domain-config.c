/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Changing a test domain's configuration: memory, vCPUs, devices,
 * metadata, lifecycle actions, autostart.
 *
 * Every change names its target with AFFECT_LIVE / AFFECT_CONFIG (or
 * CURRENT, resolved by vkTestGetDefs): the live definition of a running
 * domain, its next-boot definition, or both.  All checks run before the
 * first change, and device edits are made on copies swapped in at the end,
 * so a failing call leaves both definitions as they were.
 */
#include <string.h>

#define VIR_FROM_THIS VIR_FROM_TEST
#include "util/error.h"
#include "drivers/test/test-private.h"
#include "conf/domain-name.h"
#include "conf/domain-conf-priv.h"

static void
noteConfigChange(vkTestDomain *obj, const vkDomainDef *config)
{
    if (config && obj->id >= 0)
        obj->updated = true;
}

int
vkTestDomainSetMemoryFlags(virDomainPtr dom, unsigned long memory, unsigned int flags)
{
    vkTestState *st;
    vkTestDomain *obj;
    vkDomainDef *live, *config;
    int ret = -1;

    vkCheckFlags(VIR_DOMAIN_MEM_LIVE | VIR_DOMAIN_MEM_CONFIG | VIR_DOMAIN_MEM_MAXIMUM, -1);
    if (!(obj = vkTestDomainGet(dom, &st)))
        return -1;
    if (vkTestGetDefs(obj, flags, &live, &config) < 0)
        goto cleanup;

    if (flags & VIR_DOMAIN_MEM_MAXIMUM) {
        if (live) {
            vkReportError(VIR_ERR_OPERATION_INVALID, "%s",
                          "cannot resize the maximum memory on an active domain");
            goto cleanup;
        }
        config->maxMemory = memory;
        if (config->currentMemory > memory)
            config->currentMemory = memory;
    } else {
        if ((live && memory > live->maxMemory) || (config && memory > config->maxMemory)) {
            vkReportError(VIR_ERR_INVALID_ARG, "%s",
                          "cannot set memory higher than max memory");
            goto cleanup;
        }
        if (live)
            live->currentMemory = memory;
        if (config)
            config->currentMemory = memory;
    }
    noteConfigChange(obj, config);
    ret = 0;

 cleanup:
    g_mutex_unlock(&st->lock);
    return ret;
}

int
vkTestDomainSetMemory(virDomainPtr dom, unsigned long memory)
{
    return vkTestDomainSetMemoryFlags(dom, memory, VIR_DOMAIN_MEM_LIVE);
}

int
vkTestDomainSetMaxMemory(virDomainPtr dom, unsigned long memory)
{
    return vkTestDomainSetMemoryFlags(dom, memory, VIR_DOMAIN_MEM_MAXIMUM);
}

int
vkTestDomainSetVcpusFlags(virDomainPtr dom, unsigned int nvcpus, unsigned int flags)
{
    vkTestState *st;
    vkTestDomain *obj;
    vkDomainDef *live, *config;
    int ret = -1;

    vkCheckFlags(VIR_DOMAIN_VCPU_LIVE | VIR_DOMAIN_VCPU_CONFIG | VIR_DOMAIN_VCPU_MAXIMUM, -1);
    if ((flags & VIR_DOMAIN_VCPU_MAXIMUM) && !(flags & VIR_DOMAIN_VCPU_CONFIG)) {
        vkTestReportDomError(VIR_ERR_INVALID_ARG, "%s",
                             "Flag 'VIR_DOMAIN_AFFECT_CONFIG' is required by flag "
                             "'VIR_DOMAIN_VCPU_MAXIMUM'");
        return -1;
    }
    if (nvcpus == 0) {
        vkReportError(VIR_ERR_INVALID_ARG, "%s", "a domain needs at least one vCPU");
        return -1;
    }
    if (nvcpus > VK_TEST_MAX_VCPUS) {
        vkReportError(VIR_ERR_INVALID_ARG,
                      "requested cpu amount exceeds maximum supported amount (%u > %d)",
                      nvcpus, VK_TEST_MAX_VCPUS);
        return -1;
    }
    if (!(obj = vkTestDomainGet(dom, &st)))
        return -1;
    if (vkTestGetDefs(obj, flags, &live, &config) < 0)
        goto cleanup;

    if (live && (flags & VIR_DOMAIN_VCPU_MAXIMUM)) {
        vkReportError(VIR_ERR_OPERATION_INVALID,
                      "cannot change the maximum vCPU count of running domain '%s'",
                      obj->name);
        goto cleanup;
    }
    if (live && nvcpus > live->maxVcpus) {
        vkReportError(VIR_ERR_INVALID_ARG, "requested cpu amount exceeds maximum (%u > %u)",
                      nvcpus, live->maxVcpus);
        goto cleanup;
    }
    if (config && !(flags & VIR_DOMAIN_VCPU_MAXIMUM) && nvcpus > config->maxVcpus) {
        vkReportError(VIR_ERR_INVALID_ARG, "requested cpu amount exceeds maximum (%u > %u)",
                      nvcpus, config->maxVcpus);
        goto cleanup;
    }

    if (live)
        live->vcpus = nvcpus;
    if (config && (flags & VIR_DOMAIN_VCPU_MAXIMUM)) {
        config->maxVcpus = nvcpus;
        if (config->vcpus > nvcpus)
            config->vcpus = nvcpus;
    } else if (config) {
        config->vcpus = nvcpus;
    }
    noteConfigChange(obj, config);
    ret = 0;

 cleanup:
    g_mutex_unlock(&st->lock);
    return ret;
}

int
vkTestDomainSetVcpus(virDomainPtr dom, unsigned int nvcpus)
{
    return vkTestDomainSetVcpusFlags(dom, nvcpus, VIR_DOMAIN_VCPU_LIVE);
}

static bool
checkLiveConfigExclusive(unsigned int flags)
{
    if ((flags & VIR_DOMAIN_AFFECT_LIVE) && (flags & VIR_DOMAIN_AFFECT_CONFIG)) {
        vkTestReportDomError(VIR_ERR_INVALID_ARG, "%s",
                             "Flags 'VIR_DOMAIN_AFFECT_LIVE' and 'VIR_DOMAIN_AFFECT_CONFIG' "
                             "are mutually exclusive");
        return false;
    }
    return true;
}

int
vkTestDomainGetVcpusFlags(virDomainPtr dom, unsigned int flags)
{
    vkTestState *st;
    vkTestDomain *obj;
    vkDomainDef *live, *config, *def;
    int ret = -1;

    vkCheckFlags(VIR_DOMAIN_VCPU_LIVE | VIR_DOMAIN_VCPU_CONFIG | VIR_DOMAIN_VCPU_MAXIMUM, -1);
    if (!checkLiveConfigExclusive(flags))
        return -1;
    if (!(obj = vkTestDomainGet(dom, &st)))
        return -1;
    if (vkTestGetDefs(obj, flags, &live, &config) == 0) {
        def = live ? live : config;
        ret = (flags & VIR_DOMAIN_VCPU_MAXIMUM) ? def->maxVcpus : def->vcpus;
    }
    g_mutex_unlock(&st->lock);
    return ret;
}

int
vkTestDomainGetMaxVcpus(virDomainPtr dom)
{
    return vkTestDomainGetVcpusFlags(dom, VIR_DOMAIN_VCPU_LIVE | VIR_DOMAIN_VCPU_MAXIMUM);
}

int
vkTestDomainGetAutostart(virDomainPtr dom, int *autostart)
{
    vkTestState *st;
    vkTestDomain *obj;

    if (!(obj = vkTestDomainGet(dom, &st)))
        return -1;
    *autostart = obj->autostart;
    g_mutex_unlock(&st->lock);
    return 0;
}

int
vkTestDomainSetAutostart(virDomainPtr dom, int autostart)
{
    vkTestState *st;
    vkTestDomain *obj;

    if (!(obj = vkTestDomainGet(dom, &st)))
        return -1;
    if (!obj->persistent) {
        g_mutex_unlock(&st->lock);
        vkReportError(VIR_ERR_OPERATION_INVALID,
                      "cannot set autostart for transient domain '%s'", dom->name);
        return -1;
    }
    obj->autostart = autostart != 0;
    g_mutex_unlock(&st->lock);
    return 0;
}

char *
vkTestDomainGetMetadata(virDomainPtr dom, int type, const char *uri, unsigned int flags)
{
    vkTestState *st;
    vkTestDomain *obj;
    vkDomainDef *live, *config;
    char *ret = NULL;

    vkCheckFlags(VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG, NULL);
    if (!checkLiveConfigExclusive(flags))
        return NULL;
    if (!(obj = vkTestDomainGet(dom, &st)))
        return NULL;
    if (vkTestGetDefs(obj, flags, &live, &config) == 0)
        ret = vkDomainDefGetMetadata(live ? live : config, type, uri);
    g_mutex_unlock(&st->lock);
    return ret;
}

int
vkTestDomainSetMetadata(virDomainPtr dom, int type, const char *metadata,
                        const char *key, const char *uri, unsigned int flags)
{
    vkTestState *st;
    vkTestDomain *obj;
    vkDomainDef *live, *config;
    int ret = -1;

    vkCheckFlags(VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG, -1);
    if (!(obj = vkTestDomainGet(dom, &st)))
        return -1;
    if (vkTestGetDefs(obj, flags, &live, &config) < 0)
        goto cleanup;
    /* The first call validates the metadata; a second one cannot fail on
     * input the first accepted. */
    if (live && vkDomainDefSetMetadata(live, type, metadata, key, uri) < 0)
        goto cleanup;
    if (config && vkDomainDefSetMetadata(config, type, metadata, key, uri) < 0)
        goto cleanup;
    noteConfigChange(obj, config);
    if (st->events)
        vkDomainEventQueueMetadataChange(st->events, obj->name, obj->uuid, obj->id, type,
                                         type == VIR_DOMAIN_METADATA_ELEMENT ? uri : NULL);
    ret = 0;

 cleanup:
    g_mutex_unlock(&st->lock);
    return ret;
}

/* on_poweroff / on_reboot / on_crash; a power-off or reboot cannot dump
 * core (libvirt's rule). */
int
vkTestDomainSetLifecycleAction(virDomainPtr dom, unsigned int type, unsigned int action,
                               unsigned int flags)
{
    static const char *const events[] = { "poweroff", "reboot", "crash" };
    vkTestState *st;
    vkTestDomain *obj;
    vkDomainDef *live, *config;
    int ret = -1;

    VK_TEST_CHECK_FLAGS("testDomainSetLifecycleAction",
                        VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG, flags);
    if (type >= G_N_ELEMENTS(events) || action >= VIR_DOMAIN_LIFECYCLE_ACTION_LAST) {
        vkReportError(VIR_ERR_INVALID_ARG, "invalid lifecycle type %u or action %u",
                      type, action);
        return -1;
    }
    if (type != VIR_DOMAIN_LIFECYCLE_CRASH &&
        (action == VIR_DOMAIN_LIFECYCLE_ACTION_COREDUMP_DESTROY ||
         action == VIR_DOMAIN_LIFECYCLE_ACTION_COREDUMP_RESTART)) {
        vkReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      "Lifecycle event '%s' doesn't support '%s' action",
                      events[type], vkDomainLifecycleTable[action]);
        return -1;
    }
    if (!(obj = vkTestDomainGet(dom, &st)))
        return -1;
    if (vkTestGetDefs(obj, flags, &live, &config) < 0)
        goto cleanup;
    for (int i = 0; i < 2; i++) {
        vkDomainDef *def = i ? config : live;

        if (!def)
            continue;
        if (type == VIR_DOMAIN_LIFECYCLE_POWEROFF)
            def->onPoweroff = action;
        else if (type == VIR_DOMAIN_LIFECYCLE_REBOOT)
            def->onReboot = action;
        else
            def->onCrash = action;
    }
    noteConfigChange(obj, config);
    ret = 0;

 cleanup:
    g_mutex_unlock(&st->lock);
    return ret;
}

/* As libvirt's test driver: only an inactive persistent domain without a
 * managed save image; UNDEFINED/RENAMED for the old name, then
 * DEFINED/RENAMED for the new one.  The caller's handle keeps its name
 * (libvirt's in-process drivers do not touch it either). */
int
vkTestDomainRename(virDomainPtr dom, const char *new_name, unsigned int flags)
{
    vkTestState *st;
    vkTestDomain *obj;

    vkCheckFlags(0, -1);
    if (!(obj = vkTestDomainGet(dom, &st)))
        return -1;
    if (vkDomainRenameCheck(obj->name, new_name) < 0)
        goto error;
    if (obj->id >= 0) {
        vkReportError(VIR_ERR_OPERATION_INVALID, "%s", "cannot rename active domain");
        goto error;
    }
    if (!obj->persistent) {
        vkReportError(VIR_ERR_OPERATION_INVALID, "%s", "cannot rename a transient domain");
        goto error;
    }
    if (obj->managedSaveXML) {
        vkReportError(VIR_ERR_OPERATION_INVALID, "%s",
                      "domain with a managed saved state can't be renamed");
        goto error;
    }
    if (g_hash_table_contains(st->byName, new_name)) {
        vkTestReportDomError(VIR_ERR_OPERATION_INVALID,
                             "domain with name '%s' already exists", new_name);
        goto error;
    }
    vkTestEmitLifecycle(st, obj, VIR_DOMAIN_EVENT_UNDEFINED,
                        VIR_DOMAIN_EVENT_UNDEFINED_RENAMED);
    /* the name is the hash key: take the object out while it changes */
    g_hash_table_steal(st->byName, obj->name);
    vkTestDomainObjSetName(obj, new_name);
    g_free(obj->def->name);
    obj->def->name = g_strdup(new_name);
    g_hash_table_insert(st->byName, obj->name, obj);
    vkTestEmitLifecycle(st, obj, VIR_DOMAIN_EVENT_DEFINED,
                        VIR_DOMAIN_EVENT_DEFINED_RENAMED);
    g_mutex_unlock(&st->lock);
    return 0;

 error:
    g_mutex_unlock(&st->lock);
    return -1;
}
