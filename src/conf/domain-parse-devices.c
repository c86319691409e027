/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Domain XML -> device structs (<disk>, <interface>, <serial>, ...).
 *
 * The same code serves a whole <devices> list and a single device given to
 * virDomainAttachDevice, so each device's defaults that depend only on the
 * device (a disk's bus from its target name, a generated MAC) are filled in
 * here, and those that depend on its neighbours (unique targets, serial
 * port numbers, the console of a serial port) in
 * vkDomainDefPostParseDevices.
 */
#include <string.h>
#include <stdlib.h>
#include <errno.h>

#include "conf/domain-conf-priv.h"

#define VIR_FROM_THIS VIR_FROM_DOMAIN
#include "util/error.h"

#define NAME_IS(node, str) (strcmp((const char *)(node)->name, (str)) == 0)

static int
parseBootOrder(xmlNodePtr n, const char *dev, unsigned int *order, char **loadparm)
{
    const char *v = vkXmlAttr(n, "order");

    vkXmlSetAttr(loadparm, n, "loadparm");
    if (*loadparm && vkDomainLoadparmParse(*loadparm) < 0)
        return -1;

    if (vkDomainParseUInt(v, order) < 0 || *order == 0) {
        vkReportError(VIR_ERR_XML_DETAIL,
                      "invalid boot order '%s' in <%s><boot>", v ? v : "", dev);
        return -1;
    }
    return 0;
}

static const char *
busFromTarget(const char *dst)
{
    if (g_str_has_prefix(dst, "hd"))
        return "ide";
    if (g_str_has_prefix(dst, "sd"))
        return "scsi";
    if (g_str_has_prefix(dst, "vd"))
        return "virtio";
    if (g_str_has_prefix(dst, "xvd"))
        return "xen";
    if (g_str_has_prefix(dst, "fd"))
        return "fdc";
    if (g_str_has_prefix(dst, "ub"))
        return "usb";
    return NULL;
}

/* The element n without the attributes named in skip (NULL-terminated)
 * and without children named skipChild; NULL when nothing is left.  What
 * a disk's <driver>, <source> hold beyond the attributes virtkit reads
 * is kept this way, so it is written back instead of dropped. */
static vkXmlElem *
keepRest(xmlNodePtr n, const char *const *skip, const char *skipChild)
{
    g_autoptr(vkXmlElem) e = vkXmlElemFromNode(n);

    for (guint i = 0; e->attrs && i + 1 < e->attrs->len;) {
        if (g_strv_contains(skip, e->attrs->pdata[i]))
            g_ptr_array_remove_range(e->attrs, i, 2);
        else
            i += 2;
    }
    for (guint i = 0; skipChild && e->children && i < e->children->len;) {
        if (strcmp(((vkXmlElem *)e->children->pdata[i])->name, skipChild) == 0)
            g_ptr_array_remove_index(e->children, i);
        else
            i++;
    }
    if ((!e->attrs || !e->attrs->len) && (!e->children || !e->children->len))
        return NULL;
    return g_steal_pointer(&e);
}

bool
vkDomainIsLiveAlias(xmlNodePtr n)
{
    const char *name;

    if (!NAME_IS(n, "alias"))
        return false;
    name = vkXmlAttr(n, "name");
    return !name || !g_str_has_prefix(name, "ua-");
}

static int
parseDisk(xmlNodePtr node, vkDomainDiskDef *d, unsigned int flags)
{
    const char *type = vkXmlAttr(node, "type");
    const char *device = vkXmlAttr(node, "device");
    xmlNodePtr n;
    bool haveSource = false;

    d->type = type ? vkDomainEnumFromString(vkDomainDiskTypeTable,
                                            VK_DOMAIN_DISK_TYPE_LAST, type)
                   : VK_DOMAIN_DISK_TYPE_FILE;
    if (d->type < 0) {
        vkReportError(VIR_ERR_XML_DETAIL, "invalid disk type '%s' in <disk>", type);
        return -1;
    }
    d->device = device ? vkDomainEnumFromString(vkDomainDiskDeviceTable,
                                                VK_DOMAIN_DISK_DEVICE_LAST, device)
                       : VK_DOMAIN_DISK_DEVICE_DISK;
    if (d->device < 0) {
        vkReportError(VIR_ERR_XML_DETAIL, "invalid disk device '%s' in <disk>",
                      device);
        return -1;
    }
    vkXmlKeepAttrs(&d->attrs, node, "", (const char *const[]){ "type", "device", NULL });
    for (n = node->children; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        if (NAME_IS(n, "driver")) {
            vkXmlSetAttr(&d->driverName, n, "name");
            vkXmlSetAttr(&d->driverType, n, "type");
            vkXmlSetAttr(&d->driverCache, n, "cache");
            vkXmlElemFree(d->driverRest);
            d->driverRest = keepRest(n, (const char *const[]){ "name", "type", "cache",
                                                               NULL }, NULL);
        } else if (NAME_IS(n, "source") && !d->src && !d->srcProtocol) {
            static const char *const srcMain[] = {
                "file", "dev", "dir", "protocol", "name", "pool", "volume", NULL
            };
            xmlNodePtr h;

            haveSource = true;
            vkXmlElemFree(d->srcRest);
            d->srcRest = keepRest(n, srcMain, "host");
            switch ((vkDomainDiskType)d->type) {
            case VK_DOMAIN_DISK_TYPE_FILE:
                vkXmlSetAttr(&d->src, n, "file");
                break;
            case VK_DOMAIN_DISK_TYPE_BLOCK:
                vkXmlSetAttr(&d->src, n, "dev");
                break;
            case VK_DOMAIN_DISK_TYPE_DIR:
                vkXmlSetAttr(&d->src, n, "dir");
                break;
            case VK_DOMAIN_DISK_TYPE_NETWORK:
                vkXmlSetAttr(&d->srcProtocol, n, "protocol");
                vkXmlSetAttr(&d->src, n, "name");
                if (!d->srcProtocol) {
                    vkReportError(VIR_ERR_XML_DETAIL, "%s",
                                  "missing protocol in <disk type='network'><source>");
                    return -1;
                }
                for (h = n->children; h; h = h->next) {
                    if (h->type == XML_ELEMENT_NODE && NAME_IS(h, "host"))
                        vkXmlKeep(&d->srcHosts, h);
                }
                break;
            case VK_DOMAIN_DISK_TYPE_VOLUME:
                vkXmlSetAttr(&d->srcPool, n, "pool");
                vkXmlSetAttr(&d->src, n, "volume");
                break;
            case VK_DOMAIN_DISK_TYPE_NVME:
                /* the PCI controller and namespace stay in srcRest */
                break;
            case VK_DOMAIN_DISK_TYPE_LAST:
                break;
            }
        } else if (NAME_IS(n, "target")) {
            vkXmlSetAttr(&d->dst, n, "dev");
            vkXmlSetAttr(&d->bus, n, "bus");
            if (d->targetAttrs)
                g_ptr_array_set_size(d->targetAttrs, 0);
            for (xmlAttrPtr a = n->properties; a; a = a->next) {
                const char *an = (const char *)a->name;

                if (strcmp(an, "dev") == 0 || strcmp(an, "bus") == 0)
                    continue;
                if (!d->targetAttrs)
                    d->targetAttrs = g_ptr_array_new_with_free_func(g_free);
                g_ptr_array_add(d->targetAttrs, g_strdup(an));
                g_ptr_array_add(d->targetAttrs, g_strdup(vkXmlAttr(n, an)));
            }
        } else if (NAME_IS(n, "readonly")) {
            d->readonly = true;
        } else if (NAME_IS(n, "shareable")) {
            d->shareable = true;
        } else if (NAME_IS(n, "transient")) {
            d->transient = true;
            vkXmlSetAttr(&d->shareBacking, n, "shareBacking");
        } else if (NAME_IS(n, "serial")) {
            g_free(d->serial);
            d->serial = vkXmlText(n);
        } else if (NAME_IS(n, "boot")) {
            if (parseBootOrder(n, "disk", &d->bootIndex, &d->loadparm) < 0)
                return -1;
        } else if (NAME_IS(n, "address")) {
            vkXmlElemFree(d->address);
            d->address = vkXmlElemFromNode(n);
        } else if (NAME_IS(n, "mirror") && (flags & VK_DOMAIN_PARSE_INACTIVE)) {
            continue;   /* a block job's state: not part of a definition */
        } else if (!vkDomainIsLiveAlias(n)) {
            vkXmlKeep(&d->extra, n);
        }
    }
    /* removable media may be absent: an empty drive is a file disk
     * whatever type it was given */
    if (!haveSource && (d->device == VK_DOMAIN_DISK_DEVICE_CDROM ||
                        d->device == VK_DOMAIN_DISK_DEVICE_FLOPPY))
        d->type = VK_DOMAIN_DISK_TYPE_FILE;
    /* a network disk is nothing without its protocol, <source> or not:
     * accepting it would format a document that no longer parses */
    if (d->type == VK_DOMAIN_DISK_TYPE_NETWORK && !d->srcProtocol) {
        vkReportError(VIR_ERR_XML_DETAIL, "%s",
                      "missing protocol in <disk type='network'><source>");
        return -1;
    }
    if ((!d->dst || !*d->dst) && (flags & VK_DOMAIN_PARSE_DISK_SOURCE))
        return 0;
    if (!d->dst || !*d->dst) {
        vkReportError(VIR_ERR_NO_TARGET, "disk '%s' has no <target dev=''>",
                      d->src ? d->src : "");
        return -1;
    }
    if (!d->bus) {
        const char *bus = busFromTarget(d->dst);
        if (d->device == VK_DOMAIN_DISK_DEVICE_FLOPPY)
            bus = "fdc";
        d->bus = g_strdup(bus);
    }
    /* a CD-ROM is read-only media: libvirt marks it so in every driver */
    if (d->device == VK_DOMAIN_DISK_DEVICE_CDROM)
        d->readonly = true;
    return 0;
}

static int
parseNet(xmlNodePtr node, vkDomainNetDef *net)
{
    static const char *const skipType[] = { "type", NULL };
    static const char *const skipAddress[] = { "address", NULL };
    static const char *const skipDev[] = { "dev", NULL };
    const char *type = vkXmlAttr(node, "type");
    xmlNodePtr n;
    bool haveMac = false;

    net->type = type ? vkDomainEnumFromString(vkDomainNetTypeTable,
                                              VK_DOMAIN_NET_TYPE_LAST, type)
                     : VK_DOMAIN_NET_TYPE_USER;
    if (net->type < 0) {
        vkReportError(VIR_ERR_XML_DETAIL,
                      "invalid interface type '%s' in <interface>", type);
        return -1;
    }
    vkXmlKeepAttrs(&net->attrs, node, "", skipType);
    for (n = node->children; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        if (NAME_IS(n, "mac")) {
            const char *mac = vkXmlAttr(n, "address");
            vkXmlKeepAttrs(&net->attrs, n, "mac:", skipAddress);
            if (vkConfMACParse(mac, net->mac) < 0) {
                vkReportError(VIR_ERR_XML_DETAIL,
                              "invalid mac address '%s' in <interface><mac>",
                              mac ? mac : "");
                return -1;
            }
            if (net->mac[0] & 1) {
                vkReportError(VIR_ERR_XML_DETAIL,
                              "expected unicast mac address, found multicast '%s' "
                              "in <interface><mac>", mac);
                return -1;
            }
            haveMac = true;
        } else if (NAME_IS(n, "source") && !net->source) {
            switch ((vkDomainNetType)net->type) {
            case VK_DOMAIN_NET_TYPE_NETWORK:
                vkXmlSetAttr(&net->source, n, "network");
                if (vkXmlAttr(n, "portgroup")) {
                    if (!net->attrs)
                        net->attrs = g_ptr_array_new_with_free_func(g_free);
                    g_ptr_array_add(net->attrs, g_strdup("source:portgroup"));
                    g_ptr_array_add(net->attrs, g_strdup(vkXmlAttr(n, "portgroup")));
                }
                vkXmlSetAttr(&net->portid, n, "portid");
                vkXmlSetAttr(&net->liveBridge, n, "bridge");
                break;
            case VK_DOMAIN_NET_TYPE_BRIDGE:
                vkXmlSetAttr(&net->source, n, "bridge");
                break;
            case VK_DOMAIN_NET_TYPE_DIRECT:
                vkXmlSetAttr(&net->source, n, "dev");
                vkXmlSetAttr(&net->sourceMode, n, "mode");
                break;
            default:
                vkXmlKeep(&net->extra, n);
                break;
            }
        } else if (NAME_IS(n, "target")) {
            vkXmlSetAttr(&net->ifname, n, "dev");
            vkXmlKeepAttrs(&net->attrs, n, "target:", skipDev);
        } else if (NAME_IS(n, "model")) {
            vkXmlSetAttr(&net->model, n, "type");
        } else if (NAME_IS(n, "script")) {
            vkXmlSetAttr(&net->script, n, "path");
        } else if (NAME_IS(n, "boot")) {
            if (parseBootOrder(n, "interface", &net->bootIndex, &net->loadparm) < 0)
                return -1;
        } else if (NAME_IS(n, "address")) {
            vkXmlElemFree(net->address);
            net->address = vkXmlElemFromNode(n);
        } else if (!vkDomainIsLiveAlias(n)) {
            vkXmlKeep(&net->extra, n);
        }
    }
    if ((net->type == VK_DOMAIN_NET_TYPE_NETWORK ||
         net->type == VK_DOMAIN_NET_TYPE_BRIDGE ||
         net->type == VK_DOMAIN_NET_TYPE_DIRECT) && !net->source) {
        vkReportError(VIR_ERR_XML_DETAIL,
                      "missing source of <interface type='%s'>", type);
        return -1;
    }
    if (!haveMac) {
        vkConfMACGenerate(net->mac);
        net->macGenerated = true;
    }
    return 0;
}

static int
parseChr(xmlNodePtr node, int kind, vkDomainChrDef *chr)
{
    xmlNodePtr n;

    chr->kind = kind;
    chr->type = g_strdup(vkXmlAttr(node, "type") ?: "pty");
    for (n = node->children; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        if (NAME_IS(n, "source")) {
            vkXmlKeep(&chr->sources, n);
        } else if (NAME_IS(n, "protocol")) {
            vkXmlElemFree(chr->protocol);
            chr->protocol = vkXmlElemFromNode(n);
        } else if (NAME_IS(n, "target")) {
            vkXmlElemFree(chr->target);
            chr->target = vkXmlElemFromNode(n);
        } else if (NAME_IS(n, "address")) {
            vkXmlElemFree(chr->address);
            chr->address = vkXmlElemFromNode(n);
        } else if (NAME_IS(n, "log")) {
            vkXmlElemFree(chr->log);
            chr->log = vkXmlElemFromNode(n);
        }
    }
    if (kind == VK_DOMAIN_CHR_CHANNEL && !chr->target) {
        vkReportError(VIR_ERR_XML_DETAIL, "%s", "missing <target> in <channel>");
        return -1;
    }
    return 0;
}

static int
parseController(xmlNodePtr node, vkDomainControllerDef *c)
{
    xmlAttrPtr a;
    xmlNodePtr n;
    const char *idx = vkXmlAttr(node, "index");
    unsigned int v;

    vkXmlSetAttr(&c->type, node, "type");
    if (!c->type) {
        vkReportError(VIR_ERR_XML_DETAIL, "%s", "missing type in <controller>");
        return -1;
    }
    c->idx = -1;
    if (idx) {
        if (vkDomainParseUInt(idx, &v) < 0 || v > G_MAXINT) {
            vkReportError(VIR_ERR_XML_DETAIL,
                          "invalid index '%s' in <controller type='%s'>",
                          idx, c->type);
            return -1;
        }
        c->idx = (int)v;
    }
    vkXmlSetAttr(&c->model, node, "model");
    for (a = node->properties; a; a = a->next) {
        const char *an = (const char *)a->name;
        if (strcmp(an, "type") == 0 || strcmp(an, "index") == 0 ||
            strcmp(an, "model") == 0)
            continue;
        if (!c->attrs)
            c->attrs = g_ptr_array_new_with_free_func(g_free);
        g_ptr_array_add(c->attrs, g_strdup(an));
        g_ptr_array_add(c->attrs, g_strdup(vkXmlAttr(node, an)));
    }
    for (n = node->children; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        if (NAME_IS(n, "address")) {
            vkXmlElemFree(c->address);
            c->address = vkXmlElemFromNode(n);
        } else if (!vkDomainIsLiveAlias(n)) {
            vkXmlKeep(&c->extra, n);
        }
    }
    vkDomainUsbCompanionMaster(c);
    return 0;
}

static int
parseFS(xmlNodePtr node, vkDomainFSDef *fs)
{
    xmlNodePtr n;
    bool virtiofs = false;

    fs->type = g_strdup(vkXmlAttr(node, "type") ?: "mount");
    vkXmlSetAttr(&fs->accessmode, node, "accessmode");
    vkXmlKeepAttrs(&fs->attrs, node, "", (const char *const[]){ "type", "accessmode", NULL });
    for (n = node->children; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        if (NAME_IS(n, "driver"))
            virtiofs = g_strcmp0(vkXmlAttr(n, "type"), "virtiofs") == 0;
        if (NAME_IS(n, "source") && n->properties && !fs->src) {
            fs->srcAttr = g_strdup((const char *)n->properties->name);
            vkXmlSetAttr(&fs->src, n, fs->srcAttr);
        } else if (NAME_IS(n, "target")) {
            vkXmlSetAttr(&fs->dst, n, "dir");
        } else if (NAME_IS(n, "readonly")) {
            fs->readonly = true;
        } else if (NAME_IS(n, "driver") && !n->children && vkXmlAttr(n, "type") &&
                   !n->properties->next) {
            vkXmlSetAttr(&fs->driverType, n, "type");
        } else if (NAME_IS(n, "address")) {
            vkXmlElemFree(fs->address);
            fs->address = vkXmlElemFromNode(n);
        } else if (!vkDomainIsLiveAlias(n)) {
            vkXmlKeep(&fs->extra, n);
        }
    }
    /* virtiofs has no access modes: only 9p defaults to passthrough */
    if (!fs->accessmode && strcmp(fs->type, "mount") == 0 && !virtiofs)
        fs->accessmode = g_strdup("passthrough");
    if (!fs->dst || !*fs->dst) {
        vkReportError(VIR_ERR_NO_TARGET,
                      "filesystem '%s' has no <target dir=''>",
                      fs->src ? fs->src : "");
        return -1;
    }
    return 0;
}

static int
parseInput(xmlNodePtr node, const char *osType, vkDomainInputDef *in)
{
    xmlNodePtr n;

    vkXmlSetAttr(&in->type, node, "type");
    vkXmlSetAttr(&in->bus, node, "bus");
    vkXmlSetAttr(&in->model, node, "model");
    if (!in->type) {
        vkReportError(VIR_ERR_XML_DETAIL, "%s", "missing type in <input>");
        return -1;
    }
    if (!in->bus) {
        if (strcmp(in->type, "tablet") == 0)
            in->bus = g_strdup("usb");
        else if (g_strcmp0(osType, "hvm") == 0 &&
                 (strcmp(in->type, "mouse") == 0 || strcmp(in->type, "keyboard") == 0))
            in->bus = g_strdup("ps2");
        else if (g_strcmp0(osType, "xen") == 0 || g_strcmp0(osType, "linux") == 0)
            in->bus = g_strdup("xen");
    }
    for (n = node->children; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        if (NAME_IS(n, "address")) {
            vkXmlElemFree(in->address);
            in->address = vkXmlElemFromNode(n);
        } else if (!vkDomainIsLiveAlias(n)) {
            vkXmlKeep(&in->extra, n);
        }
    }
    return 0;
}


int
vkDomainDeviceParseNode(xmlNodePtr node, const char *virtType,
                        const char *osType, unsigned int flags,
                        vkDomainDeviceDef *dev)
{
    const char *name = (const char *)node->name;
    int kind;
    int r = -1;

    memset(dev, 0, sizeof(*dev));
    if (strcmp(name, "disk") == 0) {
        dev->type = VK_DOMAIN_DEVICE_DISK;
        dev->data.disk = g_new0(vkDomainDiskDef, 1);
        r = parseDisk(node, dev->data.disk, flags);
    } else if (strcmp(name, "interface") == 0) {
        dev->type = VK_DOMAIN_DEVICE_NET;
        dev->data.net = g_new0(vkDomainNetDef, 1);
        r = parseNet(node, dev->data.net);
    } else if ((kind = vkDomainEnumFromString(vkDomainChrKindTable,
                                              VK_DOMAIN_CHR_LAST, name)) >= 0) {
        dev->type = VK_DOMAIN_DEVICE_CHR;
        dev->data.chr = g_new0(vkDomainChrDef, 1);
        r = parseChr(node, kind, dev->data.chr);
    } else if (strcmp(name, "controller") == 0) {
        dev->type = VK_DOMAIN_DEVICE_CONTROLLER;
        dev->data.controller = g_new0(vkDomainControllerDef, 1);
        r = parseController(node, dev->data.controller);
    } else if (strcmp(name, "filesystem") == 0) {
        dev->type = VK_DOMAIN_DEVICE_FS;
        dev->data.fs = g_new0(vkDomainFSDef, 1);
        r = parseFS(node, dev->data.fs);
    } else if (strcmp(name, "input") == 0) {
        dev->type = VK_DOMAIN_DEVICE_INPUT;
        dev->data.input = g_new0(vkDomainInputDef, 1);
        r = parseInput(node, osType, dev->data.input);
    } else if (strcmp(name, "graphics") == 0) {
        dev->type = VK_DOMAIN_DEVICE_GRAPHICS;
        dev->data.graphics = g_new0(vkDomainGraphicsDef, 1);
        r = vkDomainGraphicsParse(node, flags, dev->data.graphics);
    } else if (strcmp(name, "video") == 0) {
        dev->type = VK_DOMAIN_DEVICE_VIDEO;
        dev->data.video = g_new0(vkDomainVideoDef, 1);
        r = vkDomainVideoParse(node, dev->data.video);
    } else if (vkDomainEnumFromString(vkDomainOtherDeviceTable, 100, name) >= 0) {
        dev->type = VK_DOMAIN_DEVICE_OTHER;
        dev->data.other = vkXmlElemFromNode(node);
        r = 0;
    } else {
        return 1;   /* not a device libvirt knows: ignored, as libvirt does */
    }
    if (r < 0)
        vkDomainDeviceDefClear(dev);
    else if (flags & VK_DOMAIN_PARSE_INACTIVE)
        vkDomainDeviceDropLive(dev);
    return r;
}

/* ---- checks and defaults across the device list ---- */

static int
chrTargetPort(const vkDomainChrDef *chr)
{
    const char *p = vkXmlElemGetAttr(chr->target, "port");
    unsigned int v;

    if (p && vkDomainParseUInt(p, &v) == 0 && v <= G_MAXINT)
        return (int)v;
    return -1;
}

static void
chrSetTargetPort(vkDomainChrDef *chr, int port)
{
    char buf[16];

    if (!chr->target) {
        chr->target = g_new0(vkXmlElem, 1);
        chr->target->name = g_strdup("target");
    }
    g_snprintf(buf, sizeof(buf), "%d", port);
    vkXmlElemSetAttr(chr->target, "port", buf);
}

static const char *
consoleTargetType(const vkDomainDef *def)
{
    if (g_strcmp0(def->osType, "hvm") == 0)
        return "serial";
    if (g_strcmp0(def->virtType, "lxc") == 0)
        return "lxc";
    if (g_strcmp0(def->virtType, "openvz") == 0)
        return "openvz";
    if (g_strcmp0(def->osType, "xen") == 0 || g_strcmp0(def->osType, "linux") == 0)
        return "xen";
    return NULL;
}

/* Sets the target of a console that has none, putting type before port
 * as libvirt writes it. */
static void
consoleDefaults(const vkDomainDef *def, vkDomainChrDef *con)
{
    const char *ttype = consoleTargetType(def);
    g_autoptr(vkXmlElem) t = g_new0(vkXmlElem, 1);

    if (con->target && vkXmlElemGetAttr(con->target, "type") &&
        vkXmlElemGetAttr(con->target, "port"))
        return;
    t->name = g_strdup("target");
    if (vkXmlElemGetAttr(con->target, "type"))
        ttype = vkXmlElemGetAttr(con->target, "type");
    if (ttype)
        vkXmlElemSetAttr(t, "type", ttype);
    /* a missing port is the console's position (vkDomainChrConsoleCompat) */
    if (vkXmlElemGetAttr(con->target, "port"))
        vkXmlElemSetAttr(t, "port", vkXmlElemGetAttr(con->target, "port"));
    if (con->target && con->target->attrs) {
        guint i;
        for (i = 0; i + 1 < con->target->attrs->len; i += 2)
            vkXmlElemSetAttr(t, con->target->attrs->pdata[i],
                             con->target->attrs->pdata[i + 1]);
    }
    vkXmlElemFree(con->target);
    con->target = g_steal_pointer(&t);
}

/* Whether c is of ICH9's USB2 set (an EHCI and its UHCI companions). */
static bool
usb2Set(const vkDomainControllerDef *c)
{
    return strcmp(c->type, "usb") == 0 && c->model &&
           (strcmp(c->model, "ich9-ehci1") == 0 || g_str_has_prefix(c->model, "ich9-uhci"));
}

static bool
usb2SetHas(GPtrArray *a, int idx, const char *model)
{
    for (guint i = 0; i < a->len; i++) {
        const vkDomainControllerDef *o = a->pdata[i];
        if (strcmp(o->type, "usb") == 0 && o->idx == idx && g_strcmp0(o->model, model) == 0)
            return true;
    }
    return false;
}

/* libvirt keeps controllers in the order its parser inserts them: each
 * before the first one of its type with a higher index (a USB controller
 * before the companions of its index too), else after the last one of its
 * type, else at the end; one without index after the last one of its type. */
static void
sortControllers(GPtrArray *a)
{
    g_autoptr(GPtrArray) in = g_ptr_array_new();

    /* stolen, not removed: a's free function must not run */
    while (a->len)
        g_ptr_array_add(in, g_ptr_array_steal_index(a, 0));
    for (guint i = 0; i < in->len; i++) {
        vkDomainControllerDef *c = in->pdata[i];
        gint at = -1;

        /* not PCI: the PCI controllers the QEMU defaults add are
         * appended, not inserted, and would move on a second define */
        for (gint k = (gint)a->len - 1; k >= 0 && strcmp(c->type, "pci") != 0; k--) {
            vkDomainControllerDef *o = a->pdata[k];
            if (strcmp(o->type, c->type) != 0)
                continue;
            if (c->idx < 0) {
                at = k + 1;
                break;
            }
            if (o->idx > c->idx || (o->idx == c->idx && !vkDomainUsbIsCompanion(c) && vkDomainUsbIsCompanion(o)))
                at = k;
            else if (at < 0)
                at = k + 1;
        }
        g_ptr_array_insert(a, at, c);
    }
}

int
vkDomainDefPostParseDevices(vkDomainDef *def, const char *driverTypes)
{
    GPtrArray *a;
    guint i, j;
    bool haveBootOrder = false;

    if ((a = def->priv->devs[VK_DOMAIN_DEVICE_DISK])) {
        for (i = 0; i < a->len; i++) {
            vkDomainDiskDef *d = a->pdata[i];
            haveBootOrder |= d->bootIndex > 0;
            for (j = 0; j < i; j++) {
                if (strcmp(((vkDomainDiskDef *)a->pdata[j])->dst, d->dst) == 0) {
                    vkReportError(VIR_ERR_XML_ERROR,
                                  "target '%s' duplicated for disks of domain '%s'",
                                  d->dst, def->name);
                    return -1;
                }
            }
        }
    }
    if ((a = def->priv->devs[VK_DOMAIN_DEVICE_NET])) {
        for (i = 0; i < a->len; i++)
            haveBootOrder |= ((vkDomainNetDef *)a->pdata[i])->bootIndex > 0;
    }
    if ((a = def->priv->devs[VK_DOMAIN_DEVICE_OTHER])) {
        /* hostdevs and redirdevs boot in order too */
        for (i = 0; i < a->len; i++) {
            vkXmlElem *e = a->pdata[i];
            for (j = 0; e->children && j < e->children->len; j++)
                haveBootOrder |= strcmp(((vkXmlElem *)e->children->pdata[j])->name, "boot") == 0;
        }
    }
    if (haveBootOrder && def->nbootDevs) {
        vkReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                      "per-device boot elements cannot be used together with "
                      "os/boot elements");
        return -1;
    }
    if (!haveBootOrder && def->nbootDevs == 0 && g_strcmp0(def->osType, "hvm") == 0) {
        def->bootDevs = g_new0(int, 1);
        def->bootDevs[0] = VK_DOMAIN_BOOT_DISK;
        def->nbootDevs = 1;
    }

    if ((a = def->priv->devs[VK_DOMAIN_DEVICE_CONTROLLER])) {
        vkDomainControllerDef *prevUsb = NULL;

        sortControllers(a);
        for (i = 0; i < a->len; i++) {
            vkDomainControllerDef *c = a->pdata[i];
            bool usb = strcmp(c->type, "usb") == 0;

            if (c->idx < 0 && usb && usb2Set(c) && prevUsb && usb2Set(prevUsb) &&
                !usb2SetHas(a, prevUsb->idx, c->model)) {
                /* an ICH9 EHCI or UHCI without index joins the set before it */
                c->idx = prevUsb->idx;
            } else if (c->idx < 0) {
                /* the lowest index its type does not use yet */
                for (c->idx = 0, j = 0; j < a->len; j++) {
                    vkDomainControllerDef *o = a->pdata[j];
                    if (j != i && strcmp(o->type, c->type) == 0 && o->idx == c->idx) {
                        c->idx++;
                        j = (guint)-1;
                    }
                }
            }
            if (usb)
                prevUsb = c;
        }
    }

    if ((a = def->priv->devs[VK_DOMAIN_DEVICE_CHR])) {
        int nserial = 0, nparallel = 0, nconsole = 0;
        vkDomainChrDef *firstSerial = NULL;
        /* a port left out: past the highest serial, or earlier parallel, port */
        for (i = 0; i < a->len; i++) {
            if (((vkDomainChrDef *)a->pdata[i])->kind == VK_DOMAIN_CHR_SERIAL)
                nserial = MAX(nserial, chrTargetPort(a->pdata[i]) + 1);
        }
        for (i = 0; i < a->len; i++) {
            vkDomainChrDef *c = a->pdata[i];
            if (c->kind == VK_DOMAIN_CHR_SERIAL || c->kind == VK_DOMAIN_CHR_PARALLEL) {
                int *counter = c->kind == VK_DOMAIN_CHR_SERIAL ? &nserial : &nparallel;
                if (chrTargetPort(c) < 0)
                    chrSetTargetPort(c, (*counter)++);
                else
                    *counter = MAX(*counter, chrTargetPort(c) + 1);
                if (!firstSerial && c->kind == VK_DOMAIN_CHR_SERIAL)
                    firstSerial = c;
            } else if (c->kind == VK_DOMAIN_CHR_CONSOLE) {
                consoleDefaults(def, c);
                /* libvirt numbers consoles by position, whatever port is written */
                chrSetTargetPort(c, nconsole++);
            }
        }
        vkDomainChrConsoleCompat(def, firstSerial, nconsole);
    }

    if (vkDomainChrSourcesCheck(def) < 0 || vkDomainDefGenericValidate(def) < 0)
        return -1;
    vkDomainDefAddDefaults(def, driverTypes);
    if ((a = def->priv->devs[VK_DOMAIN_DEVICE_VIDEO]) && a->len) {
        bool havePrimary = false;
        for (i = 0; i < a->len; i++) {
            vkDomainVideoDef *v = a->pdata[i];
            /* 'none' is the only video device, and no display at all */
            v->primary &= g_strcmp0(v->modelType, "none") != 0;
            havePrimary |= v->primary;
        }
        if (!havePrimary && g_strcmp0(((vkDomainVideoDef *)a->pdata[0])->modelType, "none") != 0)
            ((vkDomainVideoDef *)a->pdata[0])->primary = true;
    }
    return 0;
}
