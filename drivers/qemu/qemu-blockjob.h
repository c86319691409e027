/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Block jobs of a running QEMU guest (pull, commit, copy) and block
 * resize: the API members, and what the two files that implement them
 * share.  qemu-blockjob.c starts jobs; qemu-blockjob-end.c follows them
 * to their end (QMP events, abort/pivot, info, speed).
 */
#ifndef VK_QEMU_BLOCKJOB_H
#define VK_QEMU_BLOCKJOB_H

#include "drivers/qemu/qemu-private.h"
#include "conf/domain-conf-priv.h"

/* One job this run started, in run->blockJobs under its QEMU job id. */
typedef struct {
    char *id;            /* QEMU's job id: copy-vda-libvirt-1-format */
    char *dst;           /* the disk's target: vda */
    int type;            /* virDomainBlockJobType */
    bool ready;          /* BLOCK_JOB_READY seen (mirror, active commit) */
    bool cancelling;     /* our abort without pivot: the end is a cancel */
    int end;             /* -1 while running, else virConnectDomainEventBlockJobStatus */
    bool applied;        /* the end was turned into the live XML and events */
    GPtrArray *oldNodes; /* format nodes of the chain when the job began */
    char *targetNode;    /* copy: the target's format node, NULL otherwise */
} vkQemuBlockJob;

void vkQemuBlockJobFree(vkQemuBlockJob *job);

/* qemu-blockjob.c */
int vkQemuDomainBlockPull(virDomainPtr dom, const char *path, unsigned long bandwidth,
                          unsigned int flags);
int vkQemuDomainBlockRebase(virDomainPtr dom, const char *path, const char *base,
                            unsigned long bandwidth, unsigned int flags);
int vkQemuDomainBlockCommit(virDomainPtr dom, const char *path, const char *base,
                            const char *top, unsigned long bandwidth, unsigned int flags);
int vkQemuDomainBlockCopy(virDomainPtr dom, const char *path, const char *destxml,
                          virTypedParameterPtr params, int nparams, unsigned int flags);
int vkQemuDomainBlockResize(virDomainPtr dom, const char *path, unsigned long long size,
                            unsigned int flags);

/* Merges the image topFile of disk d's chain into the one below it and
 * waits for the end (locked, domain job held): the job is pivoted once
 * ready when topFile is the disk's top image (active commit).  The live
 * XML and nodes follow as for any job's end.  0 once completed. */
int vkQemuBlockCommitDown(vkQemuState *st, vkQemuDomain *obj, vkDomainDiskDef *d,
                          const char *topFile);

/* qemu-blockjob-chain.c */
/* The disk of obj's live definition a path names (target or source), or
 * NULL with libvirt's error. */
vkDomainDiskDef *vkQemuBlockFindDisk(vkQemuDomain *obj, const char *path);

/* One image of a disk's chain as QEMU has it open, top first. */
typedef struct {
    char *node;          /* its format node */
    char *file;          /* its file name */
    char *format;        /* qcow2, raw, ... */
    unsigned long long size;  /* its virtual size */
} vkQemuImage;

/* The chain of disk d (vkQemuImage *, top first), from query-block and
 * query-named-block-nodes; NULL with an error.  Called locked with the
 * job, as every monitor command. */
GPtrArray *vkQemuBlockChain(vkQemuState *st, vkQemuDomain *obj, const vkDomainDiskDef *d);
/* The entry of query-block's answer for the disk device alias, or NULL. */
const vkJSON *vkQemuBlockEntry(const vkJSON *queryBlock, const char *alias);
/* 1 + the highest N of QEMU's libvirt-N-* block nodes (the next free
 * node-name index), 0 with an error.  Called locked with the job. */
unsigned int vkQemuBlockNextNodeIndex(vkQemuState *st, vkQemuDomain *obj);

/* Shows (img) or drops (NULL) disk d's <mirror>, the target of a copy or
 * active commit in progress, as libvirt's live XML has it; job is
 * "copy" or "active-commit", ready NULL or "yes". */
void vkQemuBlockSetMirror(vkDomainDiskDef *d, const vkQemuImage *img, const char *job,
                          const char *ready);

/* Rewrites disk d's source, format and <backingStore> chain from chain. */
void vkQemuBlockSetChain(vkDomainDiskDef *d, const GPtrArray *chain);

/* qemu-blockjob.c: Bandwidth argument of an API (MiB/s unless bytes) in bytes/s, or -1
 * with libvirt's error when it overflows. */
long long vkQemuBlockBandwidth(unsigned long bandwidth, bool bytes);

/* blockdev-del of a libvirt-N-format node, then of its libvirt-N-storage
 * node, errors ignored (a node still in use stays). */
void vkQemuBlockDeleteNode(vkQemuState *st, vkQemuDomain *obj, const char *node);

/* qemu-blockjob-end.c */
int vkQemuDomainBlockJobAbort(virDomainPtr dom, const char *path, unsigned int flags);
int vkQemuDomainGetBlockJobInfo(virDomainPtr dom, const char *path,
                                virDomainBlockJobInfoPtr info, unsigned int flags);
int vkQemuDomainBlockJobSetSpeed(virDomainPtr dom, const char *path,
                                 unsigned long bandwidth, unsigned int flags);

/* Waits (locked, domain job held) for block job id to end, completing it
 * with job-complete once ready when pivot, and applies its end; 0 when
 * it completed, -1 with an error when it failed, was cancelled or the
 * run ended. */
int vkQemuBlockJobFinish(vkQemuState *st, vkQemuDomain *obj, const char *id, bool pivot);
/* The job of disk dst in obj's run, NULL when it has none. */
vkQemuBlockJob *vkQemuBlockJobOfDisk(vkQemuDomain *obj, const char *dst);
/* Records job as running in obj's run (takes it), before QEMU is asked
 * to start it: its end may come before the reply.  -1 (job freed) when
 * the run is gone. */
int vkQemuBlockJobAdd(vkQemuDomain *obj, vkQemuBlockJob *job);
void vkQemuBlockJobRemove(vkQemuDomain *obj, const char *id);

/* A BLOCK_JOB_* QMP event of obj's current run (called locked from the
 * monitor's event thread). */
void vkQemuBlockJobEvent(vkQemuState *st, vkQemuDomain *obj, const char *name,
                         vkJSON *data);

#endif
