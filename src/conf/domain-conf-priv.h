/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The parts of a domain definition that only the conf module interprets
 * fully: features, cpu, clock, devices, metadata.
 *
 * Drivers may read these structs (the QEMU driver needs disks and
 * interfaces to build argv, the container drivers need filesystems), but
 * they change them only through the functions of domain-conf.h.  Pieces
 * virtkit does not interpret (an <address>, <hyperv> features, a disk's
 * <iotune>) are kept as small element trees (vkXmlElem) and written back
 * unchanged, so a round trip through virtkit loses nothing it understood
 * enough to keep.
 */
#ifndef VK_CONF_DOMAIN_CONF_PRIV_H
#define VK_CONF_DOMAIN_CONF_PRIV_H

#include <libxml/tree.h>

#include "conf/domain-conf.h"

/* ---- a kept element: name, attributes in document order, text or
 * children (never both: mixed content is not used in domain XML) ---- */
typedef struct _vkXmlElem vkXmlElem;
struct _vkXmlElem {
    char *name;
    GPtrArray *attrs;      /* char*: name, value, name, value...; may be NULL */
    char *text;            /* NULL when none */
    GPtrArray *children;   /* vkXmlElem*; may be NULL */
};

vkXmlElem *vkXmlElemFromNode(xmlNodePtr node);
vkXmlElem *vkXmlElemCopy(const vkXmlElem *e);
void vkXmlElemFree(vkXmlElem *e);
const char *vkXmlElemGetAttr(const vkXmlElem *e, const char *name);
/* The first element called name in list (of vkXmlElem*, may be NULL). */
vkXmlElem *vkXmlElemListFind(const GPtrArray *list, const char *name);
/* e's first child element called name, or NULL (e may be NULL). */
vkXmlElem *vkXmlElemChild(const vkXmlElem *e, const char *name);
/* Removes attribute name from e, if e has it. */
void vkXmlElemRemoveAttr(vkXmlElem *e, const char *name);
void vkXmlElemSetAttr(vkXmlElem *e, const char *name, const char *value);
bool vkXmlElemEqual(const vkXmlElem *a, const vkXmlElem *b);
/* Reorders e's children by their name's place in order[] (NULL-ended),
 * keeping the relative order of equals; unknown names go last. */
void vkXmlElemSortChildren(vkXmlElem *e, const char *const *order);
/* Rewrites a kept <address> in libvirt's canonical form (numbers in the
 * type's notation, implied coordinates filled, libvirt's attribute order). */
void vkDomainAddressCanonicalize(vkXmlElem *addr);
/* A ccw address is all of cssid, ssid and devno or none, each in range:
 * 0, or -1 with libvirt's error. */
int vkDomainCcwAddressCheck(const vkXmlElem *addr);

/* Reading the parsed tree without XPath (the parser's hot path). */
/* The value of attribute name, straight from the tree (no copy): with no
 * DTD allowed an attribute is always a single text node.  NULL if absent. */
const char *vkXmlAttr(xmlNodePtr node, const char *name);
/* Replaces *field with a copy of attribute name (NULL if absent), freeing
 * what was there: an element given twice must not leak the first value. */
void vkXmlSetAttr(char **field, xmlNodePtr node, const char *name);
/* The element's text content, copied; NULL for an empty element. */
char *vkXmlText(xmlNodePtr node);
/* Keeps node verbatim in *list (created on first use). */
void vkXmlKeep(GPtrArray **list, xmlNodePtr node);
/* Appends node's attributes but those in skip to *attrs (created on first
 * use) as name, value pairs, their names prefixed. */
void vkXmlKeepAttrs(GPtrArray **attrs, xmlNodePtr node, const char *prefix,
                    const char *const *skip);
/* The value of name among the name, value pairs of attrs; NULL when
 * absent (attrs may be NULL). */
const char *vkXmlPairGet(const GPtrArray *attrs, const char *name);
void vkXmlElemFormat(GString *buf, const vkXmlElem *e, int indent);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vkXmlElem, vkXmlElemFree)

