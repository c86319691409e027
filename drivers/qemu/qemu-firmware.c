/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * UEFI firmware: QEMU's firmware descriptors, the NVRAM of each domain.
 *
 * Distributions describe each firmware build they ship in a JSON file
 * (Debian's ovmf: /usr/share/qemu/firmware/NN-edk2-*.json): what it
 * boots (interface-types), how it is mapped (pflash executable + NVRAM
 * template), for which machines, with which features (secure-boot,
 * enrolled-keys, requires-smm).  <os firmware='efi'> is the first file,
 * by name, that fits the machine and the features the domain asks for;
 * libvirt 9.0 chooses the same way and, like it, the choice is made at
 * each start and kept out of the persistent definition, so an updated
 * firmware package is picked up.
 */
#include <errno.h>
#include <fnmatch.h>
#include <string.h>
#include <glib/gstdio.h>

#define VIR_FROM_THIS VIR_FROM_QEMU
#include "util/error.h"
#include "util/json.h"
#include "conf/domain-conf-priv.h"
#include "drivers/qemu/qemu-firmware.h"
#include "drivers/qemu/qemu-private.h"

static void
firmwareFree(gpointer p)
{
    vkQemuFirmware *f = p;

    g_free(f->name);
    g_free(f->executable);
    g_free(f->nvramTemplate);
    if (f->machines)
        g_ptr_array_unref(f->machines);
    g_free(f);
}

static bool
arrayHas(const vkJSON *arr, const char *s)
{
    for (size_t i = 0; i < vkJSONArraySize(arr); i++) {
        if (g_strcmp0(vkJSONGetString(vkJSONArrayGet(arr, i)), s) == 0)
            return true;
    }
    return false;
}

/* NULL for a descriptor virtkit cannot use: not UEFI, not a pflash
 * mapping of raw images, or no x86_64 target. */
static vkQemuFirmware *
parseDescriptor(const char *name, const char *text, size_t len)
{
    g_autoptr(vkJSON) d = vkJSONParse(text, len);
    vkJSON *map = d ? vkJSONObjectGet(d, "mapping") : NULL;
    vkJSON *exe = map ? vkJSONObjectGet(map, "executable") : NULL;
    vkJSON *tmpl = map ? vkJSONObjectGet(map, "nvram-template") : NULL;
    vkJSON *targets = d ? vkJSONObjectGet(d, "targets") : NULL;
    vkJSON *features = d ? vkJSONObjectGet(d, "features") : NULL;
    vkQemuFirmware *f;

    if (!d || !arrayHas(vkJSONObjectGet(d, "interface-types"), "uefi") ||
        g_strcmp0(vkJSONObjectGetString(map, "device"), "flash") != 0 ||
        !vkJSONObjectGetString(exe, "filename") ||
        g_strcmp0(vkJSONObjectGetString(exe, "format"), "raw") != 0 ||
        (tmpl && g_strcmp0(vkJSONObjectGetString(tmpl, "format"), "raw") != 0))
        return NULL;
    f = g_new0(vkQemuFirmware, 1);
    f->name = g_strdup(name);
    f->executable = g_strdup(vkJSONObjectGetString(exe, "filename"));
    f->nvramTemplate = g_strdup(vkJSONObjectGetString(tmpl, "filename"));
    f->machines = g_ptr_array_new_with_free_func(g_free);
    for (size_t i = 0; i < vkJSONArraySize(targets); i++) {
        vkJSON *t = vkJSONArrayGet(targets, i);
        vkJSON *m = vkJSONObjectGet(t, "machines");

        if (g_strcmp0(vkJSONObjectGetString(t, "architecture"), "x86_64") != 0)
            continue;
        for (size_t k = 0; k < vkJSONArraySize(m); k++) {
            if (vkJSONGetString(vkJSONArrayGet(m, k)))
                g_ptr_array_add(f->machines, g_strdup(vkJSONGetString(vkJSONArrayGet(m, k))));
        }
    }
    f->secureBoot = arrayHas(features, "secure-boot");
    f->enrolledKeys = arrayHas(features, "enrolled-keys");
    f->requiresSmm = arrayHas(features, "requires-smm");
    if (f->machines->len == 0) {
        firmwareFree(f);
        return NULL;
    }
    return f;
}

GPtrArray *
vkQemuFirmwareLoad(const char *const *dirs)
{
    static const char *const systemDirs[] = {
        "/usr/share/qemu/firmware", "/etc/qemu/firmware", NULL,
    };
    const char *envDirs[] = { g_getenv("VIRTKIT_FIRMWARE_DIR"), NULL };
    g_autoptr(GHashTable) byName = g_hash_table_new_full(g_str_hash, g_str_equal,
                                                         g_free, g_free);
    g_autoptr(GList) names = NULL;
    GPtrArray *fws = g_ptr_array_new_with_free_func(firmwareFree);

    if (!dirs)
        dirs = envDirs[0] ? envDirs : systemDirs;
    for (size_t i = 0; dirs[i]; i++) {
        g_autoptr(GDir) dir = g_dir_open(dirs[i], 0, NULL);
        const char *n;

        while (dir && (n = g_dir_read_name(dir))) {
            if (g_str_has_suffix(n, ".json"))
                g_hash_table_insert(byName, g_strdup(n), g_build_filename(dirs[i], n, NULL));
        }
    }
    names = g_list_sort(g_hash_table_get_keys(byName), (GCompareFunc)strcmp);
    for (GList *l = names; l; l = l->next) {
        g_autofree char *text = NULL;
        gsize len = 0;
        vkQemuFirmware *f;

        if (!g_file_get_contents(g_hash_table_lookup(byName, l->data), &text, &len, NULL))
            continue;
        if ((f = parseDescriptor(l->data, text, len)))
            g_ptr_array_add(fws, f);
    }
    return fws;
}

static bool
matchesMachine(const vkQemuFirmware *f, const char *machine)
{
    for (guint i = 0; i < f->machines->len; i++) {
        if (fnmatch(f->machines->pdata[i], machine, 0) == 0)
            return true;
    }
    return false;
}

const vkQemuFirmware *
vkQemuFirmwareSelect(const GPtrArray *fws, const char *machine, int secureBoot,
                     int enrolledKeys)
{
    for (guint i = 0; i < fws->len; i++) {
        const vkQemuFirmware *f = fws->pdata[i];

        if (!matchesMachine(f, machine) ||
            (secureBoot >= 0 && f->secureBoot != (secureBoot == 1)) ||
            (enrolledKeys >= 0 && f->enrolledKeys != (enrolledKeys == 1)))
            continue;
        return f;
    }
    return NULL;
}

static vkXmlElem *
osExtra(vkDomainDef *def, const char *name)
{
    GPtrArray *a = def->priv->osExtra;

    for (guint i = 0; a && i < a->len; i++) {
        vkXmlElem *e = a->pdata[i];

        if (strcmp(e->name, name) == 0)
            return e;
    }
    return NULL;
}

/* <os><firmware><feature enabled='yes|no' name=''/>: 1, 0 or -1. */
static int
wantedFeature(vkDomainDef *def, const char *name)
{
    vkXmlElem *fw = osExtra(def, "firmware");

    for (guint i = 0; fw && fw->children && i < fw->children->len; i++) {
        vkXmlElem *f = fw->children->pdata[i];

        if (g_strcmp0(vkXmlElemGetAttr(f, "name"), name) == 0)
            return g_strcmp0(vkXmlElemGetAttr(f, "enabled"), "yes") == 0;
    }
    return -1;
}

static void
setSmm(vkDomainDef *def)
{
    vkXmlElem *smm;

    if (!def->priv->features)
        def->priv->features = g_ptr_array_new_with_free_func((GDestroyNotify)vkXmlElemFree);
    for (guint i = 0; i < def->priv->features->len; i++) {
        smm = def->priv->features->pdata[i];
        if (strcmp(smm->name, "smm") == 0) {
            vkXmlElemSetAttr(smm, "state", "on");
            return;
        }
    }
    smm = g_new0(vkXmlElem, 1);
    smm->name = g_strdup("smm");
    vkXmlElemSetAttr(smm, "state", "on");
    g_ptr_array_add(def->priv->features, smm);
}

char *
vkQemuFirmwareNvramDir(const char *saveDir, bool privileged)
{
    g_autofree char *parent = g_path_get_dirname(saveDir);

    return g_build_filename(parent, privileged ? "nvram" : "lib/nvram", NULL);
}

static char *
nvramPath(const vkDomainDef *def, const char *nvramDir)
{
    g_autofree char *file = g_strdup_printf("%s_VARS.fd", def->name);

    return g_build_filename(nvramDir, file, NULL);
}

static void
setNvram(vkDomainDef *def, const char *tmpl, const char *nvramDir)
{
    vkXmlElem *nv = osExtra(def, "nvram");

    if (!nv) {
        nv = g_new0(vkXmlElem, 1);
        nv->name = g_strdup("nvram");
        if (!def->priv->osExtra)
            def->priv->osExtra = g_ptr_array_new_with_free_func((GDestroyNotify)vkXmlElemFree);
        g_ptr_array_add(def->priv->osExtra, nv);
    }
    if (tmpl && !vkXmlElemGetAttr(nv, "template"))
        vkXmlElemSetAttr(nv, "template", tmpl);
    if (!nv->text)
        nv->text = nvramPath(def, nvramDir);
}

void
vkQemuFirmwareDefineNvram(vkDomainDef *def, const char *nvramDir)
{
    vkXmlElem *nv = osExtra(def, "nvram");

    if (!def->loader || g_strcmp0(vkXmlElemGetAttr(def->priv->loader, "type"), "pflash") != 0 ||
        g_strcmp0(vkXmlElemGetAttr(def->priv->loader, "readonly"), "yes") != 0 ||
        g_strcmp0(vkXmlElemGetAttr(def->priv->loader, "stateless"), "yes") == 0 ||
        (nv && (nv->text || nv->children || vkXmlElemGetAttr(nv, "type"))))
        return;
    setNvram(def, NULL, nvramDir);
}

int
vkQemuFirmwareResolve(vkDomainDef *def, const GPtrArray *fws, const char *nvramDir)
{
    vkDomainDefPriv *p = def->priv;
    const vkQemuFirmware *f;

    if (def->loader && g_strcmp0(vkXmlElemGetAttr(p->loader, "type"), "pflash") == 0) {
        /* An explicit read-only pflash loader: the NVRAM next to it is the
         * domain's, its template the descriptor's that names the loader. */
        /* stateless firmware keeps no variables: no NVRAM */
        if (g_strcmp0(vkXmlElemGetAttr(p->loader, "readonly"), "yes") == 0 &&
            g_strcmp0(vkXmlElemGetAttr(p->loader, "stateless"), "yes") != 0) {
            const char *tmpl = NULL;

            for (guint i = 0; i < fws->len; i++) {
                f = fws->pdata[i];
                if (strcmp(f->executable, def->loader) == 0 && !tmpl)
                    tmpl = f->nvramTemplate;
            }
            setNvram(def, tmpl, nvramDir);
        }
        return 0;
    }
    if (def->loader || g_strcmp0(p->osFirmware, "efi") != 0)
        return 0;
    f = vkQemuFirmwareSelect(fws, def->osMachine ? def->osMachine : "pc",
                             wantedFeature(def, "secure-boot"),
                             wantedFeature(def, "enrolled-keys"));
    if (!f) {
        vkReportError(VIR_ERR_OPERATION_FAILED,
                      "Unable to find any firmware to satisfy 'efi' for domain '%s' "
                      "(machine '%s'; descriptors: /usr/share/qemu/firmware)",
                      def->name, def->osMachine ? def->osMachine : "pc");
        return -1;
    }
    def->loader = g_strdup(f->executable);
    vkXmlElemFree(p->loader);
    p->loader = g_new0(vkXmlElem, 1);
    p->loader->name = g_strdup("loader");
    vkXmlElemSetAttr(p->loader, "readonly", "yes");
    if (f->secureBoot)
        vkXmlElemSetAttr(p->loader, "secure", "yes");
    vkXmlElemSetAttr(p->loader, "type", "pflash");
    if (f->requiresSmm)
        setSmm(def);
    if (f->nvramTemplate)
        setNvram(def, f->nvramTemplate, nvramDir);
    return 0;
}

static void
replaceNamed(GPtrArray **dst, const vkXmlElem *e)
{
    if (!*dst)
        *dst = g_ptr_array_new_with_free_func((GDestroyNotify)vkXmlElemFree);
    for (guint i = 0; i < (*dst)->len; i++) {
        vkXmlElem *old = (*dst)->pdata[i];

        if (strcmp(old->name, e->name) == 0) {
            (*dst)->pdata[i] = vkXmlElemCopy(e);
            vkXmlElemFree(old);
            return;
        }
    }
    g_ptr_array_add(*dst, vkXmlElemCopy(e));
}

void
vkQemuFirmwareApplyLive(vkDomainDef *live, const vkDomainDef *resolved)
{
    const vkDomainDefPriv *r = resolved->priv;

    if (!resolved->loader || g_strcmp0(live->loader, resolved->loader) == 0)
        return;
    g_free(live->loader);
    live->loader = g_strdup(resolved->loader);
    vkXmlElemFree(live->priv->loader);
    live->priv->loader = r->loader ? vkXmlElemCopy(r->loader) : NULL;
    g_clear_pointer(&live->priv->osFirmware, g_free);
    for (guint i = 0; r->osExtra && i < r->osExtra->len; i++) {
        const vkXmlElem *e = r->osExtra->pdata[i];

        if (strcmp(e->name, "nvram") == 0)
            replaceNamed(&live->priv->osExtra, e);
    }
    for (guint i = 0; r->features && i < r->features->len; i++) {
        const vkXmlElem *e = r->features->pdata[i];

        if (strcmp(e->name, "smm") == 0)
            replaceNamed(&live->priv->features, e);
    }
}

int
vkQemuFirmwareNvramPrepare(const vkDomainDef *def)
{
    const vkXmlElem *nv = NULL;
    const char *tmpl;
    g_autofree char *dir = NULL;
    g_autofree char *data = NULL;
    gsize len = 0;
    GError *err = NULL;

    for (guint i = 0; def->priv->osExtra && i < def->priv->osExtra->len; i++) {
        const vkXmlElem *e = def->priv->osExtra->pdata[i];

        if (strcmp(e->name, "nvram") == 0)
            nv = e;
    }
    if (!nv || !nv->text || g_file_test(nv->text, G_FILE_TEST_EXISTS))
        return 0;
    if (!(tmpl = vkXmlElemGetAttr(nv, "template"))) {
        vkReportError(VIR_ERR_OPERATION_FAILED,
                      "NVRAM '%s' of domain '%s' does not exist and has no template",
                      nv->text, def->name);
        return -1;
    }
    dir = g_path_get_dirname(nv->text);
    if (g_mkdir_with_parents(dir, 0700) < 0) {
        vkReportSystemError(errno, "cannot create the NVRAM directory '%s'", dir);
        return -1;
    }
    if (!g_file_get_contents(tmpl, &data, &len, &err) ||
        !g_file_set_contents_full(nv->text, data, len, G_FILE_SET_CONTENTS_CONSISTENT,
                                  0600, &err)) {
        vkReportError(VIR_ERR_OPERATION_FAILED,
                      "cannot create NVRAM '%s' of domain '%s' from template '%s': %s",
                      nv->text, def->name, tmpl, err->message);
        g_error_free(err);
        return -1;
    }
    return 0;
}

int
vkQemuFirmwareUndefine(const vkDomainDef *def, const char *nvramDir, unsigned int flags)
{
    g_autofree char *path = NULL;

    for (guint i = 0; def->priv->osExtra && i < def->priv->osExtra->len; i++) {
        const vkXmlElem *e = def->priv->osExtra->pdata[i];

        if (strcmp(e->name, "nvram") == 0 && e->text)
            path = g_strdup(e->text);
    }
    /* firmware='efi' keeps its NVRAM where the start put it */
    if (!path && (g_strcmp0(def->priv->osFirmware, "efi") == 0 ||
                  (def->loader && g_strcmp0(vkXmlElemGetAttr(def->priv->loader, "type"),
                                            "pflash") == 0)))
        path = nvramPath(def, nvramDir);
    if (!path || !g_file_test(path, G_FILE_TEST_EXISTS))
        return 0;
    if (flags & VIR_DOMAIN_UNDEFINE_NVRAM) {
        if (g_unlink(path) < 0) {
            vkReportSystemError(errno, "failed to remove nvram: %s", path);
            return -1;
        }
        return 0;
    }
    if (!(flags & VIR_DOMAIN_UNDEFINE_KEEP_NVRAM)) {
        vkReportError(VIR_ERR_OPERATION_INVALID, "cannot undefine domain with nvram");
        return -1;
    }
    return 0;
}

int
vkQemuDefineFirmware(vkQemuState *st, vkDomainDef *def)
{
    g_autofree char *dir = vkQemuFirmwareNvramDir(st->saveDir, st->privileged);

    vkQemuFirmwareDefineNvram(def, dir);
    return 0;
}

int
vkQemuPrepareFirmware(vkQemuState *st, vkDomainDef *def)
{
    g_autoptr(GPtrArray) fws = NULL;
    g_autofree char *dir = NULL;

    if (!def->loader && g_strcmp0(def->priv->osFirmware, "efi") != 0)
        return 0;
    fws = vkQemuFirmwareLoad(NULL);
    dir = vkQemuFirmwareNvramDir(st->saveDir, st->privileged);
    if (vkQemuFirmwareResolve(def, fws, dir) < 0)
        return -1;
    return vkQemuFirmwareNvramPrepare(def);
}

int
vkQemuUndefineFirmware(vkQemuState *st, const vkDomainDef *def, unsigned int flags)
{
    g_autofree char *dir = vkQemuFirmwareNvramDir(st->saveDir, st->privileged);

    return vkQemuFirmwareUndefine(def, dir, flags);
}
