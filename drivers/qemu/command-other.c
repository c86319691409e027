/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The devices kept as element trees: memballoon, rng, watchdog, panic and
 * the ones refused precisely (tpm emulator, shmem, ...); host devices,
 * memory devices, iommu and the like are command-hostdev.c's.
 *
 * Each accepted element becomes the QEMU device libvirt 9.0 starts for it,
 * at its kept address; anything of it virtkit cannot honour is refused at
 * define, naming the element and the value.
 */
#include <string.h>

#include "drivers/qemu/command-priv.h"

#define VIR_FROM_THIS VIR_FROM_QEMU
#include "util/error.h"

static const vkXmlElem *
child(const vkXmlElem *e, const char *name)
{
    for (guint i = 0; e->children && i < e->children->len; i++) {
        const vkXmlElem *c = e->children->pdata[i];
        if (strcmp(c->name, name) == 0)
            return c;
    }
    return NULL;
}

static void
device(cmdBuf *b, GString *d, const vkXmlElem *e)
{
    vkQemuCmdAddress(d, b->def, child(e, "address"));
    add2(b, "-device", d->str);
}

static int
balloon(cmdBuf *b, const vkXmlElem *e)
{
    const char *model = vkXmlElemGetAttr(e, "model");
    const char *deflate = vkXmlElemGetAttr(e, "autodeflate");
    const char *report = vkXmlElemGetAttr(e, "freePageReporting");
    g_autoptr(GString) d = NULL;

    const char *suffix = g_strcmp0(model, "virtio-transitional") == 0 ? "-transitional" :
                         g_strcmp0(model, "virtio-non-transitional") == 0 ?
                         "-non-transitional" : "";

    if (g_strcmp0(model, "none") == 0)
        return 0;
    if (g_strcmp0(model, "virtio") != 0 && !*suffix) {
        unsupported("memballoon model '%s' of domain '%s'", model ? model : "", b->def->name);
        return -1;
    }
    d = g_string_new(NULL);
    g_string_append_printf(d, "virtio-balloon-pci%s,id=balloon0", suffix);
    if (deflate)
        g_string_append_printf(d, ",deflate-on-oom=%s", deflate);
    if (report)
        g_string_append_printf(d, ",free-page-reporting=%s", report);
    device(b, d, e);
    return 0;
}

/* The character device an EGD entropy source is read through: a TCP or
 * UNIX socket QEMU connects to or listens on (mode 'bind'), a pipe, a
 * file or nothing. */
static int
egdChardev(cmdBuf *b, const vkXmlElem *be, unsigned int n)
{
    const char *type = vkXmlElemGetAttr(be, "type");
    const vkXmlElem *src = child(be, "source");
    const char *mode = src ? vkXmlElemGetAttr(src, "mode") : NULL;
    const char *server = g_strcmp0(mode, "bind") == 0 ? ",server=on,wait=off" : "";

    if (g_strcmp0(type, "tcp") == 0 && src && vkXmlElemGetAttr(src, "service")) {
        const char *host = vkXmlElemGetAttr(src, "host");
        g_autofree char *h = esc(host ? host : "");

        add(b, "-chardev");
        addf(b, "socket,id=charrng%u,host=%s,port=%s%s", n, h,
             vkXmlElemGetAttr(src, "service"), server);
        return 0;
    }
    if (g_strcmp0(type, "unix") == 0 && src && vkXmlElemGetAttr(src, "path")) {
        g_autofree char *p = esc(vkXmlElemGetAttr(src, "path"));

        add(b, "-chardev");
        addf(b, "socket,id=charrng%u,path=%s%s", n, p, server);
        return 0;
    }
    if ((g_strcmp0(type, "pipe") == 0 || g_strcmp0(type, "file") == 0) && src &&
        vkXmlElemGetAttr(src, "path")) {
        g_autofree char *p = esc(vkXmlElemGetAttr(src, "path"));

        add(b, "-chardev");
        addf(b, "%s,id=charrng%u,path=%s", type, n, p);
        return 0;
    }
    if (g_strcmp0(type, "null") == 0) {
        add(b, "-chardev");
        addf(b, "null,id=charrng%u", n);
        return 0;
    }
    if (g_strcmp0(type, "unix") == 0) {
        vkReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                      "Missing source path attribute for char device");
        return -1;
    }
    unsupported("rng egd backend type '%s' of domain '%s' (tcp, unix, pipe, file and null only)",
                type ? type : "", b->def->name);
    return -1;
}

