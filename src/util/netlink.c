/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * rtnetlink on a plain socket, for the few link and address changes the
 * drivers make.  Each request is built in one fixed buffer (the messages
 * are small and bounded) and sent on a fresh socket whose only traffic is
 * that request's acknowledgement, so no sequence bookkeeping is needed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>

#include <glib.h>

#include "util/netlink.h"

void *
vkNlMsgInit(vkNlMsg *m, unsigned short type, unsigned short flags, size_t hdrlen)
{
    memset(m, 0, sizeof(*m));
    m->u.hdr.nlmsg_len = NLMSG_LENGTH(hdrlen);
    m->u.hdr.nlmsg_type = type;
    m->u.hdr.nlmsg_flags = flags;
    return NLMSG_DATA(&m->u.hdr);
}

struct rtattr *
vkNlAttrAdd(vkNlMsg *m, unsigned short type, const void *data, size_t len)
{
    struct rtattr *a = (struct rtattr *)(m->u.buf + NLMSG_ALIGN(m->u.hdr.nlmsg_len));

    g_assert(NLMSG_ALIGN(m->u.hdr.nlmsg_len) + RTA_SPACE(len) <= sizeof(m->u.buf));
    a->rta_type = type;
    a->rta_len = RTA_LENGTH(len);
    if (len)
        memcpy(RTA_DATA(a), data, len);
    m->u.hdr.nlmsg_len = NLMSG_ALIGN(m->u.hdr.nlmsg_len) + RTA_ALIGN(a->rta_len);
    return a;
}

struct rtattr *
vkNlNestBegin(vkNlMsg *m, unsigned short type)
{
    return vkNlAttrAdd(m, type, NULL, 0);
}

void
vkNlNestEnd(vkNlMsg *m, struct rtattr *nest)
{
    nest->rta_len = (char *)m->u.buf + m->u.hdr.nlmsg_len - (char *)nest;
}

int
vkNlSend(vkNlMsg *m, unsigned short flags)
{
    struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
    int fd;

    if ((fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE)) < 0)
        return -errno;
    m->u.hdr.nlmsg_flags |= NLM_F_REQUEST | flags;
    m->u.hdr.nlmsg_seq = 1;
    if (sendto(fd, m->u.buf, m->u.hdr.nlmsg_len, 0,
               (struct sockaddr *)&kernel, sizeof(kernel)) < 0) {
        int err = -errno;

        close(fd);
        return err;
    }
    return fd;
}

ssize_t
vkNlRecv(int fd, void *buf, size_t len)
{
    ssize_t n;

    do {
        n = recv(fd, buf, len, 0);
    } while (n < 0 && errno == EINTR);
    return n < 0 ? -errno : n;
}

int
vkNlTalk(vkNlMsg *m)
{
    char reply[4096];
    int fd, err = 0;
    ssize_t n;

    if ((fd = vkNlSend(m, NLM_F_ACK)) < 0)
        return fd;
    for (;;) {
        struct nlmsghdr *h;

        if ((n = vkNlRecv(fd, reply, sizeof(reply))) < 0) {
            err = (int)n;
            goto out;
        }
        for (h = (struct nlmsghdr *)reply; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
            if (h->nlmsg_type == NLMSG_ERROR) {
                struct nlmsgerr *e = NLMSG_DATA(h);

                err = e->error;
                goto out;
            }
        }
    }
 out:
    close(fd);
    return err;
}

static int
nameCheck(const char *name)
{
    return strlen(name) >= IFNAMSIZ || !*name ? -EINVAL : 0;
}

int
vkNetlinkBridgeCreate(const char *name, const unsigned char *mac, unsigned int mtu,
                      bool stp, unsigned int delayCs)
{
    vkNlMsg m;
    struct ifinfomsg *ifi;
    struct rtattr *linkinfo, *data;
    guint32 stpState = stp ? 1 : 0, delay = delayCs;

    if (nameCheck(name) < 0)
        return -EINVAL;
    ifi = vkNlMsgInit(&m, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, sizeof(*ifi));
    ifi->ifi_family = AF_UNSPEC;
    vkNlAttrAdd(&m, IFLA_IFNAME, name, strlen(name) + 1);
    if (mac)
        vkNlAttrAdd(&m, IFLA_ADDRESS, mac, 6);
    if (mtu)
        vkNlAttrAdd(&m, IFLA_MTU, &mtu, sizeof(mtu));
    linkinfo = vkNlNestBegin(&m, IFLA_LINKINFO);
    vkNlAttrAdd(&m, IFLA_INFO_KIND, "bridge", strlen("bridge"));
    data = vkNlNestBegin(&m, IFLA_INFO_DATA);
    /* The kernel applies the delay before STP, so a zero delay is
     * accepted even though STP alone would refuse one under 2 s. */
    vkNlAttrAdd(&m, IFLA_BR_FORWARD_DELAY, &delay, sizeof(delay));
    vkNlAttrAdd(&m, IFLA_BR_STP_STATE, &stpState, sizeof(stpState));
    vkNlNestEnd(&m, data);
    vkNlNestEnd(&m, linkinfo);
    return vkNlTalk(&m);
}

