/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Domain XML -> vkDomainDef: the top-level elements.
 *
 * The parser walks the children of <domain> once, dispatching on the
 * element name, with no XPath: defining ten thousand domains must cost
 * little more than libxml2's own parse.  Defaults libvirt fills in (uuid,
 * currentMemory, boot device, console for a serial port, ...) are filled
 * in here, after the walk, so the formatter only ever writes what the
 * struct holds and a second round trip changes nothing.
 */
#include <string.h>
#include <stdlib.h>
#include <errno.h>

#include "conf/domain-conf-priv.h"
#include "conf/domain-name.h"
#include "util/uuid.h"

#define VIR_FROM_THIS VIR_FROM_DOMAIN
#include "util/error.h"

#define NAME_IS(node, str) (strcmp((const char *)(node)->name, (str)) == 0)

static const char *const virtTypes[] = {
    "none", "qemu", "kqemu", "kvm", "xen", "lxc", "uml", "openvz", "test",
    "vmware", "hyperv", "vbox", "phyp", "parallels", "bhyve", "vz", "hvf", NULL,
};
static const char *const osTypes[] = { "hvm", "xen", "linux", "exe", "uml", "xenpvh", NULL };

/* Errors as libvirt gives them: a value that is not a number is the XML's
 * fault, an unknown unit or a size past LLONG_MAX bytes come from its
 * generic integer scaler (no error domain), and the KiB value rounded up
 * past that cap is the domain code's overflow. */
static int
parseMemory(xmlNodePtr node, unsigned long long *out)
{
    g_autofree char *t = vkXmlText(node);
    const char *unit = vkXmlAttr(node, "unit");

    switch (vkConfScaleToKiB(t, unit, out)) {
    case 0:
        break;
    case VK_CONF_SCALE_BAD_UNIT:
        vkReportErrorFull(VIR_FROM_NONE, VIR_ERR_INVALID_ARG, __FILE__, __func__, __LINE__,
                          "unknown suffix '%s'", unit);
        return -1;
    case VK_CONF_SCALE_OVERFLOW:
        vkReportErrorFull(VIR_FROM_NONE, VIR_ERR_OVERFLOW, __FILE__, __func__, __LINE__,
                          "value too large: %s%s", g_strstrip(t), unit ? unit : "");
        return -1;
    default:
        vkReportErrorFull(VIR_FROM_XML, VIR_ERR_XML_ERROR, __FILE__, __func__, __LINE__,
                          "invalid memory value '%s' in <%s>",
                          t ? t : "", node->name);
        return -1;
    }
    if (*out > (unsigned long long)G_MAXINT64 / 1024) {
        vkReportError(VIR_ERR_OVERFLOW, "size value too large in <%s>", node->name);
        return -1;
    }
    return 0;
}

static int
parseUIntAttr(xmlNodePtr node, const char *name, unsigned int *out)
{
    const char *v = vkXmlAttr(node, name);

    if (!v)
        return 0;
    if (vkDomainParseUInt(v, out) < 0) {
        vkReportError(VIR_ERR_XML_DETAIL,
                      "invalid value '%s' for attribute '%s' of <%s>",
                      v, name, node->name);
        return -1;
    }
    return 1;
}