/* Appends str with <, >, &, ' and " escaped. */
void vkConfEscape(GString *buf, const char *str);
/* Appends " name='value'" when value is not NULL. */
void vkConfAttr(GString *buf, const char *name, const char *value);

/* ---- enums (string tables live in domain-util.c) ---- */
typedef enum {
    VK_DOMAIN_DISK_TYPE_FILE,
    VK_DOMAIN_DISK_TYPE_BLOCK,
    VK_DOMAIN_DISK_TYPE_DIR,
    VK_DOMAIN_DISK_TYPE_NETWORK,
    VK_DOMAIN_DISK_TYPE_VOLUME,
    VK_DOMAIN_DISK_TYPE_NVME,       /* <source type='pci'>: kept as written */
    VK_DOMAIN_DISK_TYPE_LAST
} vkDomainDiskType;

typedef enum {
    VK_DOMAIN_DISK_DEVICE_DISK,
    VK_DOMAIN_DISK_DEVICE_CDROM,
    VK_DOMAIN_DISK_DEVICE_FLOPPY,
    VK_DOMAIN_DISK_DEVICE_LUN,
    VK_DOMAIN_DISK_DEVICE_LAST
} vkDomainDiskDevice;

typedef enum {
    VK_DOMAIN_NET_TYPE_USER,
    VK_DOMAIN_NET_TYPE_ETHERNET,
    VK_DOMAIN_NET_TYPE_VHOSTUSER,
    VK_DOMAIN_NET_TYPE_SERVER,
    VK_DOMAIN_NET_TYPE_CLIENT,
    VK_DOMAIN_NET_TYPE_MCAST,
    VK_DOMAIN_NET_TYPE_NETWORK,
    VK_DOMAIN_NET_TYPE_BRIDGE,
    VK_DOMAIN_NET_TYPE_INTERNAL,
    VK_DOMAIN_NET_TYPE_DIRECT,
    VK_DOMAIN_NET_TYPE_HOSTDEV,
    VK_DOMAIN_NET_TYPE_UDP,
    VK_DOMAIN_NET_TYPE_VDPA,
    VK_DOMAIN_NET_TYPE_NULL,
    VK_DOMAIN_NET_TYPE_LAST
} vkDomainNetType;

typedef enum {
    VK_DOMAIN_CHR_SERIAL,
    VK_DOMAIN_CHR_PARALLEL,
    VK_DOMAIN_CHR_CONSOLE,
    VK_DOMAIN_CHR_CHANNEL,
    VK_DOMAIN_CHR_LAST
} vkDomainChrKind;

typedef enum {
    VK_DOMAIN_CLOCK_UTC,
    VK_DOMAIN_CLOCK_LOCALTIME,
    VK_DOMAIN_CLOCK_VARIABLE,
    VK_DOMAIN_CLOCK_TIMEZONE,
    VK_DOMAIN_CLOCK_ABSOLUTE,
    VK_DOMAIN_CLOCK_LAST
} vkDomainClockOffset;

/* Every device kind, in the order libvirt's formatter writes them. */
typedef enum {
    VK_DOMAIN_DEVICE_DISK,
    VK_DOMAIN_DEVICE_CONTROLLER,
    VK_DOMAIN_DEVICE_FS,
    VK_DOMAIN_DEVICE_NET,
    VK_DOMAIN_DEVICE_CHR,
    VK_DOMAIN_DEVICE_INPUT,
    VK_DOMAIN_DEVICE_GRAPHICS,
    VK_DOMAIN_DEVICE_VIDEO,
    VK_DOMAIN_DEVICE_OTHER,   /* kept verbatim: sound, hostdev, watchdog, ... */
    VK_DOMAIN_DEVICE_LAST
} vkDomainDeviceType;

