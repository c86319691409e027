/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The devices kept as element trees: memballoon, rng, watchdog, panic and
 * the ones refused precisely (hostdev, tpm, vsock, shmem, iommu, ...).
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

    if (g_strcmp0(model, "none") == 0)
        return 0;
    if (g_strcmp0(model, "virtio") != 0) {
        unsupported("memballoon model '%s' of domain '%s'", model ? model : "", b->def->name);
        return -1;
    }
    d = g_string_new("virtio-balloon-pci,id=balloon0");
    if (deflate)
        g_string_append_printf(d, ",deflate-on-oom=%s", deflate);
    if (report)
        g_string_append_printf(d, ",free-page-reporting=%s", report);
    device(b, d, e);
    return 0;
}

static int
rng(cmdBuf *b, const vkXmlElem *e, unsigned int n)
{
    const vkXmlElem *be = child(e, "backend");
    const vkXmlElem *rate = child(e, "rate");
    const char *bm = be ? vkXmlElemGetAttr(be, "model") : NULL;
    g_autoptr(GString) d = NULL;

    if (g_strcmp0(vkXmlElemGetAttr(e, "model"), "virtio") != 0) {
        unsupported("rng model '%s' of domain '%s'", vkXmlElemGetAttr(e, "model"),
                    b->def->name);
        return -1;
    }
    add(b, "-object");
    if (g_strcmp0(bm, "random") == 0) {
        g_autofree char *path = esc(be->text ? be->text : "/dev/urandom");
        addf(b, "rng-random,id=objrng%u,filename=%s", n, path);
    } else if (g_strcmp0(bm, "builtin") == 0) {
        addf(b, "rng-builtin,id=objrng%u", n);
    } else {
        g_ptr_array_set_size(b->argv, b->argv->len - 1);
        unsupported("rng backend model '%s' of domain '%s'", bm ? bm : "", b->def->name);
        return -1;
    }
    d = g_string_new(NULL);
    g_string_append_printf(d, "virtio-rng-pci,rng=objrng%u,id=rng%u", n, n);
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
    /* QEMU's own actions; 'dump' needs a dump the driver takes itself */
    if (action && strcmp(action, "reset") != 0 && strcmp(action, "shutdown") != 0 &&
        strcmp(action, "poweroff") != 0 && strcmp(action, "pause") != 0 &&
        strcmp(action, "none") != 0 && strcmp(action, "inject-nmi") != 0) {
        unsupported("watchdog action '%s' of domain '%s'", action, b->def->name);
        return -1;
    }
    d = g_string_new(NULL);
    g_string_append_printf(d, "%s,id=watchdog0", model);
    device(b, d, e);
    if (action && strcmp(action, "reset") != 0)
        add2(b, "-watchdog-action", action);
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

/* A host PCI device that does not exist is named as such; one that does
 * still cannot be assigned (virtkit has no VFIO support). */
static int
hostdev(cmdBuf *b, const vkXmlElem *e)
{
    const vkXmlElem *src = child(e, "source");
    const vkXmlElem *a = src ? child(src, "address") : NULL;

    if (g_strcmp0(vkXmlElemGetAttr(e, "type"), "pci") == 0 && a) {
        g_autofree char *name = g_strdup_printf(
            "%04x:%02x:%02x.%x",
            (unsigned int)g_ascii_strtoull(vkXmlElemGetAttr(a, "domain") ?
                                           vkXmlElemGetAttr(a, "domain") : "0", NULL, 0),
            (unsigned int)g_ascii_strtoull(vkXmlElemGetAttr(a, "bus") ?
                                           vkXmlElemGetAttr(a, "bus") : "0", NULL, 0),
            (unsigned int)g_ascii_strtoull(vkXmlElemGetAttr(a, "slot") ?
                                           vkXmlElemGetAttr(a, "slot") : "0", NULL, 0),
            (unsigned int)g_ascii_strtoull(vkXmlElemGetAttr(a, "function") ?
                                           vkXmlElemGetAttr(a, "function") : "0", NULL, 0));
        g_autofree char *path = g_strdup_printf("/sys/bus/pci/devices/%s", name);

        if (!g_file_test(path, G_FILE_TEST_EXISTS)) {
            unsupported("<hostdev> device of domain '%s': no such host PCI device %s",
                        b->def->name, name);
            return -1;
        }
        unsupported("<hostdev> device of domain '%s': assigning host PCI device %s "
                    "(VFIO) is not supported", b->def->name, name);
        return -1;
    }
    unsupported("<hostdev> device of domain '%s' (type '%s')", b->def->name,
                vkXmlElemGetAttr(e, "type") ? vkXmlElemGetAttr(e, "type") : "");
    return -1;
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
    if (strcmp(e->name, "tpm") == 0)
        return " (TPM passthrough is not supported)";
    if (strcmp(e->name, "vsock") == 0)
        return g_file_test("/dev/vhost-vsock", G_FILE_TEST_EXISTS) ?
               " (vsock is not supported)" : " (the host has no /dev/vhost-vsock)";
    if (strcmp(e->name, "iommu") == 0)
        return " (IOMMU devices are not supported)";
    return "";
}

int
vkQemuCmdOthers(cmdBuf *b)
{
    GPtrArray *o = devs(b->def, VK_DOMAIN_DEVICE_OTHER);
    unsigned int nrng = 0, nwatchdog = 0;

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
        else if (strcmp(e->name, "hostdev") == 0)
            rc = hostdev(b, e);
        else if (strcmp(e->name, "hub") == 0 &&
                 g_strcmp0(vkXmlElemGetAttr(e, "type"), "usb") == 0)
            rc = 0;     /* vkQemuCmdUsbHubs, before the devices behind them */
        else if (strcmp(e->name, "sound") == 0 || strcmp(e->name, "audio") == 0 ||
                 strcmp(e->name, "redirdev") == 0)
            rc = 0;     /* command-sound.c, command-chr.c */
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
        if (strcmp(e->name, "qemu:commandline") != 0) {
            unsupported("<%s> of domain '%s'", e->name, b->def->name);
            return -1;
        }
        for (guint j = 0; e->children && j < e->children->len; j++) {
            const vkXmlElem *c = e->children->pdata[j];
            const char *value = vkXmlElemGetAttr(c, "value");

            if (strcmp(c->name, "qemu:arg") != 0 || !value) {
                unsupported("<%s> in <qemu:commandline> of domain '%s'%s", c->name,
                            b->def->name, strcmp(c->name, "qemu:env") == 0 ?
                            " (the QEMU process environment is fixed)" : "");
                return -1;
            }
            add(b, value);
        }
    }
    return 0;
}
