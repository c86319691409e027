/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The QEMU driver's snapshot members (qemu-snapshot.c: taking, reverting,
 * deleting; qemu-snapshot-query.c: the lookups and lists) and what the
 * rest of the driver asks of them.
 */
#ifndef VK_DRIVERS_QEMU_SNAPSHOT_H
#define VK_DRIVERS_QEMU_SNAPSHOT_H

#include "drivers/qemu/qemu-private.h"
#include "conf/snapshot-conf.h"
#include "conf/domain-conf-priv.h"

/* Where a domain's snapshot metadata lives (caller frees). */
char *vkQemuSnapshotDir(vkQemuState *st, const char *domName);
/* How many snapshots the domain has (-1 on error); called locked. */
int vkQemuSnapshotCount(vkQemuState *st, const char *domName);
/* Forgets every snapshot's metadata of the domain (undefine). */
int vkQemuSnapshotDropAll(vkQemuState *st, const char *domName);
/* Removes a metadata directory and the files in it. */
void vkQemuMetadataDirRemove(const char *dir);
/* The disk of dom (may be NULL) with target dev target, or NULL. */
vkDomainDiskDef *vkQemuDiskByTarget(vkDomainDef *dom, const char *target);

virDomainSnapshotPtr vkQemuDomainSnapshotCreateXML(virDomainPtr dom, const char *xml,
                                                   unsigned int flags);
int vkQemuDomainRevertToSnapshot(virDomainSnapshotPtr snapshot, unsigned int flags);
int vkQemuDomainSnapshotDelete(virDomainSnapshotPtr snapshot, unsigned int flags);

char *vkQemuDomainSnapshotGetXMLDesc(virDomainSnapshotPtr snapshot, unsigned int flags);
int vkQemuDomainSnapshotNum(virDomainPtr dom, unsigned int flags);
int vkQemuDomainSnapshotListNames(virDomainPtr dom, char **names, int nameslen,
                                  unsigned int flags);
int vkQemuDomainListAllSnapshots(virDomainPtr dom, virDomainSnapshotPtr **snaps,
                                 unsigned int flags);
int vkQemuDomainSnapshotNumChildren(virDomainSnapshotPtr snapshot, unsigned int flags);
int vkQemuDomainSnapshotListChildrenNames(virDomainSnapshotPtr snapshot, char **names,
                                          int nameslen, unsigned int flags);
int vkQemuDomainSnapshotListAllChildren(virDomainSnapshotPtr snapshot,
                                        virDomainSnapshotPtr **snaps, unsigned int flags);
virDomainSnapshotPtr vkQemuDomainSnapshotLookupByName(virDomainPtr dom, const char *name,
                                                      unsigned int flags);
int vkQemuDomainHasCurrentSnapshot(virDomainPtr dom, unsigned int flags);
virDomainSnapshotPtr vkQemuDomainSnapshotCurrent(virDomainPtr dom, unsigned int flags);
virDomainSnapshotPtr vkQemuDomainSnapshotGetParent(virDomainSnapshotPtr snapshot,
                                                   unsigned int flags);
int vkQemuDomainSnapshotIsCurrent(virDomainSnapshotPtr snapshot, unsigned int flags);
int vkQemuDomainSnapshotHasMetadata(virDomainSnapshotPtr snapshot, unsigned int flags);

/* qemu-snapshot-ext.c: external snapshots.  Whether def (aligned) is one
 * (an external disk or memory). */
int vkQemuSnapshotExtIs(const vkSnapshotDef *def);
/* Takes def's external disk snapshots (called locked, job held), moving
 * the domain's disks onto the overlays and saving its definitions. */
int vkQemuSnapshotExtCreate(virDomainPtr dom, vkQemuState *st, vkQemuDomain *obj,
                            vkSnapshotDef *def, unsigned int flags);
/* Merges def's overlays back into the images below them (inactive
 * domain, overlays still on top) and removes them. */
int vkQemuSnapshotExtDelete(vkQemuState *st, vkQemuDomain *obj, vkSnapshotDef *def,
                            bool hasChildren);

/* qemu-snapshot.c, for the query file: the list as the files say */
vkSnapshotList *vkQemuSnapshotLoad(vkQemuState *st, const char *domName);

#endif
