/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The host's network links as sysfs shows them (NET/<name>/...), and
 * their interface XML as libvirt's udev backend formats it.
 */
#ifndef VK_INTERFACE_SYSFS_H
#define VK_INTERFACE_SYSFS_H

#include <stdbool.h>
#include <glib.h>

#define VK_SYSFS_NET "/sys/class/net"

typedef struct {
    char *name;
    char *mac;                  /* "" when the link has no address */
    char *operstate;            /* "up", "down", "lowerlayerdown", "unknown", ... */
    unsigned int mtu;
    long speed;                 /* Mb/s; 0 when the link does not say */
    bool bridge;
    bool bridgePort;            /* enslaved to a bridge */
    bool stp;
    unsigned long delay;        /* the bridge's forward_delay, as sysfs has it */
} vkHostIface;

void vkHostIfaceFree(vkHostIface *i);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vkHostIface, vkHostIfaceFree)

/* The link called name under net (VK_SYSFS_NET, or a test's tree), or
 * NULL when there is none (no error set). */
vkHostIface *vkHostIfaceRead(const char *net, const char *name);
/* Every link under net, sorted by name, bridge ports left out as the
 * udev backend leaves them out of its lists; -1 with an error when net
 * cannot be read. */
int vkHostIfaceList(const char *net, GPtrArray **out);
/* Active means what the udev backend means: operstate "up". */
bool vkHostIfaceActive(const vkHostIface *i);
/* <interface type='ethernet|bridge' name=''>: mtu, link state (and speed),
 * MAC; a bridge lists its ports instead of its own link and MAC. */
char *vkHostIfaceFormat(const char *net, const vkHostIface *i);

#endif
