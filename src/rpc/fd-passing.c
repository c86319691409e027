/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * SCM_RIGHTS for the client and the daemon: one receive and one send
 * primitive, and libvirt's one-descriptor-per-byte framing on top of
 * them (see fd-passing.h).
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include "rpc/fd-passing.h"

typedef union {
    struct cmsghdr align;
    char buf[CMSG_SPACE(sizeof(int) * VK_RPC_MAX_CALL_FDS)];
} vkFdControl;

ssize_t
vkRpcRecvmsg(int sock, void *buf, size_t len, int *fds, size_t maxfds, size_t *nfds)
{
    struct iovec iov = { .iov_base = buf, .iov_len = len };
    vkFdControl ctl;
    struct msghdr mh = {
        .msg_iov = &iov, .msg_iovlen = 1,
        .msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf),
    };
    size_t first = *nfds;
    bool overflow = false;
    ssize_t n;

    n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
    if (n < 0)
        return -1;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
        size_t count;

        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
            continue;
        count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (size_t i = 0; i < count; i++) {
            int fd;

            memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
            if (*nfds < maxfds)
                fds[(*nfds)++] = fd;
            else {
                close(fd);
                overflow = true;
            }
        }
    }
    /* A cut control buffer means the kernel dropped descriptors the peer
     * meant us to have: what did arrive is useless without them. */
    if (overflow || (mh.msg_flags & MSG_CTRUNC)) {
        while (*nfds > first)
            close(fds[--(*nfds)]);
        errno = EPROTO;
        return -1;
    }
    return n;
}

ssize_t
vkRpcSendmsg(int sock, const void *buf, size_t len, const int *fds, size_t nfds)
{
    struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
    vkFdControl ctl;
    struct msghdr mh = {
        .msg_iov = &iov, .msg_iovlen = 1,
    };

    if (nfds > VK_RPC_MAX_CALL_FDS) {
        errno = EINVAL;
        return -1;
    }
    if (nfds > 0) {
        struct cmsghdr *c;

        memset(&ctl, 0, sizeof(ctl));
        mh.msg_control = ctl.buf;
        mh.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
        c = CMSG_FIRSTHDR(&mh);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
        memcpy(CMSG_DATA(c), fds, sizeof(int) * nfds);
    }
    return sendmsg(sock, &mh, MSG_NOSIGNAL);
}

ssize_t
vkRpcSendFd(int sock, int fd)
{
    char byte = 0;

    return vkRpcSendmsg(sock, &byte, 1, &fd, 1);
}

int
vkRpcRecvFd(int sock)
{
    char byte;
    int fd = -1;
    size_t n = 0;
    ssize_t rc = vkRpcRecvmsg(sock, &byte, 1, &fd, 1, &n);

    if (rc < 0)
        return -1;
    if (rc == 0) {
        errno = ECONNRESET;
        return -1;
    }
    if (n != 1) {
        errno = EPROTO;
        return -1;
    }
    return fd;
}

int
vkRpcSendFds(int sock, const int *fds, size_t nfds)
{
    for (size_t i = 0; i < nfds; i++) {
        ssize_t rc;

        do {
            rc = vkRpcSendFd(sock, fds[i]);
        } while (rc < 0 && errno == EINTR);
        if (rc < 0)
            return -1;
    }
    return 0;
}
