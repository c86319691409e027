/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A network on the host: its bridge (rtnetlink), the bridge's addresses,
 * forwarding and NAT (nftables), and dnsmasq.
 *
 * Start writes the live record naming every resource first, then makes
 * them one by one; any failure, and stop, go through the same teardown,
 * which reads the record and removes whatever of it exists.  So a failed
 * start, a stop, and the cleanup after a daemon crash are one code path.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define VIR_FROM_THIS VIR_FROM_NETWORK
#include "util/error.h"
#include "util/atomic-file.h"
#include "util/netlink.h"
#include "drivers/network/network-private.h"

int
vkNetRunTool(const char *const *argv, const char *what, bool quiet)
{
    g_autofree char *errout = NULL;
    g_autoptr(GError) err = NULL;
    int status;

    if (!g_spawn_sync(NULL, (char **)argv, NULL,
                      G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                      NULL, &errout, &status, &err)) {
        if (!quiet)
            vkReportError(VIR_ERR_OPERATION_FAILED, "cannot %s: %s", what, err->message);
        return -1;
    }
    if (!g_spawn_check_wait_status(status, NULL)) {
        if (!quiet)
            vkReportError(VIR_ERR_OPERATION_FAILED, "failed to %s: %s", what,
                          errout ? g_strstrip(errout) : "");
        return -1;
    }
    return 0;
}

static bool
modeIs(const vkNetworkSetup *s, const char *mode)
{
    return s->forwardMode && strcmp(s->forwardMode, mode) == 0;
}

/* Refuses the forward modes that need hardware or setups this driver
 * does not make (SR-IOV functions, macvtap pools). */
static int
checkMode(const vkNetworkSetup *s)
{
    if (modeIs(s, "hostdev") || modeIs(s, "passthrough")) {
        vkReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      "network '%s': forward mode '%s' needs SR-IOV virtual functions, "
                      "which this driver does not manage", s->name, s->forwardMode);
        return -1;
    }
    if (modeIs(s, "private") || modeIs(s, "vepa") ||
        (modeIs(s, "bridge") && !s->bridge)) {
        vkReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      "network '%s': macvtap forward mode '%s' is not supported; "
                      "use forward mode 'bridge' with an existing host bridge",
                      s->name, s->forwardMode);
        return -1;
    }
    return 0;
}

static guint32
maskOf(unsigned int prefix)
{
    return prefix ? 0xffffffffu << (32 - prefix) : 0;
}

static unsigned int
maskPrefix(guint32 mask)
{
    return mask ? 32 - __builtin_ctz(mask) : 0;
}

static bool
overlaps(guint32 a, unsigned int pa, guint32 b, unsigned int pb)
{
    guint32 m = maskOf(MIN(pa, pb));

    return (a & m) == (b & m);
}

bool
vkNetHostSubnetTaken(const char *network, unsigned int prefix)
{
    struct ifaddrs *ifs = NULL, *i;
    struct in_addr n;
    guint32 net;
    bool taken = false;
    FILE *f;
    char line[256];

    if (inet_pton(AF_INET, network, &n) != 1)
        return false;
    net = ntohl(n.s_addr);
    if (getifaddrs(&ifs) == 0) {
        for (i = ifs; i && !taken; i = i->ifa_next) {
            const struct sockaddr_in *a = (const void *)i->ifa_addr;
            const struct sockaddr_in *m = (const void *)i->ifa_netmask;

            if (!a || a->sin_family != AF_INET || !m)
                continue;
            if (ntohl(a->sin_addr.s_addr) >> 24 == 127)
                continue;
            taken = overlaps(net, prefix, ntohl(a->sin_addr.s_addr),
                             maskPrefix(ntohl(m->sin_addr.s_addr)));
        }
        freeifaddrs(ifs);
    }
    /* routes too: a subnet reached through a router is taken as well */
    if (!taken && (f = fopen("/proc/net/route", "re"))) {
        while (fgets(line, sizeof(line), f)) {
            char ifname[64];
            unsigned int dest, gw, flags, refcnt, use, metric, mask;

            if (sscanf(line, "%63s %x %x %x %u %u %u %x", ifname, &dest, &gw, &flags,
                       &refcnt, &use, &metric, &mask) != 8 || mask == 0)
                continue;
            /* /proc/net/route prints network-order words in host order */
            if (overlaps(net, prefix, ntohl(dest), maskPrefix(ntohl(mask)))) {
                taken = true;
                break;
            }
        }
        fclose(f);
    }
    return taken;
}

