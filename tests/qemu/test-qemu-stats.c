/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The pure parts of the QEMU driver's statistics: /proc stat lines (a
 * command name with spaces and parentheses), /proc/net/dev seen from a
 * tap's guest, the qcow2 header's size, an image's sizes on the host, and
 * send-key's translation of each code set to QEMU's qnum.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "drivers/qemu/qemu-stats.h"
#include "drivers/qemu/qemu-keycodes.h"
#include "conf/domain-conf.h"

static void
test_proc_stat(void **state)
{
    long tck = sysconf(_SC_CLK_TCK);
    long pageKiB = sysconf(_SC_PAGESIZE) / 1024;
    /* fields after the name: state ppid ... utime(14) stime(15) ... rss(24) ...
     * processor(39) */
    const char *text = "4242 (qemu (x) y) S 1 4242 4242 0 -1 4194560 1 0 0 0 "
                       "250 75 0 0 20 0 3 0 100 1000000 321 18446744073709551615 "
                       "1 1 0 0 0 0 0 0 0 0 0 0 17 3 0 0 0 0 0\n";
    vkQemuProcStat ps = { 0 };

    (void)state;
    assert_int_equal(vkQemuProcStatParse(text, &ps), 0);
    assert_int_equal(ps.userNs, 250ULL * (1000000000ULL / tck));
    assert_int_equal(ps.systemNs, 75ULL * (1000000000ULL / tck));
    assert_int_equal(ps.rssKiB, 321ULL * pageKiB);
    assert_int_equal(ps.processor, 3);
    assert_int_equal(vkQemuProcStatParse("4242 (short) S 1 2 3\n", &ps), -1);
    assert_int_equal(vkQemuProcStatParse("no name here", &ps), -1);
    /* our own process reads */
    assert_int_equal(vkQemuProcStatRead(getpid(), 0, &ps), 0);
    assert_true(ps.rssKiB > 0);
    assert_int_equal(vkQemuProcStatRead(0, 0, &ps), -1);
}

static void
test_net_dev(void **state)
{
    const char *text =
        "Inter-|   Receive                                                |  Transmit\n"
        " face |bytes    packets errs drop fifo frame compressed multicast|bytes    "
        "packets errs drop fifo colls carrier compressed\n"
        "    lo:     100       1    0    0    0     0          0         0      100 "
        "      1    0    0    0     0       0          0\n"
        " vnet10: 1000 10 1 2 0 0 0 0 2000 20 3 4 0 0 0 0\n"
        "  vnet1: 5 6 7 8 0 0 0 0 9 10 11 12 0 0 0 0\n";
    virDomainInterfaceStatsStruct s;

    (void)state;
    /* a tap: what the host received, the guest sent */
    assert_int_equal(vkQemuNetDevParse(text, "vnet10", true, &s), 0);
    assert_int_equal(s.rx_bytes, 2000);
    assert_int_equal(s.rx_packets, 20);
    assert_int_equal(s.rx_errs, 3);
    assert_int_equal(s.rx_drop, 4);
    assert_int_equal(s.tx_bytes, 1000);
    assert_int_equal(s.tx_drop, 2);
    /* a macvtap shares the host's view; vnet1 is not vnet10's prefix */
    assert_int_equal(vkQemuNetDevParse(text, "vnet1", false, &s), 0);
    assert_int_equal(s.rx_bytes, 5);
    assert_int_equal(s.tx_bytes, 9);
    assert_int_equal(vkQemuNetDevParse(text, "vnet", true, &s), -1);
    assert_int_equal(vkQemuNetDevParse(" bad: 1 2\n", "bad", true, &s), -1);
}

