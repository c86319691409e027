/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the admin API's two halves share: admin-client.c (connections and
 * the wire) and admin-api.c (servers, clients, parameters, logging).
 */
#ifndef VK_ADMIN_CLIENT_H
#define VK_ADMIN_CLIENT_H

#include <glib.h>
#include <rpc/rpc.h>
#include "virtkit/virtkit-admin.h"

#define ADMIN_PROGRAM 0x06900690
#define ADMIN_VERSION 1

struct _virAdmConnect {
    gint refs;
    GMutex lock;            /* one call at a time */
    int fd;                 /* -1 once the connection died */
    unsigned int serial;
    char *uri;
    virAdmConnectCloseFunc closeCb;
    void *closeOpaque;
    virFreeCallback closeFree;
};

struct _virAdmServer {
    virAdmConnectPtr conn;
    char *name;
};

struct _virAdmClient {
    virAdmServerPtr srv;
    unsigned long long id;
    long long timestamp;
    unsigned int transport;
};

/* Sends CALL proc with args (NULL filter: none) and decodes the REPLY
 * into ret; -1 with the daemon's error (or a transport one) raised. */
int vkAdmCall(virAdmConnectPtr conn, int proc, xdrproc_t argsFilter, void *args,
              xdrproc_t retFilter, void *ret);

/* Drops a reference (the last one closes) without touching the
 * thread's last error: the Free functions run on error paths. */
int vkAdmConnUnref(virAdmConnectPtr conn);

#endif
