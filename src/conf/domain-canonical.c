/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libvirt's canonical forms for the device and feature elements virtkit
 * keeps as trees, and what libvirt forgets when it reads a definition
 * rather than a running domain's state.
 *
 * The one idea: libvirt reads these elements into typed fields and writes
 * the fields back, so whatever it does not store (a "-1" meaning "any",
 * a live-only index, a child order) comes back in one canonical form.
 * virtkit keeps the tree and rewrites it into that form once, at parse or
 * define; the formatter writes it as it is.  The rules are libvirt 9.0's
 * behaviour as its test corpus shows it (tests/corpus), not its code.
 */
#include <stdlib.h>
#include <string.h>

#include "conf/domain-conf-priv.h"

#define VIR_FROM_THIS VIR_FROM_DOMAIN
#include "util/error.h"

static void
dropChildren(GPtrArray *list, const char *name)
{
    for (guint i = list ? list->len : 0; i-- > 0;) {
        if (strcmp(((vkXmlElem *)list->pdata[i])->name, name) == 0)
            g_ptr_array_remove_index(list, i);
    }
}

static void
sortList(GPtrArray *list, const char *const *order)
{
    vkXmlElem holder = { .name = (char *)"", .children = list };

    if (list)
        vkXmlElemSortChildren(&holder, order);
}

/* Moves the children libvirt writes from a device's common info (boot
 * order, alias, USB master, ROM, ACPI index, address) after the device's
 * own children, in that order: for most devices libvirt writes the info
 * last, whatever order the input used. */
static void
infoLast(vkXmlElem *dev)
{
    static const char *const info[] = {
        "boot", "alias", "master", "rom", "acpi", "address", NULL
    };
    GPtrArray *c = dev->children;
    g_autoptr(GPtrArray) tail = NULL;

    if (!c)
        return;
    tail = g_ptr_array_new();
    for (guint k = 0; info[k]; k++) {
        for (guint i = 0; i < c->len;) {
            if (strcmp(((vkXmlElem *)c->pdata[i])->name, info[k]) == 0)
                g_ptr_array_add(tail, g_ptr_array_steal_index(c, i));
            else
                i++;
        }
    }
    for (guint i = 0; i < tail->len; i++)
        g_ptr_array_add(c, tail->pdata[i]);
    /* virtio options come after the address on these */
    if (strcmp(dev->name, "memballoon") == 0 || strcmp(dev->name, "vsock") == 0) {
        for (guint i = 0; i + tail->len < c->len; i++) {
            if (strcmp(((vkXmlElem *)c->pdata[i])->name, "driver") == 0) {
                g_ptr_array_add(c, g_ptr_array_steal_index(c, i));
                break;
            }
        }
    }
}

/* A redirection filter rule: -1 means "any" and is how libvirt stores an
 * absent attribute; a version's minor part is two BCD digits ("9.4" is
 * 9.40). */
static void
usbdevRule(vkXmlElem *u)
{
    static const char *const any[] = { "class", "vendor", "product", "version", NULL };
    const char *v, *dot;

    for (guint k = 0; any[k]; k++) {
        if (g_strcmp0(vkXmlElemGetAttr(u, any[k]), "-1") == 0)
            vkXmlElemRemoveAttr(u, any[k]);
    }
    v = vkXmlElemGetAttr(u, "version");
    if (v && (dot = strchr(v, '.')) && strlen(dot + 1) == 1) {
        g_autofree char *w = g_strconcat(v, "0", NULL);
        vkXmlElemSetAttr(u, "version", w);
    }
}

/* An iSCSI source names its LUN after a slash; libvirt adds LUN 0. */
static char *
iscsiName(const char *protocol, const char *name)
{
    if (g_strcmp0(protocol, "iscsi") != 0 || !name || !*name || strchr(name, '/'))
        return NULL;
    return g_strconcat(name, "/0", NULL);
}

