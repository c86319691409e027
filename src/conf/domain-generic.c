/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libvirt's generic post-parse rules for the parts of a definition that
 * virtkit keeps as element trees (cputune, numatune, <cpu><numa>, hostdevs,
 * character device sources): what libvirt fills in or rewrites whatever
 * the driver, so that a definition reads back as libvirt would give it.
 *
 * The one idea: these elements stay trees, and each rule rewrites the tree
 * into libvirt's canonical form once, at define; the formatter then writes
 * them as they are.  The rules are libvirt's behaviour as its own test
 * corpus shows it (tests/corpus), not its code.
 */
#include <stdlib.h>
#include <string.h>

#include "conf/cpuset.h"
#include "conf/domain-conf-priv.h"

/* Rewrites attribute name of e as a canonical list; a list that does not
 * parse is left for whoever uses it to refuse. */
static void
canonicalList(vkXmlElem *e, const char *name)
{
    const char *v = vkXmlElemGetAttr(e, name);
    g_autofree char *c = v ? vkCpusetCanonical(v) : NULL;

    if (c && *c)
        vkXmlElemSetAttr(e, name, c);
}

/* The list of attribute name, cut at limit; NULL when it does not parse. */
static guint8 *
listAttr(const vkXmlElem *e, const char *name, unsigned int limit)
{
    guint8 *bits = vkCpusetParse(vkXmlElemGetAttr(e, name));

    if (bits && limit <= VK_CPUSET_MAX)
        memset(bits + limit, 0, VK_CPUSET_MAX + 1 - limit);
    return bits;
}

static long
numAttr(const vkXmlElem *e, const char *name)
{
    const char *v = vkXmlElemGetAttr(e, name);

    return v ? strtol(v, NULL, 10) : -1;
}

/* The sort key of e: its numeric attribute attr, or where that number
 * stands in order's children (I/O threads go in <iothreadids> order). */
static long
rankOf(const vkXmlElem *e, const char *attr, const vkXmlElem *order)
{
    long v = numAttr(e, attr);

    for (guint i = 0; order && order->children && i < order->children->len; i++) {
        if (numAttr(order->children->pdata[i], "id") == v)
            return (long)i - G_MAXINT;
    }
    return v;
}

static gint
compareBy(const vkXmlElem *a, const vkXmlElem *b, const char *attr, const vkXmlElem *order)
{
    long x = rankOf(a, attr, order), y = rankOf(b, attr, order);

    return x < y ? -1 : x > y;
}

/* Stable sort of the children called name by their numeric attribute
 * key, leaving every other child where it is. */
static void
sortNamedBy(vkXmlElem *e, const char *name, const char *key, const vkXmlElem *order)
{
    GPtrArray *c = e->children;

    for (guint i = 1; c && i < c->len; i++) {
        vkXmlElem *x = c->pdata[i];
        guint j = i;

        if (strcmp(x->name, name) != 0)
            continue;
        /* move x back past the same-named children with a larger key */
        for (guint k = i; k-- > 0;) {
            vkXmlElem *y = c->pdata[k];
            if (strcmp(y->name, name) != 0)
                continue;
            if (compareBy(y, x, key, order) <= 0)
                break;
            j = k;
        }
        if (j != i) {
            g_ptr_array_steal_index(c, i);
            g_ptr_array_insert(c, (gint)j, x);
        }
    }
}

static void
sortNamed(vkXmlElem *e, const char *name, const char *key)
{
    sortNamedBy(e, name, key, NULL);
}

static vkXmlElem *
topElem(vkDomainDef *def, const char *name)
{
    for (guint i = 0; def->priv->topExtra && i < def->priv->topExtra->len; i++) {
        vkXmlElem *e = def->priv->topExtra->pdata[i];
        if (strcmp(e->name, name) == 0)
            return e;
    }
    return NULL;
}

/* ---- <cputune> ---- */

/* libvirt keeps a scheduler per vCPU (per I/O thread) and writes one
 * element for each, in vCPU order. */
