/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Machine, firmware, boot and clock options: what the guest platform is.
 *
 * Each <features> child and each <timer> is either turned into the QEMU
 * option libvirt 9.0 gives it (a -machine property, a -global, a -cpu
 * property in command-cpu.c) or refused by name: a feature QEMU would
 * silently ignore is refused rather than dropped, except the few libvirt
 * itself accepts as no-ops for QEMU (pae, hap, viridian, privnet).
 */
#include <string.h>
#include <time.h>

#include "drivers/qemu/command-priv.h"

#define VIR_FROM_THIS VIR_FROM_QEMU
#include "util/error.h"

const vkXmlElem *
vkQemuCmdChild(const vkXmlElem *e, const char *name)
{
    for (guint i = 0; e && e->children && i < e->children->len; i++) {
        const vkXmlElem *c = e->children->pdata[i];

        if (strcmp(c->name, name) == 0)
            return c;
    }
    return NULL;
}

static const vkXmlElem *
findIn(GPtrArray *a, const char *name)
{
    for (guint i = 0; a && i < a->len; i++) {
        const vkXmlElem *c = a->pdata[i];

        if (strcmp(c->name, name) == 0)
            return c;
    }
    return NULL;
}

const vkXmlElem *
vkQemuCmdFeature(const vkDomainDef *def, const char *name)
{
    return def->priv ? findIn(def->priv->features, name) : NULL;
}

const vkXmlElem *
vkQemuCmdTopExtra(const vkDomainDef *def, const char *name)
{
    return def->priv ? findIn(def->priv->topExtra, name) : NULL;
}

static const vkXmlElem *
osExtra(const vkDomainDef *def, const char *name)
{
    return def->priv ? findIn(def->priv->osExtra, name) : NULL;
}

static const char *
state(const vkXmlElem *e)
{
    return e ? vkXmlElemGetAttr(e, "state") : NULL;
}

/* Features with an effect (here or in command-cpu.c), and the ones
 * libvirt's QEMU driver accepts and ignores; all others are refused. */
static const char *const x86Features[] = {
    "acpi", "apic", "pae", "hap", "viridian", "privnet", "hyperv", "kvm",
    "pvspinlock", "pmu", "vmport", "smm", "ioapic", "vmcoreinfo", "tcg", NULL,
};
/* libvirt's features of other architectures, refused with its words. */
static const char *const otherArchFeatures[] = {
    "gic", "hpt", "htm", "nested-hv", "ccf-assist", "cfpc", "sbbc", "ibs", NULL,
};

static int
checkFeatures(cmdBuf *b)
{
    const vkDomainDef *def = b->def;
    GPtrArray *f = def->priv ? def->priv->features : NULL;
    const vkXmlElem *smm = vkQemuCmdFeature(def, "smm");
    const vkXmlElem *ioapic = vkQemuCmdFeature(def, "ioapic");
    const vkXmlElem *kvm = vkQemuCmdFeature(def, "kvm");

    for (guint i = 0; f && i < f->len; i++) {
        const char *n = ((vkXmlElem *)f->pdata[i])->name;

        if (g_strv_contains(otherArchFeatures, n)) {
            unsupported("The '%s' feature is not supported for architecture '%s' or "
                        "machine type '%s'", n, def->osArch ? def->osArch : "x86_64",
                        def->osMachine ? def->osMachine : "pc");
            return -1;
        }
        if (!g_strv_contains(x86Features, n)) {
            unsupported("feature '%s' of domain '%s'", n, def->name);
            return -1;
        }
    }
    if (vkQemuCmdChild(smm, "tseg") && !vkQemuCmdIsQ35(def)) {
        unsupported("SMM TSEG of domain '%s' is only supported with q35 machine type",
                    def->name);
        return -1;
    }
    if (ioapic) {
        const char *drv = vkXmlElemGetAttr(ioapic, "driver");

        if (drv && strcmp(drv, "qemu") != 0 && strcmp(drv, "kvm") != 0) {
            unsupported("ioapic driver '%s' of domain '%s'", drv, def->name);
            return -1;
        }
    }
    if (vkQemuCmdChild(kvm, "dirty-ring") && g_strcmp0(def->virtType, "kvm") != 0 &&
        g_strcmp0(state(vkQemuCmdChild(kvm, "dirty-ring")), "on") == 0) {
        unsupported("the KVM dirty ring of domain '%s' needs domain type 'kvm'", def->name);
        return -1;
    }
    if (vkQemuCmdFeature(def, "tcg") && g_strcmp0(def->virtType, "kvm") == 0) {
        unsupported("TCG features of domain '%s' are incompatible with domain type 'kvm'",
                    def->name);
        return -1;
    }
    if (g_strcmp0(def->priv ? def->priv->osFirmware : NULL, "efi") == 0 &&
        !vkQemuCmdFeature(def, "acpi")) {
        unsupported("UEFI requires ACPI on this architecture (domain '%s')", def->name);
        return -1;
    }
    return 0;
}

