/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * src/util/json: parsing QMP-shaped documents, typed reads, building and
 * formatting, and the refusals (bad syntax, trailing data, deep nesting).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "util/json.h"
#include "util/error.h"

static void
test_parse_qmp_reply(void **state)
{
    const char *text = "{\"return\": {\"status\": \"running\", \"running\": true, "
                       "\"big\": 18446744073709551615, \"neg\": -3, \"f\": 1.5, "
                       "\"list\": [1, null, \"x\"]}, \"id\": \"vk-7\"}";
    g_autoptr(vkJSON) v = vkJSONParse(text, strlen(text));
    vkJSON *ret;
    unsigned long long u;
    long long n;
    double d;
    bool b;

    assert_non_null(v);
    assert_int_equal(vkJSONGetType(v), VK_JSON_OBJECT);
    assert_string_equal(vkJSONObjectGetString(v, "id"), "vk-7");
    ret = vkJSONObjectGet(v, "return");
    assert_string_equal(vkJSONObjectGetString(ret, "status"), "running");
    assert_int_equal(vkJSONGetBool(vkJSONObjectGet(ret, "running"), &b), 0);
    assert_true(b);
    assert_int_equal(vkJSONGetUInt64(vkJSONObjectGet(ret, "big"), &u), 0);
    assert_true(u == 18446744073709551615ULL);
    /* Out of range for a signed read, and a negative for an unsigned one. */
    assert_int_equal(vkJSONGetInt64(vkJSONObjectGet(ret, "big"), &n), -1);
    assert_int_equal(vkJSONGetUInt64(vkJSONObjectGet(ret, "neg"), &u), -1);
    assert_int_equal(vkJSONGetInt64(vkJSONObjectGet(ret, "neg"), &n), 0);
    assert_int_equal(n, -3);
    assert_int_equal(vkJSONGetInt64(vkJSONObjectGet(ret, "f"), &n), -1);
    assert_int_equal(vkJSONGetDouble(vkJSONObjectGet(ret, "f"), &d), 0);
    assert_true(d == 1.5);
    assert_int_equal(vkJSONArraySize(vkJSONObjectGet(ret, "list")), 3);
    assert_int_equal(vkJSONGetType(vkJSONArrayGet(vkJSONObjectGet(ret, "list"), 1)),
                     VK_JSON_NULL);
    assert_null(vkJSONArrayGet(vkJSONObjectGet(ret, "list"), 3));
    assert_null(vkJSONObjectGet(v, "missing"));
    assert_null(vkJSONObjectGetString(ret, "running"));   /* not a string */
    /* Keys keep their order. */
    assert_string_equal(vkJSONObjectKeyAt(v, 0), "return");
    assert_string_equal(vkJSONObjectKeyAt(v, 1), "id");
}

static void
test_build_and_format(void **state)
{
    g_autoptr(vkJSON) cmd = vkJSONNewObject();
    g_autoptr(vkJSON) again = NULL;
    g_autofree char *text = NULL;
    g_autofree char *text2 = NULL;
    vkJSON *args = vkJSONNewObject();
    vkJSON *arr = vkJSONNewArray();

    vkJSONObjectAppendString(cmd, "execute", "human-monitor-command");
    vkJSONObjectAppendString(args, "command-line", "info \"x\"\n\\");
    vkJSONObjectAppendInt(args, "n", -42);
    vkJSONObjectAppendBool(args, "b", false);
    vkJSONArrayAppend(arr, vkJSONNewUInt(18446744073709551615ULL));
    vkJSONArrayAppend(arr, vkJSONNewNull());
    vkJSONObjectAppend(args, "a", arr);
    vkJSONObjectAppend(cmd, "arguments", args);
    vkJSONObjectAppendString(cmd, "id", "vk-1");

    text = vkJSONFormat(cmd);
    assert_string_equal(text,
        "{\"execute\":\"human-monitor-command\",\"arguments\":{\"command-line\":"
        "\"info \\\"x\\\"\\n\\\\\",\"n\":-42,\"b\":false,\"a\":[18446744073709551615,null]},"
        "\"id\":\"vk-1\"}");
    /* One line, as QMP needs. */
    assert_null(strchr(text, '\n'));
    again = vkJSONParse(text, strlen(text));
    assert_non_null(again);
    text2 = vkJSONFormat(again);
    assert_string_equal(text, text2);
}

static void
test_parse_errors(void **state)
{
    const char *bad[] = { "", "{", "{\"a\":}", "[1,2", "{\"a\":1} x", "nul", "{1:2}" };
    GString *deep = g_string_new(NULL);
    vkJSON *v;

    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        vkErrorReset();
        v = vkJSONParse(bad[i], strlen(bad[i]));
        assert_null(v);
        assert_non_null(vkErrorGetLast());
        assert_int_equal(vkErrorGetLast()->code, VIR_ERR_INTERNAL_ERROR);
    }

    /* A nesting bomb is refused without recursion trouble. */
    for (int i = 0; i < 100000; i++)
        g_string_append_c(deep, '[');
    vkErrorReset();
    v = vkJSONParse(deep->str, deep->len);
    assert_null(v);
    assert_non_null(strstr(vkErrorGetLast()->message, "nesting"));
    g_string_free(deep, TRUE);

    /* Exactly at the limit is fine. */
    deep = g_string_new(NULL);
    for (int i = 0; i < VK_JSON_MAX_DEPTH; i++)
        g_string_append_c(deep, '[');
    for (int i = 0; i < VK_JSON_MAX_DEPTH; i++)
        g_string_append_c(deep, ']');
    v = vkJSONParse(deep->str, deep->len);
    assert_non_null(v);
    vkJSONFree(v);
    g_string_free(deep, TRUE);
}

static void
test_parse_not_nul_terminated(void **state)
{
    const char buf[] = { '{', '"', 'a', '"', ':', '1', '}', 'X', 'X' };
    g_autoptr(vkJSON) v = vkJSONParse(buf, 7);
    long long n;

    assert_non_null(v);
    assert_int_equal(vkJSONGetInt64(vkJSONObjectGet(v, "a"), &n), 0);
    assert_int_equal(n, 1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_qmp_reply),
        cmocka_unit_test(test_build_and_format),
        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_parse_not_nul_terminated),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
