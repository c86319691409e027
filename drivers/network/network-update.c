/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * virNetworkUpdate (net-update): the section is edited in the persistent
 * definition (--config, saved at once) and/or the running one (--live).
 * A live change of static DHCP hosts or DNS hosts rewrites dnsmasq's host
 * files and sends it SIGHUP, which re-reads them without dropping leases,
 * as libvirt does; a live DHCP range change would need dnsmasq restarted
 * and is refused for now.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>

#define VIR_FROM_THIS VIR_FROM_NETWORK
#include "util/error.h"
#include "util/atomic-file.h"
#include "drivers/network/network-private.h"
#include "drivers/network/network-calls.h"

/* dnsmasq re-reads its host files on SIGHUP. */
static int
reloadHosts(vkNetState *st, const vkNetworkDef *def)
{
    g_autoptr(vkNetworkSetup) s = vkNetworkSetupFromDef(def);
    g_autofree char *hosts = NULL, *addn = NULL;
    g_autofree char *hostsPath = vkNetStateRunFile(st, def->name, "hosts");
    g_autofree char *addnPath = vkNetStateRunFile(st, def->name, "addnhosts");
    pid_t pid;

    if (!s)
        return -1;
    hosts = vkDnsmasqHostsFile(s);
    addn = vkDnsmasqAddnHosts(s);
    if (vkAtomicFileWrite(hostsPath, hosts, strlen(hosts), 0644) < 0 ||
        vkAtomicFileWrite(addnPath, addn, strlen(addn), 0644) < 0)
        return -1;
    if ((pid = vkDnsmasqPid(st, def->name)) > 0 && kill(pid, SIGHUP) < 0) {
        vkReportSystemError(errno, "cannot signal dnsmasq of network '%s'", def->name);
        return -1;
    }
    return 0;
}

int
vkNetCallUpdate(virNetworkPtr net, unsigned int command, unsigned int section,
                int parentIndex, const char *xml, unsigned int flags)
{
    g_autoptr(vkNetworkDef) live = NULL;
    g_autoptr(vkNetworkDef) config = NULL;
    vkNetState *st;
    vkNetObj *obj;
    int ret = -1;

    vkCheckFlags(VIR_NETWORK_UPDATE_AFFECT_LIVE | VIR_NETWORK_UPDATE_AFFECT_CONFIG, -1);
    if (!(obj = vkNetGet(net, &st)))
        return -1;
    if (section == VIR_NETWORK_SECTION_IP_DHCP_RANGE && obj->active &&
        (flags & VIR_NETWORK_UPDATE_AFFECT_LIVE || !(flags & VIR_NETWORK_UPDATE_AFFECT_CONFIG))) {
        vkReportError(VIR_ERR_NO_SUPPORT, "a live change of the DHCP ranges of network "
                      "'%s' needs dnsmasq restarted; use --config and restart the network",
                      obj->def->name);
        goto out;
    }
    /* every edit is made (on copies) before anything is changed */
    if (vkNetworkUpdatePrepare(obj->def, obj->newDef ? obj->newDef : obj->def, obj->active,
                               obj->persistent, command, section, parentIndex, xml, flags,
                               &live, &config) < 0)
        goto out;
    if (config && vkNetStateSaveConfig(st, config) < 0)
        goto out;
    if (config) {
        vkNetworkDef **slot = obj->active ? &obj->newDef : &obj->def;

        vkNetworkDefFree(*slot);
        *slot = g_steal_pointer(&config);
    }
    if (live) {
        vkNetworkDefFree(obj->def);
        obj->def = g_steal_pointer(&live);
        if (reloadHosts(st, obj->def) < 0)
            goto out;
    }
    ret = 0;
 out:
    g_mutex_unlock(&st->lock);
    return ret;
}
