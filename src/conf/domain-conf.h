/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Domain XML <-> vkDomainDef.
 *
 * One parser and one formatter for libvirt's domain format
 * (libvirt.org/formatdomain.html).  Drivers never touch XML: they parse
 * into a vkDomainDef, work on the struct and format it back.  The output is
 * canonical (fixed element order, defaults filled in, units normalised to
 * KiB), so parse(format(def)) formats byte-identically, and it validates
 * against libvirt's RelaxNG schema.
 *
 * OWNER: conf.  Fields marked [core] are relied on by drivers and must keep
 * their names and meaning.
 */
#ifndef VK_CONF_DOMAIN_CONF_H
#define VK_CONF_DOMAIN_CONF_H

#include <stdbool.h>
#include <glib.h>

#include "virtkit/virtkit.h"

typedef struct _vkDomainDef vkDomainDef;
typedef struct _vkDomainDeviceDef vkDomainDeviceDef;

/* <os><boot dev=''/> values, in libvirt's order */
typedef enum {
    VK_DOMAIN_BOOT_FLOPPY,
    VK_DOMAIN_BOOT_CDROM,
    VK_DOMAIN_BOOT_DISK,
    VK_DOMAIN_BOOT_NET,
    VK_DOMAIN_BOOT_LAST
} vkDomainBootDev;

/* Parse flags */
typedef enum {
    VK_DOMAIN_PARSE_INACTIVE = 1 << 0,  /* ignore live-only data (id, ...) */
    VK_DOMAIN_PARSE_VALIDATE = 1 << 1,  /* also check against domain.rng */
    VK_DOMAIN_PARSE_DISK_SOURCE = 1 << 2, /* a <disk> may lack <target>: only its
                                           * source matters (block copy's target) */
    VK_DOMAIN_PARSE_COPY = 1 << 3,      /* a copy of a definition the driver took:
                                         * its driver-specific checks are not
                                         * made again (vkDomainDefCopy) */
} vkDomainParseFlags;

/* Format flags: the public virDomainXMLFlags values are accepted as is
 * (VIR_DOMAIN_XML_SECURE = 1, VIR_DOMAIN_XML_INACTIVE = 2, ...). */

/* Parses a domain document.  On failure returns NULL with
 * VIR_ERR_XML_ERROR (not well-formed: line and libxml2's reason),
 * VIR_ERR_XML_DETAIL (a bad value: element/attribute and value),
 * VIR_ERR_CONFIG_UNSUPPORTED or VIR_ERR_XML_INVALID_SCHEMA set.  Expands
 * the document's internal entities (as libvirt does) but never loads an
 * external entity, a DTD or anything from the network, and refuses
 * documents over VK_DOMAIN_XML_MAX bytes.  A missing <uuid> is
 * generated. */
#define VK_DOMAIN_XML_MAX (10 * 1024 * 1024)
/* virtType: NULL accepts any domain type; otherwise a comma separated list
 * of the types the caller's driver runs ("test", "kvm,qemu"), others fail
 * with VIR_ERR_CONFIG_UNSUPPORTED. */
vkDomainDef *vkDomainDefParseString(const char *xml, const char *virtType,
                                    unsigned int flags);
/* The same from an already parsed <domain> element (used by the test
 * driver's host description files, which embed domains). */
typedef struct _xmlNode *vkXmlNodePtr;
vkDomainDef *vkDomainDefParseNode(vkXmlNodePtr node, const char *virtType,
                                  unsigned int flags);
char *vkDomainDefFormat(const vkDomainDef *def, unsigned int flags);
/* An empty definition (id -1, defaults filled in), for drivers that build
 * one by hand; never NULL. */
vkDomainDef *vkDomainDefNew(void);
vkDomainDef *vkDomainDefCopy(const vkDomainDef *def);
void vkDomainDefFree(vkDomainDef *def);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vkDomainDef, vkDomainDefFree)

/* <disk>, <interface>, ... given to virDomainAttachDevice(Flags). */
vkDomainDeviceDef *vkDomainDeviceDefParseString(const char *xml,
                                                const vkDomainDef *def,
                                                unsigned int flags);
void vkDomainDeviceDefFree(vkDomainDeviceDef *dev);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vkDomainDeviceDef, vkDomainDeviceDefFree)
/* Takes ownership of *dev on success (sets it NULL); errors: a disk target
 * already in use -> VIR_ERR_OPERATION_INVALID. */
