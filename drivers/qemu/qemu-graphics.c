/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Displays and channels of a starting guest: the ports and socket paths
 * a definition leaves to the start, chosen and then recorded in the live
 * definition, so `virsh vncdisplay` prints ":0" rather than the
 * definition's "-1" and a client finds the qemu-ga socket.
 *
 * VNC ports are QEMU's choice (-vnc ...:0,to=100) read back with
 * query-vnc: no window between a check and QEMU's bind.  SPICE has no
 * such option, so its port is chosen here just before the launch, as
 * libvirt does; QEMU initialises SPICE before VNC, so a VNC display of
 * the same guest steps over it.
 */
#include <string.h>
#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "drivers/qemu/qemu-graphics.h"
#include "drivers/qemu/command-priv.h"

#define VIR_FROM_THIS VIR_FROM_QEMU
#include "util/error.h"
#include "util/atomic-file.h"

/* Whether port binds on the numeric address addr (AI_NUMERICHOST: a host
 * name is checked on the IPv4 wildcard, which any listener blocks). */
static bool
portFree(const char *addr, int port)
{
    struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICHOST };
    struct addrinfo *ai = NULL;
    char service[16];
    bool ok = false;
    int fd;

    g_snprintf(service, sizeof(service), "%d", port);
    if (getaddrinfo(addr, service, &hints, &ai) != 0 &&
        getaddrinfo("0.0.0.0", service, &hints, &ai) != 0)
        return false;
    if ((fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0)) >= 0) {
        ok = bind(fd, ai->ai_addr, ai->ai_addrlen) == 0;
        close(fd);
    }
    freeaddrinfo(ai);
    return ok;
}

static int
freePort(const vkDomainDef *def, const vkDomainGraphicsDef *g, int from, const char *what)
{
    int port;

    for (port = from; port <= 65535 && !portFree(g->listen ? g->listen : "127.0.0.1", port);
         port++)
        ;
    if (port > 65535) {
        vkReportError(VIR_ERR_INTERNAL_ERROR, "no free port for the %s of domain '%s'", what,
                      def->name);
        return -1;
    }
    return port;
}

gpointer *
vkQemuGraphicsAttrSlot(vkDomainGraphicsDef *g, const char *name)
{
    for (guint i = 0; g->attrs && i + 1 < g->attrs->len; i += 2) {
        if (strcmp(g->attrs->pdata[i], name) == 0)
            return &g->attrs->pdata[i + 1];
    }
    return NULL;
}

int
vkQemuGraphicsAllocPorts(vkDomainDef *def)
{
    GPtrArray *g = def->priv ? def->priv->devs[VK_DOMAIN_DEVICE_GRAPHICS] : NULL;

    for (guint i = 0; g && i < g->len; i++) {
        vkDomainGraphicsDef *gr = g->pdata[i];
        const char *ltype = gr->listens && gr->listens->len ?
                            vkXmlElemGetAttr(gr->listens->pdata[0], "type") : "address";
        gpointer *ws = vkQemuGraphicsAttrSlot(gr, "websocket");
        int port;

        if (g_strcmp0(ltype, "address") != 0)
            continue;
        /* no TLS port: virtkitd has no SPICE certificates, so nothing
         * that needs one starts, and libvirt leaves tlsPort out then */
        if (strcmp(gr->type, "spice") == 0 && gr->autoport && gr->tlsPort < 0)
            gr->tlsPort = 0;
        if (strcmp(gr->type, "spice") == 0 && gr->autoport && gr->port <= 0) {
            if ((port = freePort(def, gr, VK_QEMU_GRAPHICS_PORT_MIN, "spice display")) < 0)
                return -1;
            gr->port = port;
        }
        if (strcmp(gr->type, "vnc") == 0 && ws && strcmp(*ws, "-1") == 0) {
            if ((port = freePort(def, gr, VK_QEMU_WEBSOCKET_PORT_MIN, "vnc websocket")) < 0)
                return -1;
            g_free(*ws);
            *ws = g_strdup_printf("%d", port);
        }
    }
    return 0;
}

