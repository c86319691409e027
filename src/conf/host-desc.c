/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Host description file -> vkHostDesc (node facts and the domains).
 *
 * The file is read by virtkit itself (size bound, regular files only)
 * and handed to libxml2 from memory, so libxml2 never opens a file or the
 * network.  Unlike vkConfReadXML this reader accepts a DOCTYPE, as
 * libvirt's test driver does, but never substitutes entities: a
 * reference stays the literal text it was.  Errors are the test
 * driver's (VIR_FROM_TEST), as they were when this lived in the driver.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "conf/host-desc.h"

#define VIR_FROM_THIS VIR_FROM_TEST
#include "util/error.h"

/* Host description files are small; anything bigger is a mistake. */
#define VK_HOST_DESC_FILE_MAX (64 * 1024 * 1024)

void
vkHostDescFree(vkHostDesc *desc)
{
    if (!desc)
        return;
    g_ptr_array_unref(desc->domains);
    if (desc->runstates)
        g_array_unref(desc->runstates);
    g_clear_pointer(&desc->networks, g_ptr_array_unref);
    g_clear_pointer(&desc->pools, g_ptr_array_unref);
    g_clear_pointer(&desc->devices, g_ptr_array_unref);
    g_clear_pointer(&desc->interfaces, g_ptr_array_unref);
    g_clear_pointer(&desc->users, g_ptr_array_unref);
    g_free(desc);
}

static void
poolFree(vkHostDescPool *pool)
{
    g_free(pool->xml);
    g_ptr_array_unref(pool->volumes);
    g_free(pool);
}

static char *
nodeText(xmlNodePtr node)
{
    xmlChar *content = xmlNodeGetContent(node);
    char *ret = g_strdup(content ? g_strstrip((char *)content) : "");

    xmlFree(content);
    return ret;
}

static int
parseUInt(xmlNodePtr node, const char *path, const char *what, unsigned long long max,
          unsigned long long *value)
{
    g_autofree char *text = nodeText(node);
    char *end = NULL;
    unsigned long long v;

    errno = 0;
    v = g_ascii_strtoull(text, &end, 10);
    if (!*text || *end || errno != 0 || text[0] == '-' || v > max) {
        vkReportError(VIR_ERR_XML_ERROR,
                      "invalid value '%s' for %s in host description file '%s' (line %ld)",
                      text, what, path, (long)xmlGetLineNo(node));
        return -1;
    }
    *value = v;
    return 0;
}

static int
parseCpu(vkHostDesc *desc, xmlNodePtr cpu, const char *path)
{
    for (xmlNodePtr n = cpu->children; n; n = n->next) {
        const char *name = (const char *)n->name;
        unsigned long long v;
        unsigned int *field = NULL;

        if (n->type != XML_ELEMENT_NODE)
            continue;
        if (strcmp(name, "model") == 0) {
            g_autofree char *model = nodeText(n);

            if (*model)
                g_strlcpy(desc->info.model, model, sizeof(desc->info.model));
            continue;
        }
        if (strcmp(name, "mhz") == 0)
            field = &desc->info.mhz;
        else if (strcmp(name, "nodes") == 0)
            field = &desc->info.nodes;
        else if (strcmp(name, "sockets") == 0)
            field = &desc->info.sockets;
        else if (strcmp(name, "cores") == 0)
            field = &desc->info.cores;
        else if (strcmp(name, "threads") == 0)
            field = &desc->info.threads;
        else if (strcmp(name, "active") != 0)
            continue;

        {
            g_autofree char *what = g_strdup_printf("<cpu><%s>", name);

            if (parseUInt(n, path, what, 65536, &v) < 0)
                return -1;
            if (v == 0) {
                vkReportError(VIR_ERR_XML_ERROR,
                              "%s must be positive in host description file '%s' (line %ld)",
                              what, path, (long)xmlGetLineNo(n));
                return -1;
            }
        }
        if (field)
            *field = v;
        else
            desc->active = v;
    }
    return 0;
}

