/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Data-driven status file cases: for every tests/data/domain-status/X.xml
 *  - with X.err beside it, parsing must fail with the error code named on
 *    the .err file's first line and a message containing its second line;
 *  - otherwise parse + format must give X.out.xml byte for byte, and
 *    parsing that output and formatting again must give the same bytes
 *    (so what a daemon writes, the next one reads back unchanged).
 *
 * Run with VK_TEST_REGENERATE=1 to (re)write the .out.xml files after an
 * intended change of output; review the diff before committing.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <stdio.h>
#include <cmocka.h>
#include <glib.h>

#include "conf/domain-status.h"
#include "util/error.h"

static const char *dataDir;

static const struct {
    const char *name;
    int code;
} codes[] = {
    { "VIR_ERR_XML_ERROR", VIR_ERR_XML_ERROR },
    { "VIR_ERR_XML_DETAIL", VIR_ERR_XML_DETAIL },
    { "VIR_ERR_NO_NAME", VIR_ERR_NO_NAME },
    { "VIR_ERR_CONFIG_UNSUPPORTED", VIR_ERR_CONFIG_UNSUPPORTED },
};

static int
codeByName(const char *name)
{
    for (size_t i = 0; i < G_N_ELEMENTS(codes); i++)
        if (strcmp(codes[i].name, name) == 0)
            return codes[i].code;
    fail_msg("unknown error code name '%s' in a .err file", name);
    return -1;
}

/* parse + format, or NULL with the thread's error set */
static char *
roundTrip(const char *text)
{
    g_autoptr(vkDomainDef) def = NULL;
    g_autoptr(vkDomainStatus) st = vkDomainStatusParse(text, NULL, &def);

    if (!st) {
        assert_null(def);
        assert_true(vkErrorIsSet());
        return NULL;
    }
    assert_non_null(def);
    return vkDomainStatusFormat(st, def);
}

static void
expectError(const char *name, const char *in, const char *errPath)
{
    g_autofree char *spec = NULL;
    g_auto(GStrv) lines = NULL;
    g_autofree char *out = NULL;
    virErrorPtr err;

    assert_true(g_file_get_contents(errPath, &spec, NULL, NULL));
    lines = g_strsplit(spec, "\n", 3);
    assert_non_null(lines[0]);
    assert_non_null(lines[1]);
    vkErrorReset();
    if ((out = roundTrip(in)))
        fail_msg("%s: parse unexpectedly succeeded:\n%s", name, out);
    err = vkErrorGetLast();
    if (err->code != codeByName(lines[0]))
        fail_msg("%s: expected %s, got code %d: %s", name, lines[0], err->code, err->message);
    if (!strstr(err->message, lines[1]))
        fail_msg("%s: message '%s' lacks '%s'", name, err->message, lines[1]);
}

static void
testCase(void **state)
{
    const char *name = *state;
    g_autofree char *inPath = g_strdup_printf("%s/%s.xml", dataDir, name);
    g_autofree char *outPath = g_strdup_printf("%s/%s.out.xml", dataDir, name);
    g_autofree char *errPath = g_strdup_printf("%s/%s.err", dataDir, name);
    g_autofree char *in = NULL;
    g_autofree char *expected = NULL;
    g_autofree char *out = NULL;
    g_autofree char *again = NULL;

    assert_true(g_file_get_contents(inPath, &in, NULL, NULL));
    if (g_file_test(errPath, G_FILE_TEST_EXISTS)) {
        expectError(name, in, errPath);
        return;
    }
    vkErrorReset();
    if (!(out = roundTrip(in)))
        fail_msg("%s: parse failed: %s", name, vkErrorGetLast()->message);
    if (g_getenv("VK_TEST_REGENERATE"))
        assert_true(g_file_set_contents(outPath, out, -1, NULL));
    if (!g_file_get_contents(outPath, &expected, NULL, NULL))
        fail_msg("%s missing; run with VK_TEST_REGENERATE=1 to create it", outPath);
    if (strcmp(out, expected) != 0) {
        fprintf(stderr, "--- expected %s\n%s--- got\n%s", outPath, expected, out);
        fail_msg("%s: output differs from %s", name, outPath);
    }
    if (!(again = roundTrip(out)))
        fail_msg("%s: output does not parse: %s", name, vkErrorGetLast()->message);
    if (strcmp(again, out) != 0) {
        fprintf(stderr, "--- first\n%s--- second\n%s", out, again);
        fail_msg("%s: second round trip differs", name);
    }
}

static gint
cmpNames(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int
main(int argc, char **argv)
{
    g_autoptr(GDir) dir = NULL;
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    g_autofree struct CMUnitTest *tests = NULL;
    const char *entry;

    dataDir = argc > 1 ? argv[1] : "tests/data/domain-status";
    if (!(dir = g_dir_open(dataDir, 0, NULL))) {
        fprintf(stderr, "cannot open %s\n", dataDir);
        return 1;
    }
    while ((entry = g_dir_read_name(dir))) {
        if (g_str_has_suffix(entry, ".xml") && !g_str_has_suffix(entry, ".out.xml"))
            g_ptr_array_add(names, g_strndup(entry, strlen(entry) - 4));
    }
    g_ptr_array_sort(names, cmpNames);
    if (names->len == 0) {
        fprintf(stderr, "no cases in %s\n", dataDir);
        return 1;
    }
    tests = g_new0(struct CMUnitTest, names->len);
    for (guint i = 0; i < names->len; i++) {
        tests[i].name = names->pdata[i];
        tests[i].test_func = testCase;
        tests[i].initial_state = names->pdata[i];
    }
    return _cmocka_run_group_tests("domain-status", tests, names->len, NULL, NULL);
}
