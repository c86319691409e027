/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libvirt's checks of the <cputune> parts that group vCPUs: schedulers
 * (<vcpusched>, <iothreadsched>) may not claim a vCPU or I/O thread
 * twice, and resource-control groups (<cachetune>, <memorytune>) may not
 * share vCPUs unless they are the same group.  Inside a group, one cache
 * (level, id) is allocated once per type ('both' covers code and data),
 * a memory node's bandwidth once, and a monitor watches only vCPUs of its
 * group.  The groups stay kept trees; only their sets are read here.
 */
#include <string.h>

#include "conf/cpuset.h"
#include "conf/domain-conf-priv.h"

#define VIR_FROM_THIS VIR_FROM_DOMAIN
#include "util/error.h"

static bool
overlaps(const guint8 *a, const guint8 *b)
{
    for (guint i = 0; a && b && i <= VK_CPUSET_MAX; i++) {
        if (a[i] && b[i])
            return true;
    }
    return false;
}

static bool
subset(const guint8 *a, const guint8 *b)
{
    for (guint i = 0; a && b && i <= VK_CPUSET_MAX; i++) {
        if (a[i] && !b[i])
            return false;
    }
    return true;
}

static bool
same(const guint8 *a, const guint8 *b)
{
    return a && b && memcmp(a, b, VK_CPUSET_MAX + 1) == 0;
}

/* Every <name> child of tune must claim its attr set alone, within the
 * first limit positions (vCPUs); limit 0 for no bound. */
static int
checkSched(const vkXmlElem *tune, const char *name, const char *attr, guint limit)
{
    g_autoptr(GPtrArray) sets = g_ptr_array_new_with_free_func(g_free);

    for (guint i = 0; tune->children && i < tune->children->len; i++) {
        const vkXmlElem *e = tune->children->pdata[i];
        guint8 *bits;

        if (strcmp(e->name, name) != 0 || !(bits = vkCpusetParse(vkXmlElemGetAttr(e, attr))))
            continue;
        for (guint k = limit; limit && k <= VK_CPUSET_MAX; k++) {
            if (bits[k]) {
                g_free(bits);
                vkReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                              "vCPU '%u' is not present in domain definition", k);
                return -1;
            }
        }
        for (guint j = 0; j < sets->len; j++) {
            if (overlaps(bits, sets->pdata[j])) {
                g_free(bits);
                vkReportError(VIR_ERR_XML_DETAIL, "'%s' attributes '%s' must not overlap",
                              name, attr);
                return -1;
            }
        }
        g_ptr_array_add(sets, bits);
    }
    return 0;
}

static bool
cachesCollide(const vkXmlElem *a, const vkXmlElem *b)
{
    const char *ta = vkXmlElemGetAttr(a, "type"), *tb = vkXmlElemGetAttr(b, "type");

    if (g_strcmp0(vkXmlElemGetAttr(a, "level"), vkXmlElemGetAttr(b, "level")) != 0 ||
        g_strcmp0(vkXmlElemGetAttr(a, "id"), vkXmlElemGetAttr(b, "id")) != 0)
        return false;
    return g_strcmp0(ta, tb) == 0 || g_strcmp0(ta, "both") == 0 || g_strcmp0(tb, "both") == 0;
}

/* The allocations and monitors inside one <cachetune> or <memorytune>. */
static int
checkGroup(const vkXmlElem *g, const guint8 *vcpus)
{
    for (guint i = 0; g->children && i < g->children->len; i++) {
        const vkXmlElem *e = g->children->pdata[i];

        for (guint j = 0; j < i; j++) {
            const vkXmlElem *o = g->children->pdata[j];
            if (strcmp(e->name, "cache") == 0 && strcmp(o->name, "cache") == 0 &&
                cachesCollide(e, o)) {
                vkReportErrorFull(VIR_FROM_RESCTRL, VIR_ERR_XML_ERROR, __FILE__, __func__,
                                  __LINE__, "Colliding cache allocations for cache level '%s' "
                                  "id '%s', type '%s'", vkXmlElemGetAttr(e, "level"),
                                  vkXmlElemGetAttr(e, "id"), vkXmlElemGetAttr(e, "type"));
                return -1;
            }
            if (strcmp(e->name, "node") == 0 && strcmp(o->name, "node") == 0 &&
                g_strcmp0(vkXmlElemGetAttr(e, "id"), vkXmlElemGetAttr(o, "id")) == 0) {
                vkReportErrorFull(VIR_FROM_RESCTRL, VIR_ERR_XML_ERROR, __FILE__, __func__,
                                  __LINE__, "Memory Bandwidth already defined for node %s",
                                  vkXmlElemGetAttr(e, "id"));
                return -1;
            }
        }
        if (strcmp(e->name, "monitor") == 0) {
            g_autofree guint8 *m = vkCpusetParse(vkXmlElemGetAttr(e, "vcpus"));
            if (m && !subset(m, vcpus)) {
                vkReportError(VIR_ERR_INVALID_ARG, "%s",
                              "Monitor vcpus conflicts with allocation");
                return -1;
            }
        }
    }
    return 0;
}

/* <cachetune>s and <memorytune>s: a vCPU set is one group's or none's;
 * a memorytune over exactly a cachetune's vCPUs joins that group.  Sets
 * are cut at the vCPU count first; a group left with none is ignored, as
 * libvirt drops it. */
static int
checkResctrl(const vkXmlElem *tune, guint nvcpus)
{
    g_autoptr(GPtrArray) sets = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) kinds = g_ptr_array_new();

    for (guint i = 0; tune->children && i < tune->children->len; i++) {
        const vkXmlElem *e = tune->children->pdata[i];
        bool cache = strcmp(e->name, "cachetune") == 0;
        guint8 *bits;

        if ((!cache && strcmp(e->name, "memorytune") != 0) ||
            !(bits = vkCpusetParse(vkXmlElemGetAttr(e, "vcpus"))))
            continue;
        memset(bits + nvcpus, 0, VK_CPUSET_MAX + 1 - nvcpus);
        if (!memchr(bits, 1, nvcpus)) {
            g_free(bits);
            continue;
        }
        g_ptr_array_add(sets, bits);
        g_ptr_array_add(kinds, (gpointer)e->name);
        for (guint j = 0; j + 1 < sets->len; j++) {
            bool sameKind = strcmp(kinds->pdata[j], e->name) == 0;
            if (same(bits, sets->pdata[j]) && sameKind && cache) {
                vkReportError(VIR_ERR_XML_ERROR, "%s", "Identical vcpus in cachetunes found");
                return -1;
            }
            if (!same(bits, sets->pdata[j]) && overlaps(bits, sets->pdata[j])) {
                vkReportError(VIR_ERR_XML_ERROR, "%s", "Overlapping vcpus in resctrls");
                return -1;
            }
        }
        if (checkGroup(e, bits) < 0)
            return -1;
    }
    return 0;
}

int
vkDomainDefResctrlCheck(vkDomainDef *def)
{
    GPtrArray *top = def->priv->topExtra;
    guint nvcpus = MIN(def->maxVcpus ? def->maxVcpus : 1, VK_CPUSET_MAX + 1);

    for (guint i = 0; top && i < top->len; i++) {
        const vkXmlElem *e = top->pdata[i];
        if (strcmp(e->name, "cputune") != 0)
            continue;
        if (checkSched(e, "vcpusched", "vcpus", nvcpus) < 0 ||
            checkSched(e, "iothreadsched", "iothreads", 0) < 0 || checkResctrl(e, nvcpus) < 0)
            return -1;
    }
    return 0;
}
