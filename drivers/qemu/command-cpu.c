/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The -cpu option and the memory the guest's CPUs see: -m, the RAM
 * backends, -smp, NUMA nodes and I/O threads.
 *
 * -cpu collects more than <cpu>: libvirt puts the CPUID-visible parts of
 * <clock> (kvmclock, hypervclock, tsc), of <features> (apic eoi,
 * pvspinlock, hyperv, kvm, pmu) and of <cpu><cache> on the model as
 * properties, in that order, and so does this file, so an argv can be
 * compared with libvirt's term by term.
 */
#include <string.h>

#include "drivers/qemu/command-priv.h"

#define VIR_FROM_THIS VIR_FROM_QEMU
#include "util/error.h"

/* libvirt's CPU feature names that QEMU spells differently. */
static const char *const featureRename[][2] = {
    { "pclmuldq", "pclmulqdq" },
    { NULL, NULL },
};

static char *
qemuFeatureName(const char *name)
{
    for (size_t i = 0; featureRename[i][0]; i++) {
        if (strcmp(featureRename[i][0], name) == 0)
            return g_strdup(featureRename[i][1]);
    }
    /* QEMU's own names use '-' where libvirt's cpu_map keeps '_'. */
    return g_strdelimit(g_strdup(name), "_", '-');
}

static int
cpuFeatures(cmdBuf *b, GString *s, const vkDomainCpuDef *cpu)
{
    for (guint i = 0; cpu->features && i < cpu->features->len; i++) {
        const vkXmlElem *f = cpu->features->pdata[i];
        const char *policy = vkXmlElemGetAttr(f, "policy");
        g_autofree char *name = qemuFeatureName(vkXmlElemGetAttr(f, "name"));

        if (!policy || strcmp(policy, "require") == 0 || strcmp(policy, "force") == 0) {
            g_string_append_printf(s, ",%s=on", name);
        } else if (strcmp(policy, "disable") == 0 || strcmp(policy, "forbid") == 0) {
            g_string_append_printf(s, ",%s=off", name);
        } else if (strcmp(policy, "optional") != 0) {
            unsupported("CPU feature policy '%s' of domain '%s'", policy, b->def->name);
            return -1;
        }
    }
    return 0;
}

static int
cpuTimers(cmdBuf *b, GString *s)
{
    GPtrArray *t = b->def->priv ? b->def->priv->timers : NULL;

    for (guint i = 0; t && i < t->len; i++) {
        const vkXmlElem *e = t->pdata[i];
        const char *name = vkXmlElemGetAttr(e, "name");
        const char *present = vkXmlElemGetAttr(e, "present");
        const char *freq = vkXmlElemGetAttr(e, "frequency");

        if (strcmp(name, "kvmclock") == 0 && present)
            g_string_append_printf(s, ",kvmclock=%s",
                                   strcmp(present, "yes") == 0 ? "on" : "off");
        else if (strcmp(name, "hypervclock") == 0 && g_strcmp0(present, "yes") == 0)
            g_string_append(s, ",hv-time=on");
        else if (strcmp(name, "tsc") == 0 && freq && g_ascii_strtoull(freq, NULL, 10) > 0)
            g_string_append_printf(s, ",tsc-frequency=%s", freq);
    }
    return 0;
}

/* Each is hv-NAME=on on -cpu, '_' written '-'. */
const char *const vkQemuHypervFeatures[] = {
    "relaxed", "vapic", "spinlocks", "vpindex", "runtime", "synic", "stimer",
    "reset", "vendor_id", "frequencies", "reenlightenment", "tlbflush", "ipi",
    "evmcs", "avic", NULL,
};

