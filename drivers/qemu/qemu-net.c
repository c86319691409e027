/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Taps for guest interfaces on networks and host bridges.
 *
 * The daemon, not QEMU, makes each tap (TUNSETIFF on /dev/net/tun), sets
 * its MAC, plugs it into the bridge and brings it up, then passes the fd
 * (and a vhost-net fd where /dev/vhost-net exists) to QEMU.  The taps are
 * not persistent: they live exactly as long as some process holds their
 * fd.  We close ours right after the launch, so QEMU's exit removes them,
 * whether the daemon destroyed the guest, the guest powered off, or the
 * daemon was not even running.
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/if_tun.h>
#include <net/if_arp.h>

#define VIR_FROM_THIS VIR_FROM_QEMU
#include "util/error.h"
#include "util/netlink.h"
#include "util/uuid.h"
#include "conf/domain-conf-priv.h"
#include "drivers/qemu/process.h"
#include "drivers/qemu/qemu-net.h"
#include "drivers/network/network-driver.h"

#define VHOST_NET "/dev/vhost-net"

void
vkQemuNetPlanClear(vkQemuNetPlan *plan)
{
    for (guint i = 0; !plan->portsKept && plan->portids && i < plan->portids->len; i++)
        vkNetworkDriverPortUnplug(plan->rootKey, plan->portNets->pdata[i],
                                  plan->portids->pdata[i]);
    g_clear_pointer(&plan->portids, g_ptr_array_unref);
    g_clear_pointer(&plan->portNets, g_ptr_array_unref);
    g_clear_pointer(&plan->bridges, g_ptr_array_unref);
    g_clear_pointer(&plan->rootKey, g_free);
    for (guint i = 0; plan->passFds && i < plan->passFds->len; i++)
        close(g_array_index(plan->passFds, int, i));
    g_clear_pointer(&plan->passFds, g_array_unref);
    g_clear_pointer(&plan->ifnames, g_ptr_array_unref);
    g_clear_pointer(&plan->netFds, g_free);
    g_clear_pointer(&plan->vhostFds, g_free);
    plan->n = 0;
}

/* A tap named like template ("vnet%d" lets the kernel pick the number);
 * its fd, with the final name in name (IFNAMSIZ). */
static int
tapOpen(const char *template, bool vnetHdr, char *name)
{
    struct ifreq ifr = { 0 };
    int fd;

    if ((fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC)) < 0) {
        vkReportSystemError(errno, "%s", "cannot open /dev/net/tun");
        return -1;
    }
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI | (vnetHdr ? IFF_VNET_HDR : 0);
    g_strlcpy(ifr.ifr_name, template, sizeof(ifr.ifr_name));
    if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
        vkReportSystemError(errno, "cannot create tap device '%s'", template);
        close(fd);
        return -1;
    }
    g_strlcpy(name, ifr.ifr_name, IFNAMSIZ);
    return fd;
}

/* The tap's own MAC: the guest's with the first byte 0xfe, so the bridge
 * never takes the guest's address as its own (as libvirt does). */
