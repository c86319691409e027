/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Domain definition -> QEMU argv.
 *
 * A pure function: it reads the definition and the few facts the caller
 * decided (emulator path, monitor fd), touches no file and no process, so
 * every case is tested by comparing against a file of expected arguments.
 * The same walk validates a definition at define time: anything it cannot
 * translate faithfully is refused with VIR_ERR_CONFIG_UNSUPPORTED naming
 * the element, rather than silently dropped at start.
 */
#include <stdarg.h>
#include <string.h>

#include "drivers/qemu/command.h"
#include "conf/domain-conf-priv.h"
#include "util/uuid.h"

#define VIR_FROM_THIS VIR_FROM_QEMU
#include "util/error.h"

#define DEFAULT_EMULATOR "/usr/bin/qemu-system-x86_64"

#define unsupported(...) vkReportError(VIR_ERR_CONFIG_UNSUPPORTED, __VA_ARGS__)

typedef struct {
    GPtrArray *argv;
    const vkDomainDef *def;
    const vkQemuCommandOpts *opts;   /* may be NULL (define-time check) */
} cmdBuf;

static void
add(cmdBuf *b, const char *arg)
{
    g_ptr_array_add(b->argv, g_strdup(arg));
}

static void G_GNUC_PRINTF(2, 3)
addf(cmdBuf *b, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    g_ptr_array_add(b->argv, g_strdup_vprintf(fmt, ap));
    va_end(ap);
}

static void
add2(cmdBuf *b, const char *opt, const char *val)
{
    add(b, opt);
    add(b, val);
}

/* QEMU's option syntax splits on ','; a literal comma is written twice. */
static char *
esc(const char *s)
{
    GString *out = g_string_new(NULL);

    for (; *s; s++) {
        if (*s == ',')
            g_string_append_c(out, ',');
        g_string_append_c(out, *s);
    }
    return g_string_free(out, FALSE);
}

static GPtrArray *
devs(const vkDomainDef *def, int type)
{
    return def->priv ? def->priv->devs[type] : NULL;
}

static bool
hasFeature(const vkDomainDef *def, const char *name)
{
    GPtrArray *f = def->priv ? def->priv->features : NULL;

    for (guint i = 0; f && i < f->len; i++) {
        if (strcmp(((vkXmlElem *)f->pdata[i])->name, name) == 0)
            return true;
    }
    return false;
}

static int
buildMachine(cmdBuf *b)
{
    const vkDomainDef *def = b->def;
    static const char *const okFeatures[] = { "acpi", "apic", "pae", NULL };
    GPtrArray *f = def->priv ? def->priv->features : NULL;
    g_autofree char *machine = esc(def->osMachine ? def->osMachine : "pc");

    if (def->osType && strcmp(def->osType, "hvm") != 0) {
        unsupported("os type '%s' of domain '%s' (QEMU runs 'hvm' guests)",
                    def->osType, def->name);
        return -1;
    }
    if (def->osArch && strcmp(def->osArch, "x86_64") != 0 &&
        strcmp(def->osArch, "i686") != 0) {
        unsupported("architecture '%s' of domain '%s'", def->osArch, def->name);
        return -1;
    }
    for (guint i = 0; f && i < f->len; i++) {
        const char *n = ((vkXmlElem *)f->pdata[i])->name;

        if (!g_strv_contains(okFeatures, n)) {
            unsupported("feature '%s' of domain '%s'", n, def->name);
            return -1;
        }
    }

    add(b, "-machine");
    if (hasFeature(def, "acpi"))
        add(b, machine);
    else
        addf(b, "%s,acpi=off", machine);
    add2(b, "-accel", def->virtType && strcmp(def->virtType, "kvm") == 0 ? "kvm" : "tcg");
    return 0;
}

