/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * dnsmasq for a network: DHCP (ranges, static hosts, a lease file) and DNS
 * (the network's domain, hosts, SRV/TXT records, forwarders).
 *
 * The configuration is a pure function of the interpreted definition, so
 * it is tested against expected files.  dnsmasq daemonizes itself: its
 * first process exits once the sockets are bound and the pid file is
 * written, which is the readiness signal we wait for; the pid file, with
 * the configuration path on the command line as a check that the pid was
 * not reused, is how a restarted daemon finds it again.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#define VIR_FROM_THIS VIR_FROM_NETWORK
#include "util/error.h"
#include "util/atomic-file.h"
#include "drivers/network/network-private.h"

#ifndef DNSMASQ
# define DNSMASQ "dnsmasq"
#endif

static guint64
rangeSize(const char *start, const char *end)
{
    struct in_addr a, b;

    if (inet_pton(AF_INET, start, &a) != 1 || inet_pton(AF_INET, end, &b) != 1)
        return 0;
    return (guint64)ntohl(b.s_addr) - ntohl(a.s_addr) + 1;
}

static void
dnsSection(GString *c, const vkNetworkSetup *s)
{
    if (!s->dnsEnabled) {
        g_string_append(c, "port=0\n");
        return;
    }
    for (guint i = 0; i < s->dnsForwarders->len; i++) {
        const vkNetworkDNSForwarder *f = s->dnsForwarders->pdata[i];

        if (f->domain)
            g_string_append_printf(c, "server=/%s/%s\n", f->domain, f->addr ? f->addr : "");
        else if (f->addr)
            g_string_append_printf(c, "server=%s\n", f->addr);
    }
    if (!s->dnsForwardPlainNames)
        g_string_append(c, "domain-needed\nlocal=//\n");
    if (s->domain) {
        if (s->domainLocalOnly)
            g_string_append_printf(c, "local=/%s/\n", s->domain);
        g_string_append_printf(c, "domain=%s\nexpand-hosts\n", s->domain);
    }
    for (guint i = 0; i < s->dnsSrvs->len; i++) {
        const vkNetworkDNSSrv *v = s->dnsSrvs->pdata[i];

        g_string_append_printf(c, "srv-host=_%s._%s", v->service, v->protocol);
        if (v->domain)
            g_string_append_printf(c, ".%s", v->domain);
        if (v->target)
            g_string_append_printf(c, ",%s,%u,%u,%u", v->target, v->port, v->priority,
                                   v->weight);
        g_string_append_c(c, '\n');
    }
    for (guint i = 0; i < s->dnsTxts->len; i++) {
        const vkNetworkDNSTxt *t = s->dnsTxts->pdata[i];

        g_string_append_printf(c, "txt-record=%s,\"%s\"\n", t->name, t->value);
    }
}

char *
vkDnsmasqConfig(const vkNetworkSetup *s, const char *bridge, const char *runPrefix)
{
    GString *c = g_string_new(NULL);
    guint64 leases = 0;
    bool dhcp = false, ipv6 = false;

    g_string_append_printf(c, "# virtkit: dnsmasq for network '%s' (rewritten at every "
                           "start; edit the network instead)\n", s->name);
    g_string_append(c, "strict-order\nuser=root\n");
    g_string_append_printf(c, "pid-file=%s.pid\n", runPrefix);
    g_string_append(c, "except-interface=lo\nbind-dynamic\n");
    g_string_append_printf(c, "interface=%s\n", bridge);
    dnsSection(c, s);
    for (guint i = 0; i < s->ips->len; i++) {
        const vkNetworkIP *ip = s->ips->pdata[i];
        char mask[INET_ADDRSTRLEN] = "";

        if (ip->family == AF_INET) {
            struct in_addr m = { htonl(ip->prefix ? 0xffffffffu << (32 - ip->prefix) : 0) };

            inet_ntop(AF_INET, &m, mask, sizeof(mask));
        }
        for (guint j = 0; j < ip->rangeStart->len; j++) {
            const char *a = ip->rangeStart->pdata[j], *b = ip->rangeEnd->pdata[j];

            if (ip->family == AF_INET) {
                g_string_append_printf(c, "dhcp-range=%s,%s,%s\n", a, b, mask);
                leases += rangeSize(a, b);
            } else {
                g_string_append_printf(c, "dhcp-range=%s,%s,%u\n", a, b, ip->prefix);
                leases += 65536;     /* libvirt's cap too: no real bound in IPv6 */
            }
            dhcp = true;
        }
        if (!ip->rangeStart->len && ip->hosts->len) {
            /* static hosts only: no dynamic pool */
            if (ip->family == AF_INET)
                g_string_append_printf(c, "dhcp-range=%s,static,%s\n", ip->network, mask);
            else
                g_string_append_printf(c, "dhcp-range=%s,static,%u\n", ip->network,
                                       ip->prefix);
            dhcp = true;
        }
        leases += ip->hosts->len;
        if (ip->family == AF_INET6 && ip->dhcp)
            ipv6 = true;
    }
    if (dhcp) {
        g_string_append(c, "dhcp-no-override\ndhcp-authoritative\n");
        g_string_append_printf(c, "dhcp-lease-max=%" G_GUINT64_FORMAT "\n",
                               MIN(leases, G_GUINT64_CONSTANT(1) << 31));
        g_string_append_printf(c, "dhcp-hostsfile=%s.hosts\n", runPrefix);
        g_string_append_printf(c, "dhcp-leasefile=%s.leases\n", runPrefix);
    }
    if (ipv6)
        g_string_append(c, "enable-ra\n");
    if (s->dnsEnabled)
        g_string_append_printf(c, "addn-hosts=%s.addnhosts\n", runPrefix);
    return g_string_free(c, FALSE);
}

char *
vkDnsmasqHostsFile(const vkNetworkSetup *s)
{
    GString *c = g_string_new(NULL);

    for (guint i = 0; i < s->ips->len; i++) {
        const vkNetworkIP *ip = s->ips->pdata[i];

        for (guint j = 0; j < ip->hosts->len; j++) {
            const vkNetworkDHCPHost *h = ip->hosts->pdata[j];
            const char *sep = "";

            if (h->mac) {
                g_string_append(c, h->mac);
                sep = ",";
            } else if (h->id) {
                g_string_append_printf(c, "id:%s", h->id);
                sep = ",";
            }
            if (h->ip) {
                g_string_append_printf(c, ip->family == AF_INET6 ? "%s[%s]" : "%s%s",
                                       sep, h->ip);
                sep = ",";
            }
            if (h->name)
                g_string_append_printf(c, "%s%s", sep, h->name);
            g_string_append_c(c, '\n');
        }
    }
    return g_string_free(c, FALSE);
}

char *
vkDnsmasqAddnHosts(const vkNetworkSetup *s)
{
    GString *c = g_string_new(NULL);

    for (guint i = 0; i < s->dnsHosts->len; i++) {
        const vkNetworkDNSHost *h = s->dnsHosts->pdata[i];

        g_string_append(c, h->ip);
        for (guint j = 0; j < h->names->len; j++)
            g_string_append_printf(c, "\t%s", (const char *)h->names->pdata[j]);
        g_string_append_c(c, '\n');
    }
    return g_string_free(c, FALSE);
}

int
vkDnsmasqStart(vkNetState *st, const char *name)
{
    g_autofree char *conf = vkNetStateRunFile(st, name, "conf");
    g_autofree char *confArg = g_strdup_printf("--conf-file=%s", conf);
    g_autofree char *what = g_strdup_printf("start dnsmasq for network '%s'", name);
    const char *argv[] = { DNSMASQ, confArg, NULL };

    /* returns when dnsmasq's first process exits: bound and daemonized */
    return vkNetRunTool(argv, what, false);
}

pid_t
vkDnsmasqPid(vkNetState *st, const char *name)
{
    g_autofree char *pidfile = vkNetStateRunFile(st, name, "pid");
    g_autofree char *conf = vkNetStateRunFile(st, name, "conf");
    g_autofree char *text = NULL, *cmdPath = NULL, *cmd = NULL;
    gsize len;
    gint64 pid;

    if (!g_file_get_contents(pidfile, &text, NULL, NULL))
        return 0;
    pid = g_ascii_strtoll(g_strstrip(text), NULL, 10);
    if (pid <= 1)
        return 0;
    cmdPath = g_strdup_printf("/proc/%" G_GINT64_FORMAT "/cmdline", pid);
    if (!g_file_get_contents(cmdPath, &cmd, &len, NULL))
        return 0;
    /* the pid might have been reused since: it must be our dnsmasq */
    for (gsize off = 0; off < len; off += strlen(cmd + off) + 1) {
        if (g_str_has_prefix(cmd + off, "--conf-file=") &&
            strcmp(cmd + off + strlen("--conf-file="), conf) == 0)
            return (pid_t)pid;
    }
    return 0;
}

/* Waits up to timeoutMs for pidfd's process to exit. */
static bool
waitExit(int pidfd, int timeoutMs)
{
    struct pollfd p = { .fd = pidfd, .events = POLLIN };
    int r;

    do {
        r = poll(&p, 1, timeoutMs);
    } while (r < 0 && errno == EINTR);
    return r > 0;
}

int
vkDnsmasqStop(vkNetState *st, const char *name)
{
    pid_t pid = vkDnsmasqPid(st, name);
    int pidfd;

    if (!pid)
        return 0;
    /* dnsmasq is not our child (it daemonized): a pidfd tells when it
     * has gone, whoever reaps it */
    pidfd = syscall(SYS_pidfd_open, pid, 0);
    if (kill(pid, SIGTERM) < 0 && errno != ESRCH) {
        vkReportSystemError(errno, "cannot stop dnsmasq (pid %d) of network '%s'",
                            (int)pid, name);
        if (pidfd >= 0)
            close(pidfd);
        return -1;
    }
    if (pidfd >= 0) {
        if (!waitExit(pidfd, 5000)) {
            kill(pid, SIGKILL);
            waitExit(pidfd, 5000);
        }
        close(pidfd);
    }
    return 0;
}

/* The prefix of the network's address block holding addr, or 0. */
static unsigned int
prefixFor(const vkNetworkSetup *s, int family)
{
    for (guint i = 0; i < s->ips->len; i++) {
        const vkNetworkIP *ip = s->ips->pdata[i];

        if (ip->family == family)
            return ip->prefix;
    }
    return 0;
}

int
vkDnsmasqParseLeases(const char *text, const vkNetworkSetup *s, const char *iface,
                     const char *mac, virNetworkDHCPLeasePtr **out)
{
    g_auto(GStrv) lines = g_strsplit(text ? text : "", "\n", -1);
    GPtrArray *list = g_ptr_array_new_with_free_func((GDestroyNotify)virNetworkDHCPLeaseFree);
    int n;

    for (size_t i = 0; lines[i]; i++) {
        g_auto(GStrv) f = g_strsplit_set(g_strstrip(lines[i]), " \t", -1);
        virNetworkDHCPLeasePtr l;
        bool v6;

        /* "expiry mac ip hostname clientid"; IPv6 lines carry an IAID
         * instead of the MAC, after a "duid ..." line */
        if (g_strv_length(f) < 5 || strcmp(f[0], "duid") == 0)
            continue;
        v6 = strchr(f[2], ':') != NULL;
        if (mac && (v6 || g_ascii_strcasecmp(mac, f[1]) != 0))
            continue;
        l = g_new0(virNetworkDHCPLease, 1);
        l->iface = g_strdup(iface);
        l->expirytime = g_ascii_strtoll(f[0], NULL, 10);
        l->type = v6 ? VIR_IP_ADDR_TYPE_IPV6 : VIR_IP_ADDR_TYPE_IPV4;
        if (v6)
            l->iaid = g_strdup(f[1]);
        else
            l->mac = g_ascii_strdown(f[1], -1);
        l->ipaddr = g_strdup(f[2]);
        l->prefix = prefixFor(s, v6 ? AF_INET6 : AF_INET);
        l->hostname = strcmp(f[3], "*") ? g_strdup(f[3]) : NULL;
        l->clientid = strcmp(f[4], "*") ? g_strdup(f[4]) : NULL;
        g_ptr_array_add(list, l);
    }
    n = list->len;
    if (out) {
        g_ptr_array_set_free_func(list, NULL);
        g_ptr_array_add(list, NULL);
        *out = (virNetworkDHCPLeasePtr *)g_ptr_array_free(list, FALSE);
    } else {
        g_ptr_array_free(list, TRUE);
    }
    return n;
}
