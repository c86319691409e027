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
#include "util/netlink.h"

bool
vkLxcBridgeExists(const char *bridge)
{
    return vkNetlinkBridgeExists(bridge);
}

int
vkLxcNetAttach(const char *ctName, const vkContainerNet *net, const char *hostName,
               const char *peerName, pid_t initPid)
{
    vkNlMsg m;
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
    ifi = vkNlMsgInit(&m, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, sizeof(*ifi));
    ifi->ifi_family = AF_UNSPEC;
    ifi->ifi_flags = IFF_UP;
    ifi->ifi_change = IFF_UP;
    vkNlAttrAdd(&m, IFLA_IFNAME, hostName, strlen(hostName) + 1);
    vkNlAttrAdd(&m, IFLA_MASTER, &master, sizeof(master));
    linkinfo = vkNlNestBegin(&m, IFLA_LINKINFO);
    vkNlAttrAdd(&m, IFLA_INFO_KIND, "veth", strlen("veth"));
    data = vkNlNestBegin(&m, IFLA_INFO_DATA);
    /* the peer's attributes follow its own ifinfomsg */
    peerAttr = vkNlAttrAdd(&m, VETH_INFO_PEER, &peer, sizeof(peer));
    {
        guint32 pid = initPid;

        vkNlAttrAdd(&m, IFLA_IFNAME, peerName, strlen(peerName) + 1);
        vkNlAttrAdd(&m, IFLA_NET_NS_PID, &pid, sizeof(pid));
        if (memcmp(net->mac, zero, 6) != 0)
            vkNlAttrAdd(&m, IFLA_ADDRESS, net->mac, 6);
    }
    vkNlNestEnd(&m, peerAttr);
    vkNlNestEnd(&m, data);
    vkNlNestEnd(&m, linkinfo);

    if ((err = vkNlTalk(&m)) < 0) {
        vkReportSystemError(-err, "container '%s': cannot create veth '%s' on bridge '%s'",
                            ctName, hostName, net->bridge);
        return -1;
    }
    return 0;
}

int
vkLxcNetDetach(const char *hostName)
{
    int err = vkNetlinkLinkDelete(hostName);

    if (err < 0) {
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
