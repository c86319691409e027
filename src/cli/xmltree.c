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
    if (stack->len) {
        vkshXml *parent = stack->pdata[stack->len - 1];

        g_ptr_array_add(parent->children, node);
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

    if (stack->len)
        g_string_append_len(((vkshXml *)stack->pdata[stack->len - 1])->text, txt, len);
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

static void
format(GString *s, const vkshXml *node, int depth)
{
    g_string_append_printf(s, "%*s<%s", depth * 2, "", node->name);
    for (size_t i = 0; node->attrNames[i]; i++) {
        g_autofree char *v = g_markup_escape_text(node->attrValues[i], -1);

        g_string_append_printf(s, " %s='%s'", node->attrNames[i], v);
    }
    if (!node->children->len) {
        g_autofree char *t = g_strstrip(g_strdup(node->text->str));

        if (!*t) {
            g_string_append(s, "/>\n");
        } else {
            g_autofree char *e = g_markup_escape_text(t, -1);

            g_string_append_printf(s, ">%s</%s>\n", e, node->name);
        }
        return;
    }
    g_string_append(s, ">\n");
    for (size_t i = 0; i < node->children->len; i++)
        format(s, node->children->pdata[i], depth + 1);
    g_string_append_printf(s, "%*s</%s>\n", depth * 2, "", node->name);
}

char *
vkshXmlFormat(const vkshXml *node)
{
    GString *s = g_string_new(NULL);

    format(s, node, 0);
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
