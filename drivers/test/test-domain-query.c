/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Read-only questions about the test driver's domains: listing, lookups,
 * info, state and XML.
 *
 * Listing walks the definition-order queue once under the state lock and
 * decides each filter from fields already in vkTestDomain, so listing tens
 * of thousands of domains costs a handle allocation each and nothing more
 * (no XML, no copies).
 */
#include <string.h>

#define VIR_FROM_THIS VIR_FROM_TEST
#include "util/error.h"
#include "util/uuid.h"
#include "drivers/test/test-private.h"

#define LIST_FILTERS_ACTIVE \
    (VIR_CONNECT_LIST_DOMAINS_ACTIVE | VIR_CONNECT_LIST_DOMAINS_INACTIVE)
#define LIST_FILTERS_PERSISTENT \
    (VIR_CONNECT_LIST_DOMAINS_PERSISTENT | VIR_CONNECT_LIST_DOMAINS_TRANSIENT)
#define LIST_FILTERS_STATE \
    (VIR_CONNECT_LIST_DOMAINS_RUNNING | VIR_CONNECT_LIST_DOMAINS_PAUSED | \
     VIR_CONNECT_LIST_DOMAINS_SHUTOFF | VIR_CONNECT_LIST_DOMAINS_OTHER)
#define LIST_FILTERS_MANAGEDSAVE \
    (VIR_CONNECT_LIST_DOMAINS_MANAGEDSAVE | VIR_CONNECT_LIST_DOMAINS_NO_MANAGEDSAVE)
#define LIST_FILTERS_AUTOSTART \
    (VIR_CONNECT_LIST_DOMAINS_AUTOSTART | VIR_CONNECT_LIST_DOMAINS_NO_AUTOSTART)
#define LIST_FILTERS_SNAPSHOT \
    (VIR_CONNECT_LIST_DOMAINS_HAS_SNAPSHOT | VIR_CONNECT_LIST_DOMAINS_NO_SNAPSHOT)
#define LIST_FILTERS_CHECKPOINT \
    (VIR_CONNECT_LIST_DOMAINS_HAS_CHECKPOINT | VIR_CONNECT_LIST_DOMAINS_NO_CHECKPOINT)
#define LIST_FILTERS_ALL \
    (LIST_FILTERS_ACTIVE | LIST_FILTERS_PERSISTENT | LIST_FILTERS_STATE | \
     LIST_FILTERS_MANAGEDSAVE | LIST_FILTERS_AUTOSTART | LIST_FILTERS_SNAPSHOT | \
     LIST_FILTERS_CHECKPOINT)

/* A filter group passes when none of its bits is set, or when the bit for
 * the domain's side of it is. */
static bool
groupMatch(unsigned int flags, unsigned int yes, unsigned int no, bool value)
{
    if (!(flags & (yes | no)))
        return true;
    return value ? (flags & yes) : (flags & no);
}

static bool
listMatch(const vkTestDomain *obj, unsigned int flags)
{
    if (!flags)
        return true;
    if (!groupMatch(flags, VIR_CONNECT_LIST_DOMAINS_ACTIVE,
                    VIR_CONNECT_LIST_DOMAINS_INACTIVE, obj->id >= 0))
        return false;
    if (!groupMatch(flags, VIR_CONNECT_LIST_DOMAINS_PERSISTENT,
                    VIR_CONNECT_LIST_DOMAINS_TRANSIENT, obj->persistent))
        return false;
    if (flags & LIST_FILTERS_STATE) {
        bool ok;

        switch (obj->state) {
        case VIR_DOMAIN_RUNNING:
            ok = flags & VIR_CONNECT_LIST_DOMAINS_RUNNING;
            break;
        case VIR_DOMAIN_PAUSED:
            ok = flags & VIR_CONNECT_LIST_DOMAINS_PAUSED;
            break;
        case VIR_DOMAIN_SHUTOFF:
            ok = flags & VIR_CONNECT_LIST_DOMAINS_SHUTOFF;
            break;
        default:
            ok = flags & VIR_CONNECT_LIST_DOMAINS_OTHER;
            break;
        }
        if (!ok)
            return false;
    }
    if (!groupMatch(flags, VIR_CONNECT_LIST_DOMAINS_MANAGEDSAVE,
                    VIR_CONNECT_LIST_DOMAINS_NO_MANAGEDSAVE, obj->managedSaveXML != NULL))
        return false;
    if (!groupMatch(flags, VIR_CONNECT_LIST_DOMAINS_AUTOSTART,
                    VIR_CONNECT_LIST_DOMAINS_NO_AUTOSTART, obj->autostart))
        return false;
    /* The test driver keeps no checkpoints. */
    if (!groupMatch(flags, VIR_CONNECT_LIST_DOMAINS_HAS_SNAPSHOT,
                    VIR_CONNECT_LIST_DOMAINS_NO_SNAPSHOT, vkTestDomainSnapshotCount(obj) > 0))
        return false;
    if (!groupMatch(flags, VIR_CONNECT_LIST_DOMAINS_HAS_CHECKPOINT,
                    VIR_CONNECT_LIST_DOMAINS_NO_CHECKPOINT, false))
        return false;
    return true;
}

