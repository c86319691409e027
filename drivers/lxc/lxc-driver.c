/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The LXC driver: its table, connection open/close, and the per-root
 * state with the domain objects every other file works on.
 *
 * Shaped like the QEMU driver on purpose (same state-per-root, same
 * private event thread); the container specifics live in
 * drivers/container (definition view, state machine, cgroups) and
 * lxc-process.c (namespaces).
 *
 * The idea: one vkLxcState per root directory, found through the
 * frame's registry (src/core/state-root.h), owns the domains and a private GLib main context run
 * by its own thread, where every supervisor's pidfd is watched, so a
 * container's end is noticed even when the application runs no loop.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <glib/gstdio.h>

#define VIR_FROM_THIS VIR_FROM_LXC
#include "util/error.h"
#include "drivers/lxc/lxc-private.h"
#include "drivers/lxc/lxc-driver.h"

VK_DOMAIN_OBJ_DEFINE_REFS(vkLxcDomain, vkLxcDomain)

static const vkDomainObjOps domainOps =
    VK_DOMAIN_OBJ_OPS(vkLxcDomain, vkLxcDomainNew, vkLxcDomainUnref, NULL);

static int
stateInit(vkStateBase *base)
{
    vkLxcState *st = (vkLxcState *)base;
    /* keyed by the files' place, so two daemons on different roots
     * never share a group */
    g_autofree char *sum = g_compute_checksum_for_string(G_CHECKSUM_SHA256,
                                                         st->configDir, -1);

    sum[12] = '\0';
    st->cgroupBase = g_strdup_printf("virtkit/lxc-%s", sum);
    vkStateDomainsInit(base, &st->domains, &domainOps, &vkLxcStateDomainOps);
    return 0;
}

static void
stateStart(vkStateBase *base)
{
    vkLxcState *st = (vkLxcState *)base;

    g_mutex_lock(&st->lock);
    vkLxcReattachAll(st);
    g_mutex_unlock(&st->lock);
}

static void
stateStop(vkStateBase *base)
{
    vkLxcDetachAll((vkLxcState *)base);
}

static void
stateFinalize(vkStateBase *base)
{
    vkLxcState *st = (vkLxcState *)base;

    vkDomainListClear(&st->domains);
    g_free(st->cgroupBase);
}

/* The directories are made at the first define or start
 * (vkStateEnsureDirs): a daemon that never runs a container leaves the
 * host's /etc and /run alone. */
static const vkStateClass lxcStateClass = {
    .scheme = "lxc",
    .label = "LXC",
    .errdom = VIR_FROM_LXC,
    .rootEnv = "VIRTKIT_LXC_ROOT",
    .systemDirs = { "/etc/virtkit/lxc", "/run/virtkit/lxc", "/var/log/virtkit/lxc",
                    "/var/lib/virtkit/lxc/save" },
    .threadName = "vk-lxc-events",
    .size = sizeof(vkLxcState),
    .init = stateInit,
    .start = stateStart,
    .stop = stateStop,
    .finalize = stateFinalize,
};

static vkStateRegistry registry = VK_STATE_REGISTRY_INIT(&lxcStateClass);

static const vkStateDriver lxcStateDriver = {
    .name = "LXC",
    .option = "lxc-root",
    .optionArg = "DIR",
    .optionHelp = "keep lxc:///system's files under DIR (default: VIRTKIT_LXC_ROOT, "
                  "else /etc/virtkit/lxc, /run/virtkit/lxc, ...)",
    .init = vkStateRegistryStateInit,
    .cleanup = vkStateRegistryStateCleanup,
    .opaque = &registry,
};

static vkDrvOpenStatus
lxcConnectOpen(virConnectPtr conn, virConnectAuthPtr auth, unsigned int flags)
{
    return vkStateRegistryOpen(&registry, conn, flags);
}

static int
lxcConnectClose(virConnectPtr conn)
{
    return vkStateRegistryClose(&registry, conn);
}

static const char *
lxcConnectGetType(virConnectPtr conn)
{
    return "LXC";
}

static int
lxcConnectGetVersion(virConnectPtr conn, unsigned long *hvVer)
{
    struct utsname u;
    unsigned int maj = 0, min = 0, mic = 0;

    /* libvirt's LXC driver reports the host kernel's version */
    if (uname(&u) < 0 || sscanf(u.release, "%u.%u.%u", &maj, &min, &mic) < 2) {
        vkReportError(VIR_ERR_INTERNAL_ERROR, "cannot parse the kernel version");
        return -1;
    }
    *hvVer = maj * 1000000UL + min * 1000UL + mic;
    return 0;
}