static void
splitSched(vkXmlElem *tune, const char *name, const char *listName, unsigned int limit,
           const vkXmlElem *order)
{
    g_autoptr(GPtrArray) out = g_ptr_array_new();
    GPtrArray *c = tune->children;
    guint at = G_MAXUINT;

    for (guint i = 0; c && i < c->len;) {
        vkXmlElem *e = c->pdata[i];
        g_autofree guint8 *bits = NULL;

        if (strcmp(e->name, name) != 0 || !(bits = listAttr(e, listName, limit))) {
            i++;
            continue;
        }
        if (at == G_MAXUINT)
            at = i;
        for (unsigned int v = 0; v < limit && v <= VK_CPUSET_MAX; v++) {
            g_autofree char *num = NULL;
            vkXmlElem *one;
            if (!bits[v])
                continue;
            one = vkXmlElemCopy(e);
            num = g_strdup_printf("%u", v);
            vkXmlElemSetAttr(one, listName, num);
            g_ptr_array_add(out, one);
        }
        g_ptr_array_remove_index(c, i);    /* frees e */
    }
    if (at == G_MAXUINT)
        return;
    for (guint i = 0; i < out->len; i++)
        g_ptr_array_insert(c, (gint)(at + i), out->pdata[i]);
    g_ptr_array_set_size(out, 0);
    sortNamedBy(tune, name, listName, order);
}

/* cachetune and memorytune apply to the vCPUs the domain has: the list is
 * cut at the vCPU count, a tune left with none is dropped, and the id
 * libvirt gives a running domain's tune is not part of the definition. */
static void
resctrlTunes(vkXmlElem *tune, unsigned int nvcpus)
{
    GPtrArray *c = tune->children;
    static const char *const memOrder[] = { "node", "monitor", NULL };

    for (guint i = 0; c && i < c->len;) {
        vkXmlElem *e = c->pdata[i];
        g_autofree guint8 *bits = NULL;
        g_autofree char *list = NULL;

        if (strcmp(e->name, "cachetune") != 0 && strcmp(e->name, "memorytune") != 0) {
            i++;
            continue;
        }
        if (!(bits = listAttr(e, "vcpus", nvcpus))) {
            i++;
            continue;
        }
        list = vkCpusetFormat(bits, nvcpus);
        if (!*list) {
            g_ptr_array_remove_index(c, i);    /* frees e */
            continue;
        }
        vkXmlElemSetAttr(e, "vcpus", list);
        vkXmlElemRemoveAttr(e, "id");
        for (guint j = 0; e->children && j < e->children->len; j++)
            canonicalList(e->children->pdata[j], "vcpus");
        if (strcmp(e->name, "memorytune") == 0)
            vkXmlElemSortChildren(e, memOrder);
        i++;
    }
}

static void
cputuneRules(vkDomainDef *def, vkXmlElem *tune)
{
    unsigned int nvcpus = def->maxVcpus ? def->maxVcpus : 1;

    for (guint i = 0; tune->children && i < tune->children->len; i++) {
        vkXmlElem *e = tune->children->pdata[i];
        if (g_str_has_suffix(e->name, "pin"))
            canonicalList(e, "cpuset");
    }
    const vkXmlElem *ids = topElem(def, "iothreadids");

    sortNamed(tune, "vcpupin", "vcpu");
    sortNamedBy(tune, "iothreadpin", "iothread", ids);
    splitSched(tune, "vcpusched", "vcpus", nvcpus, NULL);
    splitSched(tune, "iothreadsched", "iothreads", VK_CPUSET_MAX + 1, ids);
    resctrlTunes(tune, nvcpus);
}

/* ---- NUMA ---- */

static void
numaCells(vkDomainCpuDef *cpu)
{
    for (guint i = 0; cpu && cpu->extra && i < cpu->extra->len; i++) {
        vkXmlElem *numa = cpu->extra->pdata[i];
        guint n = 0;

        if (strcmp(numa->name, "numa") != 0)
            continue;
        for (guint j = 0; numa->children && j < numa->children->len; j++) {
            vkXmlElem *cell = numa->children->pdata[j];
            if (strcmp(cell->name, "cell") != 0)
                continue;
            if (!vkXmlElemGetAttr(cell, "id")) {
                g_autofree char *id = g_strdup_printf("%u", n);
                vkXmlElemSetAttr(cell, "id", id);
            }
            canonicalList(cell, "cpus");
            n++;
        }
        sortNamed(numa, "cell", "id");
    }
}

static void
numatuneRules(vkXmlElem *tune)
{
    for (guint i = 0; tune->children && i < tune->children->len; i++)
        canonicalList(tune->children->pdata[i], "nodeset");
}

/* ---- character device sources ---- */

