/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Opening and closing connections.
 *
 * The URI names the driver: an explicit one, else VIRTKIT_DEFAULT_URI,
 * else LIBVIRT_DEFAULT_URI, else test:///default (the in-process test
 * hypervisor, which needs neither root nor a daemon).  Drivers are asked in
 * registration order; a driver that does not serve the scheme declines, the
 * first that accepts owns the connection, and an error stops the walk.
 */
#define VIR_FROM_THIS VIR_FROM_NONE
#include "api/api-internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VK_FALLBACK_URI "test:///default"

/* Bare names libvirt accepts for historical reasons. */
static const char *
expandAlias(const char *name)
{
    static const struct { const char *alias, *uri; } aliases[] = {
        { "xen", "xen:///system" },
        { "xen://", "xen:///system" },
        { "test", "test:///default" },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(aliases); i++) {
        if (strcmp(name, aliases[i].alias) == 0)
            return aliases[i].uri;
    }
    return name;
}

static bool
schemeMatches(const vkConnectDriver *drv, const vkURI *uri)
{
    if (!drv->uriSchemes)
        return true;
    /* "test+unix://" is the remote driver's business, not the test driver's */
    if (uri->transport)
        return false;
    for (size_t i = 0; drv->uriSchemes[i]; i++) {
        if (strcmp(drv->uriSchemes[i], uri->scheme) == 0)
            return true;
    }
    return false;
}

static virConnectPtr
connectOpenInternal(const char *name, virConnectAuthPtr auth, unsigned int flags)
{
    virConnectPtr conn = NULL;
    const char *env;
    g_autofree char *uristr = NULL;

    if (vkGlobalInit() < 0)
        goto error;
    if (flags & ~(unsigned int)(VIR_CONNECT_RO | VIR_CONNECT_NO_ALIASES)) {
        vkReportError(VIR_ERR_INVALID_ARG, "unsupported flags (0x%x) in function %s",
                      flags & ~(unsigned int)(VIR_CONNECT_RO | VIR_CONNECT_NO_ALIASES),
                      "virConnectOpenAuth");
        goto error;
    }

    if (name && !*name)
        name = NULL;
    if (!name && (env = g_getenv("VIRTKIT_DEFAULT_URI")) && *env)
        name = env;
    if (!name && (env = g_getenv("LIBVIRT_DEFAULT_URI")) && *env)
        name = env;
    if (!name)
        name = VK_FALLBACK_URI;
    if (!(flags & VIR_CONNECT_NO_ALIASES))
        name = expandAlias(name);
    uristr = g_strdup(name);

    conn = vkConnectNew();
    conn->flags = flags & VIR_CONNECT_RO;
    if (!(conn->uri = vkURIParse(uristr)))
        goto error;

    for (size_t i = 0; i < vkRegistryCount(); i++) {
        const vkConnectDriver *drv = vkRegistryGet(i);
        vkDrvOpenStatus st;

        if (drv->localOnly && conn->uri->server)
            continue;
        if (drv->remoteOnly && !conn->uri->server && !conn->uri->transport)
            continue;
        if (!schemeMatches(drv, conn->uri))
            continue;

        conn->connectDriver = drv;
        conn->driver = drv->hypervisorDriver;
        st = conn->driver->connectOpen(conn, auth, flags);
        if (st == VK_DRV_OPEN_SUCCESS) {
            /* On failure the last unref closes the hypervisor driver. */
            if (vkSecondaryDriversOpen(conn, flags) < 0)
                goto error_opened;
            return conn;
        }
        conn->connectDriver = NULL;
        conn->driver = NULL;
        if (st == VK_DRV_OPEN_ERROR)
            goto error;
    }
    vkReportError(VIR_ERR_NO_CONNECT, "no driver serves the URI '%s'", uristr);

 error:
    if (conn)
        conn->driver = NULL;
 error_opened:
    vkDispatchError(NULL);
    /* connectClose runs only for a connection its driver opened: the
     * error path above clears conn->driver otherwise. */
    if (conn)
        vkConnectUnref(conn);
    return NULL;
}

virConnectPtr
virConnectOpen(const char *name)
{
    vkErrorReset();
    return connectOpenInternal(name, NULL, 0);
}

virConnectPtr
virConnectOpenReadOnly(const char *name)
{
    vkErrorReset();
    return connectOpenInternal(name, NULL, VIR_CONNECT_RO);
}

virConnectPtr
virConnectOpenAuth(const char *name, virConnectAuthPtr auth, unsigned int flags)
{
    vkErrorReset();
    return connectOpenInternal(name, auth, flags);
}