static int
parseVcpu(vkDomainDef *def, xmlNodePtr node)
{
    g_autofree char *t = vkXmlText(node);
    const char *placement = vkXmlAttr(node, "placement");
    const char *cpuset = vkXmlAttr(node, "cpuset");
    unsigned int cur = 0;
    int r;

    if (vkDomainParseUInt(t ? g_strstrip(t) : NULL, &def->maxVcpus) < 0 ||
        def->maxVcpus == 0) {
        vkReportError(VIR_ERR_XML_DETAIL, "invalid vcpu count '%s' in <vcpu>",
                      t ? t : "");
        return -1;
    }
    if ((r = parseUIntAttr(node, "current", &cur)) < 0)
        return -1;
    if (r == 1 && cur > def->maxVcpus) {
        /* libvirt's code: a valid value the configuration cannot have */
        vkReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      "maximum vCPU count must not be less than current vCPU "
                      "count (%u > %u in <vcpu>)", cur, def->maxVcpus);
        return -1;
    }
    if (r == 1 && cur == 0) {
        vkReportError(VIR_ERR_XML_DETAIL,
                      "invalid current vcpu count 0 in <vcpu>: must be "
                      "between 1 and the maximum %u", def->maxVcpus);
        return -1;
    }
    def->vcpus = r == 1 ? cur : def->maxVcpus;
    if (placement) {
        if (strcmp(placement, "auto") == 0) {
            def->priv->placementAuto = true;
        } else if (strcmp(placement, "static") != 0) {
            vkReportError(VIR_ERR_XML_DETAIL,
                          "invalid placement '%s' in <vcpu>", placement);
            return -1;
        }
    }
    g_free(def->priv->cpuset);
    def->priv->cpuset = g_strdup(cpuset);
    return 0;
}

static int
parseOS(vkDomainDef *def, xmlNodePtr os)
{
    vkDomainDefPriv *p = def->priv;
    const char *firmware = vkXmlAttr(os, "firmware");
    xmlNodePtr n;

    if (firmware && strcmp(firmware, "efi") != 0 && strcmp(firmware, "bios") != 0) {
        vkReportError(VIR_ERR_XML_DETAIL, "invalid firmware '%s' in <os firmware>", firmware);
        return -1;
    }
    g_free(p->osFirmware);
    p->osFirmware = g_strdup(firmware);
    for (n = os->children; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        if (NAME_IS(n, "type")) {
            g_autofree char *t = vkXmlText(n);
            if (t && vkDomainEnumFromString(osTypes, 6, g_strstrip(t)) < 0) {
                vkReportError(VIR_ERR_XML_DETAIL,
                              "invalid os type '%s' in <os><type>", t);
                return -1;
            }
            g_free(def->osType);
            def->osType = g_steal_pointer(&t);
            g_free(def->osArch);
            def->osArch = g_strdup(vkXmlAttr(n, "arch"));
            g_free(def->osMachine);
            def->osMachine = g_strdup(vkXmlAttr(n, "machine"));
        } else if (NAME_IS(n, "boot")) {
            const char *dev = vkXmlAttr(n, "dev");
            int b = vkDomainEnumFromString(vkDomainBootTable, VK_DOMAIN_BOOT_LAST, dev);
            if (b < 0) {
                vkReportError(VIR_ERR_XML_DETAIL,
                              "invalid boot device '%s' in <boot dev>",
                              dev ? dev : "");
                return -1;
            }
            def->bootDevs = g_renew(int, def->bootDevs, def->nbootDevs + 1);
            def->bootDevs[def->nbootDevs++] = b;
        } else if (NAME_IS(n, "kernel")) {
            g_free(def->kernel);
            def->kernel = vkXmlText(n);
        } else if (NAME_IS(n, "initrd")) {
            g_free(def->initrd);
            def->initrd = vkXmlText(n);
        } else if (NAME_IS(n, "cmdline")) {
            g_free(def->cmdline);
            def->cmdline = vkXmlText(n);
        } else if (NAME_IS(n, "loader")) {
            g_free(def->loader);
            def->loader = vkXmlText(n);
            vkXmlElemFree(p->loader);
            p->loader = vkXmlElemFromNode(n);
            g_clear_pointer(&p->loader->text, g_free);
            /* a loader given by path and no type is a ROM (-bios) */
            if (def->loader && !vkXmlElemGetAttr(p->loader, "type"))
                vkXmlElemSetAttr(p->loader, "type", "rom");
        } else if (NAME_IS(n, "init")) {
            g_free(def->init);
            def->init = vkXmlText(n);
        } else if (NAME_IS(n, "initarg")) {
            if (!p->initargs)
                p->initargs = g_ptr_array_new_with_free_func(g_free);
            g_ptr_array_add(p->initargs, vkXmlText(n) ?: g_strdup(""));
        } else {
            vkXmlKeep(&p->osExtra, n);
        }
    }
    return 0;
}

