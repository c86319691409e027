/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the host knows of a guest without asking QEMU: the CPU time and
 * resident memory of QEMU's threads (/proc), a tap's counters
 * (/proc/net/dev) and an image's sizes (stat and the qcow2 header).
 *
 * The parsers take text and bytes, not paths, so the unit test feeds them
 * made-up files; the readers around them are one open each.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/fs.h>

#define VIR_FROM_THIS VIR_FROM_QEMU
#include "util/error.h"
#include "drivers/qemu/qemu-stats.h"

int
vkQemuProcStatParse(const char *text, vkQemuProcStat *out)
{
    g_auto(GStrv) f = NULL;
    const char *after;
    long tck = sysconf(_SC_CLK_TCK);
    long pageKiB = sysconf(_SC_PAGESIZE) / 1024;

    /* The command name may hold spaces and parentheses: the fields start
     * after its last ')'.  Counted from there: [11] utime, [12] stime,
     * [21] rss in pages, [36] processor. */
    if (!(after = strrchr(text, ')')) || after[1] != ' ')
        return -1;
    f = g_strsplit(after + 2, " ", 0);
    if (g_strv_length(f) < 37 || tck <= 0)
        return -1;
    out->userNs = g_ascii_strtoull(f[11], NULL, 10) * (1000000000ULL / tck);
    out->systemNs = g_ascii_strtoull(f[12], NULL, 10) * (1000000000ULL / tck);
    out->rssKiB = g_ascii_strtoull(f[21], NULL, 10) * pageKiB;
    out->processor = (int)g_ascii_strtoll(f[36], NULL, 10);
    return 0;
}

int
vkQemuProcStatRead(int pid, int tid, vkQemuProcStat *out)
{
    g_autofree char *path = tid > 0 ? g_strdup_printf("/proc/%d/task/%d/stat", pid, tid)
                                    : g_strdup_printf("/proc/%d/stat", pid);
    g_autofree char *text = NULL;

    if (pid <= 0 || !g_file_get_contents(path, &text, NULL, NULL))
        return -1;
    return vkQemuProcStatParse(text, out);
}

unsigned long long
vkQemuProcSchedDelay(int pid, int tid)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/task/%d/schedstat", pid, tid);
    g_autofree char *text = NULL;
    g_auto(GStrv) f = NULL;

    if (!g_file_get_contents(path, &text, NULL, NULL))
        return 0;
    f = g_strsplit(g_strstrip(text), " ", 0);
    return g_strv_length(f) >= 2 ? g_ascii_strtoull(f[1], NULL, 10) : 0;
}

int
vkQemuNetDevParse(const char *text, const char *ifname, bool swapped,
                  virDomainInterfaceStatsStruct *out)
{
    g_auto(GStrv) lines = g_strsplit(text, "\n", 0);

    for (size_t i = 0; lines[i]; i++) {
        char *colon = strchr(lines[i], ':');
        unsigned long long v[16];
        char *p;

        if (!colon)
            continue;
        *colon = '\0';
        if (strcmp(g_strstrip(lines[i]), ifname) != 0)
            continue;
        p = colon + 1;
        for (size_t k = 0; k < G_N_ELEMENTS(v); k++) {
            char *end;

            v[k] = g_ascii_strtoull(p, &end, 10);
            if (end == p)
                return -1;
            p = end;
        }
        /* receive: bytes packets errs drop ...; transmit from [8] */
        {
            int rx = swapped ? 8 : 0, tx = swapped ? 0 : 8;

            out->rx_bytes = v[rx];
            out->rx_packets = v[rx + 1];
            out->rx_errs = v[rx + 2];
            out->rx_drop = v[rx + 3];
            out->tx_bytes = v[tx];
            out->tx_packets = v[tx + 1];
            out->tx_errs = v[tx + 2];
            out->tx_drop = v[tx + 3];
        }
        return 0;
    }
    return -1;
}

unsigned long long
vkQemuQcow2Capacity(const unsigned char *buf, size_t len)
{
    unsigned long long size = 0;

    /* "QFI\xfb", version, backing file offset and size, cluster bits,
     * then the virtual size: big-endian 64 bits at byte 24. */
    if (len < 32 || memcmp(buf, "QFI\xfb", 4) != 0)
        return 0;
    for (int i = 24; i < 32; i++)
        size = size << 8 | buf[i];
    return size;
}

int
vkQemuImageInfo(const char *path, const char *format, virDomainBlockInfoPtr info)
{
    unsigned char head[32];
    struct stat sb;
    ssize_t got;
    int fd;

    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 || fstat(fd, &sb) < 0) {
        vkReportSystemError(errno, "cannot access storage file '%s'", path);
        if (fd >= 0)
            close(fd);
        return -1;
    }
    memset(info, 0, sizeof(*info));
    if (S_ISBLK(sb.st_mode)) {
        unsigned long long bytes = 0;

        if (ioctl(fd, BLKGETSIZE64, &bytes) == 0)
            info->physical = info->capacity = bytes;
    } else {
        info->physical = info->capacity = sb.st_size;
        info->allocation = (unsigned long long)sb.st_blocks * 512;
    }
    if (g_strcmp0(format, "qcow2") == 0) {
        got = pread(fd, head, sizeof(head), 0);
        if (got > 0 && vkQemuQcow2Capacity(head, got))
            info->capacity = vkQemuQcow2Capacity(head, got);
    }
    if (S_ISBLK(sb.st_mode))
        info->allocation = info->physical;
    close(fd);
    return 0;
}
