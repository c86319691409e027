/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Driver states per root and the registry connections find them through
 * (see state-root.h).
 *
 * Locking: the registry's lock covers lookups, creation and the last
 * close, so a state is never found while it is being torn down; a
 * state's own lock covers its reference count.  A state is created
 * under the registry's lock: reattaching and autostart happen before any
 * connection can see it.
 */
#include <errno.h>
#include <string.h>
#include <glib/gstdio.h>

#define VIR_FROM_THIS VIR_FROM_NONE
#include "util/error.h"
#include "core/state-root.h"
#include "core/uri.h"

#define stateError(cls, code, ...) \
    vkReportErrorFull((cls)->errdom, code, __FILE__, __func__, __LINE__, __VA_ARGS__)

static void
stateFree(vkStateBase *st)
{
    const vkStateClass *cls = st->cls;

    if (st->evthread) {
        if (cls->stop) {
            g_mutex_lock(&st->lock);
            cls->stop(st);
            g_mutex_unlock(&st->lock);
        }
        vkEventThreadFree(st->evthread);
    }
    if (cls->finalize)
        cls->finalize(st);
    if (st->events)
        vkEventStateFree(st->events);
    g_free(st->root);
    g_free(st->configDir);
    g_free(st->runDir);
    g_free(st->logDir);
    g_free(st->saveDir);
    g_free(st->autostartDir);
    g_mutex_clear(&st->lock);
    g_free(st);
}

int
vkStateEnsureDirs(vkStateBase *st)
{
    const char *dirs[] = { st->configDir, st->runDir, st->logDir,
                           st->cls->mkdirsAtStart ? st->saveDir : NULL };

    for (size_t i = 0; i < G_N_ELEMENTS(dirs); i++) {
        if (dirs[i] && g_mkdir_with_parents(dirs[i], 0700) < 0) {
            vkReportSystemErrorFull(st->cls->errdom, errno, __FILE__, __func__, __LINE__,
                                    "cannot create %s driver directory '%s'",
                                    st->cls->label, dirs[i]);
            return -1;
        }
    }
    return 0;
}

static vkStateBase *
stateNew(const vkStateClass *cls, const vkStateDirs *d, bool privileged)
{
    vkStateBase *st = g_malloc0(cls->size);

    g_mutex_init(&st->lock);
    st->cls = cls;
    st->refs = 1;
    st->privileged = privileged;
    st->root = g_strdup(d->key);
    st->configDir = g_strdup(d->configDir);
    st->runDir = g_strdup(d->runDir);
    st->logDir = g_strdup(d->logDir);
    st->saveDir = g_strdup(d->saveDir);
    if (d->configDir)
        st->autostartDir = g_build_filename(d->configDir, "autostart", NULL);
    st->events = vkEventStateNew();

    if ((cls->mkdirsAtStart && vkStateEnsureDirs(st) < 0) ||
        (cls->init && cls->init(st) < 0)) {
        stateFree(st);
        return NULL;
    }
    if (cls->threadName) {
        st->evthread = vkEventThreadNew(cls->threadName);
        st->ctx = vkEventThreadContext(st->evthread);
    }
    if (cls->start)
        cls->start(st);
    return st;
}

/* Under reg->lock. */
static vkStateBase *
acquireLocked(vkStateRegistry *reg, const vkStateDirs *d, bool privileged)
{
    vkStateBase *st;

    if (!reg->states)
        reg->states = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    if ((st = g_hash_table_lookup(reg->states, d->key))) {
        g_mutex_lock(&st->lock);
        st->refs++;
        g_mutex_unlock(&st->lock);
    } else if ((st = stateNew(reg->cls, d, privileged))) {
        g_hash_table_insert(reg->states, g_strdup(d->key), st);
    }
    return st;
}

vkStateBase *
vkStateRegistryAcquire(vkStateRegistry *reg, const vkStateDirs *dirs, bool privileged)
{
    vkStateBase *st;

    g_mutex_lock(&reg->lock);
    st = acquireLocked(reg, dirs, privileged);
    g_mutex_unlock(&reg->lock);
    return st;
}

/* The directories under an explicit root, or the class's system ones. */
typedef struct {
    char *key;
    char *dirs[4];
} ownedDirs;

static void
ownedDirsInit(ownedDirs *o, const vkStateClass *cls, const char *key, const char *root)
{
    static const char *const sub[4] = { "etc", "run", "log", "save" };

    o->key = g_strdup(key);
    for (size_t i = 0; i < 4; i++)
        o->dirs[i] = root ? g_build_filename(root, sub[i], NULL) : g_strdup(cls->systemDirs[i]);
}

static void
ownedDirsClear(ownedDirs *o)
{
    g_free(o->key);
    for (size_t i = 0; i < 4; i++)
        g_free(o->dirs[i]);
}