static const char *const cpuModes[] = {
    "custom", "host-model", "host-passthrough", "maximum", NULL,
};
static const char *const cpuMatches[] = { "minimum", "exact", "strict", NULL };

static int
parseCPU(vkDomainDef *def, xmlNodePtr node)
{
    vkDomainCpuDef *cpu = g_new0(vkDomainCpuDef, 1);
    const char *mode = vkXmlAttr(node, "mode");
    const char *match = vkXmlAttr(node, "match");
    xmlNodePtr n;

    def->priv->cpu = cpu;   /* freed with def on error */
    if (mode && vkDomainEnumFromString(cpuModes, 4, mode) < 0) {
        vkReportError(VIR_ERR_XML_DETAIL, "invalid cpu mode '%s' in <cpu>", mode);
        return -1;
    }
    if (match && vkDomainEnumFromString(cpuMatches, 3, match) < 0) {
        vkReportError(VIR_ERR_XML_DETAIL, "invalid cpu match '%s' in <cpu>", match);
        return -1;
    }
    cpu->mode = g_strdup(mode);
    cpu->match = g_strdup(match);
    cpu->check = g_strdup(vkXmlAttr(node, "check"));
    cpu->migratable = g_strdup(vkXmlAttr(node, "migratable"));
    for (n = node->children; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        if (NAME_IS(n, "model")) {
            g_free(cpu->model);
            cpu->model = vkXmlText(n);
            g_free(cpu->modelFallback);
            cpu->modelFallback = g_strdup(vkXmlAttr(n, "fallback"));
            g_free(cpu->modelVendorId);
            cpu->modelVendorId = g_strdup(vkXmlAttr(n, "vendor_id"));
        } else if (NAME_IS(n, "vendor")) {
            g_free(cpu->vendor);
            cpu->vendor = vkXmlText(n);
        } else if (NAME_IS(n, "topology")) {
            if (parseUIntAttr(n, "sockets", &cpu->sockets) < 0 ||
                parseUIntAttr(n, "dies", &cpu->dies) < 0 ||
                parseUIntAttr(n, "cores", &cpu->cores) < 0 ||
                parseUIntAttr(n, "threads", &cpu->threads) < 0)
                return -1;
            if (!cpu->sockets || !cpu->cores || !cpu->threads) {
                vkReportError(VIR_ERR_XML_DETAIL, "%s",
                              "<cpu><topology> needs non-zero sockets, cores and threads");
                return -1;
            }
            if (!cpu->dies)
                cpu->dies = 1;
        } else if (NAME_IS(n, "feature")) {
            if (!vkXmlAttr(n, "name")) {
                vkReportError(VIR_ERR_XML_DETAIL, "%s",
                              "missing name in <cpu><feature>");
                return -1;
            }
            vkXmlKeep(&cpu->features, n);
        } else {
            vkXmlKeep(&cpu->extra, n);
        }
    }
    if (!cpu->mode && (cpu->model || cpu->features))
        cpu->mode = g_strdup("custom");
    if (g_strcmp0(cpu->mode, "custom") == 0 && cpu->model) {
        if (!cpu->match)
            cpu->match = g_strdup("exact");
        if (!cpu->modelFallback)
            cpu->modelFallback = g_strdup("allow");
    }
    /* a host-model CPU's model (the compatibility model on POWER) falls
     * back as a custom one does */
    if (g_strcmp0(cpu->mode, "host-model") == 0 && cpu->model && !cpu->modelFallback)
        cpu->modelFallback = g_strdup("allow");
    return 0;
}

