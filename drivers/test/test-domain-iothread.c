/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The test driver's IOThreads: info, add, delete, pin and parameters.
 *
 * The idea: the conf module keeps <iothreads>, <iothreadids> and
 * <cputune> as element trees; a definition with only <iothreads>N</...>
 * has the implicit ids 1..N (libvirt fills them and does not print them),
 * and the first change through the API writes every id out, as libvirt
 * does once one of them is no longer implicit.
 */
#include <string.h>
#include <unistd.h>

#define VIR_FROM_THIS VIR_FROM_TEST
#include "util/error.h"
#include "conf/cpuset.h"
#include "drivers/test/test-private.h"

/* The IOThread ids of def, in order. */
static GArray *
iothreadIds(vkDomainDef *def)
{
    GArray *ids = g_array_new(FALSE, FALSE, sizeof(unsigned int));
    vkXmlElem *list = vkTestTuneTop(def, "iothreadids", false);
    vkXmlElem *count = vkTestTuneTop(def, "iothreads", false);
    unsigned int n = 0;

    for (guint i = 0; list && list->children && i < list->children->len; i++) {
        unsigned int id;
        if (vkDomainParseUInt(vkXmlElemGetAttr(list->children->pdata[i], "id"), &id) == 0)
            g_array_append_val(ids, id);
    }
    if (ids->len == 0 && count && count->text && vkDomainParseUInt(count->text, &n) == 0) {
        for (unsigned int id = 1; id <= n; id++)
            g_array_append_val(ids, id);
    }
    return ids;
}

/* Writes ids as <iothreads> and <iothreadids>, keeping the attributes
 * an existing <iothread> had; no ids: neither element. */
static void
iothreadStore(vkDomainDef *def, GArray *ids)
{
    vkXmlElem *count = vkTestTuneTop(def, "iothreads", ids->len > 0);
    vkXmlElem *old = vkTestTuneTop(def, "iothreadids", false);
    vkXmlElem *list;

    if (ids->len == 0) {
        if (count)
            g_ptr_array_remove(def->priv->topExtra, count);
        if (old)
            g_ptr_array_remove(def->priv->topExtra, old);
        return;
    }
    g_free(count->text);
    count->text = g_strdup_printf("%u", ids->len);
    list = g_new0(vkXmlElem, 1);
    list->name = g_strdup("iothreadids");
    for (guint i = 0; i < ids->len; i++) {
        g_autofree char *s = g_strdup_printf("%u", g_array_index(ids, unsigned int, i));
        vkXmlElem *o = vkTestTuneChild(old, "iothread", "id", s, false);
        vkXmlElem *c = vkTestTuneChild(list, "iothread", "id", s, true);
        for (guint k = 0; o && o->attrs && k + 1 < o->attrs->len; k += 2)
            vkXmlElemSetAttr(c, o->attrs->pdata[k], o->attrs->pdata[k + 1]);
    }
    if (old)
        g_ptr_array_remove(def->priv->topExtra, old);
    g_ptr_array_add(def->priv->topExtra, list);
}

static bool
hasId(GArray *ids, unsigned int id)
{
    for (guint i = 0; i < ids->len; i++) {
        if (g_array_index(ids, unsigned int, i) == id)
            return true;
    }
    return false;
}

static vkXmlElem *
iothreadPin(vkDomainDef *def, unsigned int id, bool create)
{
    g_autofree char *s = g_strdup_printf("%u", id);

    return vkTestTuneChild(vkTestTuneTop(def, "cputune", create), "iothreadpin",
                           "iothread", s, create);
}

