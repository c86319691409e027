/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Guest interfaces on networks and bridges: taps the daemon makes and
 * hands to QEMU as fds.
 */
#ifndef VK_QEMU_NET_H
#define VK_QEMU_NET_H

#include <glib.h>

#include "conf/domain-conf.h"
#include "conf/domain-conf-priv.h"

typedef struct {
    guint n;                  /* interfaces in the definition */
    int *netFds;              /* per interface: the fd number QEMU sees, or -1 */
    int *vhostFds;            /* per interface: vhost-net fd number, or -1 */
    GArray *passFds;          /* int: our fds, QEMU gets them in this order */
    GPtrArray *ifnames;       /* per interface: the tap's name, or NULL */
    GPtrArray *portids;       /* per interface: its network port's UUID, or NULL */
    char *rootKey;            /* whose network driver state made the ports */
    GPtrArray *portNets;      /* per interface: the port's network, or NULL */
    GPtrArray *bridges;       /* per interface: the network's bridge, or NULL */
    bool portsKept;           /* the live definition records the ports */
} vkQemuNetPlan;

/* For every <interface type='network'|'bridge'> of def: finds the bridge
 * (the network driver's, for rootKey's state), creates a tap (vnetN
 * unless the definition names one), plugs it into the bridge, up, and
 * opens vhost-net where the host has it.  -1 with an error, nothing
 * left behind. */
int vkQemuNetPrepare(const char *rootKey, const vkDomainDef *def, vkQemuNetPlan *plan);
/* The same for one interface n of def (a hotplug): plan has one entry. */
int vkQemuNetPrepareOne(const char *rootKey, const vkDomainDef *def, const vkDomainNetDef *n,
                        vkQemuNetPlan *plan);
/* Our fd behind a number of plan->netFds/vhostFds (-1 for none). */
int vkQemuNetPlanFd(const vkQemuNetPlan *plan, int number);
/* Entry i of plan into interface n (the live definition then owns it). */
void vkQemuNetApplyOne(vkDomainNetDef *n, vkQemuNetPlan *plan, guint i);
/* Writes the taps' names into def's <target dev=''/> and the network
 * ports and their bridges into <source portid='' bridge=''/> (the live
 * XML, as libvirt's), which then own them. */
void vkQemuNetApplyNames(vkDomainDef *def, vkQemuNetPlan *plan);
/* Deletes the network ports def's interfaces record (the run ended). */
void vkQemuNetReleasePorts(const char *rootKey, vkDomainDef *def);
/* The same for one interface (a detach). */
void vkQemuNetReleasePort(const char *rootKey, vkDomainNetDef *n);
/* Closes our copies of the fds, and deletes the network ports unless
 * vkQemuNetApplyNames handed them to the live definition.  Taps are not
 * persistent: once QEMU, the only other holder, exits, the kernel deletes
 * them, so a destroy (or a failed start) leaves no link behind. */
void vkQemuNetPlanClear(vkQemuNetPlan *plan);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(vkQemuNetPlan, vkQemuNetPlanClear)

#endif
