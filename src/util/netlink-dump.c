/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * rtnetlink dumps: the kernel's tables read whole (neighbours, links),
 * for questions such as "which IPv4 address does this MAC have" (the
 * arp source of virDomainInterfaceAddresses) and the host's links.
 *
 * One request with NLM_F_DUMP on a fresh socket; the replies come in
 * several datagrams, each holding several messages, until NLMSG_DONE.
 */
#include <arpa/inet.h>
#include <string.h>
#include <unistd.h>
#include <linux/neighbour.h>

#include <glib.h>

#include "util/netlink.h"

int
vkNlDump(vkNlMsg *m, vkNlDumpFunc fn, void *opaque)
{
    g_autofree char *reply = g_malloc(32768);
    int fd, err = 0;
    ssize_t n;

    if ((fd = vkNlSend(m, NLM_F_DUMP)) < 0)
        return fd;
    for (;;) {
        struct nlmsghdr *h;

        if ((n = vkNlRecv(fd, reply, 32768)) < 0) {
            err = (int)n;
            goto out;
        }
        for (h = (struct nlmsghdr *)reply; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
            if (h->nlmsg_type == NLMSG_DONE)
                goto out;
            if (h->nlmsg_type == NLMSG_ERROR) {
                err = ((struct nlmsgerr *)NLMSG_DATA(h))->error;
                goto out;
            }
            fn(h, opaque);
        }
    }
 out:
    close(fd);
    return err;
}

static void
neighOne(const struct nlmsghdr *h, void *opaque)
{
    GPtrArray *out = opaque;
    const struct ndmsg *nd = NLMSG_DATA(h);
    int len = (int)h->nlmsg_len - (int)NLMSG_LENGTH(sizeof(*nd));
    const unsigned char *mac = NULL;
    const void *ip = NULL;
    char buf[INET_ADDRSTRLEN];

    if (h->nlmsg_type != RTM_NEWNEIGH || len < 0 || nd->ndm_family != AF_INET ||
        (nd->ndm_state & (NUD_FAILED | NUD_INCOMPLETE | NUD_NOARP)))
        return;
    for (const struct rtattr *a = RTM_RTA(nd); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
        if (a->rta_type == NDA_DST && RTA_PAYLOAD(a) == 4)
            ip = RTA_DATA(a);
        else if (a->rta_type == NDA_LLADDR && RTA_PAYLOAD(a) == 6)
            mac = RTA_DATA(a);
    }
    if (!ip || !mac || !inet_ntop(AF_INET, ip, buf, sizeof(buf)))
        return;
    g_ptr_array_add(out, g_strdup_printf("%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1],
                                         mac[2], mac[3], mac[4], mac[5]));
    g_ptr_array_add(out, g_strdup(buf));
}

int
vkNetlinkNeighbours(GPtrArray **out)
{
    vkNlMsg m;
    struct ndmsg *nd = vkNlMsgInit(&m, RTM_GETNEIGH, 0, sizeof(*nd));
    g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func(g_free);
    int err;

    nd->ndm_family = AF_INET;
    if ((err = vkNlDump(&m, neighOne, list)) < 0)
        return err;
    *out = g_steal_pointer(&list);
    return 0;
}