int
vkQemuGraphicsQueryVncPort(vkQemuMonitor *mon, const vkDomainDef *def)
{
    GPtrArray *g = def->priv ? def->priv->devs[VK_DOMAIN_DEVICE_GRAPHICS] : NULL;
    vkJSON *ret = NULL;
    const char *service;
    int port = -1;
    bool vnc = false;

    for (guint i = 0; g && i < g->len; i++)
        vnc |= strcmp(((vkDomainGraphicsDef *)g->pdata[i])->type, "vnc") == 0;
    if (!vnc)
        return -1;
    if (vkQemuMonitorCommand(mon, "query-vnc", NULL, &ret) < 0) {
        vkErrorReset();
        return -1;
    }
    service = vkJSONObjectGetString(ret, "service");
    if (service && g_ascii_isdigit(*service))
        port = (int)g_ascii_strtoll(service, NULL, 10);
    vkJSONFree(ret);
    return port > 0 && port <= 65535 ? port : -1;
}

/* A display listening on an address the definition leaves out listens
 * on the loopback one (libvirt's vnc_listen/spice_listen default); the
 * live definition says which. */
static void
setListenAddress(vkDomainGraphicsDef *g)
{
    vkXmlElem *l = g->listens && g->listens->len ? g->listens->pdata[0] : NULL;

    if (!l || g_strcmp0(vkXmlElemGetAttr(l, "type"), "address") != 0 ||
        vkXmlElemGetAttr(l, "address"))
        return;
    vkXmlElemSetAttr(l, "address", "127.0.0.1");
    g_free(g->listen);
    g->listen = g_strdup("127.0.0.1");
}

static void
setSocket(vkDomainGraphicsDef *g, const char *domainDir, const char *file)
{
    vkXmlElem *l = g->listens && g->listens->len ? g->listens->pdata[0] : NULL;
    g_autofree char *path = NULL;

    if (!l || g_strcmp0(vkXmlElemGetAttr(l, "type"), "socket") != 0 ||
        vkXmlElemGetAttr(l, "socket") || g->socket || !domainDir)
        return;
    path = g_build_filename(domainDir, file, NULL);
    vkXmlElemSetAttr(l, "socket", path);
    g->socket = g_steal_pointer(&path);
}

static void
setChannelPath(vkDomainChrDef *c, const char *domainDir)
{
    g_autofree char *path = vkQemuChrDefaultPath(c, domainDir);
    vkXmlElem *src;

    if (!path)
        return;
    if (!c->sources)
        c->sources = g_ptr_array_new_with_free_func((GDestroyNotify)vkXmlElemFree);
    /* virt-install writes <source mode='bind'/>: it gets the path */
    if (c->sources->len) {
        src = c->sources->pdata[0];
    } else {
        src = g_new0(vkXmlElem, 1);
        src->name = g_strdup("source");
        g_ptr_array_add(c->sources, src);
    }
    vkXmlElemSetAttr(src, "mode", "bind");
    vkXmlElemSetAttr(src, "path", path);
}

bool
vkQemuGraphicsNeedsDir(const vkDomainDef *def)
{
    GPtrArray *g = def->priv ? def->priv->devs[VK_DOMAIN_DEVICE_GRAPHICS] : NULL;
    GPtrArray *chr = def->priv ? def->priv->devs[VK_DOMAIN_DEVICE_CHR] : NULL;

    for (guint i = 0; g && i < g->len; i++) {
        const vkDomainGraphicsDef *gr = g->pdata[i];
        const vkXmlElem *l = gr->listens && gr->listens->len ? gr->listens->pdata[0] : NULL;

        if (gr->passwd || (l && g_strcmp0(vkXmlElemGetAttr(l, "type"), "socket") == 0 &&
                           !gr->socket))
            return true;
    }
    for (guint i = 0; chr && i < chr->len; i++) {
        g_autofree char *path = vkQemuChrDefaultPath(chr->pdata[i], "/");
        if (path)
            return true;
    }
    return false;
}