static int
cpuHyperv(cmdBuf *b, GString *s, const vkXmlElem *hv)
{
    const char *mode = vkXmlElemGetAttr(hv, "mode");

    if (g_strcmp0(mode, "passthrough") == 0)
        g_string_append(s, ",hv-passthrough=on");
    else if (mode && strcmp(mode, "custom") != 0) {
        unsupported("<hyperv mode='%s'> of domain '%s'", mode, b->def->name);
        return -1;
    }
    for (guint i = 0; hv->children && i < hv->children->len; i++) {
        const vkXmlElem *e = hv->children->pdata[i];

        if (!g_strv_contains(vkQemuHypervFeatures, e->name)) {
            unsupported("Hyper-V enlightenment <%s> of domain '%s'", e->name, b->def->name);
            return -1;
        }
    }
    for (size_t k = 0; vkQemuHypervFeatures[k]; k++) {
        const vkXmlElem *e = vkQemuCmdChild(hv, vkQemuHypervFeatures[k]);
        const char *val;

        if (!e || g_strcmp0(vkXmlElemGetAttr(e, "state"), "on") != 0)
            continue;
        if (strcmp(e->name, "spinlocks") == 0) {
            val = vkXmlElemGetAttr(e, "retries");
            if (!val || g_ascii_strtoull(val, NULL, 10) < 0xfff) {
                unsupported("Hyper-V spinlock retry count of domain '%s' must be "
                            "at least 4095", b->def->name);
                return -1;
            }
            g_string_append_printf(s, ",hv-spinlocks=0x%llx",
                                   (unsigned long long)g_ascii_strtoull(val, NULL, 10));
        } else if (strcmp(e->name, "vendor_id") == 0) {
            g_autofree char *v = NULL;

            val = vkXmlElemGetAttr(e, "value");
            if (!val || !*val || strlen(val) > 12) {
                unsupported("Hyper-V vendor_id value of domain '%s' must have 1 to 12 "
                            "characters", b->def->name);
                return -1;
            }
            v = esc(val);
            g_string_append_printf(s, ",hv-vendor-id=%s", v);
        } else {
            g_autofree char *n = g_strdelimit(g_strdup(e->name), "_", '-');
            const vkXmlElem *direct = vkQemuCmdChild(e, "direct");

            g_string_append_printf(s, ",hv-%s=on", n);
            if (strcmp(e->name, "stimer") == 0 && direct &&
                g_strcmp0(vkXmlElemGetAttr(direct, "state"), "on") == 0)
                g_string_append(s, ",hv-stimer-direct=on");
        }
    }
    return 0;
}

static int
cpuKvm(cmdBuf *b, GString *s, const vkXmlElem *kvm)
{
    static const char *const known[] = {
        "hidden", "hint-dedicated", "poll-control", "pv-ipi", "dirty-ring", NULL,
    };

    for (guint i = 0; kvm->children && i < kvm->children->len; i++) {
        const vkXmlElem *e = kvm->children->pdata[i];
        const char *state = vkXmlElemGetAttr(e, "state");
        bool on = g_strcmp0(state, "on") == 0;

        if (!g_strv_contains(known, e->name)) {
            unsupported("KVM feature <%s> of domain '%s'", e->name, b->def->name);
            return -1;
        }
        if (!state || strcmp(e->name, "dirty-ring") == 0)
            continue;   /* dirty-ring is an -accel property (command-machine.c) */
        if (strcmp(e->name, "hidden") == 0) {
            if (on)
                g_string_append(s, ",kvm=off");
        } else if (strcmp(e->name, "pv-ipi") == 0) {
            if (!on)
                g_string_append(s, ",kvm-pv-ipi=off");
        } else if (on) {
            g_string_append_printf(s, ",kvm-%s=on", e->name);
        }
    }
    return 0;
}

