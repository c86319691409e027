/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * virsh dump for QEMU, the two kinds libvirt makes:
 * - --memory-only: the guest's memory written by QMP dump-guest-memory, in
 *   ELF or one of the kdump/win-dmp formats QEMU offers, into a file the
 *   daemon opens and hands QEMU as a descriptor (so QEMU needs no access
 *   to the path);
 * - otherwise QEMU's whole migration stream, as a save writes it but with
 *   no header; the guest pauses for it unless --live and runs again after
 *   unless --crash, which leaves it shut off (crashed).
 * --bypass-cache is refused by name.
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <glib/gstdio.h>

#define VIR_FROM_THIS VIR_FROM_QEMU
#include "util/error.h"
#include "drivers/qemu/qemu-migrate.h"
#include "drivers/qemu/qemu-private.h"
#include "drivers/qemu/qemu-events.h"
#include "drivers/qemu/qemu-stats.h"

static const char *const dumpFormats[VIR_DOMAIN_CORE_DUMP_FORMAT_LAST] = {
    "elf", "kdump-zlib", "kdump-lzo", "kdump-snappy", "win-dmp",
};

/* The formats this QEMU writes (query-dump-guest-memory-capability). */
static bool
formatSupported(vkQemuState *st, vkQemuDomain *obj, const char *format)
{
    g_autoptr(vkJSON) ret = NULL;
    vkJSON *list;

    if (vkQemuDomainMonitorCommand(st, obj, "query-dump-guest-memory-capability",
                                   NULL, &ret) < 0)
        return false;
    list = vkJSONObjectGet(ret, "formats");
    for (size_t i = 0; i < vkJSONArraySize(list); i++) {
        if (g_strcmp0(vkJSONGetString(vkJSONArrayGet(list, i)), format) == 0)
            return true;
    }
    vkReportError(VIR_ERR_OPERATION_UNSUPPORTED,
                  "unsupported dumpformat '%s' for this QEMU binary", format);
    return false;
}

/* Called locked with the job: the dump itself.  QEMU pauses the guest
 * while it copies the memory and resumes it after. */
static int
dumpMemory(vkQemuState *st, vkQemuDomain *obj, const char *to, const char *format)
{
    vkJSON *args;
    int fd, rc;

    if (!formatSupported(st, obj, format))
        return -1;
    if ((fd = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0) {
        vkReportSystemError(errno, "failed to create '%s'", to);
        return -1;
    }
    rc = vkQemuDomainMonitorSendFd(st, obj, "vkdump", fd);
    close(fd);
    if (rc < 0)
        goto fail;
    args = vkJSONNewObject();
    vkJSONObjectAppendBool(args, "paging", false);
    vkJSONObjectAppendString(args, "protocol", "fd:vkdump");
    vkJSONObjectAppendString(args, "format", format);
    if (vkQemuDomainMonitorCommand(st, obj, "dump-guest-memory", args, NULL) < 0)
        goto fail;
    return 0;
 fail:
    g_unlink(to);
    return -1;
}

/* Called locked with the job: the whole state, as QEMU migrates it. */
static int
dumpState(vkQemuState *st, vkQemuDomain *obj, const char *to, unsigned int flags)
{
    bool resume = obj->state == VIR_DOMAIN_RUNNING && !(flags & VIR_DUMP_CRASH);
    guint64 gen;
    int fd;

    if ((fd = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0) {
        vkReportSystemError(errno, "failed to create '%s'", to);
        return -1;
    }
    close(fd);
    if (vkQemuMigrateToFile(st, obj, to, !(flags & VIR_DUMP_LIVE), &gen) < 0)
        return -1;
    if (!obj->run || obj->run->gen != gen)
        return 0;
    vkQemuEmitJobCompleted(st, obj, VIR_DOMAIN_JOB_OPERATION_DUMP);
    if (!obj->run || obj->run->gen != gen)
        return 0;
    if (flags & VIR_DUMP_CRASH) {
        vkQemuMigrateKill(st, obj, VIR_DOMAIN_SHUTOFF_CRASHED, VIR_DOMAIN_EVENT_STOPPED_CRASHED);
        return 0;
    }
    /* a completed migration leaves QEMU stopped */
    return resume ? vkQemuDomainMonitorCommand(st, obj, "cont", NULL, NULL) : 0;
}

int
vkQemuDomainCoreDumpWithFormat(virDomainPtr dom, const char *to, unsigned int dumpformat,
                               unsigned int flags)
{
    vkQemuState *st;
    vkQemuDomain *obj;
    int ret = -1;

    vkCheckFlags(VIR_DUMP_CRASH | VIR_DUMP_LIVE | VIR_DUMP_BYPASS_CACHE | VIR_DUMP_RESET |
                 VIR_DUMP_MEMORY_ONLY, -1);
    if (dumpformat >= VIR_DOMAIN_CORE_DUMP_FORMAT_LAST) {
        vkReportError(VIR_ERR_INVALID_ARG, "unknown dumpformat %u", dumpformat);
        return -1;
    }
    if (dumpformat != VIR_DOMAIN_CORE_DUMP_FORMAT_RAW && !(flags & VIR_DUMP_MEMORY_ONLY)) {
        vkReportError(VIR_ERR_OPERATION_UNSUPPORTED, "%s",
                      "dump format is supported only with memory-only dump");
        return -1;
    }
    if (flags & VIR_DUMP_BYPASS_CACHE) {
        vkReportError(VIR_ERR_OPERATION_UNSUPPORTED, "%s",
                      "dump flag VIR_DUMP_BYPASS_CACHE is not supported by virtkit's "
                      "QEMU driver");
        return -1;
    }
    if (!(obj = vkQemuDomainGet(dom, &st)))
        return -1;
    vkQemuDomainRef(obj);
    if (vkQemuBeginJob(st, obj) < 0)
        goto nojob;
    if (!vkQemuCheckActive(obj))
        goto out;
    if (flags & VIR_DUMP_MEMORY_ONLY ? dumpMemory(st, obj, to, dumpFormats[dumpformat]) < 0 :
        dumpState(st, obj, to, flags) < 0)
        goto out;
    if ((flags & VIR_DUMP_RESET) &&
        vkQemuDomainMonitorCommand(st, obj, "system_reset", NULL, NULL) < 0)
        goto out;
    ret = 0;
 out:
    vkQemuEndJob(st, obj);
 nojob:
    g_mutex_unlock(&st->lock);
    vkQemuDomainUnref(obj);
    return ret;
}

int
vkQemuDomainCoreDump(virDomainPtr dom, const char *to, unsigned int flags)
{
    return vkQemuDomainCoreDumpWithFormat(dom, to, VIR_DOMAIN_CORE_DUMP_FORMAT_RAW, flags);
}
