/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Machine, CPU, firmware and clock options: what the guest platform is.
 */
#include <string.h>

#include "drivers/qemu/command-priv.h"

#define VIR_FROM_THIS VIR_FROM_QEMU
#include "util/error.h"

int
vkQemuCmdMachine(cmdBuf *b)
{
    const vkDomainDef *def = b->def;
    static const char *const okFeatures[] = { "acpi", "apic", "pae", NULL };
    GPtrArray *f = def->priv ? def->priv->features : NULL;
    g_autofree char *machine = esc(def->osMachine ? def->osMachine : "pc");

    if (def->osType && strcmp(def->osType, "hvm") != 0) {
        unsupported("os type '%s' of domain '%s' (QEMU runs 'hvm' guests)",
                    def->osType, def->name);
        return -1;
    }
    if (def->osArch && strcmp(def->osArch, "x86_64") != 0 &&
        strcmp(def->osArch, "i686") != 0) {
        unsupported("architecture '%s' of domain '%s'", def->osArch, def->name);
        return -1;
    }
    for (guint i = 0; f && i < f->len; i++) {
        const char *n = ((vkXmlElem *)f->pdata[i])->name;

        if (!g_strv_contains(okFeatures, n)) {
            unsupported("feature '%s' of domain '%s'", n, def->name);
            return -1;
        }
    }

    add(b, "-machine");
    if (hasFeature(def, "acpi"))
        add(b, machine);
    else
        addf(b, "%s,acpi=off", machine);
    add2(b, "-accel", def->virtType && strcmp(def->virtType, "kvm") == 0 ? "kvm" : "tcg");
    return 0;
}

int
vkQemuCmdCpu(cmdBuf *b)
{
    const vkDomainDef *def = b->def;
    const vkDomainCpuDef *cpu = def->priv ? def->priv->cpu : NULL;
    bool kvm = def->virtType && strcmp(def->virtType, "kvm") == 0;
    unsigned int vcpus = def->vcpus ? def->vcpus : 1;
    unsigned int maxv = def->maxVcpus ? def->maxVcpus : vcpus;

    if (cpu && cpu->features && cpu->features->len) {
        unsupported("CPU <feature> elements of domain '%s'", def->name);
        return -1;
    }
    if (!cpu || !cpu->mode || strcmp(cpu->mode, "custom") == 0) {
        if (cpu && cpu->model) {
            g_autofree char *m = esc(cpu->model);
            add2(b, "-cpu", m);
        } else {
            add2(b, "-cpu", "qemu64");
        }
    } else if (strcmp(cpu->mode, "host-passthrough") == 0 ||
               strcmp(cpu->mode, "host-model") == 0) {
        /* TCG has no host CPU to pass through; 'max' is its closest. */
        add2(b, "-cpu", kvm ? "host" : "max");
    } else if (strcmp(cpu->mode, "maximum") == 0) {
        add2(b, "-cpu", "max");
    } else {
        unsupported("CPU mode '%s' of domain '%s'", cpu->mode, def->name);
        return -1;
    }

    add(b, "-m");
    if (def->maxMemory % 1024 == 0)
        addf(b, "%llu", def->maxMemory / 1024);
    else
        addf(b, "size=%lluk", def->maxMemory);

    add(b, "-smp");
    if (cpu && cpu->sockets)
        addf(b, "%u,maxcpus=%u,sockets=%u,dies=%u,cores=%u,threads=%u", vcpus, maxv,
             cpu->sockets, cpu->dies ? cpu->dies : 1, cpu->cores ? cpu->cores : 1,
             cpu->threads ? cpu->threads : 1);
    else if (maxv != vcpus)
        addf(b, "%u,maxcpus=%u", vcpus, maxv);
    else
        addf(b, "%u", vcpus);
    return 0;
}

int
vkQemuCmdOS(cmdBuf *b)
{
    const vkDomainDef *def = b->def;
    const vkXmlElem *loader = def->priv ? def->priv->loader : NULL;
    static const char bootChar[] = { 'a', 'd', 'c', 'n' };

    if (def->loader) {
        const char *type = loader ? vkXmlElemGetAttr(loader, "type") : NULL;

        if (type && strcmp(type, "rom") != 0) {
            unsupported("loader type '%s' of domain '%s' (only 'rom')", type, def->name);
            return -1;
        }
        add2(b, "-bios", def->loader);
    }
    if (def->kernel)
        add2(b, "-kernel", def->kernel);
    if (def->initrd)
        add2(b, "-initrd", def->initrd);
    if (def->cmdline)
        add2(b, "-append", def->cmdline);

    /* With a kernel, firmware boot order is moot; per-device boot order
     * goes on the devices as bootindex. */
    if (!def->kernel && def->nbootDevs > 0) {
        GString *order = g_string_new("order=");

        for (size_t i = 0; i < def->nbootDevs; i++)
            g_string_append_c(order, bootChar[def->bootDevs[i]]);
        add(b, "-boot");
        g_ptr_array_add(b->argv, g_string_free(order, FALSE));
    }
    return 0;
}

int
vkQemuCmdClock(cmdBuf *b)
{
    const vkDomainDef *def = b->def;
    int offset = def->priv ? def->priv->clockOffset : VK_DOMAIN_CLOCK_UTC;

    if (def->priv && def->priv->timers && def->priv->timers->len) {
        unsupported("clock <timer> elements of domain '%s'", def->name);
        return -1;
    }
    if (offset == VK_DOMAIN_CLOCK_UTC)
        add2(b, "-rtc", "base=utc");
    else if (offset == VK_DOMAIN_CLOCK_LOCALTIME)
        add2(b, "-rtc", "base=localtime");
    else {
        unsupported("clock offset '%s' of domain '%s'",
                    vkDomainClockOffsetTable[offset], def->name);
        return -1;
    }
    return 0;
}
