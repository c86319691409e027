/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Network interfaces: the host side (-netdev) and the guest NIC
 * (-device), both as JSON in libvirt 9.0's shape for QEMU 7.2.
 *
 * Host sides QEMU makes alone (user, sockets, vhost-user) come from the
 * definition; taps of network/bridge interfaces are made by the daemon
 * and reach QEMU as fds (b->opts).  What needs host devices virtkit does
 * not manage (macvtap, VF passthrough, vDPA) is refused by name.
 */
#include <string.h>

#include "drivers/qemu/command-priv.h"
#include "drivers/qemu/qemu-blockdev.h"

#define VIR_FROM_THIS VIR_FROM_QEMU
#include "util/error.h"

static const vkXmlElem *
netChild(const vkDomainNetDef *n, const char *name)
{
    for (guint i = 0; n->extra && i < n->extra->len; i++) {
        if (strcmp(((vkXmlElem *)n->extra->pdata[i])->name, name) == 0)
            return n->extra->pdata[i];
    }
    return NULL;
}

/* QEMU's device for a libvirt model name, NULL if none on x86. */
static const char *
nicDevice(const char *model)
{
    static const char *const map[][2] = {
        { "virtio", "virtio-net-pci" }, { "virtio-transitional", "virtio-net-pci-transitional" },
        { "virtio-non-transitional", "virtio-net-pci-non-transitional" },
        { "e1000", "e1000" }, { "e1000e", "e1000e" }, { "rtl8139", "rtl8139" },
        { "vmxnet3", "vmxnet3" }, { "ne2k_pci", "ne2k_pci" }, { "pcnet", "pcnet" },
        { "i82559er", "i82559er" }, { "usb-net", "usb-net" },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(map); i++) {
        if (strcmp(model, map[i][0]) == 0)
            return map[i][1];
    }
    return NULL;
}

static void
appendOnOff(vkJSON *props, const char *key, const vkXmlElem *e, const char *attr)
{
    const char *v = vkXmlElemGetAttr(e, attr);

    if (v)
        vkJSONObjectAppendBool(props, key, strcmp(v, "on") == 0);
}

/* virtio-net's <driver> settings, as QEMU properties. */
static int
virtioProps(vkJSON *props, const vkDomainNetDef *n)
{
    static const char *const hostOpts[][2] = {
        { "csum", "csum" }, { "gso", "gso" }, { "tso4", "host_tso4" },
        { "tso6", "host_tso6" }, { "ecn", "host_ecn" }, { "ufo", "host_ufo" },
        { "mrg_rxbuf", "mrg_rxbuf" },
    };
    static const char *const guestOpts[][2] = {
        { "csum", "guest_csum" }, { "tso4", "guest_tso4" }, { "tso6", "guest_tso6" },
        { "ecn", "guest_ecn" }, { "ufo", "guest_ufo" },
    };
    const vkXmlElem *drv = netChild(n, "driver");
    const char *txmode = vkXmlElemGetAttr(drv, "txmode");
    const char *queues = vkXmlElemGetAttr(drv, "queues");

    if (txmode)
        vkJSONObjectAppendString(props, "tx", strcmp(txmode, "iothread") == 0 ? "bh" : txmode);
    appendOnOff(props, "ioeventfd", drv, "ioeventfd");
    appendOnOff(props, "event_idx", drv, "event_idx");
    for (size_t i = 0; i < G_N_ELEMENTS(hostOpts); i++)
        appendOnOff(props, hostOpts[i][1], elemChild(drv, "host", NULL), hostOpts[i][0]);
    for (size_t i = 0; i < G_N_ELEMENTS(guestOpts); i++)
        appendOnOff(props, guestOpts[i][1], elemChild(drv, "guest", NULL), guestOpts[i][0]);
    if (queues && g_ascii_strtoull(queues, NULL, 10) > 1) {
        unsigned long long q = g_ascii_strtoull(queues, NULL, 10);

        if (n->type != VK_DOMAIN_NET_TYPE_VHOSTUSER) {
            unsupported("<driver queues='%s'> of interface type '%s' (multiqueue taps are "
                        "not made by virtkit)", queues, vkDomainNetTypeTable[n->type]);
            return -1;
        }
        vkJSONObjectAppendBool(props, "mq", true);
        vkJSONObjectAppend(props, "vectors", vkJSONNewUInt(2 * q + 2));
    }
    for (size_t i = 0; i < 2; i++) {
        const char *attr = i ? "tx_queue_size" : "rx_queue_size";
        const char *v = vkXmlElemGetAttr(drv, attr);
        guint64 size = v ? g_ascii_strtoull(v, NULL, 10) : 0;

        if (v && (size == 0 || (size & (size - 1)) != 0)) {
            unsupported("%s has to be a power of two", attr);
            return -1;
        }
    }
    vkQemuPropUInt(props, "rx_queue_size", drv, "rx_queue_size");
    vkQemuPropUInt(props, "tx_queue_size", drv, "tx_queue_size");
    return 0;
}

