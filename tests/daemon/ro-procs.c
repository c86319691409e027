/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The read-only socket refuses every mutating procedure.
 *
 * Walks the generated server table (vkServerProcAt) and sends each
 * procedure marked mutating to virtkit-sock-ro with an empty body, after a
 * normal handshake.  The daemon checks read-only before decoding arguments,
 * so every one must come back as VIR_ERR_OPERATION_DENIED -- an empty body
 * would otherwise fail to decode with VIR_ERR_RPC, and the test would see
 * that.  A sample of read-only procedures must still work on that socket.
 *
 * usage: ro-procs RO_SOCKET_PATH
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "rpc/message.h"

static int sock = -1;
static unsigned int serial;

static int
writeAll(const char *buf, size_t len)
{
    while (len) {
        ssize_t n = write(sock, buf, len);
        if (n <= 0)
            return -1;
        buf += n;
        len -= n;
    }
    return 0;
}

static int
readAll(char *buf, size_t len)
{
    while (len) {
        ssize_t n = read(sock, buf, len);
        if (n <= 0)
            return -1;
        buf += n;
        len -= n;
    }
    return 0;
}

/* Sends proc with a raw body; returns the reply, or NULL if the
 * connection broke. */
static vkRpcMessage *
rawCall(int proc, xdrproc_t filter, void *args)
{
    vkRpcHeader hdr = { VK_REMOTE_PROGRAM, VK_REMOTE_VERSION, proc, VK_RPC_CALL, serial++, 0 };
    g_autoptr(vkRpcMessage) msg = vkRpcMessageNew();
    vkRpcMessage *reply;

    if (vkRpcMessageEncode(msg, &hdr, filter, args) < 0 ||
        writeAll(msg->buffer, msg->length) < 0)
        return NULL;
    for (;;) {
        reply = vkRpcMessageNew();
        vkRpcMessageBeginRead(reply);
        if (readAll(reply->buffer, VK_RPC_LEN_WORD) < 0)
            goto broken;
        reply->offset = VK_RPC_LEN_WORD;
        if (vkRpcMessageDecodeLength(reply) < 0 ||
            readAll(reply->buffer + VK_RPC_LEN_WORD, reply->length - VK_RPC_LEN_WORD) < 0 ||
            vkRpcMessageDecodeHeader(reply) < 0)
            goto broken;
        if (reply->header.type == VK_RPC_REPLY)
            break;
        vkRpcMessageFree(reply);    /* an event or keepalive */
    }
    if (reply->header.proc != proc || reply->header.serial != hdr.serial) {
        fprintf(stderr, "reply mismatch: proc %d serial %u for proc %d serial %u\n",
                reply->header.proc, reply->header.serial, proc, hdr.serial);
        goto broken;
    }
    return reply;

 broken:
    vkRpcMessageFree(reply);
    return NULL;
}

typedef struct {
    char **name;
    unsigned int flags;
} openArgs;

static bool_t
xdrOpenArgs(XDR *xdr, openArgs *a)
{
    bool_t present = a->name != NULL;

    return xdr_bool(xdr, &present) &&
           (!present || xdr_string(xdr, a->name, 4096)) &&
           xdr_u_int(xdr, &a->flags);
}

int
main(int argc, char **argv)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    char *uri = (char *)"test:///default";
    openArgs oa = { &uri, 0 };
    size_t i;
    size_t nmutating = 0;
    int failures = 0;
    vkRpcMessage *reply;
    /* Spot checks: these must be in the table and marked mutating. */
    const int mustMutate[] = { 9, 10, 11, 12, 28, 33, 34, 35, 231 };
    /* Read-only calls that must keep working on the read-only socket. */
    const int mustWork[] = { 3, 4, 6, 59 };

    if (argc != 2) {
        fprintf(stderr, "usage: %s RO_SOCKET\n", argv[0]);
        return 2;
    }
    snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", argv[1]);
    sock = socket(AF_UNIX, SOCK_STREAM, 0);
    if (connect(sock, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        perror("connect");
        return 1;
    }
    if (!(reply = rawCall(66, NULL, NULL)) || reply->header.status != VK_RPC_OK) {
        fprintf(stderr, "AUTH_LIST failed\n");
        return 1;
    }
    vkRpcMessageFree(reply);
    if (!(reply = rawCall(1, (xdrproc_t)xdrOpenArgs, &oa)) ||
        reply->header.status != VK_RPC_OK) {
        fprintf(stderr, "CONNECT_OPEN failed on the read-only socket\n");
        return 1;
    }
    vkRpcMessageFree(reply);

    for (i = 0; i < G_N_ELEMENTS(mustMutate); i++) {
        const vkServerProc *p = vkServerProcLookup(mustMutate[i]);
        if (!p || !p->mutating) {
            fprintf(stderr, "FAIL: procedure %d is %s\n", mustMutate[i],
                    p ? "not marked mutating" : "missing from the table");
            failures++;
        }
    }

    for (i = 0; i < vkServerProcCount(); i++) {
        const vkServerProc *p = vkServerProcAt(i);
        virError err;

        if (!p->mutating)
            continue;
        nmutating++;
        if (!(reply = rawCall(p->proc, NULL, NULL))) {
            fprintf(stderr, "FAIL: %s (%d): connection broken\n", p->name, p->proc);
            return 1;
        }
        if (reply->header.status != VK_RPC_ERROR ||
            vkRpcMessageDecodeError(reply, &err) < 0) {
            fprintf(stderr, "FAIL: %s (%d) was not refused\n", p->name, p->proc);
            failures++;
        } else {
            if (err.code != VIR_ERR_OPERATION_DENIED) {
                fprintf(stderr, "FAIL: %s (%d): code %d (%s), expected %d\n", p->name,
                        p->proc, err.code, err.message ? err.message : "",
                        VIR_ERR_OPERATION_DENIED);
                failures++;
            }
            vkRpcErrorClear(&err);
        }
        vkRpcMessageFree(reply);
    }

    for (i = 0; i < G_N_ELEMENTS(mustWork); i++) {
        if (!(reply = rawCall(mustWork[i], NULL, NULL)) ||
            reply->header.status != VK_RPC_OK) {
            fprintf(stderr, "FAIL: read-only procedure %d refused on the ro socket\n",
                    mustWork[i]);
            failures++;
        }
        vkRpcMessageFree(reply);
    }

    printf("%zu mutating procedures checked, %d failures\n", nmutating, failures);
    return failures ? 1 : 0;
}
