/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Network port XML against files in tests/data/network-port: each
 * NAME.xml either parses and formats to NAME.out, or is refused with the
 * message in NAME.err.  A formatted port parses back to the same text.
 * VK_REGENERATE=1 writes the .out files instead (review them).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "virtkit/virtkit.h"
#include "conf/netport-conf.h"

static const char *dataDir;

static void
runCase(void **state)
{
    const char *base = *state;
    g_autofree char *xmlPath = g_strdup_printf("%s/%s.xml", dataDir, base);
    g_autofree char *errPath = g_strdup_printf("%s/%s.err", dataDir, base);
    g_autofree char *outPath = g_strdup_printf("%s/%s.out", dataDir, base);
    g_autofree char *xml = NULL, *want = NULL, *got = NULL, *again = NULL;
    g_autoptr(vkNetworkPortDef) def = NULL;
    g_autoptr(vkNetworkPortDef) back = NULL;

    assert_true(g_file_get_contents(xmlPath, &xml, NULL, NULL));
    def = vkNetworkPortDefParseString(xml);
    if (g_file_get_contents(errPath, &want, NULL, NULL)) {
        if (def)
            fail_msg("%s: accepted, expected refusal: %s", base, want);
        assert_string_equal(g_strstrip(want), virGetLastError()->message);
        return;
    }
    if (!def)
        fail_msg("%s: %s", base, virGetLastErrorMessage());
    got = vkNetworkPortDefFormat(def);
    if (g_getenv("VK_REGENERATE"))
        assert_true(g_file_set_contents(outPath, got, -1, NULL));
    assert_true(g_file_get_contents(outPath, &want, NULL, NULL));
    assert_string_equal(want, got);
    back = vkNetworkPortDefParseString(got);
    assert_non_null(back);
    again = vkNetworkPortDefFormat(back);
    assert_string_equal(got, again);
}

static gint
byName(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void
generatedUUID(void **state)
{
    const char *xml = "<networkport><owner><name>g</name>"
                      "<uuid>0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f</uuid></owner>"
                      "<mac address='52:54:00:00:00:01'/></networkport>";
    g_autoptr(vkNetworkPortDef) a = vkNetworkPortDefParseString(xml);
    g_autoptr(vkNetworkPortDef) b = vkNetworkPortDefParseString(xml);
    static const unsigned char zero[VIR_UUID_BUFLEN];

    (void)state;
    assert_non_null(a);
    assert_non_null(b);
    assert_memory_not_equal(a->uuid, zero, VIR_UUID_BUFLEN);
    assert_memory_not_equal(a->uuid, b->uuid, VIR_UUID_BUFLEN);
}

int
main(int argc, char **argv)
{
    g_autoptr(GDir) dir = NULL;
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GArray) tests = g_array_new(FALSE, TRUE, sizeof(struct CMUnitTest));
    struct CMUnitTest more = cmocka_unit_test(generatedUUID);
    const char *ent;

    if (argc < 2)
        return 2;
    dataDir = argv[1];
    if (!(dir = g_dir_open(dataDir, 0, NULL)))
        return 2;
    while ((ent = g_dir_read_name(dir))) {
        if (g_str_has_suffix(ent, ".xml"))
            g_ptr_array_add(names, g_strndup(ent, strlen(ent) - 4));
    }
    g_ptr_array_sort(names, byName);
    for (guint i = 0; i < names->len; i++) {
        struct CMUnitTest t = { .name = names->pdata[i], .test_func = runCase,
                                .initial_state = names->pdata[i] };
        g_array_append_val(tests, t);
    }
    g_array_append_val(tests, more);
    return _cmocka_run_group_tests("network-port", (struct CMUnitTest *)tests->data,
                                   tests->len, NULL, NULL);
}
