/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The network driver's files, in one place so that they can move onto a
 * shared stateful-driver frame later:
 *
 *   <config root>/network/NAME.xml            persistent definitions
 *   <config root>/network/autostart/NAME.xml  symlink: start with the daemon
 *   <run root>/network/NAME.xml               live definition of a running one
 *   <run root>/network/NAME.status            what it holds on the host
 *   <run root>/network/NAME.{conf,pid,leases,hosts,addnhosts,nft}  helpers' files
 *
 * Every write is atomic (temp file, fsync, rename).  The status file is
 * written before the first host resource exists and removed after the
 * last one is gone, so a crash at any point leaves a record of exactly
 * what may exist.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#define VIR_FROM_THIS VIR_FROM_NETWORK
#include "util/error.h"
#include "util/atomic-file.h"
#include "drivers/network/network-private.h"

void
vkNetResourcesClear(vkNetResources *r)
{
    g_clear_pointer(&r->bridge, g_free);
    g_clear_pointer(&r->nftTable, g_free);
    r->bridgeOwned = false;
    r->dnsmasq = false;
}

/* Directories are made when the first file goes in, so a root whose
 * connections never touch a network gets nothing of ours. */
static int
makeDir(const char *dir)
{
    if (g_mkdir_with_parents(dir, 0755) < 0) {
        vkReportSystemError(errno, "cannot create network driver directory '%s'", dir);
        return -1;
    }
    return 0;
}

void
vkNetStateRemoveStale(vkNetState *st)
{
    if (g_file_test(st->configDir, G_FILE_TEST_IS_DIR))
        vkAtomicFileRemoveStale(st->configDir);
    if (g_file_test(st->runDir, G_FILE_TEST_IS_DIR))
        vkAtomicFileRemoveStale(st->runDir);
}

static char *
configPath(vkNetState *st, const char *name)
{
    g_autofree char *file = g_strdup_printf("%s.xml", name);

    return g_build_filename(st->configDir, file, NULL);
}

static char *
autostartPath(vkNetState *st, const char *name)
{
    g_autofree char *file = g_strdup_printf("%s.xml", name);

    return g_build_filename(st->autostartDir, file, NULL);
}

char *
vkNetStateRunFile(vkNetState *st, const char *name, const char *suffix)
{
    g_autofree char *file = g_strdup_printf("%s.%s", name, suffix);

    return g_build_filename(st->runDir, file, NULL);
}

static int
writeDef(const char *path, const vkNetworkDef *def)
{
    g_autofree char *xml = vkNetworkDefFormat(def, 0);

    return vkAtomicFileWrite(path, xml, strlen(xml), 0600);
}

static vkNetworkDef *
readDef(const char *path)
{
    g_autofree char *xml = NULL;
    g_autoptr(GError) err = NULL;

    if (!g_file_get_contents(path, &xml, NULL, &err)) {
        vkReportError(VIR_ERR_OPERATION_FAILED, "cannot read '%s': %s", path, err->message);
        return NULL;
    }
    return vkNetworkDefParseString(xml);
}

int
vkNetStateLoadConfigs(vkNetState *st)
{
    g_autoptr(GDir) dir = g_dir_open(st->configDir, 0, NULL);
    const char *ent;

    if (!dir)
        return 0;
    while ((ent = g_dir_read_name(dir))) {
        g_autofree char *path = NULL, *name = NULL, *mark = NULL;
        vkNetworkDef *def;
        vkNetObj *obj;

        if (!g_str_has_suffix(ent, ".xml") || ent[0] == '.')
            continue;
        path = g_build_filename(st->configDir, ent, NULL);
        name = g_strndup(ent, strlen(ent) - 4);
        if (!(def = readDef(path)) || strcmp(def->name, name) != 0) {
            /* one bad file must not hide the other networks */
            g_warning("network config '%s' skipped: %s", path,
                      def ? "its name does not match the file" : virGetLastErrorMessage());
            vkNetworkDefFree(def);
            continue;
        }
        obj = g_new0(vkNetObj, 1);
        obj->def = def;
        obj->persistent = true;
        mark = autostartPath(st, name);
        obj->autostart = g_file_test(mark, G_FILE_TEST_EXISTS);
        g_ptr_array_add(st->nets, obj);
    }
    return 0;
}

int
vkNetStateSaveConfig(vkNetState *st, const vkNetworkDef *def)
{
    g_autofree char *path = configPath(st, def->name);

    if (makeDir(st->configDir) < 0)
        return -1;
    return writeDef(path, def);
}

