/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libvirt's checks of what refers to guest NUMA nodes: the <cell>s of
 * <cpu><numa> themselves (ids 0..n-1, each once), the nodesets of
 * <memoryBacking><hugepages><page>, the <numatune><memory> nodeset and a
 * memory device's <target><node>.  All are kept trees in virtkit, so the
 * node numbers are read here once, at define, as libvirt reads them.
 *
 * One rewrite belongs here too: without NUMA cells, a hugepage size
 * whose nodeset is node 0 alone is the default size, and libvirt drops
 * the nodeset (which can make it a second default, refused below).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "conf/cpuset.h"
#include "conf/domain-conf-priv.h"

#define VIR_FROM_THIS VIR_FROM_DOMAIN
#include "util/error.h"

static int
badBitmap(const char *str)
{
    vkReportErrorFull(VIR_FROM_NONE, VIR_ERR_INVALID_ARG, __FILE__, __func__, __LINE__,
                      "Failed to parse bitmap '%s'", str);
    return -1;
}

/* Parses a nodeset into *bits; an empty result is refused too. */
static int
parseNodeset(const char *str, guint8 **bits)
{
    if (!(*bits = vkCpusetParse(str)))
        return badBitmap(str);
    for (guint i = 0; i <= VK_CPUSET_MAX; i++) {
        if ((*bits)[i])
            return 0;
    }
    g_clear_pointer(bits, g_free);
    vkReportError(VIR_ERR_CONFIG_UNSUPPORTED, "Invalid value of 'nodeset': %s", str);
    return -1;
}

static int
firstSet(const guint8 *bits, guint from)
{
    for (guint i = from; i <= VK_CPUSET_MAX; i++) {
        if (bits[i])
            return (int)i;
    }
    return -1;
}

/* The guest NUMA cells: their number in *ncells, their ids checked. */
static int
checkCells(vkDomainDefPriv *p, guint *ncells)
{
    vkXmlElem *numa = p->cpu ? vkXmlElemListFind(p->cpu->extra, "numa") : NULL;
    g_autoptr(GPtrArray) cells = g_ptr_array_new();
    g_autofree gboolean *seen = NULL;

    for (guint i = 0; numa && numa->children && i < numa->children->len; i++) {
        if (strcmp(((vkXmlElem *)numa->children->pdata[i])->name, "cell") == 0)
            g_ptr_array_add(cells, numa->children->pdata[i]);
    }
    *ncells = cells->len;
    seen = g_new0(gboolean, cells->len + 1);
    for (guint i = 0; i < cells->len; i++) {
        const char *id = vkXmlElemGetAttr(cells->pdata[i], "id");
        unsigned long long v = i;
        char *end;

        /* a cell without an id is the one its position names */
        if (id) {
            errno = 0;
            v = strtoull(id, &end, 10);
            if (errno || end == id || *end || strchr(id, '-') || v > G_MAXUINT) {
                vkReportErrorFull(VIR_FROM_XML, VIR_ERR_XML_ERROR, __FILE__, __func__, __LINE__,
                                  "Invalid value for attribute 'id' in element 'cell': '%s'. "
                                  "Expected non-negative integer value", id);
                return -1;
            }
        }
        if (v >= cells->len) {
            vkReportError(VIR_ERR_XML_ERROR, "%s",
                          "Exactly one 'cell' element per guest NUMA cell allowed, "
                          "non-contiguous ranges or ranges not starting from 0 are not allowed");
            return -1;
        }
        if (seen[v]) {
            vkReportError(VIR_ERR_XML_ERROR, "Duplicate NUMA cell info for cell id '%llu'", v);
            return -1;
        }
        seen[v] = TRUE;
    }
    return 0;
}

static const char *
pageSize(const vkXmlElem *page)
{
    return vkXmlElemGetAttr(page, "size") ?: "0";
}

/* <memoryBacking><hugepages>: at most one size without a nodeset, no two
 * nodesets sharing a node, every node an existing cell. */
