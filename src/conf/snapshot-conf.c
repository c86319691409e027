/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * <domainsnapshot> parser and formatter, and the per-domain snapshot tree.
 *
 * The document goes through the conf module's guarded reader; the embedded
 * <domain> through the domain parser, so a snapshot's domain is held in
 * exactly the form a defined domain is.  The tree keeps definitions in
 * creation order and links them by parent name only: a parent is found by
 * name when asked, which keeps deletion (children move up) trivial and the
 * tree impossible to leave with a dangling pointer.
 */
#include <string.h>
#include <stdlib.h>
#include <libxml/tree.h>

#include "conf/snapshot-conf.h"
#include "conf/domain-conf-priv.h"

#define VIR_FROM_THIS VIR_FROM_DOMAIN_SNAPSHOT
#include "util/error.h"

static void
diskFree(vkSnapshotDiskDef *d)
{
    if (!d)
        return;
    g_free(d->name);
    g_free(d->snapshot);
    g_free(d->file);
    g_free(d->driverType);
    g_free(d);
}

void
vkSnapshotDefFree(vkSnapshotDef *def)
{
    if (!def)
        return;
    g_free(def->name);
    g_free(def->description);
    g_free(def->state);
    g_free(def->parent);
    g_free(def->memory);
    g_free(def->memoryFile);
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

static bool
oneOf(const char *v, const char *const *allowed)
{
    for (; *allowed; allowed++) {
        if (strcmp(v, *allowed) == 0)
            return true;
    }
    return false;
}

static const char *const memoryKinds[] = { "no", "internal", "external", NULL };
static const char *const diskKinds[] = { "no", "internal", "external", "manual", NULL };
static const char *const stateNames[] = {
    "nostate", "running", "blocked", "paused", "shutdown", "shutoff", "crashed",
    "pmsuspended", "disk-snapshot", NULL
};

const char *
vkSnapshotStateName(int state)
{
    if (state < 0 || state > VK_SNAPSHOT_STATE_DISK_SNAPSHOT)
        return "nostate";
    return stateNames[state];
}

int
vkSnapshotStateFromName(const char *name)
{
    for (int i = 0; name && stateNames[i]; i++) {
        if (strcmp(stateNames[i], name) == 0)
            return i;
    }
    return VIR_DOMAIN_NOSTATE;
}

static int
exclusive(unsigned int flags, unsigned int a, const char *an, unsigned int b, const char *bn)
{
    if ((flags & a) && (flags & b)) {
        vkReportError(VIR_ERR_INVALID_ARG, "Flags '%s' and '%s' are mutually exclusive",
                      an, bn);
        return -1;
    }
    return 0;
}

int
vkSnapshotCheckCreateFlags(unsigned int flags)
{
    if ((flags & VIR_DOMAIN_SNAPSHOT_CREATE_CURRENT) &&
        !(flags & VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE)) {
        vkReportError(VIR_ERR_INVALID_ARG, "%s",
                      "Flag 'VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE' is required by flag "
                      "'VIR_DOMAIN_SNAPSHOT_CREATE_CURRENT'");
        return -1;
    }
#define X(f) VIR_DOMAIN_SNAPSHOT_CREATE_##f, "VIR_DOMAIN_SNAPSHOT_CREATE_" #f
    if (exclusive(flags, X(REDEFINE), X(NO_METADATA)) < 0 ||
        exclusive(flags, X(REDEFINE), X(HALT)) < 0 ||
        exclusive(flags, X(REDEFINE), X(LIVE)) < 0)
        return -1;
#undef X
    return 0;
}

static int
parseDisk(vkSnapshotDef *def, xmlNodePtr node)
{
    vkSnapshotDiskDef *d;
    const char *name = vkXmlAttr(node, "name");
    const char *kind = vkXmlAttr(node, "snapshot");

    if (!name || !*name) {
        vkReportError(VIR_ERR_XML_ERROR, "%s", "snapshot <disk> without a name");
        return -1;
    }
    if (kind && !oneOf(kind, diskKinds)) {
        vkReportError(VIR_ERR_XML_DETAIL, "unknown disk snapshot type '%s'", kind);
        return -1;
    }
    for (guint i = 0; i < def->disks->len; i++) {
        if (strcmp(((vkSnapshotDiskDef *)def->disks->pdata[i])->name, name) == 0) {
            vkReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                          "disk '%s' specified twice in the snapshot", name);
            return -1;
        }
    }
    d = g_new0(vkSnapshotDiskDef, 1);
    g_ptr_array_add(def->disks, d);
    d->name = g_strdup(name);
    d->snapshot = g_strdup(kind);
    for (xmlNodePtr c = node->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (nameIs(c, "source")) {
            vkXmlSetAttr(&d->file, c, "file");
        } else if (nameIs(c, "driver")) {
            vkXmlSetAttr(&d->driverType, c, "type");
        } else {
            vkReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                          "snapshot disk element <%s> is not supported", c->name);
            return -1;
        }
    }
    /* a source without a snapshot attribute means an external snapshot */
    if (!d->snapshot && d->file)
        d->snapshot = g_strdup("external");
    return 0;
}

