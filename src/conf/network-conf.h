/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Virtual network XML (libvirt's <network> format) <-> vkNetworkDef.
 *
 * Only what drivers reason about is interpreted: the name, the UUID, the
 * forward mode and the bridge.  Everything else (<ip>, <dns>, <mac>,
 * <domain>, <route>, ...) is kept as detached element trees and written
 * back in document order, so a definition survives a round trip without
 * virtkit having to model every addressing detail.
 */
#ifndef VK_CONF_NETWORK_CONF_H
#define VK_CONF_NETWORK_CONF_H

#include <stdbool.h>
#include <glib.h>

#include "virtkit/virtkit.h"

typedef struct _vkXmlElem vkXmlElem;

typedef struct {
    char *name;
    unsigned char uuid[VIR_UUID_BUFLEN];
    char *ipv6;                   /* root attributes, kept when present */
    char *trustGuestRxFilters;
    char *forwardMode;            /* NULL: an isolated network */
    vkXmlElem *forward;           /* the whole <forward>, or NULL */
    vkXmlElem *bridge;            /* <bridge>, or NULL */
    GPtrArray *extra;             /* vkXmlElem *, the other children */
} vkNetworkDef;

/* libvirt's 'default' network (192.168.122.0/24 NAT on virbr0 with DHCP),
 * without a UUID: each user gives it its own. */
extern const char vkNetworkDefaultXML[];

void vkNetworkDefFree(vkNetworkDef *def);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vkNetworkDef, vkNetworkDefFree)

/* Parses and checks a <network> document (VIR_FROM_NETWORK errors).  A
 * missing UUID is generated; NAT, routed, open and isolated networks get
 * libvirt's bridge defaults (stp='on' delay='0'). */
vkNetworkDef *vkNetworkDefParseString(const char *xml);
char *vkNetworkDefFormat(const vkNetworkDef *def, unsigned int flags);
vkNetworkDef *vkNetworkDefCopy(const vkNetworkDef *def);
/* The bridge device name, or NULL. */
const char *vkNetworkDefBridgeName(const vkNetworkDef *def);
/* Sets <bridge name=''> (adding <bridge> when missing). */
void vkNetworkDefSetBridgeName(vkNetworkDef *def, const char *name);
/* The first child element called name among the kept ones, or NULL. */
vkXmlElem *vkNetworkDefFindExtra(const vkNetworkDef *def, const char *name);
/* virNetworkUpdate's edit of one section of def (network-update.c): -1
 * with libvirt's error, def unchanged, when it cannot be done. */
int vkNetworkDefUpdate(vkNetworkDef *def, unsigned int command, unsigned int section,
                       int parentIndex, const char *xml);
/* virNetworkUpdate's flags resolved against a network's state (live and
 * persistent definitions): the updated copies to install, NULL where that
 * side is untouched; -1 with libvirt's error and nothing made. */
int vkNetworkUpdatePrepare(const vkNetworkDef *live, const vkNetworkDef *config, bool active,
                           bool persistent, unsigned int command, unsigned int section,
                           int parentIndex, const char *xml, unsigned int flags,
                           vkNetworkDef **newLive, vkNetworkDef **newConfig);

/* ---- what a driver builds a network from (network-setup.c) ---- */

typedef struct {
    char *mac;                    /* lower case, may be NULL (IPv6) */
    char *id;                     /* IPv6 client DUID, or NULL */
    char *name;
    char *ip;
} vkNetworkDHCPHost;

typedef struct {
    int family;                   /* AF_INET or AF_INET6 */
    char *address;                /* the host's address on the network */
    unsigned int prefix;
    char *network;                /* address & mask, e.g. 192.168.122.0 */
    GPtrArray *rangeStart;        /* char *, pairs with rangeEnd */
    GPtrArray *rangeEnd;
    GPtrArray *hosts;             /* vkNetworkDHCPHost * */
    bool dhcp;                    /* an <dhcp> element is present */
} vkNetworkIP;

typedef struct {
    char *ip;
    GPtrArray *names;             /* char * */
} vkNetworkDNSHost;

typedef struct {
    char *service, *protocol, *domain, *target;
    unsigned int port, priority, weight;
} vkNetworkDNSSrv;

typedef struct {
    char *name, *value;
} vkNetworkDNSTxt;

typedef struct {
    char *addr, *domain;          /* either may be NULL */
} vkNetworkDNSForwarder;

/* The interpreted view of a definition: everything the driver turns
 * into links, addresses, dnsmasq and firewall rules, checked once. */
typedef struct {
    char *name;
    char *forwardMode;            /* NULL: isolated */
    char *forwardDev;             /* <forward dev=''> or NULL */
    GPtrArray *forwardIfaces;     /* <forward><interface dev=''/>: char * */
    char *bridge;                 /* NULL when the driver must pick one */
    char *mac;                    /* <mac address=''> or NULL */
    unsigned int mtu;             /* 0: the kernel's default */
    bool stp;
    unsigned int delay;           /* seconds */
    char *domain;
    bool domainLocalOnly;
    bool dnsEnabled;
    bool dnsForwardPlainNames;
    GPtrArray *ips;               /* vkNetworkIP * */
    GPtrArray *dnsHosts;          /* vkNetworkDNSHost * */
    GPtrArray *dnsSrvs;           /* vkNetworkDNSSrv * */
    GPtrArray *dnsTxts;           /* vkNetworkDNSTxt * */
    GPtrArray *dnsForwarders;     /* vkNetworkDNSForwarder * */
} vkNetworkSetup;

void vkNetworkSetupFree(vkNetworkSetup *s);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vkNetworkSetup, vkNetworkSetupFree)
/* Interprets and checks def (VIR_FROM_NETWORK errors naming the network). */
vkNetworkSetup *vkNetworkSetupFromDef(const vkNetworkDef *def);
/* The first IPv4 address block, or NULL. */
const vkNetworkIP *vkNetworkSetupIPv4(const vkNetworkSetup *s);
/* Does any <ip> need dnsmasq (DHCP), or DNS is on with an address? */
bool vkNetworkSetupNeedsDnsmasq(const vkNetworkSetup *s);

#endif
