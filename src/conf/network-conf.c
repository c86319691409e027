/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Virtual network definitions: parse and format libvirt's <network> XML.
 *
 * The idea: interpret the few fields the drivers act on (name, UUID,
 * forward mode, bridge) and keep the rest as detached vkXmlElem trees, so
 * the formatter writes back exactly what was given, canonically indented,
 * and the definition owns no libxml2 document.
 */
#include <string.h>
#include <libxml/tree.h>

#include "conf/network-conf.h"
#include "conf/domain-conf-priv.h"
#include "util/uuid.h"

#define VIR_FROM_THIS VIR_FROM_NETWORK
#include "util/error.h"

static const char *const forwardModes[] = {
    "nat", "route", "open", "bridge", "private", "vepa", "passthrough", "hostdev",
};

const char vkNetworkDefaultXML[] =
    "<network>"
    "<name>default</name>"
    "<forward mode='nat'/>"
    "<bridge name='virbr0' stp='on' delay='0'/>"
    "<ip address='192.168.122.1' netmask='255.255.255.0'>"
    "<dhcp><range start='192.168.122.2' end='192.168.122.254'/></dhcp>"
    "</ip>"
    "</network>";

void
vkNetworkDefFree(vkNetworkDef *def)
{
    if (!def)
        return;
    g_free(def->name);
    g_free(def->ipv6);
    g_free(def->trustGuestRxFilters);
    g_free(def->forwardMode);
    vkXmlElemFree(def->forward);
    vkXmlElemFree(def->bridge);
    if (def->extra)
        g_ptr_array_unref(def->extra);
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

static char *
propDup(xmlNodePtr node, const char *name)
{
    xmlChar *v = xmlGetProp(node, (const xmlChar *)name);
    char *ret = v ? g_strdup((const char *)v) : NULL;

    xmlFree(v);
    return ret;
}

static bool
modeUsesBridgeDefaults(const char *mode)
{
    return !mode || strcmp(mode, "nat") == 0 || strcmp(mode, "route") == 0 ||
           strcmp(mode, "open") == 0;
}

static int
parseRoot(vkNetworkDef *def, xmlNodePtr root)
{
    g_autofree char *uuidStr = NULL;
    xmlNodePtr c;

    def->ipv6 = propDup(root, "ipv6");
    def->trustGuestRxFilters = propDup(root, "trustGuestRxFilters");
    def->extra = g_ptr_array_new_with_free_func((GDestroyNotify)vkXmlElemFree);

    for (c = root->children; c; c = c->next) {
        const char *n = (const char *)c->name;

        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (strcmp(n, "name") == 0 && !def->name) {
            def->name = nodeText(c);
        } else if (strcmp(n, "uuid") == 0 && !uuidStr) {
            uuidStr = nodeText(c);
        } else if (strcmp(n, "forward") == 0 && !def->forward) {
            def->forward = vkXmlElemFromNode(c);
            def->forwardMode = g_strdup(vkXmlElemGetAttr(def->forward, "mode"));
        } else if (strcmp(n, "bridge") == 0 && !def->bridge) {
            def->bridge = vkXmlElemFromNode(c);
        } else {
            g_ptr_array_add(def->extra, vkXmlElemFromNode(c));
        }
    }

    if (!def->name || !*def->name) {
        vkReportError(VIR_ERR_NO_NAME, "%s", "missing name information in network XML");
        return -1;
    }
    if (strchr(def->name, '/')) {
        vkReportError(VIR_ERR_XML_DETAIL, "invalid char in network name '%s': /",
                      def->name);
        return -1;
    }
    if (uuidStr) {
        if (vkUUIDParse(uuidStr, def->uuid) < 0) {
            vkReportError(VIR_ERR_XML_ERROR, "malformed uuid '%s' in network '%s'",
                          uuidStr, def->name);
            return -1;
        }
    } else {
        vkUUIDGenerate(def->uuid);
    }
    if (def->forward && !def->forwardMode) {
        def->forwardMode = g_strdup("nat");   /* libvirt's default mode */
        vkXmlElemSetAttr(def->forward, "mode", "nat");
    }
    if (def->forwardMode) {
        size_t i;

        for (i = 0; i < G_N_ELEMENTS(forwardModes); i++) {
            if (strcmp(forwardModes[i], def->forwardMode) == 0)
                break;
        }
        if (i == G_N_ELEMENTS(forwardModes)) {
            vkReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                          "unknown forwarding type '%s' in network '%s'",
                          def->forwardMode, def->name);
            return -1;
        }
    }
    if (modeUsesBridgeDefaults(def->forwardMode)) {
        if (!def->bridge) {
            def->bridge = g_new0(vkXmlElem, 1);
            def->bridge->name = g_strdup("bridge");
        }
        if (!vkXmlElemGetAttr(def->bridge, "stp"))
            vkXmlElemSetAttr(def->bridge, "stp", "on");
        if (!vkXmlElemGetAttr(def->bridge, "delay"))
            vkXmlElemSetAttr(def->bridge, "delay", "0");
    }
    return 0;
}

