/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The public virTypedParams* helpers: growing arrays, typed lookups, the
 * error cases, string lists and parsing from strings.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <string.h>

#include "virtkit/virtkit.h"
#include "util/error.h"

static int
lastCode(void)
{
    virErrorPtr err = vkErrorGetLast();
    return err ? err->code : VIR_ERR_OK;
}

static void
test_add_and_get(void **state)
{
    virTypedParameterPtr params = NULL;
    int n = 0, max = 0;
    int i;
    unsigned int ui;
    long long l;
    unsigned long long ul;
    double d;
    int b;
    const char *s;

    assert_int_equal(virTypedParamsAddInt(&params, &n, &max, "int", -5), 0);
    assert_int_equal(virTypedParamsAddUInt(&params, &n, &max, "uint", 4000000000u), 0);
    assert_int_equal(virTypedParamsAddLLong(&params, &n, &max, "llong", LLONG_MIN), 0);
    assert_int_equal(virTypedParamsAddULLong(&params, &n, &max, "ullong", ULLONG_MAX), 0);
    assert_int_equal(virTypedParamsAddDouble(&params, &n, &max, "double", 2.5), 0);
    assert_int_equal(virTypedParamsAddBoolean(&params, &n, &max, "bool", 42), 0);
    assert_int_equal(virTypedParamsAddString(&params, &n, &max, "str", "hello"), 0);
    assert_int_equal(n, 7);
    assert_true(max >= n);

    assert_int_equal(virTypedParamsGetInt(params, n, "int", &i), 1);
    assert_int_equal(i, -5);
    assert_int_equal(virTypedParamsGetUInt(params, n, "uint", &ui), 1);
    assert_true(ui == 4000000000u);
    assert_int_equal(virTypedParamsGetLLong(params, n, "llong", &l), 1);
    assert_true(l == LLONG_MIN);
    assert_int_equal(virTypedParamsGetULLong(params, n, "ullong", &ul), 1);
    assert_true(ul == ULLONG_MAX);
    assert_int_equal(virTypedParamsGetDouble(params, n, "double", &d), 1);
    assert_true(d == 2.5);
    assert_int_equal(virTypedParamsGetBoolean(params, n, "bool", &b), 1);
    assert_int_equal(b, 1);
    assert_int_equal(virTypedParamsGetString(params, n, "str", &s), 1);
    assert_string_equal(s, "hello");
    assert_int_equal(params[6].type, VIR_TYPED_PARAM_STRING);

    /* presence check without a value pointer */
    assert_int_equal(virTypedParamsGetInt(params, n, "int", NULL), 1);

    assert_ptr_equal(virTypedParamsGet(params, n, "double"), &params[4]);
    assert_null(virTypedParamsGet(params, n, "nope"));

    virTypedParamsFree(params, n);
}

static void
test_missing_and_wrong_type(void **state)
{
    virTypedParameterPtr params = NULL;
    int n = 0, max = 0;
    int i = 123;
    unsigned int ui = 7;

    assert_int_equal(virTypedParamsAddInt(&params, &n, &max, "a", 1), 0);

    assert_int_equal(virTypedParamsGetInt(params, n, "b", &i), 0);
    assert_int_equal(i, 123);
    assert_int_equal(lastCode(), VIR_ERR_OK);

    assert_int_equal(virTypedParamsGetUInt(params, n, "a", &ui), -1);
    assert_int_equal(ui, 7);
    assert_int_equal(lastCode(), VIR_ERR_INVALID_ARG);
    assert_non_null(strstr(vkErrorGetLast()->message, "'a'"));
    assert_non_null(strstr(vkErrorGetLast()->message, "'int'"));

    /* the next call starts from a clean slate */
    assert_int_equal(virTypedParamsGetInt(params, n, "a", &i), 1);
    assert_int_equal(lastCode(), VIR_ERR_OK);

    assert_int_equal(virTypedParamsGetInt(NULL, 0, "a", &i), 0);
    assert_int_equal(virTypedParamsGetInt(params, n, NULL, &i), 0);

    virTypedParamsFree(params, n);
}

