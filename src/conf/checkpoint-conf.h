/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * <domaincheckpoint> XML <-> vkCheckpointDef.  A checkpoint is a point in
 * time from which each disk's changes are recorded (a dirty bitmap per
 * disk in QEMU's terms): name, description, parent, creation time, the
 * bitmap of each disk, and the domain as it was.
 */
#ifndef VK_CONF_CHECKPOINT_CONF_H
#define VK_CONF_CHECKPOINT_CONF_H

#include <stdbool.h>
#include <glib.h>

#include "conf/domain-conf.h"

typedef struct {
    char *name;          /* the domain disk's target (vda) */
    char *checkpoint;    /* "bitmap" or "no" */
    char *bitmap;        /* the bitmap's name (the checkpoint's by default) */
} vkCheckpointDiskDef;

typedef struct {
    char *name;
    char *description;
    char *parent;
    long long creationTime;
    GPtrArray *disks;    /* vkCheckpointDiskDef* */
    vkDomainDef *dom;
} vkCheckpointDef;

/* Parses <domaincheckpoint>; redefine accepts parent, creation time and
 * domain (ignored otherwise, as libvirt does). */
vkCheckpointDef *vkCheckpointDefParseString(const char *xml, const char *virtType,
                                            bool redefine);
/* secure: the domain with its secrets; noDomain: without <domain>. */
char *vkCheckpointDefFormat(const vkCheckpointDef *def, bool secure, bool noDomain);
void vkCheckpointDefFree(vkCheckpointDef *def);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vkCheckpointDef, vkCheckpointDefFree)

/* One entry per disk of def->dom, in the domain's order, as libvirt
 * aligns them: a bitmap named after the checkpoint unless the disk is
 * a CD-ROM, a floppy or empty.  A <disk> naming no disk of the domain is
 * VIR_ERR_CONFIG_UNSUPPORTED. */
int vkCheckpointDefAlignDisks(vkCheckpointDef *def);

/* The checkpoints of defs (vkCheckpointDef *, a domain's, in creation
 * order) that virDomainListAllCheckpoints (from NULL) or
 * virDomainCheckpointListAllChildren (from a name) lists for the
 * VIR_DOMAIN_CHECKPOINT_LIST_* flags, parents before their children; the
 * array does not own them. */
GPtrArray *vkCheckpointListSelect(GPtrArray *defs, const char *from, unsigned int flags);

#endif