vkNetworkDef *
vkNetworkDefParseString(const char *xml)
{
    g_autoptr(vkNetworkDef) def = NULL;
    xmlDocPtr doc;
    xmlNodePtr root;
    int r;

    if (!(doc = vkConfReadXML(xml, "network")))
        return NULL;
    root = xmlDocGetRootElement(doc);
    if (strcmp((const char *)root->name, "network") != 0) {
        vkReportError(VIR_ERR_XML_ERROR, "expecting root element of 'network', not '%s'",
                      (const char *)root->name);
        xmlFreeDoc(doc);
        return NULL;
    }
    def = g_new0(vkNetworkDef, 1);
    r = parseRoot(def, root);
    xmlFreeDoc(doc);
    if (r < 0)
        return NULL;
    return g_steal_pointer(&def);
}

const char *
vkNetworkDefBridgeName(const vkNetworkDef *def)
{
    return vkXmlElemGetAttr(def->bridge, "name");
}

void
vkNetworkDefSetBridgeName(vkNetworkDef *def, const char *name)
{
    if (!def->bridge) {
        def->bridge = g_new0(vkXmlElem, 1);
        def->bridge->name = g_strdup("bridge");
    }
    if (!def->bridge->attrs)
        def->bridge->attrs = g_ptr_array_new_with_free_func(g_free);
    if (vkXmlElemGetAttr(def->bridge, "name")) {
        vkXmlElemSetAttr(def->bridge, "name", name);
        return;
    }
    /* libvirt writes the name first */
    g_ptr_array_insert(def->bridge->attrs, 0, g_strdup(name));
    g_ptr_array_insert(def->bridge->attrs, 0, g_strdup("name"));
}

vkXmlElem *
vkNetworkDefFindExtra(const vkNetworkDef *def, const char *name)
{
    for (guint i = 0; def->extra && i < def->extra->len; i++) {
        vkXmlElem *e = def->extra->pdata[i];

        if (strcmp(e->name, name) == 0)
            return e;
    }
    return NULL;
}

char *
vkNetworkDefFormat(const vkNetworkDef *def, unsigned int flags)
{
    GString *buf = g_string_new("<network");
    char uuid[VIR_UUID_STRING_BUFLEN];
    guint i;

    vkConfAttr(buf, "ipv6", def->ipv6);
    vkConfAttr(buf, "trustGuestRxFilters", def->trustGuestRxFilters);
    g_string_append(buf, ">\n  <name>");
    vkConfEscape(buf, def->name);
    g_string_append_printf(buf, "</name>\n  <uuid>%s</uuid>\n",
                           vkUUIDFormat(def->uuid, uuid));
    /* libvirt writes <metadata> right after the UUID. */
    for (i = 0; def->extra && i < def->extra->len; i++) {
        const vkXmlElem *e = def->extra->pdata[i];
        if (strcmp(e->name, "metadata") == 0)
            vkXmlElemFormat(buf, e, 2);
    }
    if (def->forward)
        vkXmlElemFormat(buf, def->forward, 2);
    if (def->bridge)
        vkXmlElemFormat(buf, def->bridge, 2);
    for (i = 0; def->extra && i < def->extra->len; i++) {
        const vkXmlElem *e = def->extra->pdata[i];
        if (strcmp(e->name, "metadata") != 0)
            vkXmlElemFormat(buf, e, 2);
    }
    g_string_append(buf, "</network>\n");
    return g_string_free(buf, FALSE);
}

vkNetworkDef *
vkNetworkDefCopy(const vkNetworkDef *def)
{
    vkNetworkDef *n = g_new0(vkNetworkDef, 1);
    guint i;

    n->name = g_strdup(def->name);
    memcpy(n->uuid, def->uuid, VIR_UUID_BUFLEN);
    n->ipv6 = g_strdup(def->ipv6);
    n->trustGuestRxFilters = g_strdup(def->trustGuestRxFilters);
    n->forwardMode = g_strdup(def->forwardMode);
    n->forward = vkXmlElemCopy(def->forward);
    n->bridge = vkXmlElemCopy(def->bridge);
    n->extra = g_ptr_array_new_with_free_func((GDestroyNotify)vkXmlElemFree);
    for (i = 0; def->extra && i < def->extra->len; i++)
        g_ptr_array_add(n->extra, vkXmlElemCopy(def->extra->pdata[i]));
    return n;
}
