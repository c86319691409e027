/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The admin API (libvirt-admin's names, signatures and constants): a
 * client of a daemon's admin socket -- its servers, their worker pools,
 * clients and limits, the daemon's logging and idle timeout.
 */
#ifndef VIRTKIT_ADMIN_H
#define VIRTKIT_ADMIN_H

#include <virtkit/virtkit-common.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct _virAdmConnect virAdmConnect;
typedef struct _virAdmServer virAdmServer;
typedef struct _virAdmClient virAdmClient;
typedef virAdmConnect *virAdmConnectPtr;
typedef virAdmServer *virAdmServerPtr;
typedef virAdmClient *virAdmClientPtr;

typedef void (*virAdmConnectCloseFunc)(virAdmConnectPtr conn, int reason, void *opaque);

typedef enum {
    VIR_CLIENT_TRANS_UNIX = 0,
    VIR_CLIENT_TRANS_TCP,
    VIR_CLIENT_TRANS_TLS,
#ifdef VIR_ENUM_SENTINELS
    VIR_CLIENT_TRANS_LAST
#endif
} virClientTransport;

/* worker pool parameters */
#define VIR_THREADPOOL_WORKERS_MIN "minWorkers"
#define VIR_THREADPOOL_WORKERS_MAX "maxWorkers"
#define VIR_THREADPOOL_WORKERS_PRIORITY "prioWorkers"
#define VIR_THREADPOOL_WORKERS_FREE "freeWorkers"
#define VIR_THREADPOOL_WORKERS_CURRENT "nWorkers"
#define VIR_THREADPOOL_JOB_QUEUE_DEPTH "jobQueueDepth"

/* client identity */
#define VIR_CLIENT_INFO_READONLY "readonly"
#define VIR_CLIENT_INFO_SOCKET_ADDR "sock_addr"
#define VIR_CLIENT_INFO_SASL_USER_NAME "sasl_user_name"
#define VIR_CLIENT_INFO_X509_DISTINGUISHED_NAME "tls_x509_dname"
#define VIR_CLIENT_INFO_UNIX_USER_ID "unix_user_id"
#define VIR_CLIENT_INFO_UNIX_USER_NAME "unix_user_name"
#define VIR_CLIENT_INFO_UNIX_GROUP_ID "unix_group_id"
#define VIR_CLIENT_INFO_UNIX_GROUP_NAME "unix_group_name"
#define VIR_CLIENT_INFO_UNIX_PROCESS_ID "unix_process_id"
#define VIR_CLIENT_INFO_SELINUX_CONTEXT "selinux_context"

/* client limits */
#define VIR_SERVER_CLIENTS_MAX "nclients_max"
#define VIR_SERVER_CLIENTS_CURRENT "nclients"
#define VIR_SERVER_CLIENTS_UNAUTH_MAX "nclients_unauth_max"
#define VIR_SERVER_CLIENTS_UNAUTH_CURRENT "nclients_unauth"

int virAdmInitialize(void);
int virAdmGetVersion(unsigned long long *libVer);

virAdmConnectPtr virAdmConnectOpen(const char *name, unsigned int flags);
int virAdmConnectClose(virAdmConnectPtr conn);
int virAdmConnectRef(virAdmConnectPtr conn);
int virAdmConnectIsAlive(virAdmConnectPtr conn);
char *virAdmConnectGetURI(virAdmConnectPtr conn);
int virAdmConnectGetLibVersion(virAdmConnectPtr conn, unsigned long long *libVer);
int virAdmConnectRegisterCloseCallback(virAdmConnectPtr conn, virAdmConnectCloseFunc cb,
                                       void *opaque, virFreeCallback freecb);
int virAdmConnectUnregisterCloseCallback(virAdmConnectPtr conn, virAdmConnectCloseFunc cb);

int virAdmConnectListServers(virAdmConnectPtr conn, virAdmServerPtr **servers,
                             unsigned int flags);
virAdmServerPtr virAdmConnectLookupServer(virAdmConnectPtr conn, const char *name,
                                          unsigned int flags);
int virAdmServerFree(virAdmServerPtr srv);
const char *virAdmServerGetName(virAdmServerPtr srv);
int virAdmServerGetThreadPoolParameters(virAdmServerPtr srv, virTypedParameterPtr *params,
                                        int *nparams, unsigned int flags);
int virAdmServerSetThreadPoolParameters(virAdmServerPtr srv, virTypedParameterPtr params,
                                        int nparams, unsigned int flags);
int virAdmServerGetClientLimits(virAdmServerPtr srv, virTypedParameterPtr *params,
                                int *nparams, unsigned int flags);
int virAdmServerSetClientLimits(virAdmServerPtr srv, virTypedParameterPtr params,
                                int nparams, unsigned int flags);
int virAdmServerUpdateTlsFiles(virAdmServerPtr srv, unsigned int flags);

int virAdmServerListClients(virAdmServerPtr srv, virAdmClientPtr **clients,
                            unsigned int flags);
virAdmClientPtr virAdmServerLookupClient(virAdmServerPtr srv, unsigned long long id,
                                         unsigned int flags);
unsigned long long virAdmClientGetID(virAdmClientPtr client);
long long virAdmClientGetTimestamp(virAdmClientPtr client);
int virAdmClientGetTransport(virAdmClientPtr client);
int virAdmClientGetInfo(virAdmClientPtr client, virTypedParameterPtr *params, int *nparams,
                        unsigned int flags);
int virAdmClientClose(virAdmClientPtr client, unsigned int flags);
int virAdmClientFree(virAdmClientPtr client);

int virAdmConnectGetLoggingOutputs(virAdmConnectPtr conn, char **outputs, unsigned int flags);
int virAdmConnectGetLoggingFilters(virAdmConnectPtr conn, char **filters, unsigned int flags);
int virAdmConnectSetLoggingOutputs(virAdmConnectPtr conn, const char *outputs,
                                   unsigned int flags);
int virAdmConnectSetLoggingFilters(virAdmConnectPtr conn, const char *filters,
                                   unsigned int flags);
int virAdmConnectSetDaemonTimeout(virAdmConnectPtr conn, unsigned int timeout,
                                  unsigned int flags);

#ifdef __cplusplus
}
#endif
#endif