static void
test_add_errors(void **state)
{
    virTypedParameterPtr params = NULL;
    int n = 0, max = 0;
    char longName[VIR_TYPED_PARAM_FIELD_LENGTH + 1];
    const char *s;

    assert_int_equal(virTypedParamsAddString(&params, &n, &max, "x", "one"), 0);
    assert_int_equal(virTypedParamsAddInt(&params, &n, &max, "x", 2), -1);
    assert_int_equal(lastCode(), VIR_ERR_INVALID_ARG);
    assert_non_null(strstr(vkErrorGetLast()->message, "Parameter 'x' is already set"));
    assert_int_equal(n, 1);
    assert_int_equal(virTypedParamsGetString(params, n, "x", &s), 1);
    assert_string_equal(s, "one");

    /* a name must fit in the field with its terminator */
    memset(longName, 'n', sizeof(longName) - 1);
    longName[sizeof(longName) - 1] = '\0';
    assert_int_equal(virTypedParamsAddInt(&params, &n, &max, longName, 1), -1);
    assert_int_not_equal(lastCode(), VIR_ERR_OK);
    longName[VIR_TYPED_PARAM_FIELD_LENGTH - 1] = '\0';
    assert_int_equal(virTypedParamsAddInt(&params, &n, &max, longName, 1), 0);
    assert_int_equal(lastCode(), VIR_ERR_OK);
    assert_int_equal(n, 2);

    assert_int_equal(virTypedParamsAddInt(&params, &n, &max, NULL, 1), -1);
    assert_int_equal(lastCode(), VIR_ERR_INVALID_ARG);
    assert_int_equal(virTypedParamsAddInt(NULL, &n, &max, "y", 1), -1);
    assert_int_equal(n, 2);

    virTypedParamsFree(params, n);
}

static void
test_growth(void **state)
{
    virTypedParameterPtr params = NULL;
    int n = 0, max = 0;
    char name[16];
    int v;

    for (int i = 0; i < 100; i++) {
        g_snprintf(name, sizeof(name), "p%d", i);
        assert_int_equal(virTypedParamsAddInt(&params, &n, &max, name, i * 3), 0);
        assert_int_equal(n, i + 1);
        assert_true(max >= n);
    }
    for (int i = 0; i < 100; i++) {
        g_snprintf(name, sizeof(name), "p%d", i);
        assert_int_equal(virTypedParamsGetInt(params, n, name, &v), 1);
        assert_int_equal(v, i * 3);
    }
    virTypedParamsFree(params, n);

    /* an array the caller preallocated is used as is */
    params = g_new0(virTypedParameter, 4);
    n = 0;
    max = 4;
    {
        virTypedParameterPtr before = params;

        assert_int_equal(virTypedParamsAddInt(&params, &n, &max, "a", 1), 0);
        assert_ptr_equal(params, before);
        assert_int_equal(max, 4);
    }
    virTypedParamsFree(params, n);
}

static void
test_string_list(void **state)
{
    virTypedParameterPtr params = NULL;
    int n = 0, max = 0;
    const char *values[] = { "sda", "sdb", "sdc", NULL };
    const char *s;
    int seen = 0;

    assert_int_equal(virTypedParamsAddInt(&params, &n, &max, "before", 1), 0);
    assert_int_equal(virTypedParamsAddStringList(&params, &n, &max, "disk", values), 0);
    assert_int_equal(n, 4);
    for (int i = 0; i < n; i++) {
        if (strcmp(params[i].field, "disk") != 0)
            continue;
        assert_int_equal(params[i].type, VIR_TYPED_PARAM_STRING);
        assert_string_equal(params[i].value.s, values[seen]);
        /* copies, not the caller's pointers */
        assert_ptr_not_equal(params[i].value.s, values[seen]);
        seen++;
    }
    assert_int_equal(seen, 3);
    /* lookup finds the first */
    assert_int_equal(virTypedParamsGetString(params, n, "disk", &s), 1);
    assert_string_equal(s, "sda");

    assert_int_equal(virTypedParamsAddStringList(&params, &n, &max, "before", values), -1);
    assert_int_equal(lastCode(), VIR_ERR_INVALID_ARG);
    assert_int_equal(n, 4);

    virTypedParamsFree(params, n);
}

