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
 * parser context per call, no network, no entity expansion, no DTD (a
 * DOCTYPE stops the parse from its SAX callback before any declaration is
 * read), a size limit, and libxml2's first complaint turned into
 * VIR_ERR_XML_ERROR with its line instead of being printed on stderr.
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
    bool doctype;
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

static void
readInternalSubset(void *data, const xmlChar *name,
                   const xmlChar *ExternalID, const xmlChar *SystemID)
{
    xmlParserCtxtPtr ctxt = data;
    vkXmlReadState *st = ctxt->_private;

    st->doctype = true;
    if (!st->message) {
        st->message = g_strdup("DOCTYPE and entity declarations are not allowed");
        st->line = xmlSAX2GetLineNumber(ctxt);
    }
    xmlStopParser(ctxt);
}

static void
readEntityDecl(void *data, const xmlChar *name, int type,
               const xmlChar *publicId, const xmlChar *systemId,
               xmlChar *content)
{
    readInternalSubset(data, name, publicId, systemId);
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
    if (!(ctxt = xmlNewParserCtxt())) {
        vkReportOOM();
        return NULL;
    }
    ctxt->_private = &st;
    ctxt->sax->serror = readStructuredError;
    ctxt->sax->internalSubset = readInternalSubset;
    ctxt->sax->externalSubset = readInternalSubset;
    ctxt->sax->entityDecl = readEntityDecl;
    ctxt->vctxt.error = NULL;
    ctxt->vctxt.warning = NULL;

    doc = xmlCtxtReadMemory(ctxt, xml, (int)len, what, NULL,
                            XML_PARSE_NONET | XML_PARSE_NOWARNING);
    if (st.doctype) {
        /* entities and DTDs are refused outright: nothing is expanded */
        vkReportError(VIR_ERR_XML_ERROR, "%s XML at line %d: %s", what, st.line,
                      st.message ? st.message : "DOCTYPE and entity declarations are not allowed");
        xmlFreeDoc(doc);
        doc = NULL;
    } else if (!doc || !ctxt->wellFormed) {
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
