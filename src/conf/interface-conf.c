/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Host interface XML: libvirt's parse checks over an element tree, and
 * libvirt's output order.  What libvirt's formatter writes depends on
 * where an interface sits: at the top level its <start>, <mtu>,
 * <protocol>s and <link> (not for a bridge); inside a bridge or bond only
 * its type's own part; inside a vlan only its name.  Of the <mac>, only an
 * ethernet interface's is kept, and only that one shows in listings.
 */
#include <string.h>

#define VIR_FROM_THIS VIR_FROM_INTERFACE
#include "util/error.h"
#include "conf/domain-conf-priv.h"
#include "conf/interface-conf.h"

enum { TOP, IN_BRIDGE, IN_VLAN };

void
vkInterfaceDefFree(vkInterfaceDef *def)
{
    if (!def)
        return;
    g_free(def->name);
    g_free(def->mac);
    vkXmlElemFree(def->xml);
    g_free(def);
}

vkInterfaceDef *
vkInterfaceDefCopy(const vkInterfaceDef *def)
{
    vkInterfaceDef *c = g_new0(vkInterfaceDef, 1);

    c->name = g_strdup(def->name);
    c->mac = g_strdup(def->mac);
    c->xml = vkXmlElemCopy(def->xml);
    return c;
}

static int
genericXMLError(const char *fmt, const char *arg)
{
    vkReportErrorFull(VIR_FROM_XML, VIR_ERR_XML_ERROR, __FILE__, __func__, __LINE__, fmt, arg);
    return -1;
}

static int checkIface(const vkXmlElem *e, int place);

/* The interfaces inside a bridge or bond. */
static int
checkMembers(const vkXmlElem *e)
{
    for (guint i = 0; e->children && i < e->children->len; i++) {
        vkXmlElem *c = e->children->pdata[i];
        if (strcmp(c->name, "interface") == 0 && checkIface(c, IN_BRIDGE) < 0)
            return -1;
    }
    return 0;
}

static int
checkIface(const vkXmlElem *e, int place)
{
    const char *type = vkXmlElemGetAttr(e, "type");
    vkXmlElem *c;

    if (place == IN_VLAN) {
        if (!vkXmlElemGetAttr(e, "name")) {
            vkReportError(VIR_ERR_XML_ERROR, "%s", "vlan interface misses name attribute");
            return -1;
        }
        return 0;
    }
    if (!type)
        return genericXMLError("Missing required attribute '%s' in element 'interface'", "type");
    if (strcmp(type, "ethernet") != 0 && strcmp(type, "bridge") != 0 &&
        strcmp(type, "bond") != 0 && strcmp(type, "vlan") != 0)
        return genericXMLError("Invalid value for attribute 'type' in element 'interface': '%s'.",
                        type);
    if (!vkXmlElemGetAttr(e, "name")) {
        vkReportError(VIR_ERR_XML_ERROR, "%s", "interface has no name");
        return -1;
    }
    if (place == TOP && (c = vkXmlElemChild(e, "start"))) {
        const char *mode = vkXmlElemGetAttr(c, "mode");
        if (!mode || (strcmp(mode, "onboot") && strcmp(mode, "none") &&
                      strcmp(mode, "hotplug"))) {
            vkReportError(VIR_ERR_XML_ERROR, "unknown interface startmode %s",
                          mode ? mode : "(null)");
            return -1;
        }
    }
    for (guint i = 0; place == TOP && e->children && i < e->children->len; i++) {
        const char *family;

        c = e->children->pdata[i];
        if (strcmp(c->name, "protocol") != 0)
            continue;
        family = vkXmlElemGetAttr(c, "family");
        if (!family || (strcmp(family, "ipv4") && strcmp(family, "ipv6"))) {
            vkReportError(VIR_ERR_XML_ERROR, "unsupported protocol family '%s'",
                          family ? family : "(null)");
            return -1;
        }
    }
    if (strcmp(type, "ethernet") == 0)
        return 0;
    if (!(c = vkXmlElemChild(e, type))) {
        vkReportError(VIR_ERR_XML_ERROR, "%s interface misses the %s element", type, type);
        return -1;
    }
    if (strcmp(type, "vlan") == 0) {
        vkXmlElem *dev = vkXmlElemChild(c, "interface");

        if (!vkXmlElemGetAttr(c, "tag")) {
            vkReportError(VIR_ERR_XML_ERROR, "%s", "vlan interface misses the tag attribute");
            return -1;
        }
        if (!dev) {
            vkReportError(VIR_ERR_XML_ERROR, "%s", "vlan interface misses name attribute");
            return -1;
        }
        return checkIface(dev, IN_VLAN);
    }
    return checkMembers(c);
}