char *
vkNetHostFreeBridge(GPtrArray *taken)
{
    for (int n = 0; n < 1024; n++) {
        g_autofree char *name = g_strdup_printf("virbr%d", n);
        bool used = vkNetlinkLinkExists(name);

        for (guint i = 0; taken && !used && i < taken->len; i++)
            used = g_strcmp0(taken->pdata[i], name) == 0;
        if (!used)
            return g_steal_pointer(&name);
    }
    vkReportError(VIR_ERR_INTERNAL_ERROR, "%s", "no free bridge name (virbrN) left");
    return NULL;
}

static int
parseMac(const char *s, unsigned char *mac)
{
    unsigned int b[6];

    if (!s || sscanf(s, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5]) != 6)
        return -1;
    for (int i = 0; i < 6; i++)
        mac[i] = b[i];
    return 0;
}

static int
writeRunFile(vkNetState *st, const char *name, const char *suffix, const char *text)
{
    g_autofree char *path = vkNetStateRunFile(st, name, suffix);

    return vkAtomicFileWrite(path, text, strlen(text), 0644);
}

/* /proc/sys files take a plain write (no temporary file and rename). */
static bool
writeSysctl(const char *path)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    bool ok;

    if (fd < 0)
        return false;
    ok = write(fd, "1\n", 2) == 2;
    close(fd);
    return ok;
}

static int
enableForwarding(const vkNetworkSetup *s)
{
    bool v4 = false, v6 = false;

    for (guint i = 0; i < s->ips->len; i++) {
        const vkNetworkIP *ip = s->ips->pdata[i];

        v4 |= ip->family == AF_INET;
        v6 |= ip->family == AF_INET6;
    }
    if (v4 && !writeSysctl("/proc/sys/net/ipv4/ip_forward")) {
        vkReportSystemError(errno, "cannot enable IPv4 forwarding for network '%s'",
                            s->name);
        return -1;
    }
    if (v6 && !writeSysctl("/proc/sys/net/ipv6/conf/all/forwarding")) {
        vkReportSystemError(errno, "cannot enable IPv6 forwarding for network '%s'",
                            s->name);
        return -1;
    }
    return 0;
}

/* The bridge, its addresses, and the link up. */
static int
makeBridge(const vkNetworkSetup *s, const char *br)
{
    unsigned char mac[6];
    int err;

    err = vkNetlinkBridgeCreate(br, parseMac(s->mac, mac) == 0 ? mac : NULL, s->mtu,
                                s->stp, s->delay * 100);
    if (err < 0) {
        vkReportSystemError(-err, "cannot create bridge '%s' for network '%s'", br, s->name);
        return -1;
    }
    for (guint i = 0; i < s->ips->len; i++) {
        const vkNetworkIP *ip = s->ips->pdata[i];
        unsigned char a[16];

        inet_pton(ip->family, ip->address, a);
        if ((err = vkNetlinkAddrAdd(br, ip->family, a, ip->prefix)) < 0) {
            vkReportSystemError(-err, "cannot add address %s/%u to bridge '%s'",
                                ip->address, ip->prefix, br);
            return -1;
        }
    }
    if ((err = vkNetlinkLinkSetUp(br, true, NULL)) < 0) {
        vkReportSystemError(-err, "cannot set bridge '%s' up", br);
        return -1;
    }
    return 0;
}

static int
startDnsmasq(vkNetState *st, const vkNetworkSetup *s, const char *br)
{
    g_autofree char *prefix = g_build_filename(st->runDir, s->name, NULL);
    g_autofree char *conf = vkDnsmasqConfig(s, br, prefix);
    g_autofree char *hosts = vkDnsmasqHostsFile(s);
    g_autofree char *addn = vkDnsmasqAddnHosts(s);

    if (writeRunFile(st, s->name, "hosts", hosts) < 0 ||
        writeRunFile(st, s->name, "addnhosts", addn) < 0 ||
        writeRunFile(st, s->name, "conf", conf) < 0)
        return -1;
    return vkDnsmasqStart(st, s->name);
}

