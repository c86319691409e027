/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The domains of a stateful driver on the frame: the table members that
 * need nothing but the driver's domain list (lookups, listing, state,
 * XML) and the persistent-definition path (load at start, define,
 * undefine, autostart links), shared by QEMU and LXC.
 *
 * The idea: a driver that keeps domain objects points st->domainList at
 * its vkDomainList and fills a vkStateDomainOps with what differs between
 * drivers (how a definition is parsed and completed, the managed save
 * image); its table then names these functions directly.
 */
#ifndef VK_CORE_STATE_DOMAINS_H
#define VK_CORE_STATE_DOMAINS_H

#include "core/state-root.h"
#include "core/domain-list.h"

struct _vkStateDomainOps {
    const char *virtTypes;        /* a stored config's accepted types: "kvm,qemu" */
    /* define: parses and completes a definition with the driver's
     * defaults and checks; called locked; NULL with the error set. */
    vkDomainDef *(*parse)(vkStateBase *st, const char *xml);
    /* Optional, called locked with st as opaque: whether obj has a
     * managed save image (ListAllDomains' filter). */
    vkDomainListManagedSaveFunc hasManagedSave;
    /* Optional, the same for "has a snapshot". */
    vkDomainListManagedSaveFunc hasSnapshot;
    /* Optional, undefine's driver part before the config goes (the
     * managed save image); called locked; -1 with the error set. */
    int (*undefine)(vkStateBase *st, void *obj, unsigned int flags);
};

/* Sets up st's domain list (guarded by st->lock) and loads every stored
 * config with its autostart link; for a class's init hook. */
void vkStateDomainsInit(vkStateBase *st, vkDomainList *list, const vkDomainObjOps *ops,
                        const vkStateDomainOps *dops);

/* Writes def as CONFIGDIR/<name>.xml, atomically. */
int vkStateDomainSaveConfig(vkStateBase *st, const vkDomainDef *def);
/* true when the domain (of this id) runs, else false with
 * VIR_ERR_OPERATION_INVALID in errdom. */
bool vkStateDomainCheckActive(int errdom, const char *name, int id);

/* Queues a lifecycle event about obj for every connection to st. */
void vkStateDomainEmit(vkStateBase *st, const void *obj, int event, int detail);

/* Table members. */
int vkStateConnectListAllDomains(virConnectPtr conn, virDomainPtr **domains,
                                 unsigned int flags);
int vkStateConnectListDomains(virConnectPtr conn, int *ids, int maxids);
int vkStateConnectNumOfDomains(virConnectPtr conn);
int vkStateConnectListDefinedDomains(virConnectPtr conn, char **const names, int maxnames);
int vkStateConnectNumOfDefinedDomains(virConnectPtr conn);
virDomainPtr vkStateDomainLookupByID(virConnectPtr conn, int id);
virDomainPtr vkStateDomainLookupByUUID(virConnectPtr conn, const unsigned char *uuid);
virDomainPtr vkStateDomainLookupByName(virConnectPtr conn, const char *name);
int vkStateDomainGetState(virDomainPtr dom, int *state, int *reason, unsigned int flags);
char *vkStateDomainGetXMLDesc(virDomainPtr dom, unsigned int flags);
char *vkStateDomainGetOSType(virDomainPtr dom);
unsigned long vkStateDomainGetMaxMemory(virDomainPtr dom);
int vkStateDomainIsActive(virDomainPtr dom);
int vkStateDomainIsPersistent(virDomainPtr dom);
virDomainPtr vkStateDomainDefineXMLFlags(virConnectPtr conn, const char *xml,
                                         unsigned int flags);
virDomainPtr vkStateDomainDefineXML(virConnectPtr conn, const char *xml);
int vkStateDomainUndefineFlags(virDomainPtr dom, unsigned int flags);
int vkStateDomainUndefine(virDomainPtr dom);
int vkStateDomainSetAutostart(virDomainPtr dom, int autostart);
int vkStateDomainGetAutostart(virDomainPtr dom, int *autostart);

#endif
