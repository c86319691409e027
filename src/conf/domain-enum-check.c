/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Attribute values libvirt's parser reads as enums or numbers inside
 * elements virtkit keeps as trees (<gic>, an interface's <driver> and
 * <backend>, a NUMA <cell>).  virtkit writes these trees back unread, so
 * a value libvirt could not have parsed would be kept silently; this file
 * refuses it as libvirt's parser does, with the XML module's error.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "conf/domain-conf-priv.h"

#define VIR_FROM_THIS VIR_FROM_XML
#include "util/error.h"

static int
invalid(const vkXmlElem *e, const char *attr, const char *tail)
{
    vkReportError(VIR_ERR_XML_ERROR, "Invalid value for attribute '%s' in element '%s': '%s'.%s",
                  attr, e->name, vkXmlElemGetAttr(e, attr), tail);
    return -1;
}

/* Attribute attr of e, when present, must be one of values (NULL-ended). */
static int
checkEnum(const vkXmlElem *e, const char *attr, const char *const *values)
{
    const char *v = vkXmlElemGetAttr(e, attr);

    if (!v)
        return 0;
    for (guint i = 0; values[i]; i++) {
        if (strcmp(v, values[i]) == 0)
            return 0;
    }
    return invalid(e, attr, "");
}

/* Attribute attr of e, when present, must be an unsigned 32-bit number:
 * leading blanks and '+' are allowed, a sign or anything after it not. */
static int
checkUInt(const vkXmlElem *e, const char *attr)
{
    const char *v = vkXmlElemGetAttr(e, attr);
    unsigned long long n;
    char *end;

    if (!v)
        return 0;
    errno = 0;
    n = strtoull(v, &end, 10);
    if (errno || end == v || *end || strchr(v, '-') || n > G_MAXUINT)
        return invalid(e, attr, " Expected non-negative integer value");
    return 0;
}

static int
checkInterfaces(vkDomainDef *def)
{
    /* libvirt 9.0 has no usable backend type: every one is refused */
    static const char *const backendTypes[] = { NULL };
    GPtrArray *a = def->priv->devs[VK_DOMAIN_DEVICE_NET];

    for (guint i = 0; a && i < a->len; i++) {
        const vkDomainNetDef *n = a->pdata[i];
        /* libvirt reads an interface's <driver> only for virtio models */
        bool virtio = n->model && g_str_has_prefix(n->model, "virtio");

        for (guint j = 0; n->extra && j < n->extra->len; j++) {
            const vkXmlElem *e = n->extra->pdata[j];
            if (virtio && strcmp(e->name, "driver") == 0 && checkUInt(e, "queues") < 0)
                return -1;
            if (strcmp(e->name, "backend") != 0)
                continue;
            /* passt is a name libvirt 9.0 knows but refuses, from the
             * domain module rather than the XML reader */
            if (g_strcmp0(vkXmlElemGetAttr(e, "type"), "passt") == 0) {
                vkReportErrorFull(VIR_FROM_DOMAIN, VIR_ERR_XML_ERROR, __FILE__, __func__,
                                  __LINE__, "%s", "Invalid value for attribute 'type' in "
                                  "element 'backend': 'passt'.");
                return -1;
            }
            if (checkEnum(e, "type", backendTypes) < 0)
                return -1;
        }
    }
    return 0;
}

static int
checkNumaCells(vkDomainDefPriv *p)
{
    static const char *const access[] = { "shared", "private", NULL };
    const vkXmlElem *numa = p->cpu ? vkXmlElemListFind(p->cpu->extra, "numa") : NULL;
    for (guint i = 0; numa && numa->children && i < numa->children->len; i++) {
        const vkXmlElem *c = numa->children->pdata[i];
        if (strcmp(c->name, "cell") == 0 && checkEnum(c, "memAccess", access) < 0)
            return -1;
    }
    return 0;
}

int
vkDomainDefEnumCheck(vkDomainDef *def)
{
    static const char *const gicVersions[] = { "host", "2", "3", NULL };
    GPtrArray *f = def->priv->features;

    for (guint i = 0; f && i < f->len; i++) {
        const vkXmlElem *e = f->pdata[i];
        if (strcmp(e->name, "gic") == 0 && checkEnum(e, "version", gicVersions) < 0)
            return -1;
    }
    if (checkInterfaces(def) < 0 || checkNumaCells(def->priv) < 0)
        return -1;
    return 0;
}
