/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Character devices: serial, parallel, console and channel, each a
 * -chardev (the host side: pty, file, socket, ...) plus the guest device
 * it backs (isa-serial, virtconsole, virtserialport, ...).
 *
 * Device ids follow libvirt's aliases (serialN, parallelN, consoleN,
 * channelN, N counting within the kind) so that QMP replies about a
 * chardev ("charserial0") name the device a client knows.  The console
 * of a serial port is that port and adds nothing.
 */
#include <string.h>

#include "drivers/qemu/command-priv.h"

#define VIR_FROM_THIS VIR_FROM_QEMU
#include "util/error.h"

static const vkXmlElem *
source(const vkDomainChrDef *c, const char *mode)
{
    for (guint i = 0; c->sources && i < c->sources->len; i++) {
        const vkXmlElem *s = c->sources->pdata[i];
        if (!mode || g_strcmp0(vkXmlElemGetAttr(s, "mode"), mode) == 0)
            return s;
    }
    return NULL;
}

static const char *
srcAttr(const vkDomainChrDef *c, const char *name)
{
    for (guint i = 0; c->sources && i < c->sources->len; i++) {
        const char *v = vkXmlElemGetAttr(c->sources->pdata[i], name);
        if (v)
            return v;
    }
    return NULL;
}

static const char *
targetAttr(const vkDomainChrDef *c, const char *name)
{
    return c->target ? vkXmlElemGetAttr(c->target, name) : NULL;
}

/* The name a virtio port has in the guest when <target> gives none. */
static const char *
portName(const vkDomainChrDef *c)
{
    const char *n = targetAttr(c, "name");

    if (!n && (strcmp(c->type, "spicevmc") == 0 || strcmp(c->type, "qemu-vdagent") == 0))
        return "com.redhat.spice.0";
    return n;
}

/* A unix virtio channel without a path (virt-install's qemu-ga channel)
 * gets one under the domain's directory: the port's name, or for a port
 * without one libvirt's vioser-CC-BB-PP.sock after its address. */
static bool
wantsDefaultPath(const vkDomainChrDef *c)
{
    return c->kind == VK_DOMAIN_CHR_CHANNEL && g_strcmp0(c->type, "unix") == 0 &&
           !srcAttr(c, "path") && g_strcmp0(targetAttr(c, "type"), "virtio") == 0;
}

static int
addrNum(const vkXmlElem *addr, const char *name)
{
    const char *v = addr ? vkXmlElemGetAttr(addr, name) : NULL;

    return v ? (int)g_ascii_strtoll(v, NULL, 0) : 0;
}

char *
vkQemuChrDefaultPath(const vkDomainChrDef *c, const char *domainDir)
{
    g_autofree char *leaf = NULL;

    if (!domainDir || !wantsDefaultPath(c))
        return NULL;
    if (portName(c))
        return g_build_filename(domainDir, portName(c), NULL);
    leaf = g_strdup_printf("vioser-%02d-%02d-%02d.sock", addrNum(c->address, "controller"),
                           addrNum(c->address, "bus"), addrNum(c->address, "port"));
    return g_build_filename(domainDir, leaf, NULL);
}

/* <reconnect enabled='yes' timeout='N'/> of a client socket: QEMU
 * retries every N seconds.  0 or -1 with an error (libvirt's words). */
static int
reconnect(GString *o, const vkXmlElem *src)
{
    const vkXmlElem *r = elemChild(src, "reconnect", NULL);
    const char *timeout = r ? vkXmlElemGetAttr(r, "timeout") : NULL;

    if (!r || g_strcmp0(vkXmlElemGetAttr(r, "enabled"), "yes") != 0)
        return 0;
    if (g_strcmp0(vkXmlElemGetAttr(src, "mode"), "connect") != 0) {
        unsupported("%s", "chardev reconnect is possible only for connect mode");
        return -1;
    }
    if (!timeout || g_ascii_strtoll(timeout, NULL, 10) <= 0) {
        unsupported("chardev reconnect source timeout cannot be '%s'", timeout ? timeout : "");
        return -1;
    }
    g_string_append_printf(o, ",reconnect=%s", timeout);
    return 0;
}

