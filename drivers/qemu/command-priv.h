/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the files of the argv builder share (command*.c only).
 *
 * The builder is split by device class so each file reads in one sitting;
 * build() in command.c calls the classes in a fixed order, which is the
 * order of the resulting argv.  Every function here is pure: it reads the
 * definition and the options, and appends to b->argv or refuses with
 * VIR_ERR_CONFIG_UNSUPPORTED (b->opts is NULL at define-time checks).
 */
#ifndef VK_QEMU_COMMAND_PRIV_H
#define VK_QEMU_COMMAND_PRIV_H

#include <stdarg.h>
#include <string.h>

#include "drivers/qemu/command.h"
#include "conf/domain-conf-priv.h"

#define unsupported(...) vkReportError(VIR_ERR_CONFIG_UNSUPPORTED, __VA_ARGS__)

/* What libvirt's define accepts but this host or virtkit cannot run (a
 * host device to assign, a secret to look up) is kept at define and
 * refused when the guest starts (or the device is attached live), naming it: 0 at define, -1
 * with the error at start. */
#define refuseAtStart(b, ...) ((b)->start ? (unsupported(__VA_ARGS__), -1) : 0)

typedef struct {
    GPtrArray *argv;
    const vkDomainDef *def;
    const vkQemuCommandOpts *opts;   /* may be NULL (define-time check) */
    bool start;                      /* a start or live attach: refuseAtStart() refuses */
} cmdBuf;

static inline void
add(cmdBuf *b, const char *arg)
{
    g_ptr_array_add(b->argv, g_strdup(arg));
}

static inline void G_GNUC_PRINTF(2, 3)
addf(cmdBuf *b, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    g_ptr_array_add(b->argv, g_strdup_vprintf(fmt, ap));
    va_end(ap);
}

static inline void
add2(cmdBuf *b, const char *opt, const char *val)
{
    add(b, opt);
    add(b, val);
}

/* QEMU's option syntax splits on ','; a literal comma is written twice. */
static inline char *
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

static inline GPtrArray *
devs(const vkDomainDef *def, int type)
{
    return def->priv ? def->priv->devs[type] : NULL;
}

static inline bool
hasFeature(const vkDomainDef *def, const char *name)
{
    GPtrArray *f = def->priv ? def->priv->features : NULL;

    for (guint i = 0; f && i < f->len; i++) {
        if (strcmp(((vkXmlElem *)f->pdata[i])->name, name) == 0)
            return true;
    }
    return false;
}

/* The first child of e named name at or after *from (NULL: from the
 * start), moving *from past it; NULL when there is none. */
static inline const vkXmlElem *
elemChild(const vkXmlElem *e, const char *name, guint *from)
{
    for (guint i = from ? *from : 0; e && e->children && i < e->children->len; i++) {
        const vkXmlElem *c = e->children->pdata[i];
        if (strcmp(c->name, name) == 0) {
            if (from)
                *from = i + 1;
            return c;
        }
    }
    return NULL;
}

/* True when the guest has a USB bus (a USB controller not model none). */
static inline bool
hasUsb(const vkDomainDef *def)
{
    GPtrArray *c = devs(def, VK_DOMAIN_DEVICE_CONTROLLER);

    for (guint i = 0; c && i < c->len; i++) {
        const vkDomainControllerDef *ct = c->pdata[i];
        if (strcmp(ct->type, "usb") == 0 && g_strcmp0(ct->model, "none") != 0)
            return true;
    }
    return false;
}

/* Appends the ",bus=...,addr=..." that puts a device where its kept
 * <address> says (PCI: pci.N, or pcie.0 for bus 0 of a q35 machine;
 * USB: usb.0 and the port; virtio-serial: virtio-serialN.0 and nr);
 * nothing for a NULL or unknown address type.  command.c. */
void vkQemuCmdAddress(GString *dev, const vkDomainDef *def, const vkXmlElem *addr);

static inline bool
isPciAddr(const vkXmlElem *addr)
{
    return addr && g_strcmp0(vkXmlElemGetAttr(addr, "type"), "pci") == 0;
}
/* True for a q35 machine (PCI Express root). */
bool vkQemuCmdIsQ35(const vkDomainDef *def);