static void
test_image(void **state)
{
    g_autofree char *dir = g_dir_make_tmp("vk-stats-XXXXXX", NULL);
    g_autofree char *qcow = g_build_filename(dir, "a.qcow2", NULL);
    g_autofree char *raw = g_build_filename(dir, "b.raw", NULL);
    unsigned char head[4096] = { 'Q', 'F', 'I', 0xfb, 0, 0, 0, 3 };
    virDomainBlockInfo bi;

    (void)state;
    head[24 + 3] = 0x01;               /* 1 << 32 bytes, big-endian */
    assert_int_equal(vkQemuQcow2Capacity(head, 32), 1ULL << 32);
    assert_int_equal(vkQemuQcow2Capacity(head, 31), 0);
    assert_true(g_file_set_contents(qcow, (const char *)head, sizeof(head), NULL));
    assert_true(g_file_set_contents(raw, "0123456789", 10, NULL));
    assert_int_equal(vkQemuImageInfo(qcow, "qcow2", &bi), 0);
    assert_int_equal(bi.capacity, 1ULL << 32);
    assert_int_equal(bi.physical, sizeof(head));
    /* a raw image is as big as its file, whatever it holds */
    assert_int_equal(vkQemuImageInfo(qcow, "raw", &bi), 0);
    assert_int_equal(bi.capacity, sizeof(head));
    assert_int_equal(vkQemuImageInfo(raw, "raw", &bi), 0);
    assert_int_equal(bi.capacity, 10);
    assert_int_equal(bi.physical, 10);
    g_unlink(qcow);
    g_unlink(raw);
    assert_int_equal(vkQemuImageInfo(raw, "raw", &bi), -1);
    g_rmdir(dir);
}

static void
test_keycodes(void **state)
{
    (void)state;
    /* 'a' in every set with a table; the same key gives the same qnum */
    assert_int_equal(vkQemuKeycodeToQnum(VIR_KEYCODE_SET_LINUX, 30), 0x1e);
    assert_int_equal(vkQemuKeycodeToQnum(VIR_KEYCODE_SET_XT, 30), 0x1e);
    assert_int_equal(vkQemuKeycodeToQnum(VIR_KEYCODE_SET_ATSET1, 30), 0x1e);
    assert_int_equal(vkQemuKeycodeToQnum(VIR_KEYCODE_SET_XT_KBD, 30), 0x1e);
    assert_int_equal(vkQemuKeycodeToQnum(VIR_KEYCODE_SET_USB, 4), 0x1e);
    assert_int_equal(vkQemuKeycodeToQnum(VIR_KEYCODE_SET_WIN32, 'A'), 0x1e);
    assert_int_equal(vkQemuKeycodeToQnum(VIR_KEYCODE_SET_QNUM, 0x1e), 0x1e);
    /* 0xe0 keys: qnum sets the high bit */
    assert_int_equal(vkQemuKeycodeToQnum(VIR_KEYCODE_SET_LINUX, 96), 0x9c);  /* KPENTER */
    assert_int_equal(vkQemuKeycodeToQnum(VIR_KEYCODE_SET_XT_KBD, 0x11c), 0x9c);
    assert_int_equal(vkQemuKeycodeToQnum(VIR_KEYCODE_SET_USB, 88), 0x9c);
    assert_int_equal(vkQemuKeycodeToQnum(VIR_KEYCODE_SET_ATSET1, 0x11c), -1);
    assert_int_equal(vkQemuKeycodeToQnum(VIR_KEYCODE_SET_XT, 0x57), -1);     /* F11 */
    /* the side-less Windows keys are the left ones */
    assert_int_equal(vkQemuKeycodeToQnum(VIR_KEYCODE_SET_WIN32, 0x11), 0x1d);
    assert_int_equal(vkQemuKeycodeToQnum(VIR_KEYCODE_SET_WIN32, 0xa3), 0x9d);
    assert_int_equal(vkQemuKeycodeToQnum(VIR_KEYCODE_SET_LINUX, 3000), -1);
    assert_int_equal(vkQemuKeycodeToQnum(VIR_KEYCODE_SET_LINUX, 0), -1);
    assert_int_equal(vkQemuKeycodeToQnum(VIR_KEYCODE_SET_QNUM, 0x100), -1);
    /* sets 2 and 3 and macOS (whose 0 is the A key, not "none"): the qnums
     * libvirt 9.0 sends to QEMU for these keys (its QMP log) */
    assert_int_equal(vkQemuKeycodeToQnum(VIR_KEYCODE_SET_ATSET2, 0x1c), 0x1e);
    assert_int_equal(vkQemuKeycodeToQnum(VIR_KEYCODE_SET_ATSET3, 0x1c), 0x1e);
    assert_int_equal(vkQemuKeycodeToQnum(VIR_KEYCODE_SET_OSX, 0), 0x1e);
    assert_int_equal(vkQemuKeycodeToQnum(VIR_KEYCODE_SET_ATSET2, 0x5a), 0x1c);    /* ENTER */
    assert_int_equal(vkQemuKeycodeToQnum(VIR_KEYCODE_SET_ATSET2, 0xe05a), 0x9c);  /* KPENTER */
    assert_int_equal(vkQemuKeycodeToQnum(VIR_KEYCODE_SET_ATSET2, 0x83), 0x41);    /* F7 */
    assert_int_equal(vkQemuKeycodeToQnum(VIR_KEYCODE_SET_ATSET2, 0xe06c), 0xc7);  /* HOME */
    assert_int_equal(vkQemuKeycodeToQnum(VIR_KEYCODE_SET_ATSET3, 0x11), 0x1d);    /* LEFTCTRL */
    assert_int_equal(vkQemuKeycodeToQnum(VIR_KEYCODE_SET_ATSET3, 0x58), 0x9d);    /* RIGHTCTRL */
    assert_int_equal(vkQemuKeycodeToQnum(VIR_KEYCODE_SET_ATSET3, 0x6e), 0xc7);    /* HOME */
    assert_int_equal(vkQemuKeycodeToQnum(VIR_KEYCODE_SET_OSX, 0x24), 0x1c);       /* Return */
    assert_int_equal(vkQemuKeycodeToQnum(VIR_KEYCODE_SET_OSX, 0x7e), 0xc8);       /* UpArrow */
    assert_int_equal(vkQemuKeycodeToQnum(VIR_KEYCODE_SET_OSX, 0x37), 0xdb);       /* Command */
    assert_int_equal(vkQemuKeycodeToQnum(VIR_KEYCODE_SET_OSX, 0x36), 0xdc);       /* RightCommand */
    assert_int_equal(vkQemuKeycodeToQnum(VIR_KEYCODE_SET_OSX, 0x5d), 0x7d);       /* JIS_Yen */
    assert_int_equal(vkQemuKeycodeToQnum(VIR_KEYCODE_SET_ATSET1, 0xe01c), 0x9c);  /* KPENTER */
    assert_int_equal(vkQemuKeycodeToQnum(VIR_KEYCODE_SET_ATSET2, 0xe000), -1);
    assert_int_equal(vkQemuKeycodeToQnum(VIR_KEYCODE_SET_OSX, 0xffff), -1);
    /* every row: a key's linux code finds its own set-1 code */
    for (size_t i = 0; i < vkQemuNKeys; i++) {
        unsigned int s1 = vkQemuKeys[i].set1;
        int q = s1 & 0x100 ? (int)(0x80 | (s1 & 0x7f)) : (int)s1;

        assert_int_equal(vkQemuKeycodeToQnum(VIR_KEYCODE_SET_LINUX, vkQemuKeys[i].evdev), q);
        assert_int_equal(vkQemuKeycodeToQnum(VIR_KEYCODE_SET_XT_KBD, s1), q);
    }
}

