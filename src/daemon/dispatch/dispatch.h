/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The remote procedures that gen-remote.py cannot derive from a public
 * function: the connection handshake, authentication, close callbacks and
 * event (de)registration.  The generated table (remote-dispatch.c) points
 * at these; each has the vkServerDispatchFunc signature.
 */
#ifndef VK_DAEMON_DISPATCH_H
#define VK_DAEMON_DISPATCH_H

#include "rpc-interfaces.h"

/* side-programs.c: the QEMU and LXC programs beside the remote one. */
bool vkDispatchProgramKnown(unsigned int prog, unsigned int vers);
/* The procedure of any known program (the remote one's from the
 * generated table), or NULL. */
const vkServerProc *vkDispatchProcLookup(unsigned int prog, int proc);

int vkDispatchConnectOpen(vkServerClient *client, void *args, void *ret);
int vkDispatchConnectClose(vkServerClient *client, void *args, void *ret);
int vkDispatchConnectSupportsFeature(vkServerClient *client, void *args, void *ret);
int vkDispatchAuthList(vkServerClient *client, void *args, void *ret);
int vkDispatchConnectGetURI(vkServerClient *client, void *args, void *ret);
int vkDispatchConnectRegisterCloseCallback(vkServerClient *client, void *args, void *ret);
int vkDispatchConnectUnregisterCloseCallback(vkServerClient *client, void *args, void *ret);

int vkDispatchDomainEventRegisterAny(vkServerClient *client, void *args, void *ret);
int vkDispatchDomainEventDeregisterAny(vkServerClient *client, void *args, void *ret);
/* libvirt-qemu's monitor events (events-qemu.c, on the QEMU program) */
int vkDispatchQemuMonitorEventRegister(vkServerClient *client, void *args, void *ret);
int vkDispatchQemuMonitorEventDeregister(vkServerClient *client, void *args, void *ret);
int vkDispatchNetworkEventRegisterAny(vkServerClient *client, void *args, void *ret);
int vkDispatchNetworkEventDeregisterAny(vkServerClient *client, void *args, void *ret);
int vkDispatchStoragePoolEventRegisterAny(vkServerClient *client, void *args, void *ret);
int vkDispatchStoragePoolEventDeregisterAny(vkServerClient *client, void *args, void *ret);
int vkDispatchNodeDeviceEventRegisterAny(vkServerClient *client, void *args, void *ret);
int vkDispatchNodeDeviceEventDeregisterAny(vkServerClient *client, void *args, void *ret);

int vkDispatchDomainCreateWithFlags(vkServerClient *client, void *args, void *ret);
/* The descriptor goes back beside the reply (client->replyFd). */
int vkDispatchDomainOpenGraphicsFD(vkServerClient *client, void *args, void *ret);

/* Caller-sized array replies (info.c). */
int vkDispatchDomainGetVcpus(vkServerClient *client, void *args, void *ret);
int vkDispatchDomainGetSchedulerParameters(vkServerClient *client, void *args, void *ret);
int vkDispatchDomainGetSchedulerParametersFlags(vkServerClient *client, void *args, void *ret);
int vkDispatchNodeGetCellsFreeMemory(vkServerClient *client, void *args, void *ret);
int vkDispatchDomainMemoryStats(vkServerClient *client, void *args, void *ret);
int vkDispatchDomainGetDiskErrors(vkServerClient *client, void *args, void *ret);
int vkDispatchDomainGetVcpuPinInfo(vkServerClient *client, void *args, void *ret);
int vkDispatchDomainGetEmulatorPinInfo(vkServerClient *client, void *args, void *ret);
int vkDispatchNodeGetCPUMap(vkServerClient *client, void *args, void *ret);
int vkDispatchDomainGetIOThreadInfo(vkServerClient *client, void *args, void *ret);
int vkDispatchNodeGetCPUStats(vkServerClient *client, void *args, void *ret);
int vkDispatchNodeGetMemoryStats(vkServerClient *client, void *args, void *ret);
int vkDispatchDomainSendKey(vkServerClient *client, void *args, void *ret);
int vkDispatchDomainGetCPUStats(vkServerClient *client, void *args, void *ret);
int vkDispatchNodeGetFreePages(vkServerClient *client, void *args, void *ret);
int vkDispatchNodeAllocPages(vkServerClient *client, void *args, void *ret);
int vkDispatchNetworkGetDHCPLeases(vkServerClient *client, void *args, void *ret);
int vkDispatchDomainBlockPeek(vkServerClient *client, void *args, void *ret);
int vkDispatchDomainMemoryPeek(vkServerClient *client, void *args, void *ret);
int vkDispatchDomainGetSecurityLabelList(vkServerClient *client, void *args, void *ret);
/* Interfaces and their addresses (ifaddr.c). */
int vkDispatchDomainInterfaceAddresses(vkServerClient *client, void *args, void *ret);
int vkDispatchDomainGetFSInfo(vkServerClient *client, void *args, void *ret);
/* Domain stats records (domstats.c). */
int vkDispatchConnectGetAllDomainStats(vkServerClient *client, void *args, void *ret);

