/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* commands-ifbridge.c: iface-bridge and iface-unbridge.  Like virsh, they
 * are compositions of the interface API: read a host interface's inactive
 * XML, rewrite it (wrap the device in a <bridge>, or lift it out of one),
 * then define and start the result.  On a backend that cannot change the
 * host (virtkit's, like libvirt's udev one) the define or destroy step
 * fails and the driver's error is what the user sees.
 *
 * The shell links nothing but the public API and GLib, so the document is
 * held in a small tree built with GMarkup. */
#include <string.h>

#include "vksh.h"

typedef struct _xmlNode xmlNode;
struct _xmlNode {
    char *name;
    GPtrArray *attrs;           /* char *: name, value, name, value ... */
    GPtrArray *children;        /* xmlNode * */
    xmlNode *parent;
};

static void
nodeFree(void *p)
{
    xmlNode *n = p;

    if (!n)
        return;
    g_free(n->name);
    g_ptr_array_unref(n->attrs);
    g_ptr_array_unref(n->children);
    g_free(n);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlNode, nodeFree)

static xmlNode *
nodeNew(const char *name, xmlNode *parent)
{
    xmlNode *n = g_new0(xmlNode, 1);

    n->name = g_strdup(name);
    n->attrs = g_ptr_array_new_with_free_func(g_free);
    n->children = g_ptr_array_new_with_free_func(nodeFree);
    n->parent = parent;
    if (parent)
        g_ptr_array_add(parent->children, n);
    return n;
}

static const char *
nodeAttr(const xmlNode *n, const char *name)
{
    for (guint i = 0; i + 1 < n->attrs->len; i += 2) {
        if (strcmp(g_ptr_array_index(n->attrs, i), name) == 0)
            return g_ptr_array_index(n->attrs, i + 1);
    }
    return NULL;
}

static void
nodeSetAttr(xmlNode *n, const char *name, const char *value)
{
    for (guint i = 0; i + 1 < n->attrs->len; i += 2) {
        if (strcmp(g_ptr_array_index(n->attrs, i), name) == 0) {
            g_free(n->attrs->pdata[i + 1]);
            n->attrs->pdata[i + 1] = g_strdup(value);
            return;
        }
    }
    g_ptr_array_add(n->attrs, g_strdup(name));
    g_ptr_array_add(n->attrs, g_strdup(value));
}

/* The children called name; *count set to how many there are. */
static xmlNode *
nodeChild(const xmlNode *n, const char *name, int *count)
{
    xmlNode *first = NULL;
    int c = 0;

    for (guint i = 0; i < n->children->len; i++) {
        xmlNode *k = g_ptr_array_index(n->children, i);

        if (strcmp(k->name, name) == 0 && c++ == 0)
            first = k;
    }
    if (count)
        *count = c;
    return first;
}

/* Moves the <mac>, <bond> and <vlan> children of from to to: the parts
 * that belong to the physical device, not to the bridge. */
static void
moveDeviceParts(xmlNode *from, xmlNode *to)
{
    for (guint i = 0; i < from->children->len;) {
        xmlNode *k = g_ptr_array_index(from->children, i);

        if (g_strv_contains((const char *const[]){ "mac", "bond", "vlan", NULL }, k->name)) {
            g_ptr_array_add(to->children, g_ptr_array_steal_index(from->children, i));
            k->parent = to;
        } else {
            i++;
        }
    }
}

static void
onStart(GMarkupParseContext *ctx, const char *name, const char **attrNames,
        const char **attrValues, void *opaque, GError **error)
{
    xmlNode **cur = opaque;
    xmlNode *n = nodeNew(name, *cur);

    for (size_t i = 0; attrNames[i]; i++)
        nodeSetAttr(n, attrNames[i], attrValues[i]);
    *cur = n;
}

static void
onEnd(GMarkupParseContext *ctx, const char *name, void *opaque, GError **error)
{
    xmlNode **cur = opaque;

    if ((*cur)->parent)
        *cur = (*cur)->parent;
}

static xmlNode *
parseDoc(const char *xml)
{
    static const GMarkupParser parser = { onStart, onEnd, NULL, NULL, NULL };
    xmlNode *root = nodeNew("", NULL);
    xmlNode *cur = root;
    g_autoptr(GMarkupParseContext) ctx = g_markup_parse_context_new(&parser, 0, &cur, NULL);
    xmlNode *top;

    if (!g_markup_parse_context_parse(ctx, xml, -1, NULL) ||
        !g_markup_parse_context_end_parse(ctx, NULL) || root->children->len != 1) {
        nodeFree(root);
        return NULL;
    }
    top = g_ptr_array_steal_index(root->children, 0);
    top->parent = NULL;
    nodeFree(root);
    return top;
}

