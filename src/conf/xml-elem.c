/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Kept elements and the safe XML reader shared by the conf parsers.
 *
 * vkXmlElem is a detached copy of an element virtkit keeps without
 * interpreting it (an <address>, a <timer>, <hyperv>...).  Holding plain
 * strings rather than libxml2 nodes keeps a definition independent of the
 * document it came from, and lets the formatter write it in virtkit's own
 * style (single quotes, two-space indentation), so output is canonical
 * whatever the input looked like.
 *
 * vkConfReadXML is the only place a document enters virtkit: a private
 * parser context per call, nothing loaded from outside the document (no
 * external entity, no external DTD, no network), internal entities
 * expanded as libvirt does under libxml2's amplification limits, a size
 * limit and a bound on attributes per element, and libxml2's first
 * complaint turned into an error with its line instead of being printed
 * on stderr.
 */
#include <string.h>
#include <libxml/parser.h>
#include <libxml/SAX2.h>
#include <libxml/xmlerror.h>

#include "conf/domain-conf-priv.h"

#define VIR_FROM_THIS VIR_FROM_DOMAIN
#include "util/error.h"

vkXmlElem *
vkXmlElemFromNode(xmlNodePtr node)
{
    vkXmlElem *e = g_new0(vkXmlElem, 1);
    xmlAttrPtr a;
    xmlNodePtr c;

    e->name = g_strdup((const char *)node->name);
    for (a = node->properties; a; a = a->next) {
        xmlChar *v = xmlNodeGetContent((xmlNodePtr)a);
        if (!e->attrs)
            e->attrs = g_ptr_array_new_with_free_func(g_free);
        g_ptr_array_add(e->attrs, g_strdup((const char *)a->name));
        g_ptr_array_add(e->attrs, g_strdup(v ? (const char *)v : ""));
        xmlFree(v);
    }
    for (c = node->children; c; c = c->next) {
        if (c->type == XML_ELEMENT_NODE) {
            if (!e->children)
                e->children = g_ptr_array_new_with_free_func((GDestroyNotify)vkXmlElemFree);
            g_ptr_array_add(e->children, vkXmlElemFromNode(c));
        }
    }
    if (!e->children) {
        xmlChar *t = xmlNodeGetContent(node);
        if (t && t[strspn((const char *)t, " \t\r\n")])
            e->text = g_strdup((const char *)t);
        xmlFree(t);
    }
    /* Addresses are kept as trees but written in libvirt's form. */
    if (strcmp(e->name, "address") == 0)
        vkDomainAddressCanonicalize(e);
    return e;
}

vkXmlElem *
vkXmlElemCopy(const vkXmlElem *e)
{
    vkXmlElem *n;
    guint i;

    if (!e)
        return NULL;
    n = g_new0(vkXmlElem, 1);
    n->name = g_strdup(e->name);
    n->text = g_strdup(e->text);
    if (e->attrs) {
        n->attrs = g_ptr_array_new_with_free_func(g_free);
        for (i = 0; i < e->attrs->len; i++)
            g_ptr_array_add(n->attrs, g_strdup(e->attrs->pdata[i]));
    }
    if (e->children) {
        n->children = g_ptr_array_new_with_free_func((GDestroyNotify)vkXmlElemFree);
        for (i = 0; i < e->children->len; i++)
            g_ptr_array_add(n->children, vkXmlElemCopy(e->children->pdata[i]));
    }
    return n;
}

void
vkXmlElemFree(vkXmlElem *e)
{
    if (!e)
        return;
    g_free(e->name);
    g_free(e->text);
    if (e->attrs)
        g_ptr_array_unref(e->attrs);
    if (e->children)
        g_ptr_array_unref(e->children);
    g_free(e);
}

const char *
vkXmlElemGetAttr(const vkXmlElem *e, const char *name)
{
    guint i;

    if (!e || !e->attrs)
        return NULL;
    for (i = 0; i + 1 < e->attrs->len; i += 2) {
        if (strcmp(e->attrs->pdata[i], name) == 0)
            return e->attrs->pdata[i + 1];
    }
    return NULL;
}

void
vkXmlElemSetAttr(vkXmlElem *e, const char *name, const char *value)
{
    guint i;

    if (!e->attrs)
        e->attrs = g_ptr_array_new_with_free_func(g_free);
    for (i = 0; i + 1 < e->attrs->len; i += 2) {
        if (strcmp(e->attrs->pdata[i], name) == 0) {
            g_free(e->attrs->pdata[i + 1]);
            e->attrs->pdata[i + 1] = g_strdup(value);
            return;
        }
    }
    g_ptr_array_add(e->attrs, g_strdup(name));
    g_ptr_array_add(e->attrs, g_strdup(value));
}

