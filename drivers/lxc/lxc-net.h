/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Containers on virtual networks: the network's bridge and a network
 * port per <interface type='network'>, as for QEMU guests.
 */
#ifndef VK_DRIVERS_LXC_NET_H
#define VK_DRIVERS_LXC_NET_H

#include <glib.h>

#include "conf/domain-conf-priv.h"
#include "drivers/container/container.h"

typedef struct {
    char *rootKey;              /* whose network driver state holds the ports */
    GPtrArray *portids;         /* per interface: its port's UUID, or NULL */
    GPtrArray *networks;        /* per interface: the port's network, or NULL */
    bool kept;                  /* the live definition records the ports */
} vkLxcNetPorts;

/* For each network interface of cdef: its bridge (the network must be
 * active) into cdef, and a port owned by def.  -1 with an error, no port
 * left behind. */
int vkLxcNetPlugPorts(const char *rootKey, const vkDomainDef *def, vkContainerDef *cdef,
                      vkLxcNetPorts *ports);
/* The ports (and bridges) into the live definition's <source portid=''
 * bridge=''/>, which owns them from then on. */
void vkLxcNetKeepPorts(vkDomainDef *def, const vkContainerDef *cdef, vkLxcNetPorts *ports);
/* Deletes the ports unless kept; frees. */
void vkLxcNetPortsClear(vkLxcNetPorts *ports);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(vkLxcNetPorts, vkLxcNetPortsClear)
/* Deletes the ports the live definition records (the run ended). */
void vkLxcNetReleasePorts(const char *rootKey, vkDomainDef *def);

#endif