static bool
pflashLoader(const vkDomainDef *def)
{
    const vkXmlElem *loader = def->priv ? def->priv->loader : NULL;

    return def->loader && g_strcmp0(vkXmlElemGetAttr(loader, "type"), "pflash") == 0;
}

/* -blockdev pair (file + raw format) for one pflash unit, as libvirt
 * names its nodes, so QMP's query-named-block-nodes reads alike. */
static void
pflashBlockdev(cmdBuf *b, int unit, const char *path, bool readonly)
{
    g_autofree char *p = esc(path);

    add(b, "-blockdev");
    addf(b, "driver=file,filename=%s,node-name=libvirt-pflash%d-storage,"
         "auto-read-only=on,discard=unmap", p, unit);
    add(b, "-blockdev");
    addf(b, "node-name=libvirt-pflash%d-format,read-only=%s,driver=raw,"
         "file=libvirt-pflash%d-storage", unit, readonly ? "on" : "off", unit);
}

static int
firmware(cmdBuf *b, GString *machine)
{
    const vkDomainDef *def = b->def;
    const vkXmlElem *loader = def->priv ? def->priv->loader : NULL;
    const vkXmlElem *nvram = osExtra(def, "nvram");
    const char *type = loader ? vkXmlElemGetAttr(loader, "type") : NULL;
    const char *fw = def->priv ? def->priv->osFirmware : NULL;

    if (!def->loader) {
        /* firmware='efi' is resolved into a loader at start
         * (qemu-firmware.c); only the define-time check sees it bare. */
        if (g_strcmp0(fw, "efi") == 0 && b->opts) {
            unsupported("firmware='efi' of domain '%s' was not resolved to a loader",
                        def->name);
            return -1;
        }
        return 0;
    }
    if (!type || strcmp(type, "rom") == 0)
        return 0;   /* -bios, with the boot options (vkQemuCmdOS) */
    if (strcmp(type, "pflash") != 0) {
        unsupported("loader type '%s' of domain '%s'", type, def->name);
        return -1;
    }
    if (g_strcmp0(vkXmlElemGetAttr(loader, "secure"), "yes") == 0 &&
        g_strcmp0(state(vkQemuCmdFeature(def, "smm")), "on") != 0) {
        unsupported("Secure boot of domain '%s' requires SMM feature enabled", def->name);
        return -1;
    }
    if (nvram && g_strcmp0(vkXmlElemGetAttr(loader, "stateless"), "yes") == 0) {
        unsupported("%s", "NVRAM is not permitted when loader is stateless");
        return -1;
    }
    pflashBlockdev(b, 0, def->loader, g_strcmp0(vkXmlElemGetAttr(loader, "readonly"), "yes") == 0);
    g_string_append(machine, ",pflash0=libvirt-pflash0-format");
    if (nvram && nvram->text) {
        pflashBlockdev(b, 1, nvram->text, false);
        g_string_append(machine, ",pflash1=libvirt-pflash1-format");
    } else if (nvram && g_strcmp0(vkXmlElemGetAttr(nvram, "type"), "file") == 0 &&
               vkXmlElemGetAttr(vkQemuCmdChild(nvram, "source"), "file")) {
        pflashBlockdev(b, 1, vkXmlElemGetAttr(vkQemuCmdChild(nvram, "source"), "file"), false);
        g_string_append(machine, ",pflash1=libvirt-pflash1-format");
    } else if (nvram && (nvram->children || vkXmlElemGetAttr(nvram, "type"))) {
        /* libvirt keeps a block or network NVRAM; virtkit opens files */
        return refuseAtStart(b, "<nvram type='%s'> of domain '%s' (only a file)",
                             vkXmlElemGetAttr(nvram, "type") ?
                             vkXmlElemGetAttr(nvram, "type") : "", def->name);
    } else if (nvram && b->opts) {
        /* the driver names the file at define and start (qemu-firmware.c) */
        unsupported("<nvram> without a path in domain '%s'", def->name);
        return -1;
    }
    return 0;
}