int
vkMomentParseCommon(xmlNodePtr c, vkMomentCommon *m, bool redefine)
{
    if (nameIs(c, "name")) {
        g_free(*m->name);
        *m->name = vkXmlText(c);
    } else if (nameIs(c, "description")) {
        g_free(*m->description);
        *m->description = vkXmlText(c);
    } else if (nameIs(c, "parent")) {
        for (xmlNodePtr p = c->children; redefine && p; p = p->next) {
            if (p->type == XML_ELEMENT_NODE && nameIs(p, "name")) {
                g_free(*m->parent);
                *m->parent = vkXmlText(p);
            }
        }
    } else if (nameIs(c, "creationTime")) {
        g_autofree char *t = vkXmlText(c);
        char *end = NULL;
        if (!redefine)
            return 1;
        if (!t || (*m->creationTime = strtoll(t, &end, 10), *end) || end == t) {
            vkReportError(VIR_ERR_XML_DETAIL, "invalid creationTime '%s'", t ? t : "");
            return -1;
        }
    } else {
        return 0;
    }
    return 1;
}

xmlDocPtr
vkMomentReadDoc(const char *xml, const char *root, int errDomain)
{
    xmlDocPtr doc = vkConfReadXML(xml, root);
    xmlNodePtr top;

    if (!doc)
        return NULL;
    top = xmlDocGetRootElement(doc);
    if (!nameIs(top, root)) {
        vkReportErrorFull(errDomain, VIR_ERR_XML_ERROR, __FILE__, __func__, __LINE__,
                          "expected root element <%s>, not <%s>", root, top->name);
        xmlFreeDoc(doc);
        return NULL;
    }
    return doc;
}

void
vkMomentFormatHead(GString *buf, const char *root, const char *name,
                   const char *description, const char *state, const char *parent,
                   long long creationTime)
{
    g_string_append_printf(buf, "<%s>\n  <name>", root);
    vkConfEscape(buf, name);
    g_string_append(buf, "</name>\n");
    if (description) {
        g_string_append(buf, "  <description>");
        vkConfEscape(buf, description);
        g_string_append(buf, "</description>\n");
    }
    if (state)
        g_string_append_printf(buf, "  <state>%s</state>\n", state);
    if (parent) {
        g_string_append(buf, "  <parent>\n    <name>");
        vkConfEscape(buf, parent);
        g_string_append(buf, "</name>\n  </parent>\n");
    }
    g_string_append_printf(buf, "  <creationTime>%lld</creationTime>\n", creationTime);
}

void
vkMomentFormatDomain(GString *buf, const vkDomainDef *dom, bool secure)
{
    unsigned int flags = VIR_DOMAIN_XML_INACTIVE | (secure ? VIR_DOMAIN_XML_SECURE : 0);
    g_autofree char *dx = vkDomainDefFormat(dom, flags);
    g_auto(GStrv) lines = g_strsplit(dx, "\n", -1);

    for (char **l = lines; *l; l++) {
        if (**l)
            g_string_append_printf(buf, "  %s\n", *l);
    }
}