/* Reads a whole file with a precise error; libxml2 never opens files. */
static char *
readFile(const char *path, const char *what, size_t *len)
{
    g_autofree char *data = NULL;
    struct stat sb;
    size_t got = 0;
    int fd;

    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
        /* libvirt's code and words for a file it cannot load; the reason
         * is ours, libvirt only prints it as a libxml2 warning */
        vkReportError(VIR_ERR_XML_ERROR, "failed to parse xml document '%s' (%s: %s)",
                      path, what, g_strerror(errno));
        return NULL;
    }
    if (fstat(fd, &sb) < 0) {
        vkReportSystemError(errno, "cannot read %s '%s'", what, path);
        goto error;
    }
    if (!S_ISREG(sb.st_mode)) {
        vkReportError(VIR_ERR_INVALID_ARG, "%s '%s' is not a regular file", what, path);
        goto error;
    }
    if (sb.st_size > VK_HOST_DESC_FILE_MAX) {
        vkReportError(VIR_ERR_INVALID_ARG, "%s '%s' is too large (%lld bytes, limit %d)",
                      what, path, (long long)sb.st_size, VK_HOST_DESC_FILE_MAX);
        goto error;
    }
    data = g_malloc(sb.st_size + 1);
    while (got < (size_t)sb.st_size) {
        ssize_t n = read(fd, data + got, sb.st_size - got);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            vkReportSystemError(errno, "cannot read %s '%s'", what, path);
            goto error;
        }
        if (n == 0)
            break;
        got += n;
    }
    close(fd);
    data[got] = '\0';
    *len = got;
    return g_steal_pointer(&data);

 error:
    close(fd);
    return NULL;
}

typedef struct {
    int line;
    char *message;
} firstError;

/* libxml2 reports follow-on errors after the first one; the first is the
 * one that names the real mistake, so keep only that. */
static void
keepFirstError(void *userData, xmlErrorPtr err)
{
    xmlParserCtxtPtr ctxt = userData;
    firstError *first = ctxt->_private;

    if (first->message || !err)
        return;
    first->line = err->line;
    first->message = g_strdup(err->message ? err->message : "unknown error");
    g_strchomp(first->message);
}

/* Safe parse: no network, no DTD loading, entities left unexpanded. */
static xmlDocPtr
parseXMLFile(const char *path, const char *what)
{
    g_autofree char *data = NULL;
    size_t len = 0;
    xmlParserCtxtPtr ctxt;
    xmlDocPtr doc;
    firstError first = { 0, NULL };

    if (!(data = readFile(path, what, &len)))
        return NULL;
    if (!(ctxt = xmlNewParserCtxt())) {
        vkReportOOM();
        return NULL;
    }
    ctxt->_private = &first;
    ctxt->sax->serror = keepFirstError;
    doc = xmlCtxtReadMemory(ctxt, data, (int)len, path, NULL,
                            XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!doc || !xmlDocGetRootElement(doc)) {
        vkReportError(VIR_ERR_XML_ERROR, "%s '%s' is not well-formed (line %d): %s",
                      what, path, first.line,
                      first.message ? first.message : "no root element");
        xmlFreeDoc(doc);
        doc = NULL;
    }
    g_free(first.message);
    xmlFreeParserCtxt(ctxt);
    return doc;
}

static bool
hasDomain(const vkHostDesc *desc, const char *name)
{
    for (guint i = 0; i < desc->domains->len; i++)
        if (strcmp(((vkDomainDef *)desc->domains->pdata[i])->name, name) == 0)
            return true;
    return false;
}

/* The element an object is described by: node itself, or the root of
 * the file its file= attribute names (relative to the host file), which
 * must be <what>; *sub holds that file's document. */