static vkXmlElem *
newElem(const char *name)
{
    vkXmlElem *e = g_new0(vkXmlElem, 1);

    e->name = g_strdup(name);
    return e;
}

/* A socket source without a mode connects; a UNIX socket without a path
 * is no source at all; UDP writes its bind end before its connect end. */
static void
chrSources(const char *type, GPtrArray *sources)
{
    bool udp = g_strcmp0(type, "udp") == 0;

    if (!sources || (!udp && g_strcmp0(type, "tcp") != 0 && g_strcmp0(type, "unix") != 0))
        return;
    for (guint i = 0; i < sources->len;) {
        vkXmlElem *s = sources->pdata[i];
        if (g_str_equal(type, "unix") && !vkXmlElemGetAttr(s, "path")) {
            g_ptr_array_remove_index(sources, i);
            continue;
        }
        if (!vkXmlElemGetAttr(s, "mode"))
            vkXmlElemSetAttr(s, "mode", "connect");
        i++;
    }
    if (udp && sources->len == 2 &&
        g_strcmp0(vkXmlElemGetAttr(sources->pdata[1], "mode"), "bind") == 0) {
        gpointer first = sources->pdata[0];
        sources->pdata[0] = sources->pdata[1];
        sources->pdata[1] = first;
    }
}

static void
chrRules(vkDomainChrDef *chr)
{
    chrSources(chr->type, chr->sources);
    /* only a TCP source has a wire protocol; libvirt forgets any other's */
    if (g_strcmp0(chr->type, "tcp") != 0)
        g_clear_pointer(&chr->protocol, vkXmlElemFree);
    if (g_strcmp0(chr->type, "tcp") == 0 && !chr->protocol) {
        chr->protocol = newElem("protocol");
        vkXmlElemSetAttr(chr->protocol, "type", "raw");
    }
}

/* The character device inside a kept device (smartcard, redirdev, an rng's
 * backend): the element's type names the kind of its <source>. */
static void
keptChrSources(vkXmlElem *e)
{
    const char *type = vkXmlElemGetAttr(e, "type");
    g_autoptr(GPtrArray) sources = NULL;

    for (guint i = 0; e->children && g_strcmp0(type, "tcp") != 0 && i < e->children->len;) {
        if (strcmp(((vkXmlElem *)e->children->pdata[i])->name, "protocol") == 0)
            g_ptr_array_remove_index(e->children, i);
        else
            i++;
    }
    if (!e->children || (g_strcmp0(type, "unix") != 0 && g_strcmp0(type, "tcp") != 0))
        return;
    sources = g_ptr_array_new();
    for (guint i = 0; i < e->children->len; i++) {
        vkXmlElem *c = e->children->pdata[i];
        if (strcmp(c->name, "source") == 0 && vkXmlElemGetAttr(c, "path"))
            g_ptr_array_add(sources, c);
        else if (strcmp(c->name, "source") == 0 && g_str_equal(type, "tcp"))
            g_ptr_array_add(sources, c);
    }
    for (guint i = 0; i < sources->len; i++) {
        if (!vkXmlElemGetAttr(sources->pdata[i], "mode"))
            vkXmlElemSetAttr(sources->pdata[i], "mode", "connect");
    }
}

/* ---- kept devices ---- */

static vkXmlElem *
addChild(vkXmlElem *parent, const char *name, guint at)
{
    vkXmlElem *c = newElem(name);

    if (!parent->children)
        parent->children = g_ptr_array_new_with_free_func((GDestroyNotify)vkXmlElemFree);
    g_ptr_array_insert(parent->children, (gint)MIN(at, parent->children->len), c);
    return c;
}

