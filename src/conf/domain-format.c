/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * vkDomainDef -> domain XML: the top-level elements.
 *
 * The output is canonical: elements in the order libvirt's own formatter
 * uses, two-space indentation, single-quoted attributes, memory in KiB.
 * Everything is appended to one GString; nothing is built as a tree first,
 * because formatting runs on every dumpxml and every config save.
 */
#include <string.h>
#include <libxml/tree.h>

#include "conf/domain-conf-priv.h"
#include "util/uuid.h"

#define VIR_FROM_THIS VIR_FROM_DOMAIN
#include "util/error.h"

static void
textElem(GString *buf, int indent, const char *name, const char *value)
{
    if (!value)
        return;
    g_string_append_printf(buf, "%*s<%s>", indent, "", name);
    vkConfEscape(buf, value);
    g_string_append_printf(buf, "</%s>\n", name);
}

/* Writes the kept top-level elements whose names are in names[]. */
static void
topExtra(GString *buf, const vkDomainDef *def, const char *const *names)
{
    GPtrArray *a = def->priv->topExtra;
    size_t n;
    guint i;

    if (!a)
        return;
    for (n = 0; names[n]; n++) {
        for (i = 0; i < a->len; i++) {
            vkXmlElem *e = a->pdata[i];
            if (strcmp(e->name, names[n]) == 0)
                vkXmlElemFormat(buf, e, 2);
        }
    }
}

static bool
nameIn(const char *name, const char *const *names)
{
    for (; *names; names++) {
        if (strcmp(name, *names) == 0)
            return true;
    }
    return false;
}

static const char *const osBeforeLoader[] = { "firmware", NULL };
static const char *const osAfterLoader[] = { "nvram", NULL };
static const char *const osAfterInit[] = {
    "initenv", "initdir", "inituser", "initgroup", NULL,
};
static const char *const osAfterCmdline[] = { "dtb", "root", "acpi", NULL };

static void
osExtra(GString *buf, const vkDomainDef *def, const char *const *names,
        bool rest)
{
    GPtrArray *a = def->priv->osExtra;
    guint i;

    for (i = 0; a && i < a->len; i++) {
        vkXmlElem *e = a->pdata[i];
        bool listed = nameIn(e->name, osBeforeLoader) || nameIn(e->name, osAfterLoader) ||
                      nameIn(e->name, osAfterInit) ||
                      nameIn(e->name, osAfterCmdline);
        if (rest ? !listed : nameIn(e->name, names))
            vkXmlElemFormat(buf, e, 4);
    }
}

static void
formatOS(GString *buf, const vkDomainDef *def)
{
    const vkDomainDefPriv *p = def->priv;
    size_t i;

    g_string_append(buf, "  <os");
    vkConfAttr(buf, "firmware", p->osFirmware);
    g_string_append(buf, ">\n    <type");
    vkConfAttr(buf, "arch", def->osArch);
    vkConfAttr(buf, "machine", def->osMachine);
    g_string_append_c(buf, '>');
    vkConfEscape(buf, def->osType ? def->osType : "hvm");
    g_string_append(buf, "</type>\n");
    osExtra(buf, def, osBeforeLoader, false);
    if (def->loader || p->loader) {
        guint j;
        g_string_append(buf, "    <loader");
        for (j = 0; p->loader && p->loader->attrs && j + 1 < p->loader->attrs->len; j += 2)
            vkConfAttr(buf, p->loader->attrs->pdata[j], p->loader->attrs->pdata[j + 1]);
        if (def->loader) {
            g_string_append_c(buf, '>');
            vkConfEscape(buf, def->loader);
            g_string_append(buf, "</loader>\n");
        } else {
            g_string_append(buf, "/>\n");
        }
    }
    osExtra(buf, def, osAfterLoader, false);
    textElem(buf, 4, "init", def->init);
    for (i = 0; p->initargs && i < p->initargs->len; i++)
        textElem(buf, 4, "initarg", p->initargs->pdata[i]);
    osExtra(buf, def, osAfterInit, false);
    textElem(buf, 4, "kernel", def->kernel);
    textElem(buf, 4, "initrd", def->initrd);
    textElem(buf, 4, "cmdline", def->cmdline);
    osExtra(buf, def, osAfterCmdline, false);
    for (i = 0; i < def->nbootDevs; i++) {
        int b = def->bootDevs[i];
        if (b >= 0 && b < VK_DOMAIN_BOOT_LAST)
            g_string_append_printf(buf, "    <boot dev='%s'/>\n", vkDomainBootTable[b]);
    }
    osExtra(buf, def, NULL, true);
    g_string_append(buf, "  </os>\n");
}