static bool
hasGraphics(const vkDomainDef *def, const char *type)
{
    GPtrArray *g = devs(def, VK_DOMAIN_DEVICE_GRAPHICS);

    for (guint i = 0; g && i < g->len; i++) {
        if (strcmp(((vkDomainGraphicsDef *)g->pdata[i])->type, type) == 0)
            return true;
    }
    return false;
}

/* The -chardev value for c with id, NULL with an error reported. */
static char *
chardev(cmdBuf *b, const vkDomainChrDef *c, const char *id)
{
    const vkDomainDef *def = b->def;
    const char *t = c->type;
    const char *path = srcAttr(c, "path");
    g_autofree char *dflt = NULL;
    g_autofree char *p = NULL;
    g_autoptr(GString) o = g_string_new(NULL);

    if (!path && (dflt = vkQemuChrDefaultPath(c, b->opts ? b->opts->domainDir : NULL)))
        path = dflt;
    p = path ? esc(path) : NULL;

    if (strcmp(t, "pty") == 0 || strcmp(t, "null") == 0 || strcmp(t, "vc") == 0) {
        g_string_append_printf(o, "%s,id=%s", t, id);
    } else if (strcmp(t, "file") == 0 || strcmp(t, "pipe") == 0 || strcmp(t, "dev") == 0) {
        if (!p)
            goto nopath;
        g_string_append_printf(o, "%s,id=%s,path=%s",
                               strcmp(t, "dev") != 0 ? t :
                               c->kind == VK_DOMAIN_CHR_PARALLEL ? "parallel" : "tty", id, p);
        if (strcmp(t, "file") == 0 && g_strcmp0(srcAttr(c, "append"), "on") == 0)
            g_string_append(o, ",append=on");
    } else if (strcmp(t, "unix") == 0) {
        const vkXmlElem *s = source(c, NULL);
        if (!p) {
            /* a define-time check: the path is chosen at start */
            if (b->opts || !wantsDefaultPath(c))
                goto nopath;
            p = g_strdup("");
        }
        g_string_append_printf(o, "socket,id=%s,path=%s", id, p);
        if (g_strcmp0(vkXmlElemGetAttr(s, "mode"), "connect") != 0)
            g_string_append(o, ",server=on,wait=off");
        if (reconnect(o, s) < 0)
            return NULL;
    } else if (strcmp(t, "tcp") == 0) {
        const vkXmlElem *s = source(c, NULL);
        const char *proto = c->protocol ? vkXmlElemGetAttr(c->protocol, "type") : NULL;
        g_autofree char *host = esc(vkXmlElemGetAttr(s, "host") ? vkXmlElemGetAttr(s, "host")
                                                                : "");

        if (!s || !vkXmlElemGetAttr(s, "service")) {
            unsupported("<%s type='tcp'> without a source service in domain '%s'",
                        vkDomainChrKindTable[c->kind], def->name);
            return NULL;
        }
        if (g_strcmp0(proto, "telnets") == 0 || g_strcmp0(proto, "tls") == 0 ||
            g_strcmp0(vkXmlElemGetAttr(s, "tls"), "yes") == 0) {
            unsupported("<%s type='tcp'> over TLS in domain '%s': no chardev TLS "
                        "certificates configured", vkDomainChrKindTable[c->kind], def->name);
            return NULL;
        }
        g_string_append_printf(o, "socket,id=%s,host=%s,port=%s", id, host,
                               vkXmlElemGetAttr(s, "service"));
        if (g_strcmp0(proto, "telnet") == 0)
            g_string_append(o, ",telnet=on");
        if (g_strcmp0(vkXmlElemGetAttr(s, "mode"), "bind") == 0)
            g_string_append(o, ",server=on,wait=off");
        if (reconnect(o, s) < 0)
            return NULL;
    } else if (strcmp(t, "udp") == 0) {
        const vkXmlElem *con = source(c, "connect");
        const vkXmlElem *bind = source(c, "bind");
        const char *lp = bind ? vkXmlElemGetAttr(bind, "service") : NULL;

        if (!con || !vkXmlElemGetAttr(con, "service")) {
            unsupported("<%s type='udp'> without a connect source in domain '%s'",
                        vkDomainChrKindTable[c->kind], def->name);
            return NULL;
        }
        g_string_append_printf(o, "udp,id=%s,host=%s,port=%s,localaddr=%s,localport=%s", id,
                               vkXmlElemGetAttr(con, "host") ? vkXmlElemGetAttr(con, "host") : "",
                               vkXmlElemGetAttr(con, "service"),
                               bind && vkXmlElemGetAttr(bind, "host") ?
                               vkXmlElemGetAttr(bind, "host") : "", lp ? lp : "0");
    } else if (strcmp(t, "spicevmc") == 0) {
        g_string_append_printf(o, "spicevmc,id=%s,name=vdagent", id);
    } else if (strcmp(t, "spiceport") == 0) {
        if (!srcAttr(c, "channel")) {
            unsupported("<%s type='spiceport'> without a source channel in domain '%s'",
                        vkDomainChrKindTable[c->kind], def->name);
            return NULL;
        }
        g_string_append_printf(o, "spiceport,id=%s,name=%s", id, srcAttr(c, "channel"));
    } else if (strcmp(t, "dbus") == 0) {
        if (!srcAttr(c, "channel") || !hasGraphics(def, "dbus")) {
            unsupported("<%s type='dbus'> of domain '%s' needs a source channel and dbus "
                        "graphics", vkDomainChrKindTable[c->kind], def->name);
            return NULL;
        }
        g_string_append_printf(o, "dbus,id=%s,name=%s", id, srcAttr(c, "channel"));
    } else if (strcmp(t, "qemu-vdagent") == 0) {
        const vkXmlElem *s = source(c, NULL);
        const vkXmlElem *clip = elemChild(s, "clipboard", NULL);
        const vkXmlElem *mouse = elemChild(s, "mouse", NULL);

        g_string_append_printf(o, "qemu-vdagent,id=%s,name=vdagent", id);
        if (clip && vkXmlElemGetAttr(clip, "copypaste"))
            g_string_append_printf(o, ",clipboard=%s",
                                   strcmp(vkXmlElemGetAttr(clip, "copypaste"), "yes") == 0 ?
                                   "on" : "off");
        if (mouse && vkXmlElemGetAttr(mouse, "mode"))
            g_string_append_printf(o, ",mouse=%s",
                                   strcmp(vkXmlElemGetAttr(mouse, "mode"), "client") == 0 ?
                                   "on" : "off");
    } else if (strcmp(t, "stdio") == 0 && !b->start) {
        /* libvirt's define keeps it; the start refuses it below, as
         * virtkitd's own stdin/stdout are no guest's */
        g_string_append_printf(o, "stdio,id=%s", id);
    } else {
        /* nmdm is FreeBSD's */
        unsupported("<%s type='%s'> of domain '%s'", vkDomainChrKindTable[c->kind], t,
                    def->name);
        return NULL;
    }
    if (c->log && vkXmlElemGetAttr(c->log, "file")) {
        g_autofree char *lf = esc(vkXmlElemGetAttr(c->log, "file"));
        g_string_append_printf(o, ",logfile=%s", lf);
        if (g_strcmp0(vkXmlElemGetAttr(c->log, "append"), "on") == 0)
            g_string_append(o, ",logappend=on");
    }
    return g_string_free(g_steal_pointer(&o), FALSE);

 nopath:
    unsupported("<%s type='%s'> without a source path in domain '%s'",
                vkDomainChrKindTable[c->kind], t, def->name);
    return NULL;
}

