/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The S-expression parser and formatter (drivers/xen/sxpr.c): nesting,
 * quoting both ways, path queries, and the refusals of malformed or
 * oversized input (unbalanced, unterminated quotes, too deep, trailing
 * data, NUL bytes), plus xend's error bodies and the converter's
 * refusals of configs that are not domains.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "drivers/xen/sxpr.h"
#include "drivers/xen/sxpr-conf.h"
#include "drivers/xen/xend.h"
#include "util/error.h"

static vkSexpr *
parse(const char *s)
{
    return vkSexprParse(s, strlen(s));
}

static void
expectParseError(const char *text, const char *fragment)
{
    vkErrorReset();
    vkSexpr *s = parse(text);
    if (s)
        fail_msg("'%.40s' parsed but should not", text);
    virErrorPtr e = vkErrorGetLast();
    assert_non_null(e);
    assert_int_equal(e->domain, VIR_FROM_SEXPR);
    if (!strstr(e->message, fragment))
        fail_msg("message '%s' lacks '%s'", e->message, fragment);
}

static void
testParseQuery(void **state)
{
    g_autoptr(vkSexpr) s = parse(
        " (domain (domid 3) (name 'web one') (memory 256)\n"
        "   (image (linux (kernel /boot/vmlinuz) (args \"root=/dev/xvda1 ro\")))\n"
        "   (cpu_time 12.5) (device (vbd (dev xvda))) (device (vif (bridge br0)))) ");

    assert_non_null(s);
    assert_string_equal(vkSexprHead(s), "domain");
    assert_string_equal(vkSexprString(s, "name"), "web one");
    assert_string_equal(vkSexprString(s, "image/linux/kernel"), "/boot/vmlinuz");
    assert_string_equal(vkSexprString(s, "image/linux/args"), "root=/dev/xvda1 ro");
    /* the first matching child wins: the first device is the vbd */
    assert_string_equal(vkSexprHead(vkSexprItem(vkSexprLookup(s, "device"), 1)), "vbd");
    assert_null(vkSexprString(s, "image/hvm/kernel"));
    assert_null(vkSexprString(s, "nosuch"));

    long long n = 0;
    double d = 0;
    assert_true(vkSexprLong(s, "domid", &n));
    assert_int_equal(n, 3);
    assert_false(vkSexprLong(s, "name", &n));         /* not a number */
    assert_true(vkSexprDouble(s, "cpu_time", &d));
    assert_true(d > 12.4 && d < 12.6);
    assert_false(vkSexprLong(s, "absent", &n));
}

static void
testFormatQuoting(void **state)
{
    g_autoptr(vkSexpr) l = vkSexprNewList();
    vkSexprAppend(l, vkSexprNewAtom("vm"));
    vkSexprAddPair(l, "name", "plain");
    vkSexprAddPair(l, "args", "root=/dev/xvda1 ro");
    vkSexprAddPair(l, "odd", "it's (a) \"test\"\\");
    vkSexprAddPair(l, "empty", "");
    vkSexprAddPair(l, "skipped", NULL);
    g_autofree char *text = vkSexprFormat(l);

    assert_string_equal(text, "(vm (name plain) (args 'root=/dev/xvda1 ro') "
                              "(odd 'it\\'s (a) \"test\"\\\\') (empty ''))");
    /* and the parser reads back exactly what went in */
    g_autoptr(vkSexpr) back = parse(text);
    assert_non_null(back);
    assert_string_equal(vkSexprString(back, "odd"), "it's (a) \"test\"\\");
    assert_string_equal(vkSexprString(back, "empty"), "");
    assert_null(vkSexprLookup(back, "skipped"));
    g_autofree char *again = vkSexprFormat(back);
    assert_string_equal(again, text);
}

static void
testEmptyAndAtoms(void **state)
{
    g_autoptr(vkSexpr) e = parse("()");
    assert_non_null(e);
    assert_int_equal(vkSexprLen(e), 0);
    assert_null(vkSexprHead(e));
    g_autoptr(vkSexpr) a = parse("  bare  ");
    assert_non_null(a);
    assert_string_equal(a->atom, "bare");
}

