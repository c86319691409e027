/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The OpenVZ driver: its table, connection open/close and host queries.
 *
 * The idea: one vkOpenvzState per root ("/" on an OpenVZ host, or the
 * directory named by VIRTKIT_OPENVZ_ROOT in tests), kept in the
 * stateful-driver frame's registry (src/core/state-root.h), shared by every
 * connection of the process to it, so that the events one connection's
 * calls cause reach the callbacks of all of them.  Everything else about
 * containers lives in the tools and their files (openvz-private.h).
 */
#include <string.h>
#include <unistd.h>
#include <sys/utsname.h>

#define VIR_FROM_THIS VIR_FROM_OPENVZ
#include "util/error.h"
#include "conf/capabilities.h"
#include "drivers/openvz/openvz-private.h"
#include "drivers/openvz/openvz-driver.h"

static int
stateInit(vkStateBase *base)
{
    vkOpenvzState *st = (vkOpenvzState *)base;
    const char *vzctl = g_getenv("VIRTKIT_VZCTL");
    const char *vzlist = g_getenv("VIRTKIT_VZLIST");

    st->confDir = g_build_filename(st->root, "etc", "vz", "conf", NULL);
    st->vzctl = g_strdup(vzctl && *vzctl ? vzctl : VK_OPENVZ_DEFAULT_VZCTL);
    st->vzlist = g_strdup(vzlist && *vzlist ? vzlist : VK_OPENVZ_DEFAULT_VZLIST);
    return 0;
}

static void
stateFinalize(vkStateBase *base)
{
    vkOpenvzState *st = (vkOpenvzState *)base;

    g_free(st->confDir);
    g_free(st->vzctl);
    g_free(st->vzlist);
}

/* One state per root ("/" or $VIRTKIT_OPENVZ_ROOT); the tools keep the
 * containers, so there is nothing to load, reattach or watch. */
static const vkStateClass openvzStateClass = {
    .scheme = "openvz",
    .label = "OpenVZ",
    .errdom = VIR_FROM_OPENVZ,
    .size = sizeof(vkOpenvzState),
    .init = stateInit,
    .finalize = stateFinalize,
};

static vkStateRegistry registry = VK_STATE_REGISTRY_INIT(&openvzStateClass);

static vkDrvOpenStatus
openvzConnectOpen(virConnectPtr conn, virConnectAuthPtr auth, unsigned int flags)
{
    const vkURI *uri = conn->uri;
    const char *testRoot = g_getenv("VIRTKIT_OPENVZ_ROOT");
    g_autofree char *root = NULL;
    g_autofree char *runDir = NULL;
    vkStateDirs dirs = { 0 };
    vkStateBase *st;

    if (!uri || !uri->scheme || strcmp(uri->scheme, "openvz") != 0 ||
        (uri->server && *uri->server) || uri->transport)
        return VK_DRV_OPEN_DECLINED;
    vkCheckFlags(VIR_CONNECT_RO | VIR_CONNECT_NO_ALIASES, VK_DRV_OPEN_ERROR);

    if (testRoot && *testRoot) {
        root = g_canonicalize_filename(testRoot, "/");
    } else if (access("/proc/vz", W_OK) == 0) {
        root = g_strdup("/");
    } else {
        /* Not an OpenVZ host for this process: virtkitd may be one. */
        return VK_DRV_OPEN_DECLINED;
    }
    if (g_strcmp0(uri->path, "/system") != 0) {
        vkReportError(VIR_ERR_INVALID_ARG,
                      "unexpected OpenVZ URI path '%s', try openvz:///system",
                      uri->path ? uri->path : "");
        return VK_DRV_OPEN_ERROR;
    }
    runDir = g_build_filename(root, "run", "virtkit", "openvz", NULL);
    dirs.key = root;
    dirs.runDir = runDir;
    if (!(st = vkStateRegistryAcquire(&registry, &dirs, false)))
        return VK_DRV_OPEN_ERROR;
    conn->privateData = st;
    return VK_DRV_OPEN_SUCCESS;
}

static int
openvzConnectClose(virConnectPtr conn)
{
    return vkStateRegistryClose(&registry, conn);
}

static const char *
openvzConnectGetType(virConnectPtr conn)
{
    return "OpenVZ";
}

static int
openvzConnectGetVersion(virConnectPtr conn, unsigned long *hvVer)
{
    vkOpenvzState *st = conn->privateData;
    int ret;

    g_mutex_lock(&st->lock);
    ret = vkOpenvzVersion(st, hvVer);
    g_mutex_unlock(&st->lock);
    return ret;
}

static char *
openvzConnectGetCapabilities(virConnectPtr conn)
{
    g_autoptr(vkCaps) caps = vkCapsNew(NULL);
    vkCapsGuest *guest = vkCapsAddGuest(caps, "exe", caps->arch, 64, NULL, NULL);

    vkCapsGuestAddDomain(guest, "openvz", NULL);
    return vkCapsFormat(caps);
}

