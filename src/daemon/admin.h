/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The admin program in virtkitd (admin*.c): what virt-admin sees of the
 * daemon -- its two servers ("libvirtd" for the remote program, "admin"
 * for this one), their worker pools, clients and limits, the daemon's
 * log outputs and filters and its idle timeout.
 */
#ifndef VK_DAEMON_ADMIN_H
#define VK_DAEMON_ADMIN_H

#include "daemon/daemon.h"

#define VK_ADMIN_PROGRAM 0x06900690
#define VK_ADMIN_VERSION 1

/* libvirt-admin's procedure numbers */
enum {
    VK_ADMIN_PROC_CONNECT_OPEN = 1,
    VK_ADMIN_PROC_CONNECT_CLOSE = 2,
    VK_ADMIN_PROC_CONNECT_GET_LIB_VERSION = 3,
    VK_ADMIN_PROC_CONNECT_LIST_SERVERS = 4,
    VK_ADMIN_PROC_CONNECT_LOOKUP_SERVER = 5,
    VK_ADMIN_PROC_SERVER_GET_THREADPOOL_PARAMETERS = 6,
    VK_ADMIN_PROC_SERVER_SET_THREADPOOL_PARAMETERS = 7,
    VK_ADMIN_PROC_SERVER_LIST_CLIENTS = 8,
    VK_ADMIN_PROC_SERVER_LOOKUP_CLIENT = 9,
    VK_ADMIN_PROC_CLIENT_GET_INFO = 10,
    VK_ADMIN_PROC_CLIENT_CLOSE = 11,
    VK_ADMIN_PROC_SERVER_GET_CLIENT_LIMITS = 12,
    VK_ADMIN_PROC_SERVER_SET_CLIENT_LIMITS = 13,
    VK_ADMIN_PROC_CONNECT_GET_LOGGING_OUTPUTS = 14,
    VK_ADMIN_PROC_CONNECT_GET_LOGGING_FILTERS = 15,
    VK_ADMIN_PROC_CONNECT_SET_LOGGING_OUTPUTS = 16,
    VK_ADMIN_PROC_CONNECT_SET_LOGGING_FILTERS = 17,
    VK_ADMIN_PROC_SERVER_UPDATE_TLS_FILES = 18,
    VK_ADMIN_PROC_CONNECT_SET_DAEMON_TIMEOUT = 19,
};

/* virClientTransport */
enum { VK_CLIENT_TRANS_UNIX = 0, VK_CLIENT_TRANS_TCP = 1, VK_CLIENT_TRANS_TLS = 2 };

/* Whether a packet's program is the one the client's socket serves (the
 * remote program on the daemon's sockets, the admin one on the admin
 * socket). */
bool vkDaemonClientProgramOk(vkDaemonClient *client, const vkRpcHeader *hdr);
/* Runs msg when it is an admin call (true: replied); false for a call of
 * the remote program, which the caller runs. */
bool vkDaemonAdminCallRun(vkDaemonClient *client, vkRpcMessage *msg);

/* The server object the admin procedures act on (set once by virtkitd). */
void vkDaemonAdminSetServer(vkDaemonServer *srv);

/* ---- log.c: outputs and filters (libvirt's syntax) ---- */

/* libvirt's priorities */
enum { VK_LOG_DEBUG = 1, VK_LOG_INFO = 2, VK_LOG_WARN = 3, VK_LOG_ERROR = 4 };

/* Replace the outputs ("" or NULL: the default) or the filters (""
 * or NULL: none); -1 with VIR_ERR_INVALID_ARG on a bad definition,
 * nothing changed. */
int vkDaemonLogSetOutputs(const char *outputs);
int vkDaemonLogSetFilters(const char *filters);
/* The current definitions in libvirt's format, and how many there are. */
char *vkDaemonLogGetOutputs(unsigned int *count);
char *vkDaemonLogGetFilters(unsigned int *count);

#endif
