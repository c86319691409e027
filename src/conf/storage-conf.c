/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Storage pool and volume definitions: parse and format libvirt's <pool>
 * and <volume> XML.
 *
 * The idea: a definition is what a user may choose (type, name, source,
 * target, requested sizes); what the host decides (pool sizes, a volume's
 * key and path) is filled in by the driver and only ever formatted, so
 * an input cannot claim a size or a path the driver did not give it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/tree.h>

#include "conf/storage-conf.h"
#include "conf/domain-conf-priv.h"
#include "util/uuid.h"

#define VIR_FROM_THIS VIR_FROM_STORAGE
#include "util/error.h"

static const char *const poolTypes[VK_STORAGE_POOL_LAST] = {
    "dir", "fs", "netfs", "logical", "disk", "iscsi", "scsi", "mpath",
    "rbd", "sheepdog", "gluster", "zfs", "vstorage", "iscsi-direct",
};

static const char *const volTypes[] = {
    "file", "block", "dir", "network", "netdir", "ploop",
};

const char *
vkStoragePoolTypeToString(int type)
{
    return type >= 0 && type < VK_STORAGE_POOL_LAST ? poolTypes[type] : NULL;
}

/* Pools whose volumes live under a local path need <target><path>. */
static bool
poolNeedsTarget(int type)
{
    return type != VK_STORAGE_POOL_RBD && type != VK_STORAGE_POOL_SHEEPDOG &&
           type != VK_STORAGE_POOL_GLUSTER && type != VK_STORAGE_POOL_ISCSI_DIRECT &&
           type != VK_STORAGE_POOL_ZFS && type != VK_STORAGE_POOL_VSTORAGE;
}

int
vkStorageParseSize(const char *num, const char *unit, unsigned long long *bytes)
{
    return vkConfScaleToBytes(num, unit, 1, bytes) < 0 ? -1 : 0;
}

static char *
nodeText(xmlNodePtr node)
{
    xmlChar *t = xmlNodeGetContent(node);
    char *ret = g_strstrip(g_strdup(t ? (const char *)t : ""));

    xmlFree(t);
    return ret;
}

static char *
propDup(xmlNodePtr node, const char *name)
{
    xmlChar *v = xmlGetProp(node, (const xmlChar *)name);
    char *ret = v ? g_strdup((const char *)v) : NULL;

    xmlFree(v);
    return ret;
}

static int
enumIndex(const char *const *table, size_t n, const char *s)
{
    for (size_t i = 0; s && i < n; i++) {
        if (strcmp(table[i], s) == 0)
            return (int)i;
    }
    return -1;
}

static xmlNodePtr
childNamed(xmlNodePtr node, const char *name)
{
    for (xmlNodePtr c = node->children; c; c = c->next) {
        if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, name) == 0)
            return c;
    }
    return NULL;
}

static bool
checkName(const char *name, const char *what)
{
    if (!name || !*name) {
        vkReportError(VIR_ERR_XML_ERROR, "missing %s name element", what);
        return false;
    }
    if (strchr(name, '/')) {
        vkReportError(VIR_ERR_XML_ERROR, "invalid char in %s name '%s': /", what, name);
        return false;
    }
    return true;
}

/* Keeps every child of <target> but <path> (and, for volumes, <format>). */
static GPtrArray *
targetExtra(xmlNodePtr target, bool volume)
{
    GPtrArray *a = g_ptr_array_new_with_free_func((GDestroyNotify)vkXmlElemFree);

    for (xmlNodePtr c = target ? target->children : NULL; c; c = c->next) {
        const char *n = (const char *)c->name;

        if (c->type != XML_ELEMENT_NODE || strcmp(n, "path") == 0 ||
            (volume && strcmp(n, "format") == 0))
            continue;
        g_ptr_array_add(a, vkXmlElemFromNode(c));
    }
    return a;
}

