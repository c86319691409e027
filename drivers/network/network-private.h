/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The network driver's internals: one vkNetState per root (the system
 * daemon's, or an embedded root's), holding the networks of that root.
 *
 * Files: network-driver.c (table, open, API calls), network-state.c
 * (configs, autostart marks and live records on disk), network-host.c
 * (bringing a network up and down on the host), network-dnsmasq.c and
 * network-nft.c (the two helpers' configuration and processes).
 */
#ifndef VK_DRIVERS_NETWORK_PRIVATE_H
#define VK_DRIVERS_NETWORK_PRIVATE_H

#include <stdbool.h>
#include <sys/types.h>
#include <glib.h>

#include "core/driver.h"
#include "core/domain-event.h"
#include "conf/network-conf.h"
#include "conf/netport-conf.h"

typedef struct {
    vkNetworkDef *def;            /* the live definition while active */
    vkNetworkDef *newDef;         /* next-start config of an active network */
    bool active;
    bool persistent;
    bool autostart;
    GPtrArray *ports;             /* vkNetworkPortDef *, while active */
} vkNetObj;

typedef struct {
    char *key;                    /* "system" or the embedded root */
    int refs;                     /* under statesLock */
    GMutex lock;                  /* guards nets; held across a start/stop */
    bool privileged;
    char *configDir;              /* <config root>/network */
    char *autostartDir;           /* configDir/autostart */
    char *runDir;                 /* <run root>/network */
    GPtrArray *nets;              /* vkNetObj *, definition order */
    vkEventState *events;
} vkNetState;

/* What a running network holds on the host, recorded in its live
 * status before any of it is made, so that a later daemon can undo
 * exactly that (or find it whole and reattach). */
typedef struct {
    char *bridge;                 /* the bridge the network uses */
    bool bridgeOwned;             /* created by us: deleted at stop */
    char *nftTable;               /* NULL: no rules */
    bool dnsmasq;                 /* a dnsmasq serves the network */
} vkNetResources;

void vkNetResourcesClear(vkNetResources *r);

/* ---- network-driver.c: lookups and the two transitions ---- */
vkNetObj *vkNetFindByName(vkNetState *st, const char *name);
vkNetObj *vkNetFindByUUID(vkNetState *st, const unsigned char *uuid);
vkNetState *vkNetConnState(virConnectPtr conn);
/* Locks the state of net's connection and finds its network; on failure
 * reports VIR_ERR_NO_NETWORK and returns NULL unlocked. */
vkNetObj *vkNetGet(virNetworkPtr net, vkNetState **stp);
virNetworkPtr vkNetHandle(virConnectPtr conn, vkNetObj *obj);
void vkNetEmit(vkNetState *st, vkNetObj *obj, int event);
/* network-calls.c: the leases of obj (only mac's when mac is set), as
 * virNetworkGetDHCPLeases gives them; under st->lock. */
int vkNetObjLeases(vkNetState *st, vkNetObj *obj, const char *mac,
                   virNetworkDHCPLeasePtr **leases);
/* Start an inactive network / stop an active one (a transient one is
 * then removed and freed); under st->lock. */
int vkNetObjStart(vkNetState *st, vkNetObj *obj);
int vkNetObjStop(vkNetState *st, vkNetObj *obj);

/* ---- network-state.c ---- */
/* Removes what crashed atomic writes left in the directories. */
void vkNetStateRemoveStale(vkNetState *st);
/* Loads persistent configs and autostart marks into st->nets. */
int vkNetStateLoadConfigs(vkNetState *st);
int vkNetStateSaveConfig(vkNetState *st, const vkNetworkDef *def);
int vkNetStateDeleteConfig(vkNetState *st, const char *name);
int vkNetStateSetAutostart(vkNetState *st, const char *name, bool on);
/* The live record: definition and resources, written before anything
 * is made on the host; removed once everything is gone. */
int vkNetStateSaveLive(vkNetState *st, const vkNetworkDef *def, const vkNetResources *res);
/* Reads the live record of name: 0 (def and res filled), 1 none, -1 error. */
int vkNetStateLoadLive(vkNetState *st, const char *name, vkNetworkDef **def,
                       vkNetResources *res);
void vkNetStateDeleteLive(vkNetState *st, const char *name);
/* Names with a live record. */
GPtrArray *vkNetStateListLive(vkNetState *st);
/* A file of the network's under the run directory ("NAME.SUFFIX"). */
char *vkNetStateRunFile(vkNetState *st, const char *name, const char *suffix);

/* ---- network-host.c ---- */
/* Runs a helper (nft, dnsmasq) to completion; unless quiet, a failure is
 * reported as "failed to <what>: <its stderr>". */
int vkNetRunTool(const char *const *argv, const char *what, bool quiet);
/* Brings def up; def may get its bridge name filled in.  Records
 * resources through vkNetStateSaveLive first. */
int vkNetHostStart(vkNetState *st, vkNetworkDef *def);
/* Tears down what the live record names; quiet about parts already gone. */
int vkNetHostStop(vkNetState *st, const char *name);
/* Is everything the record names still there (for a reattach)? */
bool vkNetHostIsWhole(vkNetState *st, const char *name, const vkNetResources *res);
/* Picks a free bridge name (virbrN) none of the taken ones uses. */
char *vkNetHostFreeBridge(GPtrArray *taken);
/* Does an address of the host's (any link) fall in net/prefix? */
bool vkNetHostSubnetTaken(const char *network, unsigned int prefix);

/* ---- network-dnsmasq.c ---- */
/* The dnsmasq configuration for s (pure; paths from the run directory). */
char *vkDnsmasqConfig(const vkNetworkSetup *s, const char *bridge, const char *runPrefix);
/* The static hosts file (dhcp-hostsfile) and the DNS hosts file. */
char *vkDnsmasqHostsFile(const vkNetworkSetup *s);
char *vkDnsmasqAddnHosts(const vkNetworkSetup *s);
int vkDnsmasqStart(vkNetState *st, const char *name);
/* The pid of the network's dnsmasq if it still runs, else 0. */
pid_t vkDnsmasqPid(vkNetState *st, const char *name);
int vkDnsmasqStop(vkNetState *st, const char *name);
/* Leases from a dnsmasq lease file's text (pure): only mac's when mac is
 * non-NULL; iface and the prefixes come from the network.  With out, a
 * NULL-terminated array.  Returns the count. */
int vkDnsmasqParseLeases(const char *text, const vkNetworkSetup *s, const char *iface,
                         const char *mac, virNetworkDHCPLeasePtr **out);

/* ---- network-port.c ---- */
/* Reads the ports a previous daemon recorded for the running obj. */
void vkNetPortsLoad(vkNetState *st, vkNetObj *obj);
/* Forgets every port of network name (obj may be NULL) and removes
 * their records; at the end of the network's run. */
void vkNetPortsClear(vkNetState *st, const char *name, vkNetObj *obj);
/* A port for a guest NIC (its plug allocated from obj's bridge); its
 * new UUID in uuid.  Under st->lock. */
int vkNetPortPlug(vkNetState *st, vkNetObj *obj, const char *ownerName,
                  const unsigned char *ownerUUID, const unsigned char *mac, unsigned char *uuid);
int vkNetPortUnplug(vkNetState *st, vkNetObj *obj, const unsigned char *uuid);

/* ---- network-nft.c ---- */
/* The nftables ruleset for s on bridge (pure); NULL when the forward
 * mode needs no rules (open, bridge). */
char *vkNftRuleset(const vkNetworkSetup *s, const char *bridge, const char *table);
char *vkNftTableName(const char *bridge);
int vkNftApply(vkNetState *st, const char *name, const char *ruleset);
int vkNftDelete(const char *table);
bool vkNftTableExists(const char *table);

#endif
