/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Data-driven domain XML round trip: for every tests/data/domain-xml/X.xml,
 * parse + format must give X.out.xml byte for byte, formatting the output
 * again must give the same bytes, and the output must validate against
 * libvirt's domain.rng (skipped only when the schema is not installed).
 *
 * A case with X.err is refused instead: the parse must fail with the code
 * and message it holds ("CODE MESSAGE", as libvirt gives them).
 *
 * A case named "*-define.xml" is parsed as define parses (inactive: what
 * only a running domain has is dropped); the others as live XML.
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

#include "conf/domain-conf.h"
#include "util/error.h"

static const char *dataDir;

#define FORMAT_FLAGS VIR_DOMAIN_XML_SECURE

static unsigned int
parseFlags(const char *name)
{
    return g_str_has_suffix(name, "-define") ? VK_DOMAIN_PARSE_INACTIVE : 0;
}

static char *
roundTrip(const char *xml, const char *what, unsigned int flags)
{
    g_autoptr(vkDomainDef) def = vkDomainDefParseString(xml, NULL, flags);
    virErrorPtr err;

    if (!def) {
        err = vkErrorGetLast();
        fail_msg("%s: parse failed: %s", what, err && err->message ? err->message : "?");
    }
    return vkDomainDefFormat(def, FORMAT_FLAGS);
}

static void
testCase(void **state)
{
    const char *name = *state;
    g_autofree char *inPath = g_strdup_printf("%s/%s.xml", dataDir, name);
    g_autofree char *outPath = g_strdup_printf("%s/%s.out.xml", dataDir, name);
    g_autofree char *in = NULL;
    g_autofree char *expected = NULL;
    g_autofree char *out = NULL;
    g_autofree char *again = NULL;
    g_autoptr(GError) gerr = NULL;
    g_autofree char *errPath = g_strdup_printf("%s/%s.err", dataDir, name);
    int r;

    assert_true(g_file_get_contents(inPath, &in, NULL, &gerr));
    if (g_file_get_contents(errPath, &expected, NULL, NULL)) {
        g_autoptr(vkDomainDef) def = vkDomainDefParseString(in, NULL, parseFlags(name));
        virErrorPtr err = vkErrorGetLast();
        g_autofree char *got = NULL;

        if (def)
            fail_msg("%s: accepted, expected %s", name, expected);
        got = g_strdup_printf("%d %s\n", err->code, err->message);
        if (strcmp(got, expected) != 0)
            fail_msg("%s: got %s expected %s", name, got, expected);
        return;
    }
    out = roundTrip(in, inPath, parseFlags(name));
    assert_non_null(out);
    if (g_getenv("VK_TEST_REGENERATE"))
        assert_true(g_file_set_contents(outPath, out, -1, NULL));
    if (!g_file_get_contents(outPath, &expected, NULL, NULL))
        fail_msg("%s missing; run with VK_TEST_REGENERATE=1 to create it", outPath);
    if (strcmp(out, expected) != 0) {
        fprintf(stderr, "--- expected %s\n%s--- got\n%s", outPath, expected, out);
        fail_msg("%s: output differs from %s", name, outPath);
    }
    again = roundTrip(out, outPath, parseFlags(name));
    if (strcmp(again, out) != 0) {
        fprintf(stderr, "--- first\n%s--- second\n%s", out, again);
        fail_msg("%s: second round trip differs", name);
    }

    r = vkDomainXMLValidate(out);
    if (r == -2)
        skip();
    if (r != 0) {
        virErrorPtr err = vkErrorGetLast();
        fail_msg("%s: output does not validate: %s", name,
                 err && err->message ? err->message : "?");
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
    guint i;

    dataDir = argc > 1 ? argv[1] : "tests/data/domain-xml";
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
    for (i = 0; i < names->len; i++) {
        tests[i].name = names->pdata[i];
        tests[i].test_func = testCase;
        tests[i].initial_state = names->pdata[i];
    }
    return _cmocka_run_group_tests("domain-xml", tests, names->len, NULL, NULL);
}