static void
formatCPU(GString *buf, const vkDomainCpuDef *cpu)
{
    guint i;
    /* a host-model CPU keeps the vendor ID it shows the guest, without
     * a model of its own */
    bool hostVendor = !cpu->model && cpu->modelVendorId && g_strcmp0(cpu->mode, "host-model") == 0;
    bool empty = !cpu->model && !hostVendor && !cpu->vendor && !cpu->sockets &&
                 !(cpu->features && cpu->features->len) &&
                 !(cpu->extra && cpu->extra->len);

    if (empty && !cpu->mode)
        return;
    g_string_append(buf, "  <cpu");
    vkConfAttr(buf, "mode", cpu->mode);
    vkConfAttr(buf, "match", cpu->match);
    vkConfAttr(buf, "check", cpu->check);
    vkConfAttr(buf, "migratable", cpu->migratable);
    if (empty) {
        g_string_append(buf, "/>\n");
        return;
    }
    g_string_append(buf, ">\n");
    if (cpu->model) {
        g_string_append(buf, "    <model");
        vkConfAttr(buf, "fallback", cpu->modelFallback);
        vkConfAttr(buf, "vendor_id", cpu->modelVendorId);
        g_string_append_c(buf, '>');
        vkConfEscape(buf, cpu->model);
        g_string_append(buf, "</model>\n");
    } else if (hostVendor) {
        g_string_append(buf, "    <model");
        vkConfAttr(buf, "vendor_id", cpu->modelVendorId);
        g_string_append(buf, "/>\n");
    }
    textElem(buf, 4, "vendor", cpu->vendor);
    if (cpu->sockets)
        g_string_append_printf(buf,
                               "    <topology sockets='%u' dies='%u' cores='%u' threads='%u'/>\n",
                               cpu->sockets, cpu->dies, cpu->cores, cpu->threads);
    for (i = 0; cpu->extra && i < cpu->extra->len; i++) {
        vkXmlElem *e = cpu->extra->pdata[i];
        if (strcmp(e->name, "cache") == 0)
            vkXmlElemFormat(buf, e, 4);
    }
    for (i = 0; cpu->features && i < cpu->features->len; i++)
        vkXmlElemFormat(buf, cpu->features->pdata[i], 4);
    for (i = 0; cpu->extra && i < cpu->extra->len; i++) {
        vkXmlElem *e = cpu->extra->pdata[i];
        if (strcmp(e->name, "cache") != 0)
            vkXmlElemFormat(buf, e, 4);
    }
    g_string_append(buf, "  </cpu>\n");
}

static void
formatClock(GString *buf, const vkDomainDef *def)
{
    const vkDomainDefPriv *p = def->priv;
    int off = p->clockOffset;
    guint i;

    if (off < 0 || off >= VK_DOMAIN_CLOCK_LAST)
        off = VK_DOMAIN_CLOCK_UTC;
    g_string_append_printf(buf, "  <clock offset='%s'", vkDomainClockOffsetTable[off]);
    vkConfAttr(buf, "adjustment", p->clockAdjustment);
    vkConfAttr(buf, "basis", p->clockBasis);
    vkConfAttr(buf, "timezone", p->clockTimezone);
    vkConfAttr(buf, "start", p->clockStart);
    if (!p->timers || !p->timers->len) {
        g_string_append(buf, "/>\n");
        return;
    }
    g_string_append(buf, ">\n");
    for (i = 0; i < p->timers->len; i++)
        vkXmlElemFormat(buf, p->timers->pdata[i], 4);
    g_string_append(buf, "  </clock>\n");
}

