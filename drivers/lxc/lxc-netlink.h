/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Bridged veth interfaces for containers (rtnetlink).
 */
#ifndef VK_DRIVERS_LXC_NETLINK_H
#define VK_DRIVERS_LXC_NETLINK_H

#include <stdbool.h>
#include <sys/types.h>

#include "drivers/container/container.h"

/* Is there a bridge device of that name in the caller's namespace? */
bool vkLxcBridgeExists(const char *bridge);

/* Creates a veth pair: hostName enslaved to net->bridge and up in the
 * caller's namespace, peerName with net->mac in initPid's network
 * namespace (left down: the init brings it up).  The kernel deletes both
 * when that namespace goes.  -1 with an error naming the container. */
int vkLxcNetAttach(const char *ctName, const vkContainerNet *net, const char *hostName,
                   const char *peerName, pid_t initPid);

/* Deletes the host end hostName (and so its peer); an interface that is
 * already gone is not an error.  A namespace's veths die with it, but in
 * the kernel's own time: deleting them here makes a destroy complete when
 * it returns. */
int vkLxcNetDetach(const char *hostName);

/* Host ends the driver names itself: VK_LXC_NET_PREFIX<init pid>n<index>,
 * reserved (a name of that shape is treated as generated, not chosen). */
#define VK_LXC_NET_PREFIX "vkl"
bool vkLxcNetNameIsGenerated(const char *name);

#endif