static void
otherRules(vkXmlElem *dev)
{
    vkXmlElem *src = vkXmlElemChild(dev, "source");
    g_autofree char *name = NULL;

    if (strcmp(dev->name, "redirfilter") == 0) {
        for (guint i = 0; dev->children && i < dev->children->len; i++)
            usbdevRule(dev->children->pdata[i]);
        return;
    }
    /* a D-Bus USB redirection names the channel QEMU's display exports */
    if (strcmp(dev->name, "redirdev") == 0 && !src &&
        g_strcmp0(vkXmlElemGetAttr(dev, "type"), "dbus") == 0) {
        src = g_new0(vkXmlElem, 1);
        src->name = g_strdup("source");
        vkXmlElemSetAttr(src, "channel", "org.qemu.usbredir");
        if (!dev->children)
            dev->children = g_ptr_array_new_with_free_func((GDestroyNotify)vkXmlElemFree);
        g_ptr_array_insert(dev->children, 0, src);
    }
    if (strcmp(dev->name, "hostdev") == 0 &&
        (name = iscsiName(vkXmlElemGetAttr(src, "protocol"), vkXmlElemGetAttr(src, "name"))))
        vkXmlElemSetAttr(src, "name", name);
    infoLast(dev);
}

/* <backingStore>: its format, its source, then the next layer down. */
static void
backingOrder(vkXmlElem *b)
{
    static const char *const order[] = { "format", "source", "backingStore", NULL };

    for (; b; b = vkXmlElemChild(b, "backingStore"))
        vkXmlElemSortChildren(b, order);
}

/* fmode and dmode are octal permissions, written with four digits. */
static void
fsRules(vkDomainFSDef *fs)
{
    static const char *const modes[] = { "fmode", "dmode", NULL };

    for (guint k = 0; modes[k]; k++) {
        for (guint i = 0; fs->attrs && i + 1 < fs->attrs->len; i += 2) {
            char *end;
            unsigned long v;

            if (strcmp(fs->attrs->pdata[i], modes[k]) != 0)
                continue;
            v = strtoul(fs->attrs->pdata[i + 1], &end, 8);
            if (*end || end == fs->attrs->pdata[i + 1] || v > 0777)
                continue;
            g_free(fs->attrs->pdata[i + 1]);
            fs->attrs->pdata[i + 1] = g_strdup_printf("%04lo", v);
        }
    }
}

static void
diskRules(vkDomainDiskDef *d)
{
    g_autofree char *name = iscsiName(d->srcProtocol, d->src);

    /* only a file is ever opened by the client and passed in */
    if (d->type != VK_DOMAIN_DISK_TYPE_FILE)
        vkXmlElemRemoveAttr(d->srcRest, "fdgroup");
    if (name) {
        g_free(d->src);
        d->src = g_steal_pointer(&name);
    }
    /* a read-only disk is never snapshotted: saying so is redundant */
    for (guint i = 0; d->readonly && d->attrs && i + 1 < d->attrs->len; i += 2) {
        if (strcmp(d->attrs->pdata[i], "snapshot") == 0 &&
            strcmp(d->attrs->pdata[i + 1], "no") == 0) {
            g_ptr_array_remove_range(d->attrs, i, 2);
            break;
        }
    }
    /* a closed tray is the default: libvirt writes only an open one */
    for (guint i = 0; d->targetAttrs && i + 1 < d->targetAttrs->len; i += 2) {
        if (strcmp(d->targetAttrs->pdata[i], "tray") == 0 &&
            strcmp(d->targetAttrs->pdata[i + 1], "closed") == 0) {
            g_ptr_array_remove_range(d->targetAttrs, i, 2);
            break;
        }
    }
    for (guint i = 0; d->extra && i < d->extra->len; i++) {
        vkXmlElem *e = d->extra->pdata[i];
        if (strcmp(e->name, "backingStore") == 0)
            backingOrder(e);
    }
}

/* libvirt's interface models are an enum matched regardless of case; an
 * unknown model is kept as written. */