int
vkNetHostStart(vkNetState *st, vkNetworkDef *def)
{
    g_autoptr(vkNetworkSetup) s = NULL;
    g_autofree char *ruleset = NULL;
    vkNetResources res = { 0 };
    int ret = -1;

    if (!(s = vkNetworkSetupFromDef(def)) || checkMode(s) < 0)
        return -1;
    if (modeIs(s, "bridge")) {
        /* a host bridge someone else made: used, never changed */
        if (!vkNetlinkBridgeExists(s->bridge)) {
            vkReportError(VIR_ERR_OPERATION_INVALID,
                          "network '%s': host bridge '%s' does not exist",
                          s->name, s->bridge);
            return -1;
        }
        res.bridge = g_strdup(s->bridge);
        ret = vkNetStateSaveLive(st, def, &res);
        vkNetResourcesClear(&res);
        return ret;
    }
    if (!s->bridge) {
        if (!(s->bridge = vkNetHostFreeBridge(NULL)))
            return -1;
        vkNetworkDefSetBridgeName(def, s->bridge);
    }
    if (vkNetlinkLinkExists(s->bridge)) {
        vkReportError(VIR_ERR_OPERATION_FAILED,
                      "network '%s': bridge name '%s' is already in use on the host",
                      s->name, s->bridge);
        return -1;
    }
    for (guint i = 0; i < s->ips->len; i++) {
        const vkNetworkIP *ip = s->ips->pdata[i];

        if (ip->family == AF_INET && vkNetHostSubnetTaken(ip->network, ip->prefix)) {
            vkReportError(VIR_ERR_OPERATION_FAILED,
                          "network '%s': subnet %s/%u is already in use on the host",
                          s->name, ip->network, ip->prefix);
            return -1;
        }
    }
    res.bridge = g_strdup(s->bridge);
    res.bridgeOwned = true;
    res.nftTable = vkNftTableName(s->bridge);
    if (!(ruleset = vkNftRuleset(s, s->bridge, res.nftTable)))
        g_clear_pointer(&res.nftTable, g_free);
    res.dnsmasq = vkNetworkSetupNeedsDnsmasq(s);
    if (vkNetStateSaveLive(st, def, &res) < 0)
        goto cleanup;

    if (makeBridge(s, s->bridge) < 0)
        goto undo;
    if ((modeIs(s, "nat") || modeIs(s, "route")) && enableForwarding(s) < 0)
        goto undo;
    if (ruleset && vkNftApply(st, s->name, ruleset) < 0)
        goto undo;
    if (res.dnsmasq && startDnsmasq(st, s, s->bridge) < 0)
        goto undo;
    ret = 0;
    goto cleanup;

 undo:
    {
        virErrorPtr saved = vkErrorSave();

        vkNetHostStop(st, s->name);
        vkErrorRestore(&saved);
    }
 cleanup:
    vkNetResourcesClear(&res);
    return ret;
}

int
vkNetHostStop(vkNetState *st, const char *name)
{
    vkNetResources res = { 0 };
    int ret = 0, r, err;

    if ((r = vkNetStateLoadLive(st, name, NULL, &res)) != 0)
        return r < 0 ? -1 : 0;
    if (res.dnsmasq && vkDnsmasqStop(st, name) < 0)
        ret = -1;
    if (res.nftTable && vkNftDelete(res.nftTable) < 0)
        ret = -1;
    if (res.bridgeOwned && res.bridge && (err = vkNetlinkLinkDelete(res.bridge)) < 0) {
        vkReportSystemError(-err, "cannot delete bridge '%s' of network '%s'",
                            res.bridge, name);
        ret = -1;
    }
    /* keep the record while something of it may remain */
    if (ret == 0)
        vkNetStateDeleteLive(st, name);
    vkNetResourcesClear(&res);
    return ret;
}

bool
vkNetHostIsWhole(vkNetState *st, const char *name, const vkNetResources *res)
{
    if (!res->bridge || !vkNetlinkBridgeExists(res->bridge))
        return false;
    if (res->nftTable && !vkNftTableExists(res->nftTable))
        return false;
    if (res->dnsmasq && !vkDnsmasqPid(st, name))
        return false;
    return true;
}
