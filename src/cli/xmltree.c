/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* xmltree.c: builds a vkshXml tree with GMarkup's callbacks. Only what the
 * shell's commands read is kept: element names, attributes, text and
 * children (comments and processing instructions are dropped). */
#include <string.h>

#include "vksh.h"
#include "xmltree.h"

static void
startElement(GMarkupParseContext *ctx G_GNUC_UNUSED, const char *name,
             const char **attrNames, const char **attrValues,
             gpointer user, GError **err G_GNUC_UNUSED)
{
    GPtrArray *stack = user;
    vkshXml *node = g_new0(vkshXml, 1);

    node->name = g_strdup(name);
    node->attrNames = g_strdupv((char **)attrNames);
    node->attrValues = g_strdupv((char **)attrValues);
    node->text = g_string_new(NULL);
    node->children = g_ptr_array_new_with_free_func((GDestroyNotify)vkshXmlFree);
    node->tail = g_string_new(NULL);
    if (stack->len) {
        vkshXml *parent = stack->pdata[stack->len - 1];

        /* the text since the previous sibling is this element's lead */
        node->lead = parent->tail;
        parent->tail = g_string_new(NULL);
        g_ptr_array_add(parent->children, node);
    } else {
        node->lead = g_string_new(NULL);
    }
    g_ptr_array_add(stack, node);
}

static void
endElement(GMarkupParseContext *ctx G_GNUC_UNUSED, const char *name G_GNUC_UNUSED,
           gpointer user, GError **err G_GNUC_UNUSED)
{
    GPtrArray *stack = user;

    /* the root stays at index 0 for the caller */
    if (stack->len > 1)
        g_ptr_array_remove_index(stack, stack->len - 1);
}

static void
text(GMarkupParseContext *ctx G_GNUC_UNUSED, const char *txt, gsize len,
     gpointer user, GError **err G_GNUC_UNUSED)
{
    GPtrArray *stack = user;

    if (stack->len) {
        vkshXml *node = stack->pdata[stack->len - 1];

        g_string_append_len(node->text, txt, len);
        g_string_append_len(node->tail, txt, len);
    }
}

vkshXml *
vkshXmlParse(const char *doc)
{
    static const GMarkupParser parser = { startElement, endElement, text, NULL, NULL };
    g_autoptr(GPtrArray) stack = g_ptr_array_new();
    GMarkupParseContext *ctx = g_markup_parse_context_new(&parser, 0, stack, NULL);
    gboolean ok = g_markup_parse_context_parse(ctx, doc, -1, NULL) &&
              g_markup_parse_context_end_parse(ctx, NULL);

    g_markup_parse_context_free(ctx);
    if (!stack->len)
        return NULL;
    if (!ok) {
        vkshXmlFree(stack->pdata[0]);
        return NULL;
    }
    return stack->pdata[0];
}

void
vkshXmlFree(vkshXml *node)
{
    if (!node)
        return;
    g_free(node->name);
    g_strfreev(node->attrNames);
    g_strfreev(node->attrValues);
    g_string_free(node->text, TRUE);
    g_string_free(node->lead, TRUE);
    g_string_free(node->tail, TRUE);
    g_ptr_array_unref(node->children);
    g_free(node);
}

const char *
vkshXmlAttr(const vkshXml *node, const char *name)
{
    for (size_t i = 0; node && node->attrNames[i]; i++) {
        if (strcmp(node->attrNames[i], name) == 0)
            return node->attrValues[i];
    }
    return NULL;
}

vkshXml *
vkshXmlChild(const vkshXml *node, const char *name)
{
    for (size_t i = 0; node && i < node->children->len; i++) {
        vkshXml *c = node->children->pdata[i];

        if (strcmp(c->name, name) == 0)
            return c;
    }
    return NULL;
}

const char *
vkshXmlChildAttr(const vkshXml *node, const char *child, const char *attr)
{
    return vkshXmlAttr(vkshXmlChild(node, child), attr);
}

static void
findAll(const vkshXml *node, char **parts, GPtrArray *out)
{
    for (size_t i = 0; i < node->children->len; i++) {
        vkshXml *c = node->children->pdata[i];

        if (strcmp(c->name, parts[0]) != 0)
            continue;
        if (parts[1])
            findAll(c, parts + 1, out);
        else
            g_ptr_array_add(out, c);
    }
}

GPtrArray *
vkshXmlFindAll(const vkshXml *node, const char *path)
{
    g_auto(GStrv) parts = g_strsplit(path, "/", -1);
    GPtrArray *out = g_ptr_array_new();

    if (node && parts[0])
        findAll(node, parts, out);
    return out;
}

vkshXml *
vkshXmlNew(const char *name)
{
    vkshXml *n = g_new0(vkshXml, 1);

    n->name = g_strdup(name);
    n->attrNames = g_new0(char *, 1);
    n->attrValues = g_new0(char *, 1);
    n->text = g_string_new(NULL);
    n->children = g_ptr_array_new_with_free_func((GDestroyNotify)vkshXmlFree);
    n->lead = g_string_new(NULL);
    n->tail = g_string_new(NULL);
    return n;
}