static int
parseClock(vkDomainDef *def, xmlNodePtr node)
{
    vkDomainDefPriv *p = def->priv;
    const char *offset = vkXmlAttr(node, "offset");
    xmlNodePtr n;

    if (offset) {
        p->clockOffset = vkDomainEnumFromString(vkDomainClockOffsetTable,
                                                VK_DOMAIN_CLOCK_LAST, offset);
        if (p->clockOffset < 0) {
            vkReportError(VIR_ERR_XML_DETAIL,
                          "invalid clock offset '%s' in <clock>", offset);
            return -1;
        }
    }
    p->clockAdjustment = g_strdup(vkXmlAttr(node, "adjustment"));
    p->clockTimezone = g_strdup(vkXmlAttr(node, "timezone"));
    p->clockBasis = g_strdup(vkXmlAttr(node, "basis"));
    p->clockStart = g_strdup(vkXmlAttr(node, "start"));
    for (n = node->children; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        if (NAME_IS(n, "timer")) {
            if (!vkXmlAttr(n, "name")) {
                vkReportError(VIR_ERR_XML_DETAIL, "%s",
                              "missing name in <clock><timer>");
                return -1;
            }
            vkXmlKeep(&p->timers, n);
        }
    }
    return 0;
}

static int
parseLifecycle(xmlNodePtr node, int *out)
{
    g_autofree char *t = vkXmlText(node);
    int v = vkDomainEnumFromString(vkDomainLifecycleTable,
                                   VIR_DOMAIN_LIFECYCLE_ACTION_LAST,
                                   t ? g_strstrip(t) : NULL);

    if (v < 0) {
        vkReportError(VIR_ERR_XML_DETAIL, "invalid value '%s' in <%s>",
                      t ? t : "", node->name);
        return -1;
    }
    *out = v;
    return 0;
}

/* Keeps the namespaced children of <metadata> in a private document;
 * libvirt drops elements without a namespace and repeats of one. */
static void
parseMetadata(vkDomainDef *def, xmlNodePtr node)
{
    xmlNodePtr n, root = NULL;

    if (def->priv->metadata)
        root = xmlDocGetRootElement(def->priv->metadata);
    for (n = node->children; n; n = n->next) {
        xmlNodePtr c, copy;
        bool dup = false;

        if (n->type != XML_ELEMENT_NODE || !n->ns || !n->ns->href)
            continue;
        if (root) {
            for (c = root->children; c; c = c->next) {
                if (c->ns && xmlStrEqual(c->ns->href, n->ns->href))
                    dup = true;
            }
        }
        if (dup)
            continue;
        if (!def->priv->metadata) {
            def->priv->metadata = xmlNewDoc(BAD_CAST "1.0");
            root = xmlNewDocNode(def->priv->metadata, NULL, BAD_CAST "metadata", NULL);
            xmlDocSetRootElement(def->priv->metadata, root);
        }
        copy = xmlDocCopyNode(n, def->priv->metadata, 1);
        if (copy) {
            xmlAddChild(root, copy);
            vkDomainMetadataStripBlanks(copy);
        }
    }
}

static bool
typeAllowed(const char *type, const char *allowed)
{
    g_auto(GStrv) list = NULL;
    size_t i;

    if (!allowed)
        return true;
    list = g_strsplit(allowed, ",", 0);
    for (i = 0; list[i]; i++) {
        if (strcmp(g_strstrip(list[i]), type) == 0)
            return true;
    }
    return false;
}

