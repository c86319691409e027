/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What a user sees: graphics (-vnc, -spice, -display) and video devices.
 *
 * The displays are options of their own, so they come early in the argv;
 * video devices sit on PCI buses and follow the controllers
 * (vkQemuCmdVideo is called after them).  The argv is libvirt's for
 * every display libvirt accepts; what this host cannot run (an X display
 * for sdl, a render node for OpenGL) is refused at start by
 * vkQemuGraphicsCheckHost, not here.  virtkitd has no TLS certificates
 * for SPICE: a secure channel is refused by name.
 */
#include <string.h>

#include "drivers/qemu/command-priv.h"

#define VIR_FROM_THIS VIR_FROM_QEMU
#include "util/error.h"

/* ---- graphics ---- */

char *
vkQemuDisplaySocketPath(const vkQemuCommandOpts *opts, const char *name)
{
    return opts && opts->domainDir ? g_build_filename(opts->domainDir, name, NULL) : NULL;
}

static const char *
gattr(const vkDomainGraphicsDef *g, const char *name)
{
    for (guint i = 0; g->attrs && i + 1 < g->attrs->len; i += 2) {
        if (strcmp(g->attrs->pdata[i], name) == 0)
            return g->attrs->pdata[i + 1];
    }
    return NULL;
}

static const vkXmlElem *
gchild(const vkDomainGraphicsDef *g, const char *name, guint *from)
{
    for (guint i = from ? *from : 0; g->extra && i < g->extra->len; i++) {
        const vkXmlElem *e = g->extra->pdata[i];
        if (strcmp(e->name, name) == 0) {
            if (from)
                *from = i + 1;
            return e;
        }
    }
    return NULL;
}

static const char *
firstListenType(const vkDomainGraphicsDef *g)
{
    if (!g->listens || !g->listens->len)
        return "address";
    return vkXmlElemGetAttr(g->listens->pdata[0], "type");
}

/* An IPv6 address goes in brackets in QEMU's host:port syntax. */
static char *
hostPart(const char *addr)
{
    return strchr(addr, ':') ? g_strdup_printf("[%s]", addr) : g_strdup(addr);
}

/* The audiodev a VNC display streams: its own <audio id=''/>, else the
 * domain's first <audio>. */
static const char *
vncAudioId(const vkDomainDef *def, const vkDomainGraphicsDef *g)
{
    const vkXmlElem *own = gchild(g, "audio", NULL);
    GPtrArray *o = devs(def, VK_DOMAIN_DEVICE_OTHER);

    if (own && vkXmlElemGetAttr(own, "id"))
        return vkXmlElemGetAttr(own, "id");
    for (guint i = 0; o && i < o->len; i++) {
        const vkXmlElem *e = o->pdata[i];
        if (strcmp(e->name, "audio") == 0)
            return vkXmlElemGetAttr(e, "id");
    }
    return NULL;
}

/* A display password never goes on the command line: QEMU reads it
 * from a secret object whose file the start writes into the domain's
 * directory (vkQemuGraphicsWriteSecrets).  Without a directory (a
 * define-time check) the object carries the data, base64. */
static void
addPasswordSecret(cmdBuf *b, GString *opt, guint idx, const char *passwd)
{
    g_autofree char *id = g_strdup_printf(VK_QEMU_GRAPHICS_SECRET, idx);
    g_autofree char *file = vkQemuDisplaySocketPath(b->opts, id);

    add(b, "-object");
    if (file) {
        g_autofree char *f = esc(file);
        addf(b, "secret,id=%s,file=%s,format=raw", id, f);
    } else {
        g_autofree char *data = g_base64_encode((const guchar *)passwd, strlen(passwd));
        addf(b, "secret,id=%s,data=%s,format=base64", id, data);
    }
    g_string_append_printf(opt, ",password-secret=%s", id);
}

