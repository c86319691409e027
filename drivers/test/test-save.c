/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Saving and restoring test domains: save files and managed save.
 *
 * A test guest has no memory to dump, so its "state" is its live
 * definition plus whether it was paused.  A save file is a fixed header
 * (magic, version, flags, XML length, little-endian) followed by the live
 * domain XML; restore checks every header field before trusting the
 * length.  A managed save image is the same content kept in memory on the
 * domain object: it lives exactly as long as the domain does.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define VIR_FROM_THIS VIR_FROM_TEST
#include "util/error.h"
#include "util/fd-io.h"
#include "drivers/test/test-private.h"

#define SAVE_MAGIC "VirtkitTestSave\n"
#define SAVE_VERSION 1
#define SAVE_FLAG_PAUSED 1u

typedef struct {
    char magic[16];
    guint32 version;
    guint32 flags;
    guint32 xmlLen;
    guint32 unused;
} saveHeader;

G_STATIC_ASSERT(sizeof(saveHeader) == 32);
G_STATIC_ASSERT(sizeof(SAVE_MAGIC) - 1 == 16);

static int
writeAll(int fd, const void *buf, size_t len)
{
    const char *p = buf;

    while (len > 0) {
        ssize_t n = write(fd, p, len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        p += n;
        len -= n;
    }
    return 0;
}

/* dxml replaces the definition stored in an image; it must describe the
 * same domain. */
static vkDomainDef *
parseReplacement(const char *dxml, const char *name, const unsigned char *uuid)
{
    g_autoptr(vkDomainDef) def = vkTestParseDef(dxml, 0);

    if (!def)
        return NULL;
    if (strcmp(def->name, name) != 0 || memcmp(def->uuid, uuid, VIR_UUID_BUFLEN) != 0) {
        vkReportError(VIR_ERR_INVALID_ARG,
                      "replacement XML describes domain '%s', not the saved domain '%s'",
                      def->name, name);
        return NULL;
    }
    return g_steal_pointer(&def);
}

static bool
checkSaveFlags(unsigned int flags)
{
    if ((flags & VIR_DOMAIN_SAVE_RUNNING) && (flags & VIR_DOMAIN_SAVE_PAUSED)) {
        vkReportError(VIR_ERR_INVALID_ARG, "%s",
                      "flags VIR_DOMAIN_SAVE_RUNNING and VIR_DOMAIN_SAVE_PAUSED "
                      "are mutually exclusive");
        return false;
    }
    return true;
}

static bool
wantPaused(unsigned int flags, bool wasPaused)
{
    if (flags & VIR_DOMAIN_SAVE_PAUSED)
        return true;
    if (flags & VIR_DOMAIN_SAVE_RUNNING)
        return false;
    return wasPaused;
}

/* Marks obj running from a restored definition already in obj->def. */
static int
startRestored(vkTestState *st, vkTestDomain *obj, bool paused)
{
    if (vkTestDomainStart(st, obj, VIR_DOMAIN_RUNNING_RESTORED) < 0)
        return -1;
    vkTestEmitLifecycle(st, obj, VIR_DOMAIN_EVENT_STARTED, VIR_DOMAIN_EVENT_STARTED_RESTORED);
    if (paused) {
        vkTestDomainSetState(obj, VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_USER);
        vkTestEmitLifecycle(st, obj, VIR_DOMAIN_EVENT_SUSPENDED,
                            VIR_DOMAIN_EVENT_SUSPENDED_RESTORED);
    }
    return 0;
}

/* Writes a save image of domain name: the header, then the XML. */
static int
writeImage(const char *name, const char *to, const char *xml, bool paused)
{
    saveHeader hdr = { SAVE_MAGIC };
    size_t len = strlen(xml);
    int fd;

    hdr.version = GUINT32_TO_LE(SAVE_VERSION);
    hdr.flags = GUINT32_TO_LE(paused ? SAVE_FLAG_PAUSED : 0);
    hdr.xmlLen = GUINT32_TO_LE((guint32)len);

    if ((fd = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0) {
        vkReportSystemError(errno, "saving domain '%s' to '%s': open failed", name, to);
        return -1;
    }
    if (writeAll(fd, &hdr, sizeof(hdr)) < 0 || writeAll(fd, xml, len) < 0 ||
        fsync(fd) < 0) {
        vkReportSystemError(errno, "saving domain '%s' to '%s': write failed", name, to);
        close(fd);
        unlink(to);
        return -1;
    }
    if (close(fd) < 0) {
        vkReportSystemError(errno, "saving domain '%s' to '%s': write failed", name, to);
        unlink(to);
        return -1;
    }
    return 0;
}

int
vkTestDomainSaveFlags(virDomainPtr dom, const char *to, const char *dxml, unsigned int flags)
{
    vkTestState *st;
    vkTestDomain *obj;
    g_autofree char *xml = NULL;
    int ret = -1;

    vkCheckFlags(VIR_DOMAIN_SAVE_BYPASS_CACHE | VIR_DOMAIN_SAVE_RUNNING |
                 VIR_DOMAIN_SAVE_PAUSED, -1);
    if (!checkSaveFlags(flags))
        return -1;
    if (!(obj = vkTestDomainGet(dom, &st)))
        return -1;
    if (!vkTestCheckActive(obj))
        goto cleanup;

    if (dxml) {
        g_autoptr(vkDomainDef) def = parseReplacement(dxml, obj->name, obj->uuid);

        if (!def)
            goto cleanup;
        xml = vkDomainDefFormat(def, VIR_DOMAIN_XML_SECURE);
    } else {
        xml = vkDomainDefFormat(obj->def, VIR_DOMAIN_XML_SECURE);
    }
    if (!xml ||
        writeImage(obj->name, to, xml, wantPaused(flags, obj->state == VIR_DOMAIN_PAUSED)) < 0)
        goto cleanup;

    vkTestDomainStop(st, obj, VIR_DOMAIN_SHUTOFF_SAVED, VIR_DOMAIN_EVENT_STOPPED_SAVED);
    dom->id = -1;
    ret = 0;

 cleanup:
    g_mutex_unlock(&st->lock);
    return ret;
}

int
vkTestDomainSave(virDomainPtr dom, const char *to)
{
    return vkTestDomainSaveFlags(dom, to, NULL, 0);
}

/* Reads and checks a save image; returns the XML and the paused flag. */
static char *
readImage(const char *from, bool *paused)
{
    saveHeader hdr;
    g_autofree char *xml = NULL;
    guint32 len;
    ssize_t n;
    int fd;

    if ((fd = open(from, O_RDONLY | O_CLOEXEC)) < 0) {
        vkReportSystemError(errno, "cannot read domain image '%s'", from);
        return NULL;
    }
    n = vkReadFull(fd, &hdr, sizeof(hdr));
    if (n < 0) {
        vkReportSystemError(errno, "cannot read domain image '%s'", from);
        goto error;
    }
    if (n < (ssize_t)sizeof(hdr)) {
        vkReportError(VIR_ERR_OPERATION_FAILED, "incomplete save header in '%s'", from);
        goto error;
    }
    if (memcmp(hdr.magic, SAVE_MAGIC, sizeof(hdr.magic)) != 0) {
        vkReportError(VIR_ERR_OPERATION_FAILED,
                      "'%s' is not a test driver save image (mismatched header magic)",
                      from);
        goto error;
    }
    if (GUINT32_FROM_LE(hdr.version) != SAVE_VERSION) {
        vkReportError(VIR_ERR_OPERATION_FAILED,
                      "save image '%s' has unsupported version %u (expected %d)",
                      from, GUINT32_FROM_LE(hdr.version), SAVE_VERSION);
        goto error;
    }
    len = GUINT32_FROM_LE(hdr.xmlLen);
    if (len == 0 || len > VK_DOMAIN_XML_MAX) {
        vkReportError(VIR_ERR_OPERATION_FAILED,
                      "save image '%s' declares an XML length of %u bytes (limit %d)",
                      from, len, VK_DOMAIN_XML_MAX);
        goto error;
    }
    xml = g_malloc(len + 1);
    n = vkReadFull(fd, xml, len);
    if (n < 0) {
        vkReportSystemError(errno, "cannot read domain image '%s'", from);
        goto error;
    }
    if ((size_t)n < len) {
        vkReportError(VIR_ERR_OPERATION_FAILED,
                      "save image '%s' is truncated: %zd of %u XML bytes present",
                      from, n, len);
        goto error;
    }
    xml[len] = '\0';
    close(fd);
    *paused = GUINT32_FROM_LE(hdr.flags) & SAVE_FLAG_PAUSED;
    return g_steal_pointer(&xml);

 error:
    close(fd);
    return NULL;
}

int
vkTestDomainRestoreFlags(virConnectPtr conn, const char *from, const char *dxml,
                         unsigned int flags)
{
    vkTestState *st = vkTestConnState(conn);
    g_autofree char *xml = NULL;
    g_autoptr(vkDomainDef) def = NULL;
    vkTestDomain *obj;
    bool paused = false;
    int ret = -1;

    vkCheckFlags(VIR_DOMAIN_SAVE_BYPASS_CACHE | VIR_DOMAIN_SAVE_RUNNING |
                 VIR_DOMAIN_SAVE_PAUSED, -1);
    if (!checkSaveFlags(flags))
        return -1;
    if (!(xml = readImage(from, &paused)))
        return -1;
    if (!(def = vkTestParseDef(xml, 0)))
        return -1;
    if (dxml) {
        vkDomainDef *repl = parseReplacement(dxml, def->name, def->uuid);

        if (!repl)
            return -1;
        vkDomainDefFree(def);
        def = repl;
    }

    g_mutex_lock(&st->lock);
    if (!(obj = vkTestDomainAdd(st, &def, true, NULL)))
        goto cleanup;
    if (startRestored(st, obj, wantPaused(flags, paused)) < 0) {
        if (!obj->persistent)
            vkTestDomainRemove(st, obj);
        goto cleanup;
    }
    ret = 0;

 cleanup:
    g_mutex_unlock(&st->lock);
    return ret;
}

int
vkTestDomainRestore(virConnectPtr conn, const char *from)
{
    return vkTestDomainRestoreFlags(conn, from, NULL, 0);
}

int
vkTestDomainManagedSave(virDomainPtr dom, unsigned int flags)
{
    vkTestState *st;
    vkTestDomain *obj;
    char *xml;
    int ret = -1;

    vkCheckFlags(VIR_DOMAIN_SAVE_BYPASS_CACHE | VIR_DOMAIN_SAVE_RUNNING |
                 VIR_DOMAIN_SAVE_PAUSED, -1);
    if (!checkSaveFlags(flags))
        return -1;
    if (!(obj = vkTestDomainGet(dom, &st)))
        return -1;
    if (!vkTestCheckActive(obj))
        goto cleanup;
    if (!obj->persistent) {
        vkReportError(VIR_ERR_OPERATION_INVALID, "%s",
                      "cannot do managed save for transient domain");
        goto cleanup;
    }
    if (!(xml = vkDomainDefFormat(obj->def, VIR_DOMAIN_XML_SECURE)))
        goto cleanup;
    g_free(obj->managedSaveXML);
    obj->managedSaveXML = xml;
    obj->managedSavePaused = wantPaused(flags, obj->state == VIR_DOMAIN_PAUSED);
    vkTestDomainStop(st, obj, VIR_DOMAIN_SHUTOFF_SAVED, VIR_DOMAIN_EVENT_STOPPED_SAVED);
    dom->id = -1;
    ret = 0;

 cleanup:
    g_mutex_unlock(&st->lock);
    return ret;
}

int
vkTestDomainHasManagedSaveImage(virDomainPtr dom, unsigned int flags)
{
    vkTestState *st;
    vkTestDomain *obj;
    int ret;

    vkCheckFlags(0, -1);
    if (!(obj = vkTestDomainGet(dom, &st)))
        return -1;
    ret = obj->managedSaveXML != NULL;
    g_mutex_unlock(&st->lock);
    return ret;
}

int
vkTestDomainManagedSaveRemove(virDomainPtr dom, unsigned int flags)
{
    vkTestState *st;
    vkTestDomain *obj;

    vkCheckFlags(0, -1);
    if (!(obj = vkTestDomainGet(dom, &st)))
        return -1;
    g_clear_pointer(&obj->managedSaveXML, g_free);
    g_mutex_unlock(&st->lock);
    return 0;
}

int
vkTestDomainStartManagedSave(vkTestState *st, vkTestDomain *obj, bool paused)
{
    vkDomainDef *def = vkTestParseDef(obj->managedSaveXML, 0);

    if (!def)
        return -1;
    /* The image holds the live definition; the stored one stays the
     * next-boot config. */
    vkDomainDefFree(obj->newDef);
    obj->newDef = obj->def;
    obj->def = def;
    paused = paused || obj->managedSavePaused;
    g_clear_pointer(&obj->managedSaveXML, g_free);
    return startRestored(st, obj, paused);
}

char *
vkTestDomainSaveImageGetXMLDesc(virConnectPtr conn, const char *file, unsigned int flags)
{
    g_autoptr(vkDomainDef) def = NULL;
    g_autofree char *xml = NULL;
    bool paused;

    if (!vkTestFlagsOK("testDomainSaveImageGetXMLDesc", flags,
                       VIR_DOMAIN_SAVE_IMAGE_XML_SECURE))
        return NULL;
    /* read back as a definition, as libvirt's test driver does: the image
     * keeps the live id, the answer has none */
    if (!(xml = readImage(file, &paused)) ||
        !(def = vkTestParseDef(xml, VK_DOMAIN_PARSE_INACTIVE)))
        return NULL;
    return vkDomainDefFormat(def, VIR_DOMAIN_XML_SECURE);
}

/* The image's definition replaced, and its paused mark set as RUNNING or
 * PAUSED ask; as in libvirt's test driver, the new definition may even
 * name another domain. */
int
vkTestDomainSaveImageDefineXML(virConnectPtr conn, const char *file, const char *dxml,
                               unsigned int flags)
{
    g_autoptr(vkDomainDef) def = NULL;
    g_autofree char *old = NULL;
    g_autofree char *xml = NULL;
    bool paused;

    VK_TEST_CHECK_FLAGS("testDomainSaveImageDefineXML",
                        VIR_DOMAIN_SAVE_RUNNING | VIR_DOMAIN_SAVE_PAUSED, flags);
    if (!checkSaveFlags(flags) || !(old = readImage(file, &paused)))
        return -1;
    if (!(def = vkTestParseDef(dxml, VK_DOMAIN_PARSE_INACTIVE)) ||
        !(xml = vkDomainDefFormat(def, VIR_DOMAIN_XML_SECURE)))
        return -1;
    return writeImage(def->name, file, xml, wantPaused(flags, paused));
}
