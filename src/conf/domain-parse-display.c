/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Domain XML -> the display devices: <graphics> with its <listen>
 * elements, and <video> with its model.
 *
 * Kept apart from domain-parse-devices.c because both carry libvirt's
 * most intricate per-device rules (which listen a display has, which
 * port attributes go with it, which model attributes are kept).
 */
#include <string.h>
#include <stdlib.h>
#include <errno.h>

#include "conf/domain-conf-priv.h"

#define VIR_FROM_THIS VIR_FROM_DOMAIN
#include "util/error.h"

#define NAME_IS(node, str) (strcmp((const char *)(node)->name, (str)) == 0)

/* One <listen>, kept with libvirt's attributes in libvirt's order. */
static int
graphicsAddListen(vkDomainGraphicsDef *g, xmlNodePtr n)
{
    static const char *const types[] = { "address", "network", "socket", "none", NULL };
    const char *type = vkXmlAttr(n, "type");
    vkXmlElem *l;

    if (!type || vkDomainEnumFromString(types, 100, type) < 0) {
        vkReportError(VIR_ERR_XML_DETAIL, "invalid listen type '%s' in <graphics type='%s'>",
                      type ? type : "", g->type);
        return -1;
    }
    if (g_str_equal(type, "network") && !vkXmlAttr(n, "network")) {
        vkReportError(VIR_ERR_XML_ERROR, "%s",
                      "'network' attribute is required for listen type 'network'");
        return -1;
    }
    l = g_new0(vkXmlElem, 1);
    l->name = g_strdup("listen");
    vkXmlElemSetAttr(l, "type", type);
    if (g_str_equal(type, "address") && vkXmlAttr(n, "address"))
        vkXmlElemSetAttr(l, "address", vkXmlAttr(n, "address"));
    if (g_str_equal(type, "network"))
        vkXmlElemSetAttr(l, "network", vkXmlAttr(n, "network"));
    if (g_str_equal(type, "socket") && vkXmlAttr(n, "socket"))
        vkXmlElemSetAttr(l, "socket", vkXmlAttr(n, "socket"));
    if (!g->listens)
        g->listens = g_ptr_array_new_with_free_func((GDestroyNotify)vkXmlElemFree);
    g_ptr_array_add(g->listens, l);
    return 0;
}

/* The graphics attributes listen= and socket= are the first <listen> in
 * another spelling: both are kept in step.  A vnc or spice display always
 * has a listen; spice with neither a port nor autoport listens nowhere. */
static int
graphicsListenDefaults(vkDomainGraphicsDef *g)
{
    bool remote = g_str_equal(g->type, "vnc") || g_str_equal(g->type, "spice");
    const vkXmlElem *first;
    const char *ftype;

    if (!remote)
        return 0;
    if (!g->listens || !g->listens->len) {
        vkXmlElem *l = g_new0(vkXmlElem, 1);
        l->name = g_strdup("listen");
        if (g->socket) {
            vkXmlElemSetAttr(l, "type", "socket");
            vkXmlElemSetAttr(l, "socket", g->socket);
        } else if (g_str_equal(g->type, "spice") && !g->listen && g->port == 0 &&
                   g->tlsPort == 0 && !g->autoport) {
            vkXmlElemSetAttr(l, "type", "none");
        } else {
            vkXmlElemSetAttr(l, "type", "address");
            if (g->listen)
                vkXmlElemSetAttr(l, "address", g->listen);
        }
        if (!g->listens)
            g->listens = g_ptr_array_new_with_free_func((GDestroyNotify)vkXmlElemFree);
        g_ptr_array_add(g->listens, l);
    } else if (g_str_equal(g->type, "vnc") && g->socket &&
               g_strcmp0(vkXmlElemGetAttr(g->listens->pdata[0], "type"), "address") == 0) {
        /* vnc's socket= attribute wins over a first listen on an address,
         * as in libvirt: the display is the socket */
        vkXmlElem *l = g_new0(vkXmlElem, 1);
        l->name = g_strdup("listen");
        vkXmlElemSetAttr(l, "type", "socket");
        vkXmlElemSetAttr(l, "socket", g->socket);
        vkXmlElemFree(g->listens->pdata[0]);
        g->listens->pdata[0] = l;
        g_clear_pointer(&g->listen, g_free);
    }
    first = g->listens->pdata[0];
    ftype = vkXmlElemGetAttr(first, "type");
    if (g_str_equal(ftype, "address") && vkXmlElemGetAttr(first, "address")) {
        if (g->listen && strcmp(g->listen, vkXmlElemGetAttr(first, "address")) != 0) {
            vkReportError(VIR_ERR_XML_ERROR,
                          "graphics 'listen' attribute '%s' must match 'address' attribute "
                          "of first listen element (found '%s')",
                          g->listen, vkXmlElemGetAttr(first, "address"));
            return -1;
        }
        g_free(g->listen);
        g->listen = g_strdup(vkXmlElemGetAttr(first, "address"));
    }
    if (g_str_equal(ftype, "socket") && vkXmlElemGetAttr(first, "socket")) {
        const char *path = vkXmlElemGetAttr(first, "socket");
        if (g->socket && strcmp(g->socket, path) != 0) {
            vkReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                          "graphics 'socket' attribute '%s' must match 'socket' attribute "
                          "of first listen element (found '%s')", g->socket, path);
            return -1;
        }
        if (!g->socket)
            g->socket = g_strdup(path);
    }
    if (g_str_equal(ftype, "socket") || g_str_equal(ftype, "none")) {
        /* no TCP port to allocate */
        g->autoport = false;
        g->port = -1;
        g->tlsPort = -1;
    }
    return 0;
}