/* The guest side of a serial port, NULL with an error reported. */
static char *
serialDevice(cmdBuf *b, const vkDomainChrDef *c, int n)
{
    const char *tt = targetAttr(c, "type");
    const vkXmlElem *model = elemChild(c->target, "model", NULL);
    const char *mname = model ? vkXmlElemGetAttr(model, "name") : NULL;
    const char *port = targetAttr(c, "port");
    GString *d = g_string_new(NULL);

    if (!tt || strcmp(tt, "isa-serial") == 0) {
        if (mname && strcmp(mname, "isa-serial") != 0)
            goto refuse;
        g_string_append_printf(d, "isa-serial,chardev=charserial%d,id=serial%d,index=%s",
                               n, n, port ? port : "0");
    } else if (strcmp(tt, "isa-debug") == 0) {
        const char *io = c->address ? vkXmlElemGetAttr(c->address, "iobase") : NULL;

        if (mname && strcmp(mname, "isa-debugcon") != 0)
            goto refuse;
        g_string_append_printf(d, "isa-debugcon,chardev=charserial%d,id=serial%d,iobase=%s",
                               n, n, io ? io : "0x402");
    } else if (strcmp(tt, "pci-serial") == 0) {
        g_string_append_printf(d, "pci-serial,chardev=charserial%d,id=serial%d", n, n);
        vkQemuCmdAddress(d, b->def, c->address);
    } else if (strcmp(tt, "usb-serial") == 0) {
        g_string_append_printf(d, "usb-serial,chardev=charserial%d,id=serial%d", n, n);
        usbPlace(d, b->def, c->address);
    } else {
        goto refuse;
    }
    return g_string_free(d, FALSE);

 refuse:
    g_string_free(d, TRUE);
    unsupported("serial target type '%s'%s%s of domain '%s'", tt ? tt : "isa-serial",
                mname ? " model " : "", mname ? mname : "", b->def->name);
    return NULL;
}

