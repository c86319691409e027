/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Post-parse defaults of the QEMU driver: the platform: machine, CPU, clock, features, firmware.
 *
 * What libvirt 9.0 writes into a persisted x86 definition, measured by
 * defining into its qemu:///embed driver and dumping: the CPU a guest gets
 * when it names none (the machine's default model, never compared with
 * the host's under TCG), the check level each CPU mode implies, and the
 * <features> in libvirt's canonical order with <hyperv mode='custom'>.
 * Persisting them means a later QEMU with another default still gives
 * the guest the same CPU.
 */
#include <string.h>

#include "drivers/qemu/command-priv.h"
#include "drivers/qemu/defaults-priv.h"
#define VIR_FROM_THIS VIR_FROM_QEMU
#include "util/error.h"

/* The CPU model QEMU's pc and q35 machines use when none is given. */
/* ... and for a 32-bit guest (arch i686). */
#define DEFAULT_CPU_MODEL "qemu64"
#define DEFAULT_CPU_MODEL_32 "qemu32"

/* The default CPU is the emulator binary's (libvirt asks it): a 32-bit
 * guest run by qemu-system-x86_64 gets that binary's qemu64. */
static bool
cpu32(const vkDomainDef *def)
{
    if (def->emulator && g_str_has_suffix(def->emulator, "/qemu-system-x86_64"))
        return false;
    if (def->emulator && g_str_has_suffix(def->emulator, "/qemu-system-i386"))
        return true;
    return g_strcmp0(def->osArch, "i686") == 0;
}

static void
defaultCpu(vkDomainDef *def)
{
    vkDomainCpuDef *cpu = def->priv->cpu;
    bool tcg = g_strcmp0(def->virtType, "kvm") != 0;

    if (!cpu)
        cpu = def->priv->cpu = g_new0(vkDomainCpuDef, 1);
    if (!cpu->mode)
        cpu->mode = g_strdup("custom");
    if (strcmp(cpu->mode, "custom") == 0) {
        if (!cpu->model) {
            cpu->model = g_strdup(cpu32(def) ? DEFAULT_CPU_MODEL_32 : DEFAULT_CPU_MODEL);
            g_free(cpu->modelFallback);
            cpu->modelFallback = g_strdup("forbid");
        }
        if (!cpu->match)
            cpu->match = g_strdup("exact");
        if (!cpu->modelFallback)
            cpu->modelFallback = g_strdup("allow");
    }
    /* libvirt 9.0 fills this for a passed-through host CPU only */
    if (strcmp(cpu->mode, "host-passthrough") == 0 && !cpu->migratable)
        cpu->migratable = g_strdup("on");
    if (cpu->check)
        return;
    /* libvirt compares a custom CPU with the host's only where the host's
     * CPU runs it (KVM); a TCG guest's CPU is emulated whatever it is. */
    if (strcmp(cpu->mode, "host-model") == 0)
        cpu->check = g_strdup("partial");
    else if (strcmp(cpu->mode, "custom") == 0)
        cpu->check = g_strdup(tcg ? "none" : "partial");
    else
        cpu->check = g_strdup("none");
}

/* libvirt's order of <features> children (its enum), which its formatter
 * follows whatever order the input had. */
static const char *const featureOrder[] = {
    "acpi", "apic", "pae", "hap", "viridian", "privnet", "hyperv", "kvm",
    "pvspinlock", "capabilities", "pmu", "vmport", "gic", "smm", "ioapic",
    "hpt", "vmcoreinfo", "htm", "nested-hv", "msrs", "ccf-assist", "xen",
    "cfpc", "sbbc", "ibs", "tcg", "async-teardown", NULL,
};

static int
featureRank(const vkXmlElem *e)
{
    int i;

    for (i = 0; featureOrder[i]; i++) {
        if (strcmp(featureOrder[i], e->name) == 0)
            return i;
    }
    return i;   /* unknown ones last, in their order (refused later) */
}

static gint
featureCmp(gconstpointer a, gconstpointer b)
{
    return featureRank(*(vkXmlElem *const *)a) - featureRank(*(vkXmlElem *const *)b);
}

static const char *const onWhenPresent[] = {
    "pvspinlock", "pmu", "vmport", "smm", "vmcoreinfo", NULL,
};

static int
hypervRank(const vkXmlElem *e)
{
    int i;

    for (i = 0; vkQemuHypervFeatures[i]; i++) {
        if (strcmp(vkQemuHypervFeatures[i], e->name) == 0)
            return i;
    }
    return i;
}

static gint
hypervCmp(gconstpointer a, gconstpointer b)
{
    return hypervRank(*(vkXmlElem *const *)a) - hypervRank(*(vkXmlElem *const *)b);
}

static void
canonicalFeatures(vkDomainDef *def)
{
    GPtrArray *f = def->priv->features;

    if (!f)
        return;
    /* g_ptr_array_sort is stable since GLib 2.76 only; with distinct
     * names per feature (libvirt keeps one of each) order is total. */
    g_ptr_array_sort(f, featureCmp);
    for (guint i = 0; i < f->len; i++) {
        vkXmlElem *e = f->pdata[i];

        /* these switch on by being there, and libvirt writes so */
        if (g_strv_contains(onWhenPresent, e->name) && !vkXmlElemGetAttr(e, "state"))
            vkXmlElemSetAttr(e, "state", "on");
        if (strcmp(e->name, "hyperv") != 0)
            continue;
        if (!vkXmlElemGetAttr(e, "mode"))
            vkXmlElemSetAttr(e, "mode", "custom");
        if (e->children)
            g_ptr_array_sort(e->children, hypervCmp);
    }
}

/* An element's attributes in the order libvirt writes them (order[]),
 * any others after them as they were. */
void
vkQemuDefaultsAttrOrder(vkXmlElem *e, const char *const *order)
{
    GPtrArray *sorted;

    if (!e->attrs)
        return;
    sorted = g_ptr_array_new_with_free_func(g_free);
    for (size_t k = 0; order[k]; k++) {
        const char *v = vkXmlElemGetAttr(e, order[k]);

        if (v) {
            g_ptr_array_add(sorted, g_strdup(order[k]));
            g_ptr_array_add(sorted, g_strdup(v));
        }
    }
    for (guint i = 0; i + 1 < e->attrs->len; i += 2) {
        if (!g_strv_contains(order, e->attrs->pdata[i])) {
            g_ptr_array_add(sorted, g_strdup(e->attrs->pdata[i]));
            g_ptr_array_add(sorted, g_strdup(e->attrs->pdata[i + 1]));
        }
    }
    g_ptr_array_unref(e->attrs);
    e->attrs = sorted;
}

static const char *const cellAttrs[] = {
    "id", "cpus", "memory", "unit", "discard", "memAccess", NULL,
};
static const char *const loaderAttrs[] = {
    "readonly", "secure", "type", "stateless", NULL,
};

static gint
cellCmp(gconstpointer a, gconstpointer b)
{
    const vkXmlElem *x = *(vkXmlElem *const *)a;
    const vkXmlElem *y = *(vkXmlElem *const *)b;
    guint64 ix = g_ascii_strtoull(vkXmlElemGetAttr(x, "id"), NULL, 10);
    guint64 iy = g_ascii_strtoull(vkXmlElemGetAttr(y, "id"), NULL, 10);

    return ix < iy ? -1 : ix > iy;
}

/* NUMA cells: sizes in KiB, and the guest's memory is their sum, as
 * libvirt has it (a cell's memory is what QEMU allocates). */
static unsigned long long
numaMemory(vkDomainDef *def)
{
    vkDomainCpuDef *cpu = def->priv->cpu;
    unsigned long long total = 0;
    vkXmlElem *numa = NULL;

    for (guint i = 0; cpu && cpu->extra && i < cpu->extra->len; i++) {
        if (strcmp(((vkXmlElem *)cpu->extra->pdata[i])->name, "numa") == 0)
            numa = cpu->extra->pdata[i];
    }
    for (guint i = 0; numa && numa->children && i < numa->children->len; i++) {
        vkXmlElem *cell = numa->children->pdata[i];
        unsigned long long kib = 0;
        g_autofree char *num = NULL;

        if (strcmp(cell->name, "cell") == 0 && !vkXmlElemGetAttr(cell, "id")) {
            /* libvirt numbers cells without an id in document order */
            g_autofree char *id = g_strdup_printf("%u", i);

            vkXmlElemSetAttr(cell, "id", id);
        }
        if (strcmp(cell->name, "cell") != 0 ||
            vkConfScaleToKiB(vkXmlElemGetAttr(cell, "memory"),
                             vkXmlElemGetAttr(cell, "unit"), &kib) < 0)
            return 0;   /* the argv builder refuses it, naming the cell */
        num = g_strdup_printf("%llu", kib);
        vkXmlElemSetAttr(cell, "memory", num);
        vkXmlElemSetAttr(cell, "unit", "KiB");
        vkQemuDefaultsAttrOrder(cell, cellAttrs);
        total += kib;
    }
    /* libvirt keeps the cells by id, whatever their order in the document
     * (the argv builder then checks the ids are 0, 1, ...) */
    if (numa && numa->children)
        g_ptr_array_sort(numa->children, cellCmp);
    return total;
}

/* The sizes of the <memory> devices (DIMMs, NVDIMMs, virtio-mem...) in
 * KiB; one whose size does not parse counts 0 (the argv builder names it). */
static unsigned long long
hotplugMemory(vkDomainDef *def)
{
    GPtrArray *o = vkDomainDevList(def, VK_DOMAIN_DEVICE_OTHER);
    unsigned long long total = 0;

    for (guint i = 0; o && i < o->len; i++) {
        const vkXmlElem *e = o->pdata[i];
        const vkXmlElem *size = vkQemuCmdChild(vkQemuCmdChild(e, "target"), "size");
        unsigned long long kib = 0;

        if (strcmp(e->name, "memory") == 0 && size && size->text &&
            vkConfScaleToKiB(size->text, vkXmlElemGetAttr(size, "unit"), &kib) == 0)
            total += kib;
    }
    return total;
}

/* <memory> is the guest's total: with NUMA cells libvirt recomputes it as
 * the cells plus the memory devices (a define may update the ABI); without
 * cells it is kept, and the devices must fit in it. */
static int
totalMemory(vkDomainDef *def)
{
    unsigned long long cells = numaMemory(def);
    unsigned long long devices = hotplugMemory(def);

    if (cells) {
        def->maxMemory = cells + devices;
    } else if (devices > def->maxMemory) {
        vkReportError(VIR_ERR_XML_ERROR, "%s",
                      "Total size of memory devices exceeds the total memory size");
        return -1;
    }
    /* an absent <currentMemory> follows the total, as in libvirt */
    if (!def->currentMemory || def->currentMemory > def->maxMemory || def->currentMemoryFilled)
        def->currentMemory = def->maxMemory;
    return 0;
}

/* A loader named by path with no firmware to select, no type and no
 * NVRAM is a ROM image (QEMU's -bios), and libvirt writes it so. */
static void
defaultLoaderType(vkDomainDef *def)
{
    vkDomainDefPriv *p = def->priv;

    if (!def->loader || p->osFirmware || (p->loader && vkXmlElemGetAttr(p->loader, "type")))
        return;
    for (guint i = 0; p->osExtra && i < p->osExtra->len; i++) {
        if (strcmp(((vkXmlElem *)p->osExtra->pdata[i])->name, "nvram") == 0)
            return;
    }
    if (!p->loader) {
        p->loader = g_new0(vkXmlElem, 1);
        p->loader->name = g_strdup("loader");
    }
    vkXmlElemSetAttr(p->loader, "type", "rom");
}

int
vkQemuDefaultsMachine(vkDomainDef *def)
{
    vkDomainDefPriv *p = def->priv;

    /* a variable clock counts from UTC by 0 s unless told otherwise */
    if (p->clockOffset == VK_DOMAIN_CLOCK_VARIABLE) {
        if (!p->clockAdjustment)
            p->clockAdjustment = g_strdup("0");
        if (!p->clockBasis)
            p->clockBasis = g_strdup("utc");
    }
    defaultLoaderType(def);
    if (p->loader && p->loader->attrs)
        vkQemuDefaultsAttrOrder(p->loader, loaderAttrs);
    defaultCpu(def);
    if (totalMemory(def) < 0)
        return -1;
    canonicalFeatures(def);
    return 0;
}