static void
formatMetadata(GString *buf, const vkDomainDef *def)
{
    xmlNodePtr root, n;
    xmlBufferPtr xb;

    if (!def->priv->metadata ||
        !(root = xmlDocGetRootElement(def->priv->metadata)) || !root->children)
        return;
    g_string_append(buf, "  <metadata>\n");
    xb = xmlBufferCreate();
    for (n = root->children; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        xmlBufferEmpty(xb);
        xmlNodeDump(xb, def->priv->metadata, n, 2, 1);
        g_string_append(buf, "    ");
        g_string_append_len(buf, (const char *)xmlBufferContent(xb), xmlBufferLength(xb));
        g_string_append_c(buf, '\n');
    }
    xmlBufferFree(xb);
    g_string_append(buf, "  </metadata>\n");
}

static const char *lifecycle(int v)
{
    if (v < 0 || v >= VIR_DOMAIN_LIFECYCLE_ACTION_LAST)
        v = VIR_DOMAIN_LIFECYCLE_ACTION_DESTROY;
    return vkDomainLifecycleTable[v];
}

static void
formatDevices(GString *buf, const vkDomainDef *def, unsigned int flags)
{
    const vkDomainDefPriv *p = def->priv;
    static const int chrOrder[] = {
        [VK_DOMAIN_CHR_SERIAL] = 6, [VK_DOMAIN_CHR_PARALLEL] = 7,
        [VK_DOMAIN_CHR_CONSOLE] = 8, [VK_DOMAIN_CHR_CHANNEL] = 9,
    };
    size_t slot;
    guint i;

    g_string_append(buf, "  <devices>\n");
    textElem(buf, 4, "emulator", def->emulator);
    for (slot = 0; vkDomainOtherDeviceTable[slot]; slot++) {
        const char *name = vkDomainOtherDeviceTable[slot];
        int type = -1;
        GPtrArray *a;

        if (strcmp(name, "disk") == 0)
            type = VK_DOMAIN_DEVICE_DISK;
        else if (strcmp(name, "controller") == 0)
            type = VK_DOMAIN_DEVICE_CONTROLLER;
        else if (strcmp(name, "filesystem") == 0)
            type = VK_DOMAIN_DEVICE_FS;
        else if (strcmp(name, "interface") == 0)
            type = VK_DOMAIN_DEVICE_NET;
        else if (strcmp(name, "input") == 0)
            type = VK_DOMAIN_DEVICE_INPUT;
        else if (strcmp(name, "graphics") == 0)
            type = VK_DOMAIN_DEVICE_GRAPHICS;
        else if (strcmp(name, "video") == 0)
            type = VK_DOMAIN_DEVICE_VIDEO;
        else if (slot >= 6 && slot <= 9)
            type = VK_DOMAIN_DEVICE_CHR;
        else
            type = VK_DOMAIN_DEVICE_OTHER;

        if (!(a = p->devs[type]))
            continue;
        for (i = 0; i < a->len; i++) {
            vkDomainDeviceDef dev = { .type = type, .data.disk = a->pdata[i] };
            if (type == VK_DOMAIN_DEVICE_CHR &&
                chrOrder[dev.data.chr->kind] != (int)slot)
                continue;
            if (type == VK_DOMAIN_DEVICE_OTHER &&
                strcmp(dev.data.other->name, name) != 0)
                continue;
            vkDomainDeviceFormat(buf, &dev, flags);
        }
    }
    g_string_append(buf, "  </devices>\n");
}

static const char *const extraBeforeVcpu[] = {
    "blkiotune", "memtune", "memoryBacking", NULL,
};
static const char *const extraBeforeOS[] = {
    "iothreads", "iothreadids", "defaultiothread", "vcpus", "cputune",
    "numatune", "resource",
    "sysinfo", "bootloader", "bootloader_args", NULL,
};
static const char *const extraBeforeFeatures[] = { "idmap", NULL };
static const char *const extraBeforeDevices[] = { "pm", "perf", NULL };
static const char *const extraAfterDevices[] = {
    "seclabel", "keywrap", "launchSecurity", NULL,
};
static const char *const extraGenid[] = { "genid", NULL };
static const char *const extraQemuNs[] = {
    "qemu:commandline", "qemu:capabilities", "qemu:deprecation", "qemu:override", NULL,
};

