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
    /* "no video" is nobody's primary display */
    for (guint i = 0; v && i < v->len; i++) {
        vkDomainVideoDef *vd = v->pdata[i];
        if (g_strcmp0(vd->modelType, "none") == 0)
            vd->primary = false;
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
    /* libvirt adds it with the generic implicit controllers, after the
     * machine's own (USB, the PCI root) */
    c->implicit = true;
    g_ptr_array_add(ctrl, c);
}

/* ---- character devices ---- */

static vkXmlElem *
newElem(const char *name)
{
    vkXmlElem *e = g_new0(vkXmlElem, 1);

    e->name = g_strdup(name);
    return e;
}

static vkXmlElem *
findChild(const vkXmlElem *e, const char *name)
{
    for (guint i = 0; e && e->children && i < e->children->len; i++) {
        if (strcmp(((vkXmlElem *)e->children->pdata[i])->name, name) == 0)
            return e->children->pdata[i];
    }
    return NULL;
}

/* An x86 serial port is written out with its full target, as libvirt's
 * QEMU driver fills it: <target type='isa-serial' port='0'><model
 * name='isa-serial'/></target> (type before port, whatever the input's
 * order). */
static void
serialTarget(vkDomainChrDef *c)
{
    static const char *const models[][2] = {
        { "isa-serial", "isa-serial" }, { "pci-serial", "pci-serial" },
        { "usb-serial", "usb-serial" }, { "isa-debug", "isa-debugcon" },
    };
    const char *type = c->target ? vkXmlElemGetAttr(c->target, "type") : NULL;
    const char *model = NULL;
    vkXmlElem *t = newElem("target");

    type = type ? type : "isa-serial";
    for (size_t i = 0; i < G_N_ELEMENTS(models); i++) {
        if (strcmp(models[i][0], type) == 0)
            model = models[i][1];
    }
    vkXmlElemSetAttr(t, "type", type);
    for (guint i = 0; c->target && c->target->attrs && i + 1 < c->target->attrs->len; i += 2)
        vkXmlElemSetAttr(t, c->target->attrs->pdata[i], c->target->attrs->pdata[i + 1]);
    if (c->target && c->target->children) {
        t->children = g_ptr_array_new_with_free_func((GDestroyNotify)vkXmlElemFree);
        for (guint i = 0; i < c->target->children->len; i++)
            g_ptr_array_add(t->children, vkXmlElemCopy(c->target->children->pdata[i]));
    }
    if (model && !findChild(t, "model")) {
        vkXmlElem *m = newElem("model");
        vkXmlElemSetAttr(m, "name", model);
        if (!t->children)
            t->children = g_ptr_array_new_with_free_func((GDestroyNotify)vkXmlElemFree);
        g_ptr_array_add(t->children, m);
    }
    vkXmlElemFree(c->target);
    c->target = t;
}

static GPtrArray *
copyElems(const GPtrArray *a)
{
    GPtrArray *r = g_ptr_array_new_with_free_func((GDestroyNotify)vkXmlElemFree);

    for (guint i = 0; a && i < a->len; i++)
        g_ptr_array_add(r, vkXmlElemCopy(a->pdata[i]));
    return r;
}

/* A serial console and its serial port are one chardev in libvirt: the
 * console shows the port's source, log and protocol. */
static void
consoleShareSerial(GPtrArray *chr, vkDomainChrDef *con)
{
    const char *port = vkXmlElemGetAttr(con->target, "port");

    for (guint i = 0; i < chr->len; i++) {
        const vkDomainChrDef *s = chr->pdata[i];
        if (s->kind != VK_DOMAIN_CHR_SERIAL ||
            g_strcmp0(vkXmlElemGetAttr(s->target, "port"), port ? port : "0") != 0 ||
            g_strcmp0(s->type, con->type) != 0)
            continue;
        if (con->sources)
            g_ptr_array_unref(con->sources);
        con->sources = s->sources ? copyElems(s->sources) : NULL;
        vkXmlElemFree(con->log);
        con->log = vkXmlElemCopy(s->log);
        vkXmlElemFree(con->protocol);
        con->protocol = vkXmlElemCopy(s->protocol);
        return;
    }
}

/* libvirt drops what only a running guest has (a port's state) and the
 * socket paths it generated itself (.../domain-[ID-]NAME/PORTNAME), so
 * a definition copied from a live XML gets fresh ones; it writes
 * qemu-vdagent's <clipboard> before <mouse>. */
static void
channelDefaults(vkDomainChrDef *c)
{
    const char *name = vkXmlElemGetAttr(c->target, "name");

    if (c->target && c->target->attrs) {
        for (guint i = 0; i + 1 < c->target->attrs->len; i += 2) {
            if (strcmp(c->target->attrs->pdata[i], "state") == 0) {
                g_ptr_array_remove_range(c->target->attrs, i, 2);
                break;
            }
        }
    }
    if (g_strcmp0(c->type, "unix") == 0 && name && c->sources && c->sources->len) {
        const char *path = vkXmlElemGetAttr(c->sources->pdata[0], "path");
        g_autofree char *dir = path ? g_path_get_dirname(path) : NULL;
        g_autofree char *dirname = dir ? g_path_get_basename(dir) : NULL;
        g_autofree char *leaf = path ? g_path_get_basename(path) : NULL;

        if (dirname && g_str_has_prefix(dirname, "domain-") && strcmp(leaf, name) == 0)
            g_ptr_array_remove_index(c->sources, 0);
    }
    if (g_strcmp0(c->type, "qemu-vdagent") == 0 && c->sources && c->sources->len) {
        vkXmlElem *src = c->sources->pdata[0];
        guint at;

        if (src->children && g_ptr_array_find(src->children, findChild(src, "clipboard"), &at) &&
            at > 0) {
            gpointer clip = g_ptr_array_steal_index(src->children, at);
            g_ptr_array_insert(src->children, 0, clip);
        }
    }
}

static void
chrDefaults(vkDomainDef *def)
{
    GPtrArray *chr = def->priv->devs[VK_DOMAIN_DEVICE_CHR];

    for (guint i = 0; chr && i < chr->len; i++) {
        vkDomainChrDef *c = chr->pdata[i];

        if (c->kind == VK_DOMAIN_CHR_SERIAL && isX86(def))
            serialTarget(c);
        else if (c->kind == VK_DOMAIN_CHR_CONSOLE &&
                 g_strcmp0(vkXmlElemGetAttr(c->target, "type"), "serial") == 0)
            consoleShareSerial(chr, c);
        else if (c->kind == VK_DOMAIN_CHR_CHANNEL)
            channelDefaults(c);
    }
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
    chrDefaults(def);
    virtioSerialController(def);
    return 0;
}
