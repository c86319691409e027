/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The "logical" pool type: an LVM volume group, its volumes the logical
 * volumes, all through lvm2's command line tools (as libvirt does).
 *
 * build = pvcreate on every source device + vgcreate; start/stop = the
 * group's activation (vgchange -aay / -aln); refresh = vgs for the sizes
 * and lvs for the volumes; pool-delete = vgremove + pvremove.  A tool's
 * failure is reported with the command and what it said: where the
 * kernel lacks device-mapper, lvcreate's "Required device-mapper
 * target(s) not detected" reaches the caller unchanged.
 */
#include <string.h>

#define VIR_FROM_THIS VIR_FROM_STORAGE
#include "util/error.h"
#include "conf/domain-conf-priv.h"
#include "drivers/storage/storage-private.h"

const char *
vkStorageLogicalVg(const vkStoragePoolDef *def)
{
    const vkXmlElem *n = vkStorageElemChild(def->source, "name");

    return n && n->text && *n->text ? n->text : def->name;
}

/* The <device path=''/> of the source, in order. */
static GPtrArray *
devices(const vkStoragePoolDef *def)
{
    GPtrArray *out = g_ptr_array_new();

    for (guint i = 0; def->source && def->source->children &&
         i < def->source->children->len; i++) {
        const vkXmlElem *c = def->source->children->pdata[i];
        const char *p = vkXmlElemGetAttr(c, "path");

        if (strcmp(c->name, "device") == 0 && p)
            g_ptr_array_add(out, (char *)p);
    }
    return out;
}

static int
logicalBuild(vkStoragePoolDef *def, unsigned int flags)
{
    g_autoptr(GPtrArray) devs = devices(def);
    g_autoptr(GPtrArray) vg = g_ptr_array_new();

    if (!devs->len) {
        vkReportError(VIR_ERR_INVALID_ARG, "storage pool '%s' has no source device path",
                      def->name);
        return -1;
    }
    for (guint i = 0; i < devs->len; i++) {
        const char *force[] = { "pvcreate", "-ff", "-y", devs->pdata[i], NULL };
        const char *plain[] = { "pvcreate", devs->pdata[i], NULL };

        if (vkStorageRun(flags & VIR_STORAGE_POOL_BUILD_OVERWRITE ? force : plain, NULL) < 0)
            return -1;
    }
    g_ptr_array_add(vg, (char *)"vgcreate");
    g_ptr_array_add(vg, (char *)vkStorageLogicalVg(def));
    for (guint i = 0; i < devs->len; i++)
        g_ptr_array_add(vg, devs->pdata[i]);
    g_ptr_array_add(vg, NULL);
    return vkStorageRun((const char *const *)vg->pdata, NULL);
}

static int
logicalStart(vkStoragePoolDef *def)
{
    const char *argv[] = { "vgchange", "-aay", vkStorageLogicalVg(def), NULL };

    return vkStorageRun(argv, NULL);
}

static bool
logicalIsRunning(vkStoragePoolDef *def)
{
    const char *argv[] = { "vgs", vkStorageLogicalVg(def), NULL };
    bool ok = vkStorageRun(argv, NULL) == 0;

    vkErrorReset();
    return ok;
}

static int
logicalStop(vkStoragePoolDef *def)
{
    const char *argv[] = { "vgchange", "-aln", vkStorageLogicalVg(def), NULL };

    return vkStorageRun(argv, NULL);
}

static int
logicalRemove(vkStoragePoolDef *def, unsigned int flags)
{
    const char *argv[] = { "vgremove", "-f", vkStorageLogicalVg(def), NULL };
    g_autoptr(GPtrArray) devs = devices(def);

    (void)flags;
    if (vkStorageRun(argv, NULL) < 0)
        return -1;
    for (guint i = 0; i < devs->len; i++) {
        const char *pv[] = { "pvremove", devs->pdata[i], NULL };

        if (vkStorageRun(pv, NULL) < 0)
            return -1;
    }
    return 0;
}