/* domfsinfo's Target column: the agent's PCI address of a disk, matched
 * to the virtio disk of the domain at that address. */
static void
test_fsinfo_targets(void **state)
{
    static const char xml[] =
        "<domain type='qemu'><name>f</name><memory>65536</memory>"
        "<os><type>hvm</type></os><devices>"
        "<disk type='file' device='disk'><source file='/a.img'/><target dev='vda' bus='virtio'/>"
        "<address type='pci' domain='0x0000' bus='0x00' slot='0x04' function='0x0'/></disk>"
        "<disk type='file' device='disk'><source file='/b.img'/><target dev='vdb' bus='virtio'/>"
        "<address type='pci' domain='0x0000' bus='0x00' slot='0x0a' function='0x0'/></disk>"
        "</devices></domain>";
    static const char agent[] =
        "[{\"bus-type\":\"virtio\",\"pci-controller\":{\"domain\":0,\"bus\":0,"
        "\"slot\":10,\"function\":0},\"dev\":\"/dev/vdb1\"},"
        "{\"bus-type\":\"virtio\",\"pci-controller\":{\"domain\":0,\"bus\":0,"
        "\"slot\":5,\"function\":0}},"
        "{\"bus-type\":\"virtio\",\"pci-controller\":{\"domain\":0,\"bus\":0,"
        "\"slot\":4,\"function\":0}}]";
    vkDomainDef *def = vkDomainDefParseString(xml, NULL, 0);
    vkJSON *disks = vkJSONParse(agent, strlen(agent));
    char **t;

    assert_non_null(def);
    assert_non_null(disks);
    t = vkQemuFsinfoDiskTargets(def, disks);
    assert_int_equal(g_strv_length(t), 2);
    assert_string_equal(t[0], "vdb");
    assert_string_equal(t[1], "vda");
    g_strfreev(t);
    t = vkQemuFsinfoDiskTargets(def, NULL);
    assert_int_equal(g_strv_length(t), 0);
    g_strfreev(t);
    vkJSONFree(disks);
    vkDomainDefFree(def);
}