static void
pmGlobals(cmdBuf *b)
{
    const vkXmlElem *pm = vkQemuCmdTopExtra(b->def, "pm");
    const char *dev = vkQemuCmdIsQ35(b->def) ? "ICH9-LPC" : "PIIX4_PM";
    static const char *const kinds[][2] = {
        { "suspend-to-mem", "s3" }, { "suspend-to-disk", "s4" },
    };

    for (size_t i = 0; pm && i < G_N_ELEMENTS(kinds); i++) {
        const vkXmlElem *e = vkQemuCmdChild(pm, kinds[i][0]);
        const char *en = e ? vkXmlElemGetAttr(e, "enabled") : NULL;

        if (!en)
            continue;
        add(b, "-global");
        addf(b, "%s.disable_%s=%d", dev, kinds[i][1], strcmp(en, "no") == 0);
    }
}

int
vkQemuCmdMachine(cmdBuf *b)
{
    const vkDomainDef *def = b->def;
    g_autofree char *name = esc(def->osMachine ? def->osMachine : "pc");
    g_autoptr(GString) m = g_string_new(name);
    const vkXmlElem *vmport = vkQemuCmdFeature(def, "vmport");
    const vkXmlElem *smm = vkQemuCmdFeature(def, "smm");
    const vkXmlElem *ioapic = vkQemuCmdFeature(def, "ioapic");
    const vkXmlElem *mb = vkQemuCmdTopExtra(def, "memoryBacking");
    const vkXmlElem *tseg = vkQemuCmdChild(smm, "tseg");
    const vkXmlElem *ring = vkQemuCmdChild(vkQemuCmdFeature(def, "kvm"), "dirty-ring");
    bool kvm = def->virtType && strcmp(def->virtType, "kvm") == 0;

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
    if (checkFeatures(b) < 0 || firmware(b, m) < 0)
        return -1;

    if (!vkQemuCmdFeature(def, "acpi"))
        g_string_append(m, ",acpi=off");
    if (state(vmport))
        g_string_append_printf(m, ",vmport=%s", state(vmport));
    if (state(smm))
        g_string_append_printf(m, ",smm=%s", state(smm));
    if (def->memDumpCore)
        g_string_append_printf(m, ",dump-guest-core=%s", def->memDumpCore == 1 ? "on" : "off");
    if (vkQemuCmdChild(mb, "nosharepages"))
        g_string_append(m, ",mem-merge=off");
    if (ioapic && vkXmlElemGetAttr(ioapic, "driver"))
        g_string_append_printf(m, ",kernel_irqchip=%s",
                               strcmp(vkXmlElemGetAttr(ioapic, "driver"), "qemu") == 0 ?
                               "split" : "on");
    if (vkQemuCmdMemoryBackend(def))
        g_string_append(m, ",memory-backend=pc.ram");
    if (vkQemuCmdPcspkAudio(def)) {
        g_autofree char *a = esc(vkQemuCmdPcspkAudio(def));
        g_string_append_printf(m, ",pcspk-audiodev=audio%s", a);
    }
    add2(b, "-machine", m->str);
    if (kvm && ring && g_strcmp0(state(ring), "on") == 0 && vkXmlElemGetAttr(ring, "size")) {
        add(b, "-accel");
        addf(b, "kvm,dirty-ring-size=%s", vkXmlElemGetAttr(ring, "size"));
    } else if (vkQemuCmdChild(vkQemuCmdFeature(def, "tcg"), "tb-cache")) {
        const vkXmlElem *tb = vkQemuCmdChild(vkQemuCmdFeature(def, "tcg"), "tb-cache");
        const char *unit = vkXmlElemGetAttr(tb, "unit");
        unsigned long long kib = 0;

        if (vkConfScaleToKiB(tb->text, unit ? unit : "MiB", &kib) < 0 || kib % 1024) {
            unsupported("TCG tb-cache size of domain '%s' must be whole MiB", def->name);
            return -1;
        }
        add(b, "-accel");
        addf(b, "tcg,tb-size=%llu", kib / 1024);
    } else {
        add2(b, "-accel", kvm ? "kvm" : "tcg");
    }
    if (tseg && g_strcmp0(state(smm), "on") == 0) {
        unsigned long long kib = 0;

        const char *unit = vkXmlElemGetAttr(tseg, "unit");

        /* a bare TSEG size is in MiB (libvirt's schema) */
        if (vkConfScaleToKiB(tseg->text, unit ? unit : "MiB", &kib) < 0 ||
            kib % 1024) {
            unsupported("SMM TSEG size of domain '%s' must be whole MiB", def->name);
            return -1;
        }
        add(b, "-global");
        addf(b, "mch.extended-tseg-mbytes=%llu", kib / 1024);
    }
    if (pflashLoader(def) && g_strcmp0(vkXmlElemGetAttr(def->priv->loader, "secure"), "yes") == 0)
        add2(b, "-global", "driver=cfi.pflash01,property=secure,value=on");
    pmGlobals(b);
    if (g_strcmp0(state(vkQemuCmdFeature(def, "vmcoreinfo")), "on") == 0)
        add2(b, "-device", "vmcoreinfo");
    return 0;
}