static int
buildCpu(cmdBuf *b)
{
    const vkDomainDef *def = b->def;
    const vkDomainCpuDef *cpu = def->priv ? def->priv->cpu : NULL;
    bool kvm = def->virtType && strcmp(def->virtType, "kvm") == 0;
    unsigned int vcpus = def->vcpus ? def->vcpus : 1;
    unsigned int maxv = def->maxVcpus ? def->maxVcpus : vcpus;

    if (cpu && cpu->features && cpu->features->len) {
        unsupported("CPU <feature> elements of domain '%s'", def->name);
        return -1;
    }
    if (!cpu || !cpu->mode || strcmp(cpu->mode, "custom") == 0) {
        if (cpu && cpu->model) {
            g_autofree char *m = esc(cpu->model);
            add2(b, "-cpu", m);
        } else {
            add2(b, "-cpu", "qemu64");
        }
    } else if (strcmp(cpu->mode, "host-passthrough") == 0 ||
               strcmp(cpu->mode, "host-model") == 0) {
        /* TCG has no host CPU to pass through; 'max' is its closest. */
        add2(b, "-cpu", kvm ? "host" : "max");
    } else if (strcmp(cpu->mode, "maximum") == 0) {
        add2(b, "-cpu", "max");
    } else {
        unsupported("CPU mode '%s' of domain '%s'", cpu->mode, def->name);
        return -1;
    }

    add(b, "-m");
    if (def->maxMemory % 1024 == 0)
        addf(b, "%llu", def->maxMemory / 1024);
    else
        addf(b, "size=%lluk", def->maxMemory);

    add(b, "-smp");
    if (cpu && cpu->sockets)
        addf(b, "%u,maxcpus=%u,sockets=%u,dies=%u,cores=%u,threads=%u", vcpus, maxv,
             cpu->sockets, cpu->dies ? cpu->dies : 1, cpu->cores ? cpu->cores : 1,
             cpu->threads ? cpu->threads : 1);
    else if (maxv != vcpus)
        addf(b, "%u,maxcpus=%u", vcpus, maxv);
    else
        addf(b, "%u", vcpus);
    return 0;
}

static int
buildOS(cmdBuf *b)
{
    const vkDomainDef *def = b->def;
    const vkXmlElem *loader = def->priv ? def->priv->loader : NULL;
    static const char bootChar[] = { 'a', 'd', 'c', 'n' };

    if (def->loader) {
        const char *type = loader ? vkXmlElemGetAttr(loader, "type") : NULL;

        if (type && strcmp(type, "rom") != 0) {
            unsupported("loader type '%s' of domain '%s' (only 'rom')", type, def->name);
            return -1;
        }
        add2(b, "-bios", def->loader);
    }
    if (def->kernel)
        add2(b, "-kernel", def->kernel);
    if (def->initrd)
        add2(b, "-initrd", def->initrd);
    if (def->cmdline)
        add2(b, "-append", def->cmdline);

    /* With a kernel, firmware boot order is moot; per-device boot order
     * goes on the devices as bootindex. */
    if (!def->kernel && def->nbootDevs > 0) {
        GString *order = g_string_new("order=");

        for (size_t i = 0; i < def->nbootDevs; i++)
            g_string_append_c(order, bootChar[def->bootDevs[i]]);
        add(b, "-boot");
        g_ptr_array_add(b->argv, g_string_free(order, FALSE));
    }
    return 0;
}

static int
buildClock(cmdBuf *b)
{
    const vkDomainDef *def = b->def;
    int offset = def->priv ? def->priv->clockOffset : VK_DOMAIN_CLOCK_UTC;

    if (def->priv && def->priv->timers && def->priv->timers->len) {
        unsupported("clock <timer> elements of domain '%s'", def->name);
        return -1;
    }
    if (offset == VK_DOMAIN_CLOCK_UTC)
        add2(b, "-rtc", "base=utc");
    else if (offset == VK_DOMAIN_CLOCK_LOCALTIME)
        add2(b, "-rtc", "base=localtime");
    else {
        unsupported("clock offset '%s' of domain '%s'",
                    vkDomainClockOffsetTable[offset], def->name);
        return -1;
    }
    return 0;
}