static void
netRules(vkDomainNetDef *net)
{
    static const char *const models[] = {
        "virtio", "virtio-transitional", "virtio-non-transitional", "e1000",
        "e1000e", "igb", "rtl8139", "netfront", "usb-net", "spapr-vlan",
        "lan9118", "scm91c111", "vlance", "vmxnet", "vmxnet2", "vmxnet3",
        "Am79C970A", "Am79C973", "82540EM", "82545EM", "82543GC", NULL
    };

    for (guint k = 0; net->model && models[k]; k++) {
        if (g_ascii_strcasecmp(net->model, models[k]) == 0) {
            g_free(net->model);
            net->model = g_strdup(models[k]);
            break;
        }
    }
    /* traffic filters exist only for interfaces on a host tap */
    if (net->type != VK_DOMAIN_NET_TYPE_NETWORK && net->type != VK_DOMAIN_NET_TYPE_BRIDGE &&
        net->type != VK_DOMAIN_NET_TYPE_ETHERNET)
        dropChildren(net->extra, "filterref");
    /* a hostdev interface's <driver> only names the PCI backend */
    for (guint i = 0; net->type == VK_DOMAIN_NET_TYPE_HOSTDEV && net->extra &&
                      i < net->extra->len; i++) {
        vkXmlElem *e = net->extra->pdata[i];
        const char *drv = vkXmlElemGetAttr(e, "name");
        g_autofree char *keep = g_strdup(drv);

        if (strcmp(e->name, "driver") != 0)
            continue;
        if (e->attrs)
            g_ptr_array_set_size(e->attrs, 0);
        if (keep)
            vkXmlElemSetAttr(e, "name", keep);
        if (!keep && !(e->children && e->children->len))
            g_ptr_array_remove_index(net->extra, i--);
    }
}

static void
graphicsRules(vkDomainGraphicsDef *g)
{
    static const char *const spice[] = {
        "channel", "image", "jpeg", "zlib", "playback", "streaming", "mouse",
        "clipboard", "filetransfer", "gl", "audio", NULL
    };

    sortList(g->extra, spice);
}

static void
chrRules(vkDomainChrDef *chr)
{
    static const char *const vdagent[] = { "clipboard", "mouse", NULL };

    for (guint i = 0; chr->sources && i < chr->sources->len; i++)
        vkXmlElemSortChildren(chr->sources->pdata[i], vdagent);
}

/* A full-virt console of target type serial is the nth serial port seen
 * from the console side: libvirt writes the serial's backend (source
 * attributes such as append, its log, its protocol) and port on it. */
static void
consolesAsSerials(vkDomainDef *def)
{
    GPtrArray *a = def->priv->devs[VK_DOMAIN_DEVICE_CHR];
    g_autoptr(GPtrArray) serials = g_ptr_array_new();
    guint n = 0;

    if (!a || g_strcmp0(def->osType, "hvm") != 0)
        return;
    for (guint i = 0; i < a->len; i++) {
        if (((vkDomainChrDef *)a->pdata[i])->kind == VK_DOMAIN_CHR_SERIAL)
            g_ptr_array_add(serials, a->pdata[i]);
    }
    for (guint i = 0; i < a->len; i++) {
        vkDomainChrDef *c = a->pdata[i];
        const vkDomainChrDef *s;
        const char *tt;

        if (c->kind != VK_DOMAIN_CHR_CONSOLE)
            continue;
        tt = vkXmlElemGetAttr(c->target, "type");
        if ((tt && strcmp(tt, "serial") != 0) || n >= serials->len || !c->target) {
            n++;
            continue;
        }
        s = serials->pdata[n++];
        if (g_strcmp0(c->type, s->type) != 0)
            continue;
        if (c->sources)
            g_ptr_array_unref(c->sources);
        c->sources = NULL;
        for (guint k = 0; s->sources && k < s->sources->len; k++) {
            if (!c->sources)
                c->sources = g_ptr_array_new_with_free_func((GDestroyNotify)vkXmlElemFree);
            g_ptr_array_add(c->sources, vkXmlElemCopy(s->sources->pdata[k]));
        }
        vkXmlElemFree(c->protocol);
        c->protocol = vkXmlElemCopy(s->protocol);
        vkXmlElemFree(c->log);
        c->log = vkXmlElemCopy(s->log);
        if (vkXmlElemGetAttr(s->target, "port"))
            vkXmlElemSetAttr(c->target, "port", vkXmlElemGetAttr(s->target, "port"));
    }
}

