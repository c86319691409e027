/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Controllers and the devices kept as elements (memballoon, rng, watchdog,
 * panic, ...).
 */
#include <string.h>

#include "drivers/qemu/command-priv.h"

#define VIR_FROM_THIS VIR_FROM_QEMU
#include "util/error.h"

int
vkQemuCmdControllersAndOthers(cmdBuf *b)
{
    const vkDomainDef *def = b->def;
    GPtrArray *c = devs(def, VK_DOMAIN_DEVICE_CONTROLLER);
    GPtrArray *o = devs(def, VK_DOMAIN_DEVICE_OTHER);

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
            continue;
        }
        /* The bus of virtio channels and consoles (command-chr.c). */
        if (strcmp(ct->type, "virtio-serial") == 0) {
            g_autoptr(GString) d = g_string_new(NULL);
            g_string_append_printf(d, "virtio-serial-pci,id=virtio-serial%d", ct->idx);
            vkQemuCmdAddress(d, def, ct->address);
            add2(b, "-device", d->str);
            continue;
        }
        unsupported("controller type '%s' index %d of domain '%s'", ct->type, ct->idx,
                    def->name);
        return -1;
    }
    for (guint i = 0; o && i < o->len; i++) {
        const vkXmlElem *e = o->pdata[i];
        const char *model = vkXmlElemGetAttr(e, "model");

        /* command-sound.c, command-chr.c */
        if (strcmp(e->name, "sound") == 0 || strcmp(e->name, "audio") == 0 ||
            strcmp(e->name, "redirdev") == 0)
            continue;
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