static int
cmdVnc(cmdBuf *b, const vkDomainGraphicsDef *g, int idx)
{
    const vkDomainDef *def = b->def;
    const char *ltype = firstListenType(g);
    const char *ws = gattr(g, "websocket");
    const char *share = gattr(g, "sharePolicy");
    const char *power = gattr(g, "powerControl");
    const char *audio = vncAudioId(def, g);
    g_autoptr(GString) opt = g_string_new(NULL);

    /* libvirt's define keeps it; the start would look the address up in
     * a virtual network, which virtkit's QEMU driver does not */
    if (g_strcmp0(ltype, "network") == 0 &&
        refuseAtStart(b, "<listen type='network'> of the vnc graphics of domain '%s'",
                      def->name) < 0)
        return -1;
    if (g_strcmp0(ltype, "socket") == 0) {
        g_autofree char *path = g->socket ? g_strdup(g->socket) :
            vkQemuDisplaySocketPath(b->opts, "vnc.sock");
        g_autofree char *p = path ? esc(path) : NULL;

        if (!p && b->opts) {
            unsupported("vnc <listen type='socket'> without a path in domain '%s'",
                        def->name);
            return -1;
        }
        g_string_append_printf(opt, "unix:%s", p ? p : "vnc.sock");
    } else if (g_strcmp0(ltype, "none") == 0) {
        g_string_append(opt, "none");
    } else {
        g_autofree char *host = hostPart(g->listen ? g->listen : "127.0.0.1");

        if (g->autoport || g->port < 5900)
            /* QEMU takes the first free display from :0; the port it
             * bound is read back after the start (qemu-graphics.c). */
            g_string_append_printf(opt, "%s:0,to=100", host);
        else
            g_string_append_printf(opt, "%s:%d", host, g->port - 5900);
        /* websocket='-1' is chosen at start (vkQemuGraphicsAllocPorts) */
        if (ws && strcmp(ws, "-1") == 0 && b->opts) {
            unsupported("vnc websocket of domain '%s' has no port allocated", def->name);
            return -1;
        }
        if (ws && strcmp(ws, "-1") != 0)
            g_string_append_printf(opt, ",websocket=%s", ws);
    }
    if (share)
        g_string_append_printf(opt, ",share=%s", share);
    if (g->passwd)
        addPasswordSecret(b, opt, (guint)idx, g->passwd);
    if (g_strcmp0(power, "yes") == 0)
        g_string_append(opt, ",power-control=on");
    if (audio)
        g_string_append_printf(opt, ",audiodev=audio%s", audio);
    add2(b, "-vnc", opt->str);
    if (g->keymap)
        add2(b, "-k", g->keymap);
    return 0;
}

/* SPICE over TLS needs the certificates libvirt reads from qemu.conf's
 * spice_tls_x509_cert_dir; virtkitd has none, so whatever asks for a
 * secure channel is refused as libvirt refuses it with spice_tls=0. */
static int
spiceNoTls(const vkDomainDef *def, const char *what)
{
    unsupported("spice %s of domain '%s': TLS is disabled (no SPICE certificates configured)",
                what, def->name);
    return -1;
}

/* <gl enable='yes' rendernode=''/> of spice, sdl, dbus and egl-headless.
 * Whether the host has a render node is a start's question
 * (vkQemuGraphicsCheckHost), which also fills in a missing rendernode. */
static void
glOption(const vkDomainGraphicsDef *g, GString *opt)
{
    const vkXmlElem *gl = gchild(g, "gl", NULL);
    const char *node = gl ? vkXmlElemGetAttr(gl, "rendernode") : NULL;

    /* gl='no' is QEMU's default, and libvirt leaves it out */
    if (!gl || g_strcmp0(vkXmlElemGetAttr(gl, "enable"), "yes") != 0)
        return;
    g_string_append(opt, ",gl=on");
    if (node) {
        g_autofree char *n = esc(node);
        g_string_append_printf(opt, ",rendernode=%s", n);
    }
}

static int
spiceChildren(cmdBuf *b, const vkDomainGraphicsDef *g, GString *opt)
{
    static const struct { const char *elem, *attr, *opt; } map[] = {
        { "image", "compression", "image-compression" },
        { "jpeg", "compression", "jpeg-wan-compression" },
        { "zlib", "compression", "zlib-glz-wan-compression" },
        { "playback", "compression", "playback-compression" },
        { "streaming", "mode", "streaming-video" },
    };
    const vkXmlElem *e;
    guint at = 0;

    while ((e = gchild(g, "channel", &at))) {
        const char *mode = vkXmlElemGetAttr(e, "mode");
        if (g_strcmp0(mode, "secure") == 0)
            return spiceNoTls(b->def, "channel mode='secure'");
        if (g_strcmp0(mode, "insecure") == 0)
            g_string_append_printf(opt, ",plaintext-channel=%s", vkXmlElemGetAttr(e, "name"));
    }
    for (size_t i = 0; i < G_N_ELEMENTS(map); i++) {
        const char *v = (e = gchild(g, map[i].elem, NULL)) ? vkXmlElemGetAttr(e, map[i].attr)
                                                          : NULL;
        if (v)
            g_string_append_printf(opt, ",%s=%s", map[i].opt, v);
    }
    if ((e = gchild(g, "clipboard", NULL)) &&
        g_strcmp0(vkXmlElemGetAttr(e, "copypaste"), "no") == 0)
        g_string_append(opt, ",disable-copy-paste=on");
    if ((e = gchild(g, "filetransfer", NULL)) &&
        g_strcmp0(vkXmlElemGetAttr(e, "enable"), "no") == 0)
        g_string_append(opt, ",disable-agent-file-xfer=on");
    glOption(g, opt);
    return 0;
}