int
vkDomainGraphicsParse(xmlNodePtr node, unsigned int flags, vkDomainGraphicsDef *g)
{
    const char *port = vkXmlAttr(node, "port");
    const char *tls = vkXmlAttr(node, "tlsPort");
    const char *autoport = vkXmlAttr(node, "autoport");
    xmlNodePtr n;
    char *end;
    long v;

    vkXmlSetAttr(&g->type, node, "type");
    if (!g->type) {
        vkReportError(VIR_ERR_XML_DETAIL, "%s", "missing type in <graphics>");
        return -1;
    }
    g->port = -1;
    g->tlsPort = -1;
    if (port) {
        errno = 0;
        v = strtol(port, &end, 10);
        if (errno || *end || end == port || v < -1 || v > 65535) {
            vkReportError(VIR_ERR_XML_DETAIL,
                          "invalid port '%s' in <graphics type='%s'>", port, g->type);
            return -1;
        }
        g->port = (int)v;
    }
    if (tls) {
        errno = 0;
        v = strtol(tls, &end, 10);
        if (errno || *end || end == tls || v < -1 || v > 65535) {
            vkReportError(VIR_ERR_XML_DETAIL,
                          "invalid tlsPort '%s' in <graphics type='%s'>", tls, g->type);
            return -1;
        }
        g->tlsPort = (int)v;
    }
    if (autoport && !vkDomainParseBool(autoport, &g->autoport)) {
        vkReportError(VIR_ERR_XML_DETAIL,
                      "invalid autoport '%s' in <graphics type='%s'>",
                      autoport, g->type);
        return -1;
    }
    if (strcmp(g->type, "spice") == 0) {
        /* libvirt's spice: an absent port is 0 (none); only the legacy
         * port='-1' tlsPort='-1' pair means autoport */
        if (!port)
            g->port = 0;
        if (!tls)
            g->tlsPort = 0;
        if (g->port == -1 && g->tlsPort == -1)
            g->autoport = true;
        if (g->autoport && (flags & VK_DOMAIN_PARSE_INACTIVE)) {
            g->port = 0;
            g->tlsPort = 0;
        }
    } else if (strcmp(g->type, "vnc") == 0 || strcmp(g->type, "rdp") == 0) {
        /* vnc: no port (or -1) is autoport unless autoport='no' says
         * otherwise, and then there is no port at all (0) */
        if (!port && autoport && !g->autoport)
            g->port = 0;
        else if (g->port == -1 && (!port || !autoport))
            g->autoport = true;
        /* with autoport, port 0 (or "-0") is as unchosen as an absent
         * one: -1, so the next parse of the output reads the same */
        if (g->autoport && g->port == 0)
            g->port = -1;
        if (g->autoport && (flags & VK_DOMAIN_PARSE_INACTIVE)) {
            g->port = -1;
            if (g->tlsPort > 0)
                g->tlsPort = -1;
        }
    }
    vkXmlSetAttr(&g->listen, node, "listen");
    vkXmlSetAttr(&g->passwd, node, "passwd");
    vkXmlSetAttr(&g->passwdValidTo, node, "passwdValidTo");
    vkXmlSetAttr(&g->keymap, node, "keymap");
    vkXmlSetAttr(&g->socket, node, "socket");
    {
        static const char *const known[] = {
            "type", "port", "tlsPort", "autoport", "listen", "passwd",
            "passwdValidTo", "keymap", "socket", NULL,
        };
        xmlAttrPtr a;
        for (a = node->properties; a; a = a->next) {
            const char *an = (const char *)a->name;
            if (vkDomainEnumFromString(known, 100, an) >= 0)
                continue;
            if (!g->attrs)
                g->attrs = g_ptr_array_new_with_free_func(g_free);
            g_ptr_array_add(g->attrs, g_strdup(an));
            g_ptr_array_add(g->attrs, g_strdup(vkXmlAttr(node, an)));
        }
    }
    for (n = node->children; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        if (NAME_IS(n, "listen")) {
            if (graphicsAddListen(g, n) < 0)
                return -1;
        } else {
            vkXmlKeep(&g->extra, n);
        }
    }
    return graphicsListenDefaults(g);
}