static void
otherDeviceRules(vkXmlElem *dev)
{
    if (strcmp(dev->name, "shmem") == 0) {
        if (!vkXmlElemChild(dev, "model"))
            vkXmlElemSetAttr(addChild(dev, "model", 0), "type", "ivshmem");
    } else if (strcmp(dev->name, "rng") == 0 && vkXmlElemChild(dev, "backend") &&
               g_strcmp0(vkXmlElemGetAttr(vkXmlElemChild(dev, "backend"), "model"), "random") == 0 &&
               !vkXmlElemChild(dev, "backend")->text) {
        vkXmlElemChild(dev, "backend")->text = g_strdup("/dev/random");
    }
    if (strcmp(dev->name, "hostdev") == 0) {
        g_autofree char *managed = g_strdup(vkXmlElemGetAttr(dev, "managed"));

        /* a subsystem device is managed='no' unless told, written after
         * its type (the model of an mdev follows) */
        if (g_strcmp0(vkXmlElemGetAttr(dev, "mode"), "capabilities") != 0 && dev->attrs) {
            guint at = 0;

            vkXmlElemRemoveAttr(dev, "managed");
            for (guint i = 0; i + 1 < dev->attrs->len && !at; i += 2)
                at = strcmp(dev->attrs->pdata[i], "type") == 0 ? i + 2 : 0;
            if (!at) {
                vkXmlElemSetAttr(dev, "managed", managed ?: "no");
            } else {
                g_ptr_array_insert(dev->attrs, (gint)at, g_strdup("managed"));
                g_ptr_array_insert(dev->attrs, (gint)at + 1, g_strdup(managed ?: "no"));
            }
        }
    } else if (strcmp(dev->name, "smartcard") == 0 || strcmp(dev->name, "redirdev") == 0) {
        keptChrSources(dev);
    } else if (strcmp(dev->name, "rng") == 0) {
        keptChrSources(vkXmlElemChild(dev, "backend") ?: dev);
    }
}

/* libvirt's default port of each network disk protocol (0: none). */
static const char *
defaultPort(const char *protocol)
{
    static const char *const ports[] = {
        "nbd", "10809", "iscsi", "3260", "gluster", "24007", "sheepdog", "7000",
        "http", "80", "https", "443", "ftp", "21", "ftps", "990", "tftp", "69",
        "ssh", "22", "vxhs", "9999", NULL,
    };

    for (guint i = 0; protocol && ports[i]; i += 2) {
        if (strcmp(ports[i], protocol) == 0)
            return ports[i + 1];
    }
    return NULL;
}

static void
diskRules(vkDomainDiskDef *d)
{
    const char *port = defaultPort(d->srcProtocol);

    for (guint i = 0; port && d->srcHosts && i < d->srcHosts->len; i++) {
        vkXmlElem *h = d->srcHosts->pdata[i];
        if (vkXmlElemGetAttr(h, "name") && !vkXmlElemGetAttr(h, "port") &&
            g_strcmp0(vkXmlElemGetAttr(h, "transport"), "unix") != 0)
            vkXmlElemSetAttr(h, "port", port);
    }
}

/* <iothreads>N</iothreads> with fewer <iothread id=''> than N: the
 * missing ones take the lowest free ids, after the given ones. */
static void
iothreadIds(vkDomainDefPriv *p)
{
    vkXmlElem *count = NULL, *ids = NULL;
    long n, have;

    for (guint i = 0; p->topExtra && i < p->topExtra->len; i++) {
        vkXmlElem *e = p->topExtra->pdata[i];
        if (strcmp(e->name, "iothreads") == 0)
            count = e;
        else if (strcmp(e->name, "iothreadids") == 0)
            ids = e;
    }
    if (!count || !ids || !count->text || (n = strtol(count->text, NULL, 10)) <= 0 ||
        n > VK_CPUSET_MAX)
        return;
    have = ids->children ? (long)ids->children->len : 0;
    for (long id = 1; have < n; id++) {
        bool used = false;
        for (guint i = 0; ids->children && i < ids->children->len; i++)
            used |= numAttr(ids->children->pdata[i], "id") == id;
        if (!used) {
            g_autofree char *v = g_strdup_printf("%ld", id);
            vkXmlElemSetAttr(addChild(ids, "iothread", G_MAXUINT), "id", v);
            have++;
        }
    }
}

static void
featureRules(vkDomainDefPriv *p)
{
    for (guint i = 0; p->features && i < p->features->len; i++) {
        vkXmlElem *f = p->features->pdata[i];
        if (strcmp(f->name, "hyperv") == 0 && !vkXmlElemGetAttr(f, "mode"))
            vkXmlElemSetAttr(f, "mode", "custom");
    }
}

/* Automatic (numad) placement of vCPUs and of memory go together: each
 * implies the other unless the definition pins it, and an automatic
 * memory placement has no nodeset of its own. */
