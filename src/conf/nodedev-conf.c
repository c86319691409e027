/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Host device definitions: parse and format libvirt's <device> XML.
 *
 * The idea: the name, parent and capability types are all a driver needs
 * to list, filter and look devices up; the rest of each capability is
 * kept verbatim (as vkXmlElem trees) and formatted back in libvirt's
 * element order, so a device description round-trips unchanged.
 */
#include <string.h>
#include <libxml/tree.h>

#include "conf/nodedev-conf.h"
#include "conf/domain-conf-priv.h"

#define VIR_FROM_THIS VIR_FROM_NODEDEV
#include "util/error.h"

/* Index i is the VIR_CONNECT_LIST_NODE_DEVICES_CAP_* bit 1 << i. */
static const char *const capNames[] = {
    "system", "pci", "usb_device", "usb", "net", "scsi_host", "scsi_target",
    "scsi", "storage", "fc_host", "vports", "scsi_generic", "drm", "mdev_types",
    "mdev", "ccw", "css", "vdpa", "ap_card", "ap_queue", "ap_matrix", "vpd",
};

/* Children of <device> other than name/parent/capability, in libvirt's order. */
static const char *const infoOrder[] = { "path", "devnode", "driver" };

unsigned int
vkNodeDeviceCapFlag(const char *cap)
{
    for (size_t i = 0; cap && i < G_N_ELEMENTS(capNames); i++) {
        if (strcmp(capNames[i], cap) == 0)
            return 1u << i;
    }
    return 0;
}

void
vkNodeDeviceDefFree(vkNodeDeviceDef *def)
{
    if (!def)
        return;
    g_free(def->name);
    g_free(def->parent);
    if (def->info)
        g_ptr_array_unref(def->info);
    if (def->caps)
        g_ptr_array_unref(def->caps);
    g_free(def);
}

static char *
nodeText(xmlNodePtr node)
{
    xmlChar *t = xmlNodeGetContent(node);
    char *ret = g_strstrip(g_strdup(t ? (const char *)t : ""));

    xmlFree(t);
    return ret;
}

static int
parseDevice(vkNodeDeviceDef *def, xmlNodePtr root, bool forCreate)
{
    xmlNodePtr c;

    def->info = g_ptr_array_new_with_free_func((GDestroyNotify)vkXmlElemFree);
    def->caps = g_ptr_array_new_with_free_func((GDestroyNotify)vkXmlElemFree);
    for (c = root->children; c; c = c->next) {
        const char *n = (const char *)c->name;

        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (strcmp(n, "name") == 0 && !def->name) {
            def->name = nodeText(c);
        } else if (strcmp(n, "parent") == 0 && !def->parent) {
            def->parent = nodeText(c);
        } else if (strcmp(n, "capability") == 0) {
            vkXmlElem *cap = vkXmlElemFromNode(c);
            const char *type = vkXmlElemGetAttr(cap, "type");

            g_ptr_array_add(def->caps, cap);
            if (!type) {
                vkReportError(VIR_ERR_XML_ERROR, "%s",
                              "missing capability type in node device XML");
                return -1;
            }
            if (!vkNodeDeviceCapFlag(type)) {
                vkReportError(VIR_ERR_XML_ERROR,
                              "unknown capability type '%s' in node device XML", type);
                return -1;
            }
        } else {
            g_ptr_array_add(def->info, vkXmlElemFromNode(c));
        }
    }
    if (!def->name && !forCreate) {
        vkReportError(VIR_ERR_NO_NAME, "%s", "missing name in node device XML");
        return -1;
    }
    if (def->name && (!*def->name || strchr(def->name, '/'))) {
        vkReportError(VIR_ERR_XML_ERROR, "invalid node device name '%s'", def->name);
        return -1;
    }
    if (def->parent && !*def->parent)
        g_clear_pointer(&def->parent, g_free);
    if (def->caps->len == 0) {
        vkReportError(VIR_ERR_XML_ERROR, "no device capabilities for '%s'",
                      def->name ? def->name : "(new device)");
        return -1;
    }
    return 0;
}