/* Calls that open a stream (stream.c). */
int vkDispatchDomainOpenConsole(vkServerClient *client, void *args, void *ret);
int vkDispatchDomainOpenChannel(vkServerClient *client, void *args, void *ret);
int vkDispatchStorageVolUpload(vkServerClient *client, void *args, void *ret);
int vkDispatchStorageVolDownload(vkServerClient *client, void *args, void *ret);
int vkDispatchDomainScreenshot(vkServerClient *client, void *args, void *ret);
/* Opens a nonblocking stream on the client's connection, lets open(client,
 * args, st, &obj) attach it to something, then hands it to the daemon's
 * relay; obj (if set) is freed with objFree.  0, or -1 with the error set. */
typedef int (*vkDispatchStreamOpenFn)(vkServerClient *client, void *args, virStreamPtr st,
                                      void **obj);
int vkDispatchRelayStream(vkServerClient *client, void *args, vkDispatchStreamOpenFn open,
                          void (*objFree)(void *obj));

/* Migration v3 steps (migrate.c). */
int vkDispatchDomainMigrateBegin3Params(vkServerClient *client, void *args, void *ret);
int vkDispatchDomainMigratePrepare3Params(vkServerClient *client, void *args, void *ret);
int vkDispatchDomainMigratePrepareTunnel3Params(vkServerClient *client, void *args, void *ret);
int vkDispatchDomainMigratePerform3Params(vkServerClient *client, void *args, void *ret);
int vkDispatchDomainMigrateFinish3Params(vkServerClient *client, void *args, void *ret);
int vkDispatchDomainMigrateConfirm3Params(vkServerClient *client, void *args, void *ret);

/* events.c: the old domain registrations, by event ID (no callback ID). */
int vkDispatchDomainEventRegisterOld(vkServerClient *client, int eventID);
int vkDispatchDomainEventDeregisterOld(vkServerClient *client, int eventID);

/* legacy.c: older procedures, answered as libvirtd 9.0 answers them. */
int vkDispatchDomainMigratePrepare(vkServerClient *client, void *args, void *ret);
int vkDispatchDomainMigratePerform(vkServerClient *client, void *args, void *ret);
int vkDispatchDomainMigrateFinish(vkServerClient *client, void *args, void *ret);
int vkDispatchDomainMigratePrepare2(vkServerClient *client, void *args, void *ret);
int vkDispatchDomainMigrateFinish2(vkServerClient *client, void *args, void *ret);
int vkDispatchDomainMigratePrepareTunnel(vkServerClient *client, void *args, void *ret);
int vkDispatchDomainMigrateBegin3(vkServerClient *client, void *args, void *ret);
int vkDispatchDomainMigratePrepare3(vkServerClient *client, void *args, void *ret);
int vkDispatchDomainMigratePrepareTunnel3(vkServerClient *client, void *args, void *ret);
int vkDispatchDomainMigratePerform3(vkServerClient *client, void *args, void *ret);
int vkDispatchDomainMigrateFinish3(vkServerClient *client, void *args, void *ret);
int vkDispatchDomainMigrateConfirm3(vkServerClient *client, void *args, void *ret);
int vkDispatchAuthSasl(vkServerClient *client, void *args, void *ret);
int vkDispatchAuthPolkit(vkServerClient *client, void *args, void *ret);
int vkDispatchDomainEventRegister(vkServerClient *client, void *args, void *ret);
int vkDispatchDomainEventDeregister(vkServerClient *client, void *args, void *ret);
int vkDispatchDomainEventRegisterAnyOld(vkServerClient *client, void *args, void *ret);
int vkDispatchDomainEventDeregisterAnyOld(vkServerClient *client, void *args, void *ret);
int vkDispatchDomainOpenGraphics(vkServerClient *client, void *args, void *ret);
int vkDispatchDomainCreateXMLWithFiles(vkServerClient *client, void *args, void *ret);
int vkDispatchDomainCreateWithFiles(vkServerClient *client, void *args, void *ret);
int vkDispatchDomainFDAssociate(vkServerClient *client, void *args, void *ret);

/* Drops every event registration the client made (events.c). */
void vkDispatchEventsDropAll(vkServerClient *client);

/* secret.c: a secret's value */
int vkDispatchSecretGetValue(vkServerClient *client, void *args, void *ret);
int vkDispatchSecretSetValue(vkServerClient *client, void *args, void *ret);
/* events.c: secret events */
int vkDispatchSecretEventRegisterAny(vkServerClient *client, void *args, void *ret);
int vkDispatchSecretEventDeregisterAny(vkServerClient *client, void *args, void *ret);

#endif