static int
cpuCache(cmdBuf *b, GString *s, const vkDomainCpuDef *cpu, bool passthrough)
{
    for (guint i = 0; cpu->extra && i < cpu->extra->len; i++) {
        const vkXmlElem *e = cpu->extra->pdata[i];
        const char *mode = vkXmlElemGetAttr(e, "mode");
        const char *level = vkXmlElemGetAttr(e, "level");

        if (strcmp(e->name, "cache") != 0)
            continue;
        if (g_strcmp0(mode, "passthrough") == 0 && passthrough && !level) {
            g_string_append(s, ",host-cache-info=on");
        } else if (g_strcmp0(mode, "emulate") == 0 && g_strcmp0(level, "3") == 0) {
            g_string_append(s, ",l3-cache=on");
        } else if (g_strcmp0(mode, "disable") == 0 && !level) {
            if (passthrough)
                g_string_append(s, ",host-cache-info=off");
            g_string_append(s, ",l3-cache=off");
        } else {
            unsupported("CPU cache mode '%s'%s%s of domain '%s' with CPU mode '%s'",
                        mode ? mode : "", level ? " level " : "", level ? level : "",
                        b->def->name, cpu->mode ? cpu->mode : "custom");
            return -1;
        }
    }
    return 0;
}

static int
buildCpuArg(cmdBuf *b, GString *s)
{
    const vkDomainDef *def = b->def;
    const vkDomainCpuDef *cpu = def->priv ? def->priv->cpu : NULL;
    bool kvm = def->virtType && strcmp(def->virtType, "kvm") == 0;
    const char *mode = cpu && cpu->mode ? cpu->mode : "custom";
    bool passthrough = false;
    const vkXmlElem *f;

    if (strcmp(mode, "custom") == 0) {
        g_autofree char *m = esc(cpu && cpu->model ? cpu->model : "qemu64");
        g_string_append(s, m);
    } else if (strcmp(mode, "host-passthrough") == 0 || strcmp(mode, "host-model") == 0) {
        /* TCG has no host CPU to pass through; 'max' is its closest. */
        g_string_append(s, kvm ? "host" : "max");
        passthrough = strcmp(mode, "host-passthrough") == 0;
    } else if (strcmp(mode, "maximum") == 0) {
        g_string_append(s, "max");
        passthrough = true;
    } else {
        unsupported("CPU mode '%s' of domain '%s'", mode, def->name);
        return -1;
    }
    if (passthrough && cpu && cpu->migratable)
        g_string_append_printf(s, ",migratable=%s", cpu->migratable);
    if ((cpu && cpuFeatures(b, s, cpu) < 0) || cpuTimers(b, s) < 0)
        return -1;
    if ((f = vkQemuCmdFeature(def, "apic")) && vkXmlElemGetAttr(f, "eoi"))
        g_string_append_printf(s, ",kvm-pv-eoi=%s", vkXmlElemGetAttr(f, "eoi"));
    if ((f = vkQemuCmdFeature(def, "pvspinlock")) && vkXmlElemGetAttr(f, "state"))
        g_string_append_printf(s, ",kvm_pv_unhalt=%s", vkXmlElemGetAttr(f, "state"));
    if ((f = vkQemuCmdFeature(def, "hyperv")) && cpuHyperv(b, s, f) < 0)
        return -1;
    /* <panic model='hyperv'/> is a CPU property (command-other.c) */
    for (guint i = 0; devs(def, VK_DOMAIN_DEVICE_OTHER) &&
                      i < devs(def, VK_DOMAIN_DEVICE_OTHER)->len; i++) {
        const vkXmlElem *e = devs(def, VK_DOMAIN_DEVICE_OTHER)->pdata[i];
        if (strcmp(e->name, "panic") == 0 &&
            g_strcmp0(vkXmlElemGetAttr(e, "model"), "hyperv") == 0)
            g_string_append(s, ",hv-crash");
    }
    if ((f = vkQemuCmdFeature(def, "kvm")) && cpuKvm(b, s, f) < 0)
        return -1;
    if ((f = vkQemuCmdFeature(def, "pmu")) && vkXmlElemGetAttr(f, "state"))
        g_string_append_printf(s, ",pmu=%s", vkXmlElemGetAttr(f, "state"));
    if (cpu && cpuCache(b, s, cpu, passthrough) < 0)
        return -1;
    return 0;
}

static int
cpuModel(cmdBuf *b)
{
    g_autoptr(GString) s = g_string_new(NULL);

    if (buildCpuArg(b, s) < 0)
        return -1;
    add2(b, "-cpu", s->str);
    return 0;
}

