/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A running disk's image chain as QEMU has it, and the live XML that
 * shows it (<source>, <backingStore>, <mirror>).
 *
 * The one idea: the images of a disk are named by what QEMU has open,
 * not by the definition.  The chain is read back from QEMU (query-block
 * for the top node and the image chain, the flat node list for the node
 * under each file), so a path the caller names is found in it whether
 * the definition lists <backingStore> or QEMU opened the backing files
 * itself, and whatever earlier jobs changed; after a job the live XML is
 * rewritten from it.
 */
#include <string.h>

#define VIR_FROM_THIS VIR_FROM_QEMU
#include "util/error.h"
#include "drivers/qemu/qemu-blockjob.h"
#include "drivers/qemu/qemu-blockdev.h"

static int
cmd(vkQemuState *st, vkQemuDomain *obj, const char *name, vkJSON *args, vkJSON **ret)
{
    return vkQemuDomainMonitorCommand(st, obj, name, args, ret);
}

vkDomainDiskDef *
vkQemuBlockFindDisk(vkQemuDomain *obj, const char *path)
{
    GPtrArray *disks = vkDomainDevList(obj->def, VK_DOMAIN_DEVICE_DISK);

    for (guint i = 0; disks && i < disks->len; i++) {
        vkDomainDiskDef *d = disks->pdata[i];

        if (g_strcmp0(d->dst, path) == 0 || g_strcmp0(d->src, path) == 0)
            return d;
    }
    vkReportError(VIR_ERR_INVALID_ARG, "disk '%s' not found in domain", path);
    return NULL;
}

static void
imageFree(vkQemuImage *img)
{
    g_free(img->node);
    g_free(img->file);
    g_free(img->format);
    g_free(img);
}

/* The node of the flat list that holds file in format over the image
 * below (NULL at the bottom): a stale node of the same file (left by a
 * job) has another backing file and is not the one in use. */
static const char *
nodeOf(const vkJSON *nodes, const char *file, const char *format, const char *below)
{
    for (size_t i = 0; i < vkJSONArraySize(nodes); i++) {
        const vkJSON *n = vkJSONArrayGet(nodes, i);

        if (g_strcmp0(vkJSONObjectGetString(n, "file"), file) == 0 &&
            g_strcmp0(vkJSONObjectGetString(n, "drv"), format) == 0 &&
            g_strcmp0(vkJSONObjectGetString(n, "backing_file"), below) == 0)
            return vkJSONObjectGetString(n, "node-name");
    }
    return NULL;
}

/* The query-block entry of the device with QEMU id alias. */
const vkJSON *
vkQemuBlockEntry(const vkJSON *list, const char *alias)
{
    g_autofree char *prefix = g_strdup_printf("/machine/peripheral/%s/", alias);

    for (size_t i = 0; i < vkJSONArraySize(list); i++) {
        const vkJSON *b = vkJSONArrayGet(list, i);
        const char *qdev = vkJSONObjectGetString(b, "qdev");

        if (qdev && (strcmp(qdev, alias) == 0 || g_str_has_prefix(qdev, prefix)))
            return b;
    }
    return NULL;
}

GPtrArray *
vkQemuBlockChain(vkQemuState *st, vkQemuDomain *obj, const vkDomainDiskDef *d)
{
    g_autoptr(GPtrArray) chain = g_ptr_array_new_with_free_func((GDestroyNotify)imageFree);
    g_autofree char *alias = vkQemuDiskAlias(obj->def, d);
    g_autofree char *dst = g_strdup(d->dst);
    g_autoptr(vkJSON) blocks = NULL;
    g_autoptr(vkJSON) nodes = NULL;
    vkJSON *args;
    const vkJSON *ins, *img;
    const char *top;

    if (cmd(st, obj, "query-block", NULL, &blocks) < 0)
        return NULL;
    args = vkJSONNewObject();
    vkJSONObjectAppendBool(args, "flat", true);
    if (cmd(st, obj, "query-named-block-nodes", args, &nodes) < 0)
        return NULL;
    ins = vkJSONObjectGet(vkQemuBlockEntry(blocks, alias), "inserted");
    if (!ins || !(top = vkJSONObjectGetString(ins, "node-name"))) {
        vkReportError(VIR_ERR_OPERATION_INVALID, "disk '%s' does not have a source to "
                      "run a block job on", dst);
        return NULL;
    }
    if (g_str_has_prefix(top, "libvirt-CoR-")) {
        vkReportError(VIR_ERR_OPERATION_UNSUPPORTED, "block jobs on disk '%s' with "
                      "copy_on_read='on'", dst);
        return NULL;
    }
    for (img = vkJSONObjectGet(ins, "image"); img; img = vkJSONObjectGet(img, "backing-image")) {
        vkQemuImage *im = g_new0(vkQemuImage, 1);
        const vkJSON *next = vkJSONObjectGet(img, "backing-image");
        const char *node;

        im->file = g_strdup(vkJSONObjectGetString(img, "filename"));
        im->format = g_strdup(vkJSONObjectGetString(img, "format"));
        vkJSONGetUInt64(vkJSONObjectGet(img, "virtual-size"), &im->size);
        node = chain->len == 0 ? top :
               nodeOf(nodes, im->file, im->format,
                      next ? vkJSONObjectGetString(next, "filename") : NULL);
        im->node = g_strdup(node);
        g_ptr_array_add(chain, im);
        if (!node || !im->file) {
            vkReportError(VIR_ERR_INTERNAL_ERROR, "cannot find the node of image '%s' "
                          "of disk '%s'", im->file ? im->file : "?", dst);
            return NULL;
        }
    }
    if (chain->len == 0) {
        vkReportError(VIR_ERR_INTERNAL_ERROR, "QEMU shows no image for disk '%s'", dst);
        return NULL;
    }
    return g_steal_pointer(&chain);
}