int
virConnectClose(virConnectPtr conn)
{
    int left;

    vkErrorReset();
    if (!vkCheckConnect(conn, __func__)) {
        vkDispatchError(NULL);
        return -1;
    }
    /* What remains after our drop is what libvirt returns: > 0 while
     * domain handles or other users still hold the connection. */
    left = g_atomic_int_get(&conn->refs) - 1;
    vkConnectUnref(conn);
    return left;
}

int
virConnectRef(virConnectPtr conn)
{
    vkErrorReset();
    if (!vkCheckConnect(conn, __func__)) {
        vkDispatchError(NULL);
        return -1;
    }
    vkConnectRef(conn);
    return 0;
}

char *
virConnectGetURI(virConnectPtr conn)
{
    vkErrorReset();
    if (!vkCheckConnect(conn, __func__)) {
        vkDispatchError(NULL);
        return NULL;
    }
    return vkURIFormat(conn->uri);
}

int
virConnectRegisterCloseCallback(virConnectPtr conn, virConnectCloseFunc cb,
                                void *opaque, virFreeCallback freecb)
{
    vkErrorReset();
    if (!vkCheckConnect(conn, __func__))
        goto error;
    if (!cb) {
        vkReportNullArg(VIR_FROM_THIS, "cb", __func__);
        goto error;
    }
    g_mutex_lock(&conn->lock);
    if (conn->closeCb) {
        g_mutex_unlock(&conn->lock);
        vkReportError(VIR_ERR_OPERATION_INVALID, "%s",
                      "A close callback is already registered");
        goto error;
    }
    conn->closeCb = cb;
    conn->closeOpaque = opaque;
    conn->closeFree = freecb;
    g_mutex_unlock(&conn->lock);
    return 0;

 error:
    vkDispatchError(conn && conn->magic == VK_CONNECT_MAGIC ? conn : NULL);
    return -1;
}

int
virConnectUnregisterCloseCallback(virConnectPtr conn, virConnectCloseFunc cb)
{
    virFreeCallback freecb;
    void *opaque;

    vkErrorReset();
    if (!vkCheckConnect(conn, __func__))
        goto error;
    if (!cb) {
        vkReportNullArg(VIR_FROM_THIS, "cb", __func__);
        goto error;
    }
    g_mutex_lock(&conn->lock);
    if (conn->closeCb != cb) {
        g_mutex_unlock(&conn->lock);
        vkReportError(VIR_ERR_OPERATION_INVALID, "%s",
                      "A different callback was requested");
        goto error;
    }
    freecb = conn->closeFree;
    opaque = conn->closeOpaque;
    conn->closeCb = NULL;
    conn->closeFree = NULL;
    conn->closeOpaque = NULL;
    g_mutex_unlock(&conn->lock);
    if (freecb)
        freecb(opaque);
    return 0;

 error:
    vkDispatchError(conn && conn->magic == VK_CONNECT_MAGIC ? conn : NULL);
    return -1;
}

int
virGetVersion(unsigned long *libVer, const char *type, unsigned long *typeVer)
{
    vkErrorReset();
    if (vkGlobalInit() < 0)
        goto error;
    /* virtkit implements libvirt's API at this level; programs compare it
     * with LIBVIR_CHECK_VERSION to decide which calls they may make. */
    if (libVer)
        *libVer = LIBVIR_VERSION_NUMBER;
    if (typeVer)
        *typeVer = LIBVIR_VERSION_NUMBER;
    (void)type;
    return 0;

 error:
    vkDispatchError(NULL);
    return -1;
}

/* The ready-made credential prompter for command line tools: one line of
 * standard input per credential. */
static int
defaultAuthCallback(virConnectCredentialPtr cred, unsigned int ncred, void *cbdata)
{
    for (unsigned int i = 0; i < ncred; i++) {
        char buf[1024];
        size_t len;

        if (cred[i].prompt)
            fprintf(stderr, "%s%s ", cred[i].prompt,
                    cred[i].defresult ? "" : ":");
        if (!fgets(buf, sizeof(buf), stdin))
            return -1;
        len = strcspn(buf, "\r\n");
        buf[len] = '\0';
        if (!*buf && cred[i].defresult)
            cred[i].result = g_strdup(cred[i].defresult);
        else
            cred[i].result = g_strdup(buf);
        cred[i].resultlen = strlen(cred[i].result);
    }
    return 0;
}

static int credTypes[] = {
    VIR_CRED_AUTHNAME, VIR_CRED_ECHOPROMPT, VIR_CRED_REALM,
    VIR_CRED_PASSPHRASE, VIR_CRED_NOECHOPROMPT, VIR_CRED_EXTERNAL,
};
static virConnectAuth defaultAuth = {
    credTypes, G_N_ELEMENTS(credTypes), defaultAuthCallback, NULL,
};
virConnectAuthPtr virConnectAuthPtrDefault = &defaultAuth;