static int
parseTop(vkSnapshotDef *def, xmlNodePtr c, const char *virtType, unsigned int flags)
{
    bool redefine = flags & VK_SNAPSHOT_PARSE_REDEFINE;
    vkMomentCommon m = { &def->name, &def->description, &def->parent, &def->creationTime };
    int rc;

    /* libvirt ignores parent and time outside a redefinition */
    if ((rc = vkMomentParseCommon(c, &m, redefine)) != 0)
        return rc < 0 ? -1 : 0;
    if (nameIs(c, "state")) {
        g_autofree char *st = vkXmlText(c);
        if (!redefine)
            return 0;   /* libvirt ignores it outside a redefinition */
        if (!st || !oneOf(st, stateNames)) {
            vkReportError(VIR_ERR_XML_DETAIL, "Invalid state '%s' in domain snapshot XML",
                          st ? st : "");
            return -1;
        }
        g_free(def->state);
        def->state = g_steal_pointer(&st);
    } else if (nameIs(c, "memory")) {
        const char *kind = vkXmlAttr(c, "snapshot");
        if (kind && !oneOf(kind, memoryKinds)) {
            vkReportError(VIR_ERR_XML_DETAIL, "unknown memory snapshot setting '%s'", kind);
            return -1;
        }
        vkXmlSetAttr(&def->memory, c, "snapshot");
        vkXmlSetAttr(&def->memoryFile, c, "file");
        if (!def->memory && def->memoryFile)
            def->memory = g_strdup("external");
    } else if (nameIs(c, "disks")) {
        for (xmlNodePtr d = c->children; d; d = d->next) {
            if (d->type != XML_ELEMENT_NODE)
                continue;
            if (!nameIs(d, "disk")) {
                vkReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                              "snapshot element <disks><%s> is not supported", d->name);
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
    } else if (nameIs(c, "active") && (flags & VK_SNAPSHOT_PARSE_INTERNAL)) {
        g_autofree char *a = vkXmlText(c);
        def->active = a && strcmp(a, "1") == 0;
    } else {
        vkReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      "domain snapshot element <%s> is not supported", c->name);
        return -1;
    }
    return 0;
}

vkSnapshotDef *
vkSnapshotDefParseString(const char *xml, const char *virtType, unsigned int flags)
{
    g_autoptr(vkSnapshotDef) def = g_new0(vkSnapshotDef, 1);
    xmlDocPtr doc;
    int rc = 0;

    def->disks = g_ptr_array_new_with_free_func((GDestroyNotify)diskFree);
    if (!(doc = vkMomentReadDoc(xml, "domainsnapshot", VIR_FROM_THIS)))
        return NULL;
    for (xmlNodePtr c = xmlDocGetRootElement(doc)->children; c && rc == 0; c = c->next) {
        if (c->type == XML_ELEMENT_NODE)
            rc = parseTop(def, c, virtType, flags);
    }
    xmlFreeDoc(doc);
    if (rc < 0)
        return NULL;
    if (def->name && !*def->name) {
        vkReportError(VIR_ERR_XML_DETAIL, "invalid snapshot name '%s'", def->name);
        return NULL;
    }
    if (flags & VK_SNAPSHOT_PARSE_REDEFINE) {
        if (!def->name) {
            vkReportError(VIR_ERR_XML_DETAIL, "%s", "a redefined snapshot must have a name");
            return NULL;
        }
        if (!def->creationTime) {
            vkReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                          "missing creationTime from existing snapshot");
            return NULL;
        }
        if (!def->state) {
            vkReportError(VIR_ERR_INTERNAL_ERROR, "%s", "missing state from existing snapshot");
            return NULL;
        }
    }
    if ((flags & VK_SNAPSHOT_PARSE_DISKS) && def->memory && strcmp(def->memory, "no") != 0) {
        vkReportError(VIR_ERR_XML_ERROR, "%s",
                      "memory state cannot be saved with offline or disk-only snapshot");
        return NULL;
    }
    return g_steal_pointer(&def);
}