/* The <memoryBacking> properties every RAM backend of the guest shares:
 * its type and options after "id=...,size=...".  NULL type: QEMU's
 * default RAM will do (no backend object needed). */
typedef struct {
    const char *type;
    GString *props;
    bool locked;
} memPlan;

static int
planMemory(cmdBuf *b, memPlan *mp)
{
    const vkXmlElem *mb = vkQemuCmdTopExtra(b->def, "memoryBacking");
    const vkXmlElem *src = vkQemuCmdChild(mb, "source");
    const vkXmlElem *access = vkQemuCmdChild(mb, "access");
    const vkXmlElem *alloc = vkQemuCmdChild(mb, "allocation");
    const char *srcType = src ? vkXmlElemGetAttr(src, "type") : NULL;
    const char *accessMode = access ? vkXmlElemGetAttr(access, "mode") : NULL;
    bool huge = vkQemuCmdChild(mb, "hugepages") != NULL;

    mp->props = g_string_new(NULL);
    if (!mb)
        return 0;
    mp->locked = vkQemuCmdChild(mb, "locked") != NULL;
    if (huge && g_strcmp0(srcType, "memfd") != 0) {
        /* QEMU makes (and unlinks) its file inside the hugetlbfs mount. */
        mp->type = "memory-backend-file";
        g_string_append(mp->props, ",mem-path=/dev/hugepages,prealloc=on");
    } else if (g_strcmp0(srcType, "memfd") == 0) {
        mp->type = "memory-backend-memfd";
        if (huge)
            g_string_append(mp->props, ",hugetlb=on");
    } else if (g_strcmp0(srcType, "file") == 0) {
        /* A tmpfs directory: the file is unlinked as soon as it is made. */
        mp->type = "memory-backend-file";
        g_string_append(mp->props, ",mem-path=/dev/shm");
    } else if (srcType && strcmp(srcType, "anonymous") != 0) {
        unsupported("memory source type '%s' of domain '%s'", srcType, b->def->name);
        return -1;
    }
    if (accessMode || vkQemuCmdChild(mb, "discard") ||
        (alloc && g_strcmp0(vkXmlElemGetAttr(alloc, "mode"), "immediate") == 0)) {
        if (!mp->type)
            mp->type = "memory-backend-ram";
    }
    if (accessMode)
        g_string_append_printf(mp->props, ",share=%s",
                               strcmp(accessMode, "shared") == 0 ? "on" : "off");
    if (vkQemuCmdChild(mb, "discard") && g_strcmp0(mp->type, "memory-backend-file") == 0)
        g_string_append(mp->props, ",discard-data=on");
    if (alloc && g_strcmp0(vkXmlElemGetAttr(alloc, "mode"), "immediate") == 0 && !huge)
        g_string_append(mp->props, ",prealloc=on");
    return 0;
}

/* What aligning every NUMA cell up to 1 MiB adds to the guest's memory,
 * in KiB: QEMU rounds -m to its own granule and wants the cells to sum to
 * it exactly, so cells are aligned as libvirt aligns them on x86 and -m
 * grows by the same amount. */
static unsigned long long
numaAlignment(const vkXmlElem *numa)
{
    unsigned long long added = 0;

    for (guint i = 0; numa && numa->children && i < numa->children->len; i++) {
        const vkXmlElem *cell = numa->children->pdata[i];
        unsigned long long kib = 0;

        if (strcmp(cell->name, "cell") == 0 &&
            vkConfScaleToKiB(vkXmlElemGetAttr(cell, "memory"),
                             vkXmlElemGetAttr(cell, "unit"), &kib) == 0 && kib % 1024)
            added += 1024 - kib % 1024;
    }
    return added;
}

