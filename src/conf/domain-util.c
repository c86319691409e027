/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The small pieces every domain conf file needs: string tables for the
 * enums, MAC helpers, memory units, and the life cycle of the
 * structs (new, free, copy).
 *
 * A definition's private part is always allocated, and each device kind
 * has its own array created on first use; everything else can assume both.
 * Copy goes through format + parse: the formatter is the one place that
 * knows every field, so a copy can never forget one.
 */
#include <string.h>
#include <errno.h>
#include <stdlib.h>

#include "conf/domain-conf-priv.h"

#define VIR_FROM_THIS VIR_FROM_DOMAIN
#include "util/error.h"

const char *const vkDomainLifecycleTable[] = {
    "destroy", "restart", "rename-restart", "preserve",
    "coredump-destroy", "coredump-restart", NULL,
};
const char *const vkDomainBootTable[] = { "fd", "cdrom", "hd", "network", NULL };
const char *const vkDomainDiskTypeTable[] = {
    "file", "block", "dir", "network", "volume", "nvme", NULL,
};
const char *const vkDomainDiskDeviceTable[] = {
    "disk", "cdrom", "floppy", "lun", NULL,
};
const char *const vkDomainNetTypeTable[] = {
    "user", "ethernet", "vhostuser", "server", "client", "mcast", "network",
    "bridge", "internal", "direct", "hostdev", "udp", "vdpa", "null", NULL,
};
const char *const vkDomainChrKindTable[] = {
    "serial", "parallel", "console", "channel", NULL,
};
const char *const vkDomainClockOffsetTable[] = {
    "utc", "localtime", "variable", "timezone", "absolute", NULL,
};
const char *const vkDomainDeviceTypeTable[] = {
    "disk", "controller", "filesystem", "interface", "chr", "input",
    "graphics", "video", "other", NULL,
};
/* The order libvirt's formatter uses under <devices>; the structured kinds
 * are listed too so the formatter can walk this one table. */
const char *const vkDomainOtherDeviceTable[] = {
    "disk", "controller", "lease", "filesystem", "interface", "smartcard",
    "serial", "parallel", "console", "channel", "input", "tpm", "graphics",
    "sound", "audio", "video", "hostdev", "redirdev", "redirfilter", "hub",
    "watchdog", "memballoon", "rng", "nvram", "panic", "shmem", "memory", "iommu",
    "vsock", NULL,
};
/* Top-level elements kept verbatim; formatted where libvirt puts them
 * (see domain-format.c for the split points). */
const char *const vkDomainTopExtraTable[] = {
    "genid", "blkiotune", "memtune", "memoryBacking", "iothreads",
    "iothreadids", "defaultiothread", "vcpus", "cputune", "numatune", "resource", "sysinfo",
    "bootloader", "bootloader_args", "idmap", "pm", "perf", "seclabel",
    "keywrap", "launchSecurity", NULL,
};

int
vkDomainEnumFromString(const char *const *table, int n, const char *str)
{
    int i;

    if (!str)
        return -1;
    for (i = 0; i < n && table[i]; i++) {
        if (strcmp(table[i], str) == 0)
            return i;
    }
    return -1;
}

bool
vkDomainParseBool(const char *s, bool *out)
{
    if (!s)
        return false;
    if (strcmp(s, "yes") == 0 || strcmp(s, "on") == 0) {
        *out = true;
        return true;
    }
    if (strcmp(s, "no") == 0 || strcmp(s, "off") == 0) {
        *out = false;
        return true;
    }
    return false;
}

int
vkDomainParseUInt(const char *s, unsigned int *out)
{
    char *end;
    unsigned long long v;

    if (!s || !g_ascii_isdigit(*s))
        return -1;
    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno || *end || v > G_MAXUINT)
        return -1;
    *out = (unsigned int)v;
    return 0;
}

/* ---- MAC ---- */

void
vkConfMACGenerate(unsigned char mac[6])
{
    guint32 r = g_random_int();

    mac[0] = 0x52;
    mac[1] = 0x54;
    mac[2] = 0x00;
    mac[3] = (r >> 16) & 0xff;
    mac[4] = (r >> 8) & 0xff;
    mac[5] = r & 0xff;
}

int
vkConfMACParse(const char *str, unsigned char mac[6])
{
    const char *p = str;
    int i;

    if (!str)
        return -1;
    for (i = 0; i < 6; i++) {
        int hi = g_ascii_xdigit_value(p[0]);
        int lo = hi < 0 ? -1 : g_ascii_xdigit_value(p[1]);
        if (hi < 0)
            return -1;
        if (lo < 0) {            /* a single digit group, e.g. "0:1:..." */
            mac[i] = (unsigned char)hi;
            p += 1;
        } else {
            mac[i] = (unsigned char)(hi << 4 | lo);
            p += 2;
        }
        if (i < 5) {
            if (*p != ':' && *p != '-')
                return -1;
            p++;
        }
    }
    return *p ? -1 : 0;
}

