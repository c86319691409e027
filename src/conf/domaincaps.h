/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Domain capabilities (virConnectGetDomainCapabilities): what one emulator
 * of one driver can put in a domain, for one architecture and machine.
 *
 * Nearly every part of libvirt's <domainCapabilities> document is the same
 * shape: an element with supported='yes|no' and a list of
 * <enum name=''><value>..</value></enum>.  So the struct is that shape
 * (vkDomCapsBlock) used for <os>, <memoryBacking>, each device and each
 * feature, plus the few fixed parts (path, domain, machine, arch, vcpu
 * limit, CPU modes).  The output validates against domaincaps.rng.
 */
#ifndef VK_CONF_DOMAINCAPS_H
#define VK_CONF_DOMAINCAPS_H

#include <stdbool.h>
#include <glib.h>

typedef struct {
    char *name;                /* "diskDevice", "modelType" */
    GPtrArray *values;         /* char* */
} vkDomCapsEnum;

typedef struct _vkDomCapsBlock {
    char *name;                /* element name: "disk", "graphics", "vmcoreinfo" */
    bool supported;
    GPtrArray *values;         /* char*: bare <value>s before the enums
                                * (<loader>'s paths); NULL: none */
    GPtrArray *enums;          /* vkDomCapsEnum* */
    struct _vkDomCapsBlock *child;  /* one nested block after the enums
                                     * (<os><loader>); NULL: none */
} vkDomCapsBlock;

typedef struct {
    char *name;
    int usable;                /* 1 yes, 0 no, -1 unknown */
    bool deprecated;
    char *vendor;              /* NULL: "unknown" */
} vkDomCapsCPUModel;

typedef struct {
    char *path;                /* the emulator, absolute */
    char *domain;              /* domain type: "test", "kvm", "qemu" */
    char *machine;             /* NULL: no <machine> */
    char *arch;
    unsigned int maxVcpus;     /* 0: no <vcpu> */
    int iothreads;             /* -1: no <iothreads>; 0/1 supported */
    vkDomCapsBlock *os;        /* NULL: no <os> */
    bool hasCPU;               /* writes <cpu> with the four modes */
    bool cpuHostPassthrough;
    bool cpuMaximum;
    bool cpuHostModel;
    GPtrArray *cpuModels;      /* vkDomCapsCPUModel*: the custom mode's models */
    vkDomCapsBlock *memoryBacking;
    /* Written in array order, which must be the schema's: disk, graphics,
     * video, hostdev, rng, filesystem, tpm, redirdev, channel; features:
     * gic, vmcoreinfo, genid, backingStoreInput, backup, s390-pv, sev,
     * sgx, hyperv. */
    GPtrArray *devices;        /* vkDomCapsBlock* */
    GPtrArray *features;       /* vkDomCapsBlock* */
} vkDomainCaps;

vkDomainCaps *vkDomainCapsNew(const char *path, const char *domain,
                              const char *machine, const char *arch);
void vkDomainCapsFree(vkDomainCaps *caps);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vkDomainCaps, vkDomainCapsFree)

/* A block not attached to the document (for os and memoryBacking). */
vkDomCapsBlock *vkDomCapsBlockNew(const char *name, bool supported);
vkDomCapsBlock *vkDomainCapsAddDevice(vkDomainCaps *caps, const char *name,
                                      bool supported);
vkDomCapsBlock *vkDomainCapsAddFeature(vkDomainCaps *caps, const char *name,
                                       bool supported);
void vkDomainCapsAddCPUModel(vkDomainCaps *caps, const char *name, int usable,
                             bool deprecated, const char *vendor);
/* Adds <enum name='name'> with the values that follow, NULL-terminated. */
void vkDomCapsBlockAddEnum(vkDomCapsBlock *block, const char *name, ...)
    G_GNUC_NULL_TERMINATED;

char *vkDomainCapsFormat(const vkDomainCaps *caps);

#endif