int
vkTestDomainGetIOThreadInfo(virDomainPtr dom, virDomainIOThreadInfoPtr **info,
                            unsigned int flags)
{
    vkTestState *st;
    vkDomainDef *def;
    g_autoptr(GArray) ids = NULL;
    virDomainIOThreadInfoPtr *out;
    long host = sysconf(_SC_NPROCESSORS_ONLN);

    VK_TEST_CHECK_FLAGS("testDomainGetIOThreadInfo",
                        VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG, flags);
    if (!(def = vkTestDomainOneDef(dom, flags, &st)))
        return -1;
    ids = iothreadIds(def);
    *info = NULL;
    if (ids->len == 0) {
        g_mutex_unlock(&st->lock);
        return 0;
    }
    out = g_new0(virDomainIOThreadInfoPtr, ids->len + 1);
    for (guint i = 0; i < ids->len; i++) {
        unsigned int id = g_array_index(ids, unsigned int, i);
        const char *set = vkXmlElemGetAttr(iothreadPin(def, id, false), "cpuset");
        g_autofree guint8 *bits = NULL;
        int last = -1;

        /* the pin, else the domain's cpuset, else (as libvirt's test
         * driver) every CPU of the real host */
        if (!set)
            set = def->priv->cpuset;
        if (set)
            bits = vkCpusetParse(set);
        out[i] = g_new0(virDomainIOThreadInfo, 1);
        out[i]->iothread_id = id;
        for (int c = 0; c <= VK_CPUSET_MAX; c++) {
            if (bits ? bits[c] : c < host)
                last = c;
        }
        out[i]->cpumaplen = last / 8 + 1;
        out[i]->cpumap = g_new0(unsigned char, out[i]->cpumaplen);
        for (int c = 0; c <= last; c++) {
            if (bits ? bits[c] : c < host)
                out[i]->cpumap[c / 8] |= 1 << (c % 8);
        }
    }
    g_mutex_unlock(&st->lock);
    *info = out;
    return ids->len;
}

typedef enum { IOT_ADD, IOT_DEL } iotOp;

static int
iothreadChange(vkDomainDef *def, unsigned int id, iotOp op)
{
    g_autoptr(GArray) ids = iothreadIds(def);
    vkXmlElem *pin;

    if (op == IOT_ADD) {
        if (hasId(ids, id)) {
            vkReportError(VIR_ERR_INVALID_ARG,
                          "an IOThread is already using iothread_id '%u'", id);
            return -1;
        }
        g_array_append_val(ids, id);
        iothreadStore(def, ids);
        return 0;
    }
    if (!hasId(ids, id)) {
        vkReportError(VIR_ERR_INVALID_ARG,
                      "cannot find IOThread '%u' in iothreadids list", id);
        return -1;
    }
    for (guint i = 0; i < ids->len; i++) {
        if (g_array_index(ids, unsigned int, i) == id)
            g_array_remove_index(ids, i--);
    }
    iothreadStore(def, ids);
    if ((pin = iothreadPin(def, id, false))) {
        vkXmlElem *cputune = vkTestTuneTop(def, "cputune", false);
        g_ptr_array_remove(cputune->children, pin);
        vkTestTuneDropTop(def, cputune);
    }
    return 0;
}

static int
iothreadAddDel(virDomainPtr dom, unsigned int id, unsigned int flags, iotOp op)
{
    vkTestState *st;
    vkTestDomain *obj;
    vkDomainDef *live, *config;
    int ret = -1;

    if (op == IOT_ADD)
        VK_TEST_CHECK_FLAGS("testDomainAddIOThread",
                            VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG, flags);
    else
        VK_TEST_CHECK_FLAGS("testDomainDelIOThread",
                            VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG, flags);
    if (id == 0) {
        vkReportError(VIR_ERR_INVALID_ARG, "%s", "invalid value of 0 for iothread_id");
        return -1;
    }
    if (!(obj = vkTestDomainGet(dom, &st)))
        return -1;
    if (vkTestGetDefs(obj, flags, &live, &config) < 0)
        goto out;
    if (live && iothreadChange(live, id, op) < 0)
        goto out;
    if (config && iothreadChange(config, id, op) < 0)
        goto out;
    ret = 0;
 out:
    g_mutex_unlock(&st->lock);
    return ret;
}

int
vkTestDomainAddIOThread(virDomainPtr dom, unsigned int id, unsigned int flags)
{
    return iothreadAddDel(dom, id, flags, IOT_ADD);
}

int
vkTestDomainDelIOThread(virDomainPtr dom, unsigned int id, unsigned int flags)
{
    return iothreadAddDel(dom, id, flags, IOT_DEL);
}

static const char *const cputuneOrder[] = {
    "shares", "period", "quota", "global_period", "global_quota", "emulator_period",
    "emulator_quota", "iothread_period", "iothread_quota", "vcpupin", "emulatorpin",
    "iothreadpin", NULL,
};