static bool
strArrayEqual(const GPtrArray *a, const GPtrArray *b)
{
    guint n = a ? a->len : 0, i;

    if (n != (b ? b->len : 0))
        return false;
    for (i = 0; i < n; i++) {
        if (strcmp(a->pdata[i], b->pdata[i]) != 0)
            return false;
    }
    return true;
}

bool
vkXmlElemEqual(const vkXmlElem *a, const vkXmlElem *b)
{
    guint n, i;

    if (!a || !b)
        return a == b;
    if (g_strcmp0(a->name, b->name) != 0 || g_strcmp0(a->text, b->text) != 0 ||
        !strArrayEqual(a->attrs, b->attrs))
        return false;
    n = a->children ? a->children->len : 0;
    if (n != (b->children ? b->children->len : 0))
        return false;
    for (i = 0; i < n; i++) {
        if (!vkXmlElemEqual(a->children->pdata[i], b->children->pdata[i]))
            return false;
    }
    return true;
}

void
vkConfEscape(GString *buf, const char *str)
{
    const char *p = str, *start = str;

    for (; *p; p++) {
        const char *rep;
        switch (*p) {
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '&': rep = "&amp;"; break;
        case '\'': rep = "&apos;"; break;
        case '"': rep = "&quot;"; break;
        default: continue;
        }
        g_string_append_len(buf, start, p - start);
        g_string_append(buf, rep);
        start = p + 1;
    }
    g_string_append_len(buf, start, p - start);
}

void
vkConfAttr(GString *buf, const char *name, const char *value)
{
    if (!value)
        return;
    g_string_append_c(buf, ' ');
    g_string_append(buf, name);
    g_string_append(buf, "='");
    vkConfEscape(buf, value);
    g_string_append_c(buf, '\'');
}

void
vkXmlElemFormat(GString *buf, const vkXmlElem *e, int indent)
{
    guint i;

    g_string_append_printf(buf, "%*s<%s", indent, "", e->name);
    for (i = 0; e->attrs && i + 1 < e->attrs->len; i += 2)
        vkConfAttr(buf, e->attrs->pdata[i], e->attrs->pdata[i + 1]);
    if (e->children && e->children->len) {
        g_string_append(buf, ">\n");
        for (i = 0; i < e->children->len; i++)
            vkXmlElemFormat(buf, e->children->pdata[i], indent + 2);
        g_string_append_printf(buf, "%*s</%s>\n", indent, "", e->name);
    } else if (e->text) {
        g_string_append_c(buf, '>');
        vkConfEscape(buf, e->text);
        g_string_append_printf(buf, "</%s>\n", e->name);
    } else {
        g_string_append(buf, "/>\n");
    }
}

/* ---- the reader ---- */

typedef struct {
    char *message;     /* first error */
    int line;
} vkXmlReadState;

static void
readStructuredError(void *data, xmlErrorPtr err)
{
    xmlParserCtxtPtr ctxt = data;
    vkXmlReadState *st = ctxt->_private;

    if (!st || st->message || !err || err->level == XML_ERR_WARNING)
        return;
    st->message = g_strdup(err->message ? err->message : "unknown error");
    g_strchomp(st->message);
    st->line = err->line;
}

/* Entities are expanded as libvirt expands them, from the document alone:
 * an external entity is declared as an empty internal one, so nothing is
 * ever loaded (no file, no network) and its references expand to nothing.
 * libxml2's own amplification check (we never pass XML_PARSE_HUGE) stops
 * "billion laughs" style nesting. */
static void
readEntityDecl(void *data, const xmlChar *name, int type,
               const xmlChar *publicId, const xmlChar *systemId,
               xmlChar *content)
{
    switch (type) {
    case XML_INTERNAL_GENERAL_ENTITY:
    case XML_INTERNAL_PARAMETER_ENTITY:
        xmlSAX2EntityDecl(data, name, type, NULL, NULL, content);
        break;
    case XML_EXTERNAL_PARAMETER_ENTITY:
        xmlSAX2EntityDecl(data, name, XML_INTERNAL_PARAMETER_ENTITY, NULL, NULL,
                          (xmlChar *)"");
        break;
    default:
        xmlSAX2EntityDecl(data, name, XML_INTERNAL_GENERAL_ENTITY, NULL, NULL,
                          (xmlChar *)"");
        break;
    }
}