static int
parseDevices(vkDomainDef *def, xmlNodePtr devices, unsigned int flags)
{
    xmlNodePtr n;

    for (n = devices->children; n; n = n->next) {
        vkDomainDeviceDef dev = { 0 };
        int r;

        if (n->type != XML_ELEMENT_NODE)
            continue;
        if (NAME_IS(n, "emulator")) {
            g_free(def->emulator);
            def->emulator = vkXmlText(n);
            continue;
        }
        r = vkDomainDeviceParseNode(n, def->virtType, def->osType, flags, &dev);
        if (r < 0)
            return -1;
        if (r == 0 && dev.type == VK_DOMAIN_DEVICE_DISK)
            vkDomainDiskInsert(vkDomainDevList(def, dev.type), dev.data.disk);
        else if (r == 0)
            g_ptr_array_add(vkDomainDevList(def, dev.type), dev.data.disk);
    }
    return 0;
}

static void
prefixQemu(vkXmlElem *e)
{
    char *n = g_strconcat("qemu:", e->name, NULL);

    g_free(e->name);
    e->name = n;
    for (guint i = 0; e->children && i < e->children->len; i++)
        prefixQemu(e->children->pdata[i]);
}

/* libvirt's QEMU namespace (<qemu:commandline>, <qemu:capabilities>,
 * <qemu:override>, <qemu:deprecation>), whatever prefix the document
 * binds it to: kept under the prefix libvirt writes, for the QEMU driver
 * to apply or refuse.  A second copy of one is ignored, as libvirt does. */
static void
keepQemuNs(vkDomainDef *def, xmlNodePtr n)
{
    static const char *const names[] = {
        "commandline", "capabilities", "override", "deprecation", NULL,
    };
    g_autofree char *name = g_strconcat("qemu:", (const char *)n->name, NULL);
    GPtrArray *a;

    if (vkDomainEnumFromString(names, 100, (const char *)n->name) < 0)
        return;
    for (guint i = 0; (a = def->priv->topExtra) && i < a->len; i++) {
        if (strcmp(((vkXmlElem *)a->pdata[i])->name, name) == 0)
            return;
    }
    vkXmlKeep(&def->priv->topExtra, n);
    prefixQemu(def->priv->topExtra->pdata[def->priv->topExtra->len - 1]);
}

/* libvirt writes the children of these kept elements in a fixed order,
 * whatever order the document used. */
static void
canonicalChildren(vkXmlElem *e)
{
    static const char *const cputune[] = {
        "shares", "period", "quota", "global_period", "global_quota", "emulator_period",
        "emulator_quota", "iothread_period", "iothread_quota", "vcpupin", "emulatorpin",
        "iothreadpin", "emulatorsched", "vcpusched", "iothreadsched", "cachetune",
        "memorytune", NULL
    };
    static const char *const numatune[] = { "memory", "memnode", NULL };
    static const char *const memoryBacking[] = {
        "hugepages", "nosharepages", "locked", "source", "access", "allocation", "discard",
        NULL
    };

    if (strcmp(e->name, "cputune") == 0)
        vkXmlElemSortChildren(e, cputune);
    else if (strcmp(e->name, "numatune") == 0)
        vkXmlElemSortChildren(e, numatune);
    else if (strcmp(e->name, "memoryBacking") == 0)
        vkXmlElemSortChildren(e, memoryBacking);
}

static bool
hasChild(xmlNodePtr node, const char *name)
{
    for (xmlNodePtr n = node->children; n; n = n->next) {
        if (n->type == XML_ELEMENT_NODE && NAME_IS(n, name))
            return true;
    }
    return false;
}