static int
cmdSpice(cmdBuf *b, const vkDomainGraphicsDef *g, int idx)
{
    const vkDomainDef *def = b->def;
    const char *ltype = firstListenType(g);
    const char *defMode = gattr(g, "defaultMode");
    const vkXmlElem *mouse = gchild(g, "mouse", NULL);
    g_autoptr(GString) opt = g_string_new(NULL);

    if (g->tlsPort > 0)
        return spiceNoTls(def, "tlsPort");
    if (g_strcmp0(defMode, "secure") == 0)
        return spiceNoTls(def, "defaultMode='secure'");
    if (g_strcmp0(ltype, "network") == 0 &&
        refuseAtStart(b, "<listen type='network'> of the spice graphics of domain '%s'",
                      def->name) < 0)
        return -1;
    if (g_strcmp0(ltype, "socket") == 0) {
        g_autofree char *path = g->socket ? g_strdup(g->socket) :
            vkQemuDisplaySocketPath(b->opts, "spice.sock");
        g_autofree char *p = path ? esc(path) : NULL;

        if (!p && b->opts) {
            unsupported("spice <listen type='socket'> without a path in domain '%s'",
                        def->name);
            return -1;
        }
        g_string_append_printf(opt, "unix=on,addr=%s", p ? p : "spice.sock");
    } else if (g_strcmp0(ltype, "none") == 0) {
        g_string_append(opt, "port=0");
    } else {
        g_autofree char *addr = esc(g->listen ? g->listen : "127.0.0.1");

        /* An automatic port is chosen just before the start
         * (vkQemuGraphicsAllocPorts) and is in the definition by now;
         * a define-time check has none yet. */
        if (g->port <= 0 && g->autoport && b->opts) {
            unsupported("spice autoport of domain '%s' has no port allocated", def->name);
            return -1;
        }
        g_string_append_printf(opt, "port=%d,addr=%s", g->port > 0 ? g->port : 0, addr);
    }
    if (mouse && vkXmlElemGetAttr(mouse, "mode"))
        g_string_append_printf(opt, ",agent-mouse=%s",
                               strcmp(vkXmlElemGetAttr(mouse, "mode"), "client") == 0 ?
                               "on" : "off");
    if (g->passwd) {
        addPasswordSecret(b, opt, (guint)idx, g->passwd);
    } else {
        g_string_append(opt, ",disable-ticketing=on");
    }
    if (g_strcmp0(defMode, "insecure") == 0)
        g_string_append(opt, ",plaintext-channel=default");
    if (spiceChildren(b, g, opt) < 0)
        return -1;
    g_string_append(opt, ",seamless-migration=on");
    add2(b, "-spice", opt->str);
    if (g->keymap)
        add2(b, "-k", g->keymap);
    return 0;
}

static int
cmdEglHeadless(cmdBuf *b, const vkDomainGraphicsDef *g)
{
    const vkXmlElem *gl = gchild(g, "gl", NULL);
    const char *node = gl ? vkXmlElemGetAttr(gl, "rendernode") : NULL;
    g_autofree char *n = node ? esc(node) : NULL;

    add(b, "-display");
    if (n)
        addf(b, "egl-headless,rendernode=%s", n);
    else
        add(b, "egl-headless");
    return 0;
}

/* SDL opens a window on the X display the start passes to QEMU
 * (display='', xauth=''); vkQemuGraphicsCheckHost decides whether
 * there is one. */
static int
cmdSdl(cmdBuf *b, const vkDomainGraphicsDef *g)
{
    g_autoptr(GString) opt = g_string_new("sdl");

    if (g_strcmp0(gattr(g, "fullscreen"), "yes") == 0)
        add(b, "-full-screen");
    glOption(g, opt);
    add2(b, "-display", opt->str);
    return 0;
}

