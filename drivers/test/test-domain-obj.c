/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Where the test driver's domain objects live in memory.
 *
 * ListAllDomains walks every object in definition order and reads its
 * name, uuid and id.  Objects allocated one by one during define end up
 * between that define's parse tree and definition, kilobytes apart, so a
 * walk over 16k of them missed the cache and the TLB once for the queue
 * node, once for the object and once for its name: the per-domain cost grew
 * 3.7x from 1k to 16k domains.  Here an object carries its queue node and
 * (short) name inline and comes from chunks of consecutive objects, so a
 * walk over objects defined in a row reads memory in order, which the
 * hardware prefetches.  Freed objects are reused; chunks are kept for the
 * life of the process (bounded by the most domains ever defined at once).
 */
#include <string.h>

#include "drivers/test/test-private.h"

#define CHUNK_OBJECTS 64

#if defined(__SANITIZE_ADDRESS__)
/* AddressSanitizer should see a freed object used again. */
#define POOLED 0
#else
#define POOLED 1
#endif

static GMutex poolLock;
static vkTestDomain *poolFree;     /* linked through link.next */

static vkTestDomain *
objAlloc(void)
{
#if POOLED
    vkTestDomain *obj;

    g_mutex_lock(&poolLock);
    if (!poolFree) {
        vkTestDomain *chunk = g_new(vkTestDomain, CHUNK_OBJECTS);

        /* linked so that they are handed out in address order */
        for (int i = CHUNK_OBJECTS - 1; i >= 0; i--) {
            chunk[i].link.next = (GList *)poolFree;
            poolFree = &chunk[i];
        }
    }
    obj = poolFree;
    poolFree = (vkTestDomain *)obj->link.next;
    g_mutex_unlock(&poolLock);
    memset(obj, 0, sizeof(*obj));
    return obj;
#else
    return g_new0(vkTestDomain, 1);
#endif
}

static void
objRelease(vkTestDomain *obj)
{
#if POOLED
    g_mutex_lock(&poolLock);
    obj->link.next = (GList *)poolFree;
    poolFree = obj;
    g_mutex_unlock(&poolLock);
#else
    g_free(obj);
#endif
}

vkTestDomain *
vkTestDomainObjNew(const char *name)
{
    vkTestDomain *obj = objAlloc();

    obj->link.data = obj;
    vkTestDomainObjSetName(obj, name);
    return obj;
}

void
vkTestDomainObjSetName(vkTestDomain *obj, const char *name)
{
    size_t len = strlen(name);

    if (obj->name != obj->nameBuf)
        g_free(obj->name);
    if (len < sizeof(obj->nameBuf)) {
        memcpy(obj->nameBuf, name, len + 1);
        obj->name = obj->nameBuf;
    } else {
        obj->name = g_strdup(name);
    }
}

void
vkTestDomainObjFree(vkTestDomain *obj)
{
    if (obj->name != obj->nameBuf)
        g_free(obj->name);
    objRelease(obj);
}
