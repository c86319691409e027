/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* commands-devmedia.c: commands that change one device of the domain's
 * XML and hand it to virDomainUpdateDeviceFlags — change-media (a CD or
 * floppy's <source>) and update-memory-device (a memory device's
 * <requested> size). The device is cut out of the domain's XML with
 * xmltree.c, edited there and serialised back. */
#include <stdlib.h>
#include <string.h>

#include "vksh.h"
#include "xmltree.h"

/* ---- change-media ---- */

static const vkshOptDef optsChangeMedia[] = {
    VKSH_OPT_DOMAIN,
    { "path", VKSH_OT_DATA, VKSH_OFLAG_REQ, "Fully-qualified path or target of disk device" },
    { "source", VKSH_OT_STRING, 0, "source of the media" },
    { "eject", VKSH_OT_BOOL, 0, "Eject the media" },
    { "insert", VKSH_OT_BOOL, 0, "Insert the media" },
    { "update", VKSH_OT_BOOL, 0, "Update the media" },
    { "current", VKSH_OT_BOOL, 0,
      "can be either or both of --live and --config, depends on implementation hypervisor "
      "driver" },
    { "live", VKSH_OT_BOOL, 0, "alter live configuration of running domain" },
    { "config", VKSH_OT_BOOL, 0, "alter persistent configuration, effect observed on next boot" },
    { "force", VKSH_OT_BOOL, 0, "force media changing" },
    { "print-xml", VKSH_OT_BOOL, 0, "print XML document rather than change media" },
    { "block", VKSH_OT_BOOL, 0, "source media is a block device" },
    { NULL, 0, 0, NULL },
};

/* Removes disk's <source>; returns its index, or -1 when it had none. */
static int
dropSource(vkshXml *disk)
{
    for (guint i = 0; i < disk->children->len; i++) {
        vkshXml *c = disk->children->pdata[i];

        if (strcmp(c->name, "source") == 0) {
            /* its indentation stays, as libxml2 leaves the text nodes */
            GString *next = i + 1 < disk->children->len ?
                ((vkshXml *)disk->children->pdata[i + 1])->lead : disk->tail;

            g_string_prepend(next, c->lead->str);
            g_ptr_array_remove_index(disk->children, i);
            return (int)i;
        }
    }
    return -1;
}

/* A new <source> before <target> (where libvirt writes it). */
static void
addSource(vkshXml *disk, const char *path, bool block)
{
    vkshXml *src = vkshXmlNew("source");
    guint at = 0;

    vkshXmlSetAttr(disk, "type", block ? "block" : "file");
    vkshXmlSetAttr(src, block ? "dev" : "file", path);
    for (guint i = 0; i < disk->children->len; i++) {
        if (strcmp(((vkshXml *)disk->children->pdata[i])->name, "target") == 0) {
            at = i;
            break;
        }
    }
    vkshXmlInsert(disk, src, at);
}

static bool
cmdChangeMedia(vkshCtl *ctl, const vkshCmd *cmd)
{
    const char *path = vkshOptString(cmd, "path");
    const char *source = vkshOptString(cmd, "source");
    bool eject = vkshOptBool(cmd, "eject");
    bool insert = vkshOptBool(cmd, "insert");
    const char *action = eject ? "eject" : insert ? "insert" : "update";
    const char *done = eject ? "ejected" : insert ? "inserted" : "updated";
    unsigned int flags = 0;
    g_autoptr(virDomain) dom = NULL;
    g_autoptr(vkshXml) tree = NULL;
    g_autofree char *xml = NULL;
    vkshXml *disk;

    if (!vkshOptExclusive(ctl, cmd, "eject", "insert") ||
        !vkshOptExclusive(ctl, cmd, "eject", "update") ||
        !vkshOptExclusive(ctl, cmd, "insert", "update") ||
        !vkshOptExclusive(ctl, cmd, "current", "live") ||
        !vkshOptExclusive(ctl, cmd, "current", "config"))
        return false;
    if (vkshOptBool(cmd, "config"))
        flags |= VIR_DOMAIN_AFFECT_CONFIG;
    if (vkshOptBool(cmd, "live"))
        flags |= VIR_DOMAIN_AFFECT_LIVE;
    if (vkshOptBool(cmd, "force"))
        flags |= VIR_DOMAIN_DEVICE_MODIFY_FORCE;
    if (!(dom = vkshCommandDomain(ctl, cmd, NULL, VKSH_BYANY)))
        return false;
    /* only the next boot's definition is changed: start from it */
    if (!(tree = vkshDomainTree(ctl, dom, (flags & VIR_DOMAIN_AFFECT_CONFIG) &&
                                !(flags & VIR_DOMAIN_AFFECT_LIVE) ?
                                VIR_DOMAIN_XML_INACTIVE : 0)))
        return false;
    if (!(disk = vkshXmlFindDisk(tree, path, true))) {
        vkshError(ctl, "No disk found whose source path or target is %s", path);
        return false;
    }
    if (insert && !source) {
        vkshError(ctl, "%s", "New disk media source was not specified");
        return false;
    }
    if (eject && !vkshXmlChild(disk, "source")) {
        vkshError(ctl, "The disk device '%s' doesn't have media", path);
        return false;
    }
    if (insert && vkshXmlChild(disk, "source")) {
        vkshError(ctl, "The disk device '%s' already has media", path);
        return false;
    }
    dropSource(disk);
    if (!eject && source)
        addSource(disk, source, vkshOptBool(cmd, "block"));
    xml = vkshXmlFormat(disk);
    if (vkshOptBool(cmd, "print-xml")) {
        vkshPrint(ctl, "%s", xml);
        return true;
    }
    if (virDomainUpdateDeviceFlags(dom, xml, flags) < 0) {
        vkshError(ctl, "Failed to complete action %s on media", action);
        return false;
    }
    vkshPrint(ctl, "Successfully %s media.\n", done);
    return true;
}

