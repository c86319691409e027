/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Network pool types: "netfs" (an NFS/CIFS/GlusterFS export mounted on the
 * target directory) and "iscsi" (the LUNs of an iSCSI target, through the
 * kernel's initiator and open-iscsi's iscsiadm), and their discovery.
 *
 * The idea: both are accepted at define, as libvirt accepts them, and
 * fail at start when the host cannot do it, saying why: netfs runs the
 * real mount(8), so a kernel without the filesystem gets mount's own
 * "unknown filesystem type" (and a kernel with it gets a mounted pool);
 * iscsi names the missing tool or kernel transport.  Discovery asks the
 * server with showmount(8) or iscsiadm's sendtargets.
 */
#include <errno.h>
#include <string.h>

#define VIR_FROM_THIS VIR_FROM_STORAGE
#include "util/error.h"
#include "conf/domain-conf-priv.h"
#include "drivers/storage/storage-private.h"

static const char *
hostOf(const vkStoragePoolDef *def)
{
    return vkXmlElemGetAttr(vkStorageElemChild(def->source, "host"), "name");
}

static const char *
requireHost(const vkStoragePoolDef *def, const char *type)
{
    const char *host = hostOf(def);

    if (!host)
        vkReportError(VIR_ERR_INVALID_ARG, "hostname must be specified for %s sources", type);
    return host;
}

/* ---- netfs ---- */

static int
netfsBuild(vkStoragePoolDef *def, unsigned int flags)
{
    (void)flags;
    if (g_mkdir_with_parents(def->targetPath, 0711) < 0) {
        vkReportSystemError(errno, "cannot create directory '%s'", def->targetPath);
        return -1;
    }
    return 0;
}

static int
netfsStart(vkStoragePoolDef *def)
{
    const char *host = requireHost(def, "netfs");
    const char *dir = vkXmlElemGetAttr(vkStorageElemChild(def->source, "dir"), "path");
    const char *fmt = vkStorageSourceFormat(def);
    g_autofree char *src = NULL;

    if (!host)
        return -1;
    if (!dir) {
        vkReportError(VIR_ERR_INVALID_ARG, "storage pool '%s' has no source dir path",
                      def->name);
        return -1;
    }
    if (!fmt || strcmp(fmt, "auto") == 0)
        fmt = "nfs";
    src = strcmp(fmt, "cifs") == 0 ? g_strdup_printf("//%s/%s", host, dir + (*dir == '/'))
                                   : g_strdup_printf("%s:%s", host, dir);
    {
        const char *argv[] = { "mount", "-o", "nodev,nosuid,noexec", "-t", fmt, src,
                               def->targetPath, NULL };

        return vkStorageRun(argv, NULL);
    }
}

static bool
netfsIsRunning(vkStoragePoolDef *def)
{
    g_autofree char *mounts = NULL;
    g_autofree char *needle = g_strdup_printf(" %s ", def->targetPath);

    return g_file_get_contents("/proc/self/mounts", &mounts, NULL, NULL) &&
           strstr(mounts, needle);
}

static int
netfsStop(vkStoragePoolDef *def)
{
    const char *argv[] = { "umount", def->targetPath, NULL };

    return netfsIsRunning(def) ? vkStorageRun(argv, NULL) : 0;
}

static char *
netfsFindSources(const vkStoragePoolDef *spec)
{
    const char *host = requireHost(spec, "netfs");
    g_autofree char *out = NULL;
    g_auto(GStrv) lines = NULL;
    GString *buf;
    int n = 0;

    if (!host)
        return NULL;
    {
        const char *argv[] = { "showmount", "--no-headers", "-e", host, NULL };

        if (vkStorageRun(argv, &out) < 0)
            return NULL;
    }
    buf = g_string_new("<sources>\n");
    lines = g_strsplit(out, "\n", -1);
    for (size_t i = 0; lines[i]; i++) {
        g_auto(GStrv) f = g_strsplit_set(g_strstrip(lines[i]), " \t", 2);

        if (!f[0] || f[0][0] != '/')
            continue;
        g_string_append(buf, "  <source>\n    <host name='");
        vkConfEscape(buf, host);
        g_string_append(buf, "'/>\n    <dir path='");
        vkConfEscape(buf, f[0]);
        g_string_append(buf, "'/>\n    <format type='nfs'/>\n  </source>\n");
        n++;
    }
    g_string_append(buf, "</sources>\n");
    if (!n) {
        g_string_free(buf, TRUE);
        vkReportError(VIR_ERR_OPERATION_FAILED, "no storage pools were found on host '%s'",
                      host);
        return NULL;
    }
    return g_string_free(buf, FALSE);
}