static long
idAttr(const vkXmlElem *e, const char *name, long n)
{
    const char *v = vkXmlElemGetAttr(e, name);
    char *end;
    long r = v ? strtol(v, &end, 10) : -1;

    return v && !*end && r >= 0 && r < n ? r : -1;
}

/* NUMA distances: a distance given one way holds the other way too, and
 * a cell with distances is at 10 from itself; libvirt writes each cell's
 * full row in id order. */
static void
numaDistances(vkDomainCpuDef *cpu)
{
    vkXmlElem *numa = NULL;
    g_autofree vkXmlElem **cells = NULL;
    g_autofree long *d = NULL;
    long n = 0;

    for (guint i = 0; cpu && cpu->extra && i < cpu->extra->len; i++) {
        if (strcmp(((vkXmlElem *)cpu->extra->pdata[i])->name, "numa") == 0)
            numa = cpu->extra->pdata[i];
    }
    if (!numa || !numa->children || numa->children->len > 256)
        return;
    n = numa->children->len;
    cells = g_new0(vkXmlElem *, n);
    d = g_new0(long, n * n);
    for (long i = 0; i < n; i++) {
        vkXmlElem *c = numa->children->pdata[i];
        long id = idAttr(c, "id", n);
        if (strcmp(c->name, "cell") != 0 || id < 0 || cells[id])
            return;     /* not the simple case: left as written */
        cells[id] = c;
    }
    for (long i = 0; i < n; i++) {
        vkXmlElem *ds = vkXmlElemChild(cells[i], "distances");
        for (guint k = 0; ds && ds->children && k < ds->children->len; k++) {
            long j = idAttr(ds->children->pdata[k], "id", n);
            long v = idAttr(ds->children->pdata[k], "value", 256);
            if (j < 0 || v <= 0)
                return;
            d[i * n + j] = v;
        }
    }
    for (long i = 0; i < n; i++) {
        for (long j = 0; j < n; j++) {
            if (!d[i * n + j] || i == j)
                continue;
            if (!d[j * n + i])
                d[j * n + i] = d[i * n + j];
            if (!d[i * n + i])
                d[i * n + i] = 10;
            if (!d[j * n + j])
                d[j * n + j] = 10;
        }
    }
    for (long i = 0; i < n; i++) {
        vkXmlElem *ds = vkXmlElemChild(cells[i], "distances");
        if (!d[i * n + i])
            continue;
        if (!ds) {
            ds = g_new0(vkXmlElem, 1);
            ds->name = g_strdup("distances");
            if (!cells[i]->children)
                cells[i]->children = g_ptr_array_new_with_free_func((GDestroyNotify)vkXmlElemFree);
            g_ptr_array_add(cells[i]->children, ds);
        }
        if (ds->children)
            g_ptr_array_set_size(ds->children, 0);
        else
            ds->children = g_ptr_array_new_with_free_func((GDestroyNotify)vkXmlElemFree);
        for (long j = 0; j < n; j++) {
            vkXmlElem *s;
            g_autofree char *id = NULL, *v = NULL;
            if (!d[i * n + j])
                continue;
            s = g_new0(vkXmlElem, 1);
            s->name = g_strdup("sibling");
            id = g_strdup_printf("%ld", j);
            v = g_strdup_printf("%ld", d[i * n + j]);
            vkXmlElemSetAttr(s, "id", id);
            vkXmlElemSetAttr(s, "value", v);
            g_ptr_array_add(ds->children, s);
        }
    }
}

