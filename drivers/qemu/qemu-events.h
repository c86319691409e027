/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * QMP events -> libvirt's domain events, and the JOB_COMPLETED event of
 * the driver's own jobs (qemu-events.c).
 */
#ifndef VK_QEMU_EVENTS_H
#define VK_QEMU_EVENTS_H

#include "drivers/qemu/qemu-private.h"

/* One QMP event as the domain event it maps to: str borrows from the QMP
 * data, the rest depends on the ID (see vkQemuEventForward). */
typedef struct {
    int eventID;
    const char *str;
    long long num;
    long long num2;
    unsigned int flags;
} vkQemuEvent;

/* Maps QMP event name with data (may be NULL); false when it has no
 * domain event here or its data lacks what the event needs. */
bool vkQemuEventMap(const char *name, const vkJSON *data, vkQemuEvent *out);
/* Queues what name maps to for obj (locked); false if nothing. */
bool vkQemuEventForward(vkQemuState *st, vkQemuDomain *obj, const char *name,
                        const vkJSON *data);
/* query-migrate's reply as JOB_COMPLETED's typed parameters for a job of
 * operation (a virDomainJobOperation); -1 with an error set. */
int vkQemuJobCompletedParams(const vkJSON *migrate, int operation,
                             virTypedParameterPtr *params, int *nparams);
/* Queues JOB_COMPLETED for obj (locked, job held, QEMU still running)
 * with the figures of the migration QEMU just finished. */
void vkQemuEmitJobCompleted(vkQemuState *st, vkQemuDomain *obj, int operation);

/* A disk source missing at start that its startupPolicy lets be missing:
 * a cdrom or floppy then starts empty, a disk is left out, and libvirt
 * says so with DISK_CHANGE. */
typedef struct {
    char *dst;
    char *src;
    char *alias;
    int reason;         /* virConnectDomainEventDiskChangeReason */
} vkQemuMissingSource;

/* Drops those sources (and disks) from def, the copy a start builds
 * QEMU's command line from; returns what went (vkQemuMissingSource *),
 * last disk first as libvirt reports them. */
GPtrArray *vkQemuDropMissingSources(vkDomainDef *def);
/* Once the start succeeded: the same drops in obj's live definition, and
 * a DISK_CHANGE for each (locked). */
void vkQemuApplyMissingSources(vkQemuState *st, vkQemuDomain *obj, GPtrArray *dropped);

#endif