static void
numaPlacement(vkDomainDef *def)
{
    vkDomainDefPriv *p = def->priv;
    vkXmlElem *tune = NULL, *mem;
    bool pinned = p->cpuset != NULL;

    for (guint i = 0; p->topExtra && i < p->topExtra->len; i++) {
        vkXmlElem *e = p->topExtra->pdata[i];
        if (strcmp(e->name, "numatune") == 0)
            tune = e;
        else if (strcmp(e->name, "cputune") == 0)
            pinned |= vkXmlElemChild(e, "vcpupin") || vkXmlElemChild(e, "emulatorpin") ||
                      vkXmlElemChild(e, "iothreadpin");
    }
    if (!tune && p->placementAuto) {
        tune = newElem("numatune");
        if (!p->topExtra)
            p->topExtra = g_ptr_array_new_with_free_func((GDestroyNotify)vkXmlElemFree);
        g_ptr_array_add(p->topExtra, tune);
        mem = addChild(tune, "memory", 0);
        vkXmlElemSetAttr(mem, "mode", "strict");
    }
    if (!(mem = vkXmlElemChild(tune, "memory")))
        return;
    if (!vkXmlElemGetAttr(mem, "placement") && !vkXmlElemGetAttr(mem, "nodeset") &&
        p->placementAuto)
        vkXmlElemSetAttr(mem, "placement", "auto");
    if (g_strcmp0(vkXmlElemGetAttr(mem, "placement"), "auto") == 0) {
        vkXmlElemRemoveAttr(mem, "nodeset");
        if (!pinned)
            p->placementAuto = true;
    }
}

/* The primary video device is the first one libvirt writes. */
static void
primaryVideoFirst(GPtrArray *videos)
{
    for (guint i = 1; videos && i < videos->len; i++) {
        vkDomainVideoDef *v = videos->pdata[i];
        if (v->primary) {
            g_ptr_array_steal_index(videos, i);
            g_ptr_array_insert(videos, 0, v);
            return;
        }
    }
}

void
vkDomainDefGenericRules(vkDomainDef *def)
{
    vkDomainDefPriv *p = def->priv;
    GPtrArray *a;

    if (p->cpuset) {
        g_autofree char *c = vkCpusetCanonical(p->cpuset);
        if (c && *c) {
            g_free(p->cpuset);
            p->cpuset = g_steal_pointer(&c);
        }
    }
    iothreadIds(p);
    numaPlacement(def);
    for (guint i = 0; p->topExtra && i < p->topExtra->len; i++) {
        vkXmlElem *e = p->topExtra->pdata[i];
        if (strcmp(e->name, "cputune") == 0)
            cputuneRules(def, e);
        else if (strcmp(e->name, "numatune") == 0)
            numatuneRules(e);
    }
    numaCells(p->cpu);
    vkDomainDefScaledRules(def);
    featureRules(p);
    primaryVideoFirst(p->devs[VK_DOMAIN_DEVICE_VIDEO]);
    if ((a = p->devs[VK_DOMAIN_DEVICE_DISK])) {
        for (guint i = 0; i < a->len; i++)
            diskRules(a->pdata[i]);
    }
    if ((a = p->devs[VK_DOMAIN_DEVICE_CHR])) {
        for (guint i = 0; i < a->len; i++)
            chrRules(a->pdata[i]);
    }
    if ((a = p->devs[VK_DOMAIN_DEVICE_OTHER])) {
        for (guint i = 0; i < a->len; i++)
            otherDeviceRules(a->pdata[i]);
    }
}

/* ---- generic checks libvirt makes at define ---- */

#define VIR_FROM_THIS VIR_FROM_DOMAIN
#include "util/error.h"

static vkXmlElem *
addressOf(vkXmlElem *dev)
{
    return vkXmlElemChild(dev, "address");
}

static int
checkPCIAddress(const vkXmlElem *a)
{
    static const struct { const char *name; unsigned long max; const char *fmt; } lim[] = {
        { "bus", 0xff, "Invalid PCI address bus='%s', must be <= 0xFF" },
        { "slot", 0x1f, "Invalid PCI address slot='%s', must be <= 0x1F" },
        { "function", 7, "Invalid PCI address function=%s, must be <= 7" },
    };

    if (!a || g_strcmp0(vkXmlElemGetAttr(a, "type"), "pci") != 0)
        return 0;
    for (guint i = 0; i < G_N_ELEMENTS(lim); i++) {
        const char *v = vkXmlElemGetAttr(a, lim[i].name);
        if (v && strtoul(v, NULL, 0) > lim[i].max) {
            vkReportErrorFull(VIR_FROM_NONE, VIR_ERR_XML_ERROR, __FILE__, __func__, __LINE__,
                              lim[i].fmt, v);
            return -1;
        }
    }
    return 0;
}

