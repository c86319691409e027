/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Host interfaces of the test driver, as libvirt 9.0's test driver keeps
 * them: a list of definitions, each active or not, in memory only; the
 * default host has eth1, running; a host file's <interface>s start
 * running.  Nothing is configured on the real host.
 *
 * A change transaction (virInterfaceChangeBegin) keeps a copy of the list
 * to put back on rollback; libvirt's copy keeps the definitions but not
 * whether they were running, so after a rollback every interface is
 * inactive there, and here too.
 */
#define VIR_FROM_THIS VIR_FROM_TEST
#include <string.h>

#include "drivers/test/test-private.h"
#include "conf/interface-conf.h"
#include "util/error.h"

typedef struct {
    vkInterfaceDef *def;
    bool active;
} vkTestIface;

static void
ifaceFree(vkTestIface *i)
{
    if (!i)
        return;
    vkInterfaceDefFree(i->def);
    g_free(i);
}

static GPtrArray *
ifaceListNew(void)
{
    return g_ptr_array_new_with_free_func((GDestroyNotify)ifaceFree);
}

void
vkTestIfacesFree(vkTestState *st)
{
    if (st->ifaces)
        g_ptr_array_unref(st->ifaces);
    if (st->ifaceBackup)
        g_ptr_array_unref(st->ifaceBackup);
    st->ifaces = st->ifaceBackup = NULL;
}

int
vkTestIfaceAddHost(vkTestState *st, const char *xml)
{
    vkTestIface *i;
    vkInterfaceDef *def;

    if (!(def = vkInterfaceDefParseString(xml)))
        return -1;
    if (!st->ifaces)
        st->ifaces = ifaceListNew();
    i = g_new0(vkTestIface, 1);
    i->def = def;
    i->active = true;
    g_ptr_array_add(st->ifaces, i);
    return 0;
}

static vkTestIface *
byName(vkTestState *st, const char *name)
{
    for (guint k = 0; st->ifaces && k < st->ifaces->len; k++) {
        vkTestIface *i = st->ifaces->pdata[k];
        if (strcmp(i->def->name, name) == 0)
            return i;
    }
    return NULL;
}

static vkTestState *
lockConn(virConnectPtr conn)
{
    vkTestState *st = vkTestConnState(conn);

    g_mutex_lock(&st->lock);
    return st;
}

/* The interface of a handle, the state locked; NULL unlocked when gone. */
static vkTestIface *
ifaceGet(virInterfacePtr iface, vkTestState **stp)
{
    vkTestState *st = lockConn(iface->conn);
    vkTestIface *i = byName(st, iface->name);

    if (!i) {
        g_mutex_unlock(&st->lock);
        vkReportError(VIR_ERR_NO_INTERFACE, "no interface with matching name '%s'",
                      iface->name);
        return NULL;
    }
    *stp = st;
    return i;
}

static virInterfacePtr
handle(virConnectPtr conn, vkTestIface *i)
{
    return vkGetInterface(conn, i->def->name, i->def->mac ? i->def->mac : "");
}

static int
countOrList(virConnectPtr conn, bool active, char **const names, int maxnames)
{
    vkTestState *st = lockConn(conn);
    int n = 0;

    for (guint k = 0; st->ifaces && k < st->ifaces->len; k++) {
        vkTestIface *i = st->ifaces->pdata[k];

        if (i->active != active)
            continue;
        if (names && n >= maxnames)
            break;
        if (names)
            names[n] = g_strdup(i->def->name);
        n++;
    }
    g_mutex_unlock(&st->lock);
    return n;
}

int
vkTestConnectNumOfInterfaces(virConnectPtr conn)
{
    return countOrList(conn, true, NULL, 0);
}

int
vkTestConnectListInterfaces(virConnectPtr conn, char **const names, int maxnames)
{
    return countOrList(conn, true, names, maxnames);
}

int
vkTestConnectNumOfDefinedInterfaces(virConnectPtr conn)
{
    return countOrList(conn, false, NULL, 0);
}

