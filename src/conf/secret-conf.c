/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * <secret> <-> vkSecretDef.  libvirt reads a secret by path (the first
 * <uuid>, <description> and <usage> children), so other elements are
 * ignored and an empty element counts as absent; the errors and their
 * codes are libvirt 9.0's, checked against its secret driver.
 */
#include <string.h>

#define VIR_FROM_THIS VIR_FROM_SECRET
#include "util/error.h"
#include "util/uuid.h"
#include "conf/secret-conf.h"
#include "conf/domain-conf-priv.h"

/* Per usage type: its name and the child of <usage> holding the ID, and
 * how libvirt names it in "... usage specified, but X is missing". */
static const struct {
    const char *name;
    const char *elem;
    const char *label;
    const char *what;
} usages[] = {
    [VIR_SECRET_USAGE_TYPE_NONE] = { "none", NULL, NULL, NULL },
    [VIR_SECRET_USAGE_TYPE_VOLUME] = { "volume", "volume", "volume", "volume path" },
    [VIR_SECRET_USAGE_TYPE_CEPH] = { "ceph", "name", "Ceph", "name" },
    [VIR_SECRET_USAGE_TYPE_ISCSI] = { "iscsi", "target", "iSCSI", "target" },
    [VIR_SECRET_USAGE_TYPE_TLS] = { "tls", "name", "TLS", "name" },
    [VIR_SECRET_USAGE_TYPE_VTPM] = { "vtpm", "name", "vTPM", "name" },
};

const char *
vkSecretUsageTypeName(int type)
{
    if (type < 0 || type >= (int)G_N_ELEMENTS(usages))
        return NULL;
    return usages[type].name;
}

void
vkSecretDefFree(vkSecretDef *def)
{
    if (!def)
        return;
    g_free(def->description);
    g_free(def->usageID);
    g_free(def);
}

static xmlNodePtr
firstChild(xmlNodePtr node, const char *name)
{
    for (xmlNodePtr c = node->children; c; c = c->next) {
        if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, name) == 0)
            return c;
    }
    return NULL;
}

/* The text of the first child named name; NULL when absent or empty. */
static char *
childText(xmlNodePtr node, const char *name)
{
    xmlNodePtr c = firstChild(node, name);
    char *s = c ? vkXmlText(c) : NULL;

    if (s && !*s)
        g_clear_pointer(&s, g_free);
    return s;
}

static int
parseYesNo(xmlNodePtr root, const char *attr, bool *out)
{
    const char *v = vkXmlAttr(root, attr);

    if (!v)
        return 0;
    if (strcmp(v, "yes") == 0 || strcmp(v, "no") == 0) {
        *out = v[0] == 'y';
        return 0;
    }
    vkReportError(VIR_ERR_XML_ERROR, "invalid value of '%s'", attr);
    return -1;
}

static int
parseUsage(vkSecretDef *def, xmlNodePtr usage)
{
    const char *type = vkXmlAttr(usage, "type");
    int t;

    if (!type || !*type) {
        vkReportError(VIR_ERR_XML_ERROR, "%s", "unknown secret usage type");
        return -1;
    }
    for (t = VIR_SECRET_USAGE_TYPE_VOLUME; t < (int)G_N_ELEMENTS(usages); t++) {
        if (strcmp(type, usages[t].name) == 0)
            break;
    }
    if (t == (int)G_N_ELEMENTS(usages)) {
        vkReportError(VIR_ERR_CONFIG_UNSUPPORTED, "unknown secret usage type %s", type);
        return -1;
    }
    def->usageType = t;
    if (!(def->usageID = childText(usage, usages[t].elem))) {
        vkReportError(VIR_ERR_INTERNAL_ERROR, "%s usage specified, but %s is missing",
                      usages[t].label, usages[t].what);
        return -1;
    }
    return 0;
}

vkSecretDef *
vkSecretDefParseString(const char *xml)
{
    xmlDocPtr doc = vkConfReadXML(xml, "secret");
    g_autoptr(vkSecretDef) def = NULL;
    g_autofree char *uuid = NULL;
    xmlNodePtr root, usage;
    int rc = -1;

    if (!doc)
        return NULL;
    root = xmlDocGetRootElement(doc);
    def = g_new0(vkSecretDef, 1);
    if (strcmp((const char *)root->name, "secret") != 0) {
        vkReportError(VIR_ERR_XML_ERROR, "expecting root element of 'secret', not '%s'",
                      (const char *)root->name);
        goto out;
    }
    if (parseYesNo(root, "ephemeral", &def->ephemeral) < 0 ||
        parseYesNo(root, "private", &def->isPrivate) < 0)
        goto out;
    if ((uuid = childText(root, "uuid"))) {
        if (vkUUIDParse(uuid, def->uuid) < 0) {
            vkReportError(VIR_ERR_INTERNAL_ERROR, "%s", "malformed uuid element");
            goto out;
        }
    } else {
        vkUUIDGenerate(def->uuid);
    }
    def->description = childText(root, "description");
    if ((usage = firstChild(root, "usage")) && parseUsage(def, usage) < 0)
        goto out;
    rc = 0;
 out:
    xmlFreeDoc(doc);
    return rc == 0 ? g_steal_pointer(&def) : NULL;
}

char *
vkSecretDefFormat(const vkSecretDef *def)
{
    GString *buf = g_string_new(NULL);
    char uuid[VIR_UUID_STRING_BUFLEN];

    g_string_append_printf(buf, "<secret ephemeral='%s' private='%s'>\n",
                           def->ephemeral ? "yes" : "no", def->isPrivate ? "yes" : "no");
    g_string_append_printf(buf, "  <uuid>%s</uuid>\n", vkUUIDFormat(def->uuid, uuid));
    if (def->description) {
        g_string_append(buf, "  <description>");
        vkConfEscape(buf, def->description);
        g_string_append(buf, "</description>\n");
    }
    if (def->usageType > VIR_SECRET_USAGE_TYPE_NONE &&
        def->usageType < (int)G_N_ELEMENTS(usages)) {
        const char *elem = usages[def->usageType].elem;

        g_string_append_printf(buf, "  <usage type='%s'>\n    <%s>",
                               usages[def->usageType].name, elem);
        vkConfEscape(buf, def->usageID);
        g_string_append_printf(buf, "</%s>\n  </usage>\n", elem);
    }
    g_string_append(buf, "</secret>\n");
    return g_string_free(buf, FALSE);
}
