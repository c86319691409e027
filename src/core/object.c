/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * virConnect / virDomain handles.
 *
 * Atomic reference counts make a handle shareable between threads without
 * a lock; a magic number, cleared on free, lets the API door reject NULL and
 * (most) stale handles with VIR_ERR_INVALID_CONN / VIR_ERR_INVALID_DOMAIN
 * instead of crashing.
 */
#define VIR_FROM_THIS VIR_FROM_NONE
#include "core/object.h"

#include <string.h>

#include "core/driver.h"
#include "util/error.h"

virConnectPtr
vkConnectNew(void)
{
    virConnectPtr conn = g_new0(virConnect, 1);
    conn->magic = VK_CONNECT_MAGIC;
    conn->refs = 1;
    g_mutex_init(&conn->lock);
    return conn;
}

void
vkConnectRef(virConnectPtr conn)
{
    g_atomic_int_inc(&conn->refs);
}

void
vkConnectUnref(virConnectPtr conn)
{
    if (!conn || !g_atomic_int_dec_and_test(&conn->refs))
        return;
    /* The driver closes with the last reference, so that domain handles
     * that outlive virConnectClose keep a working connection. */
    vkSecondaryDriversClose(conn);
    if (conn->driver && conn->driver->connectClose)
        conn->driver->connectClose(conn);
    if (conn->closeFree)
        conn->closeFree(conn->closeOpaque);
    vkURIFree(conn->uri);
    virResetError(&conn->err);
    g_mutex_clear(&conn->lock);
    conn->magic = 0;
    g_free(conn);
}

virDomainPtr
vkGetDomain(virConnectPtr conn, const char *name, const unsigned char *uuid,
            int id)
{
    virDomainPtr dom;

    if (!name || !*name) {
        vkReportError(VIR_ERR_INTERNAL_ERROR, "%s", "domain handle without a name");
        return NULL;
    }
    dom = g_new0(virDomain, 1);
    dom->magic = VK_DOMAIN_MAGIC;
    dom->refs = 1;
    dom->name = g_strdup(name);
    if (uuid)
        memcpy(dom->uuid, uuid, VIR_UUID_BUFLEN);
    dom->id = id;
    vkConnectRef(conn);
    dom->conn = conn;
    return dom;
}

void
vkDomainRef(virDomainPtr dom)
{
    g_atomic_int_inc(&dom->refs);
}

void
vkDomainUnref(virDomainPtr dom)
{
    if (!dom || !g_atomic_int_dec_and_test(&dom->refs))
        return;
    vkConnectUnref(dom->conn);
    g_free(dom->name);
    dom->magic = 0;
    g_free(dom);
}

bool
vkCheckConnect(virConnectPtr conn, const char *func)
{
    if (!conn || conn->magic != VK_CONNECT_MAGIC || conn->refs <= 0) {
        vkReportError(VIR_ERR_INVALID_CONN, "%s", func);
        return false;
    }
    return true;
}

bool
vkCheckDomain(virDomainPtr dom, const char *func)
{
    if (!dom || dom->magic != VK_DOMAIN_MAGIC || dom->refs <= 0) {
        vkReportErrorFull(VIR_FROM_DOM, VIR_ERR_INVALID_DOMAIN, __FILE__, __func__,
                          __LINE__, "%s", func);
        return false;
    }
    if (!vkCheckConnect(dom->conn, func))
        return false;
    return true;
}