static void
testMalformed(void **state)
{
    expectParseError("(a (b c)", "missing ')'");
    expectParseError("(a))", "trailing data");
    expectParseError(")", "unbalanced ')'");
    expectParseError("(a 'open", "unterminated");
    expectParseError("", "unexpected end");
    expectParseError("   ", "unexpected end");
    expectParseError("(a) (b)", "trailing data");

    static const char withNul[] = "(a \0 b)";
    vkErrorReset();
    assert_null(vkSexprParse(withNul, sizeof(withNul) - 1));
    assert_non_null(strstr(vkErrorGetLast()->message, "NUL"));
}

static void
testDepthBound(void **state)
{
    /* a million '(' must fail on the bound, not blow the stack */
    size_t n = 1000000;
    g_autofree char *deep = g_malloc(n + 1);
    memset(deep, '(', n);
    deep[n] = '\0';
    expectParseError(deep, "nesting deeper than");

    /* exactly at the bound is fine */
    GString *ok = g_string_new(NULL);
    for (int i = 0; i < VK_SEXPR_MAX_DEPTH; i++)
        g_string_append_c(ok, '(');
    g_string_append(ok, "x");
    for (int i = 0; i < VK_SEXPR_MAX_DEPTH; i++)
        g_string_append_c(ok, ')');
    vkSexpr *s = parse(ok->str);
    assert_non_null(s);
    vkSexprFree(s);
    g_string_free(ok, TRUE);
}

static void
testSizeBound(void **state)
{
    vkErrorReset();
    /* the length check comes first: the buffer is never read */
    assert_null(vkSexprParse("()", (size_t)VK_SEXPR_MAX_SIZE + 1));
    assert_non_null(strstr(vkErrorGetLast()->message, "exceeds the limit"));
}

static void
testXendErrorMessage(void **state)
{
    g_autofree char *m1 = vkXendErrorMessage("(xend.err 'Domain not found: web')");
    assert_string_equal(m1, "Domain not found: web");
    g_autofree char *m2 = vkXendErrorMessage("  plain failure text\n");
    assert_string_equal(m2, "plain failure text");
    g_autofree char *m3 = vkXendErrorMessage("");
    assert_string_equal(m3, "no details given");
    /* a body that is not an S-expression leaves no error behind */
    vkErrorReset();
    g_autofree char *m4 = vkXendErrorMessage("(unbalanced");
    assert_string_equal(m4, "(unbalanced");
    assert_false(vkErrorIsSet());
}

static void
testConfRefusals(void **state)
{
    g_autoptr(vkSexpr) noName = parse("(vm (memory 256))");
    vkErrorReset();
    assert_null(vkXenDefFromSxpr(noName, true));
    assert_non_null(strstr(vkErrorGetLast()->message, "no (name)"));

    g_autoptr(vkSexpr) noMem = parse("(vm (name x))");
    vkErrorReset();
    assert_null(vkXenDefFromSxpr(noMem, true));
    assert_non_null(strstr(vkErrorGetLast()->message, "'x' has no valid (memory)"));

    g_autoptr(vkSexpr) badDisk = parse(
        "(vm (name x) (memory 64) (image (linux)) (device (vbd (dev xvda) (uname iscsi:lun1))))");
    vkErrorReset();
    assert_null(vkXenDefFromSxpr(badDisk, true));
    assert_int_equal(vkErrorGetLast()->code, VIR_ERR_CONFIG_UNSUPPORTED);
    assert_non_null(strstr(vkErrorGetLast()->message, "unknown uname driver 'iscsi'"));

    /* XML special characters in SXP values are escaped on the way */
    g_autoptr(vkSexpr) amp = parse(
        "(vm (name x) (memory 64) (image (linux (args 'a<b & c'))))");
    vkErrorReset();
    g_autoptr(vkDomainDef) def = vkXenDefFromSxpr(amp, true);
    assert_non_null(def);
    assert_string_equal(def->cmdline, "a<b & c");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(testParseQuery),
        cmocka_unit_test(testFormatQuoting),
        cmocka_unit_test(testEmptyAndAtoms),
        cmocka_unit_test(testMalformed),
        cmocka_unit_test(testDepthBound),
        cmocka_unit_test(testSizeBound),
        cmocka_unit_test(testXendErrorMessage),
        cmocka_unit_test(testConfRefusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
