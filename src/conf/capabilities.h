/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Host and guest capabilities (virConnectGetCapabilities).
 *
 * A driver fills a vkCaps once (host CPU, NUMA cells, one vkCapsGuest per
 * os type and architecture it can run, with the domain types, machines
 * and features of each) and formats it on request.  The output follows
 * libvirt's <capabilities> layout and validates against capability.rng.
 */
#ifndef VK_CONF_CAPABILITIES_H
#define VK_CONF_CAPABILITIES_H

#include <stdbool.h>
#include <glib.h>

#include "virtkit/virtkit.h"

typedef struct {
    char *name;                /* "pc-i440fx-7.2" */
    char *canonical;           /* set on aliases: "pc" -> canonical name */
    unsigned int maxCpus;      /* 0: not given */
    bool deprecated;           /* written as deprecated='yes' */
} vkCapsMachine;

typedef struct {
    char *type;                /* "test", "qemu", "kvm", "lxc", ... */
    char *emulator;            /* when it differs from the guest's */
} vkCapsDomain;

typedef struct {
    char *name;                /* "pae", "acpi", ... */
    bool toggle;               /* written as default='on|off' toggle='yes|no' */
    bool canToggle;
    bool defaultOn;
} vkCapsFeature;

typedef struct {
    char *osType;              /* "hvm", "xen", "exe" */
    char *arch;                /* "x86_64" */
    int wordsize;              /* 32 / 64 */
    char *emulator;            /* absolute path, may be NULL */
    char *loader;
    GPtrArray *machines;       /* vkCapsMachine* */
    GPtrArray *domains;        /* vkCapsDomain* */
    GPtrArray *features;       /* vkCapsFeature* */
} vkCapsGuest;

typedef struct {
    unsigned int id;
    int socket, die, core;     /* -1: not known (no topology attributes) */
    char *siblings;            /* "0,4" */
} vkCapsCPU;

typedef struct {
    unsigned int size;         /* KiB */
    unsigned long long count;  /* pages of that size in the cell */
} vkCapsPages;

typedef struct {
    unsigned int id;
    unsigned long long memory; /* KiB, 0: not given */
    GArray *pages;             /* vkCapsPages */
    GPtrArray *cpus;           /* vkCapsCPU* */
} vkCapsCell;

typedef struct {
    bool hasUUID;
    unsigned char uuid[VIR_UUID_BUFLEN];
    char *arch;                /* host architecture, never NULL */
    char *cpuModel;
    char *cpuVendor;
    unsigned int sockets, dies, cores, threads;  /* 0: no <topology> */
    GPtrArray *hostFeatures;   /* char*: pae, nonpae, vmx, svm (<features><pae/>...) */
    GPtrArray *cpuFeatures;    /* char*: CPU model features (<feature name=''/>) */
    GArray *pageSizes;         /* unsigned int KiB */
    bool powerManagement;      /* writes an empty <power_management/> */
    bool numa;                 /* writes <topology> even with no cells, as
                                  libvirt's test driver on a host file */
    int iommu;                 /* -1 unknown, 0 no, 1 yes */
    bool liveMigration;
    GPtrArray *migrationTransports; /* char*: "tcp", "rdma" */
    GPtrArray *cells;          /* vkCapsCell* */
    char *secModel;            /* NULL: "none" */
    char *secDoi;              /* NULL: "0" */
    GPtrArray *guests;         /* vkCapsGuest* */
} vkCaps;

/* hostArch NULL: the machine's own (uname). */
vkCaps *vkCapsNew(const char *hostArch);
void vkCapsFree(vkCaps *caps);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vkCaps, vkCapsFree)

vkCapsGuest *vkCapsAddGuest(vkCaps *caps, const char *osType, const char *arch,
                            int wordsize, const char *emulator,
                            const char *loader);
void vkCapsGuestAddMachine(vkCapsGuest *guest, const char *name,
                           const char *canonical, unsigned int maxCpus);
void vkCapsGuestAddDomain(vkCapsGuest *guest, const char *type,
                          const char *emulator);
/* canToggle: the feature carries default=''/toggle='' (acpi, apic, ...). */
void vkCapsGuestAddFeature(vkCapsGuest *guest, const char *name,
                           bool canToggle, bool defaultOn, bool toggle);
/* A CPU model feature: <feature name='vmx'/> (next to <model>). */
void vkCapsAddCPUFeature(vkCaps *caps, const char *name);
/* A host feature of the legacy list: <features><pae/><nonpae/></features>,
 * which is what libvirt's test driver shows. */
void vkCapsAddHostFeature(vkCaps *caps, const char *name);

vkCapsCell *vkCapsAddCell(vkCaps *caps, unsigned int id,
                          unsigned long long memoryKiB);
void vkCapsCellAddPages(vkCapsCell *cell, unsigned int sizeKiB,
                        unsigned long long count);
void vkCapsCellAddCPU(vkCapsCell *cell, unsigned int id, int socket, int die,
                      int core, const char *siblings);

/* The guest that runs osType/arch under domain type virtType; any of the
 * three may be NULL (matches all).  NULL when none. */
const vkCapsGuest *vkCapsLookupGuest(const vkCaps *caps, const char *osType,
                                     const char *arch, const char *virtType);

char *vkCapsFormat(const vkCaps *caps);

#endif