/* "address:port" of a socket interface's <source> or <local>. */
static char *
sockAddr(const vkXmlElem *e)
{
    const char *addr = vkXmlElemGetAttr(e, "address");
    const char *port = vkXmlElemGetAttr(e, "port");

    return g_strdup_printf("%s:%s", addr ? addr : "", port ? port : "");
}

static vkJSON *
netdevProps(cmdBuf *b, const vkDomainNetDef *n, guint i)
{
    g_autoptr(vkJSON) nd = vkJSONNewObject();
    g_autofree char *id = g_strdup_printf("hostnet%u", i);
    const vkXmlElem *src = netChild(n, "source");

    switch ((vkDomainNetType)n->type) {
    case VK_DOMAIN_NET_TYPE_USER: {
        vkJSONObjectAppendString(nd, "type", "user");
        if (vkXmlElemGetAttr(netChild(n, "backend"), "type")) {
            unsupported("<backend type='%s'> of a user interface (passt is not installed)",
                        vkXmlElemGetAttr(netChild(n, "backend"), "type"));
            return NULL;
        }
        for (guint k = 0; n->extra && k < n->extra->len; k++) {
            const vkXmlElem *ip = n->extra->pdata[k];
            const char *address = vkXmlElemGetAttr(ip, "address");
            const char *prefix = vkXmlElemGetAttr(ip, "prefix");

            if (strcmp(ip->name, "ip") != 0 || !address)
                continue;
            if (g_strcmp0(vkXmlElemGetAttr(ip, "family"), "ipv6") == 0 || strchr(address, ':')) {
                vkJSONObjectAppendString(nd, "ipv6-prefix", address);
                if (prefix)
                    vkJSONObjectAppendInt(nd, "ipv6-prefixlen", g_ascii_strtoll(prefix, NULL, 10));
            } else {
                g_autofree char *net = g_strdup_printf("%s/%s", address, prefix ? prefix : "24");
                vkJSONObjectAppendString(nd, "net", net);
            }
        }
        if (netChild(n, "portForward")) {
            unsupported("%s", "<portForward> of a user interface (libvirt 9.0 offers it "
                        "with the passt backend only)");
            return NULL;
        }
        break;
    }
    case VK_DOMAIN_NET_TYPE_NETWORK:
    case VK_DOMAIN_NET_TYPE_BRIDGE: {
        /* the daemon made the tap and plugged it in: QEMU gets an fd */
        int fd = b->opts && b->opts->netFds ? b->opts->netFds[i] : -1;
        int vfd = b->opts && b->opts->vhostFds ? b->opts->vhostFds[i] : -1;
        g_autofree char *fds = g_strdup_printf("%d", fd);

        vkJSONObjectAppendString(nd, "type", "tap");
        vkJSONObjectAppendString(nd, "fd", fds);
        if (vfd >= 0) {
            g_autofree char *vfds = g_strdup_printf("%d", vfd);
            vkJSONObjectAppendBool(nd, "vhost", true);
            vkJSONObjectAppendString(nd, "vhostfd", vfds);
        }
        break;
    }
    case VK_DOMAIN_NET_TYPE_ETHERNET:
        if (!n->ifname || n->script) {
            unsupported("interface type 'ethernet' of domain '%s' (an ethernet interface "
                        "needs <target dev=''/> and no script)", b->def->name);
            return NULL;
        }
        vkJSONObjectAppendString(nd, "type", "tap");
        vkJSONObjectAppendString(nd, "ifname", n->ifname);
        vkJSONObjectAppendString(nd, "script", "no");
        vkJSONObjectAppendString(nd, "downscript", "no");
        break;
    case VK_DOMAIN_NET_TYPE_SERVER:
    case VK_DOMAIN_NET_TYPE_CLIENT:
    case VK_DOMAIN_NET_TYPE_MCAST:
    case VK_DOMAIN_NET_TYPE_UDP: {
        static const char *const key[] = {
            [VK_DOMAIN_NET_TYPE_SERVER] = "listen", [VK_DOMAIN_NET_TYPE_CLIENT] = "connect",
            [VK_DOMAIN_NET_TYPE_MCAST] = "mcast", [VK_DOMAIN_NET_TYPE_UDP] = "udp",
        };
        g_autofree char *where = sockAddr(src);

        vkJSONObjectAppendString(nd, "type", "socket");
        vkJSONObjectAppendString(nd, key[n->type], where);
        if (n->type == VK_DOMAIN_NET_TYPE_UDP) {
            g_autofree char *local = sockAddr(elemChild(src, "local", NULL));
            vkJSONObjectAppendString(nd, "localaddr", local);
        }
        break;
    }
    case VK_DOMAIN_NET_TYPE_VHOSTUSER: {
        g_autofree char *chr = g_strdup_printf("charnet%u", i);
        const char *path = vkXmlElemGetAttr(src, "path");
        g_autofree char *p = esc(path ? path : "");

        if (g_strcmp0(vkXmlElemGetAttr(src, "type"), "unix") != 0 || !path) {
            unsupported("%s", "vhostuser interface without <source type='unix' path=''>");
            return NULL;
        }
        add(b, "-chardev");
        addf(b, "socket,id=%s,path=%s%s", chr, p,
             g_strcmp0(vkXmlElemGetAttr(src, "mode"), "server") == 0 ? ",server=on" : "");
        vkJSONObjectAppendString(nd, "type", "vhost-user");
        vkJSONObjectAppendString(nd, "chardev", chr);
        break;
    }
    default:
        unsupported("interface type '%s' of domain '%s'%s", vkDomainNetTypeTable[n->type],
                    b->def->name,
                    n->type == VK_DOMAIN_NET_TYPE_DIRECT ? " (macvtap is not managed by virtkit)" :
                    n->type == VK_DOMAIN_NET_TYPE_HOSTDEV ? " (no SR-IOV passthrough)" :
                    n->type == VK_DOMAIN_NET_TYPE_VDPA ? " (no vDPA devices)" : "");
        return NULL;
    }
    vkJSONObjectAppendString(nd, "id", id);
    return g_steal_pointer(&nd);
}

