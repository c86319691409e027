/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Descriptors over a UNIX socket (SCM_RIGHTS), for both ends of the
 * protocol.  libvirt's peers send the descriptors of a *_WITH_FDS packet
 * after the packet, each on a byte of its own, so a receiver that reads
 * exactly the packet's length never swallows one by accident.
 *
 * The rule that keeps descriptors from leaking: a descriptor that arrives
 * is either handed to the caller or closed here, on every path (a cut
 * control buffer, more than the caller has room for, a byte without one).
 */
#ifndef VK_RPC_FD_PASSING_H
#define VK_RPC_FD_PASSING_H

#include <stddef.h>
#include <sys/types.h>

/* Descriptors one packet may carry: libvirt's bound (32) as well. */
#define VK_RPC_MAX_CALL_FDS 32

/* One recvmsg of up to len bytes (MSG_CMSG_CLOEXEC).  The descriptors
 * riding on those bytes go to fds[*nfds ..] (room for maxfds in all,
 * maxfds <= VK_RPC_MAX_CALL_FDS) and *nfds grows.  Returns the bytes
 * read, 0 at end of file, -1 with errno: EPROTO when descriptors did not
 * fit (every one of this call's then closed). */
ssize_t vkRpcRecvmsg(int sock, void *buf, size_t len, int *fds, size_t maxfds,
                     size_t *nfds);
/* One sendmsg of len bytes (MSG_NOSIGNAL) carrying nfds descriptors
 * (at most VK_RPC_MAX_CALL_FDS; the caller keeps its own).  The bytes
 * sent, or -1 with errno. */
ssize_t vkRpcSendmsg(int sock, const void *buf, size_t len, const int *fds,
                     size_t nfds);

/* libvirt's framing of one descriptor: a single byte that carries it.
 * vkRpcSendFd returns sendmsg's result; vkRpcRecvFd the descriptor, or -1
 * with errno (EAGAIN/EINTR: not yet, EPROTO: a byte without exactly one
 * descriptor, ECONNRESET: the peer closed). */
ssize_t vkRpcSendFd(int sock, int fd);
int vkRpcRecvFd(int sock);
/* The descriptors after a packet on a blocking socket, one byte each,
 * retried on EINTR: 0, or -1 with errno when one could not go. */
int vkRpcSendFds(int sock, const int *fds, size_t nfds);

#endif