/* ---- iscsi ---- */

static const char *
portOf(const vkStoragePoolDef *def)
{
    const char *port = vkXmlElemGetAttr(vkStorageElemChild(def->source, "host"), "port");

    return port ? port : "3260";
}

static int
iscsiBuild(vkStoragePoolDef *def, unsigned int flags)
{
    (void)def;
    (void)flags;
    return 0;
}

static int
iscsiStart(vkStoragePoolDef *def)
{
    g_autofree char *iscsiadm = g_find_program_in_path("iscsiadm");
    const char *iqn = vkStorageSourceDevice(def);

    if (!requireHost(def, "iscsi"))
        return -1;
    if (!iqn) {
        vkReportError(VIR_ERR_INVALID_ARG, "storage pool '%s' has no source device path",
                      def->name);
        return -1;
    }
    if (!iscsiadm) {
        vkReportSystemError(ENOENT, "Cannot find '%s' in path", "iscsiadm");
        return -1;
    }
    if (!g_file_test("/sys/module/iscsi_tcp", G_FILE_TEST_IS_DIR)) {
        vkReportError(VIR_ERR_OPERATION_FAILED,
                      "cannot log in to iSCSI target '%s': the kernel has no iSCSI TCP "
                      "transport (module iscsi_tcp)", iqn);
        return -1;
    }
    vkReportError(VIR_ERR_NO_SUPPORT,
                  "logging in to iSCSI target '%s' is not implemented by this storage driver",
                  iqn);
    return -1;
}

static bool
iscsiIsRunning(vkStoragePoolDef *def)
{
    (void)def;
    return false;
}

static int
iscsiStop(vkStoragePoolDef *def)
{
    (void)def;
    return 0;
}

static int
iscsiRemove(vkStoragePoolDef *def, unsigned int flags)
{
    (void)flags;
    vkReportError(VIR_ERR_NO_SUPPORT, "pool type '%s' has no storage to delete",
                  vkStoragePoolTypeToString(def->type));
    return -1;
}

static int
iscsiRefresh(vkStoragePoolDef *def, GPtrArray *vols)
{
    (void)vols;
    vkReportError(VIR_ERR_OPERATION_INVALID, "storage pool '%s' is not logged in", def->name);
    return -1;
}

/* sendtargets discovery: "IP:PORT,TPGT IQN" lines. */
static char *
iscsiFindSources(const vkStoragePoolDef *spec)
{
    const char *host = requireHost(spec, "iscsi");
    g_autofree char *portal = NULL;
    g_autofree char *out = NULL;
    g_auto(GStrv) lines = NULL;
    GString *buf;

    if (!host)
        return NULL;
    portal = g_strdup_printf("%s:%s,1", host, portOf(spec));
    {
        const char *argv[] = { "iscsiadm", "--mode", "discovery", "--type", "sendtargets",
                               "--portal", portal, "--op", "nonpersistent", NULL };

        if (vkStorageRun(argv, &out) < 0)
            return NULL;
    }
    buf = g_string_new("<sources>\n");
    lines = g_strsplit(out, "\n", -1);
    for (size_t i = 0; lines[i]; i++) {
        g_auto(GStrv) f = g_strsplit(g_strstrip(lines[i]), " ", 2);

        if (!f[0] || !f[1])
            continue;
        g_string_append(buf, "  <source>\n    <host name='");
        vkConfEscape(buf, host);
        g_string_append_printf(buf, "' port='%s'/>\n    <device path='", portOf(spec));
        vkConfEscape(buf, f[1]);
        g_string_append(buf, "'/>\n  </source>\n");
    }
    g_string_append(buf, "</sources>\n");
    return g_string_free(buf, FALSE);
}

const vkStorageBackend vkStorageBackendNetfs = {
    VK_STORAGE_POOL_NETFS, netfsBuild, netfsStart, netfsIsRunning, netfsStop, vkStorageDirRemove,
    vkStorageDirRefresh, NULL, NULL, netfsFindSources,
};

const vkStorageBackend vkStorageBackendIscsi = {
    VK_STORAGE_POOL_ISCSI, iscsiBuild, iscsiStart, iscsiIsRunning, iscsiStop, iscsiRemove,
    iscsiRefresh, NULL, NULL, iscsiFindSources,
};
