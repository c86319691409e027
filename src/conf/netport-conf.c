/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * <networkport> <-> vkNetworkPortDef.  The format is libvirt's element
 * order (uuid, owner, group, mac, plug), so a port read back from the
 * driver's live state or from a client formats the same.
 */
#include <string.h>

#define VIR_FROM_THIS VIR_FROM_NETWORK
#include "util/error.h"
#include "util/uuid.h"
#include "conf/netport-conf.h"
#include "conf/domain-conf-priv.h"

void
vkNetworkPortDefFree(vkNetworkPortDef *def)
{
    if (!def)
        return;
    g_free(def->ownerName);
    g_free(def->group);
    g_free(def->plugType);
    g_free(def->plugBridge);
    g_free(def->macTableManager);
    g_free(def);
}

static int
parseUUID(xmlNodePtr node, unsigned char *uuid, const char *what)
{
    g_autofree char *s = vkXmlText(node);

    if (!s || vkUUIDParse(s, uuid) < 0) {
        vkReportError(VIR_ERR_XML_ERROR, "Unable to parse %s '%s'", what, s ? s : "");
        return -1;
    }
    return 0;
}

static int
parseOwner(vkNetworkPortDef *def, xmlNodePtr owner)
{
    bool haveUUID = false;

    for (xmlNodePtr c = owner->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (strcmp((const char *)c->name, "name") == 0) {
            g_free(def->ownerName);
            def->ownerName = vkXmlText(c);
        } else if (strcmp((const char *)c->name, "uuid") == 0) {
            if (parseUUID(c, def->ownerUUID, "owner UUID") < 0)
                return -1;
            haveUUID = true;
        }
    }
    if (!def->ownerName) {
        vkReportError(VIR_ERR_XML_ERROR, "%s", "missing owner name");
        return -1;
    }
    if (!haveUUID) {
        vkReportError(VIR_ERR_XML_ERROR, "%s", "missing owner UUID");
        return -1;
    }
    return 0;
}

static int
parsePlug(vkNetworkPortDef *def, xmlNodePtr plug)
{
    const char *type = vkXmlAttr(plug, "type");

    if (!type) {
        vkReportError(VIR_ERR_XML_ERROR, "%s", "missing network port plug type");
        return -1;
    }
    if (strcmp(type, "network") != 0 && strcmp(type, "bridge") != 0) {
        vkReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      "network port plug type '%s' is not supported", type);
        return -1;
    }
    def->plugType = g_strdup(type);
    vkXmlSetAttr(&def->plugBridge, plug, "bridge");
    vkXmlSetAttr(&def->macTableManager, plug, "macTableManager");
    if (!def->plugBridge) {
        vkReportError(VIR_ERR_XML_ERROR, "%s", "Missing network port bridge name");
        return -1;
    }
    return 0;
}

static int
parseRoot(vkNetworkPortDef *def, xmlNodePtr root)
{
    bool haveUUID = false, haveOwner = false, haveMac = false;

    for (xmlNodePtr c = root->children; c; c = c->next) {
        const char *n = (const char *)c->name;

        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (strcmp(n, "uuid") == 0) {
            if (parseUUID(c, def->uuid, "UUID") < 0)
                return -1;
            haveUUID = true;
        } else if (strcmp(n, "owner") == 0) {
            if (parseOwner(def, c) < 0)
                return -1;
            haveOwner = true;
        } else if (strcmp(n, "group") == 0) {
            g_free(def->group);
            def->group = vkXmlText(c);
        } else if (strcmp(n, "mac") == 0) {
            const char *mac = vkXmlAttr(c, "address");

            if (!mac || vkConfMACParse(mac, def->mac) < 0) {
                vkReportError(VIR_ERR_XML_ERROR, "Unable to parse MAC '%s'", mac ? mac : "");
                return -1;
            }
            haveMac = true;
        } else if (strcmp(n, "plug") == 0) {
            if (parsePlug(def, c) < 0)
                return -1;
        } else {
            vkReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                          "network port element <%s> is not supported", n);
            return -1;
        }
    }
    if (!haveUUID)
        vkUUIDGenerate(def->uuid);
    if (!haveOwner) {
        vkReportError(VIR_ERR_XML_ERROR, "%s", "missing owner");
        return -1;
    }
    if (!haveMac) {
        vkReportError(VIR_ERR_XML_ERROR, "%s", "missing mac");
        return -1;
    }
    return 0;
}

vkNetworkPortDef *
vkNetworkPortDefParseString(const char *xml)
{
    g_autoptr(vkNetworkPortDef) def = g_new0(vkNetworkPortDef, 1);
    xmlDocPtr doc;
    xmlNodePtr root;
    int r;

    if (!(doc = vkConfReadXML(xml, "networkport")))
        return NULL;
    root = xmlDocGetRootElement(doc);
    if (strcmp((const char *)root->name, "networkport") != 0) {
        vkReportError(VIR_ERR_XML_ERROR, "expecting root element of 'networkport', not '%s'",
                      (const char *)root->name);
        xmlFreeDoc(doc);
        return NULL;
    }
    r = parseRoot(def, root);
    xmlFreeDoc(doc);
    return r < 0 ? NULL : g_steal_pointer(&def);
}

char *
vkNetworkPortDefFormat(const vkNetworkPortDef *def)
{
    GString *buf = g_string_new("<networkport>\n");
    char uuid[VIR_UUID_STRING_BUFLEN], mac[18];

    g_string_append_printf(buf, "  <uuid>%s</uuid>\n", vkUUIDFormat(def->uuid, uuid));
    g_string_append(buf, "  <owner>\n    <name>");
    vkConfEscape(buf, def->ownerName);
    g_string_append_printf(buf, "</name>\n    <uuid>%s</uuid>\n  </owner>\n",
                           vkUUIDFormat(def->ownerUUID, uuid));
    if (def->group) {
        g_string_append(buf, "  <group>");
        vkConfEscape(buf, def->group);
        g_string_append(buf, "</group>\n");
    }
    vkConfMACFormat(def->mac, mac);
    g_string_append_printf(buf, "  <mac address='%s'/>\n", mac);
    if (def->plugType) {
        g_string_append(buf, "  <plug");
        vkConfAttr(buf, "type", def->plugType);
        vkConfAttr(buf, "bridge", def->plugBridge);
        vkConfAttr(buf, "macTableManager", def->macTableManager);
        g_string_append(buf, "/>\n");
    }
    g_string_append(buf, "</networkport>\n");
    return g_string_free(buf, FALSE);
}
