/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What admin.c (dispatch, servers, pools, logging) and admin-clients.c
 * (the servers' clients) share.
 */
#ifndef VK_DAEMON_ADMIN_PRIV_H
#define VK_DAEMON_ADMIN_PRIV_H

#include "daemon/admin.h"
#include "daemon/server-private.h"

vkDaemonServer *vkAdmServer(void);
/* The service named name, or NULL with VIR_ERR_NO_SERVER reported. */
vkDaemonService *vkAdmLookupService(const char *name);
/* false with VIR_ERR_INVALID_ARG reported when flags are not 0 */
bool vkAdmCheckFlags(unsigned int flags, const char *func);

/* Append one admin_typed_param to a GArray of them. */
void vkAdmParamUInt(GArray *params, const char *field, unsigned int v);
void vkAdmParamInt(GArray *params, const char *field, int v);
void vkAdmParamBool(GArray *params, const char *field, bool v);
void vkAdmParamString(GArray *params, const char *field, const char *v);

/* admin-clients.c: procedures 8-11 */
int vkAdmListClients(vkDaemonClient *client, void *args, void *ret);
int vkAdmLookupClient(vkDaemonClient *client, void *args, void *ret);
int vkAdmClientGetInfo(vkDaemonClient *client, void *args, void *ret);
int vkAdmClientClose(vkDaemonClient *client, void *args, void *ret);

/* server-object.c: new credentials from the configured files for the
 * TLS connections to come (current sessions keep theirs). */
int vkDaemonServerReloadTls(vkDaemonServer *srv);

#endif
