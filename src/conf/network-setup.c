/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The interpreted view of a <network>: addresses, DHCP, DNS, bridge and
 * forward settings, read from the element trees the definition keeps.
 *
 * The definition itself stays a faithful copy of the XML (so it formats
 * back exactly); this file is where the driver's questions about it are
 * answered, and where a definition is refused when it could not be set
 * up (addresses that do not parse, ranges outside their subnet, ...).
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "conf/network-conf.h"
#include "conf/domain-conf-priv.h"

#define VIR_FROM_THIS VIR_FROM_NETWORK
#include "util/error.h"

static void
ipFree(vkNetworkIP *ip)
{
    g_free(ip->address);
    g_free(ip->network);
    g_ptr_array_unref(ip->rangeStart);
    g_ptr_array_unref(ip->rangeEnd);
    g_ptr_array_unref(ip->hosts);
    g_free(ip);
}

static void
dhcpHostFree(vkNetworkDHCPHost *h)
{
    g_free(h->mac);
    g_free(h->id);
    g_free(h->name);
    g_free(h->ip);
    g_free(h);
}

static void
dnsHostFree(vkNetworkDNSHost *h)
{
    g_free(h->ip);
    g_ptr_array_unref(h->names);
    g_free(h);
}

static void
srvFree(vkNetworkDNSSrv *s)
{
    g_free(s->service);
    g_free(s->protocol);
    g_free(s->domain);
    g_free(s->target);
    g_free(s);
}

static void
txtFree(vkNetworkDNSTxt *t)
{
    g_free(t->name);
    g_free(t->value);
    g_free(t);
}

static void
forwarderFree(vkNetworkDNSForwarder *f)
{
    g_free(f->addr);
    g_free(f->domain);
    g_free(f);
}

void
vkNetworkSetupFree(vkNetworkSetup *s)
{
    if (!s)
        return;
    g_free(s->name);
    g_free(s->forwardMode);
    g_free(s->forwardDev);
    g_ptr_array_unref(s->forwardIfaces);
    g_free(s->bridge);
    g_free(s->mac);
    g_free(s->domain);
    g_ptr_array_unref(s->ips);
    g_ptr_array_unref(s->dnsHosts);
    g_ptr_array_unref(s->dnsSrvs);
    g_ptr_array_unref(s->dnsTxts);
    g_ptr_array_unref(s->dnsForwarders);
    g_free(s);
}

static const char *
attr(const vkXmlElem *e, const char *name)
{
    return vkXmlElemGetAttr(e, name);
}

static bool
yes(const char *v)
{
    return v && (strcmp(v, "yes") == 0 || strcmp(v, "on") == 0);
}

static GPtrArray *
childrenOf(const vkXmlElem *e)
{
    static GPtrArray empty;

    return e && e->children ? e->children : &empty;
}

static bool
parseUInt(const char *s, unsigned int max, unsigned int *out)
{
    char *end;
    unsigned long v;

    if (!s || !g_ascii_isdigit(*s))
        return false;
    v = strtoul(s, &end, 10);
    if (*end || v > max)
        return false;
    *out = v;
    return true;
}

static bool
macValid(const char *mac)
{
    unsigned int b[6];
    char tail;

    return mac && sscanf(mac, "%2x:%2x:%2x:%2x:%2x:%2x%c",
                         &b[0], &b[1], &b[2], &b[3], &b[4], &b[5], &tail) == 6 &&
           strlen(mac) == 17;
}

/* Is addr (family) inside net/prefix? */
static bool
inSubnet(int family, const unsigned char *net, const unsigned char *addr,
         unsigned int prefix)
{
    size_t len = family == AF_INET ? 4 : 16;

    for (size_t i = 0; i < len; i++) {
        unsigned int bits = prefix >= (i + 1) * 8 ? 8 : prefix > i * 8 ? prefix - i * 8 : 0;
        unsigned char mask = bits ? (unsigned char)(0xff << (8 - bits)) : 0;

        if ((net[i] & mask) != (addr[i] & mask))
            return false;
    }
    return true;
}

static int
netmaskPrefix(const char *mask, unsigned int *prefix)
{
    struct in_addr a;
    guint32 m;

    if (inet_pton(AF_INET, mask, &a) != 1)
        return -1;
    m = ntohl(a.s_addr);
    if (m && (~m & (~m + 1)) != 0)      /* ones must be contiguous */
        return -1;
    *prefix = m ? 32 - __builtin_ctz(m) : 0;
    return 0;
}

