/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * State drivers: how the process that serves DRIVER:///system (virtkitd)
 * starts, reloads and stops the stateful drivers, as libvirt's state
 * drivers do, without knowing any of them by name.
 *
 * Each driver registers one vkStateDriver along with its connect driver
 * (from its vkXxxDriverRegister, which the generated built-in list calls).
 * The daemon offers one command-line option per driver that declares
 * one, hands each init the privileged flag and that option's value, and
 * calls cleanup in reverse order when it exits.
 */
#ifndef VK_CORE_STATE_DRIVER_H
#define VK_CORE_STATE_DRIVER_H

#include <stdbool.h>
#include <stddef.h>

typedef struct _vkStateDriver vkStateDriver;

struct _vkStateDriver {
    const char *name;            /* "QEMU", in the daemon's messages */
    /* The daemon's --OPTION=ARG naming where the driver keeps its
     * files or finds its service (NULL: none), and its --help text. */
    const char *option;          /* "qemu-root" */
    const char *optionArg;       /* "DIR" */
    const char *optionHelp;
    /* From now on this process serves the driver's system URI.
     * privileged: running as the system daemon.  location: the option's
     * value, or NULL for the driver's default.  -1 with the error set. */
    int (*init)(const vkStateDriver *drv, bool privileged, const char *location);
    /* Optional: re-read what the driver keeps on disk. */
    int (*reload)(const vkStateDriver *drv);
    /* Optional: drops what init set up (the daemon's references). */
    void (*cleanup)(const vkStateDriver *drv);
    void *opaque;                /* the driver's, for the hooks */
};

/* Appends drv; drivers are started in registration order. */
int vkRegisterStateDriver(const vkStateDriver *drv);
size_t vkStateDriverCount(void);
const vkStateDriver *vkStateDriverGet(size_t i);

/* Called for a driver whose init failed, with the error still set. */
typedef void (*vkStateDriverFailFunc)(const vkStateDriver *drv, void *opaque);
/* Initializes every state driver; location(i) is the value of driver i's
 * option (may be NULL).  A failing driver is reported through failed and
 * the others still start; returns the number that failed. */
int vkStateDriversInitialize(bool privileged, const char *const *locations,
                             vkStateDriverFailFunc failed, void *opaque);
/* During an init: the value another driver's option was given (NULL when
 * none), for a driver whose files default to live beside another's (the
 * network and storage drivers beside --qemu-root). */
const char *vkStateDriverLocation(const char *option);
/* Reloads every driver that can; returns the number that failed. */
int vkStateDriversReload(vkStateDriverFailFunc failed, void *opaque);
/* Cleans up, in reverse order. */
void vkStateDriversCleanup(void);
/* True between vkStateDriversInitialize and vkStateDriversCleanup: the
 * process serves the host's /system URIs itself (it is the daemon). */
bool vkStateDriversRunning(void);

/* Registers every built-in driver (connect, secondary and state);
 * generated from drivers/meson.build. */
int vkBuiltinDriversRegister(void);

#endif
