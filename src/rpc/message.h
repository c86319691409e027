/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * One RPC packet in memory, as both the client and the daemon see it.
 *
 * A packet is built or received in a single buffer that holds the 4-byte
 * length word, the 24-byte header and the XDR body, so that sending is one
 * write of [offset, length) and receiving is "read 4 bytes, learn the
 * length, read the rest".  All encoding and decoding goes through XDR memory
 * streams over that buffer; nothing here touches a socket.
 */
#ifndef VK_RPC_MESSAGE_H
#define VK_RPC_MESSAGE_H

#include <stddef.h>
#include <stdbool.h>
#include <rpc/rpc.h>

#include "rpc/rpc-interfaces.h"
#include "rpc/fd-passing.h"

#define VK_RPC_LEN_WORD 4
/* The smallest legal packet: the length word plus a header, no body. */
#define VK_RPC_MIN_MESSAGE (VK_RPC_LEN_WORD + VK_RPC_HEADER_LEN)
/* What a receiver allocates before the length is known: enough for the
 * common small calls, so an idle client costs little and a busy one reuses
 * its buffer without reallocating. */
#define VK_RPC_INITIAL_BUFFER 256

typedef struct _vkRpcMessage vkRpcMessage;

struct _vkRpcMessage {
    vkRpcHeader header;
    char *buffer;           /* the whole packet, length word included */
    size_t length;          /* bytes in the packet (when receiving: expected) */
    size_t offset;          /* bytes sent / received so far */
    size_t bodyOffset;      /* where the XDR body starts (after the header) */
    size_t capacity;        /* bytes allocated at buffer */
    bool tracked;           /* counted against a bounded queue (events) */
    int *fds;               /* *_WITH_FDS: descriptors sent after the */
    size_t nfds;            /* packet, one per byte (SCM_RIGHTS); owned */
    size_t donefds;
    size_t wantfds;         /* CALL_WITH_FDS being read: how many will come */
    vkRpcMessage *next;     /* for intrusive queues */
};

vkRpcMessage *vkRpcMessageNew(void);
void vkRpcMessageFree(vkRpcMessage *msg);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vkRpcMessage, vkRpcMessageFree);

/* Prepare msg to receive a new packet: only the length word is expected. */
void vkRpcMessageBeginRead(vkRpcMessage *msg);
/* Called when the length word has arrived (offset == 4): checks it against
 * [VK_RPC_MIN_MESSAGE, VK_RPC_MAX_MESSAGE] and sizes the buffer for the
 * rest.  Returns -1 with an error reported on a bad length. */
int vkRpcMessageDecodeLength(vkRpcMessage *msg);
/* Called when the whole packet has arrived: fills msg->header. */
int vkRpcMessageDecodeHeader(vkRpcMessage *msg);
/* Decodes the body with filter into body (zeroed by the caller); -1 with
 * VIR_ERR_RPC when the bytes do not decode or are not consumed exactly. */
int vkRpcMessageDecodeBody(vkRpcMessage *msg, xdrproc_t filter, void *body);

/* Builds a complete packet: header (length filled in) + body via filter
 * (NULL or xdr_void for none).  Grows the buffer as needed up to
 * VK_RPC_MAX_MESSAGE; -1 with an error reported when it does not fit. */
int vkRpcMessageEncode(vkRpcMessage *msg, const vkRpcHeader *hdr,
                       xdrproc_t filter, void *body);
/* The same with descriptors (type *_WITH_FDS): their count goes between
 * the header and the body, as libvirt's wire has it; msg takes fds. */
int vkRpcMessageEncodeWithFds(vkRpcMessage *msg, const vkRpcHeader *hdr,
                              xdrproc_t filter, void *body, int *fds, size_t nfds);
/* Only the layout of one: nfds announced, the descriptors sent and kept
 * by the caller (a client's call).  More than VK_RPC_MAX_CALL_FDS is
 * VIR_ERR_RPC, as libvirt's limit. */
int vkRpcMessageEncodeFdCount(vkRpcMessage *msg, const vkRpcHeader *hdr,
                              xdrproc_t filter, void *body, size_t nfds);
/* Builds a REPLY with status ERROR whose body is a remote_error made from
 * err (or a generic internal error when err is NULL). */
int vkRpcMessageEncodeError(vkRpcMessage *msg, const vkRpcHeader *call,
                            const virError *err);
/* Decodes a remote_error body into err (fields allocated with g_strdup;
 * release with vkRpcErrorClear). */
int vkRpcMessageDecodeError(vkRpcMessage *msg, virError *err);
void vkRpcErrorClear(virError *err);
/* A reply with status ERROR: the peer's error becomes this thread's last
 * error verbatim (its code, domain and message; fallback when it sent no
 * message).  Always -1, for the caller to return. */
int vkRpcMessageRaiseError(vkRpcMessage *reply, const char *fallback);

/* The XDR filter of a remote_error, usable with any XDR stream. */
bool_t vkRpcXdrError(XDR *xdrs, virError *err);

#endif