static int
parseTop(vkDomainDef *def, xmlNodePtr root, unsigned int flags,
         bool *haveUUID)
{
    /* libvirt reads these through "./x[1]": the first one counts, later
     * copies are ignored */
    static const char *const firstWins[] = {
        "name", "uuid", "title", "description", "memory", "currentMemory",
        "maxMemory", "vcpu", "metadata",
    };
    unsigned int seen = 0;
    xmlNodePtr n, devices = NULL;

    for (n = root->children; n; n = n->next) {
        size_t i;

        if (n->type != XML_ELEMENT_NODE)
            continue;
        for (i = 0; i < G_N_ELEMENTS(firstWins) && !NAME_IS(n, firstWins[i]); i++)
            ;
        if (i < G_N_ELEMENTS(firstWins)) {
            if (seen & (1u << i))
                continue;
            seen |= 1u << i;
        }
        if (NAME_IS(n, "name")) {
            g_free(def->name);
            def->name = vkXmlText(n);
        } else if (NAME_IS(n, "uuid")) {
            g_autofree char *t = vkXmlText(n);
            if (vkUUIDParse(t, def->uuid) < 0) {
                /* libvirt's code for a malformed <uuid> */
                vkReportError(VIR_ERR_INTERNAL_ERROR, "malformed uuid element '%s' in <uuid>",
                              t ? t : "");
                return -1;
            }
            *haveUUID = true;
        } else if (NAME_IS(n, "title")) {
            g_free(def->title);
            def->title = vkXmlText(n);
        } else if (NAME_IS(n, "description")) {
            g_free(def->description);
            def->description = vkXmlText(n);
        } else if (NAME_IS(n, "metadata")) {
            parseMetadata(def, n);
        } else if (NAME_IS(n, "memory")) {
            const char *core = vkXmlAttr(n, "dumpCore");

            if (parseMemory(n, &def->maxMemory) < 0)
                return -1;
            if (core && strcmp(core, "on") != 0 && strcmp(core, "off") != 0) {
                vkReportErrorFull(VIR_FROM_XML, VIR_ERR_XML_ERROR, __FILE__, __func__,
                                  __LINE__, "Invalid value for attribute 'dumpCore' in "
                                  "element 'memory': '%s'.", core);
                return -1;
            }
            def->memDumpCore = !core ? 0 : strcmp(core, "on") == 0 ? 1 : 2;
        } else if (NAME_IS(n, "currentMemory")) {
            if (parseMemory(n, &def->currentMemory) < 0)
                return -1;
        } else if (NAME_IS(n, "maxMemory")) {
            if (parseMemory(n, &def->memoryHotplugMax) < 0 ||
                parseUIntAttr(n, "slots", &def->memorySlots) < 0)
                return -1;
        } else if (NAME_IS(n, "vcpu")) {
            if (parseVcpu(def, n) < 0)
                return -1;
        } else if (NAME_IS(n, "os")) {
            if (parseOS(def, n) < 0)
                return -1;
        } else if (NAME_IS(n, "features")) {
            xmlNodePtr f;
            for (f = n->children; f; f = f->next) {
                if (f->type == XML_ELEMENT_NODE)
                    vkXmlKeep(&def->priv->features, f);
            }
            if (!def->priv->features)
                def->priv->features = g_ptr_array_new_with_free_func((GDestroyNotify)vkXmlElemFree);
        } else if (NAME_IS(n, "cpu")) {
            if (def->priv->cpu)
                continue;
            if (parseCPU(def, n) < 0)
                return -1;
        } else if (NAME_IS(n, "clock")) {
            if (parseClock(def, n) < 0)
                return -1;
        } else if (NAME_IS(n, "on_poweroff")) {
            if (parseLifecycle(n, &def->onPoweroff) < 0)
                return -1;
        } else if (NAME_IS(n, "on_reboot")) {
            if (parseLifecycle(n, &def->onReboot) < 0)
                return -1;
        } else if (NAME_IS(n, "on_crash")) {
            if (parseLifecycle(n, &def->onCrash) < 0)
                return -1;
        } else if (NAME_IS(n, "devices")) {
            devices = n;
        } else if (n->ns && n->ns->href &&
                   xmlStrEqual(n->ns->href, BAD_CAST VK_DOMAIN_QEMU_NS)) {
            keepQemuNs(def, n);
        } else if (!n->ns && vkDomainEnumFromString(vkDomainTopExtraTable, 100,
                                                    (const char *)n->name) >= 0) {
            vkXmlKeep(&def->priv->topExtra, n);
            canonicalChildren(def->priv->topExtra->pdata[def->priv->topExtra->len - 1]);
        }
    }
    /* as libvirt: a host-side bootloader means a Xen PV guest */
    if (!def->osType && hasChild(root, "bootloader"))
        def->osType = g_strdup("xen");
    /* devices last: their defaults depend on the os type */
    if (def->osType && devices && parseDevices(def, devices, flags) < 0)
        return -1;
    return 0;
}