/* A D-Bus display on the bus at address='', or peer to peer with the
 * client QMP's add_client hands over (p2p='yes').  libvirt's own
 * per-domain bus (neither given) is not run by virtkitd: a start
 * refuses it (vkQemuGraphicsCheckHost); the define-time argv names the
 * socket that bus would have in the domain's directory. */
static int
cmdDbus(cmdBuf *b, const vkDomainGraphicsDef *g)
{
    const char *addr = gattr(g, "address");
    const vkXmlElem *audio = gchild(g, "audio", NULL);
    g_autoptr(GString) opt = g_string_new("dbus");

    if (g_strcmp0(gattr(g, "p2p"), "yes") == 0) {
        g_string_append(opt, ",p2p=on");
    } else {
        g_autofree char *path = vkQemuDisplaySocketPath(b->opts, "dbus.sock");
        g_autofree char *a = addr ? esc(addr) : NULL;

        if (a)
            g_string_append_printf(opt, ",addr=%s", a);
        else
            g_string_append_printf(opt, ",addr=unix:path=%s", path ? path : "dbus.sock");
    }
    glOption(g, opt);
    if (audio && vkXmlElemGetAttr(audio, "id"))
        g_string_append_printf(opt, ",audiodev=audio%s", vkXmlElemGetAttr(audio, "id"));
    add2(b, "-display", opt->str);
    return 0;
}

int
vkQemuCmdGraphics(cmdBuf *b)
{
    const vkDomainDef *def = b->def;
    GPtrArray *g = devs(def, VK_DOMAIN_DEVICE_GRAPHICS);
    static const char *const kinds[] = { "vnc", "spice", "egl-headless", "sdl", "dbus" };
    bool seen[G_N_ELEMENTS(kinds)] = { false };
    bool display = false;

    if (vkQemuCmdAudio(b) < 0)
        return -1;
    for (guint i = 0; g && i < g->len; i++) {
        const vkDomainGraphicsDef *gr = g->pdata[i];
        int kind = -1;
        int rc;

        for (size_t k = 0; k < G_N_ELEMENTS(kinds); k++) {
            if (strcmp(gr->type, kinds[k]) == 0)
                kind = (int)k;
        }
        if (kind < 0) {
            /* rdp and desktop are VirtualBox's, not QEMU's */
            unsupported("graphics type '%s' of domain '%s'", gr->type, def->name);
            return -1;
        }
        if (seen[kind]) {
            unsupported("more than one graphics device of type '%s' in domain '%s'",
                        gr->type, def->name);
            return -1;
        }
        seen[kind] = true;
        switch (kind) {
        case 0: rc = cmdVnc(b, gr, (int)i); break;
        case 1: rc = cmdSpice(b, gr, (int)i); break;
        case 2: rc = cmdEglHeadless(b, gr); break;
        case 3: rc = cmdSdl(b, gr); break;
        default: rc = cmdDbus(b, gr); break;
        }
        if (rc < 0)
            return -1;
        display = true;
    }
    {
        int ngl = seen[2];

        for (guint i = 0; g && i < g->len; i++) {
            const vkXmlElem *gl = gchild(g->pdata[i], "gl", NULL);
            ngl += gl && g_strcmp0(vkXmlElemGetAttr(gl, "enable"), "yes") == 0;
        }
        if (ngl > 1) {
            unsupported("%s", "multiple OpenGL displays are not supported by QEMU");
            return -1;
        }
    }
    /* A remote display (vnc, spice) stops QEMU from opening a window of
     * its own; without one it must be told. */
    if (!display)
        add2(b, "-display", "none");
    return 0;
}

/* ---- video ---- */

static unsigned int
vattr(const vkDomainVideoDef *v, const char *name, unsigned int dflt)
{
    for (guint i = 0; v->modelAttrs && i + 1 < v->modelAttrs->len; i += 2) {
        if (strcmp(v->modelAttrs->pdata[i], name) == 0)
            return (unsigned int)g_ascii_strtoull(v->modelAttrs->pdata[i + 1], NULL, 10);
    }
    return dflt;
}

static bool
vaccel3d(const vkDomainVideoDef *v)
{
    for (guint i = 0; v->modelChildren && i < v->modelChildren->len; i++) {
        const vkXmlElem *e = v->modelChildren->pdata[i];
        if (strcmp(e->name, "acceleration") == 0 &&
            g_strcmp0(vkXmlElemGetAttr(e, "accel3d"), "yes") == 0)
            return true;
    }
    return false;
}