/* <sysinfo type='smbios'> as -smbios tables: each block's entries in
 * libvirt's order (names are QEMU's -smbios keys). */
static const struct {
    const char *block;
    int type;
    const char *keys[8];
} smbiosTables[] = {
    { "bios", 0, { "vendor", "version", "date", "release", NULL } },
    { "system", 1, { "manufacturer", "product", "version", "serial", "uuid", "sku",
                     "family", NULL } },
    { "baseBoard", 2, { "manufacturer", "product", "version", "serial", "asset",
                        "location", NULL } },
    { "chassis", 3, { "manufacturer", "version", "serial", "asset", "sku", NULL } },
};

static const char *
entryValue(const vkXmlElem *block, const char *name)
{
    for (guint i = 0; block->children && i < block->children->len; i++) {
        const vkXmlElem *e = block->children->pdata[i];

        if (g_strcmp0(vkXmlElemGetAttr(e, "name"), name) == 0)
            return e->text;
    }
    return NULL;
}

static void
smbiosArgs(cmdBuf *b, const vkXmlElem *sysinfo)
{
    for (size_t t = 0; t < G_N_ELEMENTS(smbiosTables); t++) {
        for (guint i = 0; sysinfo->children && i < sysinfo->children->len; i++) {
            const vkXmlElem *block = sysinfo->children->pdata[i];
            g_autoptr(GString) arg = NULL;

            if (strcmp(block->name, smbiosTables[t].block) != 0)
                continue;
            arg = g_string_new(NULL);
            g_string_append_printf(arg, "type=%d", smbiosTables[t].type);
            for (size_t k = 0; smbiosTables[t].keys[k]; k++) {
                const char *v = entryValue(block, smbiosTables[t].keys[k]);
                g_autofree char *ev = v ? esc(v) : NULL;

                if (ev)
                    g_string_append_printf(arg, ",%s=%s", smbiosTables[t].keys[k], ev);
            }
            add2(b, "-smbios", arg->str);
        }
    }
    for (guint i = 0; sysinfo->children && i < sysinfo->children->len; i++) {
        const vkXmlElem *block = sysinfo->children->pdata[i];

        if (strcmp(block->name, "oemStrings") != 0)
            continue;
        for (guint k = 0; block->children && k < block->children->len; k++) {
            const vkXmlElem *e = block->children->pdata[k];
            g_autofree char *ev = esc(e->text ? e->text : "");

            add(b, "-smbios");
            addf(b, "type=11,value=%s", ev);
        }
    }
}

/* <sysinfo type='fwcfg'>: each entry a -fw_cfg blob, a string or a file. */
static void
fwcfgArgs(cmdBuf *b, const vkXmlElem *sysinfo)
{
    for (guint i = 0; sysinfo->children && i < sysinfo->children->len; i++) {
        const vkXmlElem *e = sysinfo->children->pdata[i];
        const char *file = vkXmlElemGetAttr(e, "file");
        g_autofree char *name = esc(vkXmlElemGetAttr(e, "name") ?: "");
        g_autofree char *val = esc(file ? file : e->text ? e->text : "");

        add(b, "-fw_cfg");
        addf(b, "name=%s,%s=%s", name, file ? "file" : "string", val);
    }
}

