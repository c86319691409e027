/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Data-driven test of domain XML <-> xend SXP configs
 * (tests/data/xen-sxpr):
 *   <case>.xml + <case>.sxpr   both directions: the XML (canonical: it
 *                              formats back byte for byte) converts to the
 *                              SXP text, and the SXP converts back to the
 *                              same XML; the XML validates against
 *                              libvirt's domain.rng when it is installed.
 *   <case>.xml + <case>.err    the conversion to SXP is refused with
 *                              VIR_ERR_CONFIG_UNSUPPORTED and a message
 *                              containing the .err text.
 *   <case>.record + <case>.record.xml
 *                              a (domain ...) record as xend's GET returns
 *                              it converts to the live XML (with its id).
 * VK_TEST_REGENERATE=1 rewrites .sxpr and .record.xml from the output
 * (and a hand-written .xml in canonical form).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "conf/domain-conf.h"
#include "drivers/xen/sxpr-conf.h"
#include "util/error.h"

static const char *dataDir;

static char *
slurp(const char *path)
{
    char *s = NULL;
    return g_file_get_contents(path, &s, NULL, NULL) ? s : NULL;
}

static void
compareOrRegen(const char *name, const char *path, const char *got)
{
    g_autofree char *want = NULL;

    if (g_getenv("VK_TEST_REGENERATE"))
        g_file_set_contents(path, got, -1, NULL);
    if (!(want = slurp(path)))
        fail_msg("%s: no %s", name, path);
    if (strcmp(got, want) != 0)
        fail_msg("%s: %s differs.\n--- expected\n%s--- got\n%s", name, path, want, got);
}

static vkDomainDef *
defFromSxprText(const char *name, const char *text, bool inactive)
{
    g_autoptr(vkSexpr) s = vkSexprParse(text, strlen(text));
    if (!s)
        fail_msg("%s: SXP does not parse: %s", name, vkErrorGetLast()->message);
    vkDomainDef *def = vkXenDefFromSxpr(s, inactive);
    if (!def)
        fail_msg("%s: SXP -> def failed: %s", name, vkErrorGetLast()->message);
    return def;
}

static void
runRecord(const char *name)
{
    g_autofree char *recPath = g_strdup_printf("%s/%s.record", dataDir, name);
    g_autofree char *outPath = g_strdup_printf("%s/%s.record.xml", dataDir, name);
    g_autofree char *rec = slurp(recPath);

    assert_non_null(rec);
    g_autoptr(vkDomainDef) def = defFromSxprText(name, rec, false);
    g_autofree char *xml = vkDomainDefFormat(def, 0);
    assert_non_null(xml);
    compareOrRegen(name, outPath, xml);
    assert_true(def->id >= 0);
}

static void
runCase(void **state)
{
    const char *name = *state;
    g_autofree char *xmlPath = g_strdup_printf("%s/%s.xml", dataDir, name);
    g_autofree char *sxprPath = g_strdup_printf("%s/%s.sxpr", dataDir, name);
    g_autofree char *errPath = g_strdup_printf("%s/%s.err", dataDir, name);
    g_autofree char *recPath = g_strdup_printf("%s/%s.record", dataDir, name);
    g_autofree char *xml = NULL;

    if (g_file_test(recPath, G_FILE_TEST_EXISTS)) {
        runRecord(name);
        return;
    }
    xml = slurp(xmlPath);
    assert_non_null(xml);
    g_autoptr(vkDomainDef) def = vkDomainDefParseString(xml, "xen", VK_DOMAIN_PARSE_INACTIVE);
    if (!def)
        fail_msg("%s: parse failed: %s", name, vkErrorGetLast()->message);

    vkErrorReset();
    g_autofree char *sxpr = vkXenSxprFormatDef(def);
    if (g_file_test(errPath, G_FILE_TEST_EXISTS)) {
        g_autofree char *want = slurp(errPath);
        g_strchomp(want);
        if (sxpr)
            fail_msg("%s: expected a refusal containing '%s', got %s", name, want, sxpr);
        assert_int_equal(vkErrorGetLast()->code, VIR_ERR_CONFIG_UNSUPPORTED);
        if (!strstr(vkErrorGetLast()->message, want))
            fail_msg("%s: message '%s' lacks '%s'", name, vkErrorGetLast()->message, want);
        return;
    }
    if (!sxpr)
        fail_msg("%s: def -> SXP failed: %s", name, vkErrorGetLast()->message);

    /* the input is canonical, so both directions compare to files */
    g_autofree char *canon = vkDomainDefFormat(def, VIR_DOMAIN_XML_INACTIVE | VIR_DOMAIN_XML_SECURE);
    if (g_getenv("VK_TEST_REGENERATE") && strcmp(canon, xml) != 0) {
        g_file_set_contents(xmlPath, canon, -1, NULL);
        g_free(xml);
        xml = g_strdup(canon);
    }
    if (strcmp(canon, xml) != 0)
        fail_msg("%s: %s is not canonical; the formatter writes:\n%s", name, xmlPath, canon);
    if (vkDomainXMLValidate(xml) == -1)
        fail_msg("%s: does not validate: %s", name, vkErrorGetLast()->message);
    vkErrorReset();

    g_autofree char *sxprLine = g_strconcat(sxpr, "\n", NULL);
    compareOrRegen(name, sxprPath, sxprLine);

    g_autofree char *text = slurp(sxprPath);
    g_autoptr(vkDomainDef) back = defFromSxprText(name, text, true);
    g_autofree char *backXml = vkDomainDefFormat(back, VIR_DOMAIN_XML_INACTIVE | VIR_DOMAIN_XML_SECURE);
    if (strcmp(backXml, xml) != 0)
        fail_msg("%s: SXP -> XML differs.\n--- expected\n%s--- got\n%s", name, xml, backXml);
}

int
main(int argc, char **argv)
{
    g_autoptr(GDir) dir = NULL;
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    const char *n;

    if (argc < 2) {
        fprintf(stderr, "usage: %s DATADIR\n", argv[0]);
        return 2;
    }
    dataDir = argv[1];
    if (!(dir = g_dir_open(dataDir, 0, NULL)))
        return 2;
    while ((n = g_dir_read_name(dir))) {
        if (g_str_has_suffix(n, ".xml") && !g_str_has_suffix(n, ".record.xml"))
            g_ptr_array_add(names, g_strndup(n, strlen(n) - 4));
        else if (g_str_has_suffix(n, ".record"))
            g_ptr_array_add(names, g_strndup(n, strlen(n) - 7));
    }
    g_ptr_array_sort(names, (GCompareFunc)g_strcmp0);
    if (names->len == 0) {
        fprintf(stderr, "no cases in %s\n", dataDir);
        return 1;
    }
    g_autofree struct CMUnitTest *tests = g_new0(struct CMUnitTest, names->len);
    for (guint i = 0; i < names->len; i++) {
        tests[i].name = names->pdata[i];
        tests[i].test_func = runCase;
        tests[i].initial_state = names->pdata[i];
    }
    return _cmocka_run_group_tests("xen-sxpr", tests, names->len, NULL, NULL);
}