/* -numa node per <cell>, each with its own RAM backend. */
static int
numaCells(cmdBuf *b, const vkXmlElem *numa, const memPlan *mp)
{
    for (guint i = 0; numa->children && i < numa->children->len; i++) {
        const vkXmlElem *cell = numa->children->pdata[i];
        const char *id = vkXmlElemGetAttr(cell, "id");
        const char *cpus = vkXmlElemGetAttr(cell, "cpus");
        const char *cellAccess = vkXmlElemGetAttr(cell, "memAccess");
        unsigned long long kib = 0;
        g_autoptr(GString) node = g_string_new(NULL);
        g_autoptr(GString) props = g_string_new(mp->props->str);

        if (strcmp(cell->name, "cell") != 0)
            continue;
        if (!id || g_ascii_strtoull(id, NULL, 10) != i) {
            /* libvirt indexes cells by id: 0, 1, ... in order */
            unsupported("Invalid 'id' attribute in NUMA cell of domain '%s': '%s'. "
                        "Expected '%u'", b->def->name, id ? id : "", i);
            return -1;
        }
        if (vkConfScaleToKiB(vkXmlElemGetAttr(cell, "memory"),
                             vkXmlElemGetAttr(cell, "unit"), &kib) < 0 || kib == 0) {
            unsupported("memory of NUMA cell %s of domain '%s'", id, b->def->name);
            return -1;
        }
        kib = (kib + 1023) / 1024 * 1024;
        if (cellAccess)
            g_string_append_printf(props, ",share=%s",
                                   strcmp(cellAccess, "shared") == 0 ? "on" : "off");
        add(b, "-object");
        addf(b, "%s,id=ram-node%s,size=%llu%s", mp->type ? mp->type : "memory-backend-ram",
             id, kib * 1024, props->str);
        g_string_append_printf(node, "node,nodeid=%s", id);
        if (cpus) {
            g_auto(GStrv) parts = g_strsplit(cpus, ",", -1);

            for (size_t k = 0; parts[k]; k++)
                g_string_append_printf(node, ",cpus=%s", parts[k]);
        }
        g_string_append_printf(node, ",memdev=ram-node%s", id);
        add2(b, "-numa", node->str);
    }
    for (guint i = 0; numa->children && i < numa->children->len; i++) {
        const vkXmlElem *cell = numa->children->pdata[i];
        const vkXmlElem *dist = vkQemuCmdChild(cell, "distances");

        for (guint k = 0; dist && dist->children && k < dist->children->len; k++) {
            const vkXmlElem *sib = dist->children->pdata[k];

            add(b, "-numa");
            addf(b, "dist,src=%s,dst=%s,val=%s", vkXmlElemGetAttr(cell, "id"),
                 vkXmlElemGetAttr(sib, "id"), vkXmlElemGetAttr(sib, "value"));
        }
    }
    return 0;
}

bool
vkQemuCmdIothreadExists(const vkDomainDef *def, const char *id)
{
    const vkXmlElem *ids = vkQemuCmdTopExtra(def, "iothreadids");
    const vkXmlElem *count = vkQemuCmdTopExtra(def, "iothreads");
    guint64 n;

    if (!id || !g_ascii_string_to_unsigned(id, 10, 1, G_MAXUINT32, &n, NULL))
        return false;
    if (ids && ids->children && ids->children->len) {
        for (guint i = 0; i < ids->children->len; i++) {
            if (g_strcmp0(vkXmlElemGetAttr(ids->children->pdata[i], "id"), id) == 0)
                return true;
        }
        return false;
    }
    return count && count->text && n <= g_ascii_strtoull(count->text, NULL, 10);
}

static void
iothreads(cmdBuf *b)
{
    const vkXmlElem *ids = vkQemuCmdTopExtra(b->def, "iothreadids");
    const vkXmlElem *count = vkQemuCmdTopExtra(b->def, "iothreads");

    if (ids && ids->children && ids->children->len) {
        for (guint i = 0; i < ids->children->len; i++) {
            const vkXmlElem *t = ids->children->pdata[i];

            add(b, "-object");
            addf(b, "iothread,id=iothread%s", vkXmlElemGetAttr(t, "id"));
        }
        return;
    }
    if (count && count->text) {
        unsigned long long n = g_ascii_strtoull(count->text, NULL, 10);

        for (unsigned long long i = 1; i <= n; i++) {
            add(b, "-object");
            addf(b, "iothread,id=iothread%llu", i);
        }
    }
}