/* ---- update-memory-device ---- */

static const vkshOptDef optsUpdateMemdev[] = {
    VKSH_OPT_DOMAIN,
    VKSH_OPTS_AFFECT,
    { "print-xml", VKSH_OT_BOOL, 0,
      "print updated memory device XML instead of executing the change" },
    { "alias", VKSH_OT_STRING, 0, "memory device alias" },
    { "node", VKSH_OT_INT, 0, "memory device target node" },
    { "requested-size", VKSH_OT_STRING, 0,
      "new value of <requested/> size, as scaled integer (default KiB)" },
    { NULL, 0, 0, NULL },
};

/* The memory devices matching --alias and --node. */
static GPtrArray *
findMemdevs(const vkshXml *tree, const char *alias, bool byNode, int node)
{
    g_autoptr(GPtrArray) all = vkshXmlFindAll(tree, "devices/memory");
    GPtrArray *out = g_ptr_array_new();

    for (guint i = 0; i < all->len; i++) {
        vkshXml *m = all->pdata[i];
        const char *a = vkshXmlChildAttr(m, "alias", "name");
        vkshXml *target = vkshXmlChild(m, "target");
        vkshXml *n = target ? vkshXmlChild(target, "node") : NULL;

        if (alias && g_strcmp0(a, alias) != 0)
            continue;
        if (byNode && (!n || !n->text || strtol(n->text->str, NULL, 10) != node))
            continue;
        g_ptr_array_add(out, m);
    }
    return out;
}

/* Sets <target><requested unit='KiB'>kib</requested>. */
static void
setRequested(vkshXml *mem, unsigned long long kib)
{
    vkshXml *target = vkshXmlChild(mem, "target");
    vkshXml *req;

    if (!target) {
        target = vkshXmlNew("target");
        vkshXmlInsert(mem, target, -1);
    }
    if (!(req = vkshXmlChild(target, "requested"))) {
        req = vkshXmlNew("requested");
        vkshXmlInsert(target, req, -1);
    }
    vkshXmlSetAttr(req, "unit", "KiB");
    g_string_printf(req->text, "%llu", kib);
    g_string_assign(req->tail, req->text->str);
}

static bool
cmdUpdateMemdev(vkshCtl *ctl, const vkshCmd *cmd)
{
    const char *alias = vkshOptString(cmd, "alias");
    g_autoptr(virDomain) dom = NULL;
    g_autoptr(vkshXml) tree = NULL;
    g_autoptr(GPtrArray) found = NULL;
    g_autofree char *xml = NULL;
    unsigned long long bytes = 0;
    unsigned int flags = 0;
    int node = 0, byNode, bySize;

    if (!vkshAffectFlags(ctl, cmd, &flags) ||
        !vkshOptExclusive(ctl, cmd, "node", "alias") ||
        (byNode = vkshOptInt(ctl, cmd, "node", &node)) < 0 ||
        (bySize = vkshOptScaled(ctl, cmd, "requested-size", &bytes, 1024,
                                G_MAXUINT64)) < 0)
        return false;
    if (!(dom = vkshCommandDomain(ctl, cmd, NULL, VKSH_BYANY)) ||
        !(tree = vkshDomainTree(ctl, dom, flags & VIR_DOMAIN_AFFECT_CONFIG ?
                                VIR_DOMAIN_XML_INACTIVE : 0)))
        return false;
    found = findMemdevs(tree, alias, byNode > 0, node);
    if (!found->len) {
        vkshError(ctl, "%s", "no memory device found");
        return false;
    }
    if (found->len > 1) {
        vkshError(ctl, "%s", "multiple memory devices found, use --alias or --node to select one");
        return false;
    }
    if (bySize)
        setRequested(found->pdata[0], bytes / 1024);
    xml = vkshXmlFormat(found->pdata[0]);
    if (vkshOptBool(cmd, "print-xml")) {
        vkshPrint(ctl, "%s", xml);
        return true;
    }
    if (virDomainUpdateDeviceFlags(dom, xml, flags) < 0) {
        vkshSaveLibError(ctl);
        return false;
    }
    return true;
}

VKSH_CMD(vkshCmdChangeMedia, "change-media", cmdChangeMedia, optsChangeMedia,
         "Change media of CD or floppy drive", "Change media of CD or floppy drive.");
VKSH_CMD(vkshCmdUpdateMemoryDevice, "update-memory-device", cmdUpdateMemdev, optsUpdateMemdev,
         "update memory device of a domain", "Update values of a memory device of a domain");
