/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Config files and autostart links of a stateful driver's persistent
 * objects (see state-config.h).
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#define VIR_FROM_THIS VIR_FROM_NONE
#include "util/error.h"
#include "util/atomic-file.h"
#include "core/state-config.h"

char *
vkStateConfigPath(const char *dir, const char *name)
{
    g_autofree char *file = g_strdup_printf("%s.xml", name);

    return g_build_filename(dir, file, NULL);
}

int
vkStateConfigSave(const vkStateConfigOps *ops, const char *dir, const void *def)
{
    g_autofree char *path = vkStateConfigPath(dir, ops->name(def));
    g_autofree char *xml = ops->format(def);

    if (!xml)
        return -1;
    /* libvirt reports a failed config write (a full disk) in the XML
     * error domain, whichever driver saves */
    return vkAtomicFileWriteFrom(VIR_FROM_XML, path, xml, strlen(xml), 0600);
}

int
vkStateConfigDelete(const char *dir, const char *name, int errdom)
{
    g_autofree char *path = vkStateConfigPath(dir, name);

    if (g_unlink(path) < 0 && errno != ENOENT) {
        vkReportSystemErrorFull(errdom, errno, __FILE__, __func__, __LINE__,
                                "cannot remove config file '%s'", path);
        return -1;
    }
    return 0;
}

void
vkStateConfigLoadAll(const vkStateConfigOps *ops, const char *dir, const char *autostartDir,
                     void *opaque)
{
    g_autoptr(GDir) d = NULL;
    const char *n;

    /* A crash in the middle of a define leaves its temporary file. */
    vkAtomicFileRemoveStale(dir);
    d = g_dir_open(dir, 0, NULL);
    while (d && (n = g_dir_read_name(d))) {
        g_autofree char *path = NULL;
        g_autofree char *xml = NULL;
        void *def;
        void *obj = NULL;

        if (n[0] == '.' || !g_str_has_suffix(n, ".xml"))
            continue;
        path = g_build_filename(dir, n, NULL);
        if (!g_file_get_contents(path, &xml, NULL, NULL))
            continue;
        /* The object's name, not the file's, as the link was made. */
        if ((def = ops->parse(xml, opaque))) {
            g_autofree char *name = g_strdup(ops->name(def));

            if ((obj = ops->add(opaque, &def)) && autostartDir && ops->setAutostart &&
                vkStateAutostartGet(autostartDir, name))
                ops->setAutostart(opaque, obj);
        }
        if (!obj) {
            g_warning("%s: skipping config '%s': %s", ops->label, path,
                      vkErrorIsSet() ? vkErrorGetLast()->message : "invalid");
            if (def)
                ops->defFree(def);
            vkErrorReset();
        }
    }
}

bool
vkStateAutostartGet(const char *autostartDir, const char *name)
{
    g_autofree char *link = vkStateConfigPath(autostartDir, name);

    return g_file_test(link, G_FILE_TEST_IS_SYMLINK);
}

bool
vkStateAutostartSet(const char *autostartDir, const char *name, bool on, int errdom)
{
    g_autofree char *link = vkStateConfigPath(autostartDir, name);
    g_autofree char *file = NULL;
    g_autofree char *target = NULL;

    if (!on) {
        if (g_unlink(link) < 0 && errno != ENOENT) {
            vkReportSystemErrorFull(errdom, errno, __FILE__, __func__, __LINE__,
                                    "cannot remove autostart link '%s'", link);
            return false;
        }
        return true;
    }
    file = g_strdup_printf("%s.xml", name);
    target = g_build_filename("..", file, NULL);
    if (g_mkdir_with_parents(autostartDir, 0700) < 0 ||
        (symlink(target, link) < 0 && errno != EEXIST)) {
        vkReportSystemErrorFull(errdom, errno, __FILE__, __func__, __LINE__,
                                "cannot create autostart link '%s'", link);
        return false;
    }
    return true;
}