/* Elements of an interface virtkit has no QEMU mapping for: refused by
 * name rather than dropped. */
static int
checkNet(const vkDomainDef *def, const vkDomainNetDef *n)
{
    static const char *const known[] = {
        "source", "driver", "link", "mtu", "rom", "ip", "backend", "portForward", "acpi",
        "vlan", "teaming", "filterref", "virtualport", "alias", "downscript", "coalesce",
        "port", NULL
    };

    for (guint i = 0; n->extra && i < n->extra->len; i++) {
        const vkXmlElem *e = n->extra->pdata[i];

        if (!g_strv_contains(known, e->name)) {
            unsupported("<interface><%s> of domain '%s'", e->name, def->name);
            return -1;
        }
    }
    return 0;
}

/* What libvirt keeps at define and sets up on the host at start: a tap
 * of its own naming or a script's, several queues of a tap, VLAN tags,
 * a failover team, a traffic filter, a virtual port profile (Open
 * vSwitch, 802.1Qbg/Qbh), SR-IOV and vDPA devices.  virtkit
 * does none of them yet, so the start is refused naming the interface.
 * 1: kept at define (no QEMU arguments to check), 0: nothing of this,
 * -1: refused. */
static int
netAtStart(cmdBuf *b, const vkDomainNetDef *n, guint i)
{
    static const char *const elems[] = {
        "vlan", "teaming", "filterref", "virtualport", "downscript", "coalesce", "port",
    };
    const char *queues = vkXmlElemGetAttr(netChild(n, "driver"), "queues");
    const char *why = NULL;

    if (queues && (!*queues || strspn(queues, "0123456789") != strlen(queues))) {
        vkReportError(VIR_ERR_XML_ERROR, "Invalid value for attribute 'queues' in element "
                      "'driver': '%s'. Expected non-negative integer value", queues);
        return -1;
    }
    if (n->type == VK_DOMAIN_NET_TYPE_HOSTDEV)
        why = "no SR-IOV passthrough";
    else if (n->type == VK_DOMAIN_NET_TYPE_VDPA)
        why = "no vDPA devices";
    else if (n->type == VK_DOMAIN_NET_TYPE_ETHERNET && (!n->ifname || n->script))
        why = "virtkit opens only an existing tap named by <target dev=''/>, with no script";
    else if (queues && g_ascii_strtoull(queues, NULL, 10) > 1 &&
             n->type != VK_DOMAIN_NET_TYPE_VHOSTUSER)
        why = "multiqueue taps are not made by virtkit";
    for (guint k = 0; !why && k < G_N_ELEMENTS(elems); k++) {
        if (netChild(n, elems[k]))
            return refuseAtStart(b, "<interface><%s> of interface %u of domain '%s' (not "
                                 "set up by virtkit)", elems[k], i, b->def->name) < 0 ? -1 : 1;
    }
    if (!why)
        return 0;
    return refuseAtStart(b, "interface %u (type '%s') of domain '%s': %s", i,
                         vkDomainNetTypeTable[n->type], b->def->name, why) < 0 ? -1 : 1;
}