static int
sysinfoArgs(cmdBuf *b, const char *mode)
{
    GPtrArray *top = b->def->priv ? b->def->priv->topExtra : NULL;
    const vkXmlElem *smbios = NULL;

    for (guint i = 0; top && i < top->len; i++) {
        const vkXmlElem *e = top->pdata[i];
        const char *type = vkXmlElemGetAttr(e, "type");

        if (strcmp(e->name, "sysinfo") != 0)
            continue;
        if (g_strcmp0(type, "smbios") == 0) {
            smbios = e;
        } else if (g_strcmp0(type, "fwcfg") == 0) {
            fwcfgArgs(b, e);
        } else {
            unsupported("<sysinfo type='%s'> of domain '%s'", type ? type : "",
                        b->def->name);
            return -1;
        }
    }
    if (g_strcmp0(mode, "sysinfo") != 0)
        return 0;
    if (!smbios) {
        unsupported("<smbios mode='sysinfo'> of domain '%s' needs a <sysinfo type='smbios'>",
                    b->def->name);
        return -1;
    }
    smbiosArgs(b, smbios);
    return 0;
}

/* -boot's menu/splash/reboot-timeout parts and -smbios from <sysinfo>. */
static int
bootOptions(cmdBuf *b, GString *boot)
{
    const vkDomainDef *def = b->def;
    const vkXmlElem *menu = osExtra(def, "bootmenu");
    const vkXmlElem *bios = osExtra(def, "bios");
    const vkXmlElem *smbios = osExtra(def, "smbios");
    const char *v;

    if (menu && (v = vkXmlElemGetAttr(menu, "enable"))) {
        g_string_append_printf(boot, "%smenu=%s", boot->len ? "," : "",
                               strcmp(v, "yes") == 0 ? "on" : "off");
        if ((v = vkXmlElemGetAttr(menu, "timeout")))
            g_string_append_printf(boot, ",splash-time=%s", v);
    }
    if (bios && (v = vkXmlElemGetAttr(bios, "rebootTimeout")))
        g_string_append_printf(boot, "%sreboot-timeout=%s", boot->len ? "," : "", v);
    if (bios && g_strcmp0(vkXmlElemGetAttr(bios, "useserial"), "yes") == 0)
        add2(b, "-device", "sga");
    v = smbios ? vkXmlElemGetAttr(smbios, "mode") : NULL;
    if (v && strcmp(v, "emulate") != 0 && strcmp(v, "sysinfo") != 0) {
        /* host needs the host's DMI tables copied: not built yet */
        unsupported("<smbios mode='%s'> of domain '%s'", v, def->name);
        return -1;
    }
    return sysinfoArgs(b, v);
}

int
vkQemuCmdOS(cmdBuf *b)
{
    const vkDomainDef *def = b->def;
    static const char bootChar[] = { 'a', 'd', 'c', 'n' };
    g_autoptr(GString) boot = g_string_new(NULL);

    if (def->loader && !pflashLoader(def))
        add2(b, "-bios", def->loader);
    if (def->kernel)
        add2(b, "-kernel", def->kernel);
    if (def->initrd)
        add2(b, "-initrd", def->initrd);
    if (def->cmdline)
        add2(b, "-append", def->cmdline);

    /* With a kernel, firmware boot order is moot; per-device boot order
     * goes on the devices as bootindex. */
    if (!def->kernel && def->nbootDevs > 0) {
        g_string_append(boot, "order=");
        for (size_t i = 0; i < def->nbootDevs; i++)
            g_string_append_c(boot, bootChar[def->bootDevs[i]]);
    }
    if (bootOptions(b, boot) < 0)
        return -1;
    if (boot->len)
        add2(b, "-boot", boot->str);
    return 0;
}

/* QEMU's -rtc base=DATE is in UTC unless base is "localtime". */
static char *
rtcDate(GDateTime *t)
{
    return g_date_time_format(t, "%Y-%m-%dT%H:%M:%S");
}

