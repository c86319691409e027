/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the guest hears and what it is touched with: <audio> backends
 * (-audiodev), <sound> cards with their codecs, and <input> devices.
 *
 * <audio> and <sound> are kept as element trees by the parser; the
 * attribute names of <audio> are QEMU's -audiodev keys in camelCase
 * (bufferLength -> buffer-length), so one spelling rule translates all
 * of them and only the exceptions are listed.
 */
#include <string.h>

#include "drivers/qemu/command-priv.h"

#define VIR_FROM_THIS VIR_FROM_QEMU
#include "util/error.h"

/* ---- audio ---- */

/* libvirt's audio types and QEMU's driver names; NULL: not in this QEMU
 * (coreaudio is macOS only). */
static const struct { const char *type, *driver; } audioTypes[] = {
    { "none", "none" }, { "alsa", "alsa" }, { "pulseaudio", "pa" }, { "oss", "oss" },
    { "sdl", "sdl" }, { "spice", "spice" }, { "file", "wav" }, { "jack", "jack" },
    { "coreaudio", NULL }, { "dbus", "dbus" },
};

/* bufferLength -> buffer-length; yes/no -> on/off. */
static void
appendKey(GString *opt, const char *prefix, const char *name, const char *value)
{
    g_string_append_c(opt, ',');
    g_string_append(opt, prefix);
    for (const char *p = name; *p; p++) {
        if (g_ascii_isupper(*p)) {
            g_string_append_c(opt, '-');
            g_string_append_c(opt, g_ascii_tolower(*p));
        } else {
            g_string_append_c(opt, *p);
        }
    }
    g_string_append_c(opt, '=');
    if (strcmp(value, "yes") == 0)
        g_string_append(opt, "on");
    else if (strcmp(value, "no") == 0)
        g_string_append(opt, "off");
    else {
        g_autofree char *v = esc(value);
        g_string_append(opt, v);
    }
}

static void
appendAttrs(GString *opt, const char *prefix, const vkXmlElem *e, const char *type)
{
    for (guint i = 0; e->attrs && i + 1 < e->attrs->len; i += 2) {
        const char *n = e->attrs->pdata[i];
        const char *v = e->attrs->pdata[i + 1];

        if (!*prefix && (strcmp(n, "id") == 0 || strcmp(n, "type") == 0))
            continue;
        /* PulseAudio's server is "server" in QEMU, JACK's "server-name". */
        if (strcmp(type, "pulseaudio") == 0 && strcmp(n, "serverName") == 0)
            n = "server";
        else if (strcmp(n, "tryMMap") == 0)
            n = "tryMmap";
        appendKey(opt, prefix, n, v);
    }
}

static int
audiodev(cmdBuf *b, const vkXmlElem *a)
{
    const char *type = vkXmlElemGetAttr(a, "type");
    const char *id = vkXmlElemGetAttr(a, "id");
    const char *driver = NULL;
    size_t i;
    g_autoptr(GString) opt = g_string_new(NULL);

    for (i = 0; type && i < G_N_ELEMENTS(audioTypes); i++) {
        if (strcmp(audioTypes[i].type, type) == 0)
            break;
    }
    if (!type || !id || i == G_N_ELEMENTS(audioTypes)) {
        unsupported("<audio type='%s'> of domain '%s'", type ? type : "", b->def->name);
        return -1;
    }
    /* libvirt's define keeps a backend this QEMU lacks (coreaudio is
     * macOS only); the start is what cannot run it. */
    if (!(driver = audioTypes[i].driver))
        return refuseAtStart(b, "<audio type='%s'> of domain '%s' (not in this QEMU build)",
                             type, b->def->name);
    /* SDL's audio driver is chosen by an environment variable libvirt
     * sets for QEMU; virtkit passes QEMU no such environment. */
    if (strcmp(type, "sdl") == 0 && vkXmlElemGetAttr(a, "driver"))
        return refuseAtStart(b, "<audio type='sdl' driver='%s'> of domain '%s'",
                             vkXmlElemGetAttr(a, "driver"), b->def->name);
    g_string_append_printf(opt, "%s,id=audio%s", driver, id);
    appendAttrs(opt, "", a, type);
    for (guint c = 0; a->children && c < a->children->len; c++) {
        const vkXmlElem *dir = a->children->pdata[c];
        const char *prefix = strcmp(dir->name, "input") == 0 ? "in." :
                             strcmp(dir->name, "output") == 0 ? "out." : NULL;

        if (!prefix)
            continue;
        appendAttrs(opt, prefix, dir, type);
        for (guint s = 0; dir->children && s < dir->children->len; s++) {
            const vkXmlElem *st = dir->children->pdata[s];
            if (strcmp(st->name, "settings") == 0)
                appendAttrs(opt, prefix, st, type);
        }
    }
    add2(b, "-audiodev", opt->str);
    return 0;
}