static int
buildDisks(cmdBuf *b)
{
    const vkDomainDef *def = b->def;
    GPtrArray *a = devs(def, VK_DOMAIN_DEVICE_DISK);

    for (guint i = 0; a && i < a->len; i++) {
        const vkDomainDiskDef *d = a->pdata[i];
        g_autofree char *src = NULL;
        g_autofree char *dev = NULL;
        GString *drive;
        const char *format = d->driverType ? d->driverType : "raw";
        bool cdrom = d->device == VK_DOMAIN_DISK_DEVICE_CDROM;
        const char *bus = d->bus ? d->bus : "";

        /* A volume disk reaches a command line resolved to its file (the
         * storage driver, at start); at define it is only checked. */
        if (d->type != VK_DOMAIN_DISK_TYPE_FILE && d->type != VK_DOMAIN_DISK_TYPE_BLOCK &&
            d->type != VK_DOMAIN_DISK_TYPE_VOLUME) {
            unsupported("disk type '%s' of disk '%s'",
                        vkDomainDiskTypeTable[d->type], d->dst);
            return -1;
        }
        if (d->device != VK_DOMAIN_DISK_DEVICE_DISK && !cdrom) {
            unsupported("disk device '%s' of disk '%s'",
                        vkDomainDiskDeviceTable[d->device], d->dst);
            return -1;
        }
        if (strcmp(format, "raw") != 0 && strcmp(format, "qcow2") != 0) {
            unsupported("disk format '%s' of disk '%s'", format, d->dst);
            return -1;
        }
        if (strcmp(bus, "virtio") == 0 && !cdrom) {
            dev = g_strdup_printf("virtio-blk-pci,drive=drive-%s,id=%s", d->dst, d->dst);
        } else if (strcmp(bus, "ide") == 0) {
            /* hda..hdd name the primary/secondary master/slave. */
            int unit = strlen(d->dst) == 3 && g_str_has_prefix(d->dst, "hd") ?
                d->dst[2] - 'a' : -1;

            if (unit < 0 || unit > 3) {
                unsupported("IDE target '%s' (only hda to hdd)", d->dst);
                return -1;
            }
            dev = g_strdup_printf("%s,bus=ide.%d,unit=%d,drive=drive-%s,id=%s",
                                  cdrom ? "ide-cd" : "ide-hd", unit / 2, unit % 2,
                                  d->dst, d->dst);
        } else {
            unsupported("disk bus '%s' of disk '%s'%s", bus, d->dst,
                        cdrom ? " (a cdrom needs bus 'ide')" : "");
            return -1;
        }

        drive = g_string_new(NULL);
        if (d->src) {
            src = esc(d->src);
            g_string_append_printf(drive, "file=%s,format=%s,", src, format);
        }
        g_string_append_printf(drive, "if=none,id=drive-%s", d->dst);
        if (d->readonly || cdrom)
            g_string_append(drive, ",readonly=on");
        if (d->driverCache)
            g_string_append_printf(drive, ",cache=%s", d->driverCache);
        add(b, "-drive");
        g_ptr_array_add(b->argv, g_string_free(drive, FALSE));
        add(b, "-device");
        if (d->bootIndex)
            addf(b, "%s,bootindex=%u", dev, d->bootIndex);
        else
            add(b, dev);
    }
    return 0;
}