vkNodeDeviceDef *
vkNodeDeviceDefParseString(const char *xml, bool forCreate)
{
    g_autoptr(vkNodeDeviceDef) def = NULL;
    xmlDocPtr doc;
    xmlNodePtr root;
    int r;

    if (!(doc = vkConfReadXML(xml, "node device")))
        return NULL;
    root = xmlDocGetRootElement(doc);
    if (strcmp((const char *)root->name, "device") != 0) {
        vkReportError(VIR_ERR_XML_ERROR, "expecting root element of 'device', not '%s'",
                      (const char *)root->name);
        xmlFreeDoc(doc);
        return NULL;
    }
    def = g_new0(vkNodeDeviceDef, 1);
    r = parseDevice(def, root, forCreate);
    xmlFreeDoc(doc);
    return r < 0 ? NULL : g_steal_pointer(&def);
}

static void
textElem(GString *buf, const char *name, const char *value)
{
    g_string_append_printf(buf, "  <%s>", name);
    vkConfEscape(buf, value);
    g_string_append_printf(buf, "</%s>\n", name);
}

char *
vkNodeDeviceDefFormat(const vkNodeDeviceDef *def)
{
    GString *buf = g_string_new("<device>\n");
    size_t k;
    guint i;

    textElem(buf, "name", def->name ? def->name : "");
    for (k = 0; k < G_N_ELEMENTS(infoOrder); k++) {
        /* path before devnode, driver after parent: libvirt's layout */
        if (strcmp(infoOrder[k], "driver") == 0 && def->parent)
            textElem(buf, "parent", def->parent);
        for (i = 0; i < def->info->len; i++) {
            const vkXmlElem *e = def->info->pdata[i];
            if (strcmp(e->name, infoOrder[k]) == 0)
                vkXmlElemFormat(buf, e, 2);
        }
    }
    for (i = 0; i < def->info->len; i++) {
        const vkXmlElem *e = def->info->pdata[i];
        bool known = false;

        for (k = 0; k < G_N_ELEMENTS(infoOrder); k++)
            known = known || strcmp(e->name, infoOrder[k]) == 0;
        if (!known)
            vkXmlElemFormat(buf, e, 2);
    }
    for (i = 0; i < def->caps->len; i++)
        vkXmlElemFormat(buf, def->caps->pdata[i], 2);
    g_string_append(buf, "</device>\n");
    return g_string_free(buf, FALSE);
}

vkNodeDeviceDef *
vkNodeDeviceDefCopy(const vkNodeDeviceDef *def)
{
    vkNodeDeviceDef *n = g_new0(vkNodeDeviceDef, 1);
    guint i;

    n->name = g_strdup(def->name);
    n->parent = g_strdup(def->parent);
    n->info = g_ptr_array_new_with_free_func((GDestroyNotify)vkXmlElemFree);
    n->caps = g_ptr_array_new_with_free_func((GDestroyNotify)vkXmlElemFree);
    for (i = 0; i < def->info->len; i++)
        g_ptr_array_add(n->info, vkXmlElemCopy(def->info->pdata[i]));
    for (i = 0; i < def->caps->len; i++)
        g_ptr_array_add(n->caps, vkXmlElemCopy(def->caps->pdata[i]));
    return n;
}

static vkXmlElem *
nestedCap(const vkXmlElem *cap, const char *type)
{
    for (guint i = 0; cap->children && i < cap->children->len; i++) {
        vkXmlElem *c = cap->children->pdata[i];

        if (strcmp(c->name, "capability") == 0 &&
            g_strcmp0(vkXmlElemGetAttr(c, "type"), type) == 0)
            return c;
    }
    return NULL;
}

vkXmlElem *
vkNodeDeviceDefFindCap(const vkNodeDeviceDef *def, const char *type)
{
    for (guint i = 0; i < def->caps->len; i++) {
        vkXmlElem *cap = def->caps->pdata[i];
        const char *t = vkXmlElemGetAttr(cap, "type");
        vkXmlElem *sub;

        if (g_strcmp0(t, type) == 0)
            return cap;
        if (g_strcmp0(t, "scsi_host") == 0 && (sub = nestedCap(cap, type)))
            return sub;
    }
    return NULL;
}

unsigned int
vkNodeDeviceDefCapFlags(const vkNodeDeviceDef *def)
{
    unsigned int flags = 0;

    for (guint i = 0; i < def->caps->len; i++)
        flags |= vkNodeDeviceCapFlag(vkXmlElemGetAttr(def->caps->pdata[i], "type"));
    if (vkNodeDeviceDefFindCap(def, "fc_host"))
        flags |= VIR_CONNECT_LIST_NODE_DEVICES_CAP_FC_HOST;
    if (vkNodeDeviceDefFindCap(def, "vport_ops"))
        flags |= VIR_CONNECT_LIST_NODE_DEVICES_CAP_VPORTS;
    return flags;
}