static int
pinOne(vkDomainDef *def, unsigned int id, const char *set)
{
    g_autoptr(GArray) ids = iothreadIds(def);
    vkXmlElem *pin;

    if (!hasId(ids, id)) {
        vkReportError(VIR_ERR_INVALID_ARG, "iothreadid %u not found", id);
        return -1;
    }
    pin = iothreadPin(def, id, true);
    vkXmlElemSetAttr(pin, "cpuset", set);
    vkXmlElemSortChildren(vkTestTuneTop(def, "cputune", false), cputuneOrder);
    return 0;
}

int
vkTestDomainPinIOThread(virDomainPtr dom, unsigned int id, unsigned char *cpumap,
                        int maplen, unsigned int flags)
{
    vkTestState *st;
    vkTestDomain *obj;
    vkDomainDef *live, *config;
    g_autofree guint8 *bits = g_new0(guint8, VK_CPUSET_MAX + 1);
    g_autofree char *set = NULL;
    int ret = -1;

    VK_TEST_CHECK_FLAGS("testDomainPinIOThread",
                        VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG, flags);
    for (int c = 0; c < maplen * 8 && c <= VK_CPUSET_MAX; c++)
        bits[c] = (cpumap[c / 8] >> (c % 8)) & 1;
    set = vkCpusetFormat(bits, VK_CPUSET_MAX + 1);
    if (!*set) {
        vkReportError(VIR_ERR_INVALID_ARG, "%s", "Empty iothread cpumap list for pinning");
        return -1;
    }
    if (!(obj = vkTestDomainGet(dom, &st)))
        return -1;
    if (vkTestGetDefs(obj, flags, &live, &config) < 0)
        goto out;
    if (live && pinOne(live, id, set) < 0)
        goto out;
    if (config && pinOne(config, id, set) < 0)
        goto out;
    ret = 0;
 out:
    g_mutex_unlock(&st->lock);
    return ret;
}

static const char *const iotParams[] = {
    VIR_DOMAIN_IOTHREAD_POLL_MAX_NS, VIR_DOMAIN_IOTHREAD_POLL_GROW,
    VIR_DOMAIN_IOTHREAD_POLL_SHRINK, VIR_DOMAIN_IOTHREAD_THREAD_POOL_MIN,
    VIR_DOMAIN_IOTHREAD_THREAD_POOL_MAX, NULL,
};
static const int iotTypes[] = {
    VIR_TYPED_PARAM_ULLONG, VIR_TYPED_PARAM_UINT, VIR_TYPED_PARAM_UINT,
    VIR_TYPED_PARAM_INT, VIR_TYPED_PARAM_INT,
};

/* The polling values only tune a running QEMU: libvirt's test driver
 * checks them and the thread, and stores nothing. */
int
vkTestDomainSetIOThreadParams(virDomainPtr dom, unsigned int id,
                              virTypedParameterPtr params, int nparams,
                              unsigned int flags)
{
    vkTestState *st;
    vkTestDomain *obj;
    vkDomainDef *live, *config;
    int ret = -1;

    VK_TEST_CHECK_FLAGS("testDomainSetIOThreadParams",
                        VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG, flags);
    if (id == 0) {
        vkReportError(VIR_ERR_INVALID_ARG, "%s", "invalid value of 0 for iothread_id");
        return -1;
    }
    if (vkTestValidateParams(params, nparams, iotParams, iotTypes) < 0)
        return -1;
    if (!(obj = vkTestDomainGet(dom, &st)))
        return -1;
    if (vkTestGetDefs(obj, flags, &live, &config) < 0)
        goto out;
    for (int k = 0; k < 2; k++) {
        vkDomainDef *def = k ? config : live;
        g_autoptr(GArray) ids = NULL;

        if (!def)
            continue;
        ids = iothreadIds(def);
        if (!hasId(ids, id)) {
            vkReportError(VIR_ERR_INVALID_ARG, "cannot find IOThread '%u' in iothreadids", id);
            goto out;
        }
    }
    ret = 0;
 out:
    g_mutex_unlock(&st->lock);
    return ret;
}
