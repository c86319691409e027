/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * <title>, <description> and <metadata> for virDomain{Get,Set}Metadata,
 * and validation against libvirt's RelaxNG schemas.
 *
 * Metadata elements belong to applications, so virtkit keeps them as
 * libxml2 nodes in a small private document (one per definition) and
 * never interprets them; an application's namespace URI is its key.
 * Schemas are parsed once per process (g_once) and shared read-only by
 * every thread's validation context.
 */
#include <string.h>
#include <libxml/relaxng.h>

#include "conf/domain-conf-priv.h"

#define VIR_FROM_THIS VIR_FROM_DOMAIN
#include "util/error.h"

void
vkDomainMetadataStripBlanks(xmlNodePtr node)
{
    xmlNodePtr c, next;
    bool hasElem = false;

    for (c = node->children; c; c = c->next)
        hasElem |= c->type == XML_ELEMENT_NODE;
    for (c = node->children; c; c = next) {
        next = c->next;
        if (c->type == XML_ELEMENT_NODE) {
            vkDomainMetadataStripBlanks(c);
        } else if (hasElem && (c->type == XML_TEXT_NODE || c->type == XML_COMMENT_NODE) &&
                   (c->type == XML_COMMENT_NODE || xmlIsBlankNode(c))) {
            xmlUnlinkNode(c);
            xmlFreeNode(c);
        }
    }
}

static xmlNodePtr
findByURI(const vkDomainDef *def, const char *uri)
{
    xmlNodePtr root, n;

    if (!def->priv->metadata || !(root = xmlDocGetRootElement(def->priv->metadata)))
        return NULL;
    for (n = root->children; n; n = n->next) {
        if (n->type == XML_ELEMENT_NODE && n->ns &&
            xmlStrEqual(n->ns->href, BAD_CAST uri))
            return n;
    }
    return NULL;
}

static void
dropNamespace(xmlNodePtr node, const char *uri)
{
    for (; node; node = node->next) {
        if (node->type != XML_ELEMENT_NODE)
            continue;
        if (node->ns && xmlStrEqual(node->ns->href, BAD_CAST uri))
            node->ns = NULL;
        dropNamespace(node->children, uri);
    }
}

/* The element as the application gave it: libvirt answers a get with the
 * element out of the namespace it is stored under ("<a/>", not
 * "<k:a xmlns:k='URI'/>"), so a get returns what a set took. */
static char *
formatWithoutNamespace(xmlNodePtr n, const char *uri)
{
    xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
    xmlNodePtr copy = xmlDocCopyNode(n, doc, 1);
    xmlBufferPtr xb;
    char *ret;

    xmlDocSetRootElement(doc, copy);
    dropNamespace(copy, uri);
    xmlFreeNsList(copy->nsDef);
    copy->nsDef = NULL;
    xb = xmlBufferCreate();
    xmlNodeDump(xb, doc, copy, 0, 1);
    ret = g_strdup((const char *)xmlBufferContent(xb));
    xmlBufferFree(xb);
    xmlFreeDoc(doc);
    return ret;
}

char *
vkDomainDefGetMetadata(const vkDomainDef *def, int type, const char *uri)
{
    const char *field = NULL;
    xmlNodePtr n;

    switch (type) {
    case VIR_DOMAIN_METADATA_DESCRIPTION:
        field = def->description;
        break;
    case VIR_DOMAIN_METADATA_TITLE:
        field = def->title;
        break;
    case VIR_DOMAIN_METADATA_ELEMENT:
        if (!uri) {
            vkReportError(VIR_ERR_INVALID_ARG, "%s",
                          "a namespace URI is needed to get a metadata element");
            return NULL;
        }
        if (!(n = findByURI(def, uri))) {
            vkReportError(VIR_ERR_NO_DOMAIN_METADATA,
                          "no metadata element with namespace '%s' in domain '%s'",
                          uri, def->name);
            return NULL;
        }
        return formatWithoutNamespace(n, uri);
    default:
        vkReportError(VIR_ERR_INVALID_ARG, "unknown metadata type %d", type);
        return NULL;
    }
    if (!field || !*field) {
        vkReportError(VIR_ERR_NO_DOMAIN_METADATA, "domain '%s' has no %s",
                      def->name, type == VIR_DOMAIN_METADATA_TITLE ?
                      "title" : "description");
        return NULL;
    }
    return g_strdup(field);
}

/* Elements inside the application's element that have no namespace of
 * their own join its namespace, as in libvirt (<k:a><k:b/></k:a>). */
static void
adoptNamespace(xmlNodePtr node, xmlNsPtr ns)
{
    for (; node; node = node->next) {
        if (node->type != XML_ELEMENT_NODE)
            continue;
        if (!node->ns)
            xmlSetNs(node, ns);
        adoptNamespace(node->children, ns);
    }
}