/* The <model> attributes and children virtkit does not interpret are kept
 * for the formatter (ram, vram64, vgamem, blob; <acceleration>,
 * <resolution>); the numeric ones are checked as libvirt does. */
static int
parseVideoModelRest(xmlNodePtr model, vkDomainVideoDef *v)
{
    static const char *const numeric[] = { "ram", "vram64", "vgamem", NULL };
    xmlAttrPtr a;
    xmlNodePtr n;

    for (a = model->properties; a; a = a->next) {
        const char *name = (const char *)a->name;
        const char *value = vkXmlAttr(model, name);
        unsigned int num;

        if (g_str_equal(name, "type") || g_str_equal(name, "vram") ||
            g_str_equal(name, "heads") || g_str_equal(name, "primary") || !value)
            continue;
        if (g_strv_contains(numeric, name) && vkDomainParseUInt(value, &num) < 0) {
            vkReportError(VIR_ERR_XML_DETAIL, "invalid %s '%s' in <video><model>", name, value);
            return -1;
        }
        if (!v->modelAttrs)
            v->modelAttrs = g_ptr_array_new_with_free_func(g_free);
        g_ptr_array_add(v->modelAttrs, g_strdup(name));
        g_ptr_array_add(v->modelAttrs, g_strdup(value));
    }
    for (n = model->children; n; n = n->next) {
        if (n->type == XML_ELEMENT_NODE)
            vkXmlKeep(&v->modelChildren, n);
    }
    return 0;
}

int
vkDomainVideoParse(xmlNodePtr node, vkDomainVideoDef *v)
{
    xmlNodePtr n;
    bool haveModel = false;

    for (n = node->children; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        if (NAME_IS(n, "model") && !haveModel) {
            const char *primary = vkXmlAttr(n, "primary");
            haveModel = true;
            vkXmlSetAttr(&v->modelType, n, "type");
            if (!v->modelType) {
                vkReportError(VIR_ERR_XML_DETAIL, "%s",
                              "missing type in <video><model>");
                return -1;
            }
            if (vkXmlAttr(n, "vram") && vkDomainParseUInt(vkXmlAttr(n, "vram"), &v->vram) < 0) {
                vkReportError(VIR_ERR_XML_DETAIL,
                              "invalid vram '%s' in <video><model>", vkXmlAttr(n, "vram"));
                return -1;
            }
            if (vkXmlAttr(n, "heads") && vkDomainParseUInt(vkXmlAttr(n, "heads"), &v->heads) < 0) {
                vkReportError(VIR_ERR_XML_DETAIL,
                              "invalid heads '%s' in <video><model>", vkXmlAttr(n, "heads"));
                return -1;
            }
            if (primary && !vkDomainParseBool(primary, &v->primary)) {
                vkReportError(VIR_ERR_XML_DETAIL,
                              "invalid primary '%s' in <video><model>", primary);
                return -1;
            }
            if (parseVideoModelRest(n, v) < 0)
                return -1;
        } else if (NAME_IS(n, "address")) {
            vkXmlElemFree(v->address);
            v->address = vkXmlElemFromNode(n);
        } else if (!vkDomainIsLiveAlias(n)) {
            vkXmlKeep(&v->extra, n);
        }
    }
    /* A <video> without <model> takes the driver's default type, chosen
     * after the whole definition is known (vkDomainDefAddDefaults). */
    if (!haveModel)
        v->modelType = g_strdup("default");
    return 0;
}
