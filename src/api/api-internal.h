/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the API entry points share: the door checks.  Every public function
 * resets the thread's error, validates its handle and arguments, refuses
 * mutations on read-only connections, then calls one driver member.
 */
#ifndef VK_API_INTERNAL_H
#define VK_API_INTERNAL_H

#include "core/driver.h"
#include "core/stream.h"

/* VIR_ERR_OPERATION_DENIED on a read-only connection. */
bool vkCheckWritable(virConnectPtr conn, int errdom, const char *func);
/* VIR_ERR_INVALID_ARG "x in func must not be NULL". */
void vkReportNullArg(int errdom, const char *arg, const char *func);
/* A descriptor array argument (api.def fds=COUNT:ARRAY): NULL only with
 * a count of 0, no negative entry; VIR_ERR_INVALID_ARG otherwise. */
bool vkCheckFdArray(int errdom, const char *func, const char *count, unsigned int n,
                    const char *array, const int *fds);
/* A descriptor that must be an open socket (api.def sockfd=NAME), checked
 * as libvirt checks virDomainOpenGraphics's. */
bool vkCheckSocketFd(int errdom, const char *func, const char *name, int fd);
/* VIR_ERR_NO_SUPPORT naming the driver and the function. */
void vkReportUnsupported(virConnectPtr conn, int errdom, const char *func);

/* A stream given to a driver call that opens it (virDomainOpenConsole,
 * ...): valid, of connection conn and not opened yet. */
bool vkCheckStreamArg(virStreamPtr st, virConnectPtr conn, int errdom, const char *func);

/* Opens the driver registry once (virInitialize). */
int vkGlobalInit(void);
/* The registered connection drivers, in the order virConnectOpen tries them. */
size_t vkRegistryCount(void);
const vkConnectDriver *vkRegistryGet(size_t i);

#endif