int
vkTestConnectListAllDomains(virConnectPtr conn, virDomainPtr **domains, unsigned int flags)
{
    vkTestState *st = vkTestConnState(conn);
    virDomainPtr *list = NULL;
    int n = 0;

    vkCheckFlags(LIST_FILTERS_ALL, -1);

    g_mutex_lock(&st->lock);
    if (domains)
        list = g_new0(virDomainPtr, st->order.length + 1);
    for (GList *l = st->order.head; l; l = l->next) {
        vkTestDomain *obj = l->data;

        if (!listMatch(obj, flags))
            continue;
        if (list && !(list[n] = vkTestMakeHandle(conn, obj))) {
            g_mutex_unlock(&st->lock);
            for (int i = 0; i < n; i++)
                vkDomainUnref(list[i]);
            g_free(list);
            return -1;
        }
        n++;
    }
    g_mutex_unlock(&st->lock);
    if (domains)
        *domains = list;
    return n;
}

int
vkTestConnectListDomains(virConnectPtr conn, int *ids, int maxids)
{
    vkTestState *st = vkTestConnState(conn);
    int n = 0;

    g_mutex_lock(&st->lock);
    for (GList *l = st->order.head; l && n < maxids; l = l->next) {
        vkTestDomain *obj = l->data;

        if (obj->id >= 0)
            ids[n++] = obj->id;
    }
    g_mutex_unlock(&st->lock);
    return n;
}

int
vkTestConnectNumOfDomains(virConnectPtr conn)
{
    vkTestState *st = vkTestConnState(conn);
    int n;

    g_mutex_lock(&st->lock);
    n = g_hash_table_size(st->byID);
    g_mutex_unlock(&st->lock);
    return n;
}

int
vkTestConnectListDefinedDomains(virConnectPtr conn, char **const names, int maxnames)
{
    vkTestState *st = vkTestConnState(conn);
    int n = 0;

    g_mutex_lock(&st->lock);
    for (GList *l = st->order.head; l && n < maxnames; l = l->next) {
        vkTestDomain *obj = l->data;

        if (obj->id < 0 && obj->persistent)
            names[n++] = g_strdup(obj->name);
    }
    g_mutex_unlock(&st->lock);
    return n;
}

int
vkTestConnectNumOfDefinedDomains(virConnectPtr conn)
{
    vkTestState *st = vkTestConnState(conn);
    int n;

    g_mutex_lock(&st->lock);
    /* Every inactive domain is persistent: transient ones vanish on stop. */
    n = g_hash_table_size(st->byName) - g_hash_table_size(st->byID);
    g_mutex_unlock(&st->lock);
    return n;
}

virDomainPtr
vkTestDomainLookupByID(virConnectPtr conn, int id)
{
    vkTestState *st = vkTestConnState(conn);
    vkTestDomain *obj;
    virDomainPtr dom;

    g_mutex_lock(&st->lock);
    obj = id >= 0 ? g_hash_table_lookup(st->byID, GINT_TO_POINTER(id)) : NULL;
    dom = obj ? vkTestMakeHandle(conn, obj) : NULL;
    g_mutex_unlock(&st->lock);
    if (!obj)
        vkReportError(VIR_ERR_NO_DOMAIN, "no domain with matching id %d", id);
    return dom;
}

virDomainPtr
vkTestDomainLookupByUUID(virConnectPtr conn, const unsigned char *uuid)
{
    vkTestState *st = vkTestConnState(conn);
    vkTestDomain *obj;
    virDomainPtr dom;

    g_mutex_lock(&st->lock);
    obj = g_hash_table_lookup(st->byUUID, uuid);
    dom = obj ? vkTestMakeHandle(conn, obj) : NULL;
    g_mutex_unlock(&st->lock);
    if (!obj) {
        char uuidstr[VIR_UUID_STRING_BUFLEN];

        vkUUIDFormat(uuid, uuidstr);
        vkReportError(VIR_ERR_NO_DOMAIN, "no domain with matching uuid '%s'", uuidstr);
    }
    return dom;
}

virDomainPtr
vkTestDomainLookupByName(virConnectPtr conn, const char *name)
{
    vkTestState *st = vkTestConnState(conn);
    vkTestDomain *obj;
    virDomainPtr dom;

    g_mutex_lock(&st->lock);
    obj = g_hash_table_lookup(st->byName, name);
    dom = obj ? vkTestMakeHandle(conn, obj) : NULL;
    g_mutex_unlock(&st->lock);
    if (!obj)
        vkReportError(VIR_ERR_NO_DOMAIN, "no domain with matching name '%s'", name);
    return dom;
}

