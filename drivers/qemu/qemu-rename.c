/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * virDomainRename for QEMU domains, with libvirt's limits: only an
 * inactive persistent domain without a managed save image.
 *
 * The files follow the name: the config under the new name is written
 * first, then the autostart link moves, then the old config goes.  A
 * crash in between leaves two configs of one UUID; loading keeps one of
 * them (the clash check refuses the other), never none.
 */
#include <errno.h>
#include <string.h>
#include <glib/gstdio.h>

#define VIR_FROM_THIS VIR_FROM_QEMU
#include "util/error.h"
#include "conf/domain-name.h"
#include "core/state-config.h"
#include "drivers/qemu/qemu-private.h"

static int
renameChecks(vkQemuState *st, vkQemuDomain *obj, const char *newName)
{
    g_autofree char *image = NULL;

    if (vkDomainRenameCheck(obj->name, newName) < 0)
        return -1;
    if (obj->id >= 0 || obj->job || obj->starting) {
        vkReportError(VIR_ERR_OPERATION_INVALID, "%s", "cannot rename active domain");
        return -1;
    }
    if (!obj->persistent) {
        vkReportError(VIR_ERR_OPERATION_INVALID, "%s", "cannot rename a transient domain");
        return -1;
    }
    image = vkQemuManagedSavePath(st, obj->name);
    if (g_file_test(image, G_FILE_TEST_EXISTS)) {
        vkReportError(VIR_ERR_OPERATION_INVALID, "%s",
                      "domain with a managed saved state can't be renamed");
        return -1;
    }
    if (vkDomainListFindByName(&st->domains, newName)) {
        vkReportErrorFull(VIR_FROM_DOMAIN, VIR_ERR_OPERATION_INVALID, __FILE__, __func__,
                          __LINE__, "domain with name '%s' already exists", newName);
        return -1;
    }
    return 0;
}

/* Locked: the files of obj under newName; on failure none of the new
 * ones is left. */
static int
renameFiles(vkQemuState *st, vkQemuDomain *obj, const char *newName)
{
    g_autoptr(vkDomainDef) def = vkDomainDefCopy(obj->def);
    g_autofree char *newPath = vkDomainNameFile(st->configDir, newName, ".xml");
    g_autofree char *oldPath = vkDomainNameFile(st->configDir, obj->name, ".xml");

    if (!def || !newPath || !oldPath)
        return -1;
    g_free(def->name);
    def->name = g_strdup(newName);
    if (vkDomainDefSaveConfig(st->configDir, def) < 0)
        return -1;
    if (obj->autostart && !vkStateAutostartSet(st->autostartDir, newName, true, VIR_FROM_QEMU))
        goto undo;
    if (g_unlink(oldPath) < 0 && errno != ENOENT) {
        vkReportSystemError(errno, "cannot remove config file '%s'", oldPath);
        goto undo;
    }
    if (obj->autostart)
        vkStateAutostartSet(st->autostartDir, obj->name, false, VIR_FROM_QEMU);
    return 0;

 undo:
    if (obj->autostart) {
        virErrorPtr saved = vkErrorSave();

        vkStateAutostartSet(st->autostartDir, newName, false, VIR_FROM_QEMU);
        vkErrorRestore(&saved);
    }
    g_unlink(newPath);
    return -1;
}

int
vkQemuDomainRename(virDomainPtr dom, const char *new_name, unsigned int flags)
{
    vkQemuState *st;
    vkQemuDomain *obj;

    vkCheckFlags(0, -1);
    if (!(obj = vkQemuDomainGet(dom, &st)))
        return -1;
    if (renameChecks(st, obj, new_name) < 0 || renameFiles(st, obj, new_name) < 0) {
        g_mutex_unlock(&st->lock);
        return -1;
    }
    vkQemuEmitLifecycle(st, obj, VIR_DOMAIN_EVENT_UNDEFINED,
                        VIR_DOMAIN_EVENT_UNDEFINED_RENAMED);
    vkDomainListRename(&st->domains, obj, new_name);
    vkQemuEmitLifecycle(st, obj, VIR_DOMAIN_EVENT_DEFINED,
                        VIR_DOMAIN_EVENT_DEFINED_RENAMED);
    g_mutex_unlock(&st->lock);
    return 0;
}