int
vkTestConnectListDefinedInterfaces(virConnectPtr conn, char **const names, int maxnames)
{
    return countOrList(conn, false, names, maxnames);
}

int
vkTestConnectListAllInterfaces(virConnectPtr conn, virInterfacePtr **ifaces,
                               unsigned int flags)
{
    g_autoptr(GPtrArray) out = g_ptr_array_new();
    vkTestState *st;
    int n;

    VK_TEST_CHECK_FLAGS("testConnectListAllInterfaces", VIR_CONNECT_LIST_INTERFACES_ACTIVE |
                        VIR_CONNECT_LIST_INTERFACES_INACTIVE, flags);
    st = lockConn(conn);
    for (guint k = 0; st->ifaces && k < st->ifaces->len; k++) {
        vkTestIface *i = st->ifaces->pdata[k];

        if (!vkListFlagPairMatches(flags, VIR_CONNECT_LIST_INTERFACES_ACTIVE,
                                   VIR_CONNECT_LIST_INTERFACES_INACTIVE, i->active))
            continue;
        g_ptr_array_add(out, ifaces ? handle(conn, i) : NULL);
    }
    g_mutex_unlock(&st->lock);
    n = (int)out->len;
    if (ifaces) {
        g_ptr_array_add(out, NULL);
        *ifaces = (virInterfacePtr *)g_ptr_array_free(g_steal_pointer(&out), FALSE);
    }
    return n;
}

virInterfacePtr
vkTestInterfaceLookupByName(virConnectPtr conn, const char *name)
{
    vkTestState *st = lockConn(conn);
    vkTestIface *i = byName(st, name);
    virInterfacePtr ret = i ? handle(conn, i) : NULL;

    g_mutex_unlock(&st->lock);
    if (!ret)
        vkReportError(VIR_ERR_NO_INTERFACE, "no interface with matching name '%s'", name);
    return ret;
}

virInterfacePtr
vkTestInterfaceLookupByMACString(virConnectPtr conn, const char *macstr)
{
    vkTestState *st = lockConn(conn);
    vkTestIface *found = NULL;
    virInterfacePtr ret = NULL;
    int n = 0;

    for (guint k = 0; st->ifaces && k < st->ifaces->len; k++) {
        vkTestIface *i = st->ifaces->pdata[k];

        if (i->def->mac && g_ascii_strcasecmp(i->def->mac, macstr) == 0) {
            found = i;
            n++;
        }
    }
    if (n == 1)
        ret = handle(conn, found);
    g_mutex_unlock(&st->lock);
    if (n == 0)
        vkReportError(VIR_ERR_NO_INTERFACE, "no interface with matching mac '%s'", macstr);
    else if (n > 1)
        vkReportError(VIR_ERR_MULTIPLE_INTERFACES, "%s",
                      "more than one interface with matching mac");
    return ret;
}

char *
vkTestInterfaceGetXMLDesc(virInterfacePtr iface, unsigned int flags)
{
    vkTestState *st;
    vkTestIface *i;
    char *xml;

    if (!vkTestFlagsOK("testInterfaceGetXMLDesc", flags, 0))
        return NULL;
    if (!(i = ifaceGet(iface, &st)))
        return NULL;
    xml = vkInterfaceDefFormat(i->def);
    g_mutex_unlock(&st->lock);
    return xml;
}

virInterfacePtr
vkTestInterfaceDefineXML(virConnectPtr conn, const char *xml, unsigned int flags)
{
    vkInterfaceDef *def;
    vkTestState *st;
    vkTestIface *i;
    virInterfacePtr ret;

    if (!vkTestFlagsOK("testInterfaceDefineXML", flags, VIR_INTERFACE_DEFINE_VALIDATE))
        return NULL;
    if ((flags & VIR_INTERFACE_DEFINE_VALIDATE) &&
        vkConfSchemaValidate(xml, "interface.rng") < 0)
        return NULL;
    if (!(def = vkInterfaceDefParseString(xml)))
        return NULL;
    st = lockConn(conn);
    if ((i = byName(st, def->name))) {
        vkInterfaceDefFree(i->def);
    } else {
        if (!st->ifaces)
            st->ifaces = ifaceListNew();
        i = g_new0(vkTestIface, 1);
        g_ptr_array_add(st->ifaces, i);
    }
    i->def = def;
    ret = handle(conn, i);
    g_mutex_unlock(&st->lock);
    return ret;
}

