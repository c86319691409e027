/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * <filesystem>: a host directory shared with the guest over 9p
 * (-fsdev local + virtio-9p-pci), the way libvirt runs it.
 *
 * What QEMU here cannot do is refused by name: the 'handle' backend was
 * removed from QEMU, and virtiofs needs a virtiofsd daemon virtkit does
 * not run.
 */
#include <stdlib.h>
#include <string.h>

#include "drivers/qemu/command-priv.h"

#define VIR_FROM_THIS VIR_FROM_QEMU
#include "util/error.h"

/* The <driver> of a filesystem: the plain one the parser keeps as
 * driverType, or one with more attributes kept whole in extra. */
static const vkXmlElem *
fsDriver(const vkDomainFSDef *fs)
{
    for (guint i = 0; fs->extra && i < fs->extra->len; i++) {
        const vkXmlElem *e = fs->extra->pdata[i];
        if (strcmp(e->name, "driver") == 0)
            return e;
    }
    return NULL;
}

/* An octal file mode of attribute name (fmode, dmode), -1 when absent. */
static int
fsMode(const vkDomainFSDef *fs, const vkDomainDef *def, const char *name, long *mode)
{
    const char *v = vkXmlPairGet(fs->attrs, name);
    char *end = NULL;

    *mode = -1;
    if (!v)
        return 0;
    *mode = strtol(v, &end, 8);
    if (end == v || *end || *mode < 0 || *mode > 0777) {
        unsupported("<filesystem %s='%s'> of domain '%s'", name, v, def->name);
        return -1;
    }
    return 0;
}

/* The 9p share's multidevs policy, file modes and device model (the
 * attributes the generic parser keeps for the driver). */
static int
fsModes(const vkDomainFSDef *fs, const vkDomainDef *def, const char **multidevs,
        long *fmode, long *dmode, const char **devModel)
{
    const char *m = vkXmlPairGet(fs->attrs, "model");

    *multidevs = vkXmlPairGet(fs->attrs, "multidevs");
    if (*multidevs && strcmp(*multidevs, "default") == 0)
        *multidevs = NULL;
    if (*multidevs && strcmp(*multidevs, "remap") != 0 && strcmp(*multidevs, "forbid") != 0 &&
        strcmp(*multidevs, "warn") != 0) {
        unsupported("<filesystem multidevs='%s'> of domain '%s'", *multidevs, def->name);
        return -1;
    }
    if (!m || strcmp(m, "virtio") == 0 || strcmp(m, "default") == 0)
        *devModel = "virtio-9p-pci";
    else if (strcmp(m, "virtio-transitional") == 0)
        *devModel = "virtio-9p-pci-transitional";
    else if (strcmp(m, "virtio-non-transitional") == 0)
        *devModel = "virtio-9p-pci-non-transitional";
    else {
        unsupported("<filesystem model='%s'> of domain '%s'", m, def->name);
        return -1;
    }
    if (fsMode(fs, def, "fmode", fmode) < 0 || fsMode(fs, def, "dmode", dmode) < 0)
        return -1;
    return 0;
}

static int
filesystem(cmdBuf *b, const vkDomainFSDef *fs, guint n)
{
    const vkDomainDef *def = b->def;
    const vkXmlElem *drv = fsDriver(fs);
    const char *type = fs->type ? fs->type : "mount";
    const char *driver = fs->driverType ? fs->driverType :
        drv ? vkXmlElemGetAttr(drv, "type") : NULL;
    const char *wrpolicy = drv ? vkXmlElemGetAttr(drv, "wrpolicy") : NULL;
    const char *access = fs->accessmode ? fs->accessmode : "passthrough";
    const char *model;
    g_autofree char *src = NULL;
    g_autofree char *tag = NULL;
    GString *fsdev;
    g_autoptr(GString) dev = g_string_new(NULL);
    const char *multidevs = NULL, *devModel = NULL;
    long fmode = -1, dmode = -1;

    if (strcmp(type, "mount") != 0) {
        unsupported("<filesystem type='%s'> of domain '%s' (QEMU shares directories: "
                    "type 'mount')", type, def->name);
        return -1;
    }
    /* libvirt's define keeps the removed 'handle' backend */
    if (g_strcmp0(driver, "handle") == 0) {
        if (refuseAtStart(b, "<filesystem> driver 'handle' of domain '%s' (QEMU has removed "
                          "the 'handle' 9p backend)", def->name) < 0)
            return -1;
        driver = NULL;
    }
    if (driver && strcmp(driver, "path") != 0) {
        unsupported("<filesystem> driver '%s' of domain '%s'%s", driver, def->name,
                    strcmp(driver, "virtiofs") == 0 ?
                    " (virtiofs needs virtiofsd, which virtkit does not run)" :
                    strcmp(driver, "handle") == 0 ?
                    " (QEMU has removed the 'handle' 9p backend)" : "");
        return -1;
    }
    if (strcmp(access, "passthrough") == 0 || strcmp(access, "mapped") == 0)
        model = access;
    else if (strcmp(access, "squash") == 0)
        model = "none";
    else {
        unsupported("<filesystem accessmode='%s'> of domain '%s'", access, def->name);
        return -1;
    }
    if (wrpolicy && strcmp(wrpolicy, "immediate") != 0) {
        unsupported("<filesystem> wrpolicy '%s' of domain '%s'", wrpolicy, def->name);
        return -1;
    }
    if (!fs->src || !fs->dst) {
        unsupported("<filesystem> of domain '%s' without a source dir and a target dir",
                    def->name);
        return -1;
    }
    if (fsModes(fs, def, &multidevs, &fmode, &dmode, &devModel) < 0)
        return -1;
    src = esc(fs->src);
    tag = esc(fs->dst);
    fsdev = g_string_new(NULL);
    g_string_append_printf(fsdev, "local,security_model=%s", model);
    if (wrpolicy)
        g_string_append(fsdev, ",writeout=immediate");
    if (multidevs)
        g_string_append_printf(fsdev, ",multidevs=%s", multidevs);
    if (fmode >= 0)
        g_string_append_printf(fsdev, ",fmode=%04o", (unsigned int)fmode);
    if (dmode >= 0)
        g_string_append_printf(fsdev, ",dmode=%04o", (unsigned int)dmode);
    if (fs->readonly)
        g_string_append(fsdev, ",readonly=on");
    g_string_append_printf(fsdev, ",id=fsdev-fs%u,path=%s", n, src);
    add(b, "-fsdev");
    g_ptr_array_add(b->argv, g_string_free(fsdev, FALSE));
    g_string_append_printf(dev, "%s,id=fs%u,fsdev=fsdev-fs%u,mount_tag=%s",
                           devModel, n, n, tag);
    vkQemuCmdAddress(dev, def, fs->address);
    add2(b, "-device", dev->str);
    return 0;
}

int
vkQemuCmdFilesystems(cmdBuf *b)
{
    GPtrArray *a = devs(b->def, VK_DOMAIN_DEVICE_FS);

    for (guint i = 0; a && i < a->len; i++) {
        if (filesystem(b, a->pdata[i], i) < 0)
            return -1;
    }
    return 0;
}