/* ---- devices ---- */
typedef struct {
    int type;                  /* vkDomainDiskType */
    int device;                /* vkDomainDiskDevice */
    GPtrArray *attrs;          /* <disk>'s other attributes (snapshot, model,
                                * rawio, sgio): name, value */
    char *driverName;
    char *driverType;          /* raw, qcow2, ... */
    char *driverCache;
    vkXmlElem *driverRest;     /* <driver>'s other attributes and children */
    char *src;                 /* file / dev / dir path, network name, volume */
    char *srcProtocol;         /* network disks: nbd, rbd, iscsi, ... */
    char *srcPool;             /* volume disks */
    GPtrArray *srcHosts;       /* vkXmlElem* <host .../>, network disks */
    vkXmlElem *srcRest;        /* <source>'s other attributes (startupPolicy,
                                * index, ...) and children but <host> */
    char *dst;                 /* [core] target dev: vda, hdc, ... */
    char *bus;                 /* virtio, ide, scsi, sata, usb, fdc, xen */
    GPtrArray *targetAttrs;    /* <target>'s other attributes (tray,
                                * removable, rotation_rate): name, value */
    bool readonly;
    bool shareable;
    bool transient;
    char *shareBacking;        /* <transient shareBacking=''/> */
    char *serial;
    unsigned int bootIndex;    /* <boot order=''/>, 0 when absent */
    char *loadparm;            /* <boot loadparm=''/> (s390) */
    GPtrArray *extra;          /* vkXmlElem*: other children, kept */
    vkXmlElem *address;
} vkDomainDiskDef;

typedef struct {
    char *type;                /* usb, ide, pci, scsi, virtio-serial, ... */
    int idx;
    char *model;
    GPtrArray *attrs;          /* other attributes: name, value pairs */
    GPtrArray *extra;
    vkXmlElem *address;
    bool implicit;             /* added by the generic defaults for a disk;
                                * drivers put their own implicit ones first */
} vkDomainControllerDef;

typedef struct {
    char *type;                /* mount, block, file, template, ram, bind */
    char *accessmode;          /* passthrough, mapped, squash; NULL default */
    GPtrArray *attrs;          /* other attributes (model, multidevs, fmode,
                                * dmode): name, value */
    char *srcAttr;             /* which attribute of <source>: dir, file, ... */
    char *src;                 /* [core] host side */
    char *dst;                 /* [core] <target dir=''/> in the guest */
    bool readonly;
    char *driverType;
    GPtrArray *extra;
    vkXmlElem *address;
} vkDomainFSDef;

typedef struct {
    int type;                  /* vkDomainNetType */
    unsigned char mac[6];      /* [core] */
    bool macGenerated;         /* no <mac> given: detach matches otherwise */
    char *source;              /* network name, bridge name, host dev */
    char *sourceMode;          /* direct: vepa, bridge, ...  */
    char *portid;              /* network: the network port while running */
    char *liveBridge;          /* network: its bridge while running (live XML) */
    char *ifname;              /* <target dev=''/> */
    char *model;               /* virtio, e1000, rtl8139 */
    char *script;
    unsigned int bootIndex;
    char *loadparm;
    GPtrArray *attrs;          /* attributes kept as written: the interface's
                                * own (managed, ...), "mac:type", "mac:check",
                                * "source:portgroup", "target:managed": name,
                                * value */
    GPtrArray *extra;
    vkXmlElem *address;
} vkDomainNetDef;

typedef struct {
    int kind;                  /* vkDomainChrKind */
    char *type;                /* pty, file, unix, tcp, udp, null, vc, ... */
    GPtrArray *sources;        /* vkXmlElem* <source .../> (udp has two) */
    vkXmlElem *protocol;
    vkXmlElem *log;            /* <log file='' append=''/> */
    vkXmlElem *target;         /* <target type='' port='' name=''/> */
    vkXmlElem *address;
} vkDomainChrDef;

typedef struct {
    char *type;                /* mouse, tablet, keyboard, passthrough, evdev */
    char *bus;                 /* ps2, usb, virtio, xen */
    char *model;               /* virtio, virtio-transitional, ...; NULL */
    GPtrArray *extra;
    vkXmlElem *address;
} vkDomainInputDef;