static vkStateBase *
acquireOwned(vkStateRegistry *reg, const ownedDirs *o, bool privileged)
{
    vkStateDirs d = {
        .key = o->key, .configDir = o->dirs[0], .runDir = o->dirs[1],
        .logDir = o->dirs[2], .saveDir = o->dirs[3],
    };

    return acquireLocked(reg, &d, privileged);
}

static char *
systemKey(const vkStateClass *cls)
{
    return g_strdup_printf("%s:///system", cls->scheme);
}

/* The system state, created on first need with the daemon's reference;
 * under reg->lock. */
static vkStateBase *
systemState(vkStateRegistry *reg)
{
    g_autofree char *key = systemKey(reg->cls);
    vkStateBase *st = reg->states ? g_hash_table_lookup(reg->states, key) : NULL;
    ownedDirs o;

    if (st || !reg->systemAllowed)
        return st;
    ownedDirsInit(&o, reg->cls, key, reg->systemRoot);
    st = acquireOwned(reg, &o, true);
    ownedDirsClear(&o);
    return st;
}

int
vkStateRegistrySetPrivileged(vkStateRegistry *reg, const char *root)
{
    const vkStateClass *cls = reg->cls;
    const char *env = cls->rootEnv ? g_getenv(cls->rootEnv) : NULL;
    g_autofree char *key = systemKey(cls);
    ownedDirs o;
    bool used;
    int ret = 0;

    if (!root && env && *env)
        root = env;
    if (root && root[0] != '/') {
        stateError(cls, VIR_ERR_INVALID_ARG,
                   "the %s driver's root must be an absolute path, not '%s'", cls->label, root);
        return -1;
    }
    g_mutex_lock(&reg->lock);
    if (reg->systemAllowed) {
        g_mutex_unlock(&reg->lock);
        return 0;
    }
    g_free(reg->systemRoot);
    reg->systemRoot = root ? g_canonicalize_filename(root, "/") : NULL;
    reg->systemAllowed = true;
    /* Guests to reattach or autostart exist only where the driver ran
     * before; otherwise nothing is created until a client asks, so a
     * daemon that never runs this driver leaves no directories behind. */
    ownedDirsInit(&o, cls, key, reg->systemRoot);
    used = root || g_file_test(o.dirs[0], G_FILE_TEST_IS_DIR) ||
        g_file_test(o.dirs[1], G_FILE_TEST_IS_DIR);
    ownedDirsClear(&o);
    if (used && !systemState(reg))
        ret = -1;
    g_mutex_unlock(&reg->lock);
    return ret;
}

/* Drops one reference; the last frees st.  Under reg->lock. */
static bool
releaseLocked(vkStateRegistry *reg, vkStateBase *st)
{
    bool last;

    g_mutex_lock(&st->lock);
    last = --st->refs == 0;
    g_mutex_unlock(&st->lock);
    if (last)
        g_hash_table_remove(reg->states, st->root);
    return last;
}

void
vkStateRegistryCleanup(vkStateRegistry *reg)
{
    g_autofree char *key = systemKey(reg->cls);
    vkStateBase *st;
    bool last = false;

    g_mutex_lock(&reg->lock);
    st = reg->states ? g_hash_table_lookup(reg->states, key) : NULL;
    if (st)
        last = releaseLocked(reg, st);
    reg->systemAllowed = false;
    g_clear_pointer(&reg->systemRoot, g_free);
    g_mutex_unlock(&reg->lock);
    /* Clients still connected keep it until they close. */
    if (last)
        stateFree(st);
}

int
vkStateRegistryStateInit(const vkStateDriver *drv, bool privileged, const char *root)
{
    return vkStateRegistrySetPrivileged(drv->opaque, root);
}

void
vkStateRegistryStateCleanup(const vkStateDriver *drv)
{
    vkStateRegistryCleanup(drv->opaque);
}

static bool
checkOpenFlags(const vkStateClass *cls, unsigned int flags)
{
    unsigned int unknown = flags & ~(unsigned int)(VIR_CONNECT_RO | VIR_CONNECT_NO_ALIASES);

    if (unknown) {
        stateError(cls, VIR_ERR_INVALID_ARG, "unsupported flags (0x%x) in function %sConnectOpen",
                   unknown, cls->scheme);
        return false;
    }
    return true;
}

