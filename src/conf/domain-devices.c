/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Device hot-plug on a definition: parse one device, attach, detach.
 *
 * Matching for detach follows what users expect from libvirt: a disk is
 * found by its target, an interface by its MAC (or, when the XML named no
 * MAC, by type and source), and anything else by comparing the formatted
 * XML of the two devices, which is exact and needs no per-kind code.
 */
#include <string.h>

#include "conf/domain-conf-priv.h"

#define VIR_FROM_THIS VIR_FROM_DOMAIN
#include "util/error.h"

vkDomainDeviceDef *
vkDomainDeviceDefParseString(const char *xml, const vkDomainDef *def,
                             unsigned int flags)
{
    g_autoptr(vkDomainDeviceDef) dev = g_new0(vkDomainDeviceDef, 1);
    xmlDocPtr doc;
    xmlNodePtr root;
    int r;

    if (!(doc = vkConfReadXML(xml, "device")))
        return NULL;
    root = xmlDocGetRootElement(doc);
    r = vkDomainDeviceParseNode(root, def ? def->virtType : NULL,
                                def ? def->osType : NULL, flags, dev);
    if (r == 1)
        vkReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      "unsupported device type <%s>", root->name);
    xmlFreeDoc(doc);
    if (r != 0)
        return NULL;
    return g_steal_pointer(&dev);
}

static char *
formatOne(const vkDomainDeviceDef *dev)
{
    GString *buf = g_string_new(NULL);

    vkDomainDeviceFormat(buf, dev, VIR_DOMAIN_XML_INACTIVE);
    return g_string_free(buf, FALSE);
}

void
vkDomainDiskInsert(GPtrArray *disks, vkDomainDiskDef *d)
{
    int idx = vkDomainDiskIndex(d->dst);
    int at = -1;

    for (int i = (int)disks->len - 1; i >= 0; i--) {
        const vkDomainDiskDef *o = disks->pdata[i];

        if (g_strcmp0(o->bus, d->bus) != 0)
            continue;
        if (vkDomainDiskIndex(o->dst) > idx)
            at = i;
        else if (at == -1)
            at = i + 1;
    }
    if (at < 0)
        g_ptr_array_add(disks, d);
    else
        g_ptr_array_insert(disks, at, d);
}

int
vkDomainDefAttachDevice(vkDomainDef *def, vkDomainDeviceDef **devp)
{
    vkDomainDeviceDef *dev = *devp;
    GPtrArray *list = vkDomainDevList(def, dev->type);
    guint i;

    switch ((vkDomainDeviceType)dev->type) {
    case VK_DOMAIN_DEVICE_DISK:
        for (i = 0; i < list->len; i++) {
            vkDomainDiskDef *d = list->pdata[i];
            if (strcmp(d->dst, dev->data.disk->dst) == 0) {
                vkReportError(VIR_ERR_OPERATION_INVALID,
                              "target '%s' already exists in domain '%s'",
                              d->dst, def->name);
                return -1;
            }
        }
        break;
    case VK_DOMAIN_DEVICE_NET:
        for (i = 0; i < list->len; i++) {
            vkDomainNetDef *n = list->pdata[i];
            if (memcmp(n->mac, dev->data.net->mac, 6) == 0) {
                char mac[18];
                vkConfMACFormat(n->mac, mac);
                vkReportError(VIR_ERR_OPERATION_INVALID,
                              "an interface with MAC address '%s' already exists "
                              "in domain '%s'", mac, def->name);
                return -1;
            }
        }
        break;
    case VK_DOMAIN_DEVICE_CONTROLLER: {
        vkDomainControllerDef *c = dev->data.controller;
        int next = 0;
        for (i = 0; i < list->len; i++) {
            vkDomainControllerDef *o = list->pdata[i];
            if (strcmp(o->type, c->type) != 0)
                continue;
            if (o->idx == c->idx) {
                vkReportError(VIR_ERR_OPERATION_INVALID,
                              "a controller of type '%s' with index %d already "
                              "exists in domain '%s'", c->type, c->idx, def->name);
                return -1;
            }
            if (o->idx >= next)
                next = o->idx + 1;
        }
        if (c->idx < 0)
            c->idx = next;
        break;
    }
    case VK_DOMAIN_DEVICE_FS:
        for (i = 0; i < list->len; i++) {
            vkDomainFSDef *f = list->pdata[i];
            if (strcmp(f->dst, dev->data.fs->dst) == 0) {
                vkReportError(VIR_ERR_OPERATION_INVALID,
                              "filesystem target '%s' already exists in domain '%s'",
                              f->dst, def->name);
                return -1;
            }
        }
        break;
    case VK_DOMAIN_DEVICE_CHR: {
        vkDomainChrDef *c = dev->data.chr;
        if ((c->kind == VK_DOMAIN_CHR_SERIAL || c->kind == VK_DOMAIN_CHR_PARALLEL) &&
            !vkXmlElemGetAttr(c->target, "port")) {
            int n = 0;
            char buf[16];
            for (i = 0; i < list->len; i++)
                n += ((vkDomainChrDef *)list->pdata[i])->kind == c->kind;
            if (!c->target) {
                c->target = g_new0(vkXmlElem, 1);
                c->target->name = g_strdup("target");
            }
            g_snprintf(buf, sizeof(buf), "%d", n);
            vkXmlElemSetAttr(c->target, "port", buf);
        }
        break;
    }
    case VK_DOMAIN_DEVICE_INPUT:
    case VK_DOMAIN_DEVICE_GRAPHICS:
    case VK_DOMAIN_DEVICE_VIDEO:
        break;
    case VK_DOMAIN_DEVICE_OTHER:
    case VK_DOMAIN_DEVICE_LAST:
        vkReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      "attaching a <%s> device is not supported",
                      dev->type == VK_DOMAIN_DEVICE_OTHER ?
                      dev->data.other->name : "unknown");
        return -1;
    }
    g_ptr_array_add(list, dev->data.disk);
    dev->data.disk = NULL;
    g_free(dev);
    *devp = NULL;
    return 0;
}

