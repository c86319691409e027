/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The xen connection driver (xen:///system): open, and the public
 * operations dispatched to the sub-drivers.
 *
 * The one idea: every operation names the sub-drivers to ask, in order
 * (the tables of dispatch.c, as the legacy driver fixed them).  Each
 * answers, or says "not mine" (VK_XEN_UNHANDLED: not open, or does not
 * know), and the next is asked.  When nobody handles a domain the caller
 * gets VIR_ERR_NO_DOMAIN naming it.  Opening needs the
 * hypervisor (/dev/xen) or xend; with neither the open fails at once with
 * VIR_ERR_NO_CONNECT saying Xen is not running here.
 *
 * Where xen:///system is opened:
 *  - in virtkitd, which started the state driver: here, for every
 *    client.  Clients of its read-only socket get read-only connections,
 *    so that socket is the privileged read-only proxy for non-root users.
 *  - in any other process run by root: here, in-process.  The driver keeps
 *    no state of its own (domains live in Xen and xend, which outlive every
 *    client), so a daemon would hold nothing a root caller needs it for;
 *    root reaches /dev/xen, XenStore and xend's root-only socket itself,
 *    exactly as virtkitd would; and a root caller on a host without Xen
 *    gets "Xen is not running" from the probes below at once, whether or
 *    not a daemon runs.
 *  - anywhere else (not root): declined.  The remote driver then takes the
 *    URI to virtkitd's read-only socket and marks the connection read-only,
 *    so queries work and every mutating call is refused with
 *    VIR_ERR_OPERATION_DENIED.
 */
#include <string.h>
#include <unistd.h>

#define VIR_FROM_THIS VIR_FROM_XEN
#include "core/driver.h"
#include "util/error.h"
#include "util/uuid.h"
#include "drivers/xen/xen-private.h"
#include "drivers/xen/xen-driver.h"

/* Set once by virtkitd (xenServeSystem, the state driver's init), read
 * by every open. */
static gint servesSystem;
static char *daemonXendSocket;


virDomainPtr
vkXenDomainFromInfo(virConnectPtr conn, const vkXenDomInfo *info)
{
    return vkGetDomain(conn, info->name, info->haveUUID ? info->uuid : NULL, info->id);
}

/* ---- connection ---- */

static bool
xendProbe(vkXend *x)
{
    g_autoptr(vkSexpr) node = NULL;
    g_autofree char *body = NULL;
    size_t len;

    /* quiet: an absent socket is the normal "no xend" answer */
    int status = vkXendRequest(x, "GET", "/xend/node/", NULL, &body, &len, true);
    if (status != 200) {
        vkErrorReset();
        return false;
    }
    node = vkSexprParse(body, len);
    vkErrorReset();
    return node && g_strcmp0(vkSexprHead(node), "node") == 0;
}

static void
privFree(vkXenPriv *p)
{
    if (!p)
        return;
    vkXenHypervisorClose(p);
    vkXenStoreClose(p);
    vkXendFree(p->xend);
    g_mutex_clear(&p->lock);
    g_free(p);
}

static vkDrvOpenStatus
xenConnectOpen(virConnectPtr conn, virConnectAuthPtr auth, unsigned int flags)
{
    const char *path = conn->uri->path;
    const char *env = g_getenv("VIRTKIT_XEND_SOCKET");
    const char *named = NULL;
    g_autofree char *sockPath = NULL;
    vkXenPriv *p;

    if (path && *path && strcmp(path, "/") != 0 && strcmp(path, "/system") != 0)
        return VK_DRV_OPEN_DECLINED;
    vkCheckFlags(VIR_CONNECT_RO | VIR_CONNECT_NO_ALIASES, VK_DRV_OPEN_ERROR);
    if (g_atomic_int_get(&servesSystem))
        named = daemonXendSocket;
    else if (geteuid() != 0)
        return VK_DRV_OPEN_DECLINED;     /* virtkitd's read-only socket serves it */
    if (!named && env && *env)
        named = env;
    sockPath = g_strdup(named ? named : VK_XEND_DEFAULT_SOCKET);

    p = g_new0(vkXenPriv, 1);
    g_mutex_init(&p->lock);
    /* hypercalls need the privcmd device, which is root's */
    if (geteuid() == 0 && vkXenHypervisorOpen(p) < 0) {
        privFree(p);
        return VK_DRV_OPEN_ERROR;
    }
    if (vkXenStoreOpen(p) < 0) {
        privFree(p);
        return VK_DRV_OPEN_ERROR;
    }
    vkXend *x = vkXendNewUnix(sockPath);
    g_autofree char *tried = g_strdup(sockPath);
    if (!xendProbe(x)) {
        vkXendFree(x);
        x = NULL;
        /* TCP only when no socket was named for us (tests name one) */
        if (!named) {
            g_free(tried);
            tried = g_strdup_printf("%s or localhost:%d", sockPath, VK_XEND_DEFAULT_PORT);
            x = vkXendNewTCP("localhost", VK_XEND_DEFAULT_PORT);
            if (!xendProbe(x)) {
                vkXendFree(x);
                x = NULL;
            }
        }
    }
    p->xend = x;

    if (!p->hv && !p->xend) {
        privFree(p);
        vkReportError(VIR_ERR_NO_CONNECT,
                      "Xen is not running on this host (no /dev/xen, no xend at %s)",
                      tried);
        return VK_DRV_OPEN_ERROR;
    }
    conn->privateData = p;
    vkXenEventsRef();
    return VK_DRV_OPEN_SUCCESS;
}

static int
xenConnectClose(virConnectPtr conn)
{
    vkXenEventsUnref(conn);
    privFree(vkXenPrivOf(conn));
    conn->privateData = NULL;
    return 0;
}

static const char *
xenConnectGetType(virConnectPtr conn)
{
    return "Xen";
}

static int
xenConnectGetVersion(virConnectPtr conn, unsigned long *hvVer)
{
    for (size_t i = 0; vkXenOrderVersion[i] != VK_XEN_END; i++) {
        const vkXenSubDriver *s = vkXenSub(vkXenOrderVersion[i]);
        if (!s->version)
            continue;
        int rc = s->version(vkXenPrivOf(conn), hvVer);
        if (rc <= 0)
            return rc;
    }
    *hvVer = 0;
    return 0;
}

static char *
xenConnectGetHostname(virConnectPtr conn)
{
    return g_strdup(g_get_host_name());
}

static int
xenConnectIsAlive(virConnectPtr conn)
{
    return 1;
}

static int
xenConnectIsSecure(virConnectPtr conn)
{
    return 1;
}

static int
xenConnectIsEncrypted(virConnectPtr conn)
{
    return 0;
}

static int
xenNodeGetInfo(virConnectPtr conn, virNodeInfoPtr info)
{
    for (size_t i = 0; vkXenOrderNode[i] != VK_XEN_END; i++) {
        const vkXenSubDriver *s = vkXenSub(vkXenOrderNode[i]);
        if (!s->nodeInfo)
            continue;
        int rc = s->nodeInfo(vkXenPrivOf(conn), info);
        if (rc <= 0)
            return rc;
    }
    vkReportError(VIR_ERR_NO_SUPPORT, "%s", "no Xen interface here gives node information");
    return -1;
}

/* ---- lookups ---- */

static virDomainPtr
lookup(virConnectPtr conn, vkXenKeyType key, vkXenDomInfo *info, const int *order)
{
    int rc = vkXenLookupMerge(vkXenPrivOf(conn), key, info, order);
    if (rc < 0)
        return NULL;
    if (rc != 0) {
        vkXenReportNoDomain(info, key);
        return NULL;
    }
    return vkXenDomainFromInfo(conn, info);
}

static virDomainPtr
xenDomainLookupByID(virConnectPtr conn, int id)
{
    g_auto(vkXenDomInfo) info = { .id = id };
    if (id < 0) {
        vkXenReportNoDomain(&info, VK_XEN_KEY_ID);
        return NULL;
    }
    return lookup(conn, VK_XEN_KEY_ID, &info, vkXenOrderLookupID);
}

static virDomainPtr
xenDomainLookupByName(virConnectPtr conn, const char *name)
{
    g_auto(vkXenDomInfo) info = { .id = -1, .name = g_strdup(name) };
    return lookup(conn, VK_XEN_KEY_NAME, &info, vkXenOrderLookupName);
}

static virDomainPtr
xenDomainLookupByUUID(virConnectPtr conn, const unsigned char *uuid)
{
    g_auto(vkXenDomInfo) info = { .id = -1, .haveUUID = false };
    memcpy(info.uuid, uuid, VIR_UUID_BUFLEN);
    /* the UUID is the key here; lookups fill the rest */
    return lookup(conn, VK_XEN_KEY_UUID, &info, vkXenOrderLookupUUID);
}

/* ---- queries ---- */

static int
xenDomainGetInfo(virDomainPtr dom, virDomainInfoPtr out)
{
    g_auto(vkXenDomInfo) info = { .id = -1 };

    if (vkXenDomainInfo(dom, &info) < 0)
        return -1;
    memset(out, 0, sizeof(*out));
    out->state = info.state;
    out->maxMem = info.maxMem;
    out->memory = info.id >= 0 ? info.memory : 0;
    out->nrVirtCpu = info.vcpus;
    out->cpuTime = info.id >= 0 ? info.cpuTime : 0;
    return 0;
}

static int
xenDomainGetState(virDomainPtr dom, int *state, int *reason, unsigned int flags)
{
    g_auto(vkXenDomInfo) info = { .id = -1 };

    vkCheckFlags(0, -1);
    if (vkXenDomainInfo(dom, &info) < 0)
        return -1;
    *state = info.state;
    if (reason)
        *reason = 0;
    return 0;
}

static int
xenDomainIsActive(virDomainPtr dom)
{
    g_auto(vkXenDomInfo) info = { .id = -1 };
    if (vkXenDomainInfo(dom, &info) < 0)
        return -1;
    return info.id >= 0;
}

static int
xenDomainIsPersistent(virDomainPtr dom)
{
    g_auto(vkXenDomInfo) info = { .id = -1 };
    if (vkXenDomainInfo(dom, &info) < 0)
        return -1;
    /* without xend there is no stored definition: running domains only */
    return vkXenPrivOf(dom->conn)->xend ? 1 : 0;
}

static unsigned long
xenDomainGetMaxMemory(virDomainPtr dom)
{
    g_auto(vkXenDomInfo) info = { .id = -1 };
    if (vkXenDomainInfo(dom, &info) < 0)
        return 0;
    return info.maxMem;
}

static char *
xenDomainGetXMLDesc(virDomainPtr dom, unsigned int flags)
{
    vkCheckFlags(VIR_DOMAIN_XML_SECURE | VIR_DOMAIN_XML_INACTIVE, NULL);
    g_autoptr(vkDomainDef) def =
        vkXenXendGetDef(vkXenPrivOf(dom->conn), dom->name, flags & VIR_DOMAIN_XML_INACTIVE);
    if (!def)
        return NULL;
    return vkDomainDefFormat(def, flags);
}

static char *
xenDomainGetOSType(virDomainPtr dom)
{
    g_autoptr(vkDomainDef) def = vkXenXendGetDef(vkXenPrivOf(dom->conn), dom->name, true);
    if (!def)
        return NULL;
    return g_strdup(def->osType);
}

/* ---- definitions ---- */

/* Whether xend already has a definition named name (DEFINED's detail). */
static bool
known(vkXenPriv *p, const char *name)
{
    g_auto(vkXenDomInfo) info = { .id = -1, .name = g_strdup(name) };
    int rc = vkXenLookupMerge(p, VK_XEN_KEY_NAME, &info, vkXenOrderLookupName);

    vkErrorReset();
    return rc == 0;
}

static virDomainPtr
createOrDefine(virConnectPtr conn, const char *xml, bool start)
{
    g_autoptr(vkDomainDef) def = vkDomainDefParseString(xml, "xen", VK_DOMAIN_PARSE_INACTIVE);
    g_auto(vkXenDomInfo) info = { .id = -1 };
    vkXenPriv *p = vkXenPrivOf(conn);
    bool existed;

    if (!def)
        return NULL;
    existed = !start && known(p, def->name);
    if (vkXenXendCreate(p, def, start, &info) < 0)
        return NULL;
    if (!info.haveUUID) {
        memcpy(info.uuid, def->uuid, VIR_UUID_BUFLEN);
        info.haveUUID = true;
    }
    if (start)
        vkXenEventsLifecycle(info.name, info.uuid, info.id, VIR_DOMAIN_EVENT_STARTED,
                             VIR_DOMAIN_EVENT_STARTED_BOOTED);
    else
        vkXenEventsLifecycle(info.name, info.uuid, -1, VIR_DOMAIN_EVENT_DEFINED,
                             existed ? VIR_DOMAIN_EVENT_DEFINED_UPDATED
                                     : VIR_DOMAIN_EVENT_DEFINED_ADDED);
    return vkXenDomainFromInfo(conn, &info);
}

static virDomainPtr
xenDomainDefineXML(virConnectPtr conn, const char *xml)
{
    return createOrDefine(conn, xml, false);
}

static virDomainPtr
xenDomainDefineXMLFlags(virConnectPtr conn, const char *xml, unsigned int flags)
{
    vkCheckFlags(0, NULL);
    return createOrDefine(conn, xml, false);
}

static virDomainPtr
xenDomainCreateXML(virConnectPtr conn, const char *xml, unsigned int flags)
{
    vkCheckFlags(0, NULL);
    return createOrDefine(conn, xml, true);
}

static int
xenDomainUndefineFlags(virDomainPtr dom, unsigned int flags)
{
    g_auto(vkXenDomInfo) info = { .id = -1 };

    vkCheckFlags(0, -1);
    if (vkXenDomainInfo(dom, &info) < 0)
        return -1;
    if (info.id >= 0) {
        vkReportError(VIR_ERR_OPERATION_INVALID,
                      "domain '%s' is running: xend undefines only halted domains", dom->name);
        return -1;
    }
    if (vkXenControl(dom, vkXenOrderLifecycle, VK_XEN_OP_UNDEFINE, 0, "undefine") < 0)
        return -1;
    vkXenEventsLifecycle(dom->name, dom->uuid, -1, VIR_DOMAIN_EVENT_UNDEFINED,
                         VIR_DOMAIN_EVENT_UNDEFINED_REMOVED);
    return 0;
}

static int
xenDomainUndefine(virDomainPtr dom)
{
    return xenDomainUndefineFlags(dom, 0);
}

/* ---- lifecycle ---- */

/* Checks that dom is running (want = true) or not, naming it otherwise. */
static int
requireActive(virDomainPtr dom, bool want)
{
    g_auto(vkXenDomInfo) info = { .id = -1 };

    if (vkXenDomainInfo(dom, &info) < 0)
        return -1;
    if ((info.id >= 0) != want) {
        vkReportError(VIR_ERR_OPERATION_INVALID, want ? "domain '%s' is not running"
                                                      : "domain '%s' is already running",
                      dom->name);
        return -1;
    }
    return 0;
}

static int
xenDomainCreateWithFlags(virDomainPtr dom, unsigned int flags)
{
    g_auto(vkXenDomInfo) info = { .id = -1 };

    vkCheckFlags(0, -1);
    if (requireActive(dom, false) < 0 ||
        vkXenControl(dom, vkXenOrderLifecycle, VK_XEN_OP_START, 0, "start") < 0)
        return -1;
    /* the event goes out once started, even if the new id cannot be read */
    int rc = vkXenDomainInfo(dom, &info);
    vkXenEventsLifecycle(dom->name, dom->uuid, rc < 0 ? -1 : info.id,
                         VIR_DOMAIN_EVENT_STARTED, VIR_DOMAIN_EVENT_STARTED_BOOTED);
    if (rc < 0)
        return -1;
    dom->id = info.id;
    return 0;
}

static int
xenDomainCreate(virDomainPtr dom)
{
    return xenDomainCreateWithFlags(dom, 0);
}

static int
xenDomainSuspend(virDomainPtr dom)
{
    if (requireActive(dom, true) < 0 ||
        vkXenControl(dom, vkXenOrderPauseDestroy, VK_XEN_OP_PAUSE, 0, "suspend") < 0)
        return -1;
    vkXenEventsLifecycle(dom->name, dom->uuid, dom->id, VIR_DOMAIN_EVENT_SUSPENDED,
                         VIR_DOMAIN_EVENT_SUSPENDED_PAUSED);
    return 0;
}

static int
xenDomainResume(virDomainPtr dom)
{
    if (requireActive(dom, true) < 0 ||
        vkXenControl(dom, vkXenOrderPauseDestroy, VK_XEN_OP_UNPAUSE, 0, "resume") < 0)
        return -1;
    vkXenEventsLifecycle(dom->name, dom->uuid, dom->id, VIR_DOMAIN_EVENT_RESUMED,
                         VIR_DOMAIN_EVENT_RESUMED_UNPAUSED);
    return 0;
}

static int
xenDomainShutdownFlags(virDomainPtr dom, unsigned int flags)
{
    g_auto(vkXenDomInfo) info = { .id = -1 };
    g_auto(vkXenDomInfo) after = { .id = -1 };

    vkCheckFlags(0, -1);
    if (vkXenDomainInfo(dom, &info) < 0)
        return -1;
    if (info.id < 0) {
        vkReportError(VIR_ERR_OPERATION_INVALID, "domain '%s' is not running", dom->name);
        return -1;
    }
    if (vkXenControl(dom, vkXenOrderShutdown, VK_XEN_OP_SHUTDOWN, 0, "shut down") < 0)
        return -1;
    /* the guest goes down in its own time: announced when seen done,
     * which the lookup below already does if it is */
    vkXenEventsShutdownAsked(dom->uuid, info.id);
    if (vkXenDomainInfo(dom, &after) < 0)
        vkErrorReset();     /* gone already: the lookup announced it */
    return 0;
}

static int
xenDomainShutdown(virDomainPtr dom)
{
    return xenDomainShutdownFlags(dom, 0);
}

static int
xenDomainReboot(virDomainPtr dom, unsigned int flags)
{
    vkCheckFlags(0, -1);
    if (requireActive(dom, true) < 0)
        return -1;
    return vkXenControl(dom, vkXenOrderShutdown, VK_XEN_OP_REBOOT, 0, "reboot");
}

static int
xenDomainDestroyFlags(virDomainPtr dom, unsigned int flags)
{
    vkCheckFlags(0, -1);
    if (requireActive(dom, true) < 0)
        return -1;
    vkXenEventsExpect(dom->uuid, VIR_DOMAIN_EVENT_STOPPED, VIR_DOMAIN_EVENT_STOPPED_DESTROYED);
    if (vkXenControl(dom, vkXenOrderPauseDestroy, VK_XEN_OP_DESTROY, 0, "destroy") < 0) {
        vkXenEventsForget(dom->uuid, VIR_DOMAIN_EVENT_STOPPED);
        return -1;
    }
    vkXenEventsLifecycle(dom->name, dom->uuid, -1, VIR_DOMAIN_EVENT_STOPPED,
                         VIR_DOMAIN_EVENT_STOPPED_DESTROYED);
    dom->id = -1;
    return 0;
}

static int
xenDomainDestroy(virDomainPtr dom)
{
    return xenDomainDestroyFlags(dom, 0);
}

static int
xenDomainSetMemory(virDomainPtr dom, unsigned long memory)
{
    g_auto(vkXenDomInfo) info = { .id = -1 };

    if (vkXenDomainInfo(dom, &info) < 0)
        return -1;
    if (memory > info.maxMem) {
        vkReportError(VIR_ERR_INVALID_ARG,
                      "cannot set memory of domain '%s' to %lu KiB: above its maximum of %llu KiB",
                      dom->name, memory, info.maxMem);
        return -1;
    }
    return vkXenControl(dom, vkXenOrderSetMemory, VK_XEN_OP_SET_MEMORY, memory, "set the memory of");
}

static int
xenDomainSetMaxMemory(virDomainPtr dom, unsigned long memory)
{
    return vkXenControl(dom, vkXenOrderSetMemory, VK_XEN_OP_SET_MAXMEM, memory, "set the maximum memory of");
}

static int
xenDomainSetVcpus(virDomainPtr dom, unsigned int nvcpus)
{
    if (nvcpus == 0) {
        vkReportError(VIR_ERR_INVALID_ARG, "domain '%s' needs at least one vCPU", dom->name);
        return -1;
    }
    return vkXenControl(dom, vkXenOrderSetVcpus, VK_XEN_OP_SET_VCPUS, nvcpus, "set the vCPUs of");
}

static virHypervisorDriver xenHypervisorDriver = {
    .name = "Xen",
    .connectOpen = xenConnectOpen,
    .connectClose = xenConnectClose,
    .connectGetType = xenConnectGetType,
    .connectGetVersion = xenConnectGetVersion,
    .connectGetHostname = xenConnectGetHostname,
    .connectIsAlive = xenConnectIsAlive,
    .connectIsSecure = xenConnectIsSecure,
    .connectIsEncrypted = xenConnectIsEncrypted,
    .nodeGetInfo = xenNodeGetInfo,
    .connectGetCapabilities = vkXenConnectGetCapabilities,
    .connectDomainEventRegister = vkXenConnectDomainEventRegister,
    .connectDomainEventDeregister = vkXenConnectDomainEventDeregister,
    .connectDomainEventRegisterAny = vkXenConnectDomainEventRegisterAny,
    .connectDomainEventDeregisterAny = vkXenConnectDomainEventDeregisterAny,
    .connectNumOfDomains = xenConnectNumOfDomains,
    .connectListDomains = xenConnectListDomains,
    .connectNumOfDefinedDomains = xenConnectNumOfDefinedDomains,
    .connectListDefinedDomains = xenConnectListDefinedDomains,
    .connectListAllDomains = xenConnectListAllDomains,
    .domainLookupByID = xenDomainLookupByID,
    .domainLookupByName = xenDomainLookupByName,
    .domainLookupByUUID = xenDomainLookupByUUID,
    .domainGetInfo = xenDomainGetInfo,
    .domainGetState = xenDomainGetState,
    .domainIsActive = xenDomainIsActive,
    .domainIsPersistent = xenDomainIsPersistent,
    .domainGetMaxMemory = xenDomainGetMaxMemory,
    .domainGetXMLDesc = xenDomainGetXMLDesc,
    .domainGetOSType = xenDomainGetOSType,
    .domainDefineXML = xenDomainDefineXML,
    .domainDefineXMLFlags = xenDomainDefineXMLFlags,
    .domainCreateXML = xenDomainCreateXML,
    .domainUndefine = xenDomainUndefine,
    .domainUndefineFlags = xenDomainUndefineFlags,
    .domainCreate = xenDomainCreate,
    .domainCreateWithFlags = xenDomainCreateWithFlags,
    .domainSuspend = xenDomainSuspend,
    .domainResume = xenDomainResume,
    .domainShutdown = xenDomainShutdown,
    .domainShutdownFlags = xenDomainShutdownFlags,
    .domainReboot = xenDomainReboot,
    .domainDestroy = xenDomainDestroy,
    .domainDestroyFlags = xenDomainDestroyFlags,
    .domainSetMemory = xenDomainSetMemory,
    .domainSetMaxMemory = xenDomainSetMaxMemory,
    .domainSetVcpus = xenDomainSetVcpus,
};

static const char *const xenUriSchemes[] = { "xen", NULL };

static const vkConnectDriver xenConnectDriver = {
    .name = "Xen",
    .uriSchemes = xenUriSchemes,
    .localOnly = true,
    .hypervisorDriver = &xenHypervisorDriver,
};

/* virtkitd's state driver init: xendSocket, when not NULL, is the xend
 * socket to use instead of VIRTKIT_XEND_SOCKET / the default ones. */
static int
xenServeSystem(const vkStateDriver *drv, bool privileged, const char *xendSocket)
{
    if (xendSocket && xendSocket[0] != '/') {
        vkReportError(VIR_ERR_INVALID_ARG,
                      "the xend socket must be an absolute path, not '%s'", xendSocket);
        return -1;
    }
    /* called once, before the daemon accepts clients: no open reads it yet */
    if (!g_atomic_int_get(&servesSystem)) {
        daemonXendSocket = g_strdup(xendSocket);
        g_atomic_int_set(&servesSystem, 1);
    }
    return 0;
}

static const vkStateDriver xenStateDriver = {
    .name = "Xen",
    .option = "xend-socket",
    .optionArg = "PATH",
    .optionHelp = "reach xend for xen:///system at this UNIX socket (default: "
                  "VIRTKIT_XEND_SOCKET, else /var/lib/xend/xend-socket, then localhost:8000)",
    .init = xenServeSystem,
};

int
vkXenDriverRegister(void)
{
    /* both the library's registry and a test may call this: once only */
    static gsize done;
    static int rc;

    if (g_once_init_enter(&done)) {
        rc = vkRegisterStateDriver(&xenStateDriver) < 0 ? -1 :
             vkRegisterConnectDriver(&xenConnectDriver);
        g_once_init_leave(&done, 1);
    }
    return rc;
}