static xmlDocPtr
readRoot(const char *xml, const char *what, const char *rootName, xmlNodePtr *root)
{
    xmlDocPtr doc = vkConfReadXML(xml, what);

    if (!doc)
        return NULL;
    *root = xmlDocGetRootElement(doc);
    if (strcmp((const char *)(*root)->name, rootName) != 0) {
        vkReportError(VIR_ERR_XML_ERROR, "expecting root element of '%s', not '%s'",
                      rootName, (const char *)(*root)->name);
        xmlFreeDoc(doc);
        return NULL;
    }
    return doc;
}

void
vkStoragePoolDefFree(vkStoragePoolDef *def)
{
    if (!def)
        return;
    g_free(def->name);
    vkXmlElemFree(def->source);
    g_free(def->targetPath);
    if (def->targetExtra)
        g_ptr_array_unref(def->targetExtra);
    g_free(def);
}

static int
poolParse(vkStoragePoolDef *def, xmlNodePtr root)
{
    g_autofree char *type = propDup(root, "type");
    g_autofree char *uuidStr = NULL;
    xmlNodePtr n, target;

    if (!type) {
        vkReportError(VIR_ERR_XML_ERROR, "%s",
                      "missing required attribute 'type' in element 'pool'");
        return -1;
    }
    if ((def->type = enumIndex(poolTypes, VK_STORAGE_POOL_LAST, type)) < 0) {
        vkReportError(VIR_ERR_XML_ERROR,
                      "invalid value for attribute 'type' in element 'pool': '%s'", type);
        return -1;
    }
    if ((n = childNamed(root, "name")))
        def->name = nodeText(n);
    if (!checkName(def->name, "storage pool"))
        return -1;
    if ((n = childNamed(root, "uuid"))) {
        uuidStr = nodeText(n);
        if (vkUUIDParse(uuidStr, def->uuid) < 0) {
            vkReportError(VIR_ERR_XML_ERROR, "malformed uuid '%s' in storage pool '%s'",
                          uuidStr, def->name);
            return -1;
        }
    } else {
        vkUUIDGenerate(def->uuid);
    }
    if ((n = childNamed(root, "source")))
        def->source = vkXmlElemFromNode(n);
    target = childNamed(root, "target");
    if (target && (n = childNamed(target, "path")))
        def->targetPath = nodeText(n);
    if (def->targetPath && !*def->targetPath)
        g_clear_pointer(&def->targetPath, g_free);
    /* libvirt's default: a volume group's device directory */
    if (def->type == VK_STORAGE_POOL_LOGICAL && !def->targetPath) {
        xmlNodePtr src = childNamed(root, "source");
        g_autofree char *vg = src && (n = childNamed(src, "name")) ? nodeText(n) : NULL;

        def->targetPath = g_strdup_printf("/dev/%s", vg && *vg ? vg : def->name);
    }
    if (poolNeedsTarget(def->type) && !def->targetPath) {
        vkReportError(VIR_ERR_XML_ERROR, "missing storage pool target path in pool '%s'",
                      def->name);
        return -1;
    }
    if (def->targetPath && def->targetPath[0] != '/') {
        vkReportError(VIR_ERR_XML_ERROR,
                      "storage pool '%s' target path '%s' is not absolute",
                      def->name, def->targetPath);
        return -1;
    }
    def->targetExtra = targetExtra(target, false);
    return 0;
}

vkStoragePoolDef *
vkStoragePoolDefParseString(const char *xml)
{
    g_autoptr(vkStoragePoolDef) def = NULL;
    xmlNodePtr root;
    xmlDocPtr doc;
    int r;

    if (!(doc = readRoot(xml, "storage pool", "pool", &root)))
        return NULL;
    def = g_new0(vkStoragePoolDef, 1);
    r = poolParse(def, root);
    xmlFreeDoc(doc);
    return r < 0 ? NULL : g_steal_pointer(&def);
}