/* The sum of the <cpu><numa> cells' memory in KiB, 0 without cells (or
 * with a cell whose size does not parse: the driver names it). */
static unsigned long long
numaMemory(const vkDomainDef *def)
{
    const vkDomainCpuDef *cpu = def->priv->cpu;
    unsigned long long total = 0, kib;

    for (guint i = 0; cpu && cpu->extra && i < cpu->extra->len; i++) {
        const vkXmlElem *e = cpu->extra->pdata[i];

        for (guint k = 0; strcmp(e->name, "numa") == 0 && e->children &&
             k < e->children->len; k++) {
            const vkXmlElem *cell = e->children->pdata[k];

            if (vkConfScaleToKiB(vkXmlElemGetAttr(cell, "memory"),
                                 vkXmlElemGetAttr(cell, "unit"), &kib) < 0)
                return 0;
            total += kib;
        }
    }
    return total;
}

/* <seclabel> is kept as written, but its type must be one libvirt knows
 * ('default' is the absence of the attribute, not a value). */
static int
checkSeclabels(xmlNodePtr root)
{
    static const char *const types[] = { "none", "dynamic", "static", NULL };
    g_autoptr(GPtrArray) models = g_ptr_array_new();
    guint nlabels = 0;

    for (xmlNodePtr n = root->children; n; n = n->next)
        nlabels += n->type == XML_ELEMENT_NODE && NAME_IS(n, "seclabel");
    for (xmlNodePtr n = root->children; n; n = n->next) {
        const char *type, *model;

        if (n->type != XML_ELEMENT_NODE || !NAME_IS(n, "seclabel"))
            continue;
        /* one label per security driver, each naming its driver when
         * there are several */
        if (!(model = vkXmlAttr(n, "model")) && nlabels > 1) {
            vkReportError(VIR_ERR_XML_ERROR, "%s",
                          "missing security model when using multiple labels");
            return -1;
        }
        if (model) {
            if (g_ptr_array_find_with_equal_func(models, model, g_str_equal, NULL)) {
                vkReportError(VIR_ERR_XML_DETAIL,
                              "seclabel for model %s is already provided", model);
                return -1;
            }
            g_ptr_array_add(models, (gpointer)model);
        }
        if (!(type = vkXmlAttr(n, "type")))
            continue;
        if (!g_strv_contains(types, type)) {
            vkReportError(VIR_ERR_XML_ERROR,
                          "Invalid value for attribute 'type' in element 'seclabel': '%s'.",
                          type);
            return -1;
        }
    }
    return 0;
}