int
vkQemuGraphicsWriteSecrets(const vkDomainDef *def, const char *dir)
{
    GPtrArray *g = def->priv ? def->priv->devs[VK_DOMAIN_DEVICE_GRAPHICS] : NULL;

    for (guint i = 0; g && i < g->len; i++) {
        const vkDomainGraphicsDef *gr = g->pdata[i];
        g_autofree char *id = g_strdup_printf(VK_QEMU_GRAPHICS_SECRET, i);
        g_autofree char *path = g_build_filename(dir, id, NULL);

        if (!gr->passwd)
            continue;
        if (vkAtomicFileWrite(path, gr->passwd, strlen(gr->passwd), 0600) < 0)
            return -1;
    }
    return 0;
}

static void
removeSecrets(const vkDomainDef *def, const char *dir)
{
    GPtrArray *g = def->priv ? def->priv->devs[VK_DOMAIN_DEVICE_GRAPHICS] : NULL;

    for (guint i = 0; g && dir && i < g->len; i++) {
        g_autofree char *id = g_strdup_printf(VK_QEMU_GRAPHICS_SECRET, i);
        g_autofree char *path = g_build_filename(dir, id, NULL);
        g_unlink(path);
    }
}

void
vkQemuGraphicsApplyLive(vkDomainDef *live, const vkDomainDef *resolved, int vncPort,
                        const char *domainDir)
{
    GPtrArray *g = live->priv ? live->priv->devs[VK_DOMAIN_DEVICE_GRAPHICS] : NULL;
    GPtrArray *rg = resolved->priv ? resolved->priv->devs[VK_DOMAIN_DEVICE_GRAPHICS] : NULL;
    GPtrArray *chr = live->priv ? live->priv->devs[VK_DOMAIN_DEVICE_CHR] : NULL;

    for (guint i = 0; g && i < g->len; i++) {
        vkDomainGraphicsDef *gr = g->pdata[i];

        if (strcmp(gr->type, "vnc") == 0) {
            const vkDomainGraphicsDef *r = rg && i < rg->len ? rg->pdata[i] : NULL;
            gpointer *ws = vkQemuGraphicsAttrSlot(gr, "websocket");
            gpointer *rws = r ? vkQemuGraphicsAttrSlot((vkDomainGraphicsDef *)r, "websocket") : NULL;

            if (vncPort > 0 && (gr->autoport || gr->port < 5900) && !gr->socket)
                gr->port = vncPort;
            if (ws && rws && strcmp(*ws, *rws) != 0) {
                g_free(*ws);
                *ws = g_strdup(*rws);
            }
            setSocket(gr, domainDir, "vnc.sock");
            setListenAddress(gr);
        } else if (strcmp(gr->type, "spice") == 0) {
            const vkDomainGraphicsDef *r = rg && i < rg->len ? rg->pdata[i] : NULL;
            if (r && gr->autoport && r->port > 0)
                gr->port = r->port;
            if (r && gr->autoport)
                gr->tlsPort = r->tlsPort;
            setSocket(gr, domainDir, "spice.sock");
            setListenAddress(gr);
        }
    }
    for (guint i = 0; chr && i < chr->len; i++)
        setChannelPath(chr->pdata[i], domainDir);
    /* QEMU read its secrets when it created the objects */
    removeSecrets(resolved, domainDir);
}

void
vkQemuGraphicsRemoveDir(const char *dir)
{
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    const char *n;

    while (d && (n = g_dir_read_name(d))) {
        g_autofree char *p = g_build_filename(dir, n, NULL);
        g_unlink(p);
    }
    g_rmdir(dir);
}
