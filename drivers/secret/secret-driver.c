/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The secret driver: a secondary driver that serves secrets for the
 * connections of host-managing drivers (QEMU, LXC) and for
 * secret:///system (or secret:///embed?root=DIR) alone, inside virtkitd for /system and in-process for
 * embed?root=DIR, as libvirt's secret driver does in its daemon.
 *
 * The idea: the state is a frame state (core/state-root.h) keyed by root,
 * but the driver picks its own directory under the root (ROOT/etc/secrets)
 * so that its UUID.xml files never mix with a hypervisor driver's configs
 * in ROOT/etc.  virtkitd holds a reference on the system state for its
 * whole life: ephemeral secrets live as long as the daemon, not as long as
 * one client's connection.
 */
#include <string.h>
#include <strings.h>

#define VIR_FROM_THIS VIR_FROM_SECRET
#include "util/error.h"
#include "core/uri.h"
#include "core/secondary-alone.h"
#include "core/state-driver.h"
#include "drivers/secret/secret-private.h"

#define SYSTEM_KEY "secret:///system"

void
vkSecretObjFree(vkSecretObj *obj)
{
    if (!obj)
        return;
    if (obj->value)
        explicit_bzero(obj->value, obj->valueLen);
    g_free(obj->value);
    vkSecretDefFree(obj->def);
    g_free(obj);
}

static int
secretStateInit(vkStateBase *base)
{
    vkSecretState *st = (vkSecretState *)base;

    st->secrets = g_ptr_array_new_with_free_func((GDestroyNotify)vkSecretObjFree);
    vkSecretStoreLoad(st);
    return 0;
}

static void
secretStateFinalize(vkStateBase *base)
{
    vkSecretState *st = (vkSecretState *)base;

    if (st->secrets)
        g_ptr_array_unref(st->secrets);
}

static const vkStateClass secretStateClass = {
    .scheme = "secret",
    .label = "secret",
    .errdom = VIR_FROM_SECRET,
    .rootEnv = "VIRTKIT_SECRET_ROOT",
    .size = sizeof(vkSecretState),
    .init = secretStateInit,
    .finalize = secretStateFinalize,
};

static vkStateRegistry registry = VK_STATE_REGISTRY_INIT(&secretStateClass);

/* Set by virtkitd: secret:///system (and the /system of host drivers)
 * served here, with its files under systemRoot (NULL: /etc/virtkit). */
static GMutex systemLock;
static bool systemAllowed;
static vkStateBase *systemState;     /* the daemon's reference */

vkSecretState *
vkSecretConnState(virConnectPtr conn)
{
    return conn->familyPrivate[VK_FAMILY_SECRET];
}

/* root NULL: the system directory. */
static vkStateBase *
acquire(const char *key, const char *root, bool privileged)
{
    g_autofree char *config = root ? g_build_filename(root, "etc", "secrets", NULL)
                                   : g_strdup("/etc/virtkit/secrets");
    vkStateDirs dirs = { .key = key, .configDir = config };

    return vkStateRegistryAcquire(&registry, &dirs, privileged);
}

static vkStateBase *
acquireSystem(void)
{
    vkStateBase *st = NULL;

    g_mutex_lock(&systemLock);
    if (systemAllowed && systemState) {
        g_mutex_lock(&systemState->lock);
        systemState->refs++;
        g_mutex_unlock(&systemState->lock);
        st = systemState;
    }
    g_mutex_unlock(&systemLock);
    return st;
}

static vkDrvOpenStatus
secretOpen(virConnectPtr conn, unsigned int flags)
{
    const vkURI *uri = conn->uri;
    vkStateBase *st;

    (void)flags;
    if (!conn->connectDriver ||
        !(conn->connectDriver->features & VK_CONNECT_FEATURE_HOST_SERVICES) ||
        !uri || !uri->path)
        return VK_DRV_OPEN_DECLINED;
    if (strcmp(uri->path, "/system") == 0) {
        if (!(st = acquireSystem()))
            return VK_DRV_OPEN_DECLINED;
    } else if (strcmp(uri->path, "/embed") == 0) {
        const char *root = vkURIGetParam(uri, "root");
        g_autofree char *canon = NULL;

        /* The hypervisor driver has accepted the root already. */
        if (!root || root[0] != '/')
            return VK_DRV_OPEN_DECLINED;
        canon = g_canonicalize_filename(root, "/");
        if (!(st = acquire(canon, canon, false)))
            return VK_DRV_OPEN_ERROR;
    } else {
        return VK_DRV_OPEN_DECLINED;
    }
    conn->familyPrivate[VK_FAMILY_SECRET] = st;
    return VK_DRV_OPEN_SUCCESS;
}

