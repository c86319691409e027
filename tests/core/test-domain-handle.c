/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Domain handles: a handle's name may live inside the handle and freed
 * handles are kept for reuse (src/core/object.c), so a reused handle must
 * come back with nothing of its previous life, and a rename must move the
 * name between the inline buffer and the heap in both directions.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#define VIR_FROM_THIS VIR_FROM_NONE
#include "core/object.h"

static char *
nameOfLength(size_t len, char c)
{
    char *s = g_malloc(len + 1);

    memset(s, c, len);
    s[len] = '\0';
    return s;
}

static void
test_fields_fresh(void **state)
{
    virConnectPtr conn = vkConnectNew();
    unsigned char uuid[VIR_UUID_BUFLEN];
    unsigned char zero[VIR_UUID_BUFLEN] = { 0 };
    virDomainPtr a;
    virDomainPtr b;

    memset(uuid, 0xab, sizeof(uuid));
    a = vkGetDomain(conn, "first", uuid, 5);
    assert_non_null(a);
    assert_string_equal(a->name, "first");
    assert_memory_equal(a->uuid, uuid, VIR_UUID_BUFLEN);
    assert_int_equal(a->id, 5);
    assert_int_equal(conn->refs, 2);
    vkDomainUnref(a);
    assert_int_equal(conn->refs, 1);

    /* a handle without a uuid must not show the last one's */
    b = vkGetDomain(conn, "second", NULL, -1);
    assert_string_equal(b->name, "second");
    assert_memory_equal(b->uuid, zero, VIR_UUID_BUFLEN);
    assert_int_equal(b->id, -1);
    assert_int_equal(b->refs, 1);
    assert_true(vkCheckDomain(b, "test"));
    vkDomainUnref(b);

    assert_null(vkGetDomain(conn, "", NULL, -1));
    vkConnectUnref(conn);
}

/* Names around the inline size, and renames across it both ways. */
static void
test_names_and_renames(void **state)
{
    virConnectPtr conn = vkConnectNew();
    static const size_t lens[] = { 1, 38, 39, 40, 41, 200, 3, 1000, 39 };

    for (size_t i = 0; i < G_N_ELEMENTS(lens); i++) {
        g_autofree char *n = nameOfLength(lens[i], 'a' + i);
        virDomainPtr d = vkGetDomain(conn, n, NULL, (int)i);

        assert_string_equal(d->name, n);
        for (size_t j = 0; j < G_N_ELEMENTS(lens); j++) {
            g_autofree char *m = nameOfLength(lens[j], 'A' + j);

            vkDomainSetName(d, m);
            assert_string_equal(d->name, m);
        }
        vkDomainSetName(d, n);
        assert_string_equal(d->name, n);
        vkDomainUnref(d);
    }
    vkConnectUnref(conn);
}

/* Thousands at once, twice: every handle distinct and right, and all of
 * them released (the connection's count comes back). */
static void
test_many(void **state)
{
    virConnectPtr conn = vkConnectNew();
    enum { N = 20000 };
    virDomainPtr *list = g_new0(virDomainPtr, N);

    for (int round = 0; round < 2; round++) {
        for (int i = 0; i < N; i++) {
            g_autofree char *n = g_strdup_printf(i % 7 ? "dom-%d-%d" :
                                                 "a-rather-long-domain-name-over-forty-%d-%d",
                                                 round, i);
            list[i] = vkGetDomain(conn, n, NULL, i);
        }
        assert_int_equal(conn->refs, N + 1);
        for (int i = 0; i < N; i++) {
            g_autofree char *n = g_strdup_printf(i % 7 ? "dom-%d-%d" :
                                                 "a-rather-long-domain-name-over-forty-%d-%d",
                                                 round, i);
            assert_string_equal(list[i]->name, n);
            assert_int_equal(list[i]->id, i);
            if (i)
                assert_ptr_not_equal(list[i], list[i - 1]);
        }
        for (int i = 0; i < N; i++)
            vkDomainUnref(list[i]);
        assert_int_equal(conn->refs, 1);
    }
    g_free(list);
    vkConnectUnref(conn);
}

/* A freed handle is reused rather than given back to malloc (not under
 * AddressSanitizer, which should see stale handles). */
static void
test_reuse(void **state)
{
#if defined(__SANITIZE_ADDRESS__)
    skip();
#else
    virConnectPtr conn = vkConnectNew();
    virDomainPtr a = vkGetDomain(conn, "a", NULL, 1);
    virDomainPtr b;
    void *was = a;

    vkDomainUnref(a);
    b = vkGetDomain(conn, "b", NULL, 2);
    assert_ptr_equal(b, was);
    assert_string_equal(b->name, "b");
    vkDomainUnref(b);
    vkConnectUnref(conn);
#endif
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fields_fresh),
        cmocka_unit_test(test_names_and_renames),
        cmocka_unit_test(test_many),
        cmocka_unit_test(test_reuse),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
