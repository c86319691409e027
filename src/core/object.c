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

/* Domain handles come and go by the thousand (ListAllDomains, and the
 * daemon makes one per call), so they are not handed back to malloc one by
 * one: a freed handle, its name stored inline when short, waits on a bounded
 * free list for the next one.  Returning 10,000 small blocks to malloc made
 * it consolidate and trim its heap on every ListAllDomains and fault the
 * pages back in on the next; the cache keeps the cost per handle flat.  At
 * most DOMAIN_CACHE_MAX blocks (about 1.5 MiB) are kept. */
#define DOMAIN_NAME_INLINE 40
#if defined(__SANITIZE_ADDRESS__)
/* AddressSanitizer should see a freed handle used again. */
#define DOMAIN_CACHE_MAX 0
#else
#define DOMAIN_CACHE_MAX 16384
#endif

typedef struct _vkDomainBlock vkDomainBlock;
struct _vkDomainBlock {
    virDomain dom;                  /* first: a virDomainPtr is the block */
    vkDomainBlock *next;            /* on the free list */
    char name[DOMAIN_NAME_INLINE];
};

static GMutex domainCacheLock;
static vkDomainBlock *domainCache;
static unsigned int domainCacheLen;

static vkDomainBlock *
domainBlockNew(void)
{
    vkDomainBlock *b;

    g_mutex_lock(&domainCacheLock);
    if ((b = domainCache)) {
        domainCache = b->next;
        domainCacheLen--;
    }
    g_mutex_unlock(&domainCacheLock);
    if (!b)
        return g_new0(vkDomainBlock, 1);
    b->next = NULL;
    return b;
}

static void
domainBlockFree(vkDomainBlock *b)
{
#if DOMAIN_CACHE_MAX > 0
    g_mutex_lock(&domainCacheLock);
    if (domainCacheLen < DOMAIN_CACHE_MAX) {
        b->next = domainCache;
        domainCache = b;
        domainCacheLen++;
        b = NULL;
    }
    g_mutex_unlock(&domainCacheLock);
#endif
    g_free(b);
}

static void
setName(virDomainPtr dom, const char *name, size_t len)
{
    vkDomainBlock *b = (vkDomainBlock *)dom;

    if (dom->name != b->name)
        g_free(dom->name);
    if (len < DOMAIN_NAME_INLINE) {
        memcpy(b->name, name, len);
        b->name[len] = '\0';
        dom->name = b->name;
    } else {
        dom->name = g_strndup(name, len);
    }
}

void
vkDomainSetName(virDomainPtr dom, const char *name)
{
    if (name != dom->name)
        setName(dom, name, strlen(name));
}

virDomainPtr
vkGetDomainN(virConnectPtr conn, const char *name, size_t len,
             const unsigned char *uuid, int id)
{
    virDomainPtr dom;

    if (!name || !len || !*name) {
        vkReportError(VIR_ERR_INTERNAL_ERROR, "%s", "domain handle without a name");
        return NULL;
    }
    dom = &domainBlockNew()->dom;
    dom->magic = VK_DOMAIN_MAGIC;
    dom->refs = 1;
    dom->name = NULL;
    setName(dom, name, len);
    if (uuid)
        memcpy(dom->uuid, uuid, VIR_UUID_BUFLEN);
    else
        memset(dom->uuid, 0, VIR_UUID_BUFLEN);
    dom->id = id;
    vkConnectRef(conn);
    dom->conn = conn;
    return dom;
}

virDomainPtr
vkGetDomain(virConnectPtr conn, const char *name, const unsigned char *uuid,
            int id)
{
    return vkGetDomainN(conn, name, name ? strlen(name) : 0, uuid, id);
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
    if (dom->name != ((vkDomainBlock *)dom)->name)
        g_free(dom->name);
    dom->name = NULL;
    dom->magic = 0;
    domainBlockFree((vkDomainBlock *)dom);
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