/* An address of the <ip>'s family inside it, or an error. */
static bool
addrInIP(const char *netName, const vkNetworkIP *ip, const unsigned char *net,
         const char *what, const char *addr, unsigned char *out)
{
    if (!addr || inet_pton(ip->family, addr, out) != 1) {
        vkReportError(VIR_ERR_XML_ERROR, "invalid %s address '%s' in network '%s'",
                      what, addr ? addr : "", netName);
        return false;
    }
    if (!inSubnet(ip->family, net, out, ip->prefix)) {
        vkReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      "%s address '%s' is not within network %s/%u of network '%s'",
                      what, addr, ip->address, ip->prefix, netName);
        return false;
    }
    return true;
}

static int
parseDHCP(const char *netName, vkNetworkIP *ip, const unsigned char *net,
          const vkXmlElem *dhcp)
{
    GPtrArray *kids = childrenOf(dhcp);

    ip->dhcp = true;
    for (guint i = 0; i < kids->len; i++) {
        const vkXmlElem *c = kids->pdata[i];
        unsigned char a[16], b[16];

        if (strcmp(c->name, "range") == 0) {
            const char *start = attr(c, "start"), *end = attr(c, "end");

            if (!addrInIP(netName, ip, net, "DHCP range start", start, a) ||
                !addrInIP(netName, ip, net, "DHCP range end", end, b))
                return -1;
            if (memcmp(a, b, ip->family == AF_INET ? 4 : 16) > 0) {
                vkReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                              "DHCP range '%s' - '%s' in network '%s' is reversed",
                              start, end, netName);
                return -1;
            }
            g_ptr_array_add(ip->rangeStart, g_strdup(start));
            g_ptr_array_add(ip->rangeEnd, g_strdup(end));
        } else if (strcmp(c->name, "host") == 0) {
            vkNetworkDHCPHost *h;
            const char *mac = attr(c, "mac"), *hip = attr(c, "ip");

            if (mac && !macValid(mac)) {
                vkReportError(VIR_ERR_XML_ERROR,
                              "invalid MAC address '%s' in DHCP host of network '%s'",
                              mac, netName);
                return -1;
            }
            if (ip->family == AF_INET && !mac) {
                vkReportError(VIR_ERR_XML_ERROR,
                              "static DHCP host of IPv4 network '%s' has no MAC address",
                              netName);
                return -1;
            }
            if (!hip && !attr(c, "name")) {
                vkReportError(VIR_ERR_XML_ERROR,
                              "static DHCP host of network '%s' has neither IP nor name",
                              netName);
                return -1;
            }
            if (hip && !addrInIP(netName, ip, net, "DHCP host", hip, a))
                return -1;
            h = g_new0(vkNetworkDHCPHost, 1);
            h->mac = mac ? g_ascii_strdown(mac, -1) : NULL;
            h->id = g_strdup(attr(c, "id"));
            h->name = g_strdup(attr(c, "name"));
            h->ip = g_strdup(hip);
            g_ptr_array_add(ip->hosts, h);
        }
    }
    return 0;
}

static vkNetworkIP *
parseIP(const char *netName, const vkXmlElem *e)
{
    g_autoptr(GPtrArray) holder = g_ptr_array_new_with_free_func((GDestroyNotify)ipFree);
    vkNetworkIP *ip = g_new0(vkNetworkIP, 1);
    const char *family = attr(e, "family"), *address = attr(e, "address");
    const char *mask = attr(e, "netmask"), *prefix = attr(e, "prefix");
    unsigned char a[16], net[16];
    char buf[INET6_ADDRSTRLEN];
    GPtrArray *kids = childrenOf(e);

    g_ptr_array_add(holder, ip);
    ip->rangeStart = g_ptr_array_new_with_free_func(g_free);
    ip->rangeEnd = g_ptr_array_new_with_free_func(g_free);
    ip->hosts = g_ptr_array_new_with_free_func((GDestroyNotify)dhcpHostFree);
    ip->family = family && strcmp(family, "ipv6") == 0 ? AF_INET6 : AF_INET;
    if (family && strcmp(family, "ipv4") != 0 && strcmp(family, "ipv6") != 0) {
        vkReportError(VIR_ERR_XML_ERROR, "invalid ip address family '%s' in network '%s'",
                      family, netName);
        return NULL;
    }
    if (!address || inet_pton(ip->family, address, a) != 1) {
        vkReportError(VIR_ERR_XML_ERROR, "invalid ip address '%s' in network '%s'",
                      address ? address : "", netName);
        return NULL;
    }
    ip->address = g_strdup(address);
    if (mask && prefix) {
        vkReportError(VIR_ERR_XML_ERROR,
                      "network '%s' has both netmask and prefix for address '%s'",
                      netName, address);
        return NULL;
    }
    if (mask) {
        if (ip->family != AF_INET || netmaskPrefix(mask, &ip->prefix) < 0) {
            vkReportError(VIR_ERR_XML_ERROR, "invalid netmask '%s' in network '%s'",
                          mask, netName);
            return NULL;
        }
    } else if (prefix) {
        if (!parseUInt(prefix, ip->family == AF_INET ? 32 : 128, &ip->prefix)) {
            vkReportError(VIR_ERR_XML_ERROR, "invalid prefix '%s' in network '%s'",
                          prefix, netName);
            return NULL;
        }
    } else if (ip->family == AF_INET6) {
        ip->prefix = 64;
    } else {
        /* the address class decides, as for an IPv4 address without a mask */
        ip->prefix = a[0] < 128 ? 8 : a[0] < 192 ? 16 : 24;
    }
    memcpy(net, a, sizeof(net));
    for (size_t i = 0; i < (ip->family == AF_INET ? 4u : 16u); i++) {
        unsigned int bits = ip->prefix >= (i + 1) * 8 ? 8 :
                            ip->prefix > i * 8 ? ip->prefix - i * 8 : 0;
        net[i] &= bits ? (unsigned char)(0xff << (8 - bits)) : 0;
    }
    ip->network = g_strdup(inet_ntop(ip->family, net, buf, sizeof(buf)));
    for (guint i = 0; i < kids->len; i++) {
        const vkXmlElem *c = kids->pdata[i];

        if (strcmp(c->name, "dhcp") == 0 && parseDHCP(netName, ip, net, c) < 0)
            return NULL;
    }
    return g_ptr_array_steal_index(holder, 0);
}

