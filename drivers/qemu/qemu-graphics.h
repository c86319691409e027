/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What a start decides about displays and channels, and how it reaches
 * the live definition (qemu-graphics.c).
 */
#ifndef VK_DRIVERS_QEMU_GRAPHICS_H
#define VK_DRIVERS_QEMU_GRAPHICS_H

#include "conf/domain-conf.h"
#include "conf/domain-conf-priv.h"
#include "drivers/qemu/monitor.h"

/* The first ports of libvirt's ranges: displays, VNC websockets. */
#define VK_QEMU_GRAPHICS_PORT_MIN 5900
#define VK_QEMU_WEBSOCKET_PORT_MIN 5700

/* Picks the port of a SPICE display with autoport (QEMU's -spice has no
 * "first free port" option, unlike -vnc's to=) and of a VNC websocket='-1':
 * the first port of libvirt's range that binds on the display's address
 * now.  0, or -1 with an error when none is free. */
int vkQemuGraphicsAllocPorts(vkDomainDef *def);

/* Refuses, by element, the displays this host cannot run although
 * libvirt accepts them at define: sdl (virtkitd gives QEMU no X display),
 * dbus without address or p2p (no per-domain bus), OpenGL (<gl>,
 * egl-headless, accel3d) without a render node under driDir ("/dev/dri");
 * a <gl> without rendernode gets the host's first.  0, or -1 with
 * VIR_ERR_CONFIG_UNSUPPORTED.  Runs on the copy a start builds from. */
int vkQemuGraphicsCheckHost(vkDomainDef *def, const char *driDir);

/* The TCP port QEMU's VNC server listens on (query-vnc), -1 when there
 * is none (no VNC, a UNIX socket) or the monitor failed (no error kept:
 * the guest runs either way); QEMU is not asked when def has no VNC. */
int vkQemuGraphicsQueryVncPort(vkQemuMonitor *mon, const vkDomainDef *def);

/* Writes into the live definition what the start chose: the SPICE port
 * from resolved (the copy the argv was built from), the VNC port QEMU
 * bound (vncPort, -1 if unknown), and the socket paths libvirt names
 * itself under domainDir (a <listen type='socket'/> without a path, a
 * qemu-ga channel without <source>); removes the password files. */
void vkQemuGraphicsApplyLive(vkDomainDef *live, const vkDomainDef *resolved, int vncPort,
                             const char *domainDir);

/* Whether a start of def puts anything into its socket directory (a
 * password file, a socket libvirt names itself): the directory is made
 * only then. */
bool vkQemuGraphicsNeedsDir(const vkDomainDef *def);

/* Writes the password of each graphics device that has one into its
 * secret file under dir (0600), for QEMU to read at start.  0, or -1
 * with an error.  vkQemuGraphicsApplyLive removes them again. */
int vkQemuGraphicsWriteSecrets(const vkDomainDef *def, const char *dir);

/* The value slot of attribute name in g->attrs (the attributes the
 * definition keeps as name, value pairs), NULL if absent. */
gpointer *vkQemuGraphicsAttrSlot(vkDomainGraphicsDef *g, const char *name);

/* qemu-graphics-passwd.c: expire_password for each display whose
 * password has a passwdValidTo (QEMU's command line cannot say it).
 * 0, or -1 with an error. */
int vkQemuGraphicsApplyExpiry(vkQemuMonitor *mon, const vkDomainDef *def);

/* Removes a guest's socket directory and what QEMU left in it (a killed
 * QEMU does not unlink its listening sockets).  Best effort. */
void vkQemuGraphicsRemoveDir(const char *dir);

#endif