/* Features that are on/off switches: given bare, they are on. */
static void
featureRules(GPtrArray *features)
{
    static const char *const switches[] = { "pmu", "vmcoreinfo", "pvspinlock", NULL };

    for (guint i = 0; features && i < features->len; i++) {
        vkXmlElem *f = features->pdata[i];
        if (g_strv_contains(switches, f->name) && !vkXmlElemGetAttr(f, "state"))
            vkXmlElemSetAttr(f, "state", "on");
    }
}

static vkXmlElem *
firmwareFeature(const vkXmlElem *fw, const char *name)
{
    for (guint i = 0; fw->children && i < fw->children->len; i++) {
        vkXmlElem *f = fw->children->pdata[i];
        if (g_strcmp0(vkXmlElemGetAttr(f, "name"), name) == 0)
            return f;
    }
    return NULL;
}

/* <os><firmware> says what autoselection looks for: without it (no
 * firmware='') or with no feature it says nothing.  Enrolled keys are
 * of use with Secure Boot only, so they imply it; the features are
 * written in libvirt's order. */
static void
firmwareRules(vkDomainDefPriv *p)
{
    static const char *const order[] = { "enrolled-keys", "secure-boot" };
    vkXmlElem *fw = vkXmlElemListFind(p->osExtra, "firmware");
    g_autoptr(GPtrArray) sorted = NULL;
    vkXmlElem *f;

    if (!fw)
        return;
    if (!p->osFirmware || !fw->children || !fw->children->len) {
        dropChildren(p->osExtra, "firmware");
        return;
    }
    if ((f = firmwareFeature(fw, "enrolled-keys")) &&
        g_strcmp0(vkXmlElemGetAttr(f, "enabled"), "yes") == 0 &&
        !firmwareFeature(fw, "secure-boot")) {
        f = g_new0(vkXmlElem, 1);
        f->name = g_strdup("feature");
        vkXmlElemSetAttr(f, "enabled", "yes");
        vkXmlElemSetAttr(f, "name", "secure-boot");
        g_ptr_array_add(fw->children, f);
    }
    sorted = g_ptr_array_new_with_free_func((GDestroyNotify)vkXmlElemFree);
    for (size_t k = 0; k < G_N_ELEMENTS(order); k++) {
        guint at;
        if ((f = firmwareFeature(fw, order[k])) && g_ptr_array_find(fw->children, f, &at))
            g_ptr_array_add(sorted, g_ptr_array_steal_index(fw->children, at));
    }
    while (fw->children->len)
        g_ptr_array_add(sorted, g_ptr_array_steal_index(fw->children, 0));
    g_ptr_array_unref(fw->children);
    fw->children = g_steal_pointer(&sorted);
    for (guint i = 0; i < fw->children->len; i++) {
        vkXmlElem *e = fw->children->pdata[i];
        g_autofree char *enabled = g_strdup(vkXmlElemGetAttr(e, "enabled"));
        g_autofree char *name = g_strdup(vkXmlElemGetAttr(e, "name"));

        if (!enabled || !name)
            continue;
        g_ptr_array_set_size(e->attrs, 0);
        vkXmlElemSetAttr(e, "enabled", enabled);
        vkXmlElemSetAttr(e, "name", name);
    }
}

void
vkDomainDefCanonicalRules(vkDomainDef *def)
{
    vkDomainDefPriv *p = def->priv;
    featureRules(p->features);
    firmwareRules(p);
    consolesAsSerials(def);
    numaDistances(p->cpu);
    /* a boot menu that is off has no timeout */
    for (guint i = 0; p->osExtra && i < p->osExtra->len; i++) {
        vkXmlElem *e = p->osExtra->pdata[i];
        if (strcmp(e->name, "bootmenu") == 0 &&
            g_strcmp0(vkXmlElemGetAttr(e, "enable"), "no") == 0)
            vkXmlElemRemoveAttr(e, "timeout");
    }
    for (int t = 0; t < VK_DOMAIN_DEVICE_LAST; t++) {
        for (guint i = 0; p->devs[t] && i < p->devs[t]->len; i++) {
            void *d = p->devs[t]->pdata[i];
            switch ((vkDomainDeviceType)t) {
            case VK_DOMAIN_DEVICE_DISK: diskRules(d); break;
            case VK_DOMAIN_DEVICE_NET: netRules(d); break;
            case VK_DOMAIN_DEVICE_FS: fsRules(d); break;
            case VK_DOMAIN_DEVICE_CHR: chrRules(d); break;
            case VK_DOMAIN_DEVICE_GRAPHICS: graphicsRules(d); break;
            case VK_DOMAIN_DEVICE_OTHER: otherRules(d); break;
            default: break;
            }
        }
    }
}

