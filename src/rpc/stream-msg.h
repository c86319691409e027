/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * STREAM packets (type 3), shared by virtkitd and the remote driver.
 *
 * A stream rides on the call that opened it: every packet carries that
 * call's procedure and serial.  Data is status CONTINUE with the raw bytes
 * as the body (no XDR); an empty CONTINUE is the end of the data.  Status
 * OK (empty) is the client's finish and the server's answer to a finish or
 * an abort -- only that: libvirt's client drops the connection on an OK it
 * did not ask for.  Status ERROR is an abort from the client, or a failure
 * with a remote_error body from the server.
 */
#ifndef VK_RPC_STREAM_MSG_H
#define VK_RPC_STREAM_MSG_H

#include "rpc/message.h"

/* The most data one packet carries (libvirt's legacy payload limit). */
#define VK_RPC_STREAM_CHUNK (256 * 1024)

/* A REMOTE-program STREAM packet with len raw bytes of data (may be 0). */
int vkRpcStreamEncode(vkRpcMessage *msg, int proc, unsigned int serial,
                      int status, const char *data, size_t len);
/* STREAM status ERROR with a remote_error body made from err. */
int vkRpcStreamEncodeError(vkRpcMessage *msg, int proc, unsigned int serial,
                           const virError *err);
/* The raw body of a received packet. */
const char *vkRpcStreamPayload(const vkRpcMessage *msg, size_t *len);

#endif