static int
buildNets(cmdBuf *b)
{
    const vkDomainDef *def = b->def;
    GPtrArray *a = devs(def, VK_DOMAIN_DEVICE_NET);

    for (guint i = 0; a && i < a->len; i++) {
        const vkDomainNetDef *n = a->pdata[i];
        const char *model = n->model ? n->model : "virtio";
        const char *qdev;
        char mac[18];

        if (strcmp(model, "virtio") == 0)
            qdev = "virtio-net-pci";
        else if (strcmp(model, "e1000") == 0 || strcmp(model, "rtl8139") == 0)
            qdev = model;
        else {
            unsupported("interface model '%s' of domain '%s'", model, def->name);
            return -1;
        }
        add(b, "-netdev");
        if (n->type == VK_DOMAIN_NET_TYPE_USER) {
            addf(b, "user,id=hostnet%u", i);
        } else if (n->type == VK_DOMAIN_NET_TYPE_NETWORK ||
                   n->type == VK_DOMAIN_NET_TYPE_BRIDGE) {
            /* the daemon made the tap and plugged it in: QEMU gets an fd */
            int fd = b->opts && b->opts->netFds ? b->opts->netFds[i] : -1;
            int vfd = b->opts && b->opts->vhostFds ? b->opts->vhostFds[i] : -1;

            if (vfd >= 0)
                addf(b, "tap,fd=%d,id=hostnet%u,vhost=on,vhostfd=%d", fd, i, vfd);
            else
                addf(b, "tap,fd=%d,id=hostnet%u", fd, i);
        } else if (n->type == VK_DOMAIN_NET_TYPE_ETHERNET && n->ifname && !n->script) {
            g_autofree char *ifn = esc(n->ifname);
            addf(b, "tap,id=hostnet%u,ifname=%s,script=no,downscript=no", i, ifn);
        } else {
            g_ptr_array_set_size(b->argv, b->argv->len - 1);
            unsupported("interface type '%s' of domain '%s'%s",
                        vkDomainNetTypeTable[n->type], def->name,
                        n->type == VK_DOMAIN_NET_TYPE_ETHERNET ?
                        " (an ethernet interface needs <target dev=''/> and no script)" : "");
            return -1;
        }
        vkConfMACFormat(n->mac, mac);
        add(b, "-device");
        if (n->bootIndex)
            addf(b, "%s,netdev=hostnet%u,id=net%u,mac=%s,bootindex=%u", qdev, i, i, mac,
                 n->bootIndex);
        else
            addf(b, "%s,netdev=hostnet%u,id=net%u,mac=%s", qdev, i, i, mac);
    }
    return 0;
}

static const char *
chrSourcePath(const vkDomainChrDef *c)
{
    for (guint i = 0; c->sources && i < c->sources->len; i++) {
        const char *p = vkXmlElemGetAttr(c->sources->pdata[i], "path");
        if (p)
            return p;
    }
    return NULL;
}

static int
buildChardevs(cmdBuf *b)
{
    const vkDomainDef *def = b->def;
    GPtrArray *a = devs(def, VK_DOMAIN_DEVICE_CHR);
    int nserial = 0;

    for (guint i = 0; a && i < a->len; i++) {
        const vkDomainChrDef *c = a->pdata[i];
        const char *ttype = c->target ? vkXmlElemGetAttr(c->target, "type") : NULL;
        g_autofree char *id = NULL;

        if (c->kind == VK_DOMAIN_CHR_CONSOLE) {
            /* The console of a serial port is that port: nothing to add. */
            if (!ttype || strcmp(ttype, "serial") == 0)
                continue;
            unsupported("console target type '%s' of domain '%s'", ttype, def->name);
            return -1;
        }
        if (c->kind != VK_DOMAIN_CHR_SERIAL) {
            unsupported("<%s> device of domain '%s'", vkDomainChrKindTable[c->kind], def->name);
            return -1;
        }
        if (ttype && strcmp(ttype, "isa-serial") != 0) {
            unsupported("serial target type '%s' of domain '%s'", ttype, def->name);
            return -1;
        }
        id = g_strdup_printf("charserial%d", nserial);
        add(b, "-chardev");
        if (strcmp(c->type, "pty") == 0) {
            addf(b, "pty,id=%s", id);
        } else if (strcmp(c->type, "null") == 0) {
            addf(b, "null,id=%s", id);
        } else if (strcmp(c->type, "file") == 0 && chrSourcePath(c)) {
            g_autofree char *p = esc(chrSourcePath(c));
            addf(b, "file,id=%s,path=%s", id, p);
        } else {
            g_ptr_array_set_size(b->argv, b->argv->len - 1);
            unsupported("serial type '%s' of domain '%s'", c->type, def->name);
            return -1;
        }
        add(b, "-device");
        addf(b, "isa-serial,chardev=%s,id=serial%d", id, nserial);
        nserial++;
    }
    return 0;
}

