/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The test driver's stats and pinning queries on libvirt's default host:
 * the expected values are the ones libvirt 9.0's test driver returns for
 * the same calls (checked with `virsh -c test:///default`).
 */
#include "td-helpers.h"

/* A running domain with pins and three disks, no balloon. */
static const char pinnedXML[] =
    "<domain type='test'><name>t4</name><memory>1000000</memory>"
    "<currentMemory>600000</currentMemory><vcpu cpuset='1-3'>4</vcpu>"
    "<cputune><vcpupin vcpu='1' cpuset='2'/><emulatorpin cpuset='5'/></cputune>"
    "<os><type>hvm</type></os><devices>"
    "<disk type='file' device='disk'><source file='/tmp/a'/><target dev='vda'/></disk>"
    "<disk type='file' device='disk'><source file='/tmp/b'/><target dev='vdb'/></disk>"
    "<disk type='file' device='disk'><source file='/tmp/c'/><target dev='vdc'/></disk>"
    "</devices></domain>";

static void
testVcpus(void **state)
{
    virDomainPtr d = virDomainLookupByName(*state, "test");
    virVcpuInfo info[4];
    unsigned char maps[4 * 2];

    assert_int_equal(virDomainGetVcpus(d, info, 4, maps, 2), 2);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(info[i].number, i);
        assert_int_equal(info[i].state, VIR_VCPU_RUNNING);
        assert_int_equal(info[i].cpu, 15);   /* last of 16 host CPUs */
        assert_int_equal(maps[i * 2], 0xff);
        assert_int_equal(maps[i * 2 + 1], 0xff);
    }
    assert_int_equal(virDomainGetVcpuPinInfo(d, 4, maps, 2, 0), 2);
    assert_int_equal(maps[0], 0xff);
    assert_int_equal(virDomainGetEmulatorPinInfo(d, maps, 1, 0), 1);
    assert_int_equal(maps[0], 0xff);
    virDomainFree(d);
}

static void
testPinned(void **state)
{
    virDomainPtr d = virDomainCreateXML(*state, pinnedXML, 0);
    virVcpuInfo info[4];
    unsigned char maps[4];
    virDomainMemoryStatStruct st[16];
    virDomainDiskError errs[4];

    assert_non_null(d);
    assert_int_equal(virDomainGetVcpus(d, info, 4, maps, 1), 4);
    assert_int_equal(maps[0], 0x0e);
    assert_int_equal(maps[1], 0x04);
    assert_int_equal(info[0].cpu, 3);
    assert_int_equal(info[1].cpu, 2);
    assert_int_equal(virDomainGetVcpuPinInfo(d, 4, maps, 1, 0), 4);
    assert_int_equal(maps[1], 0x04);
    assert_int_equal(maps[3], 0x0e);
    assert_int_equal(virDomainGetEmulatorPinInfo(d, maps, 1, 0), 1);
    assert_int_equal(maps[0], 0x20);
    /* no balloon: no memory stats */
    assert_int_equal(virDomainMemoryStats(d, st, 16, 0), 0);
    assert_int_equal(virDomainGetDiskErrors(d, NULL, 0, 0), 3);
    assert_int_equal(virDomainGetDiskErrors(d, errs, 4, 0), 3);
    assert_string_equal(errs[0].disk, "vda");
    assert_int_equal(errs[0].error, VIR_DOMAIN_DISK_ERROR_UNSPEC);
    assert_string_equal(errs[1].disk, "vdb");
    assert_int_equal(errs[1].error, VIR_DOMAIN_DISK_ERROR_NO_SPACE);
    assert_int_equal(errs[2].error, VIR_DOMAIN_DISK_ERROR_UNSPEC);
    for (int i = 0; i < 3; i++)
        free(errs[i].disk);
    assert_int_equal(virDomainDestroy(d), 0);
    /* gone (transient): lookups fail */
    virDomainFree(d);
}