vkInterfaceDef *
vkInterfaceDefParseString(const char *xml)
{
    g_autoptr(vkInterfaceDef) def = NULL;
    xmlDocPtr doc;
    xmlNodePtr root;
    vkXmlElem *mac;

    if (!(doc = vkConfReadXML(xml, "interface_definition")))
        return NULL;
    root = xmlDocGetRootElement(doc);
    if (strcmp((const char *)root->name, "interface") != 0) {
        genericXMLError("expecting root element of 'interface', not '%s'", (const char *)root->name);
        xmlFreeDoc(doc);
        return NULL;
    }
    def = g_new0(vkInterfaceDef, 1);
    def->xml = vkXmlElemFromNode(root);
    xmlFreeDoc(doc);
    if (checkIface(def->xml, TOP) < 0)
        return NULL;
    def->name = g_strdup(vkXmlElemGetAttr(def->xml, "name"));
    if (strcmp(vkXmlElemGetAttr(def->xml, "type"), "ethernet") == 0 &&
        (mac = vkXmlElemChild(def->xml, "mac")))
        def->mac = g_strdup(vkXmlElemGetAttr(mac, "address"));
    return g_steal_pointer(&def);
}

/* Each child of e named name, formatted as it was given. */
static void
each(GString *buf, const vkXmlElem *e, const char *name, int indent)
{
    for (guint i = 0; e->children && i < e->children->len; i++) {
        vkXmlElem *c = e->children->pdata[i];
        if (strcmp(c->name, name) == 0)
            vkXmlElemFormat(buf, c, indent);
    }
}

static void formatIface(GString *buf, const vkXmlElem *e, int indent, int place);

/* <bridge>, <bond> or <vlan>: its attributes, its own settings, then the
 * interfaces it holds. */
static void
formatHolder(GString *buf, const vkXmlElem *h, int indent, int memberPlace)
{
    g_string_append_printf(buf, "%*s<%s", indent, "", h->name);
    for (guint i = 0; h->attrs && i + 1 < h->attrs->len; i += 2)
        vkConfAttr(buf, h->attrs->pdata[i], h->attrs->pdata[i + 1]);
    g_string_append(buf, ">\n");
    each(buf, h, "miimon", indent + 2);
    each(buf, h, "arpmon", indent + 2);
    for (guint i = 0; h->children && i < h->children->len; i++) {
        vkXmlElem *c = h->children->pdata[i];
        if (strcmp(c->name, "interface") == 0)
            formatIface(buf, c, indent + 2, memberPlace);
    }
    g_string_append_printf(buf, "%*s</%s>\n", indent, "", h->name);
}

static void
formatProtocol(GString *buf, const vkXmlElem *p, int indent)
{
    static const char *const order[] = { "autoconf", "dhcp", "ip", "route", NULL };
    vkXmlElem *sorted = vkXmlElemCopy(p);

    if (sorted->children)
        vkXmlElemSortChildren(sorted, order);
    vkXmlElemFormat(buf, sorted, indent);
    vkXmlElemFree(sorted);
}

static void
formatIface(GString *buf, const vkXmlElem *e, int indent, int place)
{
    const char *type = vkXmlElemGetAttr(e, "type");
    vkXmlElem *c;

    if (place == IN_VLAN) {
        g_string_append_printf(buf, "%*s<interface", indent, "");
        vkConfAttr(buf, "name", vkXmlElemGetAttr(e, "name"));
        g_string_append(buf, "/>\n");
        return;
    }
    g_string_append_printf(buf, "%*s<interface", indent, "");
    vkConfAttr(buf, "type", type);
    vkConfAttr(buf, "name", vkXmlElemGetAttr(e, "name"));
    g_string_append(buf, ">\n");
    if (place == TOP) {
        each(buf, e, "start", indent + 2);
        each(buf, e, "mtu", indent + 2);
        for (guint i = 0; e->children && i < e->children->len; i++) {
            c = e->children->pdata[i];
            if (strcmp(c->name, "protocol") == 0)
                formatProtocol(buf, c, indent + 2);
        }
        if (strcmp(type, "bridge") != 0)
            each(buf, e, "link", indent + 2);
    }
    if (strcmp(type, "ethernet") == 0)
        each(buf, e, "mac", indent + 2);
    else if ((c = vkXmlElemChild(e, type)))
        formatHolder(buf, c, indent + 2, strcmp(type, "vlan") == 0 ? IN_VLAN : IN_BRIDGE);
    g_string_append_printf(buf, "%*s</interface>\n", indent, "");
}

char *
vkInterfaceDefFormat(const vkInterfaceDef *def)
{
    GString *buf = g_string_new(NULL);

    formatIface(buf, def->xml, 0, TOP);
    return g_string_free(buf, FALSE);
}
