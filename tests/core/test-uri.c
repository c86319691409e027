/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* URI parsing: the shapes libvirt users write, and the ones that must fail. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "core/uri.h"
#include "util/error.h"

static void
test_local(void **state)
{
    g_autoptr(vkURI) u = vkURIParse("test:///default");
    assert_non_null(u);
    assert_string_equal(u->scheme, "test");
    assert_null(u->transport);
    assert_null(u->server);
    assert_string_equal(u->path, "/default");
    g_autofree char *s = vkURIFormat(u);
    assert_string_equal(s, "test:///default");
}

static void
test_transport_and_query(void **state)
{
    g_autoptr(vkURI) u = vkURIParse("qemu+unix:///system?socket=/tmp/a%20b/sock&mode=legacy");
    assert_non_null(u);
    assert_string_equal(u->scheme, "qemu");
    assert_string_equal(u->transport, "unix");
    assert_string_equal(u->path, "/system");
    assert_int_equal(u->nparams, 2);
    assert_string_equal(vkURIGetParam(u, "socket"), "/tmp/a b/sock");
    assert_string_equal(vkURIGetParam(u, "mode"), "legacy");
    assert_null(vkURIGetParam(u, "nope"));
}

static void
test_remote_host(void **state)
{
    g_autoptr(vkURI) u = vkURIParse("QEMU+TLS://root@host.example:16514/system");
    assert_non_null(u);
    assert_string_equal(u->scheme, "qemu");
    assert_string_equal(u->transport, "tls");
    assert_string_equal(u->user, "root");
    assert_string_equal(u->server, "host.example");
    assert_int_equal(u->port, 16514);
    g_autofree char *s = vkURIFormat(u);
    assert_string_equal(s, "qemu+tls://root@host.example:16514/system");
}

static void
test_bad(void **state)
{
    const char *bad[] = { "", "no-scheme-here", "://x", "test:// bad host/x", NULL };
    for (size_t i = 0; bad[i]; i++) {
        vkErrorReset();
        assert_null(vkURIParse(bad[i]));
        assert_true(vkErrorIsSet());
        int code = virGetLastErrorCode();
        assert_true(code == VIR_ERR_INVALID_ARG || code == VIR_ERR_NO_CONNECT);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_local),
        cmocka_unit_test(test_transport_and_query),
        cmocka_unit_test(test_remote_host),
        cmocka_unit_test(test_bad),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