int
vkNetStateDeleteConfig(vkNetState *st, const char *name)
{
    g_autofree char *path = configPath(st, name);
    g_autofree char *mark = autostartPath(st, name);

    g_unlink(mark);
    if (g_unlink(path) < 0 && errno != ENOENT) {
        vkReportSystemError(errno, "cannot remove network config '%s'", path);
        return -1;
    }
    return 0;
}

int
vkNetStateSetAutostart(vkNetState *st, const char *name, bool on)
{
    g_autofree char *mark = autostartPath(st, name);
    g_autofree char *target = NULL;

    if (!on) {
        if (g_unlink(mark) < 0 && errno != ENOENT) {
            vkReportSystemError(errno, "cannot remove autostart link '%s'", mark);
            return -1;
        }
        return 0;
    }
    target = configPath(st, name);
    if (makeDir(st->autostartDir) < 0)
        return -1;
    if (symlink(target, mark) < 0 && errno != EEXIST) {
        vkReportSystemError(errno, "cannot create autostart link '%s'", mark);
        return -1;
    }
    return 0;
}

int
vkNetStateSaveLive(vkNetState *st, const vkNetworkDef *def, const vkNetResources *res)
{
    g_autofree char *defPath = vkNetStateRunFile(st, def->name, "xml");
    g_autofree char *statusPath = vkNetStateRunFile(st, def->name, "status");
    g_autoptr(GKeyFile) kf = g_key_file_new();
    g_autofree char *data = NULL;
    gsize len;

    if (makeDir(st->runDir) < 0 || writeDef(defPath, def) < 0)
        return -1;
    g_key_file_set_string(kf, "network", "bridge", res->bridge ? res->bridge : "");
    g_key_file_set_boolean(kf, "network", "bridge-owned", res->bridgeOwned);
    g_key_file_set_string(kf, "network", "nft-table", res->nftTable ? res->nftTable : "");
    g_key_file_set_boolean(kf, "network", "dnsmasq", res->dnsmasq);
    data = g_key_file_to_data(kf, &len, NULL);
    return vkAtomicFileWrite(statusPath, data, len, 0600);
}

int
vkNetStateLoadLive(vkNetState *st, const char *name, vkNetworkDef **def,
                   vkNetResources *res)
{
    g_autofree char *defPath = vkNetStateRunFile(st, name, "xml");
    g_autofree char *statusPath = vkNetStateRunFile(st, name, "status");
    g_autoptr(GKeyFile) kf = g_key_file_new();
    g_autoptr(GError) err = NULL;
    g_autofree char *bridge = NULL, *table = NULL;

    if (!g_key_file_load_from_file(kf, statusPath, G_KEY_FILE_NONE, &err)) {
        if (g_error_matches(err, G_FILE_ERROR, G_FILE_ERROR_NOENT))
            return 1;
        vkReportError(VIR_ERR_OPERATION_FAILED, "cannot read '%s': %s", statusPath,
                      err->message);
        return -1;
    }
    bridge = g_key_file_get_string(kf, "network", "bridge", NULL);
    table = g_key_file_get_string(kf, "network", "nft-table", NULL);
    res->bridge = bridge && *bridge ? g_steal_pointer(&bridge) : NULL;
    res->nftTable = table && *table ? g_steal_pointer(&table) : NULL;
    res->bridgeOwned = g_key_file_get_boolean(kf, "network", "bridge-owned", NULL);
    res->dnsmasq = g_key_file_get_boolean(kf, "network", "dnsmasq", NULL);
    if (def && !(*def = readDef(defPath)))
        return -1;
    return 0;
}

void
vkNetStateDeleteLive(vkNetState *st, const char *name)
{
    static const char *const suffixes[] = {
        "conf", "pid", "leases", "hosts", "addnhosts", "nft", "xml", "status",
    };

    /* the status goes last: until then a crash leaves a record */
    for (size_t i = 0; i < G_N_ELEMENTS(suffixes); i++) {
        g_autofree char *path = vkNetStateRunFile(st, name, suffixes[i]);

        g_unlink(path);
    }
}

GPtrArray *
vkNetStateListLive(vkNetState *st)
{
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GDir) dir = g_dir_open(st->runDir, 0, NULL);
    const char *ent;

    while (dir && (ent = g_dir_read_name(dir))) {
        if (g_str_has_suffix(ent, ".status") && ent[0] != '.')
            g_ptr_array_add(names, g_strndup(ent, strlen(ent) - strlen(".status")));
    }
    return names;
}