static int
setElement(vkDomainDef *def, const char *metadata, const char *key,
           const char *uri)
{
    xmlDocPtr frag = NULL;
    xmlNodePtr old, root, copy;
    xmlNsPtr ns;

    if (!uri) {
        vkReportError(VIR_ERR_INVALID_ARG, "%s",
                      "a namespace URI is needed to set a metadata element");
        return -1;
    }
    if (metadata && *metadata) {
        if (!key || !*key) {
            vkReportError(VIR_ERR_INVALID_ARG, "%s",
                          "a namespace prefix (key) is needed to set a metadata element");
            return -1;
        }
        if (!(frag = vkConfReadXML(metadata, "metadata")))
            return -1;
    }
    if ((old = findByURI(def, uri))) {
        xmlUnlinkNode(old);
        xmlFreeNode(old);
    }
    if (frag) {
        if (!def->priv->metadata) {
            def->priv->metadata = xmlNewDoc(BAD_CAST "1.0");
            xmlDocSetRootElement(def->priv->metadata,
                                 xmlNewDocNode(def->priv->metadata, NULL,
                                               BAD_CAST "metadata", NULL));
        }
        root = xmlDocGetRootElement(def->priv->metadata);
        copy = xmlDocCopyNode(xmlDocGetRootElement(frag), def->priv->metadata, 1);
        xmlFreeDoc(frag);
        if (!copy) {
            vkReportOOM();
            return -1;
        }
        ns = xmlNewNs(copy, BAD_CAST uri, BAD_CAST key);
        xmlSetNs(copy, ns);
        adoptNamespace(copy->children, ns);
        vkDomainMetadataStripBlanks(copy);
        xmlAddChild(root, copy);
    }
    if (def->priv->metadata &&
        !xmlDocGetRootElement(def->priv->metadata)->children) {
        xmlFreeDoc(def->priv->metadata);
        def->priv->metadata = NULL;
    }
    return 0;
}

int
vkDomainDefSetMetadata(vkDomainDef *def, int type, const char *metadata,
                       const char *key, const char *uri)
{
    switch (type) {
    case VIR_DOMAIN_METADATA_DESCRIPTION:
        g_free(def->description);
        def->description = metadata && *metadata ? g_strdup(metadata) : NULL;
        return 0;
    case VIR_DOMAIN_METADATA_TITLE:
        if (metadata && strchr(metadata, '\n')) {
            vkReportError(VIR_ERR_INVALID_ARG,
                          "title of domain '%s' cannot contain a newline",
                          def->name);
            return -1;
        }
        g_free(def->title);
        def->title = metadata && *metadata ? g_strdup(metadata) : NULL;
        return 0;
    case VIR_DOMAIN_METADATA_ELEMENT:
        return setElement(def, metadata, key, uri);
    default:
        vkReportError(VIR_ERR_INVALID_ARG, "unknown metadata type %d", type);
        return -1;
    }
}

/* ---- RelaxNG ---- */

typedef struct {
    const char *file;
    GOnce once;
} vkSchema;

static vkSchema schemas[] = {
    { "domain.rng", G_ONCE_INIT },
    { "capability.rng", G_ONCE_INIT },
    { "domainsnapshot.rng", G_ONCE_INIT },
    { "interface.rng", G_ONCE_INIT },
};

static void
quietStructured(void *data, xmlErrorPtr err)
{
}

static gpointer
loadSchema(gpointer data)
{
    vkSchema *s = data;
    const char *dir = g_getenv("VIRTKIT_SCHEMA_DIR");
    g_autofree char *path = NULL;
    xmlRelaxNGParserCtxtPtr pctxt;
    xmlRelaxNGPtr rng;

    if (!dir || !*dir)
        dir = "/usr/share/libvirt/schemas";
    path = g_build_filename(dir, s->file, NULL);
    if (!g_file_test(path, G_FILE_TEST_IS_REGULAR))
        return NULL;
    xmlInitParser();
    if (!(pctxt = xmlRelaxNGNewParserCtxt(path)))
        return NULL;
    xmlRelaxNGSetParserStructuredErrors(pctxt, quietStructured, NULL);
    rng = xmlRelaxNGParse(pctxt);
    xmlRelaxNGFreeParserCtxt(pctxt);
    return rng;
}

typedef struct {
    char *message;
    int line;
} vkValidState;

static void
validError(void *data, xmlErrorPtr err)
{
    vkValidState *st = data;

    if (st->message || !err)
        return;
    st->message = g_strdup(err->message ? err->message : "invalid");
    g_strchomp(st->message);
    st->line = err->line;
}

int
vkConfSchemaValidate(const char *xml, const char *rngFile)
{
    vkSchema *s = NULL;
    xmlRelaxNGPtr rng;
    xmlRelaxNGValidCtxtPtr vctxt;
    vkValidState st = { 0 };
    xmlDocPtr doc;
    size_t i;
    int r;

    for (i = 0; i < G_N_ELEMENTS(schemas); i++) {
        if (strcmp(schemas[i].file, rngFile) == 0)
            s = &schemas[i];
    }
    if (!s || !(rng = g_once(&s->once, loadSchema, s))) {
        vkReportError(VIR_ERR_NO_SUPPORT,
                      "the schema %s is not installed (looked in $VIRTKIT_SCHEMA_DIR "
                      "and /usr/share/libvirt/schemas)", rngFile);
        return -2;
    }
    if (!(doc = vkConfReadXML(xml, "document")))
        return -1;
    vctxt = xmlRelaxNGNewValidCtxt(rng);
    xmlRelaxNGSetValidStructuredErrors(vctxt, validError, &st);
    r = xmlRelaxNGValidateDoc(vctxt, doc);
    xmlRelaxNGFreeValidCtxt(vctxt);
    xmlFreeDoc(doc);
    if (r != 0) {
        vkReportError(VIR_ERR_XML_INVALID_SCHEMA,
                      "document does not validate against %s: line %d: %s",
                      rngFile, st.line, st.message ? st.message : "invalid");
        g_free(st.message);
        return -1;
    }
    g_free(st.message);
    return 0;
}

int
vkDomainXMLValidate(const char *xml)
{
    return vkConfSchemaValidate(xml, "domain.rng");
}