char *
vkDomainDefFormat(const vkDomainDef *def, unsigned int flags)
{
    const vkDomainDefPriv *p = def->priv;
    GString *buf = g_string_sized_new(2048);
    char uuid[VIR_UUID_STRING_BUFLEN];
    guint i;

    g_string_append(buf, "<domain");
    vkConfAttr(buf, "type", def->virtType ? def->virtType : "test");
    if (def->id >= 0 && !(flags & VIR_DOMAIN_XML_INACTIVE))
        g_string_append_printf(buf, " id='%d'", def->id);
    for (i = 0; p->topExtra && i < p->topExtra->len; i++) {
        if (nameIn(((vkXmlElem *)p->topExtra->pdata[i])->name, extraQemuNs)) {
            g_string_append(buf, " xmlns:qemu='" VK_DOMAIN_QEMU_NS "'");
            break;
        }
    }
    g_string_append(buf, ">\n");
    textElem(buf, 2, "name", def->name);
    vkUUIDFormat(def->uuid, uuid);
    g_string_append_printf(buf, "  <uuid>%s</uuid>\n", uuid);
    topExtra(buf, def, extraGenid);
    if (def->title && *def->title)
        textElem(buf, 2, "title", def->title);
    if (def->description && *def->description)
        textElem(buf, 2, "description", def->description);
    formatMetadata(buf, def);
    if (def->memoryHotplugMax) {
        g_string_append(buf, "  <maxMemory");
        if (def->memorySlots)
            g_string_append_printf(buf, " slots='%u'", def->memorySlots);
        g_string_append_printf(buf, " unit='KiB'>%llu</maxMemory>\n",
                               def->memoryHotplugMax);
    }
    g_string_append_printf(buf, "  <memory%s unit='KiB'>%llu</memory>\n",
                           def->memDumpCore == 1 ? " dumpCore='on'" :
                           def->memDumpCore == 2 ? " dumpCore='off'" : "", def->maxMemory);
    g_string_append_printf(buf, "  <currentMemory unit='KiB'>%llu</currentMemory>\n",
                           def->currentMemory ? def->currentMemory : def->maxMemory);
    topExtra(buf, def, extraBeforeVcpu);
    g_string_append_printf(buf, "  <vcpu placement='%s'",
                           p->placementAuto ? "auto" : "static");
    vkConfAttr(buf, "cpuset", p->cpuset);
    if (def->vcpus && def->vcpus < def->maxVcpus)
        g_string_append_printf(buf, " current='%u'", def->vcpus);
    g_string_append_printf(buf, ">%u</vcpu>\n", def->maxVcpus ? def->maxVcpus : 1);
    topExtra(buf, def, extraBeforeOS);
    formatOS(buf, def);
    topExtra(buf, def, extraBeforeFeatures);
    if (p->features && p->features->len) {
        g_string_append(buf, "  <features>\n");
        for (i = 0; i < p->features->len; i++)
            vkXmlElemFormat(buf, p->features->pdata[i], 4);
        g_string_append(buf, "  </features>\n");
    }
    if (p->cpu)
        formatCPU(buf, p->cpu);
    formatClock(buf, def);
    g_string_append_printf(buf, "  <on_poweroff>%s</on_poweroff>\n", lifecycle(def->onPoweroff));
    g_string_append_printf(buf, "  <on_reboot>%s</on_reboot>\n", lifecycle(def->onReboot));
    g_string_append_printf(buf, "  <on_crash>%s</on_crash>\n", lifecycle(def->onCrash));
    topExtra(buf, def, extraBeforeDevices);
    formatDevices(buf, def, flags);
    topExtra(buf, def, extraAfterDevices);
    topExtra(buf, def, extraQemuNs);
    g_string_append(buf, "</domain>\n");
    return g_string_free(buf, FALSE);
}