static xmlNodePtr
objectNode(xmlNodePtr node, const char *path, const char *what, xmlDocPtr *sub)
{
    xmlChar *file = xmlGetProp(node, (const xmlChar *)"file");
    g_autofree char *dir = NULL;
    g_autofree char *full = NULL;
    g_autofree char *label = NULL;

    *sub = NULL;
    if (!file)
        return node;
    dir = g_path_get_dirname(path);
    full = g_path_is_absolute((const char *)file) ? g_strdup((const char *)file) :
        g_build_filename(dir, (const char *)file, NULL);
    xmlFree(file);
    label = g_strdup_printf("%s file", what);
    if (!(*sub = parseXMLFile(full, label)))
        return NULL;
    node = xmlDocGetRootElement(*sub);
    if (strcmp((const char *)node->name, what) != 0) {
        vkReportError(VIR_ERR_XML_ERROR, "%s file '%s' has root element <%s>, expected <%s>",
                      what, full, (const char *)node->name, what);
        xmlFreeDoc(g_steal_pointer(sub));
        return NULL;
    }
    return node;
}

static char *
nodeXML(xmlNodePtr node)
{
    xmlBufferPtr buf = xmlBufferCreate();
    char *ret;

    xmlNodeDump(buf, node->doc, node, 0, 0);
    ret = g_strdup((const char *)xmlBufferContent(buf));
    xmlBufferFree(buf);
    return ret;
}

/* Takes the test driver's own children (libvirt's test namespace) out of
 * a domain before the domain parser sees it; *runstate gets
 * <test:runstate> (a virDomainState) or stays -1. */
static int
takeTestNamespace(xmlNodePtr dom, const char *path, int *runstate)
{
    xmlNodePtr n = dom->children;

    while (n) {
        xmlNodePtr next = n->next;

        if (n->type == XML_ELEMENT_NODE && n->ns && n->ns->href &&
            strcmp((const char *)n->ns->href, VK_TEST_DOMAIN_NS) == 0) {
            if (strcmp((const char *)n->name, "runstate") == 0) {
                unsigned long long v;

                if (parseUInt(n, path, "<test:runstate>", G_MAXINT, &v) < 0)
                    return -1;
                if (v >= VIR_DOMAIN_LAST) {
                    vkReportError(VIR_ERR_XML_ERROR, "runstate '%llu' out of range", v);
                    return -1;
                }
                *runstate = (int)v;
            } else {
                /* <test:transient>, <test:hasmanagedsave>, <test:domainsnapshot> */
                vkReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                              "<test:%s> in host description file '%s' (line %ld) is not "
                              "supported", (const char *)n->name, path,
                              (long)xmlGetLineNo(n));
                return -1;
            }
            xmlUnlinkNode(n);
            xmlFreeNode(n);
        }
        n = next;
    }
    return 0;
}

static int
loadDomain(vkHostDesc *desc, xmlNodePtr node, const char *path)
{
    g_autoptr(vkDomainDef) def = NULL;
    xmlDocPtr sub = NULL;
    int runstate = -1;
    int ret = -1;

    if (!(node = objectNode(node, path, "domain", &sub)))
        return -1;
    if (takeTestNamespace(node, path, &runstate) < 0 ||
        !(def = vkDomainDefParseNode(node, NULL, VK_DOMAIN_PARSE_INACTIVE)))
        goto cleanup;
    if (hasDomain(desc, def->name)) {
        vkReportError(VIR_ERR_XML_ERROR,
                      "host description file '%s' describes domain '%s' twice",
                      path, def->name);
        goto cleanup;
    }
    g_ptr_array_add(desc->domains, g_steal_pointer(&def));
    g_array_append_val(desc->runstates, runstate);
    ret = 0;

 cleanup:
    xmlFreeDoc(sub);
    return ret;
}

/* <network>, <device>: their XML, for the driver's parsers. */
static int
loadText(GPtrArray *list, xmlNodePtr node, const char *path, const char *what)
{
    xmlDocPtr sub = NULL;

    if (!(node = objectNode(node, path, what, &sub)))
        return -1;
    g_ptr_array_add(list, nodeXML(node));
    xmlFreeDoc(sub);
    return 0;
}

