/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Sizes inside kept elements, written back in libvirt's unit.
 *
 * libvirt reads every size (a memtune limit, a huge page, a NUMA cell,
 * the SMM TSEG, an ivshmem region, ...) into one number of its own unit
 * and writes that number with the unit it always uses for the element:
 * <pcihole64 unit='GiB'>1</pcihole64> comes back as 1048576 KiB.  virtkit
 * keeps these elements as trees, so each is rewritten once after parsing
 * for each (where, libvirt's default unit, libvirt's output unit; the
 * TSEG takes the largest unit that divides it).
 * A value that is not a valid size is left as written.
 */
#include <string.h>

#include "conf/domain-conf-priv.h"

typedef struct {
    const char *name;           /* output unit, as libvirt spells it */
    unsigned long long bytes;
    bool roundUp;               /* KiB sizes round up, larger ones down */
} outUnit;

static const outUnit BYTES = { "bytes", 1, false };
static const outUnit KIB = { "KiB", 1024, true };
static const outUnit PRETTY = { NULL, 0, false };
static const outUnit MIB_SHMEM = { "M", 1024 * 1024, false };

static bool
rescale(const char *num, const char *unit, unsigned long long dflt, const outUnit *out,
        char **value, const char **outName)
{
    unsigned long long bytes, v;

    if (vkConfScaleToBytes(num, unit, dflt, &bytes) < 0)
        return false;
    if (!out->bytes) {
        /* the largest binary unit that divides the size exactly */
        static const char *const names[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
        size_t n = 0;

        while (bytes && bytes % 1024 == 0 && n + 1 < G_N_ELEMENTS(names)) {
            bytes /= 1024;
            n++;
        }
        *value = g_strdup_printf("%llu", bytes);
        *outName = names[n];
        return true;
    }
    *outName = out->name;
    v = bytes / out->bytes;
    if (out->roundUp && bytes % out->bytes)
        v++;
    *value = g_strdup_printf("%llu", v);
    return true;
}

/* <name unit=''>N</name> */
static void
textSize(vkXmlElem *e, unsigned long long dflt, const outUnit *out)
{
    g_autofree char *v = NULL;
    const char *name;

    if (!e || !rescale(e->text, vkXmlElemGetAttr(e, "unit"), dflt, out, &v, &name))
        return;
    g_free(e->text);
    e->text = g_steal_pointer(&v);
    vkXmlElemSetAttr(e, "unit", name);
}

/* <name attr='N' unit=''/> */
static void
attrSize(vkXmlElem *e, const char *attr, unsigned long long dflt, const outUnit *out)
{
    g_autofree char *v = NULL;
    const char *name;

    if (!rescale(vkXmlElemGetAttr(e, attr), vkXmlElemGetAttr(e, "unit"), dflt, out, &v, &name))
        return;
    vkXmlElemSetAttr(e, attr, v);
    vkXmlElemSetAttr(e, "unit", name);
}

static void
eachChild(vkXmlElem *e, const char *name, void (*fn)(vkXmlElem *))
{
    for (guint i = 0; e && e->children && i < e->children->len; i++) {
        vkXmlElem *c = e->children->pdata[i];
        if (strcmp(c->name, name) == 0)
            fn(c);
    }
}

static void
memtuneLimit(vkXmlElem *e)
{
    textSize(e, 1024, &KIB);
}

/* libvirt's "unlimited" (2^53 - 1 KiB): a limit at or above it is no
 * limit, and is not written. */
#define MEMORY_UNLIMITED_KIB 9007199254740991ULL

static void
memtune(vkXmlElem *tune)
{
    static const char *const limits[] = { "hard_limit", "soft_limit", "swap_hard_limit",
                                          "min_guarantee" };

    for (size_t i = 0; i < G_N_ELEMENTS(limits); i++)
        eachChild(tune, limits[i], memtuneLimit);
    for (guint i = 0; tune->children && i < tune->children->len;) {
        vkXmlElem *c = tune->children->pdata[i];
        if (g_strcmp0(vkXmlElemGetAttr(c, "unit"), "KiB") == 0 && c->text &&
            g_ascii_strtoull(c->text, NULL, 10) >= MEMORY_UNLIMITED_KIB)
            g_ptr_array_remove_index(tune->children, i);
        else
            i++;
    }
}

static void
hugePage(vkXmlElem *page)
{
    attrSize(page, "size", 1024, &KIB);
}

static void
hugepages(vkXmlElem *backing)
{
    for (guint i = 0; backing->children && i < backing->children->len; i++) {
        vkXmlElem *c = backing->children->pdata[i];
        if (strcmp(c->name, "hugepages") == 0)
            eachChild(c, "page", hugePage);
    }
}

static void
numaCell(vkXmlElem *cell)
{
    attrSize(cell, "memory", 1024, &KIB);
}

static void
features(GPtrArray *list)
{
    for (guint i = 0; list && i < list->len; i++) {
        vkXmlElem *f = list->pdata[i];
        for (guint j = 0; f->children && j < f->children->len; j++) {
            vkXmlElem *c = f->children->pdata[j];
            if (strcmp(f->name, "hpt") == 0 && strcmp(c->name, "maxpagesize") == 0)
                textSize(c, 1024, &KIB);
            else if (strcmp(f->name, "smm") == 0 && strcmp(c->name, "tseg") == 0)
                textSize(c, 1024 * 1024, &PRETTY);
        }
    }
}

/* <metadata_cache><max_size/> of a disk's <driver>, at any depth of
 * backing chain. */
static void
metadataCache(vkXmlElem *e)
{
    for (guint i = 0; e && e->children && i < e->children->len; i++) {
        vkXmlElem *c = e->children->pdata[i];
        if (strcmp(c->name, "metadata_cache") == 0) {
            for (guint j = 0; c->children && j < c->children->len; j++) {
                if (strcmp(((vkXmlElem *)c->children->pdata[j])->name, "max_size") == 0)
                    textSize(c->children->pdata[j], 1, &BYTES);
            }
        } else {
            metadataCache(c);
        }
    }
}

static void
devices(vkDomainDefPriv *p)
{
    GPtrArray *a;

    if ((a = p->devs[VK_DOMAIN_DEVICE_DISK])) {
        for (guint i = 0; i < a->len; i++) {
            vkDomainDiskDef *d = a->pdata[i];
            metadataCache(d->driverRest);
            for (guint j = 0; d->extra && j < d->extra->len; j++)
                metadataCache(d->extra->pdata[j]);
        }
    }
    if ((a = p->devs[VK_DOMAIN_DEVICE_CONTROLLER])) {
        for (guint i = 0; i < a->len; i++) {
            vkDomainControllerDef *c = a->pdata[i];
            for (guint j = 0; c->extra && j < c->extra->len; j++) {
                if (strcmp(((vkXmlElem *)c->extra->pdata[j])->name, "pcihole64") == 0)
                    textSize(c->extra->pdata[j], 1024, &KIB);
            }
        }
    }
    if ((a = p->devs[VK_DOMAIN_DEVICE_OTHER])) {
        for (guint i = 0; i < a->len; i++) {
            vkXmlElem *e = a->pdata[i];
            for (guint j = 0; strcmp(e->name, "shmem") == 0 && e->children &&
                              j < e->children->len; j++) {
                if (strcmp(((vkXmlElem *)e->children->pdata[j])->name, "size") == 0)
                    textSize(e->children->pdata[j], 1, &MIB_SHMEM);
            }
        }
    }
}

void
vkDomainDefScaledRules(vkDomainDef *def)
{
    vkDomainDefPriv *p = def->priv;

    for (guint i = 0; p->topExtra && i < p->topExtra->len;) {
        vkXmlElem *e = p->topExtra->pdata[i];
        if (strcmp(e->name, "memtune") == 0) {
            memtune(e);
            if (!e->children || !e->children->len) {
                /* nothing but unlimited limits: libvirt writes no <memtune> */
                g_ptr_array_remove_index(p->topExtra, i);
                continue;
            }
        } else if (strcmp(e->name, "memoryBacking") == 0) {
            hugepages(e);
        }
        i++;
    }
    for (guint i = 0; p->cpu && p->cpu->extra && i < p->cpu->extra->len; i++) {
        vkXmlElem *e = p->cpu->extra->pdata[i];
        if (strcmp(e->name, "numa") == 0)
            eachChild(e, "cell", numaCell);
    }
    features(p->features);
    devices(p);
}
