/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Character devices: serial, parallel, console and channel, each a -chardev
 * plus the guest device it backs.
 */
#include <string.h>

#include "drivers/qemu/command-priv.h"

#define VIR_FROM_THIS VIR_FROM_QEMU
#include "util/error.h"

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

int
vkQemuCmdChardevs(cmdBuf *b)
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