static void
formatTime(GString *buf, const char *name, const long long t[2])
{
    g_string_append_printf(buf, "      <%s>%lld", name, t[0]);
    if (t[1])
        g_string_append_printf(buf, ".%09lld", t[1]);
    g_string_append_printf(buf, "</%s>\n", name);
}

/* <permissions> and <timestamps> as libvirt writes them for a file it
 * looked at (btime is always 0 there: it does not read it). */
static void
formatHostInfo(GString *buf, const vkStorageHostInfo *info)
{
    g_string_append_printf(buf,
                           "    <permissions>\n"
                           "      <mode>0%o</mode>\n"
                           "      <owner>%u</owner>\n"
                           "      <group>%u</group>\n"
                           "    </permissions>\n",
                           info->mode & 07777, info->uid, info->gid);
    if (!info->hasTimes)
        return;
    g_string_append(buf, "    <timestamps>\n");
    formatTime(buf, "atime", info->atime);
    formatTime(buf, "mtime", info->mtime);
    formatTime(buf, "ctime", info->ctime);
    g_string_append(buf, "      <btime>0</btime>\n    </timestamps>\n");
}

static void
formatPathFormat(GString *buf, const char *path, const char *format)
{
    if (path) {
        g_string_append(buf, "    <path>");
        vkConfEscape(buf, path);
        g_string_append(buf, "</path>\n");
    }
    if (format) {
        g_string_append(buf, "    <format");
        vkConfAttr(buf, "type", format);
        g_string_append(buf, "/>\n");
    }
}

static void
formatTarget(GString *buf, const char *path, const char *format,
             const GPtrArray *extra, const vkStorageHostInfo *info)
{
    if (!path && !format && (!extra || !extra->len) && !info->set)
        return;
    g_string_append(buf, "  <target>\n");
    formatPathFormat(buf, path, format);
    if (info->set)
        formatHostInfo(buf, info);
    for (guint i = 0; extra && i < extra->len; i++) {
        const vkXmlElem *e = extra->pdata[i];

        if (info->set && (strcmp(e->name, "permissions") == 0 ||
                          strcmp(e->name, "timestamps") == 0))
            continue;
        vkXmlElemFormat(buf, e, 4);
    }
    g_string_append(buf, "  </target>\n");
}

char *
vkStoragePoolDefFormat(const vkStoragePoolDef *def)
{
    GString *buf = g_string_new(NULL);
    char uuid[VIR_UUID_STRING_BUFLEN];
    const vkXmlElem *src = def->source;

    g_string_append_printf(buf, "<pool type='%s'>\n  <name>", poolTypes[def->type]);
    vkConfEscape(buf, def->name);
    g_string_append_printf(buf, "</name>\n  <uuid>%s</uuid>\n",
                           vkUUIDFormat(def->uuid, uuid));
    g_string_append_printf(buf,
                           "  <capacity unit='bytes'>%llu</capacity>\n"
                           "  <allocation unit='bytes'>%llu</allocation>\n"
                           "  <available unit='bytes'>%llu</available>\n",
                           def->capacity, def->allocation, def->available);
    /* An empty source is written open/close, as libvirt does. */
    if (src && ((src->children && src->children->len) || (src->attrs && src->attrs->len)))
        vkXmlElemFormat(buf, src, 2);
    else
        g_string_append(buf, "  <source>\n  </source>\n");
    formatTarget(buf, def->targetPath, NULL, def->targetExtra, &def->targetInfo);
    g_string_append(buf, "</pool>\n");
    return g_string_free(buf, FALSE);
}

void
vkStorageVolDefFree(vkStorageVolDef *def)
{
    if (!def)
        return;
    g_free(def->name);
    g_free(def->key);
    g_free(def->path);
    g_free(def->format);
    if (def->targetExtra)
        g_ptr_array_unref(def->targetExtra);
    vkXmlElemFree(def->backingStore);
    vkXmlElemFree(def->source);
    g_free(def->compat);
    g_free(def->backingPath);
    g_free(def->backingFormat);
    g_free(def);
}

