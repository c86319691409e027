/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What a user sees and touches: graphics, video, input, sound.
 */
#include <string.h>

#include "drivers/qemu/command-priv.h"

#define VIR_FROM_THIS VIR_FROM_QEMU
#include "util/error.h"

int
vkQemuCmdGraphics(cmdBuf *b)
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
