/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * virNetworkUpdate on a network definition: one section changed in place
 * (net-update).  The definition keeps <ip> and <dns> as element trees, so
 * an update is an edit of those trees; the driver then decides what the
 * running network needs (dnsmasq's host files rewritten and re-read).
 *
 * The sections done are the ones that change what dnsmasq hands out
 * without restarting anything: a static DHCP host, a DHCP range, a DNS
 * host.  The others are refused with VIR_ERR_OPERATION_UNSUPPORTED
 * naming the section.  Matching and messages follow libvirt 9.0: a DHCP host is
 * found by its MAC (IPv4) for modify, by any equal attribute for delete.
 */
#include <string.h>
#include <libxml/tree.h>

#define VIR_FROM_THIS VIR_FROM_NETWORK
#include "util/error.h"
#include "conf/domain-conf-priv.h"
#include "conf/network-conf.h"

/* libvirt prints absent attributes as glibc prints NULL */
#define NULLSTR(s) ((s) ? (s) : "(null)")

static const char *const sectionNames[] = {
    "none", "bridge", "domain", "ip", "ip-dhcp-host", "ip-dhcp-range", "forward",
    "forward-interface", "forward-pf", "portgroup", "dns-host", "dns-txt", "dns-srv",
};

static vkXmlElem *
ensureChild(vkXmlElem *e, const char *name)
{
    vkXmlElem *c = vkXmlElemChild(e, name);

    if (c)
        return c;
    c = g_new0(vkXmlElem, 1);
    c->name = g_strdup(name);
    if (!e->children)
        e->children = g_ptr_array_new_with_free_func((GDestroyNotify)vkXmlElemFree);
    g_ptr_array_add(e->children, c);
    return c;
}

/* The <ip> the update is for: the parentIndex'th, or the first IPv4 one. */
static vkXmlElem *
ipElement(vkNetworkDef *def, int parentIndex)
{
    int n = 0;

    for (guint i = 0; def->extra && i < def->extra->len; i++) {
        vkXmlElem *e = g_ptr_array_index(def->extra, i);
        const char *family;

        if (strcmp(e->name, "ip") != 0)
            continue;
        family = vkXmlElemGetAttr(e, "family");
        if (parentIndex >= 0 ? n++ == parentIndex : (!family || strcmp(family, "ipv4") == 0))
            return e;
    }
    if (parentIndex >= 0)
        vkReportError(VIR_ERR_OPERATION_INVALID,
                      "couldn't update dhcp host entry - no <ip> element found at index %d "
                      "in network '%s'", parentIndex, def->name);
    else
        vkReportError(VIR_ERR_OPERATION_INVALID,
                      "couldn't update dhcp host entry - no <ip family='ipv4'> element "
                      "found in network '%s'", def->name);
    return NULL;
}

static vkXmlElem *
dnsElement(vkNetworkDef *def)
{
    vkXmlElem *dns = vkNetworkDefFindExtra(def, "dns");

    if (!dns) {
        dns = g_new0(vkXmlElem, 1);
        dns->name = g_strdup("dns");
        guint at = 0;

        if (!def->extra)
            def->extra = g_ptr_array_new_with_free_func((GDestroyNotify)vkXmlElemFree);
        /* libvirt writes <dns> before the <ip> elements */
        while (at < def->extra->len &&
               strcmp(((vkXmlElem *)g_ptr_array_index(def->extra, at))->name, "ip") != 0)
            at++;
        g_ptr_array_insert(def->extra, at, dns);
    }
    return dns;
}

/* The one element the caller gave, parsed. */
static vkXmlElem *
parseSection(const char *xml, const char *want, unsigned int section)
{
    xmlDocPtr doc = vkConfReadXML(xml, "network update section");
    xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
    vkXmlElem *e = NULL;

    if (root && strcmp((const char *)root->name, want) != 0)
        vkReportError(VIR_ERR_XML_ERROR, "can't update '%s' section of network - "
                      "the XML is a <%s> element, not <%s>", sectionNames[section],
                      (const char *)root->name, want);
    else if (root)
        e = vkXmlElemFromNode(root);
    if (doc)
        xmlFreeDoc(doc);
    return e;
}

static bool
attrEqual(const vkXmlElem *a, const vkXmlElem *b, const char *name)
{
    const char *x = vkXmlElemGetAttr(a, name), *y = vkXmlElemGetAttr(b, name);

    return x && y && g_ascii_strcasecmp(x, y) == 0;
}

/* The entry as libvirt quotes it in errors: a DHCP host always with its
 * mac, name and ip, a range with start and end, absent ones "(null)". */
static char *
elemText(const vkXmlElem *e, bool range)
{
    static const char *const hostAttrs[] = { "mac", "name", "ip", NULL };
    static const char *const rangeAttrs[] = { "start", "end", NULL };
    g_autoptr(GString) buf = g_string_new(NULL);

    g_string_append_printf(buf, "<%s", e->name);
    for (const char *const *a = range ? rangeAttrs : hostAttrs; *a; a++)
        g_string_append_printf(buf, " %s='%s'", *a, NULLSTR(vkXmlElemGetAttr(e, *a)));
    g_string_append(buf, "/>");
    return g_string_free(g_steal_pointer(&buf), FALSE);
}

/* Finds in parent the entry matching e by the attributes keys (any of
 * them equal when any is true, all present ones equal otherwise). */
static int
findEntry(const vkXmlElem *parent, const char *name, const vkXmlElem *e,
          const char *const *keys, bool any)
{
    for (guint i = 0; parent && parent->children && i < parent->children->len; i++) {
        const vkXmlElem *c = g_ptr_array_index(parent->children, i);
        bool match = !any;

        if (strcmp(c->name, name) != 0)
            continue;
        for (size_t k = 0; keys[k]; k++) {
            if (any && attrEqual(c, e, keys[k]))
                match = true;
            if (!any && vkXmlElemGetAttr(e, keys[k]) && !attrEqual(c, e, keys[k]))
                match = false;
        }
        if (match)
            return i;
    }
    return -1;
}

static void
insertEntry(vkXmlElem *parent, vkXmlElem *e, unsigned int command)
{
    if (!parent->children)
        parent->children = g_ptr_array_new_with_free_func((GDestroyNotify)vkXmlElemFree);
    if (command == VIR_NETWORK_UPDATE_COMMAND_ADD_FIRST)
        g_ptr_array_insert(parent->children, 0, e);
    else
        g_ptr_array_add(parent->children, e);
}

/* A list entry (<host> under <dhcp>, <range> under <dhcp>, <host> under
 * <dns>): add, delete or modify it in parent. */
static int
updateEntry(vkNetworkDef *def, vkXmlElem *parent, vkXmlElem *e, unsigned int command,
            const char *what, const char *const *keys, const char *modifyKey)
{
    bool dns = strcmp(what, "DNS HOST") == 0;
    g_autofree char *text = elemText(e, strcmp(e->name, "range") == 0);
    const char *const modifyKeys[] = { modifyKey, NULL };
    int idx;

    switch (command) {
    case VIR_NETWORK_UPDATE_COMMAND_ADD_FIRST:
    case VIR_NETWORK_UPDATE_COMMAND_ADD_LAST:
        if (findEntry(parent, e->name, e, keys, true) >= 0) {
            if (dns)
                vkReportError(VIR_ERR_OPERATION_INVALID, "there is already at least one "
                              "DNS HOST record with a matching field in network %s",
                              def->name);
            else
                vkReportError(VIR_ERR_OPERATION_INVALID, "there is an existing %s entry in "
                              "network '%s' that matches \"%s\"", what, def->name, text);
            vkXmlElemFree(e);
            return -1;
        }
        insertEntry(parent, e, command);
        return 0;
    case VIR_NETWORK_UPDATE_COMMAND_DELETE:
        if ((idx = findEntry(parent, e->name, e, keys, false)) < 0) {
            if (dns)
                vkReportError(VIR_ERR_OPERATION_INVALID, "couldn't locate a matching DNS "
                              "HOST record in network %s", def->name);
            else
                vkReportError(VIR_ERR_OPERATION_INVALID, "couldn't locate a matching %s "
                              "entry in network '%s'", what, def->name);
            vkXmlElemFree(e);
            return -1;
        }
        g_ptr_array_remove_index(parent->children, idx);
        vkXmlElemFree(e);
        return 0;
    case VIR_NETWORK_UPDATE_COMMAND_MODIFY:
        if (!modifyKey || !vkXmlElemGetAttr(e, modifyKey) ||
            (idx = findEntry(parent, e->name, e, modifyKeys, true)) < 0) {
            vkReportError(VIR_ERR_OPERATION_INVALID, "couldn't locate an existing %s entry "
                          "with \"mac='%s'\" \"name='%s'\" \"ip='%s'\" in network '%s'",
                          what, NULLSTR(vkXmlElemGetAttr(e, "mac")),
                          NULLSTR(vkXmlElemGetAttr(e, "name")),
                          NULLSTR(vkXmlElemGetAttr(e, "ip")), def->name);
            vkXmlElemFree(e);
            return -1;
        }
        vkXmlElemFree(g_ptr_array_index(parent->children, idx));
        parent->children->pdata[idx] = e;
        return 0;
    default:
        vkReportError(VIR_ERR_OPERATION_UNSUPPORTED, "unrecognized network update command code %u",
                      command);
        vkXmlElemFree(e);
        return -1;
    }
}

int
vkNetworkDefUpdate(vkNetworkDef *def, unsigned int command, unsigned int section,
                   int parentIndex, const char *xml)
{
    static const char *const hostKeys[] = { "mac", "id", "name", "ip", NULL };
    static const char *const rangeKeys[] = { "start", "end", NULL };
    static const char *const dnsHostKeys[] = { "ip", NULL };
    vkXmlElem *e, *ip;

    switch (section) {
    case VIR_NETWORK_SECTION_IP_DHCP_HOST:
        if (!(e = parseSection(xml, "host", section)))
            return -1;
        if (!(ip = ipElement(def, parentIndex))) {
            vkXmlElemFree(e);
            return -1;
        }
        return updateEntry(def, ensureChild(ip, "dhcp"), e, command, "dhcp host",
                           hostKeys, "mac");
    case VIR_NETWORK_SECTION_IP_DHCP_RANGE:
        if (!(e = parseSection(xml, "range", section)))
            return -1;
        if (!(ip = ipElement(def, parentIndex))) {
            vkXmlElemFree(e);
            return -1;
        }
        if (command == VIR_NETWORK_UPDATE_COMMAND_MODIFY) {
            vkReportError(VIR_ERR_OPERATION_UNSUPPORTED, "%s",
                          "dhcp ranges cannot be modified, only added or deleted");
            vkXmlElemFree(e);
            return -1;
        }
        return updateEntry(def, ensureChild(ip, "dhcp"), e, command, "dhcp range",
                           rangeKeys, NULL);
    case VIR_NETWORK_SECTION_DNS_HOST:
        if (!(e = parseSection(xml, "host", section)))
            return -1;
        if (command == VIR_NETWORK_UPDATE_COMMAND_MODIFY) {
            vkReportError(VIR_ERR_OPERATION_UNSUPPORTED, "%s",
                          "DNS HOST records cannot be modified, only added or deleted");
            vkXmlElemFree(e);
            return -1;
        }
        return updateEntry(def, dnsElement(def), e, command, "DNS HOST", dnsHostKeys, NULL);
    default:
        if (section > 0 && section < G_N_ELEMENTS(sectionNames))
            vkReportError(VIR_ERR_OPERATION_UNSUPPORTED, "can't update '%s' section of network '%s'",
                          sectionNames[section], def->name);
        else
            vkReportError(VIR_ERR_OPERATION_UNSUPPORTED, "%s",
                          "can't update unrecognized section of network");
        return -1;
    }
}

/* The edit on a copy that must still make a network (addresses in the
 * subnet, a DNS host with a name, ...), as a define checks. */
static vkNetworkDef *
updatedCopy(const vkNetworkDef *def, unsigned int command, unsigned int section,
            int parentIndex, const char *xml)
{
    vkNetworkDef *copy = vkNetworkDefCopy(def);
    g_autoptr(vkNetworkSetup) s = NULL;

    if (copy && (vkNetworkDefUpdate(copy, command, section, parentIndex, xml) < 0 ||
                 !(s = vkNetworkSetupFromDef(copy))))
        g_clear_pointer(&copy, vkNetworkDefFree);
    return copy;
}

int
vkNetworkUpdatePrepare(const vkNetworkDef *live, const vkNetworkDef *config, bool active,
                       bool persistent, unsigned int command, unsigned int section,
                       int parentIndex, const char *xml, unsigned int flags,
                       vkNetworkDef **newLive, vkNetworkDef **newConfig)
{
    bool doLive = flags & VIR_NETWORK_UPDATE_AFFECT_LIVE;
    bool doConfig = flags & VIR_NETWORK_UPDATE_AFFECT_CONFIG;

    *newLive = *newConfig = NULL;
    if (!doLive && !doConfig) {
        doLive = active;
        doConfig = !active;
    }
    if (doLive && !active) {
        vkReportError(VIR_ERR_OPERATION_INVALID, "%s", "network is not running");
        return -1;
    }
    if (doConfig && !persistent) {
        vkReportError(VIR_ERR_OPERATION_INVALID, "%s",
                      "cannot change persistent config of a transient network");
        return -1;
    }
    if (doConfig &&
        !(*newConfig = updatedCopy(config, command, section, parentIndex, xml)))
        return -1;
    if (doLive && !(*newLive = updatedCopy(live, command, section, parentIndex, xml))) {
        g_clear_pointer(newConfig, vkNetworkDefFree);
        return -1;
    }
    return 0;
}