static int
tapSetMAC(const char *name, const unsigned char *guestMac)
{
    struct ifreq ifr = { 0 };
    int s, r;

    g_strlcpy(ifr.ifr_name, name, sizeof(ifr.ifr_name));
    ifr.ifr_hwaddr.sa_family = ARPHRD_ETHER;
    memcpy(ifr.ifr_hwaddr.sa_data, guestMac, 6);
    ifr.ifr_hwaddr.sa_data[0] = (char)0xfe;
    if ((s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
        return -errno;
    r = ioctl(s, SIOCSIFHWADDR, &ifr) < 0 ? -errno : 0;
    close(s);
    return r;
}

/* The bridge of one interface, or NULL with an error. */
static char *
bridgeOf(const char *rootKey, const vkDomainDef *def, const vkDomainNetDef *n)
{
    if (!n->source || !*n->source) {
        vkReportError(VIR_ERR_XML_ERROR, "interface of domain '%s' has no source %s",
                      def->name, n->type == VK_DOMAIN_NET_TYPE_NETWORK ? "network" : "bridge");
        return NULL;
    }
    if (n->type == VK_DOMAIN_NET_TYPE_NETWORK)
        return vkNetworkDriverBridgeFor(rootKey, n->source);
    if (!vkNetlinkBridgeExists(n->source)) {
        vkReportError(VIR_ERR_OPERATION_INVALID,
                      "domain '%s': bridge '%s' does not exist on the host",
                      def->name, n->source);
        return NULL;
    }
    return g_strdup(n->source);
}

static int
passFd(vkQemuNetPlan *plan, int fd)
{
    g_array_append_val(plan->passFds, fd);
    return VK_QEMU_MONITOR_FD + (int)plan->passFds->len;
}

static void
planInit(const char *rootKey, guint n, vkQemuNetPlan *plan)
{
    memset(plan, 0, sizeof(*plan));
    plan->n = n;
    plan->netFds = g_new(int, n + 1);
    plan->vhostFds = g_new(int, n + 1);
    plan->passFds = g_array_new(FALSE, FALSE, sizeof(int));
    plan->ifnames = g_ptr_array_new_full(n, g_free);
    plan->portids = g_ptr_array_new_full(n, g_free);
    plan->portNets = g_ptr_array_new_full(n, g_free);
    plan->bridges = g_ptr_array_new_full(n, g_free);
    plan->rootKey = g_strdup(rootKey);
}

/* Entry i of plan for interface n: its tap, port and vhost-net fd. */
static int
prepareOne(const vkDomainDef *def, const vkDomainNetDef *n, vkQemuNetPlan *plan, guint i)
{
    bool virtio = !n->model || strcmp(n->model, "virtio") == 0;
    g_autofree char *bridge = NULL;
    char name[IFNAMSIZ];
    int fd, err;

    plan->netFds[i] = plan->vhostFds[i] = -1;
    g_ptr_array_add(plan->ifnames, NULL);
    g_ptr_array_add(plan->portids, NULL);
    g_ptr_array_add(plan->portNets, NULL);
    g_ptr_array_add(plan->bridges, NULL);
    if (n->type != VK_DOMAIN_NET_TYPE_NETWORK && n->type != VK_DOMAIN_NET_TYPE_BRIDGE)
        return 0;
    if (!(bridge = bridgeOf(plan->rootKey, def, n)))
        return -1;
    /* vnet* names are the driver's to give: a live XML fed back in
     * does not pin a name another guest may hold by now */
    fd = tapOpen(n->ifname && !g_str_has_prefix(n->ifname, "vnet") ? n->ifname : "vnet%d",
                 virtio, name);
    if (fd < 0)
        return -1;
    plan->netFds[i] = passFd(plan, fd);
    plan->ifnames->pdata[i] = g_strdup(name);
    if ((err = tapSetMAC(name, n->mac)) < 0 ||
        (err = vkNetlinkLinkSetUp(name, true, bridge)) < 0) {
        vkReportSystemError(-err, "cannot plug tap '%s' of domain '%s' into bridge '%s'",
                            name, def->name, bridge);
        return -1;
    }
    /* a network port per NIC, as libvirt's network driver keeps */
    if (n->type == VK_DOMAIN_NET_TYPE_NETWORK) {
        unsigned char uuid[VIR_UUID_BUFLEN];
        char str[VIR_UUID_STRING_BUFLEN];

        if (vkNetworkDriverPortPlug(plan->rootKey, n->source, def->name, def->uuid, n->mac,
                                    uuid) < 0)
            return -1;
        plan->portids->pdata[i] = g_strdup(vkUUIDFormat(uuid, str));
        plan->portNets->pdata[i] = g_strdup(n->source);
        plan->bridges->pdata[i] = g_strdup(bridge);
    }
    if (virtio && access(VHOST_NET, F_OK) == 0) {
        int vfd = open(VHOST_NET, O_RDWR | O_CLOEXEC);

        /* without it QEMU moves packets itself: slower, not wrong */
        if (vfd >= 0)
            plan->vhostFds[i] = passFd(plan, vfd);
    }
    return 0;
}

int
vkQemuNetPrepare(const char *rootKey, const vkDomainDef *def, vkQemuNetPlan *plan)
{
    GPtrArray *nets = def->priv ? def->priv->devs[VK_DOMAIN_DEVICE_NET] : NULL;

    planInit(rootKey, nets ? nets->len : 0, plan);
    for (guint i = 0; i < plan->n; i++) {
        if (prepareOne(def, nets->pdata[i], plan, i) < 0) {
            vkQemuNetPlanClear(plan);
            return -1;
        }
    }
    return 0;
}

int
vkQemuNetPrepareOne(const char *rootKey, const vkDomainDef *def, const vkDomainNetDef *n,
                    vkQemuNetPlan *plan)
{
    planInit(rootKey, 1, plan);
    if (prepareOne(def, n, plan, 0) < 0) {
        vkQemuNetPlanClear(plan);
        return -1;
    }
    return 0;
}

int
vkQemuNetPlanFd(const vkQemuNetPlan *plan, int number)
{
    if (number <= VK_QEMU_MONITOR_FD || number > VK_QEMU_MONITOR_FD + (int)plan->passFds->len)
        return -1;
    return g_array_index(plan->passFds, int, number - VK_QEMU_MONITOR_FD - 1);
}

void
vkQemuNetApplyOne(vkDomainNetDef *n, vkQemuNetPlan *plan, guint i)
{
    plan->portsKept = true;
    if (plan->portids->pdata[i]) {
        g_free(n->portid);
        n->portid = g_strdup(plan->portids->pdata[i]);
        g_free(n->liveBridge);
        n->liveBridge = g_strdup(plan->bridges->pdata[i]);
    }
    if (plan->ifnames->pdata[i]) {
        g_free(n->ifname);
        n->ifname = g_strdup(plan->ifnames->pdata[i]);
    }
}

void
vkQemuNetApplyNames(vkDomainDef *def, vkQemuNetPlan *plan)
{
    GPtrArray *nets = def->priv ? def->priv->devs[VK_DOMAIN_DEVICE_NET] : NULL;

    plan->portsKept = true;
    for (guint i = 0; nets && i < nets->len && i < plan->n; i++)
        vkQemuNetApplyOne(nets->pdata[i], plan, i);
}

void
vkQemuNetReleasePort(const char *rootKey, vkDomainNetDef *n)
{
    if (n->type == VK_DOMAIN_NET_TYPE_NETWORK)
        vkNetworkDriverPortUnplug(rootKey, n->source, n->portid);
    g_clear_pointer(&n->portid, g_free);
    g_clear_pointer(&n->liveBridge, g_free);
}

void
vkQemuNetReleasePorts(const char *rootKey, vkDomainDef *def)
{
    GPtrArray *nets = def->priv ? def->priv->devs[VK_DOMAIN_DEVICE_NET] : NULL;

    for (guint i = 0; nets && i < nets->len; i++)
        vkQemuNetReleasePort(rootKey, nets->pdata[i]);
}