/* The host's own figures: containers share its CPUs and memory. */
static int
openvzNodeGetInfo(virConnectPtr conn, virNodeInfoPtr info)
{
    g_autofree char *meminfo = NULL;
    g_autofree char *cpuinfo = NULL;
    long ncpus = sysconf(_SC_NPROCESSORS_ONLN);
    const char *p;

    memset(info, 0, sizeof(*info));
    struct utsname uts;

    g_strlcpy(info->model, uname(&uts) == 0 ? uts.machine : "unknown", sizeof(info->model));
    if (!g_file_get_contents("/proc/meminfo", &meminfo, NULL, NULL) ||
        !(p = strstr(meminfo, "MemTotal:"))) {
        vkReportError(VIR_ERR_INTERNAL_ERROR, "%s", "cannot read MemTotal from /proc/meminfo");
        return -1;
    }
    info->memory = g_ascii_strtoull(p + strlen("MemTotal:"), NULL, 10);
    if (g_file_get_contents("/proc/cpuinfo", &cpuinfo, NULL, NULL) &&
        (p = strstr(cpuinfo, "cpu MHz")) && (p = strchr(p, ':')))
        info->mhz = (unsigned int)g_ascii_strtod(p + 1, NULL);
    info->cpus = ncpus > 0 ? ncpus : 1;
    info->nodes = 1;
    info->sockets = 1;
    info->cores = info->cpus;
    info->threads = 1;
    return 0;
}

static virHypervisorDriver openvzHypervisorDriver = {
    .name = "OPENVZ",
    .connectOpen = openvzConnectOpen,
    .connectClose = openvzConnectClose,

    .connectGetType = openvzConnectGetType,
    .connectGetVersion = openvzConnectGetVersion,
    .connectGetHostname = vkStateConnectGetHostname,
    .connectGetCapabilities = openvzConnectGetCapabilities,
    .connectIsAlive = vkStateConnectIsAlive,
    .connectIsSecure = vkStateConnectIsSecure,
    .connectIsEncrypted = vkStateConnectIsEncrypted,
    .nodeGetInfo = openvzNodeGetInfo,

    .connectListAllDomains = vkOpenvzConnectListAllDomains,
    .connectListDomains = vkOpenvzConnectListDomains,
    .connectNumOfDomains = vkOpenvzConnectNumOfDomains,
    .connectListDefinedDomains = vkOpenvzConnectListDefinedDomains,
    .connectNumOfDefinedDomains = vkOpenvzConnectNumOfDefinedDomains,
    .domainLookupByID = vkOpenvzDomainLookupByID,
    .domainLookupByName = vkOpenvzDomainLookupByName,
    .domainLookupByUUID = vkOpenvzDomainLookupByUUID,
    .domainGetInfo = vkOpenvzDomainGetInfo,
    .domainGetState = vkOpenvzDomainGetState,
    .domainGetXMLDesc = vkOpenvzDomainGetXMLDesc,
    .domainGetOSType = vkOpenvzDomainGetOSType,
    .domainGetMaxMemory = vkOpenvzDomainGetMaxMemory,
    .domainIsActive = vkOpenvzDomainIsActive,
    .domainIsPersistent = vkOpenvzDomainIsPersistent,
    .domainDefineXML = vkOpenvzDomainDefineXML,
    .domainDefineXMLFlags = vkOpenvzDomainDefineXMLFlags,
    .domainUndefine = vkOpenvzDomainUndefine,
    .domainUndefineFlags = vkOpenvzDomainUndefineFlags,
    .domainCreate = vkOpenvzDomainCreate,
    .domainCreateWithFlags = vkOpenvzDomainCreateWithFlags,
    .domainCreateXML = vkOpenvzDomainCreateXML,
    .domainShutdown = vkOpenvzDomainShutdown,
    .domainShutdownFlags = vkOpenvzDomainShutdownFlags,
    .domainDestroy = vkOpenvzDomainDestroy,
    .domainDestroyFlags = vkOpenvzDomainDestroyFlags,
    .domainReboot = vkOpenvzDomainReboot,
    .domainSuspend = vkOpenvzDomainSuspend,
    .domainResume = vkOpenvzDomainResume,
    .domainSetVcpus = vkOpenvzDomainSetVcpus,
    .domainSetVcpusFlags = vkOpenvzDomainSetVcpusFlags,
    .domainSetMemory = vkOpenvzDomainSetMemory,
    .domainSetMemoryFlags = vkOpenvzDomainSetMemoryFlags,
    .domainGetAutostart = vkOpenvzDomainGetAutostart,
    .domainSetAutostart = vkOpenvzDomainSetAutostart,

    .connectDomainEventRegister = vkStateDomainEventRegister,
    .connectDomainEventDeregister = vkStateDomainEventDeregister,
    .connectDomainEventRegisterAny = vkStateDomainEventRegisterAny,
    .connectDomainEventDeregisterAny = vkStateDomainEventDeregisterAny,
};

static const char *const openvzUriSchemes[] = { "openvz", NULL };

static const vkConnectDriver openvzConnectDriver = {
    .name = "OPENVZ",
    .uriSchemes = openvzUriSchemes,
    .localOnly = true,
    .hypervisorDriver = &openvzHypervisorDriver,
};

int
vkOpenvzDriverRegister(void)
{
    return vkRegisterConnectDriver(&openvzConnectDriver);
}