static void
secretClose(virConnectPtr conn)
{
    vkStateBase *st = conn->familyPrivate[VK_FAMILY_SECRET];

    if (!st)
        return;
    vkEventStateRemoveConnect(st->events, conn);
    conn->familyPrivate[VK_FAMILY_SECRET] = NULL;
    vkStateRegistryRelease(&registry, st);
}

static virHypervisorDriver secretTable = {
    .name = "secret",
};

static const vkSecondaryDriver secretDriver = {
    .name = "secret",
    .family = VK_FAMILY_SECRET,
    .table = &secretTable,
    .open = secretOpen,
    .close = secretClose,
};

/* secret:///system: the secret driver alone (inside virtkitd); and
 * secret:///embed?root=DIR in any process (the files under DIR/etc/secrets) */
static const vkAloneService secretAlone = {
    .scheme = "secret",
    .systemAllowed = &systemAllowed,
    .lock = &systemLock,
    .embed = true,
};

/* In virtkitd: secrets for every /system connection, under --secret-root,
 * else $VIRTKIT_SECRET_ROOT, else the QEMU root (a daemon given a private
 * QEMU root keeps its secrets there too, never in /etc), else
 * /etc/virtkit/secrets. */
static int
secretStateDriverInit(const vkStateDriver *drv, bool privileged, const char *location)
{
    const char *env = g_getenv(secretStateClass.rootEnv);
    const char *qemuEnv = g_getenv("VIRTKIT_QEMU_ROOT");
    g_autofree char *root = NULL;
    vkStateBase *st;

    (void)drv;
    (void)privileged;
    if (!location || !*location)
        location = env && *env ? env : vkStateDriverLocation("qemu-root");
    if ((!location || !*location) && qemuEnv && *qemuEnv)
        location = qemuEnv;
    if (location && *location && location[0] != '/') {
        vkReportError(VIR_ERR_INVALID_ARG,
                      "the secret driver's root must be an absolute path, not '%s'", location);
        return -1;
    }
    if (location && *location)
        root = g_canonicalize_filename(location, "/");
    g_mutex_lock(&systemLock);
    if (systemAllowed) {
        g_mutex_unlock(&systemLock);
        return 0;
    }
    if ((st = acquire(SYSTEM_KEY, root, true))) {
        systemState = st;
        systemAllowed = true;
    }
    g_mutex_unlock(&systemLock);
    return st ? 0 : -1;
}

static void
secretStateDriverCleanup(const vkStateDriver *drv)
{
    vkStateBase *st;

    (void)drv;
    g_mutex_lock(&systemLock);
    st = g_steal_pointer(&systemState);
    systemAllowed = false;
    g_mutex_unlock(&systemLock);
    /* Clients still connected keep it until they close. */
    if (st)
        vkStateRegistryRelease(&registry, st);
}

static const vkStateDriver secretStateDriver = {
    .name = "secret",
    .option = "secret-root",
    .optionArg = "DIR",
    .optionHelp = "keep the secret driver's definitions and values under DIR/etc/secrets "
                  "(default: VIRTKIT_SECRET_ROOT, else the QEMU root, else "
                  "/etc/virtkit/secrets)",
    .init = secretStateDriverInit,
    .cleanup = secretStateDriverCleanup,
};

int
vkSecretDriverRegister(void)
{
    vkSecretFillTable(&secretTable);
    if (vkRegisterStateDriver(&secretStateDriver) < 0)
        return -1;
    if (vkRegisterAloneService(&secretAlone) < 0)
        return -1;
    return vkRegisterSecondaryDriver(&secretDriver);
}
