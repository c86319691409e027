/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A container's bridged interfaces, made with rtnetlink on a plain socket.
 *
 * One RTM_NEWLINK request does the whole job: it creates the veth pair
 * with the host end already enslaved to the bridge and up, and the peer
 * created directly inside the container's network namespace (named by
 * the init's pid) under its final name and MAC.  So nothing ever appears
 * in the host namespace under a name that could clash, and when the
 * container's namespace dies the kernel deletes the pair, host end
 * included: a destroy has nothing to undo here.  The peer is brought up
 * by the init itself, which lives in that namespace.
 */
#include <errno.h>
#include <net/if.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>

#include <glib.h>

#define VIR_FROM_THIS VIR_FROM_LXC
#include "util/error.h"
#include "drivers/lxc/lxc-netlink.h"

#define MSG_SPACE 1024

typedef struct {
    union {
        struct nlmsghdr hdr;
        char buf[MSG_SPACE];
    } u;
} nlMsg;

static struct rtattr *
attrAdd(nlMsg *m, unsigned short type, const void *data, size_t len)
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

static struct rtattr *
nestBegin(nlMsg *m, unsigned short type)
{
    return attrAdd(m, type, NULL, 0);
}

static void
nestEnd(nlMsg *m, struct rtattr *nest)
{
    nest->rta_len = (char *)m->u.buf + m->u.hdr.nlmsg_len - (char *)nest;
}

/* Sends m and waits for the kernel's acknowledgement: 0, or -errno. */
static int
nlTalk(nlMsg *m)
{
    struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
    char reply[4096];
    int fd, err = 0;
    ssize_t n;

    if ((fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE)) < 0)
        return -errno;
    m->u.hdr.nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
    m->u.hdr.nlmsg_seq = 1;
    if (sendto(fd, m->u.buf, m->u.hdr.nlmsg_len, 0,
               (struct sockaddr *)&kernel, sizeof(kernel)) < 0) {
        err = -errno;
        goto out;
    }
    for (;;) {
        struct nlmsghdr *h;

        do {
            n = recv(fd, reply, sizeof(reply), 0);
        } while (n < 0 && errno == EINTR);
        if (n < 0) {
            err = -errno;
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

bool
vkLxcBridgeExists(const char *bridge)
{
    g_autofree char *path = g_strdup_printf("/sys/class/net/%s/bridge", bridge);

    return if_nametoindex(bridge) > 0 && g_file_test(path, G_FILE_TEST_IS_DIR);
}

int
vkLxcNetAttach(const char *ctName, const vkContainerNet *net, const char *hostName,
               const char *peerName, pid_t initPid)
{
    nlMsg m = { 0 };
    struct ifinfomsg *ifi;
    struct ifinfomsg peer = { .ifi_family = AF_UNSPEC };
    struct rtattr *linkinfo, *data, *peerAttr;
    unsigned int master = if_nametoindex(net->bridge);
    static const unsigned char zero[6];
    int err;

    if (!master || !vkLxcBridgeExists(net->bridge)) {
        vkReportError(VIR_ERR_OPERATION_INVALID,
                      "container '%s': bridge '%s' does not exist on the host",
                      ctName, net->bridge);
        return -1;
    }
    if (strlen(hostName) >= IFNAMSIZ || strlen(peerName) >= IFNAMSIZ) {
        vkReportError(VIR_ERR_XML_DETAIL, "container '%s': interface name '%s' is too long",
                      ctName, hostName);
        return -1;
    }
    m.u.hdr.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg));
    m.u.hdr.nlmsg_type = RTM_NEWLINK;
    m.u.hdr.nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
    ifi = NLMSG_DATA(&m.u.hdr);
    ifi->ifi_family = AF_UNSPEC;
    ifi->ifi_flags = IFF_UP;
    ifi->ifi_change = IFF_UP;
    attrAdd(&m, IFLA_IFNAME, hostName, strlen(hostName) + 1);
    attrAdd(&m, IFLA_MASTER, &master, sizeof(master));
    linkinfo = nestBegin(&m, IFLA_LINKINFO);
    attrAdd(&m, IFLA_INFO_KIND, "veth", strlen("veth"));
    data = nestBegin(&m, IFLA_INFO_DATA);
    /* the peer's attributes follow its own ifinfomsg */
    peerAttr = attrAdd(&m, VETH_INFO_PEER, &peer, sizeof(peer));
    {
        guint32 pid = initPid;

        attrAdd(&m, IFLA_IFNAME, peerName, strlen(peerName) + 1);
        attrAdd(&m, IFLA_NET_NS_PID, &pid, sizeof(pid));
        if (memcmp(net->mac, zero, 6) != 0)
            attrAdd(&m, IFLA_ADDRESS, net->mac, 6);
    }
    nestEnd(&m, peerAttr);
    nestEnd(&m, data);
    nestEnd(&m, linkinfo);

    if ((err = nlTalk(&m)) < 0) {
        vkReportSystemError(-err, "container '%s': cannot create veth '%s' on bridge '%s'",
                            ctName, hostName, net->bridge);
        return -1;
    }
    return 0;
}

int
vkLxcNetDetach(const char *hostName)
{
    nlMsg m = { 0 };
    struct ifinfomsg *ifi;
    int err;

    if (strlen(hostName) >= IFNAMSIZ)
        return 0;
    m.u.hdr.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg));
    m.u.hdr.nlmsg_type = RTM_DELLINK;
    ifi = NLMSG_DATA(&m.u.hdr);
    ifi->ifi_family = AF_UNSPEC;
    attrAdd(&m, IFLA_IFNAME, hostName, strlen(hostName) + 1);
    err = nlTalk(&m);
    if (err < 0 && err != -ENODEV) {
        vkReportSystemError(-err, "cannot delete interface '%s'", hostName);
        return -1;
    }
    return 0;
}

bool
vkLxcNetNameIsGenerated(const char *name)
{
    const char *p = name;

    if (!g_str_has_prefix(p, VK_LXC_NET_PREFIX))
        return false;
    p += strlen(VK_LXC_NET_PREFIX);
    if (!g_ascii_isdigit(*p))
        return false;
    while (g_ascii_isdigit(*p))
        p++;
    if (*p++ != 'n' || !g_ascii_isdigit(*p))
        return false;
    while (g_ascii_isdigit(*p))
        p++;
    return *p == '\0';
}