static vkDrvOpenStatus
openSystem(vkStateRegistry *reg, virConnectPtr conn)
{
    vkStateBase *st;

    g_mutex_lock(&reg->lock);
    if (!reg->systemAllowed) {
        /* Only inside virtkitd; elsewhere the remote driver takes it. */
        g_mutex_unlock(&reg->lock);
        return VK_DRV_OPEN_DECLINED;
    }
    if ((st = systemState(reg))) {
        g_mutex_lock(&st->lock);
        st->refs++;
        g_mutex_unlock(&st->lock);
    }
    g_mutex_unlock(&reg->lock);
    if (!st)
        return VK_DRV_OPEN_ERROR;
    conn->privateData = st;
    return VK_DRV_OPEN_SUCCESS;
}

static vkDrvOpenStatus
openEmbed(vkStateRegistry *reg, virConnectPtr conn)
{
    const vkStateClass *cls = reg->cls;
    const char *root = vkURIGetParam(conn->uri, "root");
    g_autofree char *canon = NULL;
    vkStateBase *st;
    ownedDirs o;

    if (!root || root[0] != '/') {
        stateError(cls, VIR_ERR_INVALID_ARG,
                   "%s:///embed needs an absolute root directory (%s:///embed?root=/path), "
                   "not '%s'", cls->scheme, cls->scheme, root ? root : "");
        return VK_DRV_OPEN_ERROR;
    }
    canon = g_canonicalize_filename(root, "/");

    g_mutex_lock(&reg->lock);
    if (reg->systemRoot && strcmp(canon, reg->systemRoot) == 0) {
        g_mutex_unlock(&reg->lock);
        stateError(cls, VIR_ERR_OPERATION_INVALID,
                   "root '%s' is in use by %s:///system in this process", canon, cls->scheme);
        return VK_DRV_OPEN_ERROR;
    }
    ownedDirsInit(&o, cls, canon, canon);
    st = acquireOwned(reg, &o, false);
    ownedDirsClear(&o);
    g_mutex_unlock(&reg->lock);
    if (!st)
        return VK_DRV_OPEN_ERROR;
    conn->privateData = st;
    return VK_DRV_OPEN_SUCCESS;
}

vkDrvOpenStatus
vkStateRegistryOpen(vkStateRegistry *reg, virConnectPtr conn, unsigned int flags)
{
    const vkURI *uri = conn->uri;
    bool system;

    if (!uri || !uri->scheme || strcmp(uri->scheme, reg->cls->scheme) != 0 ||
        (uri->server && *uri->server) || uri->transport || !uri->path)
        return VK_DRV_OPEN_DECLINED;
    system = strcmp(uri->path, "/system") == 0;
    if (!system && strcmp(uri->path, "/embed") != 0)
        return VK_DRV_OPEN_DECLINED;
    if (!checkOpenFlags(reg->cls, flags))
        return VK_DRV_OPEN_ERROR;
    return system ? openSystem(reg, conn) : openEmbed(reg, conn);
}

void
vkStateRegistryRelease(vkStateRegistry *reg, vkStateBase *st)
{
    bool last;

    g_mutex_lock(&reg->lock);
    last = releaseLocked(reg, st);
    g_mutex_unlock(&reg->lock);
    if (last)
        stateFree(st);
}

int
vkStateRegistryClose(vkStateRegistry *reg, virConnectPtr conn)
{
    vkStateBase *st = conn->privateData;

    if (!st)
        return 0;
    vkEventStateRemoveConnect(st->events, conn);
    conn->privateData = NULL;
    /* Guests still running stay running: their status files under the
     * run directory describe them for a later reattach. */
    vkStateRegistryRelease(reg, st);
    return 0;
}

int
vkStateConnectIsAlive(virConnectPtr conn)
{
    return 1;
}

int
vkStateConnectIsSecure(virConnectPtr conn)
{
    return 1;
}

int
vkStateConnectIsEncrypted(virConnectPtr conn)
{
    return 0;
}

char *
vkStateConnectGetHostname(virConnectPtr conn)
{
    return g_strdup(g_get_host_name());
}

int
vkStateDomainEventRegister(virConnectPtr conn, virConnectDomainEventCallback cb,
                           void *opaque, virFreeCallback freecb)
{
    return vkDomainEventRegister(vkStateOf(conn)->events, conn, cb, opaque, freecb);
}

int
vkStateDomainEventDeregister(virConnectPtr conn, virConnectDomainEventCallback cb)
{
    return vkDomainEventDeregister(vkStateOf(conn)->events, conn, cb);
}

int
vkStateDomainEventRegisterAny(virConnectPtr conn, virDomainPtr dom, int eventID,
                              virConnectDomainEventGenericCallback cb, void *opaque,
                              virFreeCallback freecb)
{
    return vkDomainEventRegisterAny(vkStateOf(conn)->events, conn, dom, eventID, cb,
                                    opaque, freecb);
}

int
vkStateDomainEventDeregisterAny(virConnectPtr conn, int callbackID)
{
    return vkDomainEventDeregisterAny(vkStateOf(conn)->events, conn, callbackID);
}