static void
testMemStats(void **state)
{
    virDomainPtr d = virDomainLookupByName(*state, "test");
    virDomainMemoryStatStruct st[16];

    assert_int_equal(virDomainMemoryStats(d, st, 16, 0), 13);
    assert_int_equal(st[0].tag, VIR_DOMAIN_MEMORY_STAT_ACTUAL_BALLOON);
    assert_int_equal(st[0].val, 2097152);
    assert_int_equal(st[5].tag, VIR_DOMAIN_MEMORY_STAT_UNUSED);
    assert_int_equal(st[5].val, 1048576);
    assert_int_equal(st[8].tag, VIR_DOMAIN_MEMORY_STAT_LAST_UPDATE);
    assert_int_equal(st[8].val, 627319920);
    assert_int_equal(st[9].val, 262144);
    assert_int_equal(st[12].tag, VIR_DOMAIN_MEMORY_STAT_RSS);
    /* a short array takes the first entries */
    assert_int_equal(virDomainMemoryStats(d, st, 2, 0), 2);
    assert_int_equal(virDomainMemoryStats(d, st, 16, 1), -1);
    tdAssertErrorAt(VIR_ERR_INVALID_ARG, "unsupported flags", __FILE__, __LINE__);
    virDomainFree(d);
}

static void
testSchedAndCPUStats(void **state)
{
    virDomainPtr d = virDomainLookupByName(*state, "test");
    virTypedParameter p[8];
    int n = 8;

    assert_int_equal(virDomainGetSchedulerParameters(d, p, &n), 0);
    assert_int_equal(n, 1);
    assert_string_equal(p[0].field, "weight");
    assert_int_equal(p[0].value.ui, 50);
    n = 8;
    assert_int_equal(virDomainGetSchedulerParametersFlags(d, p, &n, VIR_DOMAIN_AFFECT_CONFIG), -1);

    assert_int_equal(virDomainGetCPUStats(d, NULL, 0, 0, 0, 0), 2);
    assert_int_equal(virDomainGetCPUStats(d, NULL, 0, -1, 1, 0), 3);
    assert_int_equal(virDomainGetCPUStats(d, p, 3, -1, 1, 0), 3);
    assert_string_equal(p[0].field, "cpu_time");
    assert_int_equal(p[0].value.ul, 48772617035ULL);
    assert_int_equal(p[2].value.ul, 6460000000ULL);
    assert_int_equal(virDomainGetCPUStats(d, p, 2, 1, 4, 0), 2);
    assert_int_equal(p[0].value.ul, 24386308518ULL);
    assert_int_equal(p[1].value.ul, 23151740628ULL);
    assert_int_equal(virDomainSendKey(d, VIR_KEYCODE_SET_LINUX, 0,
                                      (unsigned int[]){ 30 }, 1, 0), 0);
    virDomainFree(d);
}

static void
testNode(void **state)
{
    unsigned char *map = NULL;
    unsigned int online = 0;
    virNodeCPUStats cs[8];
    int n = 0;

    assert_int_equal(virNodeGetCPUMap(*state, &map, &online, 0), 8);
    assert_int_equal(online, 3);
    assert_int_equal(map[0], 0x15);
    free(map);
    assert_int_equal(virNodeGetCPUStats(*state, -1, NULL, &n, 0), 0);
    assert_int_equal(n, 4);
    assert_int_equal(virNodeGetCPUStats(*state, -1, cs, &n, 0), 0);
    assert_string_equal(cs[1].field, "kernel");
    assert_int_equal(cs[1].value, 34678723400000ULL);
    assert_int_equal(cs[3].value, 763600000ULL);
}

static void
testInactive(void **state)
{
    virDomainPtr d = virDomainLookupByName(*state, "test");
    virVcpuInfo info[2];
    virDomainMemoryStatStruct st[4];
    unsigned char map[2];

    assert_int_equal(virDomainDestroy(d), 0);
    assert_int_equal(virDomainGetVcpus(d, info, 2, NULL, 0), -1);
    tdAssertErrorAt(VIR_ERR_OPERATION_INVALID, "inactive", __FILE__, __LINE__);
    assert_int_equal(virDomainMemoryStats(d, st, 4, 0), -1);
    assert_int_equal(virDomainGetDiskErrors(d, NULL, 0, 0), -1);
    /* pin info still reads the persistent definition */
    assert_int_equal(virDomainGetVcpuPinInfo(d, 1, map, 2, 0), 2);
    assert_int_equal(map[0], 0xff);
    virDomainFree(d);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(testVcpus, tdSetupConn, tdTeardownConn),
        cmocka_unit_test_setup_teardown(testPinned, tdSetupConn, tdTeardownConn),
        cmocka_unit_test_setup_teardown(testMemStats, tdSetupConn, tdTeardownConn),
        cmocka_unit_test_setup_teardown(testSchedAndCPUStats, tdSetupConn, tdTeardownConn),
        cmocka_unit_test_setup_teardown(testNode, tdSetupConn, tdTeardownConn),
        cmocka_unit_test_setup_teardown(testInactive, tdSetupConn, tdTeardownConn),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