static int
volSize(xmlNodePtr node, const char *vol, unsigned long long *out)
{
    g_autofree char *text = nodeText(node);
    g_autofree char *unit = propDup(node, "unit");

    if (vkStorageParseSize(text, unit, out) < 0) {
        vkReportError(VIR_ERR_XML_ERROR, "malformed %s '%s%s%s' in volume '%s'",
                      (const char *)node->name, text, unit ? " " : "",
                      unit ? unit : "", vol);
        return -1;
    }
    return 0;
}

/* The parts of <target> a create honours: <compat>, <features>,
 * <permissions><mode>. */
static int
volParseCreateOptions(vkStorageVolDef *def, xmlNodePtr target)
{
    xmlNodePtr n, m;

    def->mode = -1;
    if (!target)
        return 0;
    if ((n = childNamed(target, "compat")))
        def->compat = nodeText(n);
    if ((n = childNamed(target, "features")) && childNamed(n, "lazy_refcounts"))
        def->lazyRefcounts = true;
    if ((n = childNamed(target, "permissions")) && (m = childNamed(n, "mode"))) {
        g_autofree char *text = nodeText(m);
        char *end = NULL;
        long v = strtol(text, &end, 8);

        if (!*text || *end || v < 0 || v > 07777) {
            vkReportError(VIR_ERR_XML_ERROR, "malformed octal mode '%s' in volume '%s'",
                          text, def->name);
            return -1;
        }
        def->mode = (int)v;
    }
    return 0;
}

static int
volParse(vkStorageVolDef *def, xmlNodePtr root)
{
    g_autofree char *type = propDup(root, "type");
    xmlNodePtr n, target;

    def->type = VIR_STORAGE_VOL_FILE;
    if (type && (def->type = enumIndex(volTypes, G_N_ELEMENTS(volTypes), type)) < 0) {
        vkReportError(VIR_ERR_XML_ERROR, "unknown storage volume type '%s'", type);
        return -1;
    }
    if ((n = childNamed(root, "name")))
        def->name = nodeText(n);
    if (!checkName(def->name, "storage volume"))
        return -1;
    if (!(n = childNamed(root, "capacity"))) {
        vkReportError(VIR_ERR_XML_ERROR, "missing capacity element in volume '%s'",
                      def->name);
        return -1;
    }
    if (volSize(n, def->name, &def->capacity) < 0)
        return -1;
    if ((n = childNamed(root, "allocation"))) {
        if (volSize(n, def->name, &def->allocation) < 0)
            return -1;
        def->hasAllocation = true;
    }
    if ((target = childNamed(root, "target")) && (n = childNamed(target, "format")))
        def->format = propDup(n, "type");
    def->targetExtra = targetExtra(target, true);
    if (volParseCreateOptions(def, target) < 0)
        return -1;
    if ((n = childNamed(root, "backingStore"))) {
        xmlNodePtr c;

        def->backingStore = vkXmlElemFromNode(n);
        if ((c = childNamed(n, "path")))
            def->backingPath = nodeText(c);
        if ((c = childNamed(n, "format")))
            def->backingFormat = propDup(c, "type");
    }
    return 0;
}

vkStorageVolDef *
vkStorageVolDefParseString(const char *xml)
{
    g_autoptr(vkStorageVolDef) def = NULL;
    xmlNodePtr root;
    xmlDocPtr doc;
    int r;

    if (!(doc = readRoot(xml, "storage volume", "volume", &root)))
        return NULL;
    def = g_new0(vkStorageVolDef, 1);
    r = volParse(def, root);
    xmlFreeDoc(doc);
    return r < 0 ? NULL : g_steal_pointer(&def);
}