static int
findNet(const vkDomainDef *def, GPtrArray *list, const vkDomainNetDef *want)
{
    int found = -1;
    guint i;

    for (i = 0; i < list->len; i++) {
        vkDomainNetDef *n = list->pdata[i];
        if (!want->macGenerated) {
            if (memcmp(n->mac, want->mac, 6) == 0)
                return (int)i;
            continue;
        }
        if (n->type != want->type ||
            (want->source && g_strcmp0(n->source, want->source) != 0))
            continue;
        if (found >= 0) {
            vkReportError(VIR_ERR_OPERATION_FAILED,
                          "several interfaces of domain '%s' match; give the "
                          "MAC address to choose one", def->name);
            return -2;
        }
        found = (int)i;
    }
    return found;
}

int
vkDomainDefDetachDevice(vkDomainDef *def, const vkDomainDeviceDef *dev)
{
    GPtrArray *list = def->priv->devs[dev->type];
    int found = -1;
    guint i;

    if (list) {
        switch ((vkDomainDeviceType)dev->type) {
        case VK_DOMAIN_DEVICE_DISK:
            for (i = 0; i < list->len && found < 0; i++) {
                if (strcmp(((vkDomainDiskDef *)list->pdata[i])->dst,
                           dev->data.disk->dst) == 0)
                    found = (int)i;
            }
            break;
        case VK_DOMAIN_DEVICE_NET:
            found = findNet(def, list, dev->data.net);
            if (found == -2)
                return -1;
            break;
        case VK_DOMAIN_DEVICE_FS:
            for (i = 0; i < list->len && found < 0; i++) {
                if (strcmp(((vkDomainFSDef *)list->pdata[i])->dst,
                           dev->data.fs->dst) == 0)
                    found = (int)i;
            }
            break;
        case VK_DOMAIN_DEVICE_CONTROLLER:
            for (i = 0; i < list->len && found < 0; i++) {
                vkDomainControllerDef *c = list->pdata[i];
                if (strcmp(c->type, dev->data.controller->type) == 0 &&
                    (dev->data.controller->idx < 0 ||
                     c->idx == dev->data.controller->idx))
                    found = (int)i;
            }
            break;
        default: {
            g_autofree char *want = formatOne(dev);
            for (i = 0; i < list->len && found < 0; i++) {
                vkDomainDeviceDef cur = { .type = dev->type, .data.disk = list->pdata[i] };
                g_autofree char *have = formatOne(&cur);
                if (strcmp(have, want) == 0)
                    found = (int)i;
            }
            break;
        }
        }
    }
    if (found < 0) {
        const char *what = vkDomainDeviceTypeTable[dev->type];
        if (dev->type == VK_DOMAIN_DEVICE_DISK)
            vkReportError(VIR_ERR_DEVICE_MISSING,
                          "no disk with target '%s' in domain '%s'",
                          dev->data.disk->dst, def->name);
        else
            vkReportError(VIR_ERR_DEVICE_MISSING,
                          "no matching %s device in domain '%s'", what, def->name);
        return -1;
    }
    g_ptr_array_remove_index(list, (guint)found);
    return 0;
}