/* Disks behind a host adapter: the agent names the adapter by its PCI
 * address and the disk by bus/target/unit under it (qemu-ga's shape for
 * sd and ata disks); the disk of that adapter's type and drive address is
 * named, not a disk of another bus with the same numbers. */
static void
test_fsinfo_targets_adapters(void **state)
{
    static const char xml[] =
        "<domain type='qemu'><name>f</name><memory>65536</memory>"
        "<os><type>hvm</type></os><devices>"
        "<disk type='file' device='disk'><source file='/i.img'/><target dev='hda' bus='ide'/>"
        "<address type='drive' controller='0' bus='0' target='0' unit='0'/></disk>"
        "<disk type='file' device='disk'><source file='/j.img'/><target dev='hdc' bus='ide'/>"
        "<address type='drive' controller='0' bus='1' target='0' unit='0'/></disk>"
        "<disk type='file' device='disk'><source file='/a.img'/><target dev='sda' bus='scsi'/>"
        "<address type='drive' controller='0' bus='0' target='0' unit='0'/></disk>"
        "<disk type='file' device='disk'><source file='/b.img'/><target dev='sdb' bus='scsi'/>"
        "<address type='drive' controller='0' bus='0' target='0' unit='3'/></disk>"
        "<controller type='ide' index='0'>"
        "<address type='pci' domain='0x0000' bus='0x00' slot='0x01' function='0x1'/></controller>"
        "<controller type='scsi' index='0' model='virtio-scsi'>"
        "<address type='pci' domain='0x0000' bus='0x00' slot='0x05' function='0x0'/></controller>"
        "</devices></domain>";
#define VK_CTL(slot, fn) "\"pci-controller\":{\"domain\":0,\"bus\":0,\"slot\":" \
    #slot ",\"function\":" #fn "}"
    static const char agent[] =
        "[{\"bus-type\":\"scsi\"," VK_CTL(5, 0) ",\"bus\":0,\"target\":0,\"unit\":3,"
        "\"dev\":\"/dev/sdb1\"},"
        "{\"bus-type\":\"ide\"," VK_CTL(1, 1) ",\"bus\":1,\"target\":0,\"unit\":0},"
        "{\"bus-type\":\"scsi\"," VK_CTL(5, 0) ",\"bus\":0,\"target\":0,\"unit\":0},"
        "{\"bus-type\":\"ide\"," VK_CTL(1, 1) ",\"bus\":0,\"target\":0,\"unit\":0},"
        /* no disk at that unit, no adapter at that address */
        "{\"bus-type\":\"scsi\"," VK_CTL(5, 0) ",\"bus\":0,\"target\":0,\"unit\":7},"
        "{\"bus-type\":\"scsi\"," VK_CTL(6, 0) ",\"bus\":0,\"target\":0,\"unit\":0}]";
#undef VK_CTL
    vkDomainDef *def = vkDomainDefParseString(xml, NULL, 0);
    vkJSON *disks = vkJSONParse(agent, strlen(agent));
    char **t;

    (void)state;
    assert_non_null(def);
    assert_non_null(disks);
    t = vkQemuFsinfoDiskTargets(def, disks);
    assert_int_equal(g_strv_length(t), 4);
    assert_string_equal(t[0], "sdb");
    assert_string_equal(t[1], "hdc");
    assert_string_equal(t[2], "sda");
    assert_string_equal(t[3], "hda");
    g_strfreev(t);
    vkJSONFree(disks);
    vkDomainDefFree(def);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_proc_stat),
        cmocka_unit_test(test_net_dev),
        cmocka_unit_test(test_image),
        cmocka_unit_test(test_keycodes),
        cmocka_unit_test(test_fsinfo_targets),
        cmocka_unit_test(test_fsinfo_targets_adapters),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