void
vkshXmlInsert(vkshXml *parent, vkshXml *child, int at)
{
    if (at < 0 || (guint)at >= parent->children->len) {
        g_string_assign(child->lead, parent->tail->str);
        g_string_truncate(parent->tail, 0);
        g_ptr_array_add(parent->children, child);
        return;
    }
    {
        vkshXml *next = parent->children->pdata[at];
        const char *nl = strrchr(next->lead->str, '\n');

        /* the new node takes the sibling's leading text; the sibling
         * keeps only its own line's indentation */
        g_string_assign(child->lead, next->lead->str);
        if (nl) {
            g_autofree char *indent = g_strdup(nl);

            g_string_assign(next->lead, indent);
        }
    }
    g_ptr_array_insert(parent->children, at, child);
}

void
vkshXmlSetAttr(vkshXml *node, const char *name, const char *value)
{
    size_t n = g_strv_length(node->attrNames);

    for (size_t i = 0; i < n; i++) {
        if (strcmp(node->attrNames[i], name) == 0) {
            g_free(node->attrValues[i]);
            node->attrValues[i] = g_strdup(value);
            return;
        }
    }
    node->attrNames = g_renew(char *, node->attrNames, n + 2);
    node->attrValues = g_renew(char *, node->attrValues, n + 2);
    node->attrNames[n] = g_strdup(name);
    node->attrValues[n] = g_strdup(value);
    node->attrNames[n + 1] = node->attrValues[n + 1] = NULL;
}

vkshXml *
vkshXmlFindDisk(const vkshXml *tree, const char *target, bool cdromOrFloppy)
{
    static const char *const sources[] = { "file", "dev", "dir", "name", "volume" };
    g_autoptr(GPtrArray) disks = vkshXmlFindAll(tree, "devices/disk");

    for (size_t i = 0; i < disks->len; i++) {
        vkshXml *disk = disks->pdata[i];
        vkshXml *src = vkshXmlChild(disk, "source");
        const char *dev = vkshXmlChildAttr(disk, "target", "dev");
        const char *kind = vkshXmlAttr(disk, "device");
        bool match = dev && strcmp(dev, target) == 0;

        if (cdromOrFloppy && g_strcmp0(kind, "cdrom") != 0 && g_strcmp0(kind, "floppy") != 0)
            continue;
        for (size_t k = 0; !match && src && k < G_N_ELEMENTS(sources); k++) {
            const char *v = vkshXmlAttr(src, sources[k]);

            match = v && strcmp(v, target) == 0;
        }
        if (match)
            return disk;
    }
    return NULL;
}

/* Text as libxml2 escapes it: in an attribute also quotes and
 * line-breaking characters. */
static void
appendEscaped(GString *s, const char *t, bool attr)
{
    for (; *t; t++) {
        switch (*t) {
        case '&': g_string_append(s, "&amp;"); break;
        case '<': g_string_append(s, "&lt;"); break;
        case '>': g_string_append(s, "&gt;"); break;
        case '\r': g_string_append(s, "&#13;"); break;
        case '"': g_string_append(s, attr ? "&quot;" : "\""); break;
        case '\n': g_string_append(s, attr ? "&#10;" : "\n"); break;
        case '\t': g_string_append(s, attr ? "&#9;" : "\t"); break;
        default: g_string_append_c(s, *t);
        }
    }
}

static void
dump(GString *s, const vkshXml *node)
{
    g_string_append_printf(s, "<%s", node->name);
    for (size_t i = 0; node->attrNames[i]; i++) {
        g_string_append_printf(s, " %s=\"", node->attrNames[i]);
        appendEscaped(s, node->attrValues[i], true);
        g_string_append_c(s, '"');
    }
    if (!node->children->len && !node->tail->len) {
        g_string_append(s, "/>");
        return;
    }
    g_string_append_c(s, '>');
    for (size_t i = 0; i < node->children->len; i++) {
        const vkshXml *c = node->children->pdata[i];

        appendEscaped(s, c->lead->str, false);
        dump(s, c);
    }
    appendEscaped(s, node->tail->str, false);
    g_string_append_printf(s, "</%s>", node->name);
}

char *
vkshXmlFormat(const vkshXml *node)
{
    GString *s = g_string_new(NULL);

    dump(s, node);
    return g_string_free(s, FALSE);
}

vkshXml *
vkshDomainTree(vkshCtl *ctl, virDomainPtr dom, unsigned int flags)
{
    g_autofree char *xml = virDomainGetXMLDesc(dom, flags);
    vkshXml *tree;

    if (!xml) {
        vkshSaveLibError(ctl);
        return NULL;
    }
    if (!(tree = vkshXmlParse(xml)))
        vkshError(ctl, "Failed to parse domain XML");
    return tree;
}