static void
formatNode(GString *buf, const xmlNode *n, int indent)
{
    g_string_append_printf(buf, "%*s<%s", indent, "", n->name);
    for (guint i = 0; i + 1 < n->attrs->len; i += 2) {
        g_autofree char *v = g_markup_escape_text(g_ptr_array_index(n->attrs, i + 1), -1);

        g_string_append_printf(buf, " %s='%s'", (char *)g_ptr_array_index(n->attrs, i), v);
    }
    if (n->children->len == 0) {
        g_string_append(buf, "/>\n");
        return;
    }
    g_string_append(buf, ">\n");
    for (guint i = 0; i < n->children->len; i++)
        formatNode(buf, g_ptr_array_index(n->children, i), indent + 2);
    g_string_append_printf(buf, "%*s</%s>\n", indent, "", n->name);
}

static char *
formatDoc(const xmlNode *top)
{
    GString *buf = g_string_new(NULL);

    formatNode(buf, top, 0);
    return g_string_free(buf, FALSE);
}

static void vkshInterfaceUnref(virInterface *i) { if (i) virInterfaceFree(i); }
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virInterface, vkshInterfaceUnref)

/* The interface opt names (by name only) and its inactive XML as a tree. */
static xmlNode *
interfaceDoc(vkshCtl *ctl, const vkshCmd *cmd, const char *opt, virInterfacePtr *iface)
{
    const char *name = vkshOptString(cmd, opt);
    g_autofree char *xml = NULL;
    xmlNode *top;

    if (!(*iface = virInterfaceLookupByName(ctl->conn, name))) {
        vkshError(ctl, "failed to get interface '%s'", name);
        return NULL;
    }
    if (!(xml = virInterfaceGetXMLDesc(*iface, VIR_INTERFACE_XML_INACTIVE)))
        return NULL;
    if (!(top = parseDoc(xml)))
        vkshError(ctl, "Failed to parse configuration of %s", name);
    return top;
}

/* ---- iface-bridge ---- */

static const vkshOptDef optsBridge[] = {
    { "interface", VKSH_OT_DATA, VKSH_OFLAG_REQ, "existing interface name" },
    { "bridge", VKSH_OT_DATA, VKSH_OFLAG_REQ, "new bridge device name" },
    { "no-stp", VKSH_OT_BOOL, 0, "do not enable STP for this bridge" },
    { "delay", VKSH_OT_INT, 0, "number of seconds to squelch traffic on newly connected ports" },
    { "no-start", VKSH_OT_BOOL, 0, "don't start the bridge immediately" },
    { NULL, 0, 0, NULL },
};

static bool
cmdIfaceBridge(vkshCtl *ctl, const vkshCmd *cmd)
{
    const char *ifName = vkshOptString(cmd, "interface");
    const char *brName = vkshOptString(cmd, "bridge");
    bool stp = !vkshOptBool(cmd, "no-stp");
    g_autoptr(virInterface) iface = NULL;
    g_autoptr(virInterface) br = NULL;
    g_autoptr(xmlNode) top = NULL;
    g_autofree char *type = NULL;
    g_autofree char *xml = NULL;
    xmlNode *bridge, *slave;
    int delay = 0;

    if (!(iface = virInterfaceLookupByName(ctl->conn, ifName))) {
        vkshError(ctl, "failed to get interface '%s'", ifName);
        return false;
    }
    if ((br = virInterfaceLookupByName(ctl->conn, brName))) {
        vkshError(ctl, "Network device %s already exists", brName);
        return false;
    }
    /* the failed lookup's error stays, as in virsh: a later failure of
     * the shell's own shows it */
    if (vkshOptInt(ctl, cmd, "delay", &delay) < 0)
        return false;
    g_clear_pointer(&iface, virInterfaceFree);
    if (!(top = interfaceDoc(ctl, cmd, "interface", &iface)))
        return false;
    if (!nodeAttr(top, "type")) {
        vkshError(ctl, "Existing device %s has no type", ifName);
        return false;
    }
    type = g_strdup(nodeAttr(top, "type"));
    if (strcmp(type, "bridge") == 0) {
        vkshError(ctl, "Existing device %s is already a bridge", ifName);
        return false;
    }
    if (g_strcmp0(nodeAttr(top, "name"), ifName) != 0) {
        vkshError(ctl, "Interface name from config %s doesn't match given supplied name %s",
                  nodeAttr(top, "name"), ifName);
        return false;
    }
    bridge = nodeNew("bridge", top);
    nodeSetAttr(bridge, "stp", stp ? "on" : "off");
    if (stp) {
        g_autofree char *d = g_strdup_printf("%d", delay);

        nodeSetAttr(bridge, "delay", d);
    }
    nodeSetAttr(top, "type", "bridge");
    nodeSetAttr(top, "name", brName);
    slave = nodeNew("interface", bridge);
    nodeSetAttr(slave, "type", type);
    nodeSetAttr(slave, "name", ifName);
    moveDeviceParts(top, slave);
    xml = formatDoc(top);

    if (!(br = virInterfaceDefineXML(ctl->conn, xml, 0))) {
        vkshError(ctl, "Failed to define new bridge interface %s", brName);
        return false;
    }
    vkshPrintExtra(ctl, "Created bridge %s with attached device %s\n", brName, ifName);
    if (!vkshOptBool(cmd, "no-start")) {
        if (virInterfaceCreate(br, 0) < 0) {
            vkshError(ctl, "Failed to start bridge interface %s", brName);
            return false;
        }
        vkshPrintExtra(ctl, "Bridge interface %s started\n", brName);
    }
    return true;
}

