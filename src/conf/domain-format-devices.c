/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Device structs -> XML, one function per device kind.
 *
 * Each writes its element at four spaces of indentation (inside
 * <devices>), children in libvirt's order, kept children after the ones
 * virtkit interprets and the <address> last.  Data that only exists while
 * a domain runs (a pty's path) is left out of inactive output, and a
 * graphics password only appears with VIR_DOMAIN_XML_SECURE.
 */
#include <string.h>

#include "conf/domain-conf-priv.h"

#define IND "    "
#define IND2 "      "

static void
elems(GString *buf, const GPtrArray *a, int indent)
{
    guint i;

    for (i = 0; a && i < a->len; i++)
        vkXmlElemFormat(buf, a->pdata[i], indent);
}

static void
address(GString *buf, const vkXmlElem *addr)
{
    if (addr)
        vkXmlElemFormat(buf, addr, 6);
}

static void
bootOrder(GString *buf, unsigned int order, const char *loadparm)
{
    if (!order)
        return;
    g_string_append_printf(buf, IND2 "<boot order='%u'", order);
    vkConfAttr(buf, "loadparm", loadparm);
    g_string_append(buf, "/>\n");
}

static void
attrs(GString *buf, const GPtrArray *a)
{
    for (guint i = 0; a && i + 1 < a->len; i += 2)
        vkConfAttr(buf, a->pdata[i], a->pdata[i + 1]);
}

/* Closes an element opened with its own attributes written: rest's
 * attributes, then rest's children (and extra ones, if any) or "/>". */
static void
closeRestSkip(GString *buf, const char *name, const vkXmlElem *rest, const GPtrArray *more,
              const char *skip)
{
    guint nrest = 0;
    bool children;

    for (guint i = 0; rest && rest->children && i < rest->children->len; i++)
        nrest += g_strcmp0(((vkXmlElem *)rest->children->pdata[i])->name, skip) != 0;
    children = nrest || (more && more->len);

    for (guint i = 0; rest && rest->attrs && i + 1 < rest->attrs->len; i += 2)
        vkConfAttr(buf, rest->attrs->pdata[i], rest->attrs->pdata[i + 1]);
    if (!children) {
        g_string_append(buf, "/>\n");
        return;
    }
    g_string_append(buf, ">\n");
    elems(buf, more, 8);
    for (guint i = 0; rest && rest->children && i < rest->children->len; i++) {
        const vkXmlElem *c = rest->children->pdata[i];
        if (g_strcmp0(c->name, skip) != 0)
            vkXmlElemFormat(buf, c, 8);
    }
    g_string_append_printf(buf, IND2 "</%s>\n", name);
}

static void
closeRest(GString *buf, const char *name, const vkXmlElem *rest, const GPtrArray *more)
{
    closeRestSkip(buf, name, rest, more, NULL);
}

/* Kept children of a disk that libvirt writes before <target>, and the
 * one it writes between <target> and <readonly>; the rest follow
 * <serial>. */
static const char *const diskBeforeTarget[] = {
    "backingStore", "backenddomain", "geometry", "blockio", "mirror", NULL
};

static void
diskExtra(GString *buf, const vkDomainDiskDef *d, int where)
{
    for (guint i = 0; d->extra && i < d->extra->len; i++) {
        const vkXmlElem *e = d->extra->pdata[i];
        int w = strcmp(e->name, "auth") == 0 ? -1 :
                g_strv_contains(diskBeforeTarget, e->name) ? 0 :
                strcmp(e->name, "iotune") == 0 ? 1 : 2;

        if (w == where)
            vkXmlElemFormat(buf, e, 6);
    }
}

static void
formatDisk(GString *buf, const vkDomainDiskDef *d, unsigned int flags)
{
    g_string_append(buf, IND "<disk");
    vkConfAttr(buf, "type", vkDomainDiskTypeTable[d->type]);
    vkConfAttr(buf, "device", vkDomainDiskDeviceTable[d->device]);
    attrs(buf, d->attrs);
    g_string_append(buf, ">\n");
    if (d->driverName || d->driverType || d->driverCache || d->driverRest) {
        g_string_append(buf, IND2 "<driver");
        vkConfAttr(buf, "name", d->driverName);
        vkConfAttr(buf, "type", d->driverType);
        vkConfAttr(buf, "cache", d->driverCache);
        closeRest(buf, "driver", d->driverRest, NULL);
    }
    diskExtra(buf, d, -1);
    switch ((vkDomainDiskType)d->type) {
    case VK_DOMAIN_DISK_TYPE_NETWORK:
        g_string_append(buf, IND2 "<source");
        vkConfAttr(buf, "protocol", d->srcProtocol);
        vkConfAttr(buf, "name", d->src);
        /* HTTP cookies are credentials: only in a secure dump */
        closeRestSkip(buf, "source", d->srcRest, d->srcHosts,
                      flags & VIR_DOMAIN_XML_SECURE ? NULL : "cookies");
        break;
    case VK_DOMAIN_DISK_TYPE_VOLUME:
        if (d->srcPool || d->src || d->srcRest) {
            g_string_append(buf, IND2 "<source");
            vkConfAttr(buf, "pool", d->srcPool);
            vkConfAttr(buf, "volume", d->src);
            closeRest(buf, "source", d->srcRest, NULL);
        }
        break;
    case VK_DOMAIN_DISK_TYPE_NVME:
        if (d->srcRest) {
            g_string_append(buf, IND2 "<source");
            closeRest(buf, "source", d->srcRest, NULL);
        }
        break;
    default:
        if (d->src || d->srcRest) {
            static const char *const attrName[] = { "file", "dev", "dir" };
            g_string_append(buf, IND2 "<source");
            vkConfAttr(buf, attrName[d->type], d->src);
            closeRest(buf, "source", d->srcRest, NULL);
        }
        break;
    }
    diskExtra(buf, d, 0);
    g_string_append(buf, IND2 "<target");
    vkConfAttr(buf, "dev", d->dst);
    vkConfAttr(buf, "bus", d->bus);
    for (guint i = 0; d->targetAttrs && i + 1 < d->targetAttrs->len; i += 2)
        vkConfAttr(buf, d->targetAttrs->pdata[i], d->targetAttrs->pdata[i + 1]);
    g_string_append(buf, "/>\n");
    diskExtra(buf, d, 1);
    if (d->readonly)
        g_string_append(buf, IND2 "<readonly/>\n");
    if (d->shareable)
        g_string_append(buf, IND2 "<shareable/>\n");
    if (d->transient) {
        g_string_append(buf, IND2 "<transient");
        vkConfAttr(buf, "shareBacking", d->shareBacking);
        g_string_append(buf, "/>\n");
    }
    if (d->serial) {
        g_string_append(buf, IND2 "<serial>");
        vkConfEscape(buf, d->serial);
        g_string_append(buf, "</serial>\n");
    }
    diskExtra(buf, d, 2);
    bootOrder(buf, d->bootIndex, d->loadparm);
    address(buf, d->address);
    g_string_append(buf, IND "</disk>\n");
}

static void
formatController(GString *buf, const vkDomainControllerDef *c)
{
    guint i;
    bool children = (c->extra && c->extra->len) || c->address;

    g_string_append(buf, IND "<controller");
    vkConfAttr(buf, "type", c->type);
    g_string_append_printf(buf, " index='%d'", c->idx < 0 ? 0 : c->idx);
    vkConfAttr(buf, "model", c->model);
    for (i = 0; c->attrs && i + 1 < c->attrs->len; i += 2)
        vkConfAttr(buf, c->attrs->pdata[i], c->attrs->pdata[i + 1]);
    if (!children) {
        g_string_append(buf, "/>\n");
        return;
    }
    g_string_append(buf, ">\n");
    elems(buf, c->extra, 6);
    address(buf, c->address);
    g_string_append(buf, IND "</controller>\n");
}

static void
formatFS(GString *buf, const vkDomainFSDef *fs)
{
    g_string_append(buf, IND "<filesystem");
    vkConfAttr(buf, "type", fs->type);
    vkConfAttr(buf, "accessmode", fs->accessmode);
    attrs(buf, fs->attrs);
    g_string_append(buf, ">\n");
    if (fs->driverType)
        g_string_append_printf(buf, IND2 "<driver type='%s'/>\n", fs->driverType);
    /* a <driver> with more than a type is kept whole: it still goes first */
    for (guint i = 0; fs->extra && i < fs->extra->len; i++) {
        const vkXmlElem *e = fs->extra->pdata[i];
        if (strcmp(e->name, "driver") == 0)
            vkXmlElemFormat(buf, e, 6);
    }
    for (guint i = 0; fs->extra && i < fs->extra->len; i++) {
        const vkXmlElem *e = fs->extra->pdata[i];
        if (strcmp(e->name, "binary") == 0)
            vkXmlElemFormat(buf, e, 6);
    }
    if (fs->src && fs->srcAttr) {
        g_string_append(buf, IND2 "<source");
        vkConfAttr(buf, fs->srcAttr, fs->src);
        g_string_append(buf, "/>\n");
    }
    g_string_append(buf, IND2 "<target");
    vkConfAttr(buf, "dir", fs->dst);
    g_string_append(buf, "/>\n");
    if (fs->readonly)
        g_string_append(buf, IND2 "<readonly/>\n");
    for (guint i = 0; fs->extra && i < fs->extra->len; i++) {
        const vkXmlElem *e = fs->extra->pdata[i];
        if (strcmp(e->name, "driver") != 0 && strcmp(e->name, "binary") != 0)
            vkXmlElemFormat(buf, e, 6);
    }
    address(buf, fs->address);
    g_string_append(buf, IND "</filesystem>\n");
}

/* The children of an interface virtkit keeps as written, in libvirt's
 * order, cut where the interpreted ones (<script>, <target>, <model>) go. */
static const char *const netOrder[] = {
    "source", "ip", "route", "portForward", "vlan", "virtualport", "bandwidth", "port",
    "downscript", "backenddomain",          /* after <script> */
    "guest",                                /* after <target> */
    "driver", "backend", "filterref", "tune", "teaming", "link", "mtu", "coalesce",
    "rom", "acpi", NULL                     /* after <model> */
};
enum { NET_AFTER_SCRIPT = 8, NET_AFTER_TARGET = 10, NET_AFTER_MODEL = 11 };

static void
netExtra(GString *buf, const vkDomainNetDef *net, guint from, guint to)
{
    guint n = g_strv_length((char **)netOrder);

    for (guint r = from; r < to && r < n; r++) {
        for (guint i = 0; net->extra && i < net->extra->len; i++) {
            const vkXmlElem *e = net->extra->pdata[i];
            if (strcmp(e->name, netOrder[r]) == 0)
                vkXmlElemFormat(buf, e, 6);
        }
    }
    if (to < G_MAXUINT)
        return;
    for (guint i = 0; net->extra && i < net->extra->len; i++) {
        const vkXmlElem *e = net->extra->pdata[i];
        if (!g_strv_contains(netOrder, e->name))
            vkXmlElemFormat(buf, e, 6);
    }
}

/* Writes the kept attributes whose names start with prefix. */
static void
netAttrs(GString *buf, const vkDomainNetDef *net, const char *prefix)
{
    size_t len = strlen(prefix);

    for (guint i = 0; net->attrs && i + 1 < net->attrs->len; i += 2) {
        const char *name = net->attrs->pdata[i];
        if (len ? g_str_has_prefix(name, prefix) : !strchr(name, ':'))
            vkConfAttr(buf, name + len, net->attrs->pdata[i + 1]);
    }
}

static void
formatNet(GString *buf, const vkDomainNetDef *net)
{
    bool hostdev = net->type == VK_DOMAIN_NET_TYPE_HOSTDEV;
    char mac[18];
    guint i;

    g_string_append(buf, IND "<interface");
    vkConfAttr(buf, "type", vkDomainNetTypeTable[net->type]);
    netAttrs(buf, net, "");
    g_string_append(buf, ">\n");
    vkConfMACFormat(net->mac, mac);
    g_string_append_printf(buf, IND2 "<mac address='%s'", mac);
    netAttrs(buf, net, "mac:");
    g_string_append(buf, "/>\n");
    /* a host device's <driver> names how it is assigned: libvirt writes it
     * with the device's <source> */
    for (i = 0; hostdev && net->extra && i < net->extra->len; i++) {
        vkXmlElem *e = net->extra->pdata[i];
        if (strcmp(e->name, "driver") == 0)
            vkXmlElemFormat(buf, e, 6);
    }
    if (net->source) {
        g_string_append(buf, IND2 "<source");
        switch ((vkDomainNetType)net->type) {
        case VK_DOMAIN_NET_TYPE_NETWORK:
            vkConfAttr(buf, "network", net->source);
            netAttrs(buf, net, "source:");
            vkConfAttr(buf, "portid", net->portid);
            vkConfAttr(buf, "bridge", net->liveBridge);
            break;
        case VK_DOMAIN_NET_TYPE_BRIDGE:
            vkConfAttr(buf, "bridge", net->source);
            break;
        default:
            vkConfAttr(buf, "dev", net->source);
            vkConfAttr(buf, "mode", net->sourceMode);
            break;
        }
        g_string_append(buf, "/>\n");
    }
    netExtra(buf, net, 0, NET_AFTER_SCRIPT);
    if (net->script) {
        g_string_append(buf, IND2 "<script");
        vkConfAttr(buf, "path", net->script);
        g_string_append(buf, "/>\n");
    }
    netExtra(buf, net, NET_AFTER_SCRIPT, NET_AFTER_TARGET);
    if (net->ifname) {
        g_string_append(buf, IND2 "<target");
        vkConfAttr(buf, "dev", net->ifname);
        netAttrs(buf, net, "target:");
        g_string_append(buf, "/>\n");
    }
    netExtra(buf, net, NET_AFTER_TARGET, NET_AFTER_MODEL);
    if (net->model) {
        g_string_append(buf, IND2 "<model");
        vkConfAttr(buf, "type", net->model);
        g_string_append(buf, "/>\n");
    }
    if (hostdev) {
        for (i = NET_AFTER_MODEL + 1; netOrder[i]; i++)
            netExtra(buf, net, i, i + 1);
        for (i = 0; net->extra && i < net->extra->len; i++) {
            const vkXmlElem *e = net->extra->pdata[i];
            if (!g_strv_contains(netOrder, e->name))
                vkXmlElemFormat(buf, e, 6);
        }
    } else {
        netExtra(buf, net, NET_AFTER_MODEL, G_MAXUINT);
    }
    bootOrder(buf, net->bootIndex, net->loadparm);
    address(buf, net->address);
    g_string_append(buf, IND "</interface>\n");
}

/* libvirt formats a UNIX source only with its path: a <source mode='bind'/>
 * whose path the start chooses is not kept. */
static bool
emptyUnixSource(const vkDomainChrDef *chr)
{
    const vkXmlElem *s = chr->sources && chr->sources->len == 1 ? chr->sources->pdata[0] : NULL;

    return s && g_strcmp0(chr->type, "unix") == 0 && !vkXmlElemGetAttr(s, "path") &&
           !(s->children && s->children->len);
}

static void
formatChr(GString *buf, const vkDomainChrDef *chr, unsigned int flags)
{
    const char *name = vkDomainChrKindTable[chr->kind];
    bool pty = g_strcmp0(chr->type, "pty") == 0;
    bool live = !(flags & VIR_DOMAIN_XML_INACTIVE);
    bool sources = chr->sources && chr->sources->len && (!pty || live) &&
                   !emptyUnixSource(chr);
    const char *ptyPath = NULL;
    bool children;

    if (pty && chr->sources && chr->sources->len)
        ptyPath = vkXmlElemGetAttr(chr->sources->pdata[0], "path");
    children = sources ||
               chr->protocol || chr->log || chr->target || chr->address;
    g_string_append_printf(buf, IND "<%s", name);
    vkConfAttr(buf, "type", chr->type);
    if (chr->kind == VK_DOMAIN_CHR_CONSOLE && pty && live)
        vkConfAttr(buf, "tty", ptyPath);
    if (!children) {
        g_string_append(buf, "/>\n");
        return;
    }
    g_string_append(buf, ">\n");
    if (sources)
        elems(buf, chr->sources, 6);
    if (chr->protocol)
        vkXmlElemFormat(buf, chr->protocol, 6);
    if (chr->log)
        vkXmlElemFormat(buf, chr->log, 6);
    if (chr->target)
        vkXmlElemFormat(buf, chr->target, 6);
    address(buf, chr->address);
    g_string_append_printf(buf, IND "</%s>\n", name);
}

static void
formatInput(GString *buf, const vkDomainInputDef *in)
{
    g_string_append(buf, IND "<input");
    vkConfAttr(buf, "type", in->type);
    vkConfAttr(buf, "bus", in->bus);
    vkConfAttr(buf, "model", in->model);
    if (!(in->extra && in->extra->len) && !in->address) {
        g_string_append(buf, "/>\n");
        return;
    }
    g_string_append(buf, ">\n");
    elems(buf, in->extra, 6);
    address(buf, in->address);
    g_string_append(buf, IND "</input>\n");
}

static void
formatGraphics(GString *buf, const vkDomainGraphicsDef *g, unsigned int flags)
{
    bool vnc = strcmp(g->type, "vnc") == 0, spice = strcmp(g->type, "spice") == 0;
    const char *ltype = g->listens && g->listens->len ?
                        vkXmlElemGetAttr(g->listens->pdata[0], "type") : NULL;
    bool tcp = (vnc || spice || strcmp(g->type, "rdp") == 0) &&
               g_strcmp0(ltype, "socket") != 0 && g_strcmp0(ltype, "none") != 0;
    bool inactive = flags & VIR_DOMAIN_XML_INACTIVE;
    guint i;

    g_string_append(buf, IND "<graphics");
    vkConfAttr(buf, "type", g->type);
    if (vnc && g_strcmp0(ltype, "socket") == 0)
        vkConfAttr(buf, "socket", g->socket);
    if (tcp) {
        /* libvirt writes -1 for a vnc port still to be chosen, but leaves
         * an unchosen spice port out; a port of 0 is none */
        int port = g->autoport && inactive ? (spice ? 0 : -1) : g->port;
        int tlsPort = g->autoport && inactive ? 0 : g->tlsPort;
        if (port != 0)
            g_string_append_printf(buf, " port='%d'", port);
        if (spice && tlsPort != 0)
            g_string_append_printf(buf, " tlsPort='%d'", tlsPort);
        g_string_append_printf(buf, " autoport='%s'", g->autoport ? "yes" : "no");
    }
    vkConfAttr(buf, "listen", g->listen);
    vkConfAttr(buf, "keymap", g->keymap);
    for (i = 0; g->attrs && i + 1 < g->attrs->len; i += 2)
        vkConfAttr(buf, g->attrs->pdata[i], g->attrs->pdata[i + 1]);
    /* the expiry is no secret, but it goes with a password */
    if (flags & VIR_DOMAIN_XML_SECURE)
        vkConfAttr(buf, "passwd", g->passwd);
    if (g->passwd)
        vkConfAttr(buf, "passwdValidTo", g->passwdValidTo);
    if (!(g->listens && g->listens->len) && !(g->extra && g->extra->len)) {
        g_string_append(buf, "/>\n");
        return;
    }
    g_string_append(buf, ">\n");
    elems(buf, g->listens, 6);
    elems(buf, g->extra, 6);
    g_string_append(buf, IND "</graphics>\n");
}

static const char *
videoModelAttr(const vkDomainVideoDef *v, const char *name)
{
    for (guint i = 0; v->modelAttrs && i + 1 < v->modelAttrs->len; i += 2) {
        if (g_str_equal(v->modelAttrs->pdata[i], name))
            return v->modelAttrs->pdata[i + 1];
    }
    return NULL;
}

static void
formatVideo(GString *buf, const vkDomainVideoDef *v)
{
    g_string_append(buf, IND "<video>\n");
    /* libvirt writes <driver> before <model>, the rest after */
    for (guint i = 0; v->extra && i < v->extra->len; i++) {
        const vkXmlElem *e = v->extra->pdata[i];
        if (g_str_equal(e->name, "driver"))
            vkXmlElemFormat(buf, e, 6);
    }
    g_string_append(buf, IND2 "<model");
    vkConfAttr(buf, "type", v->modelType);
    /* libvirt's order: type ram vram vram64 vgamem heads primary */
    vkConfAttr(buf, "ram", videoModelAttr(v, "ram"));
    if (v->vram)
        g_string_append_printf(buf, " vram='%u'", v->vram);
    vkConfAttr(buf, "vram64", videoModelAttr(v, "vram64"));
    vkConfAttr(buf, "vgamem", videoModelAttr(v, "vgamem"));
    if (v->heads)
        g_string_append_printf(buf, " heads='%u'", v->heads);
    if (v->primary)
        g_string_append(buf, " primary='yes'");
    for (guint i = 0; v->modelAttrs && i + 1 < v->modelAttrs->len; i += 2) {
        const char *name = v->modelAttrs->pdata[i];
        if (!g_str_equal(name, "ram") && !g_str_equal(name, "vram64") &&
            !g_str_equal(name, "vgamem"))
            vkConfAttr(buf, name, v->modelAttrs->pdata[i + 1]);
    }
    if (v->modelChildren && v->modelChildren->len) {
        g_string_append(buf, ">\n");
        elems(buf, v->modelChildren, 8);
        g_string_append(buf, IND2 "</model>\n");
    } else {
        g_string_append(buf, "/>\n");
    }
    for (guint i = 0; v->extra && i < v->extra->len; i++) {
        const vkXmlElem *e = v->extra->pdata[i];
        if (!g_str_equal(e->name, "driver"))
            vkXmlElemFormat(buf, e, 6);
    }
    address(buf, v->address);
    g_string_append(buf, IND "</video>\n");
}

void
vkDomainDeviceFormat(GString *buf, const vkDomainDeviceDef *dev,
                     unsigned int flags)
{
    switch ((vkDomainDeviceType)dev->type) {
    case VK_DOMAIN_DEVICE_DISK:
        formatDisk(buf, dev->data.disk, flags);
        break;
    case VK_DOMAIN_DEVICE_CONTROLLER:
        formatController(buf, dev->data.controller);
        break;
    case VK_DOMAIN_DEVICE_FS:
        formatFS(buf, dev->data.fs);
        break;
    case VK_DOMAIN_DEVICE_NET:
        formatNet(buf, dev->data.net);
        break;
    case VK_DOMAIN_DEVICE_CHR:
        formatChr(buf, dev->data.chr, flags);
        break;
    case VK_DOMAIN_DEVICE_INPUT:
        formatInput(buf, dev->data.input);
        break;
    case VK_DOMAIN_DEVICE_GRAPHICS:
        formatGraphics(buf, dev->data.graphics, flags);
        break;
    case VK_DOMAIN_DEVICE_VIDEO:
        formatVideo(buf, dev->data.video);
        break;
    case VK_DOMAIN_DEVICE_OTHER:
        /* libvirt writes no element for a panic device it has nothing
         * to say about (no model, no address) */
        if (strcmp(dev->data.other->name, "panic") == 0 && !dev->data.other->attrs &&
            !dev->data.other->children)
            break;
        vkXmlElemFormat(buf, dev->data.other, 4);
        break;
    case VK_DOMAIN_DEVICE_LAST:
        break;
    }
}
