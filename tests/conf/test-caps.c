/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Capabilities formatter: each case builds a vkCaps the way a driver
 * would and compares the output with tests/data/capabilities/<case>.xml
 * byte for byte, then validates it against capability.rng (skipped only
 * when the schema is not installed).  VK_TEST_REGENERATE=1 rewrites the
 * expected files.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <stdio.h>
#include <cmocka.h>
#include <glib.h>

#include "conf/capabilities.h"
#include "conf/domain-conf.h"
#include "util/error.h"
#include "util/uuid.h"

static const char *dataDir;

/* Like the in-memory test driver's host: two NUMA cells, i686 guests. */
static vkCaps *
buildTestHost(void)
{
    vkCaps *caps = vkCapsNew("i686");
    vkCapsGuest *g;
    unsigned int page = 4;
    unsigned int c, cpu = 0;

    vkCapsAddHostFeature(caps, "pae");
    vkCapsAddHostFeature(caps, "nonpae");
    g_array_append_val(caps->pageSizes, page);
    caps->powerManagement = true;
    caps->iommu = 0;
    for (c = 0; c < 2; c++) {
        vkCapsCell *cell = vkCapsAddCell(caps, c, 2097152ULL * (c + 1));
        unsigned int i;
        vkCapsCellAddPages(cell, 4, 524288);
        vkCapsCellAddPages(cell, 2048, 0);
        for (i = 0; i < 4; i++, cpu++) {
            g_autofree char *sib = g_strdup_printf("%u", cpu);
            vkCapsCellAddCPU(cell, cpu, (int)c, 0, (int)i, sib);
        }
    }
    caps->secModel = g_strdup("testSecurity");
    caps->secDoi = g_strdup("");
    g = vkCapsAddGuest(caps, "hvm", "i686", 32, "/usr/bin/test-hv", NULL);
    vkCapsGuestAddDomain(g, "test", NULL);
    vkCapsGuestAddFeature(g, "pae", false, false, false);
    vkCapsGuestAddFeature(g, "nonpae", false, false, false);
    g = vkCapsAddGuest(caps, "xen", "i686", 32, "/usr/bin/test-hv", NULL);
    vkCapsGuestAddDomain(g, "test", NULL);
    return caps;
}

/* A KVM host: uuid, CPU model and topology, machines, migration. */
static vkCaps *
buildKvmHost(void)
{
    vkCaps *caps = vkCapsNew("x86_64");
    vkCapsGuest *g;
    unsigned int page = 4, huge = 2048;

    caps->hasUUID = true;
    assert_int_equal(vkUUIDParse("7f3a4f2c-8d1e-4b6a-9c0d-1e2f3a4b5c6d", caps->uuid), 0);
    caps->cpuModel = g_strdup("Skylake-Client-IBRS");
    caps->cpuVendor = g_strdup("Intel");
    caps->sockets = 1;
    caps->cores = 4;
    caps->threads = 2;
    vkCapsAddCPUFeature(caps, "vmx");
    vkCapsAddCPUFeature(caps, "ds_cpl");
    g_array_append_val(caps->pageSizes, page);
    g_array_append_val(caps->pageSizes, huge);
    caps->iommu = 1;
    caps->liveMigration = true;
    g_ptr_array_add(caps->migrationTransports, g_strdup("tcp"));
    g_ptr_array_add(caps->migrationTransports, g_strdup("rdma"));
    vkCapsCellAddCPU(vkCapsAddCell(caps, 0, 16318412), 0, -1, -1, -1, NULL);

    g = vkCapsAddGuest(caps, "hvm", "x86_64", 64, "/usr/bin/qemu-system-x86_64", NULL);
    vkCapsGuestAddMachine(g, "pc-i440fx-7.2", NULL, 255);
    vkCapsGuestAddMachine(g, "pc", "pc-i440fx-7.2", 255);
    vkCapsGuestAddMachine(g, "q35", "pc-q35-7.2", 288);
    vkCapsGuestAddDomain(g, "qemu", NULL);
    vkCapsGuestAddDomain(g, "kvm", "/usr/bin/qemu-system-x86_64");
    vkCapsGuestAddFeature(g, "acpi", true, true, true);
    vkCapsGuestAddFeature(g, "apic", true, true, false);
    vkCapsGuestAddFeature(g, "cpuselection", false, false, false);
    vkCapsGuestAddFeature(g, "deviceboot", false, false, false);
    vkCapsGuestAddFeature(g, "disksnapshot", true, true, false);

    g = vkCapsAddGuest(caps, "exe", "x86_64", 64, "/usr/libexec/virtkit-lxc", NULL);
    vkCapsGuestAddDomain(g, "lxc", NULL);
    return caps;
}

static void
checkCase(const char *name, vkCaps *caps)
{
    g_autoptr(vkCaps) owned = caps;
    g_autofree char *path = g_strdup_printf("%s/%s.xml", dataDir, name);
    g_autofree char *out = vkCapsFormat(owned);
    g_autofree char *expected = NULL;
    int r;

    if (g_getenv("VK_TEST_REGENERATE"))
        assert_true(g_file_set_contents(path, out, -1, NULL));
    if (!g_file_get_contents(path, &expected, NULL, NULL))
        fail_msg("%s missing; run with VK_TEST_REGENERATE=1", path);
    if (strcmp(out, expected) != 0) {
        fprintf(stderr, "--- expected\n%s--- got\n%s", expected, out);
        fail_msg("%s differs", path);
    }
    r = vkConfSchemaValidate(out, "capability.rng");
    if (r == -2)
        skip();
    if (r != 0)
        fail_msg("%s does not validate: %s", name, vkErrorGetLast()->message);
}

static void
testTestHost(void **s)
{
    checkCase("test-host", buildTestHost());
}

static void
testKvmHost(void **s)
{
    checkCase("kvm-host", buildKvmHost());
}

static void
testLookup(void **s)
{
    g_autoptr(vkCaps) caps = buildKvmHost();
    const vkCapsGuest *g;

    g = vkCapsLookupGuest(caps, "hvm", NULL, "kvm");
    assert_non_null(g);
    assert_string_equal(g->arch, "x86_64");
    assert_int_equal(g->machines->len, 3);
    g = vkCapsLookupGuest(caps, NULL, NULL, "lxc");
    assert_non_null(g);
    assert_string_equal(g->osType, "exe");
    assert_null(vkCapsLookupGuest(caps, "hvm", "aarch64", NULL));
    assert_null(vkCapsLookupGuest(caps, "hvm", NULL, "xen"));
}

int
main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(testTestHost),
        cmocka_unit_test(testKvmHost),
        cmocka_unit_test(testLookup),
    };

    dataDir = argc > 1 ? argv[1] : "tests/data/capabilities";
    return cmocka_run_group_tests_name("capabilities", tests, NULL, NULL);
}