typedef struct {
    char *type;                /* vnc, spice, sdl, rdp, desktop, egl-headless */
    int port;                  /* -1: not allocated yet */
    int tlsPort;               /* spice; -1 when absent */
    bool autoport;
    char *listen;              /* the first <listen type='address'>'s address */
    GPtrArray *listens;        /* vkXmlElem* <listen/>, in order; never empty
                                * for vnc and spice after parsing */
    char *passwd;              /* formatted only with VIR_DOMAIN_XML_SECURE */
    char *passwdValidTo;
    char *keymap;
    char *socket;
    GPtrArray *attrs;          /* other attributes (display, ...): name, value */
    GPtrArray *extra;          /* other children (not <listen>) */
} vkDomainGraphicsDef;

typedef struct {
    char *modelType;           /* cirrus, vga, qxl, virtio, none, ... */
    unsigned int vram;         /* KiB, 0 when absent */
    unsigned int heads;        /* 0 when absent */
    bool primary;
    GPtrArray *modelAttrs;     /* other <model> attributes (ram, vgamem, ...):
                                * name, value pairs */
    GPtrArray *modelChildren;  /* vkXmlElem*: <acceleration>, <resolution> */
    GPtrArray *extra;
    vkXmlElem *address;
} vkDomainVideoDef;

struct _vkDomainDeviceDef {
    int type;                  /* vkDomainDeviceType */
    union {
        vkDomainDiskDef *disk;
        vkDomainControllerDef *controller;
        vkDomainFSDef *fs;
        vkDomainNetDef *net;
        vkDomainChrDef *chr;
        vkDomainInputDef *input;
        vkDomainGraphicsDef *graphics;
        vkDomainVideoDef *video;
        vkXmlElem *other;
    } data;
};

typedef struct {
    char *mode;                /* custom, host-model, host-passthrough, maximum */
    char *match;               /* minimum, exact, strict */
    char *check;               /* none, partial, full */
    char *migratable;          /* on, off */
    char *model;
    char *modelFallback;       /* allow, forbid */
    char *modelVendorId;
    char *vendor;
    unsigned int sockets, dies, cores, threads;  /* 0: no <topology> */
    GPtrArray *features;       /* vkXmlElem* <feature policy='' name=''/> */
    GPtrArray *extra;          /* numa, cache, ... */
} vkDomainCpuDef;

struct _vkDomainDefPriv {
    xmlDocPtr metadata;        /* root is <metadata>; NULL when empty */

    bool placementAuto;        /* <vcpu placement='auto'> */
    char *cpuset;

    char *osFirmware;          /* <os firmware=''>: efi, bios; NULL when absent */
    vkXmlElem *loader;         /* <loader> attributes (its text is def->loader) */
    GPtrArray *initargs;       /* char* */
    GPtrArray *osExtra;        /* vkXmlElem*: bootmenu, smbios, bios, ... */

    GPtrArray *features;       /* vkXmlElem* in document order; NULL: none */
    vkDomainCpuDef *cpu;       /* NULL when absent */

    int clockOffset;           /* vkDomainClockOffset */
    char *clockAdjustment;
    char *clockTimezone;
    char *clockBasis;
    char *clockStart;          /* offset='absolute': seconds since the epoch */
    GPtrArray *timers;         /* vkXmlElem* */

    GPtrArray *topExtra;       /* kept top-level elements: memtune, ... */

    GPtrArray *devs[VK_DOMAIN_DEVICE_LAST];  /* one array per kind */
};
typedef struct _vkDomainDefPriv vkDomainDefPriv;

/* libvirt's QEMU XML namespace; its elements are kept in topExtra named
 * "qemu:commandline", "qemu:arg", ... (domain-parse.c). */
#define VK_DOMAIN_QEMU_NS "http://libvirt.org/schemas/domain/qemu/1.0"

