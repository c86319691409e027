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
