/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The storage driver's files on disk, kept in this one file so that it can
 * move onto the shared stateful-driver frame later:
 *
 *   <config root>/storage/NAME.xml            persistent pool definitions
 *   <config root>/storage/autostart/NAME.xml  symlink: start with the daemon
 *   <run root>/storage/NAME.xml               the definition of a running pool
 *
 * Every file is written with vkAtomicFileWrite, so a define or a start that
 * returned survives a crash at any instant.  The live file is what makes a
 * pool still active after a daemon restart (a transient pool exists only
 * there).
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#define VIR_FROM_THIS VIR_FROM_STORAGE
#include "util/error.h"
#include "util/atomic-file.h"
#include "drivers/storage/storage-private.h"

static char *
fileIn(const char *dir, const char *name)
{
    g_autofree char *base = g_strconcat(name, ".xml", NULL);

    return g_build_filename(dir, base, NULL);
}

static int
ensureDir(const char *dir)
{
    if (g_mkdir_with_parents(dir, 0700) < 0) {
        vkReportSystemError(errno, "cannot create storage driver directory '%s'", dir);
        return -1;
    }
    return 0;
}

static int
writeDef(const char *dir, const vkStoragePoolDef *def)
{
    g_autofree char *path = fileIn(dir, def->name);
    g_autofree char *xml = vkStoragePoolDefFormat(def);

    if (ensureDir(dir) < 0)
        return -1;
    return vkAtomicFileWrite(path, xml, strlen(xml), 0600);
}

static vkStoragePoolDef *
readDef(const char *path)
{
    g_autofree char *xml = NULL;
    vkStoragePoolDef *def;

    if (!g_file_get_contents(path, &xml, NULL, NULL))
        return NULL;
    if (!(def = vkStoragePoolDefParseString(xml))) {
        g_warning("storage driver: skipping '%s': %s", path,
                  vkErrorIsSet() ? vkErrorGetLast()->message : "invalid");
        vkErrorReset();
    }
    return def;
}

/* Calls fn for every NAME.xml of dir (stale temporary files removed). */
static void
forEachDef(const char *dir, void (*fn)(vkStorageState *st, const char *path,
                                       const char *name), vkStorageState *st)
{
    g_autoptr(GDir) d = NULL;
    const char *n;

    vkAtomicFileRemoveStale(dir);
    if (!(d = g_dir_open(dir, 0, NULL)))
        return;
    while ((n = g_dir_read_name(d))) {
        g_autofree char *path = NULL;
        g_autofree char *name = NULL;

        if (n[0] == '.' || !g_str_has_suffix(n, ".xml"))
            continue;
        path = g_build_filename(dir, n, NULL);
        name = g_strndup(n, strlen(n) - 4);
        fn(st, path, name);
    }
}

static void
loadConfig(vkStorageState *st, const char *path, const char *name)
{
    g_autoptr(vkStoragePoolDef) def = readDef(path);
    g_autofree char *link = fileIn(st->autostartDir, name);
    vkStoragePoolObj *obj;

    /* A file renamed by hand must not shadow the pool of its name. */
    if (!def || strcmp(def->name, name) != 0 || vkStoragePoolFindByName(st, name))
        return;
    obj = vkStoragePoolObjNew(g_steal_pointer(&def));
    obj->persistent = true;
    obj->autostart = g_file_test(link, G_FILE_TEST_EXISTS);
    g_ptr_array_add(st->pools, obj);
}

/* A live file: the pool ran when the previous owner of this root went
 * away.  It is active again if its storage is still in place. */
static void
loadLive(vkStorageState *st, const char *path, const char *name)
{
    g_autoptr(vkStoragePoolDef) def = readDef(path);
    vkStoragePoolObj *obj = vkStoragePoolFindByName(st, name);
    const vkStorageBackend *be;

    if (!def || strcmp(def->name, name) != 0 || !(be = vkStorageBackendFor(def->type)) ||
        !be->isRunning(def)) {
        vkErrorReset();
        g_unlink(path);
        return;
    }
    if (obj) {
        obj->newDef = obj->def;
        obj->def = g_steal_pointer(&def);
    } else {
        obj = vkStoragePoolObjNew(g_steal_pointer(&def));
        g_ptr_array_add(st->pools, obj);
    }
    obj->active = true;
    if (vkStoragePoolRefreshLocked(obj) < 0)
        vkErrorReset();
}

/* Directories are made on the first write, so a daemon whose clients
 * never use storage leaves nothing on the host. */
int
vkStorageStateLoad(vkStorageState *st)
{
    forEachDef(st->configDir, loadConfig, st);
    forEachDef(st->runDir, loadLive, st);
    return 0;
}

int
vkStorageStateSaveConfig(vkStorageState *st, const vkStoragePoolDef *def)
{
    return writeDef(st->configDir, def);
}

int
vkStorageStateDeleteConfig(vkStorageState *st, const char *name)
{
    g_autofree char *path = fileIn(st->configDir, name);

    vkStorageStateSetAutostart(st, name, false);
    if (g_unlink(path) < 0 && errno != ENOENT) {
        vkReportSystemError(errno, "cannot remove config file '%s'", path);
        return -1;
    }
    return 0;
}

int
vkStorageStateSetAutostart(vkStorageState *st, const char *name, bool on)
{
    g_autofree char *link = fileIn(st->autostartDir, name);
    g_autofree char *target = fileIn(st->configDir, name);

    if (!on) {
        if (g_unlink(link) < 0 && errno != ENOENT) {
            vkReportSystemError(errno, "cannot remove autostart link '%s'", link);
            return -1;
        }
        return 0;
    }
    if (ensureDir(st->autostartDir) < 0)
        return -1;
    if (symlink(target, link) < 0 && errno != EEXIST) {
        vkReportSystemError(errno, "cannot create autostart link '%s' to '%s'",
                            link, target);
        return -1;
    }
    return 0;
}

int
vkStorageStateSaveLive(vkStorageState *st, const vkStoragePoolDef *def)
{
    return writeDef(st->runDir, def);
}

void
vkStorageStateDeleteLive(vkStorageState *st, const char *name)
{
    g_autofree char *path = fileIn(st->runDir, name);

    g_unlink(path);
}