/* ---- helpers shared by the conf files ---- */
int vkDomainEnumFromString(const char *const *table, int n, const char *str);
extern const char *const vkDomainLifecycleTable[];
extern const char *const vkDomainBootTable[];
extern const char *const vkDomainDiskTypeTable[];
extern const char *const vkDomainDiskDeviceTable[];
extern const char *const vkDomainNetTypeTable[];
extern const char *const vkDomainChrKindTable[];
extern const char *const vkDomainClockOffsetTable[];
extern const char *const vkDomainDeviceTypeTable[];
/* The elements kept verbatim under <devices>, in formatting order. */
extern const char *const vkDomainOtherDeviceTable[];
extern const char *const vkDomainTopExtraTable[];

void vkDomainDeviceDefClear(vkDomainDeviceDef *dev);
void vkDomainDevicePayloadFree(int type, void *payload);
GPtrArray *vkDomainDevList(vkDomainDef *def, int type);
/* The index of the disk whose target (first) or local source is path;
 * -1 when none is. */
int vkDomainDiskFind(const vkDomainDef *def, const char *path);
/* The index a disk's target name stands for (hda 0, sdb 1, vdaa 26), -1
 * for a name that has none.  domain-defaults.c */
int vkDomainDiskIndex(const char *dst);
/* Adds d to the disk list where libvirt puts it: after the last disk of
 * its bus with a lower index, before the first one with a higher index,
 * at the end when its bus has no disk yet.  domain-devices.c */
void vkDomainDiskInsert(GPtrArray *disks, vkDomainDiskDef *d);

/* Parse one device element (<disk>, <interface>, ...).  Returns 0 and
 * fills *dev, 1 when the element is not a device libvirt knows (ignored),
 * -1 with an error reported. */
int vkDomainDeviceParseNode(xmlNodePtr node, const char *virtType,
                            const char *osType, unsigned int flags,
                            vkDomainDeviceDef *dev);
/* An alias the driver gave a running device; the user's own ("ua-")
 * belong to the definition.  domain-parse-devices.c */
bool vkDomainIsLiveAlias(xmlNodePtr n);
/* <graphics> and <video> (domain-parse-display.c): 0, or -1 with an
 * error reported. */
int vkDomainGraphicsParse(xmlNodePtr node, unsigned int flags, vkDomainGraphicsDef *g);
int vkDomainVideoParse(xmlNodePtr node, vkDomainVideoDef *v);
/* Defaults and checks that need the whole device list (unique disk
 * targets, controller indexes, serial ports, the console of a serial). */
/* driverTypes is the parser's virtType filter: the domain types of the
 * driver that parses ("kvm,qemu"), NULL for any (the test driver). */
int vkDomainDefPostParseDevices(vkDomainDef *def, const char *driverTypes);
/* libvirt's generic defaults (domain-defaults.c): implicit video and
 * controllers, video sizes, drive addresses. */
void vkDomainDefAddDefaults(vkDomainDef *def, const char *driverTypes);
/* domain-canonical.c: libvirt's canonical form of kept device and feature
 * trees (at define), and what a definition drops of a running domain's
 * state (at an inactive parse). */
void vkDomainDefCanonicalRules(vkDomainDef *def);
void vkDomainDeviceDropLive(vkDomainDeviceDef *dev);
void vkDomainDefDropLive(vkDomainDef *def);
/* Upper-cases an s390 load parameter; -1 with libvirt's error when it is
 * not one. */
int vkDomainLoadparmParse(char *loadparm);
/* domain-chr-check.c: libvirt's checks of chardev backends' <source>s. */
int vkDomainChrSourcesCheck(vkDomainDef *def);
/* domain-disk-check.c: <auth>/<encryption> given twice on a disk. */
int vkDomainDiskSourceCheck(vkDomainDef *def);
/* domain-sysinfo-check.c: the SMBIOS BIOS date and system UUID; a
 * definition without <uuid> (haveUUID false) takes the system UUID, or a
 * random one. */
int vkDomainSysinfoCheck(vkDomainDef *def, bool haveUUID);
/* domain-enum-check.c: enum and number attributes of kept trees
 * (<gic version>, an interface's <driver queues>, ...) libvirt parses. */
int vkDomainDefEnumCheck(vkDomainDef *def);
/* domain-numa-check.c: NUMA cell ids and what names a node (hugepage
 * and numatune nodesets, memory device target nodes). */