static void
test_from_string(void **state)
{
    virTypedParameterPtr params = NULL;
    int n = 0, max = 0;
    int i, b;
    unsigned int ui;
    long long l;
    unsigned long long ul;
    double d;
    const char *s;

    assert_int_equal(virTypedParamsAddFromString(&params, &n, &max, "i", VIR_TYPED_PARAM_INT, "-12"), 0);
    assert_int_equal(virTypedParamsAddFromString(&params, &n, &max, "ui", VIR_TYPED_PARAM_UINT, "4294967295"), 0);
    assert_int_equal(virTypedParamsAddFromString(&params, &n, &max, "l", VIR_TYPED_PARAM_LLONG, "-9000000000"), 0);
    assert_int_equal(virTypedParamsAddFromString(&params, &n, &max, "ul", VIR_TYPED_PARAM_ULLONG, "18446744073709551615"), 0);
    assert_int_equal(virTypedParamsAddFromString(&params, &n, &max, "d", VIR_TYPED_PARAM_DOUBLE, "0.25"), 0);
    assert_int_equal(virTypedParamsAddFromString(&params, &n, &max, "b", VIR_TYPED_PARAM_BOOLEAN, "TRUE"), 0);
    assert_int_equal(virTypedParamsAddFromString(&params, &n, &max, "b0", VIR_TYPED_PARAM_BOOLEAN, "0"), 0);
    assert_int_equal(virTypedParamsAddFromString(&params, &n, &max, "s", VIR_TYPED_PARAM_STRING, "text"), 0);
    assert_int_equal(n, 8);

    assert_int_equal(virTypedParamsGetInt(params, n, "i", &i), 1);
    assert_int_equal(i, -12);
    assert_int_equal(virTypedParamsGetUInt(params, n, "ui", &ui), 1);
    assert_true(ui == UINT_MAX);
    assert_int_equal(virTypedParamsGetLLong(params, n, "l", &l), 1);
    assert_true(l == -9000000000LL);
    assert_int_equal(virTypedParamsGetULLong(params, n, "ul", &ul), 1);
    assert_true(ul == ULLONG_MAX);
    assert_int_equal(virTypedParamsGetDouble(params, n, "d", &d), 1);
    assert_true(d == 0.25);
    assert_int_equal(virTypedParamsGetBoolean(params, n, "b", &b), 1);
    assert_int_equal(b, 1);
    assert_int_equal(virTypedParamsGetBoolean(params, n, "b0", &b), 1);
    assert_int_equal(b, 0);
    assert_int_equal(virTypedParamsGetString(params, n, "s", &s), 1);
    assert_string_equal(s, "text");

    /* bad input leaves the array as it was */
    assert_int_equal(virTypedParamsAddFromString(&params, &n, &max, "e1", VIR_TYPED_PARAM_INT, "12x"), -1);
    assert_int_equal(lastCode(), VIR_ERR_INVALID_ARG);
    assert_non_null(strstr(vkErrorGetLast()->message, "'e1'"));
    assert_int_equal(virTypedParamsAddFromString(&params, &n, &max, "e2", VIR_TYPED_PARAM_INT, "2147483648"), -1);
    assert_int_equal(virTypedParamsAddFromString(&params, &n, &max, "e3", VIR_TYPED_PARAM_UINT, "-1"), -1);
    assert_int_equal(virTypedParamsAddFromString(&params, &n, &max, "e4", VIR_TYPED_PARAM_UINT, "4294967296"), -1);
    assert_int_equal(virTypedParamsAddFromString(&params, &n, &max, "e5", VIR_TYPED_PARAM_BOOLEAN, "yes"), -1);
    assert_int_equal(lastCode(), VIR_ERR_INVALID_ARG);
    assert_int_equal(virTypedParamsAddFromString(&params, &n, &max, "e6", VIR_TYPED_PARAM_DOUBLE, ""), -1);
    assert_int_equal(virTypedParamsAddFromString(&params, &n, &max, "e7", 99, "1"), -1);
    assert_int_not_equal(lastCode(), VIR_ERR_OK);
    assert_int_equal(virTypedParamsAddFromString(&params, &n, &max, "i", VIR_TYPED_PARAM_INT, "5"), -1);
    assert_int_equal(lastCode(), VIR_ERR_INVALID_ARG);
    assert_int_equal(n, 8);

    virTypedParamsFree(params, n);
}

static void
test_clear_keeps_array(void **state)
{
    virTypedParameterPtr params = NULL;
    int n = 0, max = 0;

    assert_int_equal(virTypedParamsAddString(&params, &n, &max, "s", "v"), 0);
    assert_int_equal(virTypedParamsAddInt(&params, &n, &max, "i", 9), 0);
    virTypedParamsClear(params, n);
    assert_null(params[0].value.s);
    assert_int_equal(params[1].value.i, 9);
    virTypedParamsFree(params, n);
    virTypedParamsFree(NULL, 0);
    virTypedParamsClear(NULL, 3);
}

static void
test_free_keeps_last_error(void **state)
{
    virTypedParameterPtr params = NULL;
    int n = 0, max = 0;

    assert_int_equal(virTypedParamsAddInt(&params, &n, &max, "a", 1), 0);
    assert_int_equal(virTypedParamsAddInt(&params, &n, &max, "a", 1), -1);
    virTypedParamsFree(params, n);
    assert_int_equal(lastCode(), VIR_ERR_INVALID_ARG);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_add_and_get),
        cmocka_unit_test(test_missing_and_wrong_type),
        cmocka_unit_test(test_add_errors),
        cmocka_unit_test(test_growth),
        cmocka_unit_test(test_string_list),
        cmocka_unit_test(test_from_string),
        cmocka_unit_test(test_clear_keeps_array),
        cmocka_unit_test(test_free_keeps_last_error),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
