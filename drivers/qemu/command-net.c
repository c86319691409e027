/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Network interfaces: the host side (-netdev) and the guest NIC.
 */
#include <string.h>

#include "drivers/qemu/command-priv.h"

#define VIR_FROM_THIS VIR_FROM_QEMU
#include "util/error.h"

int
vkQemuCmdNets(cmdBuf *b)
{
    const vkDomainDef *def = b->def;
    GPtrArray *a = devs(def, VK_DOMAIN_DEVICE_NET);

    for (guint i = 0; a && i < a->len; i++) {
        const vkDomainNetDef *n = a->pdata[i];
        const char *model = n->model ? n->model : "virtio";
        const char *qdev;
        char mac[18];

        if (strcmp(model, "virtio") == 0)
            qdev = "virtio-net-pci";
        else if (strcmp(model, "e1000") == 0 || strcmp(model, "rtl8139") == 0)
            qdev = model;
        else {
            unsupported("interface model '%s' of domain '%s'", model, def->name);
            return -1;
        }
        add(b, "-netdev");
        if (n->type == VK_DOMAIN_NET_TYPE_USER) {
            addf(b, "user,id=hostnet%u", i);
        } else if (n->type == VK_DOMAIN_NET_TYPE_NETWORK ||
                   n->type == VK_DOMAIN_NET_TYPE_BRIDGE) {
            /* the daemon made the tap and plugged it in: QEMU gets an fd */
            int fd = b->opts && b->opts->netFds ? b->opts->netFds[i] : -1;
            int vfd = b->opts && b->opts->vhostFds ? b->opts->vhostFds[i] : -1;

            if (vfd >= 0)
                addf(b, "tap,fd=%d,id=hostnet%u,vhost=on,vhostfd=%d", fd, i, vfd);
            else
                addf(b, "tap,fd=%d,id=hostnet%u", fd, i);
        } else if (n->type == VK_DOMAIN_NET_TYPE_ETHERNET && n->ifname && !n->script) {
            g_autofree char *ifn = esc(n->ifname);
            addf(b, "tap,id=hostnet%u,ifname=%s,script=no,downscript=no", i, ifn);
        } else {
            g_ptr_array_set_size(b->argv, b->argv->len - 1);
            unsupported("interface type '%s' of domain '%s'%s",
                        vkDomainNetTypeTable[n->type], def->name,
                        n->type == VK_DOMAIN_NET_TYPE_ETHERNET ?
                        " (an ethernet interface needs <target dev=''/> and no script)" : "");
            return -1;
        }
        vkConfMACFormat(n->mac, mac);
        add(b, "-device");
        if (n->bootIndex)
            addf(b, "%s,netdev=hostnet%u,id=net%u,mac=%s,bootindex=%u", qdev, i, i, mac,
                 n->bootIndex);
        else
            addf(b, "%s,netdev=hostnet%u,id=net%u,mac=%s", qdev, i, i, mac);
    }
    return 0;
}
