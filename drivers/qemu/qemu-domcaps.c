/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Domain capabilities and CPU model names of the QEMU driver.
 *
 * Both come from the probed vkQemuCaps (qemu-caps.c), never from a table
 * of our own: the machines and their vCPU limits from query-machines, the
 * CPU models and whether each is usable from query-cpu-definitions as the
 * chosen accelerator answered it.  The devices listed are the ones the
 * argv builder (command.c) turns into QEMU options; whatever it refuses
 * is shown as unsupported, so a client that picks its devices from this
 * document (virt-install, virt-manager) picks ones that start.
 */
#include <string.h>

#define VIR_FROM_THIS VIR_FROM_QEMU
#include "util/error.h"
#include "conf/domaincaps.h"
#include "drivers/qemu/qemu-private.h"
#include "drivers/qemu/qemu-firmware.h"

static bool
archServed(const char *arch)
{
    /* The x86_64 emulator runs i686 guests too (command.c accepts both). */
    return strcmp(arch, "x86_64") == 0 || strcmp(arch, "i686") == 0;
}

static const vkCapsMachine *
findMachine(const vkQemuCaps *c, const char *name)
{
    const vkCapsGuest *guest = c->caps->guests->pdata[0];

    for (guint i = 0; i < guest->machines->len; i++) {
        const vkCapsMachine *m = guest->machines->pdata[i];

        if (strcmp(m->name, name) == 0)
            return m;
    }
    return NULL;
}

/* What the argv builder accepts, device by device, in the schema's order. */
static void
addDevices(vkDomainCaps *dc)
{
    vkDomCapsBlock *b;

    b = vkDomainCapsAddDevice(dc, "disk", true);
    vkDomCapsBlockAddEnum(b, "diskDevice", "disk", "cdrom", "floppy", "lun", NULL);
    vkDomCapsBlockAddEnum(b, "bus", "ide", "fdc", "scsi", "virtio", "usb", "sata", NULL);
    /* spice too: virt-install and virt-manager pick spice (and with it
     * the vdagent channel, USB redirection and ich9 sound) only when it
     * is listed here, so leaving it out trimmed their default guest */
    b = vkDomainCapsAddDevice(dc, "graphics", true);
    vkDomCapsBlockAddEnum(b, "type", "sdl", "vnc", "spice", "egl-headless", "dbus", NULL);
    b = vkDomainCapsAddDevice(dc, "video", true);
    vkDomCapsBlockAddEnum(b, "modelType", "vga", "cirrus", "vmvga", "qxl", "virtio", "none",
                          "bochs", "ramfb", NULL);
    vkDomainCapsAddDevice(dc, "hostdev", false);
    b = vkDomainCapsAddDevice(dc, "rng", true);
    vkDomCapsBlockAddEnum(b, "model", "virtio", "virtio-transitional", "virtio-non-transitional",
                          NULL);
    vkDomCapsBlockAddEnum(b, "backendModel", "random", "egd", "builtin", NULL);
    /* 9p's "path" only: handle is gone from QEMU, virtiofs needs virtiofsd */
    b = vkDomainCapsAddDevice(dc, "filesystem", true);
    vkDomCapsBlockAddEnum(b, "driverType", "path", NULL);
    vkDomainCapsAddDevice(dc, "tpm", false);
    b = vkDomainCapsAddDevice(dc, "redirdev", true);
    vkDomCapsBlockAddEnum(b, "bus", "usb", NULL);
    b = vkDomainCapsAddDevice(dc, "channel", true);
    vkDomCapsBlockAddEnum(b, "type", "pty", "unix", "spicevmc", NULL);

    vkDomainCapsAddFeature(dc, "gic", false);
    vkDomainCapsAddFeature(dc, "vmcoreinfo", false);
    vkDomainCapsAddFeature(dc, "genid", false);
    vkDomainCapsAddFeature(dc, "backingStoreInput", false);
    vkDomainCapsAddFeature(dc, "backup", false);
    vkDomainCapsAddFeature(dc, "sev", false);
    vkDomainCapsAddFeature(dc, "sgx", false);
}

/* <os>: firmware='efi' where a descriptor serves the machine, and the
 * loaders, as libvirt lists them: each descriptor's executable, then
 * what <loader> may say (secure='yes' only where one has secure boot). */
static vkDomCapsBlock *
osBlock(const char *machine)
{
    g_autoptr(GPtrArray) fws = vkQemuFirmwareLoad(NULL);
    vkDomCapsBlock *os = vkDomCapsBlockNew("os", true);
    vkDomCapsBlock *loader = vkDomCapsBlockNew("loader", true);
    bool secure = false;

    loader->values = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; i < fws->len; i++) {
        const vkQemuFirmware *f = fws->pdata[i];
        g_autoptr(GPtrArray) one = g_ptr_array_new();

        /* the descriptor serves the machine if it alone would be chosen */
        g_ptr_array_add(one, (gpointer)f);
        if (!vkQemuFirmwareSelect(one, machine, -1, -1) ||
            g_ptr_array_find_with_equal_func(loader->values, f->executable, g_str_equal, NULL))
            continue;
        g_ptr_array_add(loader->values, g_strdup(f->executable));
        secure |= f->secureBoot;
    }
    if (loader->values->len)
        vkDomCapsBlockAddEnum(os, "firmware", "efi", NULL);
    else
        vkDomCapsBlockAddEnum(os, "firmware", NULL);
    vkDomCapsBlockAddEnum(loader, "type", "rom", "pflash", NULL);
    vkDomCapsBlockAddEnum(loader, "readonly", "yes", "no", NULL);
    if (secure)
        vkDomCapsBlockAddEnum(loader, "secure", "yes", "no", NULL);
    else
        vkDomCapsBlockAddEnum(loader, "secure", "no", NULL);
    os->child = loader;
    return os;
}