static void
readUnparsedEntityDecl(void *data, const xmlChar *name, const xmlChar *publicId,
                       const xmlChar *systemId, const xmlChar *notationName)
{
    readEntityDecl(data, name, XML_EXTERNAL_GENERAL_UNPARSED_ENTITY, NULL, NULL, NULL);
}

/* an external DTD is never fetched */
static void
readExternalSubset(void *data, const xmlChar *name,
                   const xmlChar *ExternalID, const xmlChar *SystemID)
{
}

static xmlParserInputPtr
readResolveEntity(void *data, const xmlChar *publicId, const xmlChar *systemId)
{
    return NULL;
}

/* libxml2 2.9 checks each new attribute of an element against all earlier
 * ones, and its tree builder appends each to the end of a linked list:
 * both quadratic in the attributes of one element (100,000 of them cost
 * minutes of CPU).  No domain element needs more than a few dozen, so a
 * linear pass over the text refuses documents where one element could
 * have more than this many before libxml2 sees them. */
#define VK_XML_MAX_ATTRS 1024

/* Counts, between two '<', each '=' followed by a quote or '&' (an
 * attribute), and before the root element each "&#" too (an entity value
 * may spell '<', '=' and quotes as character references).  An element's
 * attributes always lie between its '<' and the next one, since '<' is
 * not allowed in attribute values.  Over-counting is harmless: it only
 * matters past the limit. */
static int
tooManyAttributes(const char *xml, size_t len, int *line)
{
    bool prolog = true;
    int count = 0;

    *line = 1;
    for (size_t i = 0; i < len; i++) {
        char c = xml[i];

        if (c == '\n') {
            (*line)++;
        } else if (c == '<') {
            count = 0;
            if (i + 1 < len && xml[i + 1] != '!' && xml[i + 1] != '?')
                prolog = false;
        } else if (c == '=') {
            size_t j = i + 1;

            while (j < len && g_ascii_isspace(xml[j]))
                j++;
            if (j < len && (xml[j] == '\'' || xml[j] == '"' || xml[j] == '&'))
                count++;
        } else if (c == '&' && prolog && i + 1 < len && xml[i + 1] == '#') {
            count++;
        }
        if (count > VK_XML_MAX_ATTRS)
            return 1;
    }
    return 0;
}

xmlDocPtr
vkConfReadXML(const char *xml, const char *what)
{
    return vkConfReadXMLLimit(xml, what, VK_DOMAIN_XML_MAX);
}

xmlDocPtr
vkConfReadXMLLimit(const char *xml, const char *what, int max)
{
    static gsize once;
    vkXmlReadState st = { 0 };
    xmlParserCtxtPtr ctxt;
    xmlDocPtr doc;
    size_t len;
    int line;

    if (g_once_init_enter(&once)) {
        xmlInitParser();
        g_once_init_leave(&once, 1);
    }
    if (!xml) {
        vkReportError(VIR_ERR_XML_ERROR, "no %s XML document given", what);
        return NULL;
    }
    len = strnlen(xml, (size_t)max + 1);
    if (len > (size_t)max) {
        vkReportError(VIR_ERR_XML_ERROR,
                      "%s XML document is larger than the limit of %d bytes",
                      what, max);
        return NULL;
    }
    if (tooManyAttributes(xml, len, &line)) {
        vkReportError(VIR_ERR_XML_ERROR,
                      "%s XML at line %d: an element has more than %d attributes",
                      what, line, VK_XML_MAX_ATTRS);
        return NULL;
    }
    if (!(ctxt = xmlNewParserCtxt())) {
        vkReportOOM();
        return NULL;
    }
    ctxt->_private = &st;
    ctxt->sax->serror = readStructuredError;
    ctxt->sax->entityDecl = readEntityDecl;
    ctxt->sax->unparsedEntityDecl = readUnparsedEntityDecl;
    ctxt->sax->externalSubset = readExternalSubset;
    ctxt->sax->resolveEntity = readResolveEntity;
    ctxt->vctxt.error = NULL;
    ctxt->vctxt.warning = NULL;

    doc = xmlCtxtReadMemory(ctxt, xml, (int)len, what, NULL,
                            XML_PARSE_NONET | XML_PARSE_NOWARNING | XML_PARSE_NOENT);
    if (!doc || !ctxt->wellFormed) {
        /* libvirt reports a document that is not well formed as XML_DETAIL */
        if (st.message)
            vkReportError(VIR_ERR_XML_DETAIL, "%s XML at line %d: %s",
                          what, st.line, st.message);
        else
            vkReportError(VIR_ERR_XML_DETAIL, "%s XML is not well formed", what);
        xmlFreeDoc(doc);
        doc = NULL;
    } else if (!xmlDocGetRootElement(doc)) {
        vkReportError(VIR_ERR_XML_ERROR, "%s XML has no root element", what);
        xmlFreeDoc(doc);
        doc = NULL;
    }
    g_free(st.message);
    xmlFreeParserCtxt(ctxt);
    return doc;
}