int
vkQemuCmdAudio(cmdBuf *b)
{
    GPtrArray *o = devs(b->def, VK_DOMAIN_DEVICE_OTHER);

    for (guint i = 0; o && i < o->len; i++) {
        const vkXmlElem *e = o->pdata[i];
        if (strcmp(e->name, "audio") == 0 && audiodev(b, e) < 0)
            return -1;
    }
    return 0;
}

/* ---- sound ---- */

/* A sound card plays into its own <audio id=''/>, else the first one. */
static const char *
soundAudioId(const vkDomainDef *def, const vkXmlElem *snd)
{
    const vkXmlElem *own = elemChild(snd, "audio", NULL);
    GPtrArray *o = devs(def, VK_DOMAIN_DEVICE_OTHER);

    if (own && vkXmlElemGetAttr(own, "id"))
        return vkXmlElemGetAttr(own, "id");
    for (guint i = 0; o && i < o->len; i++) {
        if (strcmp(((vkXmlElem *)o->pdata[i])->name, "audio") == 0)
            return vkXmlElemGetAttr(o->pdata[i], "id");
    }
    return NULL;
}

const char *
vkQemuCmdPcspkAudio(const vkDomainDef *def)
{
    GPtrArray *o = devs(def, VK_DOMAIN_DEVICE_OTHER);

    for (guint i = 0; o && i < o->len; i++) {
        const vkXmlElem *e = o->pdata[i];
        if (strcmp(e->name, "sound") == 0 &&
            g_strcmp0(vkXmlElemGetAttr(e, "model"), "pcspk") == 0)
            return soundAudioId(def, e);
    }
    return NULL;
}

static int
soundCard(cmdBuf *b, const vkXmlElem *snd, int n)
{
    static const struct { const char *model, *device; bool hda, usb; } models[] = {
        { "es1370", "ES1370" }, { "sb16", "sb16" }, { "ac97", "AC97" },
        { "ich6", "intel-hda", true }, { "ich7", "intel-hda", true },
        { "ich9", "ich9-intel-hda", true }, { "usb", "usb-audio", false, true },
    };
    const vkDomainDef *def = b->def;
    const char *model = vkXmlElemGetAttr(snd, "model");
    const char *audio = soundAudioId(def, snd);
    const vkXmlElem *addr = elemChild(snd, "address", NULL);
    const vkXmlElem *codec;
    g_autoptr(GString) d = g_string_new(NULL);
    size_t i;
    guint at = 0;
    int ncodec = 0;

    for (i = 0; model && i < G_N_ELEMENTS(models); i++) {
        if (strcmp(models[i].model, model) == 0)
            break;
    }
    /* pcspk is a machine property: vkQemuCmdMachine gives it its backend */
    if (g_strcmp0(model, "pcspk") == 0)
        return 0;
    if (!model || i == G_N_ELEMENTS(models)) {
        unsupported("sound model '%s' of domain '%s'", model ? model : "", def->name);
        return -1;
    }
    if (models[i].usb && !hasUsb(def)) {
        unsupported("sound model 'usb' of domain '%s' (no USB controller)", def->name);
        return -1;
    }
    g_string_append_printf(d, "%s,id=sound%d", models[i].device, n);
    if (!models[i].hda && audio)
        g_string_append_printf(d, ",audiodev=audio%s", audio);
    if (models[i].usb)
        usbPlace(d, def, addr);
    else
        vkQemuCmdAddress(d, def, addr);
    add2(b, "-device", d->str);
    if (!models[i].hda)
        return 0;
    /* An HDA controller without codecs gets a duplex one. */
    while ((codec = elemChild(snd, "codec", &at)) || ncodec == 0) {
        const char *ct = codec ? vkXmlElemGetAttr(codec, "type") : "duplex";

        if (g_strcmp0(ct, "duplex") != 0 && g_strcmp0(ct, "micro") != 0 &&
            g_strcmp0(ct, "output") != 0) {
            unsupported("sound codec type '%s' of domain '%s'", ct ? ct : "", def->name);
            return -1;
        }
        add(b, "-device");
        addf(b, "hda-%s,id=sound%d-codec%d,bus=sound%d.0,cad=%d%s%s", ct, n, ncodec, n,
             ncodec, audio ? ",audiodev=audio" : "", audio ? audio : "");
        ncodec++;
        if (!codec)
            break;
    }
    return 0;
}