static int
parseDNS(vkNetworkSetup *s, const vkXmlElem *dns)
{
    GPtrArray *kids = childrenOf(dns);
    const char *enable = attr(dns, "enable");

    s->dnsEnabled = !enable || yes(enable);
    s->dnsForwardPlainNames = yes(attr(dns, "forwardPlainNames"));
    for (guint i = 0; i < kids->len; i++) {
        const vkXmlElem *c = kids->pdata[i];

        if (strcmp(c->name, "host") == 0) {
            vkNetworkDNSHost *h = g_new0(vkNetworkDNSHost, 1);
            GPtrArray *names = childrenOf(c);

            h->ip = g_strdup(attr(c, "ip"));
            h->names = g_ptr_array_new_with_free_func(g_free);
            g_ptr_array_add(s->dnsHosts, h);
            for (guint j = 0; j < names->len; j++) {
                const vkXmlElem *n = names->pdata[j];

                if (strcmp(n->name, "hostname") == 0 && n->text)
                    g_ptr_array_add(h->names, g_strstrip(g_strdup(n->text)));
            }
            if (!h->ip || !h->names->len) {
                vkReportError(VIR_ERR_XML_DETAIL,
                              "DNS host of network '%s' needs an ip and a hostname",
                              s->name);
                return -1;
            }
        } else if (strcmp(c->name, "srv") == 0) {
            vkNetworkDNSSrv *v = g_new0(vkNetworkDNSSrv, 1);

            g_ptr_array_add(s->dnsSrvs, v);
            v->service = g_strdup(attr(c, "service"));
            v->protocol = g_strdup(attr(c, "protocol"));
            v->domain = g_strdup(attr(c, "domain"));
            v->target = g_strdup(attr(c, "target"));
            if (!v->service || !v->protocol ||
                (attr(c, "port") && !parseUInt(attr(c, "port"), 65535, &v->port)) ||
                (attr(c, "priority") && !parseUInt(attr(c, "priority"), 65535, &v->priority)) ||
                (attr(c, "weight") && !parseUInt(attr(c, "weight"), 65535, &v->weight))) {
                vkReportError(VIR_ERR_XML_DETAIL,
                              "invalid DNS SRV record in network '%s'", s->name);
                return -1;
            }
        } else if (strcmp(c->name, "txt") == 0) {
            vkNetworkDNSTxt *t = g_new0(vkNetworkDNSTxt, 1);

            g_ptr_array_add(s->dnsTxts, t);
            t->name = g_strdup(attr(c, "name"));
            t->value = g_strdup(attr(c, "value"));
            if (!t->name || !t->value || strchr(t->name, ' ')) {
                vkReportError(VIR_ERR_XML_DETAIL,
                              "invalid DNS TXT record in network '%s'", s->name);
                return -1;
            }
        } else if (strcmp(c->name, "forwarder") == 0) {
            vkNetworkDNSForwarder *f = g_new0(vkNetworkDNSForwarder, 1);

            g_ptr_array_add(s->dnsForwarders, f);
            f->addr = g_strdup(attr(c, "addr"));
            f->domain = g_strdup(attr(c, "domain"));
        }
    }
    return 0;
}

/* Forward modes a driver can set up on a plain host (no SR-IOV, no
 * macvtap pool): hostdev, passthrough, private and vepa are not. */