int
vkSnapshotDefAlignDisks(vkSnapshotDef *def, bool diskOnly, bool running)
{
    GPtrArray *disks = vkDomainDevList(def->dom, VK_DOMAIN_DEVICE_DISK);
    g_autoptr(GPtrArray) aligned =
        g_ptr_array_new_with_free_func((GDestroyNotify)diskFree);
    const char *dflt = diskOnly ? "external" : "internal";

    if (!def->memory)
        def->memory = g_strdup(diskOnly || !running ? "no" : "internal");
    /* every listed disk must exist in the domain */
    for (guint i = 0; i < def->disks->len; i++) {
        vkSnapshotDiskDef *sd = def->disks->pdata[i];
        bool found = false;
        for (guint j = 0; disks && j < disks->len && !found; j++)
            found = strcmp(((vkDomainDiskDef *)disks->pdata[j])->dst, sd->name) == 0;
        if (!found) {
            vkReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                          "no disk named '%s'", sd->name);
            return -1;
        }
    }
    /* one entry per domain disk, in the domain's order */
    for (guint j = 0; disks && j < disks->len; j++) {
        vkDomainDiskDef *dd = disks->pdata[j];
        vkSnapshotDiskDef *sd = NULL;
        for (guint i = 0; i < def->disks->len; i++) {
            if (strcmp(((vkSnapshotDiskDef *)def->disks->pdata[i])->name, dd->dst) == 0)
                sd = g_ptr_array_steal_index(def->disks, i);
            if (sd)
                break;
        }
        if (!sd) {
            sd = g_new0(vkSnapshotDiskDef, 1);
            sd->name = g_strdup(dd->dst);
        }
        if (!sd->snapshot) {
            bool removable = dd->device == VK_DOMAIN_DISK_DEVICE_CDROM ||
                             dd->device == VK_DOMAIN_DISK_DEVICE_FLOPPY;
            sd->snapshot = g_strdup(removable || !dd->src ? "no" : dflt);
        }
        if (strcmp(sd->snapshot, "external") == 0 && !sd->file && dd->src) {
            /* libvirt's default overlay name: the image's, with the
             * extension replaced by the snapshot name */
            const char *dot = strrchr(dd->src, '.');
            const char *slash = strrchr(dd->src, '/');
            size_t stem = dot && (!slash || dot > slash) ? (size_t)(dot - dd->src)
                                                          : strlen(dd->src);
            sd->file = g_strdup_printf("%.*s.%s", (int)stem, dd->src, def->name);
        }
        g_ptr_array_add(aligned, sd);
    }
    g_ptr_array_unref(def->disks);
    def->disks = g_steal_pointer(&aligned);
    return 0;
}

char *
vkSnapshotDefFormat(const vkSnapshotDef *def, unsigned int flags)
{
    GString *buf = g_string_new(NULL);

    vkMomentFormatHead(buf, "domainsnapshot", def->name, def->description, def->state,
                       def->parent, def->creationTime);
    if (def->memory) {
        g_string_append(buf, "  <memory");
        vkConfAttr(buf, "snapshot", def->memory);
        if (def->memoryFile)
            vkConfAttr(buf, "file", def->memoryFile);
        g_string_append(buf, "/>\n");
    }
    if (def->disks && def->disks->len) {
        g_string_append(buf, "  <disks>\n");
        for (guint i = 0; i < def->disks->len; i++) {
            vkSnapshotDiskDef *d = def->disks->pdata[i];
            g_string_append(buf, "    <disk");
            vkConfAttr(buf, "name", d->name);
            if (d->snapshot)
                vkConfAttr(buf, "snapshot", d->snapshot);
            if (d->file || d->driverType) {
                if (d->file)
                    g_string_append(buf, " type='file'");
                g_string_append(buf, ">\n");
                if (d->driverType) {
                    g_string_append(buf, "      <driver");
                    vkConfAttr(buf, "type", d->driverType);
                    g_string_append(buf, "/>\n");
                }
                if (d->file) {
                    g_string_append(buf, "      <source");
                    vkConfAttr(buf, "file", d->file);
                    g_string_append(buf, "/>\n");
                }
                g_string_append(buf, "    </disk>\n");
            } else {
                g_string_append(buf, "/>\n");
            }
        }
        g_string_append(buf, "  </disks>\n");
    }
    if (def->dom)
        vkMomentFormatDomain(buf, def->dom, flags & VK_SNAPSHOT_FORMAT_SECURE);
    if (flags & VK_SNAPSHOT_FORMAT_INTERNAL)
        g_string_append_printf(buf, "  <active>%d</active>\n", def->active ? 1 : 0);
    g_string_append(buf, "</domainsnapshot>\n");
    return g_string_free(buf, FALSE);
}
