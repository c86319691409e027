/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Post-parse defaults of the QEMU driver: graphics, video, input, sound
 * and the virtio-serial bus of channels and consoles.
 *
 * What is added here is what libvirt 9.0's QEMU driver adds on x86 (as
 * observed by defining the same XML into libvirt's qemu:///embed): the
 * PS/2 mouse and keyboard every PC has, one <audio> backend, a
 * virtio-serial controller when a virtio port needs one.  Addresses are
 * not chosen here: defaults-devices.c runs next and sees every device.
 */
#include <string.h>

#include "drivers/qemu/defaults-priv.h"

static bool
isX86(const vkDomainDef *def)
{
    const char *arch = def->osArch ? def->osArch : "x86_64";

    return g_strcmp0(def->osType, "hvm") == 0 &&
           (strcmp(arch, "x86_64") == 0 || strcmp(arch, "i686") == 0);
}

static void
ensurePs2(vkDomainDef *def, const char *type)
{
    GPtrArray *in = vkDomainDevList(def, VK_DOMAIN_DEVICE_INPUT);
    vkDomainInputDef *n;

    for (guint i = 0; i < in->len; i++) {
        const vkDomainInputDef *d = in->pdata[i];
        if (strcmp(d->type, type) == 0 && g_strcmp0(d->bus, "ps2") == 0)
            return;
    }
    n = g_new0(vkDomainInputDef, 1);
    n->type = g_strdup(type);
    n->bus = g_strdup("ps2");
    g_ptr_array_add(in, n);
}

/* libvirt's rule: the graphics decide the backend, the last one winning
 * (spice streams audio itself, vnc gets none because libvirt's default
 * vnc_allow_host_audio is off); sdl would pass the host's audio through
 * and gets no <audio> element; other displays leave the choice to the
 * no-graphics default, which is none.  So a domain without graphics gets
 * <audio type='none'>, whether or not it has a sound card. */
static void
defaultAudio(vkDomainDef *def)
{
    GPtrArray *o = vkDomainDevList(def, VK_DOMAIN_DEVICE_OTHER);
    GPtrArray *g = def->priv->devs[VK_DOMAIN_DEVICE_GRAPHICS];
    const char *type = "none";
    bool any = false;
    vkXmlElem *a;

    for (guint i = 0; i < o->len; i++) {
        if (strcmp(((vkXmlElem *)o->pdata[i])->name, "audio") == 0)
            return;
    }
    for (guint i = 0; g && i < g->len; i++) {
        const vkDomainGraphicsDef *gr = g->pdata[i];
        if (strcmp(gr->type, "vnc") == 0) {
            type = "none";
            any = true;
        } else if (strcmp(gr->type, "spice") == 0) {
            type = "spice";
            any = true;
        } else if (strcmp(gr->type, "sdl") == 0) {
            type = NULL;
            any = true;
        }
    }
    if (!any)
        type = !g || !g->len ? "none" : NULL;
    if (!type)
        return;
    a = g_new0(vkXmlElem, 1);
    a->name = g_strdup("audio");
    vkXmlElemSetAttr(a, "id", "1");
    vkXmlElemSetAttr(a, "type", type);
    g_ptr_array_add(o, a);
}

/* The primary video device goes first: its id is video0, the one with
 * the VGA ports (the generic video defaults are in domain-defaults.c). */
static void
videoDefaults(vkDomainDef *def)
{
    GPtrArray *v = def->priv->devs[VK_DOMAIN_DEVICE_VIDEO];

    for (guint i = 1; v && i < v->len; i++) {
        if (((vkDomainVideoDef *)v->pdata[i])->primary) {
            gpointer p = v->pdata[i];
            g_ptr_array_steal_index(v, i);
            g_ptr_array_insert(v, 0, p);
            break;
        }
    }
}

/* Virtio consoles and channels are ports of a virtio-serial controller;
 * libvirt adds controller 0 when the definition has none. */
static void
virtioSerialController(vkDomainDef *def)
{
    GPtrArray *chr = def->priv->devs[VK_DOMAIN_DEVICE_CHR];
    GPtrArray *ctrl;
    vkDomainControllerDef *c;
    bool need = false;

    for (guint i = 0; chr && i < chr->len && !need; i++) {
        const vkDomainChrDef *d = chr->pdata[i];
        const char *tt = d->target ? vkXmlElemGetAttr(d->target, "type") : NULL;
        need = (d->kind == VK_DOMAIN_CHR_CHANNEL || d->kind == VK_DOMAIN_CHR_CONSOLE) &&
               g_strcmp0(tt, "virtio") == 0;
    }
    if (!need)
        return;
    ctrl = vkDomainDevList(def, VK_DOMAIN_DEVICE_CONTROLLER);
    for (guint i = 0; i < ctrl->len; i++) {
        if (strcmp(((vkDomainControllerDef *)ctrl->pdata[i])->type, "virtio-serial") == 0)
            return;
    }
    c = g_new0(vkDomainControllerDef, 1);
    c->type = g_strdup("virtio-serial");
    c->idx = 0;
    g_ptr_array_add(ctrl, c);
}

int
vkQemuDefaultsDisplay(vkDomainDef *def)
{
    if (!def->priv)
        return 0;
    if (isX86(def)) {
        ensurePs2(def, "mouse");
        ensurePs2(def, "keyboard");
    }
    defaultAudio(def);
    videoDefaults(def);
    virtioSerialController(def);
    return 0;
}
