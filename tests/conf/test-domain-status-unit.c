/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Unit tests of the status codec on generated inputs the data cases cannot
 * hold: a file cut at every byte, one over the size limit, every printable
 * character and line break in every string field, values XML cannot
 * carry, the typed extras' accessors and the caller's domain type.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include <glib.h>

#include "conf/domain-status.h"
#include "util/error.h"

#define DOMAIN "<domain type='kvm'><name>vm</name><memory>65536</memory>" \
               "<os><type>hvm</type></os></domain>"

static vkDomainDef *
makeDef(const char *name)
{
    g_autofree char *xml = NULL;
    g_autoptr(GString) esc = g_string_new(NULL);
    vkDomainDef *def;

    for (const char *p = name; *p; p++) {
        if (*p == '&')
            g_string_append(esc, "&amp;");
        else if (*p == '<')
            g_string_append(esc, "&lt;");
        else
            g_string_append_c(esc, *p);
    }
    xml = g_strdup_printf("<domain type='kvm' id='3'><name>%s</name><memory>65536</memory>"
                          "<os><type>hvm</type></os></domain>", esc->str);
    def = vkDomainDefParseString(xml, NULL, 0);
    assert_non_null(def);
    return def;
}

/* Every prefix of a good file is refused with an error, none crashes. */
static void
testTruncatedEverywhere(void **s)
{
    g_autoptr(vkDomainDef) def = makeDef("cut");
    g_autoptr(vkDomainStatus) st = vkDomainStatusNew();
    g_autofree char *text = NULL;
    size_t len, closeAt;

    st->state = 1;
    st->pid = 42;
    st->monitor = g_strdup("/run/x/cut.monitor");
    vkDomainStatusSetInt(st, "init", 43);
    vkDomainStatusSetString(st, "note", "a&b");
    assert_non_null(text = vkDomainStatusFormat(st, def));
    len = strlen(text);
    closeAt = strstr(text, "</domstatus>") - text + strlen("</domstatus>");
    for (size_t cut = 0; cut < len; cut++) {
        g_autofree char *prefix = g_strndup(text, cut);
        g_autoptr(vkDomainDef) got = NULL;
        g_autoptr(vkDomainStatus) parsed = NULL;

        vkErrorReset();
        parsed = vkDomainStatusParse(prefix, "kvm", &got);
        if (cut >= closeAt) {
            /* only the final newline is missing */
            assert_non_null(parsed);
            continue;
        }
        if (parsed)
            fail_msg("prefix of %zu bytes parsed: %s", cut, prefix);
        assert_null(got);
        assert_true(vkErrorIsSet());
        assert_non_null(vkErrorGetLast()->message);
    }
}

static void
testOversized(void **s)
{
    size_t n = VK_DOMAIN_STATUS_MAX + 16;
    g_autofree char *big = g_malloc(n + 1);
    g_autoptr(vkDomainDef) def = NULL;
    virErrorPtr err;
    size_t head;

    head = g_snprintf(big, n, "<domstatus version='1' state='1' pid='5'>%s<!--", DOMAIN);
    memset(big + head, 'x', n - head);
    big[n] = '\0';
    vkErrorReset();
    assert_null(vkDomainStatusParse(big, NULL, &def));
    err = vkErrorGetLast();
    assert_int_equal(err->code, VIR_ERR_XML_ERROR);
    assert_non_null(strstr(err->message, "larger than the limit"));
}

/* A 1 MiB value and every printable ASCII character, CR, LF and tab in
 * each string field come back exactly. */
static void
testHostileStringsRoundTrip(void **s)
{
    g_autoptr(vkDomainDef) def = makeDef("q'uo\"te & <amp>");
    g_autoptr(vkDomainStatus) st = vkDomainStatusNew();
    g_autoptr(vkDomainStatus) back = NULL;
    g_autoptr(vkDomainDef) defBack = NULL;
    g_autoptr(GString) all = g_string_new("\r\n\t\r");
    g_autofree char *huge = g_strnfill(1024 * 1024, 'h');
    g_autofree char *text = NULL;
    long long v = 0;

    for (int c = 0x20; c < 0x7f; c++)
        g_string_append_c(all, (char)c);
    g_string_append(all, "\n\xc3\xa9\xe2\x82\xac end\r");
    st->state = 3;
    st->reason = 2;
    st->id = 0;
    st->pid = G_MAXINT;
    st->monitor = g_strdup(all->str);
    st->cgroup = g_strdup(all->str);
    vkDomainStatusSetString(st, "all", all->str);
    vkDomainStatusSetString(st, "huge", huge);
    vkDomainStatusSetString(st, "empty", "");
    vkDomainStatusSetInt(st, "min", G_MININT64);
    assert_non_null(text = vkDomainStatusFormat(st, def));
    assert_non_null(back = vkDomainStatusParse(text, "kvm,qemu", &defBack));
    assert_int_equal(back->state, 3);
    assert_int_equal(back->reason, 2);
    assert_int_equal(back->id, 0);
    assert_int_equal(back->pid, G_MAXINT);
    assert_string_equal(back->monitor, all->str);
    assert_string_equal(back->cgroup, all->str);
    assert_string_equal(vkDomainStatusGetString(back, "all"), all->str);
    assert_string_equal(vkDomainStatusGetString(back, "huge"), huge);
    assert_string_equal(vkDomainStatusGetString(back, "empty"), "");
    assert_int_equal(vkDomainStatusGetInt(back, "min", &v), 1);
    assert_true(v == G_MININT64);
    assert_string_equal(defBack->name, "q'uo\"te & <amp>");
    assert_int_equal(defBack->id, 3);
}

