/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The secret driver's files, as libvirt keeps them:
 *
 *   CONFIGDIR/UUID.xml      the definition of a persistent secret
 *   CONFIGDIR/UUID.base64   its value, base64
 *
 * Both are written with vkAtomicFileWrite, mode 0600 in a 0700 directory,
 * so a define or a value change that returned survives a crash and no
 * other user ever reads a value.  Loading goes through the frame's config
 * loader; a value file without its definition is ignored.
 */
#include <errno.h>
#include <string.h>
#include <glib/gstdio.h>

#define VIR_FROM_THIS VIR_FROM_SECRET
#include "util/error.h"
#include "util/uuid.h"
#include "util/atomic-file.h"
#include "core/state-config.h"
#include "drivers/secret/secret-private.h"

static void *
parseDef(const char *xml, void *opaque)
{
    (void)opaque;
    return vkSecretDefParseString(xml);
}

static char *
formatDef(const void *def)
{
    return vkSecretDefFormat(def);
}

/* Files are named by UUID; the loader copies the name at once. */
static const char *
defName(const void *def)
{
    static _Thread_local char buf[VIR_UUID_STRING_BUFLEN];

    return vkUUIDFormat(((const vkSecretDef *)def)->uuid, buf);
}

static char *
valuePath(vkSecretState *st, const unsigned char *uuid)
{
    char u[VIR_UUID_STRING_BUFLEN];
    g_autofree char *file = g_strdup_printf("%s.base64", vkUUIDFormat(uuid, u));

    return g_build_filename(st->configDir, file, NULL);
}

static void *
addLoaded(void *opaque, void **defp)
{
    vkSecretState *st = opaque;
    vkSecretDef *def = *defp;
    g_autofree char *path = NULL;
    g_autofree char *b64 = NULL;
    vkSecretObj *obj;

    for (guint i = 0; i < st->secrets->len; i++) {
        const vkSecretDef *o = ((vkSecretObj *)st->secrets->pdata[i])->def;

        if (memcmp(o->uuid, def->uuid, VIR_UUID_BUFLEN) == 0 ||
            (def->usageType != VIR_SECRET_USAGE_TYPE_NONE && o->usageType == def->usageType &&
             g_strcmp0(o->usageID, def->usageID) == 0)) {
            vkReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                          "it clashes with a secret loaded before");
            return NULL;
        }
    }
    obj = g_new0(vkSecretObj, 1);
    obj->def = def;
    *defp = NULL;
    path = valuePath(st, def->uuid);
    if (g_file_get_contents(path, &b64, NULL, NULL)) {
        gsize len = 0;

        obj->value = g_base64_decode(g_strstrip(b64), &len);
        obj->valueLen = len;
    }
    g_ptr_array_add(st->secrets, obj);
    return obj;
}

static const vkStateConfigOps secretConfigOps = {
    .label = "secret driver",
    .parse = parseDef,
    .format = formatDef,
    .name = defName,
    .defFree = (GDestroyNotify)vkSecretDefFree,
    .add = addLoaded,
};

void
vkSecretStoreLoad(vkSecretState *st)
{
    vkStateConfigLoadAll(&secretConfigOps, st->configDir, NULL, st);
}

static int
ensureDir(vkSecretState *st)
{
    if (g_mkdir_with_parents(st->configDir, 0700) < 0) {
        vkReportSystemError(errno, "cannot create secret directory '%s'", st->configDir);
        return -1;
    }
    return 0;
}

int
vkSecretStoreSaveDef(vkSecretState *st, const vkSecretDef *def)
{
    if (ensureDir(st) < 0)
        return -1;
    return vkStateConfigSave(&secretConfigOps, st->configDir, def);
}

int
vkSecretStoreSaveValue(vkSecretState *st, const vkSecretObj *obj)
{
    g_autofree char *path = valuePath(st, obj->def->uuid);
    g_autofree char *b64 = NULL;

    if (!obj->value) {
        if (g_unlink(path) < 0 && errno != ENOENT) {
            vkReportSystemError(errno, "cannot remove secret value '%s'", path);
            return -1;
        }
        return 0;
    }
    if (ensureDir(st) < 0)
        return -1;
    b64 = g_base64_encode(obj->value, obj->valueLen);
    return vkAtomicFileWriteFrom(VIR_FROM_SECRET, path, b64, strlen(b64), 0600);
}

int
vkSecretStoreDelete(vkSecretState *st, const unsigned char *uuid)
{
    g_autofree char *path = valuePath(st, uuid);
    char u[VIR_UUID_STRING_BUFLEN];

    if (g_unlink(path) < 0 && errno != ENOENT) {
        vkReportSystemError(errno, "cannot remove secret value '%s'", path);
        return -1;
    }
    return vkStateConfigDelete(st->configDir, vkUUIDFormat(uuid, u), VIR_FROM_SECRET);
}