void
vkConfMACFormat(const unsigned char mac[6], char str[18])
{
    g_snprintf(str, 18, "%02x:%02x:%02x:%02x:%02x:%02x",
               mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
}

/* ---- units ---- */

/* libvirt's size units: "b"/"bytes", then k, m, g, t, p, e (any case),
 * alone or followed by "iB" for powers of 1024, "B" for powers of 1000.
 * No unit (NULL or "") means dflt. */
int
vkConfUnitScale(const char *unit, unsigned long long dflt, unsigned long long *scale)
{
    static const char powers[] = "kmgtpe";
    const char *p;
    unsigned long long base;

    if (!unit || !*unit) {
        *scale = dflt;
        return 0;
    }
    if (g_ascii_strcasecmp(unit, "b") == 0 || g_ascii_strcasecmp(unit, "bytes") == 0) {
        *scale = 1;
        return 0;
    }
    if (!(p = strchr(powers, g_ascii_tolower(unit[0]))))
        return -1;
    if (!unit[1] || g_ascii_strcasecmp(unit + 1, "iB") == 0)
        base = 1024;
    else if (g_ascii_strcasecmp(unit + 1, "B") == 0)
        base = 1000;
    else
        return -1;
    *scale = 1;
    for (long i = 0; i <= p - powers; i++)
        *scale *= base;
    return 0;
}

int
vkConfScaleToBytes(const char *num, const char *unit, unsigned long long dflt,
                   unsigned long long *bytes)
{
    unsigned long long v, scale;
    char *end;

    if (!num)
        return VK_CONF_SCALE_BAD_NUMBER;
    while (g_ascii_isspace(*num))
        num++;
    if (!g_ascii_isdigit(*num))
        return VK_CONF_SCALE_BAD_NUMBER;
    errno = 0;
    v = strtoull(num, &end, 10);
    while (g_ascii_isspace(*end))
        end++;
    if (errno || *end)
        return VK_CONF_SCALE_BAD_NUMBER;
    if (vkConfUnitScale(unit, dflt, &scale) < 0)
        return VK_CONF_SCALE_BAD_UNIT;
    /* libvirt caps sizes at LLONG_MAX bytes */
    if ((v && scale > G_MAXUINT64 / v) || v * scale > (unsigned long long)G_MAXINT64)
        return VK_CONF_SCALE_OVERFLOW;
    *bytes = v * scale;
    return 0;
}

int
vkConfScaleToKiB(const char *num, const char *unit, unsigned long long *kib)
{
    unsigned long long bytes;
    int r = vkConfScaleToBytes(num, unit, 1024, &bytes);

    if (r < 0)
        return r;
    *kib = bytes / 1024 + (bytes % 1024 ? 1 : 0);
    return 0;
}

int
vkDomainParseScaled(const char *text, const char *unit, unsigned long long *kib)
{
    return vkConfScaleToKiB(text, unit, kib);
}

/* ---- life cycle ---- */

static void
freeVoid(gpointer p)
{
    (void)p;
}

void
vkDomainDevicePayloadFree(int type, void *payload)
{
    if (!payload)
        return;
    switch ((vkDomainDeviceType)type) {
    case VK_DOMAIN_DEVICE_DISK: {
        vkDomainDiskDef *d = payload;
        if (d->attrs)
            g_ptr_array_unref(d->attrs);
        g_free(d->shareBacking);
        g_free(d->loadparm);
        g_free(d->driverName);
        g_free(d->driverType);
        g_free(d->driverCache);
        vkXmlElemFree(d->driverRest);
        vkXmlElemFree(d->srcRest);
        if (d->targetAttrs)
            g_ptr_array_unref(d->targetAttrs);
        g_free(d->src);
        g_free(d->srcProtocol);
        g_free(d->srcPool);
        if (d->srcHosts)
            g_ptr_array_unref(d->srcHosts);
        g_free(d->dst);
        g_free(d->bus);
        g_free(d->serial);
        if (d->extra)
            g_ptr_array_unref(d->extra);
        vkXmlElemFree(d->address);
        break;
    }
    case VK_DOMAIN_DEVICE_CONTROLLER: {
        vkDomainControllerDef *c = payload;
        g_free(c->type);
        g_free(c->model);
        if (c->attrs)
            g_ptr_array_unref(c->attrs);
        if (c->extra)
            g_ptr_array_unref(c->extra);
        vkXmlElemFree(c->address);
        break;
    }
    case VK_DOMAIN_DEVICE_FS: {
        vkDomainFSDef *f = payload;
        g_free(f->type);
        g_free(f->accessmode);
        if (f->attrs)
            g_ptr_array_unref(f->attrs);
        g_free(f->srcAttr);
        g_free(f->src);
        g_free(f->dst);
        g_free(f->driverType);
        if (f->extra)
            g_ptr_array_unref(f->extra);
        vkXmlElemFree(f->address);
        break;
    }
    case VK_DOMAIN_DEVICE_NET: {
        vkDomainNetDef *n = payload;
        g_free(n->source);
        g_free(n->sourceMode);
        g_free(n->portid);
        g_free(n->liveBridge);
        g_free(n->ifname);
        g_free(n->model);
        g_free(n->script);
        g_free(n->loadparm);
        if (n->attrs)
            g_ptr_array_unref(n->attrs);
        if (n->extra)
            g_ptr_array_unref(n->extra);
        vkXmlElemFree(n->address);
        break;
    }
    case VK_DOMAIN_DEVICE_CHR: {
        vkDomainChrDef *c = payload;
        g_free(c->type);
        if (c->sources)
            g_ptr_array_unref(c->sources);
        vkXmlElemFree(c->protocol);
        vkXmlElemFree(c->log);
        vkXmlElemFree(c->target);
        vkXmlElemFree(c->address);
        break;
    }
    case VK_DOMAIN_DEVICE_INPUT: {
        vkDomainInputDef *i = payload;
        g_free(i->type);
        g_free(i->bus);
        g_free(i->model);
        if (i->extra)
            g_ptr_array_unref(i->extra);
        vkXmlElemFree(i->address);
        break;
    }
    case VK_DOMAIN_DEVICE_GRAPHICS: {
        vkDomainGraphicsDef *g = payload;
        g_free(g->type);
        g_free(g->listen);
        g_free(g->passwd);
        g_free(g->passwdValidTo);
        g_free(g->keymap);
        g_free(g->socket);
        if (g->listens)
            g_ptr_array_unref(g->listens);
        if (g->attrs)
            g_ptr_array_unref(g->attrs);
        if (g->extra)
            g_ptr_array_unref(g->extra);
        break;
    }
    case VK_DOMAIN_DEVICE_VIDEO: {
        vkDomainVideoDef *v = payload;
        g_free(v->modelType);
        if (v->modelAttrs)
            g_ptr_array_unref(v->modelAttrs);
        if (v->modelChildren)
            g_ptr_array_unref(v->modelChildren);
        if (v->extra)
            g_ptr_array_unref(v->extra);
        vkXmlElemFree(v->address);
        break;
    }
    case VK_DOMAIN_DEVICE_OTHER:
        vkXmlElemFree(payload);
        return;
    case VK_DOMAIN_DEVICE_LAST:
        return;
    }
    g_free(payload);
}

void
vkDomainDeviceDefClear(vkDomainDeviceDef *dev)
{
    vkDomainDevicePayloadFree(dev->type, dev->data.disk);
    dev->data.disk = NULL;
}

void
vkDomainDeviceDefFree(vkDomainDeviceDef *dev)
{
    if (!dev)
        return;
    vkDomainDeviceDefClear(dev);
    g_free(dev);
}

static void freeDisk(gpointer p) { vkDomainDevicePayloadFree(VK_DOMAIN_DEVICE_DISK, p); }
static void freeCtrl(gpointer p) { vkDomainDevicePayloadFree(VK_DOMAIN_DEVICE_CONTROLLER, p); }
static void freeFS(gpointer p) { vkDomainDevicePayloadFree(VK_DOMAIN_DEVICE_FS, p); }
static void freeNet(gpointer p) { vkDomainDevicePayloadFree(VK_DOMAIN_DEVICE_NET, p); }
static void freeChr(gpointer p) { vkDomainDevicePayloadFree(VK_DOMAIN_DEVICE_CHR, p); }
static void freeInput(gpointer p) { vkDomainDevicePayloadFree(VK_DOMAIN_DEVICE_INPUT, p); }
static void freeGraphics(gpointer p) { vkDomainDevicePayloadFree(VK_DOMAIN_DEVICE_GRAPHICS, p); }
static void freeVideo(gpointer p) { vkDomainDevicePayloadFree(VK_DOMAIN_DEVICE_VIDEO, p); }
static void freeOther(gpointer p) { vkDomainDevicePayloadFree(VK_DOMAIN_DEVICE_OTHER, p); }

static const GDestroyNotify devFreeFuncs[VK_DOMAIN_DEVICE_LAST] = {
    freeDisk, freeCtrl, freeFS, freeNet, freeChr, freeInput, freeGraphics,
    freeVideo, freeOther,
};

GPtrArray *
vkDomainDevList(vkDomainDef *def, int type)
{
    GPtrArray **slot = &def->priv->devs[type];

    if (!*slot)
        *slot = g_ptr_array_new_with_free_func(devFreeFuncs[type] ? devFreeFuncs[type] : freeVoid);
    return *slot;
}

size_t
vkDomainDefNumDevices(const vkDomainDef *def, int deviceType)
{
    if (deviceType < 0 || deviceType >= VK_DOMAIN_DEVICE_LAST ||
        !def->priv->devs[deviceType])
        return 0;
    return def->priv->devs[deviceType]->len;
}

vkDomainDef *
vkDomainDefNew(void)
{
    vkDomainDef *def = g_new0(vkDomainDef, 1);

    def->priv = g_new0(vkDomainDefPriv, 1);
    def->id = -1;
    def->maxVcpus = 1;
    def->vcpus = 1;
    def->onPoweroff = VIR_DOMAIN_LIFECYCLE_ACTION_DESTROY;
    def->onReboot = VIR_DOMAIN_LIFECYCLE_ACTION_RESTART;
    def->onCrash = VIR_DOMAIN_LIFECYCLE_ACTION_DESTROY;
    def->priv->clockOffset = VK_DOMAIN_CLOCK_UTC;
    return def;
}

static void
cpuFree(vkDomainCpuDef *cpu)
{
    if (!cpu)
        return;
    g_free(cpu->mode);
    g_free(cpu->match);
    g_free(cpu->check);
    g_free(cpu->migratable);
    g_free(cpu->model);
    g_free(cpu->modelFallback);
    g_free(cpu->modelVendorId);
    g_free(cpu->vendor);
    if (cpu->features)
        g_ptr_array_unref(cpu->features);
    if (cpu->extra)
        g_ptr_array_unref(cpu->extra);
    g_free(cpu);
}

static void
unrefArray(GPtrArray *a)
{
    if (a)
        g_ptr_array_unref(a);
}

void
vkDomainDefFree(vkDomainDef *def)
{
    vkDomainDefPriv *p;
    int i;

    if (!def)
        return;
    g_free(def->virtType);
    g_free(def->name);
    g_free(def->title);
    g_free(def->description);
    g_free(def->osType);
    g_free(def->osArch);
    g_free(def->osMachine);
    g_free(def->bootDevs);
    g_free(def->kernel);
    g_free(def->initrd);
    g_free(def->cmdline);
    g_free(def->loader);
    g_free(def->init);
    g_free(def->emulator);
    if ((p = def->priv)) {
        if (p->metadata)
            xmlFreeDoc(p->metadata);
        g_free(p->cpuset);
        vkXmlElemFree(p->loader);
        unrefArray(p->initargs);
        unrefArray(p->osExtra);
        unrefArray(p->features);
        cpuFree(p->cpu);
        g_free(p->clockAdjustment);
        g_free(p->clockTimezone);
        g_free(p->osFirmware);
        g_free(p->clockStart);
        g_free(p->clockBasis);
        unrefArray(p->timers);
        unrefArray(p->topExtra);
        for (i = 0; i < VK_DOMAIN_DEVICE_LAST; i++)
            unrefArray(p->devs[i]);
        g_free(p);
    }
    g_free(def);
}

vkDomainDef *
vkDomainDefCopy(const vkDomainDef *def)
{
    g_autofree char *xml = NULL;
    vkDomainDef *copy;

    if (!(xml = vkDomainDefFormat(def, VIR_DOMAIN_XML_SECURE)))
        return NULL;
    if (!(copy = vkDomainDefParseString(xml, NULL, VK_DOMAIN_PARSE_COPY)))
        return NULL;
    copy->id = def->id;
    return copy;
}

int
vkDomainDiskFind(const vkDomainDef *def, const char *path)
{
    GPtrArray *disks = def->priv->devs[VK_DOMAIN_DEVICE_DISK];

    for (guint i = 0; disks && i < disks->len; i++) {
        const vkDomainDiskDef *d = disks->pdata[i];

        if (g_strcmp0(d->dst, path) == 0)
            return i;
    }
    for (guint i = 0; disks && i < disks->len; i++) {
        const vkDomainDiskDef *d = disks->pdata[i];

        if (d->src && d->type != VK_DOMAIN_DISK_TYPE_NETWORK && strcmp(d->src, path) == 0)
            return i;
    }
    return -1;
}
