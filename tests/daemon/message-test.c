/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Unit tests of the RPC framing (src/rpc/message.c): header and body round
 * trips, the length limits, exact consumption of bodies, and remote_error
 * encoding byte for byte against the layout libvirt peers expect.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "rpc/message.h"
#include "util/error.h"

static void
putLength(vkRpcMessage *msg, unsigned int len)
{
    vkRpcMessageBeginRead(msg);
    msg->buffer[0] = len >> 24;
    msg->buffer[1] = len >> 16;
    msg->buffer[2] = len >> 8;
    msg->buffer[3] = len;
    msg->offset = 4;
}

static void
test_length_limits(void **state)
{
    g_autoptr(vkRpcMessage) msg = vkRpcMessageNew();
    const unsigned int bad[] = { 0, 8, 27, VK_RPC_MAX_MESSAGE + 1, 0xffffffffu };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(bad); i++) {
        putLength(msg, bad[i]);
        vkErrorReset();
        assert_int_equal(vkRpcMessageDecodeLength(msg), -1);
        assert_int_equal(vkErrorGetLast()->code, VIR_ERR_RPC);
    }
    putLength(msg, 28);
    assert_int_equal(vkRpcMessageDecodeLength(msg), 0);
    assert_int_equal(msg->length, 28);
    putLength(msg, VK_RPC_MAX_MESSAGE);
    assert_int_equal(vkRpcMessageDecodeLength(msg), 0);
    assert_int_equal(msg->length, VK_RPC_MAX_MESSAGE);
}

static void
test_roundtrip(void **state)
{
    g_autoptr(vkRpcMessage) out = vkRpcMessageNew();
    g_autoptr(vkRpcMessage) in = vkRpcMessageNew();
    vkRpcHeader hdr = { VK_REMOTE_PROGRAM, 1, 273, VK_RPC_CALL, 42, VK_RPC_OK };
    char *s = (char *)"hello";
    char *back = NULL;

    assert_int_equal(vkRpcMessageEncode(out, &hdr, (xdrproc_t)xdr_wrapstring, &s), 0);
    /* 4 + 24 + (4 + 5 + 3 padding) */
    assert_int_equal(out->length, 40);
    assert_memory_equal(out->buffer, "\0\0\0\x28\x20\x00\x80\x86", 8);

    vkRpcMessageBeginRead(in);
    memcpy(in->buffer, out->buffer, 4);
    in->offset = 4;
    assert_int_equal(vkRpcMessageDecodeLength(in), 0);
    memcpy(in->buffer, out->buffer, out->length);
    in->offset = in->length;
    assert_int_equal(vkRpcMessageDecodeHeader(in), 0);
    assert_int_equal(in->header.proc, 273);
    assert_int_equal(in->header.serial, 42);
    assert_int_equal(vkRpcMessageDecodeBody(in, (xdrproc_t)xdr_wrapstring, &back), 0);
    assert_string_equal(back, "hello");
    xdr_free((xdrproc_t)xdr_wrapstring, (char *)&back);

    /* a void filter refuses a body, a string filter refuses trailing bytes */
    vkErrorReset();
    assert_int_equal(vkRpcMessageDecodeBody(in, NULL, NULL), -1);
    in->length -= 4;
    back = NULL;
    assert_int_equal(vkRpcMessageDecodeBody(in, (xdrproc_t)xdr_wrapstring, &back), -1);
    assert_null(back);
}

/* xdr_wrapstring caps strings at 9000 bytes; protocol strings go to 4 MiB. */
static bool_t
xdrBigString(XDR *xdr, char **s)
{
    return xdr_string(xdr, s, 4 * 1024 * 1024);
}

static void
test_large_body(void **state)
{
    g_autoptr(vkRpcMessage) out = vkRpcMessageNew();
    vkRpcHeader hdr = { VK_REMOTE_PROGRAM, 1, 14, VK_RPC_REPLY, 1, VK_RPC_OK };
    g_autofree char *big = g_malloc(100000);
    char *p = big;

    memset(big, 'x', 99999);
    big[99999] = '\0';
    /* larger than the first guess: encoded in a second, exact pass */
    assert_int_equal(vkRpcMessageEncode(out, &hdr, (xdrproc_t)xdrBigString, &p), 0);
    assert_int_equal(out->length, 28 + 4 + 100000);
    assert_memory_equal(out->buffer, "\0\x01\x86\xc0", 4);
    assert_memory_equal(out->buffer + 32, big, 99999);
}

static void
test_error_layout(void **state)
{
    g_autoptr(vkRpcMessage) out = vkRpcMessageNew();
    vkRpcHeader call = { VK_REMOTE_PROGRAM, 1, 23, VK_RPC_CALL, 7, VK_RPC_OK };
    virError err = { 0 };
    virError back;
    static const char expect[] =
        "\0\0\0\x2a" "\0\0\0\x0c"                       /* code 42, domain 12 */
        "\0\0\0\x01" "\0\0\0\x10" "Domain not found"    /* message */
        "\0\0\0\x02" "\0\0\0\0"                         /* level, no dom */
        "\0\0\0\x01" "\0\0\0\x10" "Domain not found"    /* str1 */
        "\0\0\0\0" "\0\0\0\0"                           /* str2, str3 */
        "\xff\xff\xff\xff" "\xff\xff\xff\xff"           /* int1, int2 */
        "\0\0\0\0";                                     /* no net */

    err.code = VIR_ERR_NO_DOMAIN;
    err.domain = VIR_FROM_TEST;
    err.message = (char *)"Domain not found";
    err.level = VIR_ERR_ERROR;
    err.str1 = (char *)"Domain not found";
    assert_int_equal(vkRpcMessageEncodeError(out, &call, &err), 0);
    assert_int_equal(out->length, 28 + 84);
    assert_memory_equal(out->buffer + 28, expect, 84);
    /* header: REPLY with status ERROR, serial and proc echoed */
    assert_memory_equal(out->buffer + 4 + 8, "\0\0\0\x17" "\0\0\0\x01" "\0\0\0\x07" "\0\0\0\x01",
                        16);

    out->bodyOffset = 28;
    assert_int_equal(vkRpcMessageDecodeError(out, &back), 0);
    assert_int_equal(back.code, VIR_ERR_NO_DOMAIN);
    assert_int_equal(back.domain, VIR_FROM_TEST);
    assert_string_equal(back.message, "Domain not found");
    assert_null(back.str2);
    vkRpcErrorClear(&back);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_length_limits),
        cmocka_unit_test(test_roundtrip),
        cmocka_unit_test(test_large_body),
        cmocka_unit_test(test_error_layout),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