vkDomainDef *
vkDomainDefParseNode(vkXmlNodePtr root, const char *virtType,
                     unsigned int flags)
{
    g_autoptr(vkDomainDef) def = NULL;
    const char *type, *id;
    bool haveUUID = false;

    if (!root || root->type != XML_ELEMENT_NODE || !NAME_IS(root, "domain")) {
        vkReportErrorFull(VIR_FROM_XML, VIR_ERR_XML_ERROR, __FILE__, __func__, __LINE__,
                      "unexpected root element <%s>, expecting <domain>",
                      root && root->name ? (const char *)root->name : "");
        return NULL;
    }
    type = vkXmlAttr(root, "type");
    if (!type) {
        vkReportError(VIR_ERR_XML_ERROR, "%s",
                      "missing domain type attribute in <domain type=''>");
        return NULL;
    }
    if (vkDomainEnumFromString(virtTypes, 100, type) < 0) {
        vkReportError(VIR_ERR_CONFIG_UNSUPPORTED, "unknown domain type '%s' in <domain>",
                      type);
        return NULL;
    }
    if (!typeAllowed(type, virtType)) {
        vkReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      "domain type '%s' is not supported by this driver "
                      "(expected '%s')", type, virtType);
        return NULL;
    }
    def = vkDomainDefNew();
    def->virtType = g_strdup(type);
    if (!(flags & VK_DOMAIN_PARSE_INACTIVE) && (id = vkXmlAttr(root, "id"))) {
        char *end;
        long v;
        errno = 0;
        v = strtol(id, &end, 10);
        if (errno || *end || end == id || v < -1 || v > G_MAXINT) {
            vkReportError(VIR_ERR_XML_DETAIL, "invalid id '%s' in <domain>", id);
            return NULL;
        }
        def->id = (int)v;
    }

    if (checkSeclabels(root) < 0 || parseTop(def, root, flags, &haveUUID) < 0 ||
        vkDomainDiskSourceCheck(def) < 0)
        return NULL;
    if (flags & VK_DOMAIN_PARSE_INACTIVE)
        vkDomainDefDropLive(def);

    if (vkDomainNameCheck(def->name) < 0)
        return NULL;
    if (def->title && strchr(def->title, '\n')) {
        vkReportError(VIR_ERR_XML_DETAIL,
                      "invalid title of domain '%s': it cannot contain a newline",
                      def->name);
        return NULL;
    }
    if (vkDomainSysinfoCheck(def, haveUUID) < 0)
        return NULL;
    /* with NUMA cells, the guest's memory is theirs, as in libvirt */
    if (def->maxMemory == 0)
        def->maxMemory = numaMemory(def);
    if (def->maxMemory == 0) {
        vkReportError(VIR_ERR_XML_ERROR,
                      "memory size of domain '%s' must be given in <memory>",
                      def->name);
        return NULL;
    }
    if (!def->osType) {
        /* as libvirt: the guest's OS type is never guessed otherwise */
        vkReportError(VIR_ERR_XML_ERROR,
                      "an os <type> must be specified for domain '%s'", def->name);
        return NULL;
    }
    if (def->currentMemory == 0 || def->currentMemory > def->maxMemory) {
        def->currentMemoryFilled = def->currentMemory == 0;
        def->currentMemory = def->maxMemory;
    }
    if (def->memoryHotplugMax && def->memoryHotplugMax < def->maxMemory) {
        vkReportError(VIR_ERR_XML_DETAIL,
                      "<maxMemory> of domain '%s' is smaller than <memory>",
                      def->name);
        return NULL;
    }
    if (vkDomainDefPostParseDevices(def, virtType) < 0 || vkDomainDriveAddressCheck(def) < 0)
        return NULL;
    /* The QEMU driver adds its implicit USB controller after this and
     * checks redirected devices then; it alone takes FDs for disks.  A
     * copy was checked by its driver, which may have been QEMU. */
    if (!(flags & VK_DOMAIN_PARSE_COPY) && !vkDomainDriverIsQemu(virtType) &&
        (vkDomainDefRedirdevCheck(def) < 0 || vkDomainDiskFdgroupCheck(def) < 0))
        return NULL;
    return g_steal_pointer(&def);
}

vkDomainDef *
vkDomainDefParseString(const char *xml, const char *virtType,
                       unsigned int flags)
{
    xmlDocPtr doc;
    vkDomainDef *def;

    if (!(doc = vkConfReadXML(xml, "domain")))
        return NULL;
    def = vkDomainDefParseNode(xmlDocGetRootElement(doc), virtType, flags);
    xmlFreeDoc(doc);
    if (def && (flags & VK_DOMAIN_PARSE_VALIDATE) && vkDomainXMLValidate(xml) < 0) {
        vkDomainDefFree(def);
        return NULL;
    }
    return def;
}
