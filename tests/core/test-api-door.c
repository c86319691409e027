/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The API door, independent of any real driver: a minimal driver for the
 * scheme "door" implements two members, so the checks the generated entry
 * points make (handles, NULL arguments, read-only, unsupported members,
 * error dispatch) can be observed exactly.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#define VIR_FROM_THIS VIR_FROM_NONE
#include "api/api-internal.h"

static int closes;
static int opens;
static int suspends;

static vkDrvOpenStatus
doorOpen(virConnectPtr conn, virConnectAuthPtr auth, unsigned int flags)
{
    if (strcmp(conn->uri->scheme, "door") != 0)
        return VK_DRV_OPEN_DECLINED;
    opens++;
    if (strcmp(conn->uri->path, "/fail") == 0) {
        vkReportError(VIR_ERR_INVALID_ARG, "door refuses '%s'", conn->uri->path);
        return VK_DRV_OPEN_ERROR;
    }
    return VK_DRV_OPEN_SUCCESS;
}

static int
doorClose(virConnectPtr conn)
{
    closes++;
    return 0;
}

static virDomainPtr
doorLookupByName(virConnectPtr conn, const char *name)
{
    static const unsigned char uuid[VIR_UUID_BUFLEN] = { 1, 2, 3 };
    if (strcmp(name, "d") != 0) {
        vkReportError(VIR_ERR_NO_DOMAIN, "no domain with matching name '%s'", name);
        return NULL;
    }
    return vkGetDomain(conn, name, uuid, 7);
}

static int
doorSuspend(virDomainPtr dom)
{
    suspends++;
    return 0;
}

static virHypervisorDriver doorHv = {
    .name = "door",
    .connectOpen = doorOpen,
    .connectClose = doorClose,
    .domainLookupByName = doorLookupByName,
    .domainSuspend = doorSuspend,
};
static const char *const doorSchemes[] = { "door", NULL };
static const vkConnectDriver doorDrv = {
    .name = "door", .uriSchemes = doorSchemes, .localOnly = true,
    .hypervisorDriver = &doorHv,
};

static int handlerCalls;
static void
countingHandler(void *opaque, virErrorPtr err)
{
    handlerCalls++;
}

static int
setup(void **state)
{
    virInitialize();
    vkRegisterConnectDriver(&doorDrv);
    virSetErrorFunc(NULL, countingHandler);
    return 0;
}

static void
test_open_close(void **state)
{
    virConnectPtr c = virConnectOpen("door:///x");
    assert_non_null(c);
    g_autofree char *uri = virConnectGetURI(c);
    assert_string_equal(uri, "door:///x");
    int before = closes;
    assert_int_equal(virConnectRef(c), 0);
    assert_int_equal(virConnectClose(c), 1);
    assert_int_equal(closes, before);
    assert_int_equal(virConnectClose(c), 0);
    assert_int_equal(closes, before + 1);
}

static void
test_open_errors(void **state)
{
    handlerCalls = 0;
    assert_null(virConnectOpen("nosuchdriver:///x"));
    assert_int_equal(virGetLastErrorCode(), VIR_ERR_NO_CONNECT);
    assert_non_null(strstr(virGetLastErrorMessage(), "nosuchdriver:///x"));
    assert_int_equal(handlerCalls, 1);

    assert_null(virConnectOpen("door:///fail"));
    assert_int_equal(virGetLastErrorCode(), VIR_ERR_INVALID_ARG);
    assert_non_null(strstr(virGetLastErrorMessage(), "door refuses"));

    /* a local-only driver is never asked for a URI naming a server: with
     * the remote driver built in, it gets the URI (and fails to reach the
     * closed loopback port); without it, nobody serves it */
    int before = opens;
    assert_null(virConnectOpen("door://127.0.0.1:1/x"));
    assert_int_equal(opens, before);
    assert_true(virGetLastErrorCode() == VIR_ERR_NO_CONNECT ||
                virGetLastErrorCode() == VIR_ERR_SYSTEM_ERROR);

    assert_null(virConnectOpenAuth("door:///x", NULL, 0x100));
    assert_int_equal(virGetLastErrorCode(), VIR_ERR_INVALID_ARG);
}

static void
test_default_uri_env(void **state)
{
    g_setenv("VIRTKIT_DEFAULT_URI", "door:///from-env", TRUE);
    virConnectPtr c = virConnectOpen(NULL);
    assert_non_null(c);
    g_autofree char *uri = virConnectGetURI(c);
    assert_string_equal(uri, "door:///from-env");
    virConnectClose(c);
    g_unsetenv("VIRTKIT_DEFAULT_URI");

    g_setenv("LIBVIRT_DEFAULT_URI", "door:///libvirt-env", TRUE);
    c = virConnectOpen("");
    assert_non_null(c);
    g_autofree char *uri2 = virConnectGetURI(c);
    assert_string_equal(uri2, "door:///libvirt-env");
    virConnectClose(c);
    g_unsetenv("LIBVIRT_DEFAULT_URI");
}