static vkXmlElem *
elemNew(const char *name)
{
    vkXmlElem *e = g_new0(vkXmlElem, 1);

    e->name = g_strdup(name);
    return e;
}

static void
elemAdd(vkXmlElem *parent, vkXmlElem *child)
{
    if (!parent->children)
        parent->children = g_ptr_array_new_with_free_func((GDestroyNotify)vkXmlElemFree);
    g_ptr_array_add(parent->children, child);
}

/* libvirt's index of an image: N of its node libvirt-N-format. */
static bool
nodeIndex(const char *node, unsigned int *n)
{
    return node && sscanf(node, "libvirt-%u-format", n) == 1;
}

/* Drops d's kept children called name. */
static void
dropExtra(vkDomainDiskDef *d, const char *name)
{
    for (guint i = d->extra ? d->extra->len : 0; i > 0; i--) {
        vkXmlElem *e = d->extra->pdata[i - 1];

        if (strcmp(e->name, name) == 0) {
            /* the list may or may not own its elements: take it out first */
            g_ptr_array_steal_index(d->extra, i - 1);
            vkXmlElemFree(e);
        }
    }
}

static void
addExtra(vkDomainDiskDef *d, vkXmlElem *e)
{
    if (!d->extra)
        d->extra = g_ptr_array_new_with_free_func((GDestroyNotify)vkXmlElemFree);
    g_ptr_array_add(d->extra, e);
}

void
vkQemuBlockSetMirror(vkDomainDiskDef *d, const vkQemuImage *img, const char *job,
                     const char *ready)
{
    vkXmlElem *m, *fmt, *src;
    unsigned int n;

    dropExtra(d, "mirror");
    if (!img)
        return;
    m = elemNew("mirror");
    fmt = elemNew("format");
    src = elemNew("source");
    vkXmlElemSetAttr(m, "type", "file");
    vkXmlElemSetAttr(m, "file", img->file);
    vkXmlElemSetAttr(m, "format", img->format);
    vkXmlElemSetAttr(m, "job", job);
    if (ready)
        vkXmlElemSetAttr(m, "ready", ready);
    vkXmlElemSetAttr(fmt, "type", img->format);
    vkXmlElemSetAttr(src, "file", img->file);
    if (nodeIndex(img->node, &n)) {
        g_autofree char *idx = g_strdup_printf("%u", n);
        vkXmlElemSetAttr(src, "index", idx);
    }
    elemAdd(m, fmt);
    elemAdd(m, src);
    addExtra(d, m);
}

void
vkQemuBlockSetChain(vkDomainDiskDef *d, const GPtrArray *chain)
{
    const vkQemuImage *top = chain->pdata[0];
    vkXmlElem *below = elemNew("backingStore");
    unsigned int n;

    g_free(d->src);
    d->src = g_strdup(top->file);
    g_free(d->driverType);
    d->driverType = g_strdup(top->format);
    if (nodeIndex(top->node, &n)) {
        g_autofree char *idx = g_strdup_printf("%u", n);

        if (!d->srcRest)
            d->srcRest = elemNew("source");
        vkXmlElemSetAttr(d->srcRest, "index", idx);
    }
    /* deepest first: each image wraps the one below it, as libvirt nests
     * them, the chain ending in an empty <backingStore/> */
    for (guint i = chain->len; i > 1; i--) {
        const vkQemuImage *im = chain->pdata[i - 1];
        vkXmlElem *b = elemNew("backingStore");
        vkXmlElem *fmt = elemNew("format");
        vkXmlElem *src = elemNew("source");

        vkXmlElemSetAttr(b, "type", "file");
        if (nodeIndex(im->node, &n)) {
            g_autofree char *idx = g_strdup_printf("%u", n);
            vkXmlElemSetAttr(b, "index", idx);
        }
        vkXmlElemSetAttr(fmt, "type", im->format);
        vkXmlElemSetAttr(src, "file", im->file);
        elemAdd(b, fmt);
        elemAdd(b, src);
        elemAdd(b, below);
        below = b;
    }
    dropExtra(d, "backingStore");
    addExtra(d, below);
}