/* ---- iface-unbridge ---- */

static const vkshOptDef optsUnbridge[] = {
    { "bridge", VKSH_OT_DATA, VKSH_OFLAG_REQ, "current bridge device name" },
    { "no-start", VKSH_OT_BOOL, 0,
      "don't start the detached interface immediately (not recommended)" },
    { NULL, 0, 0, NULL },
};

static bool
cmdIfaceUnbridge(vkshCtl *ctl, const vkshCmd *cmd)
{
    const char *brName = vkshOptString(cmd, "bridge");
    g_autoptr(virInterface) br = NULL;
    g_autoptr(virInterface) iface = NULL;
    g_autoptr(xmlNode) top = NULL;
    g_autofree char *ifName = NULL;
    g_autofree char *xml = NULL;
    xmlNode *bridge, *slave;
    int nslaves = 0;

    if (!(top = interfaceDoc(ctl, cmd, "bridge", &br)))
        return false;
    if (!nodeAttr(top, "type")) {
        vkshError(ctl, "Existing device %s has no type", brName);
        return false;
    }
    if (strcmp(nodeAttr(top, "type"), "bridge") != 0) {
        vkshError(ctl, "Device %s is not a bridge", brName);
        return false;
    }
    if (g_strcmp0(nodeAttr(top, "name"), brName) != 0) {
        vkshError(ctl, "Interface name from config %s doesn't match given supplied name %s",
                  nodeAttr(top, "name"), brName);
        return false;
    }
    if (!(bridge = nodeChild(top, "bridge", NULL))) {
        vkshError(ctl, "No bridge node in xml document");
        return false;
    }
    slave = nodeChild(bridge, "interface", &nslaves);
    if (nslaves > 1) {
        vkshError(ctl, "Multiple interfaces attached to bridge");
        return false;
    }
    if (!slave) {
        vkshError(ctl, "No interface attached to bridge");
        return false;
    }
    if (!nodeAttr(slave, "name")) {
        vkshError(ctl, "Device attached to bridge %s has no name", brName);
        return false;
    }
    ifName = g_strdup(nodeAttr(slave, "name"));
    if (!nodeAttr(slave, "type")) {
        vkshError(ctl, "Attached device %s has no type", ifName);
        return false;
    }
    nodeSetAttr(top, "type", nodeAttr(slave, "type"));
    nodeSetAttr(top, "name", ifName);
    moveDeviceParts(slave, top);
    xml = formatDoc(top);

    /* The bridge goes first: the device cannot be defined while enslaved. */
    if (virInterfaceDestroy(br, 0) < 0) {
        vkshError(ctl, "Failed to destroy bridge interface %s", brName);
        return false;
    }
    if (virInterfaceUndefine(br) < 0) {
        vkshError(ctl, "Failed to undefine bridge interface %s", brName);
        return false;
    }
    if (!(iface = virInterfaceDefineXML(ctl->conn, xml, 0))) {
        vkshError(ctl, "Failed to define new interface %s", ifName);
        return false;
    }
    vkshPrintExtra(ctl, "Device %s un-attached from bridge %s\n", ifName, brName);
    if (!vkshOptBool(cmd, "no-start")) {
        if (virInterfaceCreate(iface, 0) < 0) {
            vkshError(ctl, "Failed to start interface %s", ifName);
            return false;
        }
        vkshPrintExtra(ctl, "Interface %s started\n", ifName);
    }
    return true;
}

VKSH_CMD(vkshCmdIfaceBridge, "iface-bridge", cmdIfaceBridge, optsBridge,
         "create a bridge device and attach an existing network device to it",
         "bridge an existing network device");
VKSH_CMD(vkshCmdIfaceUnbridge, "iface-unbridge", cmdIfaceUnbridge, optsUnbridge,
         "undefine a bridge device after detaching its device(s)",
         "unbridge a network device");