/* virtconsole / virtserialport on a virtio-serial bus. */
static char *
virtioPort(cmdBuf *b, const vkDomainChrDef *c, const char *driver, const char *alias)
{
    GString *d = g_string_new(driver);
    const char *name = portName(c);

    vkQemuCmdAddress(d, b->def, c->address);
    g_string_append_printf(d, ",chardev=char%s,id=%s", alias, alias);
    if (name) {
        g_autofree char *n = esc(name);
        g_string_append_printf(d, ",name=%s", n);
    }
    return g_string_free(d, FALSE);
}

/* The guest side of c (alias is serial0, channel1, ...): 0 with *dev set
 * (NULL for none), -1 with an error reported. */
static int
guestDevice(cmdBuf *b, const vkDomainChrDef *c, const char *alias, int n, char **dev)
{
    const vkDomainDef *def = b->def;
    const char *tt = targetAttr(c, "type");

    *dev = NULL;
    switch (c->kind) {
    case VK_DOMAIN_CHR_SERIAL:
        return (*dev = serialDevice(b, c, n)) ? 0 : -1;
    case VK_DOMAIN_CHR_PARALLEL:
        *dev = g_strdup_printf("isa-parallel,chardev=char%s,id=%s", alias, alias);
        return 0;
    case VK_DOMAIN_CHR_CONSOLE:
        if (g_strcmp0(tt, "virtio") == 0) {
            *dev = virtioPort(b, c, "virtconsole", alias);
            return 0;
        }
        unsupported("console target type '%s' of domain '%s'", tt ? tt : "", def->name);
        return -1;
    case VK_DOMAIN_CHR_CHANNEL:
        if (g_strcmp0(tt, "virtio") == 0) {
            *dev = virtioPort(b, c, "virtserialport", alias);
            return 0;
        }
        if (g_strcmp0(tt, "guestfwd") == 0) {
            /* a user-mode network of its own, as libvirt does it */
            add(b, "-netdev");
            addf(b, "user,guestfwd=tcp:%s:%s-chardev:char%s,id=%s",
                 targetAttr(c, "address") ? targetAttr(c, "address") : "",
                 targetAttr(c, "port") ? targetAttr(c, "port") : "", alias, alias);
            return 0;
        }
        unsupported("channel target type '%s' of domain '%s'", tt ? tt : "", def->name);
        return -1;
    }
    return -1;
}

/* <redirdev bus='usb'>: a USB device of the client's (SPICE's usbredir
 * channel) or of a usbredir server over TCP, plugged into a usb-redir
 * port of the guest. */