const char *
vkXmlAttr(xmlNodePtr node, const char *name)
{
    for (xmlAttrPtr a = node->properties; a; a = a->next) {
        if (strcmp((const char *)a->name, name) == 0) {
            if (a->children && a->children->type == XML_TEXT_NODE)
                return (const char *)a->children->content;
            return "";
        }
    }
    return NULL;
}

void
vkXmlSetAttr(char **field, xmlNodePtr node, const char *name)
{
    g_free(*field);
    *field = g_strdup(vkXmlAttr(node, name));
}

char *
vkXmlText(xmlNodePtr node)
{
    xmlChar *t;
    char *ret;

    if (!node->children)
        return NULL;
    if (node->children->type == XML_TEXT_NODE && !node->children->next)
        return g_strdup((const char *)node->children->content);
    t = xmlNodeGetContent(node);
    ret = g_strdup((const char *)t);
    xmlFree(t);
    return ret;
}

void
vkXmlKeep(GPtrArray **list, xmlNodePtr node)
{
    if (!*list)
        *list = g_ptr_array_new_with_free_func((GDestroyNotify)vkXmlElemFree);
    g_ptr_array_add(*list, vkXmlElemFromNode(node));
}

/* Rank of a child in order[]; unknown names after all known ones. */
static guint
childRank(const vkXmlElem *c, const char *const *order)
{
    guint r = 0;

    for (; order[r]; r++) {
        if (strcmp(c->name, order[r]) == 0)
            return r;
    }
    return r;
}

void
vkXmlElemSortChildren(vkXmlElem *e, const char *const *order)
{
    GPtrArray *c = e->children;

    /* insertion sort: stable, and these lists are short */
    for (guint i = 1; c && i < c->len; i++) {
        vkXmlElem *x = c->pdata[i];
        guint r = childRank(x, order);
        guint j = i;

        while (j > 0 && childRank(c->pdata[j - 1], order) > r) {
            c->pdata[j] = c->pdata[j - 1];
            j--;
        }
        c->pdata[j] = x;
    }
}

void
vkXmlKeepAttrs(GPtrArray **attrs, xmlNodePtr node, const char *prefix, const char *const *skip)
{
    for (xmlAttrPtr a = node->properties; a; a = a->next) {
        const char *an = (const char *)a->name;
        if (g_strv_contains(skip, an))
            continue;
        if (!*attrs)
            *attrs = g_ptr_array_new_with_free_func(g_free);
        g_ptr_array_add(*attrs, g_strconcat(prefix, an, NULL));
        g_ptr_array_add(*attrs, g_strdup(vkXmlAttr(node, an)));
    }
}

const char *
vkXmlPairGet(const GPtrArray *attrs, const char *name)
{
    for (guint i = 0; attrs && i + 1 < attrs->len; i += 2) {
        if (strcmp(attrs->pdata[i], name) == 0)
            return attrs->pdata[i + 1];
    }
    return NULL;
}

vkXmlElem *
vkXmlElemListFind(const GPtrArray *list, const char *name)
{
    for (guint i = 0; list && i < list->len; i++) {
        vkXmlElem *c = list->pdata[i];

        if (strcmp(c->name, name) == 0)
            return c;
    }
    return NULL;
}

vkXmlElem *
vkXmlElemChild(const vkXmlElem *e, const char *name)
{
    return e ? vkXmlElemListFind(e->children, name) : NULL;
}

void
vkXmlElemRemoveAttr(vkXmlElem *e, const char *name)
{
    for (guint i = 0; e && e->attrs && i + 1 < e->attrs->len; i += 2) {
        if (strcmp(e->attrs->pdata[i], name) == 0) {
            g_ptr_array_remove_range(e->attrs, i, 2);
            return;
        }
    }
}