char *
vkStorageVolDefFormat(const vkStorageVolDef *def)
{
    GString *buf = g_string_new(NULL);

    g_string_append_printf(buf, "<volume type='%s'>\n  <name>", volTypes[def->type]);
    vkConfEscape(buf, def->name);
    g_string_append(buf, "</name>\n");
    if (def->key) {
        g_string_append(buf, "  <key>");
        vkConfEscape(buf, def->key);
        g_string_append(buf, "</key>\n");
    }
    if (def->source)
        vkXmlElemFormat(buf, def->source, 2);
    g_string_append_printf(buf, "  <capacity unit='bytes'>%llu</capacity>\n",
                           def->capacity);
    g_string_append_printf(buf, "  <allocation unit='bytes'>%llu</allocation>\n",
                           def->hasAllocation ? def->allocation : def->capacity);
    if (def->hasPhysical)
        g_string_append_printf(buf, "  <physical unit='bytes'>%llu</physical>\n",
                               def->physical);
    formatTarget(buf, def->path, def->format, def->info.set ? NULL : def->targetExtra,
                 &def->info);
    if (def->info.set && def->backingPath) {
        g_string_append(buf, "  <backingStore>\n");
        formatPathFormat(buf, def->backingPath, def->backingFormat);
        if (def->backingInfo.set)
            formatHostInfo(buf, &def->backingInfo);
        g_string_append(buf, "  </backingStore>\n");
    } else if (def->backingStore) {
        vkXmlElemFormat(buf, def->backingStore, 2);
    }
    g_string_append(buf, "</volume>\n");
    return g_string_free(buf, FALSE);
}

vkStorageVolDef *
vkStorageVolDefCopy(const vkStorageVolDef *def)
{
    vkStorageVolDef *n = g_new0(vkStorageVolDef, 1);

    n->name = g_strdup(def->name);
    n->key = g_strdup(def->key);
    n->path = g_strdup(def->path);
    n->type = def->type;
    n->capacity = def->capacity;
    n->allocation = def->allocation;
    n->hasAllocation = def->hasAllocation;
    n->format = g_strdup(def->format);
    n->targetExtra = g_ptr_array_new_with_free_func((GDestroyNotify)vkXmlElemFree);
    for (guint i = 0; def->targetExtra && i < def->targetExtra->len; i++)
        g_ptr_array_add(n->targetExtra, vkXmlElemCopy(def->targetExtra->pdata[i]));
    n->backingStore = vkXmlElemCopy(def->backingStore);
    n->source = vkXmlElemCopy(def->source);
    n->compat = g_strdup(def->compat);
    n->lazyRefcounts = def->lazyRefcounts;
    n->mode = def->mode;
    n->backingPath = g_strdup(def->backingPath);
    n->backingFormat = g_strdup(def->backingFormat);
    n->hasPhysical = def->hasPhysical;
    n->physical = def->physical;
    n->info = def->info;
    n->backingInfo = def->backingInfo;
    return n;
}

/* The <host name=...> of a <source> specification; NULL (no error) when
 * it names none, NULL with an error when it is not XML. */
char *
vkStoragePoolSourceSpecHost(const char *srcSpec, bool *bad)
{
    xmlDocPtr doc;
    xmlNodePtr root;
    char *ret = NULL;

    *bad = false;
    if (!srcSpec)
        return NULL;
    if (!(doc = vkConfReadXML(srcSpec, "storage pool source"))) {
        *bad = true;
        return NULL;
    }
    root = xmlDocGetRootElement(doc);
    for (xmlNodePtr n = root ? root->children : NULL; n; n = n->next) {
        xmlChar *name;

        if (n->type != XML_ELEMENT_NODE || !xmlStrEqual(n->name, BAD_CAST "host") ||
            !(name = xmlGetProp(n, BAD_CAST "name")))
            continue;
        ret = g_strdup((const char *)name);
        xmlFree(name);
        break;
    }
    xmlFreeDoc(doc);
    return ret;
}