/* Hot-pluggable vCPUs become -device CPU objects in libvirt; virtkit
 * starts every vCPU with -smp, so it refuses what it would mis-place. */
static int
checkVcpus(cmdBuf *b)
{
    const vkXmlElem *vcpus = vkQemuCmdTopExtra(b->def, "vcpus");

    for (guint i = 0; vcpus && vcpus->children && i < vcpus->children->len; i++) {
        const vkXmlElem *v = vcpus->children->pdata[i];

        if (g_strcmp0(vkXmlElemGetAttr(v, "hotpluggable"), "yes") == 0 &&
            g_strcmp0(vkXmlElemGetAttr(v, "enabled"), "yes") == 0) {
            /* libvirt's define keeps them */
            return refuseAtStart(b, "hot-pluggable enabled vCPU %s in <vcpus> of domain '%s'",
                                 vkXmlElemGetAttr(v, "id"), b->def->name);
        }
    }
    return 0;
}

int
vkQemuCmdCpu(cmdBuf *b)
{
    const vkDomainDef *def = b->def;
    const vkDomainCpuDef *cpu = def->priv ? def->priv->cpu : NULL;
    const vkXmlElem *numa = NULL;
    unsigned int vcpus = def->vcpus ? def->vcpus : 1;
    unsigned int maxv = def->maxVcpus ? def->maxVcpus : vcpus;
    memPlan mp = { 0 };
    unsigned long long ram;
    int ret = -1;

    for (guint i = 0; cpu && cpu->extra && i < cpu->extra->len; i++) {
        if (strcmp(((vkXmlElem *)cpu->extra->pdata[i])->name, "numa") == 0)
            numa = cpu->extra->pdata[i];
    }
    if (cpuModel(b) < 0 || planMemory(b, &mp) < 0 || checkVcpus(b) < 0)
        goto cleanup;

    ram = def->maxMemory + numaAlignment(numa);
    add(b, "-m");
    if (def->memoryHotplugMax)
        addf(b, "size=%lluk,slots=%u,maxmem=%lluk", ram, def->memorySlots,
             def->memoryHotplugMax);
    else if (ram % 1024 == 0)
        addf(b, "%llu", ram / 1024);
    else
        addf(b, "size=%lluk", ram);
    if (mp.type && !numa) {
        add(b, "-object");
        addf(b, "%s,id=pc.ram,size=%llu%s", mp.type, def->maxMemory * 1024, mp.props->str);
    }
    if (mp.locked)
        add2(b, "-overcommit", "mem-lock=on");

    add(b, "-smp");
    if (cpu && cpu->sockets)
        addf(b, "%u,maxcpus=%u,sockets=%u,dies=%u,cores=%u,threads=%u", vcpus, maxv,
             cpu->sockets, cpu->dies ? cpu->dies : 1, cpu->cores ? cpu->cores : 1,
             cpu->threads ? cpu->threads : 1);
    else if (maxv != vcpus)
        addf(b, "%u,maxcpus=%u", vcpus, maxv);
    else
        addf(b, "%u", vcpus);
    iothreads(b);
    if (numa && numaCells(b, numa, &mp) < 0)
        goto cleanup;
    ret = 0;

 cleanup:
    if (mp.props)
        g_string_free(mp.props, TRUE);
    return ret;
}

bool
vkQemuCmdMemoryBackend(const vkDomainDef *def)
{
    cmdBuf b = { .def = def };
    memPlan mp = { 0 };
    const vkDomainCpuDef *cpu = def->priv ? def->priv->cpu : NULL;
    bool ret;

    for (guint i = 0; cpu && cpu->extra && i < cpu->extra->len; i++) {
        if (strcmp(((vkXmlElem *)cpu->extra->pdata[i])->name, "numa") == 0)
            return false;
    }
    ret = planMemory(&b, &mp) == 0 && mp.type;
    vkErrorReset();
    g_string_free(mp.props, TRUE);
    return ret;
}