/* An s390 boot device's load parameter: up to 8 characters of
 * [A-Za-z0-9. ], stored upper case. */
int
vkDomainLoadparmParse(char *loadparm)
{
    size_t n = strlen(loadparm);

    for (char *c = loadparm; *c; c++)
        *c = g_ascii_toupper(*c);
    if (strspn(loadparm, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789. ") != n) {
        vkReportError(VIR_ERR_INTERNAL_ERROR,
                      "invalid loadparm value '%s', expecting chars in set of "
                      "[a-zA-Z0-9.] and blank spaces", loadparm);
        return -1;
    }
    if (n < 1 || n > 8) {
        vkReportError(VIR_ERR_INTERNAL_ERROR,
                      "loadparm value '%s' must be between 1 and 8 characters",
                      loadparm);
        return -1;
    }
    return 0;
}

/* ---- what a definition does not keep of a running domain's state ---- */

static void
dropIndexes(vkXmlElem *b)
{
    for (; b; b = vkXmlElemChild(b, "backingStore")) {
        vkXmlElemRemoveAttr(b, "index");
        vkXmlElemRemoveAttr(vkXmlElemChild(b, "source"), "index");
    }
}

void
vkDomainDeviceDropLive(vkDomainDeviceDef *dev)
{
    if (dev->type == VK_DOMAIN_DEVICE_DISK) {
        vkDomainDiskDef *d = dev->data.disk;

        /* backing chain indexes name a running domain's block nodes */
        vkXmlElemRemoveAttr(d->srcRest, "index");
        for (guint i = 0; d->extra && i < d->extra->len; i++) {
            vkXmlElem *e = d->extra->pdata[i];
            if (strcmp(e->name, "backingStore") == 0)
                dropIndexes(e);
        }
        /* labelskip records that a running domain's image was not
         * relabelled; with nothing else, the label says nothing */
        for (guint i = d->srcRest && d->srcRest->children ? d->srcRest->children->len : 0;
             i-- > 0;) {
            vkXmlElem *s = d->srcRest->children->pdata[i];
            if (strcmp(s->name, "seclabel") != 0 || !vkXmlElemGetAttr(s, "labelskip"))
                continue;
            vkXmlElemRemoveAttr(s, "labelskip");
            if (!(s->children && s->children->len) && !vkXmlElemGetAttr(s, "relabel"))
                g_ptr_array_remove_index(d->srcRest->children, i);
        }
    } else if (dev->type == VK_DOMAIN_DEVICE_NET) {
        /* the network port and its bridge exist while the guest runs */
        g_clear_pointer(&dev->data.net->portid, g_free);
        g_clear_pointer(&dev->data.net->liveBridge, g_free);
    } else if (dev->type == VK_DOMAIN_DEVICE_CHR) {
        /* whether the guest agent is connected */
        vkXmlElemRemoveAttr(dev->data.chr->target, "state");
    }
}

void
vkDomainDefDropLive(vkDomainDef *def)
{
    GPtrArray *top = def->priv->topExtra;

    /* the image label is chosen when the domain starts */
    for (guint i = 0; top && i < top->len; i++) {
        vkXmlElem *e = top->pdata[i];
        if (strcmp(e->name, "seclabel") == 0 && e->children)
            dropChildren(e->children, "imagelabel");
    }
}