static int
rng(cmdBuf *b, const vkXmlElem *e, unsigned int n)
{
    const vkXmlElem *be = child(e, "backend");
    const vkXmlElem *rate = child(e, "rate");
    const char *bm = be ? vkXmlElemGetAttr(be, "model") : NULL;
    g_autoptr(GString) d = NULL;

    const char *model = vkXmlElemGetAttr(e, "model");
    const char *suffix = g_strcmp0(model, "virtio-transitional") == 0 ? "-transitional" :
                         g_strcmp0(model, "virtio-non-transitional") == 0 ?
                         "-non-transitional" : "";

    if (g_strcmp0(model, "virtio") != 0 && !*suffix) {
        unsupported("rng model '%s' of domain '%s'", model, b->def->name);
        return -1;
    }
    add(b, "-object");
    if (g_strcmp0(bm, "random") == 0) {
        g_autofree char *path = esc(be->text ? be->text : "/dev/urandom");
        addf(b, "rng-random,id=objrng%u,filename=%s", n, path);
    } else if (g_strcmp0(bm, "builtin") == 0) {
        addf(b, "rng-builtin,id=objrng%u", n);
    } else if (g_strcmp0(bm, "egd") == 0) {
        g_ptr_array_set_size(b->argv, b->argv->len - 1);
        if (egdChardev(b, be, n) < 0)
            return -1;
        add(b, "-object");
        addf(b, "rng-egd,id=objrng%u,chardev=charrng%u", n, n);
    } else {
        g_ptr_array_set_size(b->argv, b->argv->len - 1);
        unsupported("rng backend model '%s' of domain '%s'", bm ? bm : "", b->def->name);
        return -1;
    }
    d = g_string_new(NULL);
    g_string_append_printf(d, "virtio-rng-pci%s,rng=objrng%u,id=rng%u", suffix, n, n);
    if (rate) {
        const char *bytes = vkXmlElemGetAttr(rate, "bytes");
        const char *period = vkXmlElemGetAttr(rate, "period");
        if (bytes)
            g_string_append_printf(d, ",max-bytes=%s", bytes);
        if (period)
            g_string_append_printf(d, ",period=%s", period);
    }
    device(b, d, e);
    return 0;
}

static int
watchdog(cmdBuf *b, const vkXmlElem *e, unsigned int n)
{
    const char *model = vkXmlElemGetAttr(e, "model");
    const char *action = vkXmlElemGetAttr(e, "action");
    g_autoptr(GString) d = NULL;

    if (n > 0) {
        unsupported("more than one <watchdog> in domain '%s'", b->def->name);
        return -1;
    }
    if (g_strcmp0(model, "i6300esb") != 0 && g_strcmp0(model, "ib700") != 0) {
        unsupported("watchdog model '%s' of domain '%s'", model ? model : "", b->def->name);
        return -1;
    }
    /* QEMU's own actions; 'dump' needs a dump the driver takes itself,
     * which libvirt's define keeps and virtkit's start refuses */
    if (g_strcmp0(action, "dump") == 0 &&
        refuseAtStart(b, "watchdog action 'dump' of domain '%s'", b->def->name) < 0)
        return -1;
    if (action && strcmp(action, "reset") != 0 && strcmp(action, "dump") != 0 && strcmp(action, "shutdown") != 0 &&
        strcmp(action, "poweroff") != 0 && strcmp(action, "pause") != 0 &&
        strcmp(action, "none") != 0 && strcmp(action, "inject-nmi") != 0) {
        unsupported("watchdog action '%s' of domain '%s'", action, b->def->name);
        return -1;
    }
    d = g_string_new(NULL);
    g_string_append_printf(d, "%s,id=watchdog0", model);
    device(b, d, e);
    if (action && strcmp(action, "reset") != 0)
        add2(b, "-watchdog-action", strcmp(action, "dump") == 0 ? "pause" : action);
    return 0;
}

static int
panic(cmdBuf *b, const vkXmlElem *e)
{
    const char *model = vkXmlElemGetAttr(e, "model");
    const vkXmlElem *addr = child(e, "address");

    if (!model || strcmp(model, "isa") == 0) {
        const char *iobase = addr ? vkXmlElemGetAttr(addr, "iobase") : NULL;
        add(b, "-device");
        if (iobase)
            addf(b, "pvpanic,ioport=%u", (unsigned int)g_ascii_strtoull(iobase, NULL, 0));
        else
            add(b, "pvpanic");
        return 0;
    }
    if (strcmp(model, "hyperv") == 0)
        return 0;   /* hv-crash on -cpu (command-cpu.c) */
    unsupported("panic model '%s' of domain '%s'", model, b->def->name);
    return -1;
}

void
vkQemuCmdUsbHubs(cmdBuf *b)
{
    GPtrArray *o = devs(b->def, VK_DOMAIN_DEVICE_OTHER);
    unsigned int n = 0;

    for (guint i = 0; o && i < o->len; i++) {
        const vkXmlElem *e = o->pdata[i];
        g_autoptr(GString) d = NULL;

        if (strcmp(e->name, "hub") != 0 || g_strcmp0(vkXmlElemGetAttr(e, "type"), "usb") != 0)
            continue;
        d = g_string_new(NULL);
        g_string_append_printf(d, "usb-hub,id=hub%u", n++);
        device(b, d, e);
    }
}

/* Why a kept device has no QEMU device here, where there is more to say
 * than its name. */