vkJSON *
vkQemuNicDeviceProps(const vkDomainDef *def, const vkDomainNetDef *n, const char *netdev,
                     const char *id)
{
    const char *model = n->model ? n->model : "virtio";
    bool virtio = g_str_has_prefix(model, "virtio");
    const vkXmlElem *rom = netChild(n, "rom");
    g_autoptr(vkJSON) dev = vkJSONNewObject();
    char mac[18];

    vkJSONObjectAppendString(dev, "driver", nicDevice(model) ? nicDevice(model) : model);
    if (virtio && virtioProps(dev, n) < 0)
        return NULL;
    vkJSONObjectAppendString(dev, "netdev", netdev);
    vkJSONObjectAppendString(dev, "id", id);
    vkConfMACFormat(n->mac, mac);
    vkJSONObjectAppendString(dev, "mac", mac);
    if (virtio)
        vkQemuPropUInt(dev, "host_mtu", netChild(n, "mtu"), "size");
    if (n->bootIndex)
        vkJSONObjectAppendInt(dev, "bootindex", n->bootIndex);
    vkQemuPCIAddressProps(dev, def, n->address);
    vkQemuPropUInt(dev, "acpi-index", netChild(n, "acpi"), "index");
    if (rom) {
        const char *bar = vkXmlElemGetAttr(rom, "bar");
        const char *file = vkXmlElemGetAttr(rom, "file");

        if (g_strcmp0(vkXmlElemGetAttr(rom, "enabled"), "no") == 0) {
            vkJSONObjectAppendString(dev, "romfile", "");
        } else {
            if (bar)
                vkJSONObjectAppendInt(dev, "rombar", strcmp(bar, "on") == 0);
            if (file)
                vkJSONObjectAppendString(dev, "romfile", file);
        }
    }
    return g_steal_pointer(&dev);
}

int
vkQemuCmdNets(cmdBuf *b)
{
    const vkDomainDef *def = b->def;
    GPtrArray *a = devs(def, VK_DOMAIN_DEVICE_NET);

    for (guint i = 0; a && i < a->len; i++) {
        const vkDomainNetDef *n = a->pdata[i];
        const char *model = n->model ? n->model : "virtio";
        const char *qdev = nicDevice(model);
        bool virtio = g_str_has_prefix(model, "virtio");
        const vkXmlElem *link = netChild(n, "link");
        g_autoptr(vkJSON) nd = NULL;
        g_autoptr(vkJSON) dev = NULL;
        g_autofree char *netdev = g_strdup_printf("hostnet%u", i);
        g_autofree char *id = g_strdup_printf("net%u", i);
        int rc;

        /* libvirt's define keeps a model it does not know (its start
         * hands the name to QEMU as a device); virtkit's start refuses it */
        if (!qdev) {
            if (refuseAtStart(b, "interface model '%s' of domain '%s'", model, def->name) < 0)
                return -1;
            qdev = model;
        }
        if (n->type == VK_DOMAIN_NET_TYPE_VHOSTUSER && !virtio) {
            unsupported("interface model '%s' of a vhostuser interface (virtio only)", model);
            return -1;
        }
        /* QEMU takes a link state over QMP only (set_link), which the
         * start sequence does not send yet */
        if (g_strcmp0(vkXmlElemGetAttr(link, "state"), "down") == 0) {
            unsupported("<link state='down'> of interface %u of domain '%s'", i, def->name);
            return -1;
        }
        if (netChild(n, "mtu") && n->type != VK_DOMAIN_NET_TYPE_NETWORK &&
            n->type != VK_DOMAIN_NET_TYPE_BRIDGE && n->type != VK_DOMAIN_NET_TYPE_ETHERNET &&
            n->type != VK_DOMAIN_NET_TYPE_VHOSTUSER) {
            unsupported("setting MTU on interface type %s is not supported yet",
                        vkDomainNetTypeTable[n->type]);
            return -1;
        }
        if (checkNet(def, n) < 0 || (rc = netAtStart(b, n, i)) < 0)
            return -1;
        if (rc > 0)
            continue;
        if (!(nd = netdevProps(b, n, i)))
            return -1;
        if (!(dev = vkQemuNicDeviceProps(def, n, netdev, id)))
            return -1;
        add(b, "-netdev");
        g_ptr_array_add(b->argv, vkJSONFormat(nd));
        add(b, "-device");
        g_ptr_array_add(b->argv, vkJSONFormat(dev));
    }
    return 0;
}