static int
checkHugepages(vkDomainDefPriv *p, guint ncells)
{
    vkXmlElem *hp = vkXmlElemChild(vkXmlElemListFind(p->topExtra, "memoryBacking"), "hugepages");
    g_autoptr(GPtrArray) pages = g_ptr_array_new();
    g_autoptr(GPtrArray) sets = g_ptr_array_new_with_free_func(g_free);

    for (guint i = 0; hp && hp->children && i < hp->children->len; i++) {
        vkXmlElem *page = hp->children->pdata[i];
        const char *ns = vkXmlElemGetAttr(page, "nodeset");
        guint8 *bits = NULL;

        if (strcmp(page->name, "page") != 0)
            continue;
        if (ns && parseNodeset(ns, &bits) < 0)
            return -1;
        if (bits && ncells == 0 && firstSet(bits, 0) == 0 && firstSet(bits, 1) < 0) {
            g_clear_pointer(&bits, g_free);
            vkXmlElemRemoveAttr(page, "nodeset");
        }
        g_ptr_array_add(pages, page);
        g_ptr_array_add(sets, bits);
    }
    for (guint i = 0; i < pages->len; i++) {
        const guint8 *bi = sets->pdata[i];
        int node;

        for (guint j = 0; j < i; j++) {
            const guint8 *bj = sets->pdata[j];
            bool overlap = false;

            for (guint k = 0; bi && bj && k <= VK_CPUSET_MAX && !overlap; k++)
                overlap = bi[k] && bj[k];
            if (overlap) {
                vkReportError(VIR_ERR_XML_DETAIL,
                              "nodeset attribute of hugepages of sizes %s and %s intersect",
                              pageSize(pages->pdata[i]), pageSize(pages->pdata[j]));
                return -1;
            }
            if (!bi && !bj) {
                vkReportError(VIR_ERR_XML_DETAIL, "two master hugepages detected: %s and %s",
                              pageSize(pages->pdata[i]), pageSize(pages->pdata[j]));
                return -1;
            }
        }
        if (bi && (node = firstSet(bi, ncells)) >= 0) {
            vkReportError(VIR_ERR_XML_DETAIL, "hugepages: node %d not found", node);
            return -1;
        }
    }
    return 0;
}

static int
checkNumatune(vkDomainDefPriv *p)
{
    vkXmlElem *mem = vkXmlElemChild(vkXmlElemListFind(p->topExtra, "numatune"), "memory");
    const char *ns = vkXmlElemGetAttr(mem, "nodeset");
    g_autofree guint8 *bits = NULL;

    return ns ? parseNodeset(ns, &bits) : 0;
}

/* A memory device's <target><node> must name an existing cell. */
static int
checkMemoryDevices(vkDomainDefPriv *p, guint ncells)
{
    GPtrArray *a = p->devs[VK_DOMAIN_DEVICE_OTHER];

    for (guint i = 0; a && i < a->len; i++) {
        vkXmlElem *e = a->pdata[i];
        vkXmlElem *node = vkXmlElemChild(vkXmlElemChild(e, "target"), "node");
        unsigned long long v;
        char *end;

        if (strcmp(e->name, "memory") != 0 || !node)
            continue;
        errno = 0;
        v = node->text ? strtoull(node->text, &end, 10) : 0;
        if (!node->text || errno || end == node->text || *end || strchr(node->text, '-') ||
            v > G_MAXINT) {
            vkReportError(VIR_ERR_XML_ERROR, "%s", "invalid value of memory device node");
            return -1;
        }
        if (ncells == 0) {
            vkReportError(VIR_ERR_XML_DETAIL, "%s",
                          "can't add memory backend as guest has no NUMA nodes configured");
            return -1;
        }
        if (v >= ncells) {
            vkReportError(VIR_ERR_XML_DETAIL,
                          "can't add memory backend for guest node '%llu' as the guest has "
                          "only '%u' NUMA nodes configured", v, ncells);
            return -1;
        }
    }
    return 0;
}

int
vkDomainDefNumaCheck(vkDomainDef *def)
{
    guint ncells;

    if (checkCells(def->priv, &ncells) < 0 || checkHugepages(def->priv, ncells) < 0 ||
        checkNumatune(def->priv) < 0 || checkMemoryDevices(def->priv, ncells) < 0)
        return -1;
    return 0;
}