/* <pool>: its XML without the <volume> children, which come apart. */
static int
loadPool(vkHostDesc *desc, xmlNodePtr node, const char *path)
{
    vkHostDescPool *pool;
    xmlDocPtr sub = NULL;
    xmlNodePtr n;

    if (!(node = objectNode(node, path, "pool", &sub)))
        return -1;
    pool = g_new0(vkHostDescPool, 1);
    pool->volumes = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(desc->pools, pool);
    n = node->children;
    while (n) {
        xmlNodePtr next = n->next;

        if (n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, "volume") == 0) {
            if (loadText(pool->volumes, n, path, "volume") < 0) {
                xmlFreeDoc(sub);
                return -1;
            }
            xmlUnlinkNode(n);
            xmlFreeNode(n);
        }
        n = next;
    }
    pool->xml = nodeXML(node);
    xmlFreeDoc(sub);
    return 0;
}

/* <auth><user password='PW'>NAME</user>...</auth> */
static void
loadAuth(vkHostDesc *desc, xmlNodePtr auth)
{
    desc->hasAuth = true;
    for (xmlNodePtr n = auth->children; n; n = n->next) {
        xmlChar *pw;

        if (n->type != XML_ELEMENT_NODE || strcmp((const char *)n->name, "user") != 0)
            continue;
        pw = xmlGetProp(n, (const xmlChar *)"password");
        g_ptr_array_add(desc->users, nodeText(n));
        g_ptr_array_add(desc->users, g_strdup(pw ? (const char *)pw : ""));
        xmlFree(pw);
    }
}

static int
loadObject(vkHostDesc *desc, xmlNodePtr n, const char *path)
{
    const char *name = (const char *)n->name;

    if (strcmp(name, "domain") == 0)
        return loadDomain(desc, n, path);
    if (strcmp(name, "network") == 0)
        return loadText(desc->networks, n, path, "network");
    if (strcmp(name, "pool") == 0)
        return loadPool(desc, n, path);
    if (strcmp(name, "device") == 0)
        return loadText(desc->devices, n, path, "device");
    if (strcmp(name, "auth") == 0)
        loadAuth(desc, n);
    if (strcmp(name, "interface") == 0)
        return loadText(desc->interfaces, n, path, "interface");
    return 0;
}

vkHostDesc *
vkHostDescLoad(const char *path, const virNodeInfo *defaults)
{
    g_autoptr(vkHostDesc) desc = g_new0(vkHostDesc, 1);
    xmlDocPtr doc;
    xmlNodePtr root;
    int ret = -1;

    desc->info = *defaults;
    desc->domains = g_ptr_array_new_with_free_func((GDestroyNotify)vkDomainDefFree);
    desc->runstates = g_array_new(FALSE, FALSE, sizeof(int));
    desc->networks = g_ptr_array_new_with_free_func(g_free);
    desc->pools = g_ptr_array_new_with_free_func((GDestroyNotify)poolFree);
    desc->devices = g_ptr_array_new_with_free_func(g_free);
    desc->interfaces = g_ptr_array_new_with_free_func(g_free);
    desc->users = g_ptr_array_new_with_free_func(g_free);
    if (!(doc = parseXMLFile(path, "host description file")))
        return NULL;
    root = xmlDocGetRootElement(doc);
    if (strcmp((const char *)root->name, "node") != 0) {
        vkReportError(VIR_ERR_XML_ERROR,
                      "host description file '%s' has root element <%s>, expected <node>",
                      path, (const char *)root->name);
        goto cleanup;
    }

    for (xmlNodePtr n = root->children; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        if (strcmp((const char *)n->name, "cpu") == 0) {
            if (parseCpu(desc, n, path) < 0)
                goto cleanup;
        } else if (strcmp((const char *)n->name, "memory") == 0) {
            unsigned long long mem;

            if (parseUInt(n, path, "<memory>", G_MAXUINT64 / 1024, &mem) < 0)
                goto cleanup;
            desc->info.memory = mem;
        }
    }
    for (xmlNodePtr n = root->children; n; n = n->next) {
        if (n->type == XML_ELEMENT_NODE && loadObject(desc, n, path) < 0)
            goto cleanup;
    }
    ret = 0;

 cleanup:
    xmlFreeDoc(doc);
    return ret == 0 ? g_steal_pointer(&desc) : NULL;
}