/* ---- input ---- */

static int
inputDevice(cmdBuf *b, const vkDomainInputDef *in, guint idx)
{
    const vkDomainDef *def = b->def;
    const char *bus = in->bus ? in->bus : "ps2";
    const char *t = in->type;
    g_autoptr(GString) d = g_string_new(NULL);

    if (strcmp(t, "evdev") == 0 || strcmp(t, "passthrough") == 0) {
        const vkXmlElem *src = NULL;
        const char *path;
        g_autofree char *p = NULL;

        for (guint i = 0; in->extra && i < in->extra->len && !src; i++) {
            if (strcmp(((vkXmlElem *)in->extra->pdata[i])->name, "source") == 0)
                src = in->extra->pdata[i];
        }
        /* a missing host device is QEMU's to report at start, as under
         * libvirt ("Could not open '/dev/input/...'") */
        path = src ? vkXmlElemGetAttr(src, strcmp(t, "evdev") == 0 ? "dev" : "evdev") : NULL;
        if (!(p = path ? esc(path) : NULL)) {
            unsupported("input type '%s' without a source device in domain '%s'", t,
                        def->name);
            return -1;
        }
        if (strcmp(t, "passthrough") == 0) {
            g_string_append_printf(d, "virtio-input-host-pci,id=input%u,evdev=%s", idx, p);
            vkQemuCmdAddress(d, def, in->address);
            add2(b, "-device", d->str);
            return 0;
        }
        g_string_append_printf(d, "input-linux,id=input%u,evdev=%s", idx, p);
        if (g_strcmp0(vkXmlElemGetAttr(src, "repeat"), "on") == 0)
            g_string_append(d, ",repeat=on");
        if (g_strcmp0(vkXmlElemGetAttr(src, "grab"), "all") == 0)
            g_string_append(d, ",grab_all=on");
        if (vkXmlElemGetAttr(src, "grabToggle"))
            g_string_append_printf(d, ",grab-toggle=%s", vkXmlElemGetAttr(src, "grabToggle"));
        add2(b, "-object", d->str);
        return 0;
    }
    if (strcmp(t, "mouse") != 0 && strcmp(t, "keyboard") != 0 && strcmp(t, "tablet") != 0)
        goto refuse;
    /* QEMU's virtio input devices are virtio 1.0 only (libvirt's words) */
    if (in->model && g_str_has_suffix(in->model, "transitional")) {
        unsupported("virtio (non-)transitional models are not supported for input type=%s",
                    t);
        return -1;
    }
    if (in->model && strcmp(in->model, "virtio") != 0) {
        unsupported("input model '%s' of domain '%s'", in->model, def->name);
        return -1;
    }
    /* The PS/2 mouse and keyboard are the machine's own i8042. */
    if (strcmp(bus, "ps2") == 0 && strcmp(t, "tablet") != 0)
        return 0;
    if (strcmp(bus, "usb") == 0) {
        if (!hasUsb(def))
            goto refuse;
        g_string_append_printf(d, "usb-%s,id=input%u", strcmp(t, "keyboard") == 0 ? "kbd" : t,
                               idx);
        usbPlace(d, def, in->address);
    } else if (strcmp(bus, "virtio") == 0) {
        g_string_append_printf(d, "virtio-%s-pci,id=input%u", t, idx);
        vkQemuCmdAddress(d, def, in->address);
    } else {
        goto refuse;
    }
    add2(b, "-device", d->str);
    return 0;

 refuse:
    unsupported("input type '%s' on bus '%s' of domain '%s'%s", t, bus, def->name,
                strcmp(bus, "usb") == 0 && !hasUsb(def) ?
                " (no USB controller)" : "");
    return -1;
}

int
vkQemuCmdInputAndSound(cmdBuf *b)
{
    GPtrArray *in = devs(b->def, VK_DOMAIN_DEVICE_INPUT);
    GPtrArray *o = devs(b->def, VK_DOMAIN_DEVICE_OTHER);
    int nsound = 0;

    for (guint i = 0; in && i < in->len; i++) {
        if (inputDevice(b, in->pdata[i], i) < 0)
            return -1;
    }
    for (guint i = 0; o && i < o->len; i++) {
        const vkXmlElem *e = o->pdata[i];
        if (strcmp(e->name, "sound") == 0 && soundCard(b, e, nsound++) < 0)
            return -1;
    }
    return 0;
}