/* The -device value of one video device, NULL with an error. */
static char *
videoDevice(const vkDomainDef *def, const vkDomainVideoDef *v, guint idx, bool primary)
{
    const char *m = v->modelType;
    g_autoptr(GString) d = g_string_new(NULL);
    unsigned int heads = v->heads ? v->heads : 1;

    if (!primary && strcmp(m, "qxl") != 0 && strcmp(m, "virtio") != 0) {
        unsupported("video type '%s' is only valid as primary video device (domain '%s')",
                    m, def->name);
        return NULL;
    }
    /* QEMU 7.2 has virgl in devices of its own (virtio-*-gl); whether
     * the host can render is a start's question (vkQemuGraphicsCheckHost) */
    if (vaccel3d(v) && strcmp(m, "virtio") != 0) {
        unsupported("video <acceleration accel3d='yes'> of model '%s' in domain '%s' "
                    "(only virtio has virgl)", m, def->name);
        return NULL;
    }
    if (strcmp(m, "vga") == 0) {
        g_string_append_printf(d, "VGA,id=video%u", idx);
        if (vattr(v, "vgamem", 0))
            g_string_append_printf(d, ",vgamem_mb=%u", vattr(v, "vgamem", 0) / 1024);
    } else if (strcmp(m, "cirrus") == 0) {
        g_string_append_printf(d, "cirrus-vga,id=video%u", idx);
    } else if (strcmp(m, "vmvga") == 0) {
        g_string_append_printf(d, "vmware-svga,id=video%u", idx);
    } else if (strcmp(m, "bochs") == 0) {
        g_string_append_printf(d, "bochs-display,id=video%u", idx);
        if (v->vram)
            g_string_append_printf(d, ",vgamem=%llu", (unsigned long long)v->vram * 1024);
    } else if (strcmp(m, "ramfb") == 0) {
        if (v->address) {
            unsupported("video type 'ramfb' with an <address> in domain '%s'", def->name);
            return NULL;
        }
        g_string_append_printf(d, "ramfb,id=video%u", idx);
        return g_string_free(g_steal_pointer(&d), FALSE);
    } else if (strcmp(m, "qxl") == 0) {
        g_string_append_printf(d, "%s,id=video%u,max_outputs=%u,ram_size=%llu,"
                               "vram_size=%llu,vram64_size_mb=%u,vgamem_mb=%u",
                               primary ? "qxl-vga" : "qxl", idx, heads,
                               (unsigned long long)vattr(v, "ram", 65536) * 1024,
                               (unsigned long long)(v->vram ? v->vram : 65536) * 1024,
                               vattr(v, "vram64", 0) / 1024, vattr(v, "vgamem", 16384) / 1024);
    } else if (strcmp(m, "virtio") == 0) {
        bool gl = vaccel3d(v);

        g_string_append_printf(d, "%s,id=video%u,max_outputs=%u",
                               primary ? (gl ? "virtio-vga-gl" : "virtio-vga") :
                                         (gl ? "virtio-gpu-gl-pci" : "virtio-gpu-pci"),
                               idx, heads);
    } else {
        unsupported("video model '%s' of domain '%s'", m, def->name);
        return NULL;
    }
    vkQemuCmdAddress(d, def, v->address);
    return g_string_free(g_steal_pointer(&d), FALSE);
}

int
vkQemuCmdVideo(cmdBuf *b)
{
    const vkDomainDef *def = b->def;
    GPtrArray *v = devs(def, VK_DOMAIN_DEVICE_VIDEO);
    int nprimary = 0;

    for (guint i = 0; v && i < v->len; i++) {
        const vkDomainVideoDef *vd = v->pdata[i];
        nprimary += vd->primary;
        if (vd->modelType && strcmp(vd->modelType, "none") == 0 && v->len > 1) {
            unsupported("video type 'none' with other video devices in domain '%s'",
                        def->name);
            return -1;
        }
    }
    if (nprimary > 1) {
        unsupported("only one primary video device is supported (domain '%s')", def->name);
        return -1;
    }
    /* The primary device (the one with the VGA ports) is first: the
     * defaults move it there (defaults-display.c), as libvirt does. */
    for (guint i = 0; v && i < v->len; i++) {
        const vkDomainVideoDef *vd = v->pdata[i];
        const char *m = vd->modelType ? vd->modelType : "vga";
        g_autofree char *dev = NULL;

        if (strcmp(m, "none") == 0)
            continue;
        if (!(dev = videoDevice(def, vd, i, i == 0)))
            return -1;
        add2(b, "-device", dev);
    }
    return 0;
}