static int
checkAddresses(vkDomainDef *def)
{
    vkDomainDefPriv *p = def->priv;
    GPtrArray *a;

    for (int t = 0; t < VK_DOMAIN_DEVICE_LAST; t++) {
        if (!(a = p->devs[t]))
            continue;
        for (guint i = 0; i < a->len; i++) {
            const vkXmlElem *addr = NULL;
            switch ((vkDomainDeviceType)t) {
            case VK_DOMAIN_DEVICE_DISK: addr = ((vkDomainDiskDef *)a->pdata[i])->address; break;
            case VK_DOMAIN_DEVICE_CONTROLLER:
                addr = ((vkDomainControllerDef *)a->pdata[i])->address;
                break;
            case VK_DOMAIN_DEVICE_FS: addr = ((vkDomainFSDef *)a->pdata[i])->address; break;
            case VK_DOMAIN_DEVICE_NET: addr = ((vkDomainNetDef *)a->pdata[i])->address; break;
            case VK_DOMAIN_DEVICE_CHR: addr = ((vkDomainChrDef *)a->pdata[i])->address; break;
            case VK_DOMAIN_DEVICE_INPUT: addr = ((vkDomainInputDef *)a->pdata[i])->address; break;
            case VK_DOMAIN_DEVICE_VIDEO: addr = ((vkDomainVideoDef *)a->pdata[i])->address; break;
            case VK_DOMAIN_DEVICE_OTHER: addr = addressOf(a->pdata[i]); break;
            case VK_DOMAIN_DEVICE_GRAPHICS:
            case VK_DOMAIN_DEVICE_LAST:
                break;
            }
            if (checkPCIAddress(addr) < 0 || vkDomainUsbAddressCheck(addr) < 0 ||
                vkDomainCcwAddressCheck(addr) < 0)
                return -1;
        }
    }
    return 0;
}

static int
checkDisks(vkDomainDef *def)
{
    GPtrArray *a = def->priv->devs[VK_DOMAIN_DEVICE_DISK];
    static const char *const driveBuses[] = { "ide", "fdc", "sata", "scsi", NULL };

    for (guint i = 0; a && i < a->len; i++) {
        vkDomainDiskDef *d = a->pdata[i];
        const char *t = vkXmlElemGetAttr(d->address, "type");
        if (d->bus && t && g_strv_contains(driveBuses, d->bus) && strcmp(t, "drive") != 0) {
            vkReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                          "Invalid address type '%s' for the disk '%s' with the bus type '%s'",
                          t, d->dst, d->bus);
            return -1;
        }
    }
    return 0;
}

static bool
hasChild(const vkXmlElem *e, const char *name)
{
    return vkXmlElemChild(e, name) != NULL;
}

static int
checkControllers(vkDomainDef *def)
{
    GPtrArray *a = def->priv->devs[VK_DOMAIN_DEVICE_CONTROLLER];

    for (guint i = 0; a && i < a->len; i++) {
        vkDomainControllerDef *c = a->pdata[i];
        for (guint j = 0; j < i; j++) {
            vkDomainControllerDef *o = a->pdata[j];
            /* USB companion controllers share their master's index */
            if (strcmp(c->type, o->type) != 0 || c->idx != o->idx || c->idx < 0 ||
                g_str_equal(c->type, "usb"))
                continue;
            vkReportError(VIR_ERR_XML_ERROR, "Multiple '%s' controllers with index '%d'",
                          c->type, c->idx);
            return -1;
        }
    }
    return 0;
}

/* A UNIX socket chardev needs its path, except a virtio channel's, which
 * the hypervisor driver makes up. */
static bool
unixWithoutPath(const char *type, const GPtrArray *sources)
{
    if (g_strcmp0(type, "unix") != 0)
        return false;
    for (guint i = 0; sources && i < sources->len; i++) {
        if (vkXmlElemGetAttr(sources->pdata[i], "path"))
            return false;
    }
    return true;
}