static void
addCPU(vkDomainCaps *dc, const vkQemuCaps *c, bool kvm)
{
    const GPtrArray *models = kvm ? c->cpuKVM : c->cpuTCG;

    dc->hasCPU = true;
    /* Passing the host CPU through needs the host's CPU: KVM only. */
    dc->cpuHostPassthrough = kvm;
    dc->cpuMaximum = true;
    dc->cpuHostModel = true;
    for (guint i = 0; i < models->len; i++) {
        const vkQemuCpuModel *m = models->pdata[i];

        if (m->listed)
            vkDomainCapsAddCPUModel(dc, m->name, m->usable, m->deprecated, NULL);
    }
}

static char *
formatDomainCaps(const vkQemuCaps *c, const char *arch, const char *machine,
                 bool kvm)
{
    g_autoptr(vkDomainCaps) dc = NULL;
    const char *canon;
    const vkCapsMachine *m;

    if (!machine)
        machine = c->defaultMachine ? c->defaultMachine : "pc";
    if ((canon = g_hash_table_lookup(c->aliases, machine)))
        machine = canon;
    if (!(m = findMachine(c, machine))) {
        vkReportError(VIR_ERR_INVALID_ARG,
                      "the machine '%s' is not supported by emulator '%s'",
                      machine, c->emulator);
        return NULL;
    }

    dc = vkDomainCapsNew(c->emulator, kvm ? "kvm" : "qemu", m->name, arch);
    dc->maxVcpus = m->maxCpus;
    dc->iothreads = 0;
    dc->os = osBlock(m->name);
    addCPU(dc, c, kvm);
    dc->memoryBacking = vkDomCapsBlockNew("memoryBacking", false);
    addDevices(dc);
    return vkDomainCapsFormat(dc);
}

char *
vkQemuConnectGetDomainCapabilities(virConnectPtr conn, const char *emulatorbin,
                                   const char *arch, const char *machine,
                                   const char *virttype, unsigned int flags)
{
    vkQemuState *st = vkQemuConnState(conn);
    vkQemuCaps *c;
    char *ret = NULL;
    bool kvm;

    vkCheckFlags(0, NULL);
    if (virttype && strcmp(virttype, "kvm") != 0 && strcmp(virttype, "qemu") != 0) {
        vkReportError(VIR_ERR_INVALID_ARG,
                      "unknown virttype '%s' (the QEMU driver runs 'kvm' and 'qemu')",
                      virttype);
        return NULL;
    }
    if (arch && !archServed(arch)) {
        vkReportError(VIR_ERR_INVALID_ARG,
                      "unable to find any emulator to serve '%s' architecture", arch);
        return NULL;
    }

    g_mutex_lock(&st->lock);
    if (!(c = vkQemuGetCaps(st)))
        goto cleanup;
    if (emulatorbin && strcmp(emulatorbin, c->emulator) != 0) {
        vkReportError(VIR_ERR_INVALID_ARG,
                      "emulator '%s' is not served by this driver (it runs '%s')",
                      emulatorbin, c->emulator);
        goto cleanup;
    }
    kvm = virttype ? strcmp(virttype, "kvm") == 0 : c->kvm;
    if (kvm && !c->kvm) {
        vkReportError(VIR_ERR_INVALID_ARG,
                      "KVM is not usable by '%s' on this host (/dev/kvm)", c->emulator);
        goto cleanup;
    }
    ret = formatDomainCaps(c, arch ? arch : "x86_64", machine, kvm);

 cleanup:
    g_mutex_unlock(&st->lock);
    return ret;
}

int
vkQemuConnectGetCPUModelNames(virConnectPtr conn, const char *arch, char ***models,
                              unsigned int flags)
{
    vkQemuState *st = vkQemuConnState(conn);
    g_autoptr(GPtrArray) names = NULL;
    vkQemuCaps *c;
    int ret = -1;

    vkCheckFlags(0, -1);
    if (!archServed(arch)) {
        vkReportError(VIR_ERR_INVALID_ARG,
                      "no CPU models for architecture '%s' (the QEMU driver runs "
                      "x86_64 and i686 guests)", arch);
        return -1;
    }

    g_mutex_lock(&st->lock);
    if (!(c = vkQemuGetCaps(st)))
        goto cleanup;
    names = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; i < c->cpuTCG->len; i++) {
        const vkQemuCpuModel *m = c->cpuTCG->pdata[i];

        if (m->listed)
            g_ptr_array_add(names, g_strdup(m->name));
    }
    ret = names->len;
    if (models) {
        g_ptr_array_add(names, NULL);
        *models = (char **)g_ptr_array_free(g_steal_pointer(&names), FALSE);
    }

 cleanup:
    g_mutex_unlock(&st->lock);
    return ret;
}