int
vkNetlinkLinkDelete(const char *name)
{
    vkNlMsg m;
    struct ifinfomsg *ifi;
    int err;

    if (nameCheck(name) < 0)
        return 0;
    ifi = vkNlMsgInit(&m, RTM_DELLINK, 0, sizeof(*ifi));
    ifi->ifi_family = AF_UNSPEC;
    vkNlAttrAdd(&m, IFLA_IFNAME, name, strlen(name) + 1);
    err = vkNlTalk(&m);
    return err == -ENODEV ? 0 : err;
}

int
vkNetlinkLinkSetUp(const char *name, bool up, const char *master)
{
    vkNlMsg m;
    struct ifinfomsg *ifi;
    guint32 masterIndex = 0;

    if (nameCheck(name) < 0)
        return -EINVAL;
    if (master && !(masterIndex = if_nametoindex(master)))
        return -ENODEV;
    ifi = vkNlMsgInit(&m, RTM_NEWLINK, 0, sizeof(*ifi));
    ifi->ifi_family = AF_UNSPEC;
    ifi->ifi_flags = up ? IFF_UP : 0;
    ifi->ifi_change = IFF_UP;
    vkNlAttrAdd(&m, IFLA_IFNAME, name, strlen(name) + 1);
    if (master)
        vkNlAttrAdd(&m, IFLA_MASTER, &masterIndex, sizeof(masterIndex));
    return vkNlTalk(&m);
}

int
vkNetlinkLinkSetMTU(const char *name, unsigned int mtu)
{
    vkNlMsg m;
    struct ifinfomsg *ifi;

    if (nameCheck(name) < 0)
        return -EINVAL;
    ifi = vkNlMsgInit(&m, RTM_NEWLINK, 0, sizeof(*ifi));
    ifi->ifi_family = AF_UNSPEC;
    vkNlAttrAdd(&m, IFLA_IFNAME, name, strlen(name) + 1);
    vkNlAttrAdd(&m, IFLA_MTU, &mtu, sizeof(mtu));
    return vkNlTalk(&m);
}

int
vkNetlinkAddrAdd(const char *name, int family, const void *addr, unsigned int prefix)
{
    vkNlMsg m;
    struct ifaddrmsg *ifa;
    unsigned int index = if_nametoindex(name);
    size_t len = family == AF_INET ? 4 : 16;

    if (!index)
        return -ENODEV;
    ifa = vkNlMsgInit(&m, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, sizeof(*ifa));
    ifa->ifa_family = family;
    ifa->ifa_prefixlen = prefix;
    ifa->ifa_index = index;
    vkNlAttrAdd(&m, IFA_LOCAL, addr, len);
    vkNlAttrAdd(&m, IFA_ADDRESS, addr, len);
    if (family == AF_INET && prefix < 31) {
        guint32 a, bcast;

        memcpy(&a, addr, 4);
        bcast = a | htonl(prefix ? (0xffffffffu >> prefix) : 0xffffffffu);
        vkNlAttrAdd(&m, IFA_BROADCAST, &bcast, 4);
    }
    return vkNlTalk(&m);
}

bool
vkNetlinkLinkExists(const char *name)
{
    return nameCheck(name) == 0 && if_nametoindex(name) > 0;
}

/* The kind of a link ("bridge", "veth", ...) from RTM_GETLINK; sysfs
 * would not do: /sys/class/net shows the namespace sysfs was mounted in,
 * not the caller's. */
static bool
linkKind(const char *name, char *kind, size_t kindLen)
{
    vkNlMsg m;
    struct ifinfomsg *ifi;
    struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
    char reply[8192];
    ssize_t n;
    int fd;
    bool found = false;

    ifi = vkNlMsgInit(&m, RTM_GETLINK, NLM_F_REQUEST, sizeof(*ifi));
    ifi->ifi_family = AF_UNSPEC;
    vkNlAttrAdd(&m, IFLA_IFNAME, name, strlen(name) + 1);
    if ((fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE)) < 0)
        return false;
    if (sendto(fd, m.u.buf, m.u.hdr.nlmsg_len, 0, (struct sockaddr *)&kernel,
               sizeof(kernel)) < 0)
        goto out;
    do {
        n = recv(fd, reply, sizeof(reply), 0);
    } while (n < 0 && errno == EINTR);
    for (struct nlmsghdr *h = (struct nlmsghdr *)reply; n > 0 && NLMSG_OK(h, (size_t)n);
         h = NLMSG_NEXT(h, n)) {
        struct rtattr *a;
        int len;

        if (h->nlmsg_type != RTM_NEWLINK)
            continue;
        len = IFLA_PAYLOAD(h);
        for (a = IFLA_RTA(NLMSG_DATA(h)); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
            struct rtattr *b;
            int blen = RTA_PAYLOAD(a);

            if (a->rta_type != IFLA_LINKINFO)
                continue;
            for (b = RTA_DATA(a); RTA_OK(b, blen); b = RTA_NEXT(b, blen)) {
                if (b->rta_type == IFLA_INFO_KIND) {
                    g_strlcpy(kind, RTA_DATA(b), MIN(kindLen, (size_t)RTA_PAYLOAD(b) + 1));
                    found = true;
                }
            }
        }
    }
 out:
    close(fd);
    return found;
}

bool
vkNetlinkBridgeExists(const char *name)
{
    char kind[32];

    return vkNetlinkLinkExists(name) && linkKind(name, kind, sizeof(kind)) &&
           strcmp(kind, "bridge") == 0;
}