static void
test_dispatch_and_unsupported(void **state)
{
    virConnectPtr c = virConnectOpen("door:///x");
    virDomainPtr d = virDomainLookupByName(c, "d");
    assert_non_null(d);
    assert_string_equal(virDomainGetName(d), "d");
    assert_int_equal(virDomainGetID(d), 7);

    int before = suspends;
    assert_int_equal(virDomainSuspend(d), 0);
    assert_int_equal(suspends, before + 1);
    assert_null(virGetLastError());

    /* a member the driver lacks: NO_SUPPORT, never a pretend success */
    assert_int_equal(virDomainResume(d), -1);
    assert_int_equal(virGetLastErrorCode(), VIR_ERR_NO_SUPPORT);
    assert_non_null(strstr(virGetLastErrorMessage(), "virDomainResume"));
    /* the error is copied to the connection too */
    virErrorPtr ce = virConnGetLastError(c);
    assert_non_null(ce);
    assert_int_equal(ce->code, VIR_ERR_NO_SUPPORT);

    /* the next successful call resets the thread's error */
    assert_int_equal(virDomainSuspend(d), 0);
    assert_null(virGetLastError());

    assert_null(virDomainLookupByName(c, "missing"));
    assert_int_equal(virGetLastErrorCode(), VIR_ERR_NO_DOMAIN);
    assert_string_equal(virGetLastErrorMessage(),
                        "Domain not found: no domain with matching name 'missing'");

    virDomainFree(d);
    virConnectClose(c);
}

static void
test_null_and_bad_handles(void **state)
{
    virConnectPtr c = virConnectOpen("door:///x");
    assert_null(virDomainLookupByName(c, NULL));
    assert_int_equal(virGetLastErrorCode(), VIR_ERR_INVALID_ARG);
    assert_non_null(strstr(virGetLastErrorMessage(), "name"));

    assert_int_equal(virDomainSuspend(NULL), -1);
    assert_int_equal(virGetLastErrorCode(), VIR_ERR_INVALID_DOMAIN);
    assert_null(virDomainLookupByName(NULL, "d"));
    assert_int_equal(virGetLastErrorCode(), VIR_ERR_INVALID_CONN);
    assert_int_equal(virConnectClose(NULL), -1);
    assert_int_equal(virGetLastErrorCode(), VIR_ERR_INVALID_CONN);

    virDomainInfo info;
    virDomainPtr d = virDomainLookupByName(c, "d");
    assert_int_equal(virDomainGetInfo(d, NULL), -1);
    assert_int_equal(virGetLastErrorCode(), VIR_ERR_INVALID_ARG);
    assert_int_equal(virDomainGetInfo(d, &info), -1);
    assert_int_equal(virGetLastErrorCode(), VIR_ERR_NO_SUPPORT);

    assert_null(virDomainLookupByUUIDString(c, "not-a-uuid"));
    assert_int_equal(virGetLastErrorCode(), VIR_ERR_INVALID_ARG);
    virDomainFree(d);
    virConnectClose(c);
}

static void
test_read_only(void **state)
{
    virConnectPtr c = virConnectOpenReadOnly("door:///x");
    assert_non_null(c);
    virDomainPtr d = virDomainLookupByName(c, "d");
    assert_non_null(d);
    int before = suspends;
    assert_int_equal(virDomainSuspend(d), -1);
    assert_int_equal(virGetLastErrorCode(), VIR_ERR_OPERATION_DENIED);
    assert_int_equal(suspends, before);
    assert_null(virDomainGetXMLDesc(d, VIR_DOMAIN_XML_SECURE));
    assert_int_equal(virGetLastErrorCode(), VIR_ERR_OPERATION_DENIED);
    /* read-only but unsupported: NO_SUPPORT, not DENIED */
    assert_null(virDomainGetXMLDesc(d, 0));
    assert_int_equal(virGetLastErrorCode(), VIR_ERR_NO_SUPPORT);
    virDomainFree(d);
    /* the domain handle kept the connection alive until now */
    assert_int_equal(virConnectClose(c), 0);
}

static void
test_error_api(void **state)
{
    virResetLastError();
    assert_null(virGetLastError());
    assert_string_equal(virGetLastErrorMessage(), "no error");
    assert_null(virConnectOpen("nosuchdriver:///"));
    virErrorPtr saved = virSaveLastError();
    assert_int_equal(saved->code, VIR_ERR_NO_CONNECT);
    virError copy;
    assert_int_equal(virCopyLastError(&copy), VIR_ERR_NO_CONNECT);
    assert_string_equal(copy.message, saved->message);
    virResetError(&copy);
    virResetLastError();
    assert_int_equal(virGetLastErrorCode(), VIR_ERR_OK);
    virFreeError(saved);
}

static void *
threadBody(void *data)
{
    virConnectPtr c = data;
    for (int i = 0; i < 2000; i++) {
        virDomainPtr d = virDomainLookupByName(c, (i & 1) ? "d" : "zz");
        if (i & 1) {
            if (!d || virGetLastError())
                return GINT_TO_POINTER(1);
            virDomainFree(d);
        } else if (d || virGetLastErrorCode() != VIR_ERR_NO_DOMAIN) {
            return GINT_TO_POINTER(1);
        }
    }
    return NULL;
}

static void
test_threads(void **state)
{
    virConnectPtr c = virConnectOpen("door:///x");
    GThread *t[4];
    for (int i = 0; i < 4; i++)
        t[i] = g_thread_new("door", threadBody, c);
    for (int i = 0; i < 4; i++)
        assert_null(g_thread_join(t[i]));
    assert_int_equal(virConnectClose(c), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_open_close),
        cmocka_unit_test(test_open_errors),
        cmocka_unit_test(test_default_uri_env),
        cmocka_unit_test(test_dispatch_and_unsupported),
        cmocka_unit_test(test_null_and_bad_handles),
        cmocka_unit_test(test_read_only),
        cmocka_unit_test(test_error_api),
        cmocka_unit_test(test_threads),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
