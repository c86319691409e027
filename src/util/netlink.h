/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * rtnetlink requests on a plain socket: a fixed-size message builder, one
 * request/acknowledge exchange, and the link and address operations the
 * LXC and network drivers need (bridges, veths, addresses, link state).
 *
 * Every call returns 0 or -errno and reports nothing: the caller knows
 * which object it was making and words the error.
 */
#ifndef VK_UTIL_NETLINK_H
#define VK_UTIL_NETLINK_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <glib.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#define VK_NL_MSG_SPACE 1024

typedef struct {
    union {
        struct nlmsghdr hdr;
        char buf[VK_NL_MSG_SPACE];
    } u;
} vkNlMsg;

/* Starts m as a request of type with a zeroed family header of hdrlen
 * bytes (struct ifinfomsg, ifaddrmsg, ...); returns that header. */
void *vkNlMsgInit(vkNlMsg *m, unsigned short type, unsigned short flags, size_t hdrlen);
struct rtattr *vkNlAttrAdd(vkNlMsg *m, unsigned short type, const void *data, size_t len);
struct rtattr *vkNlNestBegin(vkNlMsg *m, unsigned short type);
void vkNlNestEnd(vkNlMsg *m, struct rtattr *nest);
/* Sends m (with NLM_F_REQUEST and flags) on a new socket: the socket, or
 * -errno. */
int vkNlSend(vkNlMsg *m, unsigned short flags);
/* One datagram of the answer (EINTR retried): its length, or -errno. */
ssize_t vkNlRecv(int fd, void *buf, size_t len);
/* Sends m and waits for the kernel's acknowledgement: 0, or -errno. */
int vkNlTalk(vkNlMsg *m);

/* A Linux bridge named name, down, with STP and forward delay (in
 * centiseconds) set; mac (6 bytes) and mtu when given (NULL / 0). */
int vkNetlinkBridgeCreate(const char *name, const unsigned char *mac, unsigned int mtu,
                          bool stp, unsigned int delayCs);
/* Deletes a link; a link that does not exist is not an error. */
int vkNetlinkLinkDelete(const char *name);
/* Sets a link up (or down) and, with master non-NULL, enslaves it. */
int vkNetlinkLinkSetUp(const char *name, bool up, const char *master);
/* Sets a link's MTU. */
int vkNetlinkLinkSetMTU(const char *name, unsigned int mtu);
/* Adds an address (family AF_INET or AF_INET6, addr in network order). */
int vkNetlinkAddrAdd(const char *name, int family, const void *addr, unsigned int prefix);
bool vkNetlinkLinkExists(const char *name);
bool vkNetlinkBridgeExists(const char *name);

/* ---- netlink-dump.c ---- */
typedef void (*vkNlDumpFunc)(const struct nlmsghdr *h, void *opaque);
/* Sends m (a RTM_GET* request) as a dump and calls fn on every message
 * of the answer: 0, or -errno. */
int vkNlDump(vkNlMsg *m, vkNlDumpFunc fn, void *opaque);
/* The host's IPv4 neighbours with a link-layer address: *out gets pairs
 * of strings (MAC as aa:bb:.., lower case; then the address). */
int vkNetlinkNeighbours(GPtrArray **out);

#endif
