/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The remote driver's members written by hand, which the generated client
 * table (remote-client-members.c, from src/rpc/protocol/gen-remote.py)
 * fills in beside its own.  CLIENT_HAND in src/rpc/protocol/remote_tables.py
 * names the same functions: a name there without a prototype here fails
 * the build, and a prototype that does not match the driver member's type
 * fails the assignment in vkRemoteFillGeneratedMembers.
 *
 *   remote-client-special.c  starting a domain (the handle's id changes)
 *   remote-client-info.c     replies that fill caller-sized arrays
 *   remote-stream.c          calls that open a stream
 *   remote-fds.c             calls that send descriptors (CALL_WITH_FDS)
 */
#ifndef VK_REMOTE_MEMBERS_H
#define VK_REMOTE_MEMBERS_H

#include <stddef.h>

#include "virtkit/virtkit.h"

int vkRemoteDomainCreate(virDomainPtr domain);
int vkRemoteDomainCreateWithFlags(virDomainPtr domain, unsigned int flags);

int vkRemoteDomainGetVcpus(virDomainPtr domain, virVcpuInfoPtr info, int maxinfo,
                           unsigned char *cpumaps, int maplen);
int vkRemoteDomainGetSchedulerParameters(virDomainPtr domain, virTypedParameterPtr params,
                                         int *nparams);
int vkRemoteDomainGetSchedulerParametersFlags(virDomainPtr domain,
                                              virTypedParameterPtr params,
                                              int *nparams, unsigned int flags);
int vkRemoteNodeGetCellsFreeMemory(virConnectPtr conn, unsigned long long *freeMems,
                                   int startCell, int maxCells);
int vkRemoteDomainMemoryStats(virDomainPtr dom, virDomainMemoryStatPtr stats,
                              unsigned int nr_stats, unsigned int flags);
int vkRemoteDomainGetDiskErrors(virDomainPtr dom, virDomainDiskErrorPtr errors,
                                unsigned int maxerrors, unsigned int flags);
int vkRemoteDomainGetVcpuPinInfo(virDomainPtr domain, int ncpumaps, unsigned char *cpumaps,
                                 int maplen, unsigned int flags);
int vkRemoteDomainGetEmulatorPinInfo(virDomainPtr domain, unsigned char *cpumap,
                                     int maplen, unsigned int flags);
int vkRemoteNodeGetCPUMap(virConnectPtr conn, unsigned char **cpumap, unsigned int *online,
                          unsigned int flags);
int vkRemoteDomainGetIOThreadInfo(virDomainPtr dom, virDomainIOThreadInfoPtr **info,
                                  unsigned int flags);
int vkRemoteNodeGetCPUStats(virConnectPtr conn, int cpuNum, virNodeCPUStatsPtr params,
                            int *nparams, unsigned int flags);
int vkRemoteNodeGetMemoryStats(virConnectPtr conn, int cellNum,
                               virNodeMemoryStatsPtr params, int *nparams,
                               unsigned int flags);
int vkRemoteDomainSendKey(virDomainPtr domain, unsigned int codeset, unsigned int holdtime,
                          unsigned int *keycodes, int nkeycodes, unsigned int flags);
int vkRemoteDomainGetCPUStats(virDomainPtr domain, virTypedParameterPtr params,
                              unsigned int nparams, int start_cpu, unsigned int ncpus,
                              unsigned int flags);
int vkRemoteNodeGetFreePages(virConnectPtr conn, unsigned int npages, unsigned int *pages,
                             int startCell, unsigned int cellCount,
                             unsigned long long *counts, unsigned int flags);
int vkRemoteNodeAllocPages(virConnectPtr conn, unsigned int npages, unsigned int *pageSizes,
                           unsigned long long *pageCounts, int startCell,
                           unsigned int cellCount, unsigned int flags);
int vkRemoteNetworkGetDHCPLeases(virNetworkPtr network, const char *mac,
                                 virNetworkDHCPLeasePtr **leases, unsigned int flags);
int vkRemoteDomainBlockPeek(virDomainPtr dom, const char *disk, unsigned long long offset,
                            size_t size, void *buffer, unsigned int flags);
int vkRemoteDomainMemoryPeek(virDomainPtr dom, unsigned long long start, size_t size,
                             void *buffer, unsigned int flags);
int vkRemoteDomainGetSecurityLabelList(virDomainPtr domain, virSecurityLabelPtr *seclabels);
int vkRemoteDomainGetFSInfo(virDomainPtr dom, virDomainFSInfoPtr **info, unsigned int flags);
int vkRemoteDomainInterfaceAddresses(virDomainPtr dom, virDomainInterfacePtr **ifaces,
                                     unsigned int source, unsigned int flags);
int vkRemoteConnectGetAllDomainStats(virConnectPtr conn, unsigned int stats,
                                     virDomainStatsRecordPtr **retStats, unsigned int flags);
int vkRemoteDomainOpenConsole(virDomainPtr dom, const char *dev_name, virStreamPtr st,
                              unsigned int flags);
int vkRemoteDomainOpenChannel(virDomainPtr dom, const char *name, virStreamPtr st,
                              unsigned int flags);
int vkRemoteStorageVolUpload(virStorageVolPtr vol, virStreamPtr st, unsigned long long offset,
                             unsigned long long length, unsigned int flags);
int vkRemoteStorageVolDownload(virStorageVolPtr vol, virStreamPtr st,
                               unsigned long long offset, unsigned long long length,
                               unsigned int flags);
int vkRemoteDomainRename(virDomainPtr domain, const char *new_name, unsigned int flags);
int vkRemoteDomainOpenGraphicsFD(virDomainPtr dom, unsigned int idx, unsigned int flags);
int vkRemoteConnectListAllDomains(virConnectPtr conn, virDomainPtr **domains,
                                  unsigned int flags);
char *vkRemoteDomainScreenshot(virDomainPtr dom, virStreamPtr st, unsigned int screen,
                               unsigned int flags);
int vkRemoteDomainMigratePrepareTunnel3Params(virConnectPtr dconn, virStreamPtr st,
                                              virTypedParameterPtr params, int nparams,
                                              const char *cookiein, int cookieinlen,
                                              char **cookieout, int *cookieoutlen,
                                              unsigned int flags);

/* remote-fds.c: descriptors sent with the call */
virDomainPtr vkRemoteDomainCreateXMLWithFiles(virConnectPtr conn, const char *xml_desc,
                                              unsigned int nfiles, int *files,
                                              unsigned int flags);
int vkRemoteDomainCreateWithFiles(virDomainPtr domain, unsigned int nfiles, int *files,
                                  unsigned int flags);
int vkRemoteDomainFDAssociate(virDomainPtr domain, const char *name, unsigned int nfds,
                              int *fds, unsigned int flags);
int vkRemoteDomainOpenGraphics(virDomainPtr dom, unsigned int idx, int fd,
                               unsigned int flags);

/* remote-secret.c: a secret's value */
unsigned char *vkRemoteSecretGetValue(virSecretPtr secret, size_t *value_size,
                                      unsigned int flags);
int vkRemoteSecretSetValue(virSecretPtr secret, const unsigned char *value,
                           size_t value_size, unsigned int flags);

#endif
