/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * <domaincheckpoint> XML <-> vkCheckpointDef (see checkpoint-conf.h).  The
 * document is small and flat; the embedded <domain> goes through the
 * domain parser like a snapshot's.
 */
#include <string.h>
#include <stdlib.h>
#include <libxml/tree.h>

#include "conf/checkpoint-conf.h"
#include "conf/snapshot-conf.h"
#include "conf/domain-conf-priv.h"

#define VIR_FROM_THIS VIR_FROM_DOMAIN_CHECKPOINT
#include "util/error.h"

static void
diskFree(vkCheckpointDiskDef *d)
{
    g_free(d->name);
    g_free(d->checkpoint);
    g_free(d->bitmap);
    g_free(d);
}

void
vkCheckpointDefFree(vkCheckpointDef *def)
{
    if (!def)
        return;
    g_free(def->name);
    g_free(def->description);
    g_free(def->parent);
    if (def->disks)
        g_ptr_array_unref(def->disks);
    vkDomainDefFree(def->dom);
    g_free(def);
}

static bool
nameIs(xmlNodePtr n, const char *name)
{
    return strcmp((const char *)n->name, name) == 0;
}

static int
parseDisk(vkCheckpointDef *def, xmlNodePtr node)
{
    const char *name = vkXmlAttr(node, "name");
    const char *kind = vkXmlAttr(node, "checkpoint");
    vkCheckpointDiskDef *d;

    if (!name || !*name) {
        vkReportError(VIR_ERR_XML_ERROR, "%s", "missing name from disk checkpoint element");
        return -1;
    }
    if (kind && strcmp(kind, "bitmap") != 0 && strcmp(kind, "no") != 0) {
        vkReportError(VIR_ERR_XML_ERROR, "unknown disk checkpoint setting '%s'", kind);
        return -1;
    }
    d = g_new0(vkCheckpointDiskDef, 1);
    g_ptr_array_add(def->disks, d);
    d->name = g_strdup(name);
    d->checkpoint = g_strdup(kind);
    vkXmlSetAttr(&d->bitmap, node, "bitmap");
    if (!d->checkpoint)
        d->checkpoint = g_strdup("bitmap");
    return 0;
}

static int
parseTop(vkCheckpointDef *def, xmlNodePtr c, const char *virtType, bool redefine)
{
    vkMomentCommon m = { &def->name, &def->description, &def->parent, &def->creationTime };
    int rc;

    if ((rc = vkMomentParseCommon(c, &m, redefine)) != 0)
        return rc < 0 ? -1 : 0;
    if (nameIs(c, "disks")) {
        for (xmlNodePtr d = c->children; d; d = d->next) {
            if (d->type != XML_ELEMENT_NODE)
                continue;
            if (!nameIs(d, "disk")) {
                vkReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                              "checkpoint element <disks><%s> is not supported", d->name);
                return -1;
            }
            if (parseDisk(def, d) < 0)
                return -1;
        }
    } else if (nameIs(c, "domain")) {
        if (!redefine)
            return 0;
        vkDomainDefFree(def->dom);
        if (!(def->dom = vkDomainDefParseNode(c, virtType, VK_DOMAIN_PARSE_INACTIVE)))
            return -1;
    } else {
        vkReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      "domain checkpoint element <%s> is not supported", c->name);
        return -1;
    }
    return 0;
}

vkCheckpointDef *
vkCheckpointDefParseString(const char *xml, const char *virtType, bool redefine)
{
    g_autoptr(vkCheckpointDef) def = g_new0(vkCheckpointDef, 1);
    xmlDocPtr doc;
    int rc = 0;

    def->disks = g_ptr_array_new_with_free_func((GDestroyNotify)diskFree);
    if (!(doc = vkMomentReadDoc(xml, "domaincheckpoint", VIR_FROM_THIS)))
        return NULL;
    for (xmlNodePtr c = xmlDocGetRootElement(doc)->children; c && rc == 0; c = c->next) {
        if (c->type == XML_ELEMENT_NODE)
            rc = parseTop(def, c, virtType, redefine);
    }
    xmlFreeDoc(doc);
    if (rc < 0)
        return NULL;
    if (def->name && (!*def->name || strchr(def->name, '/') || def->name[0] == '.')) {
        vkReportError(VIR_ERR_XML_DETAIL, "invalid checkpoint name '%s'", def->name);
        return NULL;
    }
    if (redefine && !def->name) {
        vkReportError(VIR_ERR_XML_ERROR, "%s", "a redefined checkpoint must have a name");
        return NULL;
    }
    if (redefine && !def->creationTime) {
        vkReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                      "missing creationTime from existing checkpoint");
        return NULL;
    }
    return g_steal_pointer(&def);
}