static int
redirdev(cmdBuf *b, const vkXmlElem *r, int n)
{
    const vkDomainDef *def = b->def;
    const char *type = vkXmlElemGetAttr(r, "type");
    const vkXmlElem *src = elemChild(r, "source", NULL);
    const vkXmlElem *addr = elemChild(r, "address", NULL);
    g_autoptr(GString) d = g_string_new(NULL);

    if (g_strcmp0(vkXmlElemGetAttr(r, "bus"), "usb") != 0 || !hasUsb(def)) {
        unsupported("<redirdev> of domain '%s' (no USB controller)", def->name);
        return -1;
    }
    if (g_strcmp0(type, "spicevmc") == 0) {
        if (!hasGraphics(def, "spice")) {
            unsupported("%s", "chardev 'spicevmc' not supported without spice graphics");
            return -1;
        }
        add(b, "-chardev");
        addf(b, "spicevmc,id=charredir%d,name=usbredir", n);
    } else if (g_strcmp0(type, "dbus") == 0) {
        if (!hasGraphics(def, "dbus")) {
            unsupported("%s", "chardev 'dbus' not supported without dbus graphics");
            return -1;
        }
        add(b, "-chardev");
        addf(b, "dbus,id=charredir%d,name=org.qemu.usbredir", n);
    } else if (g_strcmp0(type, "tcp") == 0 && src && vkXmlElemGetAttr(src, "service") &&
               g_strcmp0(vkXmlElemGetAttr(src, "mode"), "connect") == 0) {
        g_autofree char *host = esc(vkXmlElemGetAttr(src, "host") ?
                                    vkXmlElemGetAttr(src, "host") : "");
        add(b, "-chardev");
        addf(b, "socket,id=charredir%d,host=%s,port=%s", n, host,
             vkXmlElemGetAttr(src, "service"));
    } else {
        unsupported("<redirdev type='%s'> of domain '%s'", type ? type : "", def->name);
        return -1;
    }
    g_string_append_printf(d, "usb-redir,chardev=charredir%d,id=redir%d", n, n);
    usbPlace(d, def, addr);
    add2(b, "-device", d->str);
    return 0;
}

int
vkQemuCmdChardevs(cmdBuf *b)
{
    GPtrArray *a = devs(b->def, VK_DOMAIN_DEVICE_CHR);
    GPtrArray *o = devs(b->def, VK_DOMAIN_DEVICE_OTHER);
    int count[VK_DOMAIN_CHR_LAST] = { 0 };
    int nredir = 0;

    for (guint i = 0; a && i < a->len; i++) {
        const vkDomainChrDef *c = a->pdata[i];
        const char *tt = targetAttr(c, "type");
        int n = count[c->kind]++;
        g_autofree char *alias = g_strdup_printf("%s%d", vkDomainChrKindTable[c->kind], n);
        g_autofree char *id = g_strdup_printf("char%s", alias);
        g_autofree char *cd = NULL;
        g_autofree char *dev = NULL;

        /* A serial console is its serial port (vkDomainChrConsoleCompat
         * made sure the port exists). */
        if (c->kind == VK_DOMAIN_CHR_CONSOLE && (!tt || strcmp(tt, "serial") == 0))
            continue;
        /* libvirt's own wording: QEMU has no SPICE server to attach to */
        if ((strcmp(c->type, "spicevmc") == 0 || strcmp(c->type, "spiceport") == 0) &&
            !hasGraphics(b->def, "spice")) {
            unsupported("chardev '%s' not supported without spice graphics", c->type);
            return -1;
        }
        if (!(cd = chardev(b, c, id)))
            return -1;
        add2(b, "-chardev", cd);
        if (guestDevice(b, c, alias, n, &dev) < 0)
            return -1;
        if (dev)
            add2(b, "-device", dev);
    }
    for (guint i = 0; o && i < o->len; i++) {
        const vkXmlElem *e = o->pdata[i];
        if (strcmp(e->name, "redirdev") == 0 && redirdev(b, e, nredir++) < 0)
            return -1;
    }
    return 0;
}