static int
checkForward(vkNetworkSetup *s)
{
    const char *m = s->forwardMode;

    if (!m)
        return 0;
    if (strcmp(m, "bridge") == 0) {
        if (!s->bridge && !s->forwardDev) {
            vkReportError(VIR_ERR_XML_ERROR,
                          "network '%s' has forward mode 'bridge' but no bridge name",
                          s->name);
            return -1;
        }
        if (s->ips->len) {
            vkReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                          "Unsupported <ip> element in network %s with forward mode='%s'",
                          s->name, m);
            return -1;
        }
    }
    return 0;
}

vkNetworkSetup *
vkNetworkSetupFromDef(const vkNetworkDef *def)
{
    g_autoptr(vkNetworkSetup) s = g_new0(vkNetworkSetup, 1);
    const vkXmlElem *e;

    s->name = g_strdup(def->name);
    s->forwardMode = g_strdup(def->forwardMode);
    s->forwardIfaces = g_ptr_array_new_with_free_func(g_free);
    s->ips = g_ptr_array_new_with_free_func((GDestroyNotify)ipFree);
    s->dnsHosts = g_ptr_array_new_with_free_func((GDestroyNotify)dnsHostFree);
    s->dnsSrvs = g_ptr_array_new_with_free_func((GDestroyNotify)srvFree);
    s->dnsTxts = g_ptr_array_new_with_free_func((GDestroyNotify)txtFree);
    s->dnsForwarders = g_ptr_array_new_with_free_func((GDestroyNotify)forwarderFree);
    s->dnsEnabled = true;
    s->stp = true;

    if (def->forward) {
        GPtrArray *kids = childrenOf(def->forward);

        s->forwardDev = g_strdup(attr(def->forward, "dev"));
        for (guint i = 0; i < kids->len; i++) {
            const vkXmlElem *c = kids->pdata[i];

            if (strcmp(c->name, "interface") == 0 && attr(c, "dev"))
                g_ptr_array_add(s->forwardIfaces, g_strdup(attr(c, "dev")));
        }
    }
    if (def->bridge) {
        const char *stp = attr(def->bridge, "stp"), *delay = attr(def->bridge, "delay");

        s->bridge = g_strdup(attr(def->bridge, "name"));
        s->stp = !stp || yes(stp);
        if (delay && !parseUInt(delay, 3600, &s->delay)) {
            vkReportError(VIR_ERR_XML_ERROR, "invalid bridge delay '%s' in network '%s'",
                          delay, s->name);
            return NULL;
        }
        if (s->bridge && (strlen(s->bridge) >= 16 || strchr(s->bridge, '/') ||
                          strchr(s->bridge, ' '))) {
            vkReportError(VIR_ERR_XML_ERROR, "invalid bridge name '%s' in network '%s'",
                          s->bridge, s->name);
            return NULL;
        }
    }
    for (guint i = 0; def->extra && i < def->extra->len; i++) {
        e = def->extra->pdata[i];
        if (strcmp(e->name, "mac") == 0) {
            if (!macValid(attr(e, "address"))) {
                vkReportError(VIR_ERR_XML_ERROR, "invalid MAC address '%s' in network '%s'",
                              attr(e, "address") ? attr(e, "address") : "", s->name);
                return NULL;
            }
            s->mac = g_ascii_strdown(attr(e, "address"), -1);
        } else if (strcmp(e->name, "mtu") == 0) {
            if (!parseUInt(attr(e, "size"), 65535, &s->mtu) || s->mtu < 68) {
                vkReportError(VIR_ERR_XML_ERROR, "invalid mtu size '%s' in network '%s'",
                              attr(e, "size") ? attr(e, "size") : "", s->name);
                return NULL;
            }
        } else if (strcmp(e->name, "domain") == 0) {
            s->domain = g_strdup(attr(e, "name"));
            s->domainLocalOnly = yes(attr(e, "localOnly"));
        } else if (strcmp(e->name, "dns") == 0) {
            if (parseDNS(s, e) < 0)
                return NULL;
        } else if (strcmp(e->name, "ip") == 0) {
            vkNetworkIP *ip = parseIP(s->name, e);

            if (!ip)
                return NULL;
            g_ptr_array_add(s->ips, ip);
        }
    }
    if (checkForward(s) < 0)
        return NULL;
    return g_steal_pointer(&s);
}

const vkNetworkIP *
vkNetworkSetupIPv4(const vkNetworkSetup *s)
{
    for (guint i = 0; i < s->ips->len; i++) {
        const vkNetworkIP *ip = s->ips->pdata[i];

        if (ip->family == AF_INET)
            return ip;
    }
    return NULL;
}

bool
vkNetworkSetupNeedsDnsmasq(const vkNetworkSetup *s)
{
    if (!s->ips->len)
        return false;
    for (guint i = 0; i < s->ips->len; i++) {
        const vkNetworkIP *ip = s->ips->pdata[i];

        if (ip->rangeStart->len || ip->hosts->len)
            return true;
    }
    return s->dnsEnabled;
}
