/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The Xen capabilities from the hypervisor's capability string, without a
 * Xen host: the string is the one Xen 4.17 gave under QEMU TCG with SVM
 * (tests/xen/real shows it), plus a PV-only host and rubbish.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "drivers/xen/xen-private.h"

static const vkCapsGuest *
guest(const vkCaps *caps, const char *os, const char *arch)
{
    return vkCapsLookupGuest(caps, os, arch, "xen");
}

static bool
hasFeature(const vkCapsGuest *g, const char *name)
{
    for (guint i = 0; i < g->features->len; i++) {
        if (strcmp(((vkCapsFeature *)g->features->pdata[i])->name, name) == 0)
            return true;
    }
    return false;
}

static void
testFullHost(void **state)
{
    g_autoptr(vkCaps) caps =
        vkXenCapsFromString("xen-3.0-x86_64 hvm-3.0-x86_32 hvm-3.0-x86_32p hvm-3.0-x86_64 ",
                            4017007);

    assert_int_equal(caps->guests->len, 3);
    const vkCapsGuest *pv = guest(caps, "xen", "x86_64");
    assert_non_null(pv);
    assert_int_equal(pv->wordsize, 64);
    assert_null(pv->loader);
    assert_string_equal(((vkCapsMachine *)pv->machines->pdata[0])->name, "xenpv");

    const vkCapsGuest *hvm32 = guest(caps, "hvm", "i686");
    assert_non_null(hvm32);
    assert_int_equal(hvm32->wordsize, 32);
    assert_string_equal(hvm32->loader, "/usr/lib/xen-4.17/boot/hvmloader");
    assert_string_equal(((vkCapsMachine *)hvm32->machines->pdata[0])->name, "xenfv");
    /* x86_32 and x86_32p: one guest that can do both */
    assert_true(hasFeature(hvm32, "pae"));
    assert_true(hasFeature(hvm32, "nonpae"));
    assert_true(hasFeature(hvm32, "acpi"));
    assert_true(hasFeature(hvm32, "apic"));

    const vkCapsGuest *hvm64 = guest(caps, "hvm", "x86_64");
    assert_non_null(hvm64);
    assert_false(hasFeature(hvm64, "pae"));
    assert_int_equal(caps->hostFeatures->len, 1);
    assert_string_equal(caps->hostFeatures->pdata[0], "pae");

    g_autofree char *xml = vkCapsFormat(caps);
    assert_non_null(strstr(xml, "<os_type>xen</os_type>"));
    assert_non_null(strstr(xml, "<domain type='xen'/>"));
}

static void
testPVOnlyHost(void **state)
{
    /* no SVM/VMX: Xen offers paravirtual guests only */
    g_autoptr(vkCaps) caps = vkXenCapsFromString("xen-3.0-x86_64 xen-3.0-x86_32p", 4017000);

    assert_int_equal(caps->guests->len, 2);
    assert_null(guest(caps, "hvm", NULL));
    const vkCapsGuest *pv32 = guest(caps, "xen", "i686");
    assert_non_null(pv32);
    assert_true(hasFeature(pv32, "pae"));
    assert_false(hasFeature(pv32, "nonpae"));
}

static void
testRubbish(void **state)
{
    /* unknown kinds and architectures are left out, not guessed at */
    g_autoptr(vkCaps) caps = vkXenCapsFromString("bogus hvm-3.0 xen-3.0-sparc64 hvm--", 0);
    assert_int_equal(caps->guests->len, 0);

    g_autoptr(vkCaps) none = vkXenCapsFromString(NULL, 0);
    assert_int_equal(none->guests->len, 0);
    g_autofree char *xml = vkCapsFormat(none);
    assert_non_null(strstr(xml, "<capabilities>"));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(testFullHost),
        cmocka_unit_test(testPVOnlyHost),
        cmocka_unit_test(testRubbish),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
