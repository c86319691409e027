/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The network driver's table members (network-calls.c). */
#ifndef VK_DRIVERS_NETWORK_CALLS_H
#define VK_DRIVERS_NETWORK_CALLS_H

#include "core/driver.h"

int vkNetCallNumOfNetworks(virConnectPtr conn);
int vkNetCallListNetworks(virConnectPtr conn, char **const names, int maxnames);
int vkNetCallNumOfDefinedNetworks(virConnectPtr conn);
int vkNetCallListDefinedNetworks(virConnectPtr conn, char **const names, int maxnames);
int vkNetCallListAllNetworks(virConnectPtr conn, virNetworkPtr **nets, unsigned int flags);
virNetworkPtr vkNetCallLookupByName(virConnectPtr conn, const char *name);
virNetworkPtr vkNetCallLookupByUUID(virConnectPtr conn, const unsigned char *uuid);
virNetworkPtr vkNetCallDefineXMLFlags(virConnectPtr conn, const char *xml, unsigned int flags);
virNetworkPtr vkNetCallDefineXML(virConnectPtr conn, const char *xml);
virNetworkPtr vkNetCallCreateXMLFlags(virConnectPtr conn, const char *xml, unsigned int flags);
virNetworkPtr vkNetCallCreateXML(virConnectPtr conn, const char *xml);
int vkNetCallUndefine(virNetworkPtr net);
int vkNetCallCreate(virNetworkPtr net);
int vkNetCallDestroy(virNetworkPtr net);
char *vkNetCallGetXMLDesc(virNetworkPtr net, unsigned int flags);
/* network-update.c */
int vkNetCallUpdate(virNetworkPtr net, unsigned int command, unsigned int section,
                    int parentIndex, const char *xml, unsigned int flags);
char *vkNetCallGetBridgeName(virNetworkPtr net);
int vkNetCallGetAutostart(virNetworkPtr net, int *autostart);
int vkNetCallSetAutostart(virNetworkPtr net, int autostart);
int vkNetCallIsActive(virNetworkPtr net);
int vkNetCallIsPersistent(virNetworkPtr net);
int vkNetCallGetDHCPLeases(virNetworkPtr net, const char *mac,
                           virNetworkDHCPLeasePtr **leases, unsigned int flags);
/* network-port.c */
int vkNetCallListAllPorts(virNetworkPtr net, virNetworkPortPtr **ports, unsigned int flags);
virNetworkPortPtr vkNetCallPortLookupByUUID(virNetworkPtr net, const unsigned char *uuid);
virNetworkPortPtr vkNetCallPortCreateXML(virNetworkPtr net, const char *xml, unsigned int flags);
char *vkNetCallPortGetXMLDesc(virNetworkPortPtr port, unsigned int flags);
int vkNetCallPortDelete(virNetworkPortPtr port, unsigned int flags);
int vkNetCallEventRegisterAny(virConnectPtr conn, virNetworkPtr net, int eventID,
                              virConnectNetworkEventGenericCallback cb, void *opaque,
                              virFreeCallback freecb);
int vkNetCallEventDeregisterAny(virConnectPtr conn, int callbackID);

#endif