static const char *
refusalReason(const vkXmlElem *e)
{
    const vkXmlElem *be = child(e, "backend");

    if (strcmp(e->name, "tpm") == 0 && be &&
        g_strcmp0(vkXmlElemGetAttr(be, "type"), "emulator") == 0) {
        g_autofree char *swtpm = g_find_program_in_path("swtpm");
        return swtpm ? " (TPM emulation is not supported)" :
               " (the TPM emulator needs swtpm, which is not installed)";
    }
    return "";
}

static bool
shmemModelKnown(const vkXmlElem *e)
{
    const char *model = vkXmlElemGetAttr(child(e, "model"), "type");

    return g_strcmp0(model, "ivshmem-plain") == 0 || g_strcmp0(model, "ivshmem-doorbell") == 0;
}

int
vkQemuCmdOthers(cmdBuf *b)
{
    GPtrArray *o = devs(b->def, VK_DOMAIN_DEVICE_OTHER);
    unsigned int nrng = 0, nwatchdog = 0;

    if (vkQemuCmdHostDevices(b) < 0)
        return -1;

    for (guint i = 0; o && i < o->len; i++) {
        const vkXmlElem *e = o->pdata[i];
        int rc;

        if (strcmp(e->name, "memballoon") == 0)
            rc = balloon(b, e);
        else if (strcmp(e->name, "rng") == 0)
            rc = rng(b, e, nrng++);
        else if (strcmp(e->name, "watchdog") == 0)
            rc = watchdog(b, e, nwatchdog++);
        else if (strcmp(e->name, "panic") == 0)
            rc = panic(b, e);
        else if (vkQemuCmdIsHostDevice(e))
            rc = 0;     /* command-hostdev.c */
        else if (strcmp(e->name, "hub") == 0 &&
                 g_strcmp0(vkXmlElemGetAttr(e, "type"), "usb") == 0)
            rc = 0;     /* vkQemuCmdUsbHubs, before the devices behind them */
        else if (strcmp(e->name, "sound") == 0 || strcmp(e->name, "audio") == 0 ||
                 strcmp(e->name, "redirdev") == 0)
            rc = 0;     /* command-sound.c, command-chr.c */
        else if (strcmp(e->name, "shmem") == 0 && !shmemModelKnown(e)) {
            /* the legacy 'ivshmem' (the default model) is gone from QEMU */
            unsupported("<shmem> device of domain '%s': the legacy ivshmem device is not "
                        "in QEMU 7.2 (models ivshmem-plain, ivshmem-doorbell)",
                        b->def->name);
            rc = -1;
        } else if (strcmp(e->name, "shmem") == 0 || strcmp(e->name, "lease") == 0)
            /* libvirt's define keeps them; virtkit has neither ivshmem
             * nor a lock manager to hand them to */
            rc = refuseAtStart(b, "<%s> device of domain '%s'", e->name, b->def->name);
        else {
            unsupported("<%s> device of domain '%s'%s", e->name, b->def->name,
                        refusalReason(e));
            rc = -1;
        }
        if (rc < 0)
            return -1;
    }
    return 0;
}

/* <qemu:commandline> (libvirt's QEMU namespace): its arguments go last,
 * as libvirt puts them.  What virtkit cannot honour is refused rather
 * than dropped: the environment of QEMU is fixed by the launcher, and
 * capability or device overrides have nothing here to act on. */
int
vkQemuCmdPassthrough(cmdBuf *b)
{
    GPtrArray *a = b->def->priv ? b->def->priv->topExtra : NULL;

    for (guint i = 0; a && i < a->len; i++) {
        const vkXmlElem *e = a->pdata[i];

        if (!g_str_has_prefix(e->name, "qemu:"))
            continue;
        /* capability and device overrides (and deprecation behaviour)
         * have nothing here to act on: kept at define as libvirt keeps
         * them, refused at start */
        if (strcmp(e->name, "qemu:commandline") != 0) {
            if (refuseAtStart(b, "<%s> of domain '%s'", e->name, b->def->name) < 0)
                return -1;
            continue;
        }
        for (guint j = 0; e->children && j < e->children->len; j++) {
            const vkXmlElem *c = e->children->pdata[j];
            const char *value = vkXmlElemGetAttr(c, "value");

            /* libvirt keeps <qemu:env> at define; the launcher gives
             * QEMU a fixed environment, so a start is refused */
            if (strcmp(c->name, "qemu:env") == 0 && vkXmlElemGetAttr(c, "name")) {
                if (refuseAtStart(b, "<qemu:env> in <qemu:commandline> of domain '%s' "
                                  "(the QEMU process environment is fixed)",
                                  b->def->name) < 0)
                    return -1;
                continue;
            }
            if (strcmp(c->name, "qemu:arg") != 0 || !value) {
                unsupported("<%s> in <qemu:commandline> of domain '%s'", c->name,
                            b->def->name);
                return -1;
            }
            add(b, value);
        }
    }
    return 0;
}