static int
logicalRefresh(vkStoragePoolDef *def, GPtrArray *vols)
{
    const char *vg = vkStorageLogicalVg(def);
    const char *vgs[] = { "vgs", "--noheadings", "--units", "b", "--nosuffix",
                          "--separator", ":", "-o", "vg_size,vg_free", vg, NULL };
    const char *lvs[] = { "lvs", "--noheadings", "--units", "b", "--nosuffix",
                          "--separator", ":", "-o", "lv_name,uuid,lv_size", vg, NULL };
    g_autofree char *sizes = NULL, *list = NULL;
    g_auto(GStrv) f = NULL;
    g_auto(GStrv) lines = NULL;

    if (vkStorageRun(vgs, &sizes) < 0 || vkStorageRun(lvs, &list) < 0)
        return -1;
    f = g_strsplit(g_strstrip(sizes), ":", -1);
    if (g_strv_length(f) < 2) {
        vkReportError(VIR_ERR_INTERNAL_ERROR, "cannot read the sizes of volume group '%s'", vg);
        return -1;
    }
    def->capacity = g_ascii_strtoull(f[0], NULL, 10);
    def->available = g_ascii_strtoull(f[1], NULL, 10);
    def->allocation = def->capacity - MIN(def->available, def->capacity);
    lines = g_strsplit(list, "\n", -1);
    for (size_t i = 0; lines[i]; i++) {
        g_auto(GStrv) lv = g_strsplit(g_strstrip(lines[i]), ":", -1);
        vkStorageVolDef *v;

        if (g_strv_length(lv) < 3)
            continue;
        v = g_new0(vkStorageVolDef, 1);
        v->name = g_strdup(lv[0]);
        v->path = g_build_filename("/dev", vg, lv[0], NULL);
        v->key = g_strdup(lv[1]);           /* libvirt's key: the LV's UUID */
        v->type = VIR_STORAGE_VOL_BLOCK;
        v->capacity = v->allocation = v->physical = g_ascii_strtoull(lv[2], NULL, 10);
        v->hasAllocation = v->hasPhysical = true;
        v->format = g_strdup("none");
        g_ptr_array_add(vols, v);
    }
    return 0;
}

static int
logicalVolCreate(const vkStoragePoolDef *def, const vkStorageVolDef *vol)
{
    /* libvirt's form: the size in KiB, rounded up */
    g_autofree char *size = g_strdup_printf("%lluK", (vol->capacity + 1023) / 1024);
    const char *argv[] = { "lvcreate", "--name", vol->name, "-L", size,
                           vkStorageLogicalVg(def), "--yes", NULL };

    if (vol->backingPath) {
        vkReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                      "logical volumes with a backing store (snapshots) are not supported");
        return -1;
    }
    return vkStorageRun(argv, NULL);
}

static int
logicalVolDelete(const vkStoragePoolDef *def, const vkStorageVolDef *vol)
{
    g_autofree char *lv = g_strdup_printf("%s/%s", vkStorageLogicalVg(def), vol->name);
    const char *argv[] = { "lvremove", "-f", lv, NULL };

    return vkStorageRun(argv, NULL);
}

/* Every volume group of the host with its physical volumes, as libvirt
 * lists them; physical volumes outside a group are left out. */
static char *
logicalFindSources(const vkStoragePoolDef *spec)
{
    const char *argv[] = { "pvs", "--noheadings", "--separator", ":", "-o",
                           "pv_name,vg_name", NULL };
    g_autofree char *out = NULL;
    g_auto(GStrv) lines = NULL;
    g_autoptr(GPtrArray) groups = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GHashTable) pvs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                                      (GDestroyNotify)g_ptr_array_unref);
    GString *buf;

    (void)spec;
    if (vkStorageRun(argv, &out) < 0)
        return NULL;
    lines = g_strsplit(out, "\n", -1);
    for (size_t i = 0; lines[i]; i++) {
        g_auto(GStrv) f = g_strsplit(g_strstrip(lines[i]), ":", -1);
        GPtrArray *list;

        if (g_strv_length(f) < 2 || !*f[1])
            continue;
        if (!(list = g_hash_table_lookup(pvs, f[1]))) {
            list = g_ptr_array_new_with_free_func(g_free);
            g_hash_table_insert(pvs, g_strdup(f[1]), list);
            g_ptr_array_add(groups, g_strdup(f[1]));
        }
        g_ptr_array_add(list, g_strdup(f[0]));
    }
    buf = g_string_new("<sources>\n");
    for (guint i = 0; i < groups->len; i++) {
        GPtrArray *list = g_hash_table_lookup(pvs, groups->pdata[i]);

        g_string_append(buf, "  <source>\n");
        for (guint j = 0; j < list->len; j++) {
            g_string_append(buf, "    <device path='");
            vkConfEscape(buf, list->pdata[j]);
            g_string_append(buf, "'/>\n");
        }
        g_string_append(buf, "    <name>");
        vkConfEscape(buf, groups->pdata[i]);
        g_string_append(buf, "</name>\n    <format type='lvm2'/>\n  </source>\n");
    }
    g_string_append(buf, "</sources>\n");
    return g_string_free(buf, FALSE);
}

const vkStorageBackend vkStorageBackendLogical = {
    VK_STORAGE_POOL_LOGICAL, logicalBuild, logicalStart, logicalIsRunning, logicalStop,
    logicalRemove, logicalRefresh, logicalVolCreate, logicalVolDelete, logicalFindSources,
};