int
vkTestDomainGetInfo(virDomainPtr dom, virDomainInfoPtr info)
{
    vkTestState *st;
    vkTestDomain *obj;

    if (!(obj = vkTestDomainGet(dom, &st)))
        return -1;
    memset(info, 0, sizeof(*info));
    info->state = obj->state;
    info->maxMem = obj->def->maxMemory;
    info->memory = obj->def->currentMemory;
    info->nrVirtCpu = obj->def->vcpus;
    /* Like libvirt's test driver: the CPU time is the wall clock, which at
     * least keeps growing, whatever the domain's state (virsh's dominfo of
     * a shut-off test domain shows it too). */
    info->cpuTime = (unsigned long long)g_get_real_time() * 1000;
    g_mutex_unlock(&st->lock);
    return 0;
}

int
vkTestDomainGetState(virDomainPtr dom, int *state, int *reason, unsigned int flags)
{
    vkTestState *st;
    vkTestDomain *obj;

    vkCheckFlags(0, -1);
    if (!(obj = vkTestDomainGet(dom, &st)))
        return -1;
    *state = obj->state;
    if (reason)
        *reason = obj->reason;
    g_mutex_unlock(&st->lock);
    return 0;
}

char *
vkTestDomainGetXMLDesc(virDomainPtr dom, unsigned int flags)
{
    vkTestState *st;
    vkTestDomain *obj;
    const vkDomainDef *def;
    char *xml;

    vkCheckFlags(VIR_DOMAIN_XML_SECURE | VIR_DOMAIN_XML_INACTIVE |
                 VIR_DOMAIN_XML_UPDATE_CPU | VIR_DOMAIN_XML_MIGRATABLE, NULL);
    if (!(obj = vkTestDomainGet(dom, &st)))
        return NULL;
    def = (flags & VIR_DOMAIN_XML_INACTIVE) && obj->newDef ? obj->newDef : obj->def;
    xml = vkDomainDefFormat(def, flags);
    g_mutex_unlock(&st->lock);
    return xml;
}

char *
vkTestDomainGetOSType(virDomainPtr dom)
{
    vkTestState *st;

    if (!vkTestDomainGet(dom, &st))
        return NULL;
    g_mutex_unlock(&st->lock);
    /* libvirt's test driver answers "linux" whatever the <os><type>. */
    return g_strdup("linux");
}

unsigned long
vkTestDomainGetMaxMemory(virDomainPtr dom)
{
    vkTestState *st;
    vkTestDomain *obj;
    unsigned long mem;

    if (!(obj = vkTestDomainGet(dom, &st)))
        return 0;
    mem = obj->def->maxMemory;
    g_mutex_unlock(&st->lock);
    return mem;
}

int
vkTestDomainIsActive(virDomainPtr dom)
{
    vkTestState *st;
    vkTestDomain *obj;
    int ret;

    if (!(obj = vkTestDomainGet(dom, &st)))
        return -1;
    ret = obj->id >= 0;
    g_mutex_unlock(&st->lock);
    return ret;
}

int
vkTestDomainIsPersistent(virDomainPtr dom)
{
    vkTestState *st;
    vkTestDomain *obj;
    int ret;

    if (!(obj = vkTestDomainGet(dom, &st)))
        return -1;
    ret = obj->persistent;
    g_mutex_unlock(&st->lock);
    return ret;
}

int
vkTestDomainIsUpdated(virDomainPtr dom)
{
    vkTestState *st;
    vkTestDomain *obj;
    int ret;

    if (!(obj = vkTestDomainGet(dom, &st)))
        return -1;
    ret = obj->updated;
    g_mutex_unlock(&st->lock);
    return ret;
}

char *
vkTestDomainGetHostname(virDomainPtr dom, unsigned int flags)
{
    vkTestState *st;
    vkTestDomain *obj;
    char *ret = NULL;

    vkCheckFlags(VIR_DOMAIN_GET_HOSTNAME_LEASE | VIR_DOMAIN_GET_HOSTNAME_AGENT, NULL);
    if (!(obj = vkTestDomainGet(dom, &st)))
        return NULL;
    if (vkTestCheckActive(obj))
        ret = g_strdup_printf("%shost", obj->name);
    g_mutex_unlock(&st->lock);
    return ret;
}

char *
vkTestDomainGetSchedulerType(virDomainPtr dom, int *nparams)
{
    vkTestState *st;

    if (!vkTestDomainGet(dom, &st))
        return NULL;
    g_mutex_unlock(&st->lock);
    if (nparams)
        *nparams = 1;
    return g_strdup("fair");
}

int
vkTestDomainGetSecurityLabel(virDomainPtr dom, virSecurityLabelPtr seclabel)
{
    vkTestState *st;
    vkTestDomain *obj;
    bool active;

    if (!(obj = vkTestDomainGet(dom, &st)))
        return -1;
    active = obj->state != VIR_DOMAIN_SHUTOFF;
    g_mutex_unlock(&st->lock);
    /* Only a running domain carries a label, as with real security
     * drivers; a shut-off one answers an empty label. */
    memset(seclabel, 0, sizeof(*seclabel));
    if (active) {
        g_strlcpy(seclabel->label, "libvirt-test", sizeof(seclabel->label));
        seclabel->enforcing = 1;
    }
    return 0;
}