int vkDomainDefNumaCheck(vkDomainDef *def);
/* domain-resctrl-check.c: <cputune> schedulers and resource-control
 * groups that claim a vCPU twice, colliding allocations. */
int vkDomainDefResctrlCheck(vkDomainDef *def);
/* domain-drive-check.c: two disks, or a SCSI disk and host device, or
 * two SCSI host devices on one drive address (after the defaults). */
int vkDomainDriveAddressCheck(vkDomainDef *def);
/* A SCSI host device without an address takes the first free unit, and
 * the SCSI controllers the addresses name are added (generic defaults). */
void vkDomainScsiHostdevAddresses(vkDomainDef *def);
/* domain-hostdev-check.c: mediated devices' source UUID, guest address
 * bus and the one ramfb. */
int vkDomainDefMdevCheck(vkDomainDef *def);
/* domain-usb-check.c: a guest USB address in libvirt's form, and refused
 * when libvirt cannot parse it; companion controllers without a master;
 * a redirected USB device without a USB controller (run once a driver's
 * implicit controllers are in). */
void vkDomainUsbAddressCanonicalize(vkXmlElem *addr);
int vkDomainUsbAddressCheck(const vkXmlElem *addr);
int vkDomainDefUsbMasterCheck(vkDomainDef *def);
int vkDomainDefRedirdevCheck(const vkDomainDef *def);
/* An ICH9 UHCI's implied <master>; none on a model='none' controller. */
void vkDomainUsbCompanionMaster(vkDomainControllerDef *c);
/* A USB controller with a <master>: a companion of another. */
bool vkDomainUsbIsCompanion(const vkDomainControllerDef *c);
/* domain-disk-check.c: a file disk's <source fdgroup=''> where the driver
 * (any but QEMU) passes no FDs. */
int vkDomainDiskFdgroupCheck(const vkDomainDef *def);
/* Whether driverTypes (vkDomainDefPostParseDevices) is the QEMU driver's. */
bool vkDomainDriverIsQemu(const char *driverTypes);
/* libvirt's canonical form of the kept trees (cputune, numatune, NUMA
 * cells, hostdevs, character device sources).  domain-generic.c */
void vkDomainDefGenericRules(vkDomainDef *def);
/* Sizes in kept elements in libvirt's unit for each (domain-scaled.c). */
void vkDomainDefScaledRules(vkDomainDef *def);
/* The checks libvirt makes on any definition (addresses in range, one
 * controller per index, chardev paths, ...): 0, or -1 with libvirt's
 * error.  domain-generic.c */
int vkDomainDefGenericValidate(vkDomainDef *def);
/* The rest of them (domain-validate.c): 0, or -1 with libvirt's error. */
int vkDomainDefValidateMore(vkDomainDef *def);
/* An HVM guest's first serial port and its first console are one device:
 * whichever of the two the definition gives, the other is added. */
void vkDomainChrConsoleCompat(vkDomainDef *def, vkDomainChrDef *firstSerial,
                              int nconsole);
/* Drops whitespace-only text between elements so the formatter can
 * indent kept metadata itself. */
void vkDomainMetadataStripBlanks(xmlNodePtr node);
void vkDomainDeviceFormat(GString *buf, const vkDomainDeviceDef *dev,
                          unsigned int flags);

/* The private XML reader: no network, no entities, no DTD, size bound,
 * errors collected into VIR_ERR_XML_ERROR.  what names the document in
 * messages ("domain", "device", "metadata"). */
xmlDocPtr vkConfReadXML(const char *xml, const char *what);
/* The same with another size limit than VK_DOMAIN_XML_MAX (a status file
 * holds a whole domain plus its runtime facts). */
xmlDocPtr vkConfReadXMLLimit(const char *xml, const char *what, int max);

bool vkDomainParseBool(const char *s, bool *out);  /* yes/no, on/off */
int vkDomainParseUInt(const char *s, unsigned int *out);
int vkDomainParseScaled(const char *text, const char *unit,
                        unsigned long long *kib);

#endif