static int
buildGraphics(cmdBuf *b)
{
    const vkDomainDef *def = b->def;
    GPtrArray *g = devs(def, VK_DOMAIN_DEVICE_GRAPHICS);
    GPtrArray *v = devs(def, VK_DOMAIN_DEVICE_VIDEO);
    const vkDomainGraphicsDef *vnc = NULL;

    for (guint i = 0; g && i < g->len; i++) {
        const vkDomainGraphicsDef *gr = g->pdata[i];

        if (strcmp(gr->type, "vnc") != 0 || vnc) {
            unsupported("graphics type '%s' of domain '%s'%s", gr->type, def->name,
                        vnc ? " (only one vnc display)" : "");
            return -1;
        }
        vnc = gr;
    }
    if (!vnc) {
        add2(b, "-display", "none");
    } else {
        const char *listen = vnc->listen ? vnc->listen : "127.0.0.1";

        if (vnc->socket) {
            g_autofree char *s = esc(vnc->socket);
            add(b, "-vnc");
            addf(b, "unix:%s", s);
        } else if (vnc->autoport || vnc->port < 5900) {
            /* QEMU picks the first free display at or above 0. */
            add(b, "-vnc");
            addf(b, "%s:0,to=100", listen);
        } else {
            add(b, "-vnc");
            addf(b, "%s:%d", listen, vnc->port - 5900);
        }
    }

    for (guint i = 0; v && i < v->len; i++) {
        const vkDomainVideoDef *vd = v->pdata[i];
        const char *m = vd->modelType ? vd->modelType : "vga";

        if (i > 0) {
            unsupported("more than one video device in domain '%s'", def->name);
            return -1;
        }
        if (strcmp(m, "none") == 0)
            continue;
        add(b, "-device");
        if (strcmp(m, "vga") == 0)
            add(b, "VGA,id=video0");
        else if (strcmp(m, "cirrus") == 0)
            add(b, "cirrus-vga,id=video0");
        else if (strcmp(m, "virtio") == 0)
            add(b, "virtio-vga,id=video0");
        else {
            g_ptr_array_set_size(b->argv, b->argv->len - 1);
            unsupported("video model '%s' of domain '%s'", m, def->name);
            return -1;
        }
    }
    return 0;
}

static int
buildControllersAndOthers(cmdBuf *b)
{
    const vkDomainDef *def = b->def;
    GPtrArray *c = devs(def, VK_DOMAIN_DEVICE_CONTROLLER);
    GPtrArray *in = devs(def, VK_DOMAIN_DEVICE_INPUT);
    GPtrArray *o = devs(def, VK_DOMAIN_DEVICE_OTHER);
    bool usb = false;

    if (devs(def, VK_DOMAIN_DEVICE_FS) && devs(def, VK_DOMAIN_DEVICE_FS)->len) {
        unsupported("<filesystem> device of domain '%s'", def->name);
        return -1;
    }
    for (guint i = 0; c && i < c->len; i++) {
        const vkDomainControllerDef *ct = c->pdata[i];

        /* The i440fx machine has these built in. */
        if ((strcmp(ct->type, "pci") == 0 && (!ct->model || strcmp(ct->model, "pci-root") == 0)) ||
            (strcmp(ct->type, "ide") == 0 && ct->idx == 0))
            continue;
        if (strcmp(ct->type, "usb") == 0 && ct->idx == 0) {
            if (ct->model && strcmp(ct->model, "none") == 0)
                continue;
            if (ct->model && strcmp(ct->model, "piix3-uhci") != 0) {
                unsupported("USB controller model '%s' of domain '%s'", ct->model, def->name);
                return -1;
            }
            add2(b, "-device", "piix3-usb-uhci,id=usb");
            usb = true;
            continue;
        }
        unsupported("controller type '%s' index %d of domain '%s'", ct->type, ct->idx,
                    def->name);
        return -1;
    }
    for (guint i = 0; in && i < in->len; i++) {
        const vkDomainInputDef *id = in->pdata[i];
        const char *bus = id->bus ? id->bus : "ps2";

        if (strcmp(bus, "ps2") == 0 &&
            (strcmp(id->type, "mouse") == 0 || strcmp(id->type, "keyboard") == 0))
            continue;
        if (strcmp(bus, "usb") == 0 && usb &&
            (strcmp(id->type, "tablet") == 0 || strcmp(id->type, "mouse") == 0 ||
             strcmp(id->type, "keyboard") == 0)) {
            add(b, "-device");
            addf(b, "usb-%s,id=input%u,bus=usb.0", strcmp(id->type, "keyboard") == 0 ?
                 "kbd" : id->type, i);
            continue;
        }
        unsupported("input type '%s' on bus '%s' of domain '%s'%s", id->type, bus,
                    def->name, strcmp(bus, "usb") == 0 && !usb ?
                    " (no USB controller)" : "");
        return -1;
    }
    for (guint i = 0; o && i < o->len; i++) {
        const vkXmlElem *e = o->pdata[i];
        const char *model = vkXmlElemGetAttr(e, "model");

        if (strcmp(e->name, "memballoon") == 0 && model) {
            if (strcmp(model, "none") == 0)
                continue;
            if (strcmp(model, "virtio") == 0) {
                add2(b, "-device", "virtio-balloon-pci,id=balloon0");
                continue;
            }
        }
        unsupported("<%s> device of domain '%s'", e->name, def->name);
        return -1;
    }
    return 0;
}