int vkDomainDefAttachDevice(vkDomainDef *def, vkDomainDeviceDef **dev);
/* Removes the device of def matching dev (disk by target, interface by
 * MAC, others by full equality); VIR_ERR_DEVICE_MISSING when none. */
int vkDomainDefDetachDevice(vkDomainDef *def, const vkDomainDeviceDef *dev);

/* <metadata> and <title>/<description> for virDomain{Get,Set}Metadata:
 * type is virDomainMetadataType; for ELEMENT the key is the namespace URI. */
char *vkDomainDefGetMetadata(const vkDomainDef *def, int type, const char *uri);
int vkDomainDefSetMetadata(vkDomainDef *def, int type, const char *metadata,
                           const char *key, const char *uri);

/* Validate a formatted document against libvirt's domain.rng (path found at
 * run time: VIRTKIT_SCHEMA_DIR, then /usr/share/libvirt/schemas).  Returns 0
 * when valid, -1 with VIR_ERR_XML_INVALID_SCHEMA naming the first problem,
 * -2 with VIR_ERR_NO_SUPPORT when no schema is installed. */
int vkDomainXMLValidate(const char *xml);
/* The same against any schema file of that directory ("capability.rng"). */
int vkConfSchemaValidate(const char *xml, const char *rngFile);

/* Small helpers the drivers share with the parser (UUIDs: util/uuid.h). */
void vkConfMACGenerate(unsigned char mac[6]);          /* 52:54:00:xx:xx:xx */
int vkConfMACParse(const char *str, unsigned char mac[6]);
void vkConfMACFormat(const unsigned char mac[6], char str[18]);
/* Sizes with libvirt's units ("512" + "MiB"), capped at LLONG_MAX bytes as
 * libvirt does.  Negative without an error reported: */
enum {
    VK_CONF_SCALE_BAD_NUMBER = -1,
    VK_CONF_SCALE_BAD_UNIT = -2,
    VK_CONF_SCALE_OVERFLOW = -3,
};
/* unit "b", "KiB", "kb", "M"...; NULL or "" means dflt bytes */
int vkConfUnitScale(const char *unit, unsigned long long dflt,
                    unsigned long long *scale);
int vkConfScaleToBytes(const char *num, const char *unit,
                       unsigned long long dflt, unsigned long long *bytes);
/* -> KiB (rounded up); unit NULL means KiB */
int vkConfScaleToKiB(const char *num, const char *unit,
                     unsigned long long *kib);

/* Counts and lookups the drivers use (the structs are in
 * domain-conf-priv.h). */
size_t vkDomainDefNumDevices(const vkDomainDef *def, int deviceType);

struct _vkDomainDef {
    char *virtType;                    /* [core] "test", "kvm", "qemu", "lxc" */
    int id;                            /* [core] -1 when inactive */
    char *name;                        /* [core] */
    unsigned char uuid[VIR_UUID_BUFLEN]; /* [core] */
    char *title;
    char *description;

    unsigned long long maxMemory;      /* [core] <memory>, KiB */
    unsigned long long currentMemory;  /* [core] <currentMemory>, KiB */
    int memDumpCore;                   /* <memory dumpCore>: 0 absent, 1 on, 2 off */
    bool currentMemoryFilled;          /* <currentMemory> absent: set to <memory> at parse */
    unsigned long long memoryHotplugMax; /* <maxMemory>, KiB, 0 when absent */
    unsigned int memorySlots;

    unsigned int maxVcpus;             /* [core] <vcpu> */
    unsigned int vcpus;                /* [core] <vcpu current=''> */

    char *osType;                      /* [core] "hvm", "linux", "exe" */
    char *osArch;                      /* [core] "x86_64", may be NULL */
    char *osMachine;
    int *bootDevs;                     /* vkDomainBootDev values */
    size_t nbootDevs;
    char *kernel;
    char *initrd;
    char *cmdline;
    char *loader;
    char *init;                        /* containers: <init> */

    int onPoweroff;                    /* virDomainLifecycleAction */
    int onReboot;
    int onCrash;

    char *emulator;

    /* The rest of the definition (features, cpu, clock, devices, metadata)
     * is owned by the conf module; see domain-conf-priv.h. */
    struct _vkDomainDefPriv *priv;
};

#endif