/* A USB device goes where its <address type='usb'> says, or on the
 * first USB bus. */
static inline void
usbPlace(GString *d, const vkDomainDef *def, const vkXmlElem *addr)
{
    if (g_strcmp0(addr ? vkXmlElemGetAttr(addr, "type") : NULL, "usb") == 0)
        vkQemuCmdAddress(d, def, addr);
    else
        g_string_append(d, ",bus=usb.0");
}

/* The platform's kept elements (command-machine.c): the <features> child,
 * the top-level element (memoryBacking, pm, iothreads, ...) and an
 * element's first child of that name; NULL when absent. */
const vkXmlElem *vkQemuCmdFeature(const vkDomainDef *def, const char *name);
const vkXmlElem *vkQemuCmdTopExtra(const vkDomainDef *def, const char *name);
const vkXmlElem *vkQemuCmdChild(const vkXmlElem *e, const char *name);
/* True when guest RAM is a backend object pc.ram (command-cpu.c). */
bool vkQemuCmdMemoryBackend(const vkDomainDef *def);

/* One per device class, in argv order; each returns 0 or -1 with an
 * error reported. */
int vkQemuCmdMachine(cmdBuf *b);       /* command-machine.c */
int vkQemuCmdCpu(cmdBuf *b);           /* command-cpu.c: -cpu, -m, -smp, NUMA */
int vkQemuCmdOS(cmdBuf *b);
int vkQemuCmdClock(cmdBuf *b);
int vkQemuCmdGraphics(cmdBuf *b);      /* command-display.c (with -audiodev) */
int vkQemuCmdControllersAndOthers(cmdBuf *b); /* command-controller.c */
int vkQemuCmdVideo(cmdBuf *b);         /* command-display.c */
int vkQemuCmdInputAndSound(cmdBuf *b); /* command-sound.c */
int vkQemuCmdOthers(cmdBuf *b);        /* command-other.c: memballoon, rng, ... */
int vkQemuCmdPassthrough(cmdBuf *b);
int vkQemuCmdHostDevices(cmdBuf *b);  /* command-hostdev.c: hostdev, memory, iommu, ... */
bool vkQemuCmdIsHostDevice(const vkXmlElem *e);
int vkQemuCmdIommu(cmdBuf *b);         /* command-hostdev.c: before all devices */   /* command-other.c: <qemu:commandline>, last */
void vkQemuCmdUsbHubs(cmdBuf *b);      /* command-other.c: after the controllers */
int vkQemuCmdFilesystems(cmdBuf *b);   /* command-fs.c: 9p shares */
int vkQemuCmdDisks(cmdBuf *b);         /* command-disk.c */
int vkQemuCmdNets(cmdBuf *b);          /* command-net.c */
int vkQemuCmdChardevs(cmdBuf *b);      /* command-chr.c */

int vkQemuCmdAudio(cmdBuf *b);         /* command-sound.c, from vkQemuCmdGraphics */
/* The <audio> id the PC speaker (<sound model='pcspk'>) plays into, for
 * the machine's pcspk-audiodev; NULL without one.  command-sound.c */
const char *vkQemuCmdPcspkAudio(const vkDomainDef *def);
/* Whether def has the IOThread numbered id (as <driver iothread=''>
 * names it), which the argv creates as iothread<id>.  command-cpu.c */
bool vkQemuCmdIothreadExists(const vkDomainDef *def, const char *id);

/* Paths libvirt chooses itself under the domain's directory (g_free;
 * NULL when opts or its domainDir is NULL): a socket of a display
 * <listen type='socket'/> without one (command-display.c), and of a unix
 * virtio channel without <source path> (command-chr.c; NULL too when c
 * has a path or is no such channel).  The start writes the same paths
 * into the live definition (qemu-graphics.c). */
/* The secret object (and file under domainDir) of graphics device N's
 * password. */
#define VK_QEMU_GRAPHICS_SECRET "graphics%u-secret0"
char *vkQemuDisplaySocketPath(const vkQemuCommandOpts *opts, const char *name);
char *vkQemuChrDefaultPath(const vkDomainChrDef *c, const char *domainDir);

#endif