static int
checkChardevs(vkDomainDef *def)
{
    GPtrArray *others = def->priv->devs[VK_DOMAIN_DEVICE_OTHER];
    bool bad = false;

    /* the chardevs themselves: domain-chr-check.c */
    for (guint i = 0; others && i < others->len && !bad; i++) {
        vkXmlElem *be = vkXmlElemChild(others->pdata[i], "backend");
        g_autoptr(GPtrArray) srcs = g_ptr_array_new();

        if (strcmp(((vkXmlElem *)others->pdata[i])->name, "rng") != 0 || !be ||
            g_strcmp0(vkXmlElemGetAttr(be, "model"), "egd") != 0)
            continue;
        for (guint j = 0; be->children && j < be->children->len; j++) {
            if (strcmp(((vkXmlElem *)be->children->pdata[j])->name, "source") == 0)
                g_ptr_array_add(srcs, be->children->pdata[j]);
        }
        bad = unixWithoutPath(vkXmlElemGetAttr(be, "type"), srcs);
    }
    if (bad) {
        vkReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                      "Missing source path attribute for char device");
        return -1;
    }
    return 0;
}

static int
checkVideos(vkDomainDef *def)
{
    GPtrArray *a = def->priv->devs[VK_DOMAIN_DEVICE_VIDEO];
    int primaries = 0;

    for (guint i = 0; a && i < a->len; i++)
        primaries += ((vkDomainVideoDef *)a->pdata[i])->primary;
    if (primaries > 1) {
        vkReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                      "Only one primary video device is supported");
        return -1;
    }
    return 0;
}

/* Two subsystem hostdevs with the same source are one device twice. */
static int
checkHostdevs(vkDomainDef *def)
{
    GPtrArray *a = def->priv->devs[VK_DOMAIN_DEVICE_OTHER];

    for (guint i = 0; a && i < a->len; i++) {
        vkXmlElem *h = a->pdata[i];
        if (strcmp(h->name, "hostdev") != 0 || !hasChild(h, "source"))
            continue;
        for (guint j = 0; j < i; j++) {
            vkXmlElem *o = a->pdata[j];
            if (strcmp(o->name, "hostdev") == 0 &&
                g_strcmp0(vkXmlElemGetAttr(o, "type"), vkXmlElemGetAttr(h, "type")) == 0 &&
                vkXmlElemEqual(vkXmlElemChild(o, "source"), vkXmlElemChild(h, "source"))) {
                vkReportError(VIR_ERR_XML_ERROR, "%s",
                              "Hostdev already exists in the domain configuration");
                return -1;
            }
        }
    }
    return 0;
}

/* iothreadpin and iothreadsched name threads the domain has. */
static bool
iothreadExists(vkDomainDef *def, long id)
{
    vkXmlElem *ids = topElem(def, "iothreadids"), *n = topElem(def, "iothreads");

    if (ids && ids->children && ids->children->len) {
        for (guint i = 0; i < ids->children->len; i++) {
            if (numAttr(ids->children->pdata[i], "id") == id)
                return true;
        }
        return false;
    }
    return n && n->text && id >= 1 && id <= strtol(n->text, NULL, 10);
}

static int
checkIothreads(vkDomainDef *def)
{
    vkXmlElem *tune = topElem(def, "cputune");

    iothreadIds(def->priv);     /* the ids libvirt fills in count */
    for (guint i = 0; tune && tune->children && i < tune->children->len; i++) {
        vkXmlElem *e = tune->children->pdata[i];
        g_autofree guint8 *bits = NULL;

        if (strcmp(e->name, "iothreadsched") == 0)
            bits = vkCpusetParse(vkXmlElemGetAttr(e, "iothreads"));
        else if (strcmp(e->name, "iothreadpin") == 0)
            bits = vkCpusetParse(vkXmlElemGetAttr(e, "iothread"));
        for (unsigned int id = 0; bits && id <= VK_CPUSET_MAX; id++) {
            if (bits[id] && !iothreadExists(def, id)) {
                vkReportError(VIR_ERR_CONFIG_UNSUPPORTED, "Cannot find 'iothread' : %u", id);
                return -1;
            }
        }
    }
    return 0;
}

int
vkDomainDefGenericValidate(vkDomainDef *def)
{
    if (checkAddresses(def) < 0 || checkDisks(def) < 0 || checkControllers(def) < 0 ||
        checkChardevs(def) < 0 || checkVideos(def) < 0 || checkHostdevs(def) < 0 ||
        checkIothreads(def) < 0 || vkDomainDefValidateMore(def) < 0)
        return -1;
    return 0;
}