static char **
build(const vkDomainDef *def, const vkQemuCommandOpts *opts)
{
    cmdBuf b = { .argv = g_ptr_array_new_with_free_func(g_free), .def = def, .opts = opts };
    char uuid[VIR_UUID_STRING_BUFLEN];
    g_autofree char *name = esc(def->name);

    add(&b, def->emulator ? def->emulator :
        opts && opts->emulator ? opts->emulator : DEFAULT_EMULATOR);
    add(&b, "-name");
    addf(&b, "guest=%s,debug-threads=on", name);
    add(&b, "-S");
    vkUUIDFormat(def->uuid, uuid);
    add2(&b, "-uuid", uuid);
    add(&b, "-no-user-config");
    add(&b, "-nodefaults");

    if (buildMachine(&b) < 0 || buildCpu(&b) < 0 || buildOS(&b) < 0 ||
        buildClock(&b) < 0)
        goto error;

    add(&b, "-chardev");
    if (opts && opts->monitorFd >= 0) {
        addf(&b, "socket,id=charmonitor,fd=%d,server=on,wait=off", opts->monitorFd);
    } else {
        g_autofree char *p = esc(opts && opts->monitorPath ? opts->monitorPath :
                                 "monitor.sock");
        addf(&b, "socket,id=charmonitor,path=%s,server=on,wait=off", p);
    }
    add2(&b, "-mon", "chardev=charmonitor,id=monitor,mode=control");
    /* We decide what a guest power-off means, from the SHUTDOWN event. */
    add(&b, "-no-shutdown");
    if (def->onReboot == VIR_DOMAIN_LIFECYCLE_ACTION_DESTROY)
        add(&b, "-no-reboot");

    if (buildGraphics(&b) < 0 || buildControllersAndOthers(&b) < 0 ||
        buildDisks(&b) < 0 || buildNets(&b) < 0 || buildChardevs(&b) < 0)
        goto error;

    if (opts && opts->incoming)
        add2(&b, "-incoming", opts->incoming);

    g_ptr_array_add(b.argv, NULL);
    return (char **)g_ptr_array_free(b.argv, FALSE);

 error:
    g_ptr_array_free(b.argv, TRUE);
    return NULL;
}

char **
vkQemuBuildArgv(const vkDomainDef *def, const vkQemuCommandOpts *opts)
{
    return build(def, opts);
}

int
vkQemuValidateDef(const vkDomainDef *def)
{
    g_auto(GStrv) argv = build(def, NULL);

    return argv ? 0 : -1;
}