bool
vkLxcSetState(vkLxcState *st, vkLxcDomain *obj, vkContainerState to, vkContainerWhy why)
{
    vkContainerTransition t;

    if (!vkContainerStateTransition(obj->cstate, to, why, &t)) {
        vkReportError(VIR_ERR_OPERATION_INVALID, "container '%s' cannot go from %s to %s",
                      obj->name, vkContainerStateName(obj->cstate), vkContainerStateName(to));
        return false;
    }
    obj->cstate = to;
    obj->state = t.state;
    obj->reason = t.reason;
    if (t.event >= 0)
        vkLxcEmitLifecycle(st, obj, t.event, t.detail);
    return true;
}

vkDomainDef *
vkLxcParseDef(const char *xml, unsigned int flags)
{
    g_autoptr(vkDomainDef) def = vkDomainDefParseString(xml, "lxc", flags);
    g_autoptr(vkContainerDef) cdef = NULL;

    if (!def)
        return NULL;
    if (!(cdef = vkContainerDefFromDomain(def)))
        return NULL;
    return g_steal_pointer(&def);
}

static virHypervisorDriver lxcHypervisorDriver = {
    .name = "LXC",
    .connectOpen = lxcConnectOpen,
    .connectClose = lxcConnectClose,

    .connectGetType = lxcConnectGetType,
    .connectGetVersion = lxcConnectGetVersion,
    .connectGetHostname = vkStateConnectGetHostname,
    .connectIsAlive = vkStateConnectIsAlive,
    .connectIsSecure = vkStateConnectIsSecure,
    .connectIsEncrypted = vkStateConnectIsEncrypted,

    .connectListAllDomains = vkStateConnectListAllDomains,
    .connectListDomains = vkStateConnectListDomains,
    .connectNumOfDomains = vkStateConnectNumOfDomains,
    .connectListDefinedDomains = vkStateConnectListDefinedDomains,
    .connectNumOfDefinedDomains = vkStateConnectNumOfDefinedDomains,
    .domainLookupByID = vkStateDomainLookupByID,
    .domainLookupByUUID = vkStateDomainLookupByUUID,
    .domainLookupByName = vkStateDomainLookupByName,
    .domainGetInfo = vkLxcDomainGetInfo,
    .domainGetState = vkStateDomainGetState,
    .domainGetXMLDesc = vkStateDomainGetXMLDesc,
    .domainGetOSType = vkStateDomainGetOSType,
    .domainGetMaxMemory = vkStateDomainGetMaxMemory,
    .domainIsActive = vkStateDomainIsActive,
    .domainIsPersistent = vkStateDomainIsPersistent,
    .domainDefineXML = vkStateDomainDefineXML,
    .domainDefineXMLFlags = vkStateDomainDefineXMLFlags,
    .domainUndefine = vkStateDomainUndefine,
    .domainUndefineFlags = vkStateDomainUndefineFlags,

    .domainCreateXML = vkLxcDomainCreateXML,
    .domainCreate = vkLxcDomainCreate,
    .domainCreateWithFlags = vkLxcDomainCreateWithFlags,
    .domainDestroy = vkLxcDomainDestroy,
    .domainDestroyFlags = vkLxcDomainDestroyFlags,
    .domainShutdown = vkLxcDomainShutdown,
    .domainShutdownFlags = vkLxcDomainShutdownFlags,
    .domainSuspend = vkLxcDomainSuspend,
    .domainResume = vkLxcDomainResume,
    .domainReboot = vkLxcDomainReboot,
    .domainOpenConsole = vkLxcDomainOpenConsole,
    .domainLxcOpenNamespace = vkLxcDomainLxcOpenNamespace,
    .nodeGetSecurityModel = vkLxcNodeGetSecurityModel,
    .domainGetSecurityLabel = vkLxcDomainGetSecurityLabel,

    .connectDomainEventRegister = vkStateDomainEventRegister,
    .connectDomainEventDeregister = vkStateDomainEventDeregister,
    .connectDomainEventRegisterAny = vkStateDomainEventRegisterAny,
    .connectDomainEventDeregisterAny = vkStateDomainEventDeregisterAny,
};

static const char *const lxcUriSchemes[] = { "lxc", NULL };

static const vkConnectDriver lxcConnectDriver = {
    .features = VK_CONNECT_FEATURE_HOST_SERVICES,
    .name = "LXC",
    .uriSchemes = lxcUriSchemes,
    .localOnly = true,
    .hypervisorDriver = &lxcHypervisorDriver,
};

int
vkLxcDriverRegister(void)
{
    if (vkRegisterStateDriver(&lxcStateDriver) < 0)
        return -1;
    return vkRegisterConnectDriver(&lxcConnectDriver);
}