static char *
clockBase(cmdBuf *b)
{
    const vkDomainDef *def = b->def;
    const vkDomainDefPriv *p = def->priv;
    int offset = p ? p->clockOffset : VK_DOMAIN_CLOCK_UTC;
    gint64 now = b->opts && b->opts->now ? b->opts->now : g_get_real_time() / G_USEC_PER_SEC;
    g_autoptr(GDateTime) t = NULL;

    switch (offset) {
    case VK_DOMAIN_CLOCK_UTC:
        return g_strdup("utc");
    case VK_DOMAIN_CLOCK_LOCALTIME:
        return g_strdup("localtime");
    case VK_DOMAIN_CLOCK_VARIABLE: {
        gint64 adj = p->clockAdjustment ? g_ascii_strtoll(p->clockAdjustment, NULL, 10) : 0;

        if (g_strcmp0(p->clockBasis, "localtime") == 0) {
            g_autoptr(GDateTime) local = g_date_time_new_from_unix_local(now);

            adj += g_date_time_get_utc_offset(local) / G_USEC_PER_SEC;
        }
        t = g_date_time_new_from_unix_utc(now + adj);
        break;
    }
    case VK_DOMAIN_CLOCK_TIMEZONE: {
        /* libvirt runs QEMU with TZ set and base=localtime; the guest's
         * clock starts at the same instant when QEMU is given the zone's
         * wall time, without a process environment of its own. */
        g_autoptr(GTimeZone) tz = p->clockTimezone ?
            g_time_zone_new_identifier(p->clockTimezone) : NULL;
        g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc(now);

        if (!tz) {
            unsupported("unknown clock timezone '%s' of domain '%s'",
                        p->clockTimezone ? p->clockTimezone : "", def->name);
            return NULL;
        }
        t = g_date_time_to_timezone(utc, tz);
        break;
    }
    case VK_DOMAIN_CLOCK_ABSOLUTE: {
        const char *start = p->clockStart;
        char *end = NULL;
        gint64 s = start ? g_ascii_strtoll(start, &end, 10) : -1;

        if (!start || *end || s < 0) {
            unsupported("clock offset 'absolute' of domain '%s' needs a start time",
                        def->name);
            return NULL;
        }
        t = g_date_time_new_from_unix_utc(s);
        break;
    }
    }
    if (!t) {
        unsupported("clock of domain '%s' is out of QEMU's range", def->name);
        return NULL;
    }
    return rtcDate(t);
}

static int
timerRefuse(cmdBuf *b, const char *what, const char *name, const char *value)
{
    unsupported("unsupported %s timer %s '%s' of domain '%s'", name, what, value,
                b->def->name);
    return -1;
}

int
vkQemuCmdClock(cmdBuf *b)
{
    const vkDomainDef *def = b->def;
    GPtrArray *timers = def->priv ? def->priv->timers : NULL;
    g_autofree char *base = clockBase(b);
    g_autoptr(GString) rtc = NULL;
    const char *pit = NULL;
    bool noHpet = false;

    if (!base)
        return -1;
    rtc = g_string_new("base=");
    g_string_append(rtc, base);
    for (guint i = 0; timers && i < timers->len; i++) {
        const vkXmlElem *t = timers->pdata[i];
        const char *name = vkXmlElemGetAttr(t, "name");
        const char *tick = vkXmlElemGetAttr(t, "tickpolicy");
        const char *track = vkXmlElemGetAttr(t, "track");

        if (strcmp(name, "rtc") == 0) {
            if (g_strcmp0(track, "guest") == 0)
                g_string_append(rtc, ",clock=vm");
            else if (g_strcmp0(track, "wall") == 0)
                g_string_append(rtc, ",clock=host");
            else if (g_strcmp0(track, "realtime") == 0)
                g_string_append(rtc, ",clock=rt");
            else if (track)
                return timerRefuse(b, "track", name, track);
            if (g_strcmp0(tick, "catchup") == 0)
                g_string_append(rtc, ",driftfix=slew");
            else if (tick && strcmp(tick, "delay") != 0)
                return timerRefuse(b, "tickpolicy", name, tick);
        } else if (strcmp(name, "pit") == 0) {
            if (g_strcmp0(tick, "delay") == 0 || g_strcmp0(tick, "discard") == 0)
                pit = tick;
            else if (tick && strcmp(tick, "catchup") != 0)
                return timerRefuse(b, "tickpolicy", name, tick);
        } else if (strcmp(name, "hpet") == 0) {
            noHpet = g_strcmp0(vkXmlElemGetAttr(t, "present"), "no") == 0;
        } else if (strcmp(name, "armvtimer") == 0) {
            unsupported("timer 'armvtimer' of domain '%s' is not supported for "
                        "architecture '%s'", def->name, def->osArch ? def->osArch : "x86_64");
            return -1;
        } else if (strcmp(name, "kvmclock") != 0 && strcmp(name, "hypervclock") != 0 &&
                   strcmp(name, "tsc") != 0) {
            /* platform, or a name libvirt does not know */
            unsupported("unsupported timer type (name) '%s' of domain '%s'", name,
                        def->name);
            return -1;
        }
    }
    add2(b, "-rtc", rtc->str);
    if (pit) {
        add(b, "-global");
        addf(b, "kvm-pit.lost_tick_policy=%s", pit);
    }
    if (noHpet)
        add(b, "-no-hpet");
    return 0;
}