int
vkCheckpointDefAlignDisks(vkCheckpointDef *def)
{
    GPtrArray *disks = vkDomainDevList(def->dom, VK_DOMAIN_DEVICE_DISK);
    g_autoptr(GPtrArray) aligned =
        g_ptr_array_new_with_free_func((GDestroyNotify)diskFree);

    if (def->disks->len > (disks ? disks->len : 0)) {
        vkReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                      "too many disk checkpoint requests for domain");
        return -1;
    }
    if (!disks || !disks->len) {
        vkReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                      "domain must have at least one disk to perform checkpoints");
        return -1;
    }
    for (guint i = 0; i < def->disks->len; i++) {
        vkCheckpointDiskDef *cd = def->disks->pdata[i];
        vkDomainDiskDef *found = NULL;
        for (guint j = 0; j < disks->len && !found; j++) {
            if (strcmp(((vkDomainDiskDef *)disks->pdata[j])->dst, cd->name) == 0)
                found = disks->pdata[j];
        }
        if (!found) {
            vkReportError(VIR_ERR_CONFIG_UNSUPPORTED, "no disk named '%s'", cd->name);
            return -1;
        }
        for (guint k = 0; k < i; k++) {
            if (strcmp(((vkCheckpointDiskDef *)def->disks->pdata[k])->name, cd->name) == 0) {
                vkReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                              "disk '%s' specified twice in the checkpoint", cd->name);
                return -1;
            }
        }
        if (strcmp(cd->checkpoint, "bitmap") == 0 && (!found->src || found->readonly)) {
            vkReportError(VIR_ERR_CONFIG_UNSUPPORTED, "disk '%s' is empty or readonly",
                          cd->name);
            return -1;
        }
    }
    for (guint j = 0; disks && j < disks->len; j++) {
        vkDomainDiskDef *dd = disks->pdata[j];
        vkCheckpointDiskDef *cd = NULL;

        for (guint i = 0; i < def->disks->len && !cd; i++) {
            if (strcmp(((vkCheckpointDiskDef *)def->disks->pdata[i])->name, dd->dst) == 0)
                cd = g_ptr_array_steal_index(def->disks, i);
        }
        if (!cd) {
            bool removable = dd->device == VK_DOMAIN_DISK_DEVICE_CDROM ||
                             dd->device == VK_DOMAIN_DISK_DEVICE_FLOPPY;
            cd = g_new0(vkCheckpointDiskDef, 1);
            cd->name = g_strdup(dd->dst);
            cd->checkpoint = g_strdup(removable || !dd->src || dd->readonly ? "no"
                                                                            : "bitmap");
        }
        if (strcmp(cd->checkpoint, "bitmap") == 0 && !cd->bitmap)
            cd->bitmap = g_strdup(def->name);
        g_ptr_array_add(aligned, cd);
    }
    g_ptr_array_unref(def->disks);
    def->disks = g_steal_pointer(&aligned);
    return 0;
}

char *
vkCheckpointDefFormat(const vkCheckpointDef *def, bool secure, bool noDomain)
{
    GString *buf = g_string_new(NULL);

    vkMomentFormatHead(buf, "domaincheckpoint", def->name, def->description, NULL,
                       def->parent, def->creationTime);
    if (def->disks && def->disks->len) {
        g_string_append(buf, "  <disks>\n");
        for (guint i = 0; i < def->disks->len; i++) {
            vkCheckpointDiskDef *d = def->disks->pdata[i];
            g_string_append(buf, "    <disk");
            vkConfAttr(buf, "name", d->name);
            vkConfAttr(buf, "checkpoint", d->checkpoint);
            if (d->bitmap)
                vkConfAttr(buf, "bitmap", d->bitmap);
            g_string_append(buf, "/>\n");
        }
        g_string_append(buf, "  </disks>\n");
    }
    if (def->dom && !noDomain)
        vkMomentFormatDomain(buf, def->dom, secure);
    g_string_append(buf, "</domaincheckpoint>\n");
    return g_string_free(buf, FALSE);
}

static bool
hasChildren(GPtrArray *defs, const char *name)
{
    for (guint i = 0; i < defs->len; i++) {
        if (g_strcmp0(((vkCheckpointDef *)defs->pdata[i])->parent, name) == 0)
            return true;
    }
    return false;
}

static void
collect(GPtrArray *defs, const char *from, bool deep, GPtrArray *out)
{
    for (guint i = 0; i < defs->len; i++) {
        vkCheckpointDef *def = defs->pdata[i];

        if (g_strcmp0(def->parent, from) != 0)
            continue;
        g_ptr_array_add(out, def);
        if (deep)
            collect(defs, def->name, deep, out);
    }
}

GPtrArray *
vkCheckpointListSelect(GPtrArray *defs, const char *from, unsigned int flags)
{
    /* ROOTS and DESCENDANTS are one bit: roots only from the domain,
     * every descendant from a checkpoint */
    bool deep = from ? (flags & VIR_DOMAIN_CHECKPOINT_LIST_DESCENDANTS)
                     : !(flags & VIR_DOMAIN_CHECKPOINT_LIST_ROOTS);
    GPtrArray *found = g_ptr_array_new();
    GPtrArray *out = g_ptr_array_new();

    collect(defs, from, deep, found);
    for (guint i = 0; i < found->len; i++) {
        vkCheckpointDef *def = found->pdata[i];
        bool leaf = !hasChildren(defs, def->name);

        if (((flags & VIR_DOMAIN_CHECKPOINT_LIST_LEAVES) && !leaf) ||
            ((flags & VIR_DOMAIN_CHECKPOINT_LIST_NO_LEAVES) && leaf))
            continue;
        g_ptr_array_add(out, def);
    }
    g_ptr_array_unref(found);
    return out;
}