int
vkTestInterfaceUndefine(virInterfacePtr iface)
{
    vkTestState *st;
    vkTestIface *i;

    if (!(i = ifaceGet(iface, &st)))
        return -1;
    g_ptr_array_remove(st->ifaces, i);
    g_mutex_unlock(&st->lock);
    return 0;
}

/* Create and destroy: a change to the other state, or libvirt's bare
 * "Requested operation is not valid". */
static int
setActive(virInterfacePtr iface, const char *fn, unsigned int flags, bool active)
{
    vkTestState *st;
    vkTestIface *i;
    int ret = 0;

    VK_TEST_CHECK_FLAGS(fn, 0, flags);
    if (!(i = ifaceGet(iface, &st)))
        return -1;
    if (i->active == active) {
        vkReportError(VIR_ERR_OPERATION_INVALID, "%s", "");
        ret = -1;
    }
    i->active = active;
    g_mutex_unlock(&st->lock);
    return ret;
}

int
vkTestInterfaceCreate(virInterfacePtr iface, unsigned int flags)
{
    return setActive(iface, "testInterfaceCreate", flags, true);
}

int
vkTestInterfaceDestroy(virInterfacePtr iface, unsigned int flags)
{
    return setActive(iface, "testInterfaceDestroy", flags, false);
}

int
vkTestInterfaceIsActive(virInterfacePtr iface)
{
    vkTestState *st;
    vkTestIface *i;
    int ret;

    if (!(i = ifaceGet(iface, &st)))
        return -1;
    ret = i->active;
    g_mutex_unlock(&st->lock);
    return ret;
}

/* ---- the change transaction ---- */

int
vkTestInterfaceChangeBegin(virConnectPtr conn, unsigned int flags)
{
    vkTestState *st;
    int ret = 0;

    VK_TEST_CHECK_FLAGS("testInterfaceChangeBegin", 0, flags);
    st = lockConn(conn);
    if (st->ifaceBackup) {
        vkReportError(VIR_ERR_OPERATION_INVALID, "%s",
                      "there is another transaction running.");
        ret = -1;
    } else {
        st->ifaceBackup = ifaceListNew();
        for (guint k = 0; st->ifaces && k < st->ifaces->len; k++) {
            vkTestIface *c = g_new0(vkTestIface, 1);

            c->def = vkInterfaceDefCopy(((vkTestIface *)st->ifaces->pdata[k])->def);
            g_ptr_array_add(st->ifaceBackup, c);
        }
    }
    g_mutex_unlock(&st->lock);
    return ret;
}

static int
endChange(virConnectPtr conn, const char *fn, unsigned int flags, bool rollback)
{
    vkTestState *st;

    VK_TEST_CHECK_FLAGS(fn, 0, flags);
    st = lockConn(conn);
    if (!st->ifaceBackup) {
        g_mutex_unlock(&st->lock);
        vkReportError(VIR_ERR_OPERATION_INVALID, "%s",
                      rollback ? "no transaction running, nothing to rollback."
                               : "no transaction running, nothing to be committed.");
        return -1;
    }
    if (rollback) {
        if (st->ifaces)
            g_ptr_array_unref(st->ifaces);
        st->ifaces = g_steal_pointer(&st->ifaceBackup);
    } else {
        g_clear_pointer(&st->ifaceBackup, g_ptr_array_unref);
    }
    g_mutex_unlock(&st->lock);
    return 0;
}

int
vkTestInterfaceChangeCommit(virConnectPtr conn, unsigned int flags)
{
    return endChange(conn, "testInterfaceChangeCommit", flags, false);
}

int
vkTestInterfaceChangeRollback(virConnectPtr conn, unsigned int flags)
{
    return endChange(conn, "testInterfaceChangeRollback", flags, true);
}