static void
expectFormatRefused(vkDomainStatus *st, const char *needle)
{
    g_autoptr(vkDomainDef) def = makeDef("bad");
    g_autofree char *text = NULL;

    vkErrorReset();
    text = vkDomainStatusFormat(st, def);
    if (text)
        fail_msg("format unexpectedly succeeded:\n%s", text);
    assert_int_equal(vkErrorGetLast()->code, VIR_ERR_INTERNAL_ERROR);
    if (!strstr(vkErrorGetLast()->message, needle))
        fail_msg("message '%s' lacks '%s'", vkErrorGetLast()->message, needle);
}

/* What could not be read back is not written. */
static void
testFormatRefuses(void **s)
{
    g_autoptr(vkDomainStatus) st = vkDomainStatusNew();

    st->state = 1;
    expectFormatRefused(st, "without a pid");
    st->pid = 7;
    st->monitor = g_strdup("/run/\x01.monitor");
    expectFormatRefused(st, "'monitor path'");
    g_clear_pointer(&st->monitor, g_free);
    st->cgroup = g_strdup("/sys/fs/cgroup/\xff\xfe");
    expectFormatRefused(st, "'cgroup path'");
    g_clear_pointer(&st->cgroup, g_free);
    vkDomainStatusSetString(st, "esc", "\x1b[0m");
    expectFormatRefused(st, "'esc'");
    vkDomainStatusSetInt(st, "esc", 1);
    vkDomainStatusSetInt(st, "Upper Case", 1);
    expectFormatRefused(st, "'Upper Case'");
}

static void
testExtrasAccess(void **s)
{
    g_autoptr(vkDomainStatus) st = vkDomainStatusNew();
    long long v = -1;

    assert_int_equal(st->id, -1);
    assert_int_equal(vkDomainStatusGetInt(st, "x", &v), 0);
    assert_int_equal(v, -1);
    assert_null(vkDomainStatusGetString(st, "x"));
    vkDomainStatusSetString(st, "x", "text");
    vkErrorReset();
    assert_int_equal(vkDomainStatusGetInt(st, "x", &v), -1);
    assert_int_equal(vkErrorGetLast()->code, VIR_ERR_INTERNAL_ERROR);
    vkDomainStatusSetInt(st, "x", 12);
    assert_null(vkDomainStatusGetString(st, "x"));
    assert_int_equal(vkDomainStatusGetInt(st, "x", &v), 1);
    assert_int_equal(v, 12);
    vkDomainStatusSetString(st, "x", NULL);
    assert_string_equal(vkDomainStatusGetString(st, "x"), "");
    assert_int_equal(st->extras->len, 1);
}

/* The nested domain must be one the reading driver runs. */
static void
testVirtType(void **s)
{
    const char *text = "<domstatus version='1' state='1' pid='5'>" DOMAIN "</domstatus>";
    g_autoptr(vkDomainDef) def = NULL;
    g_autoptr(vkDomainStatus) st = NULL;

    vkErrorReset();
    assert_null(vkDomainStatusParse(text, "lxc", &def));
    assert_null(def);
    assert_int_equal(vkErrorGetLast()->code, VIR_ERR_CONFIG_UNSUPPORTED);
    assert_non_null(st = vkDomainStatusParse(text, "kvm,qemu", &def));
    assert_string_equal(def->name, "vm");
    vkErrorReset();
    g_clear_pointer(&def, vkDomainDefFree);
    assert_null(vkDomainStatusParse(NULL, NULL, &def));
    assert_int_equal(vkErrorGetLast()->code, VIR_ERR_XML_ERROR);
}

/* A legacy head is repaired only when it really is one: the same
 * unescaped-looking path in a versioned file is plain XML and fails. */
static void
testLegacyOnlyWithoutVersion(void **s)
{
    const char *legacy = "<domstatus state='1' reason='1' pid='5' id='1' monitor='/r/a&b.monitor'>\n"
                         DOMAIN "\n</domstatus>\n";
    const char *versioned = "<domstatus version='1' state='1' pid='5' monitor='/r/a&b.monitor'>\n"
                            DOMAIN "\n</domstatus>\n";
    g_autoptr(vkDomainDef) def = NULL;
    g_autoptr(vkDomainStatus) st = NULL;

    assert_non_null(st = vkDomainStatusParse(legacy, NULL, &def));
    assert_string_equal(st->monitor, "/r/a&b.monitor");
    g_clear_pointer(&def, vkDomainDefFree);
    vkErrorReset();
    assert_null(vkDomainStatusParse(versioned, NULL, &def));
    assert_int_equal(vkErrorGetLast()->code, VIR_ERR_XML_DETAIL);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(testTruncatedEverywhere),
        cmocka_unit_test(testOversized),
        cmocka_unit_test(testHostileStringsRoundTrip),
        cmocka_unit_test(testFormatRefuses),
        cmocka_unit_test(testExtrasAccess),
        cmocka_unit_test(testVirtType),
        cmocka_unit_test(testLegacyOnlyWithoutVersion),
    };

    return cmocka_run_group_tests_name("conf-domain-status", tests, NULL, NULL);
}
