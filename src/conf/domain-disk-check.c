/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Disk checks libvirt makes at define that virtkit's parser, which keeps
 * <auth> and <encryption> as trees, cannot see on its own: each may be
 * given on the <disk> (the old place) or in its <source> (the new one),
 * but not in both, since libvirt would have to pick one silently.  The
 * secret of an <auth> must be of the kind its protocol uses, and a LUKS
 * <encryption> takes its cipher from the image, not from the domain.
 * Only QEMU takes a disk image as an FD the client passes (fdgroup).
 */
#include <string.h>

#include "conf/domain-conf-priv.h"

#define VIR_FROM_THIS VIR_FROM_DOMAIN
#include "util/error.h"

/* <auth><secret type=''>: a known usage type, the one protocol needs. */
static int
checkAuth(const vkDomainDiskDef *d, const vkXmlElem *auth)
{
    static const char *const known[] = { "none", "volume", "ceph", "iscsi", "tls", "vtpm", NULL };
    const char *type = vkXmlElemGetAttr(vkXmlElemChild(auth, "secret"), "type");
    const char *want = g_strcmp0(d->srcProtocol, "iscsi") == 0 ? "iscsi" :
                       g_strcmp0(d->srcProtocol, "rbd") == 0 ? "ceph" : NULL;

    if (!auth)
        return 0;
    if (!type || !g_strv_contains(known, type)) {
        vkReportError(VIR_ERR_CONFIG_UNSUPPORTED, "unknown secret type '%s'",
                      type ? type : "<null>");
        return -1;
    }
    if (want && strcmp(type, want) != 0) {
        vkReportError(VIR_ERR_CONFIG_UNSUPPORTED, "invalid secret type '%s'", type);
        return -1;
    }
    return 0;
}

static int
checkEncryption(const vkXmlElem *enc)
{
    /* only LUKS reads <cipher> and <ivgen>; other formats keep them */
    if (!enc || g_strcmp0(vkXmlElemGetAttr(enc, "format"), "luks") != 0)
        return 0;
    if (vkXmlElemChild(enc, "ivgen") && !vkXmlElemChild(enc, "cipher")) {
        vkReportErrorFull(VIR_FROM_STORAGE, VIR_ERR_XML_ERROR, __FILE__, __func__, __LINE__,
                          "%s", "ivgen element found, but cipher is missing");
        return -1;
    }
    if (vkXmlElemChild(enc, "cipher")) {
        vkReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                      "supplying <cipher> for domain disk definition is unnecessary");
        return -1;
    }
    return 0;
}

/* A disk source's <seclabel>s: one per security driver (one without a
 * model is allowed beside them, unlike the domain's own labels). */
static int
checkSeclabels(const vkXmlElem *src)
{
    g_autoptr(GPtrArray) labels = g_ptr_array_new();

    for (guint i = 0; src && src->children && i < src->children->len; i++) {
        if (strcmp(((vkXmlElem *)src->children->pdata[i])->name, "seclabel") == 0)
            g_ptr_array_add(labels, src->children->pdata[i]);
    }
    for (guint i = 0; i < labels->len; i++) {
        const char *model = vkXmlElemGetAttr(labels->pdata[i], "model");

        for (guint j = 0; model && j < i; j++) {
            if (g_strcmp0(vkXmlElemGetAttr(labels->pdata[j], "model"), model) == 0) {
                vkReportError(VIR_ERR_XML_DETAIL, "seclabel for model %s is already provided",
                              model);
                return -1;
            }
        }
    }
    return 0;
}

int
vkDomainDiskFdgroupCheck(const vkDomainDef *def)
{
    GPtrArray *a = def->priv->devs[VK_DOMAIN_DEVICE_DISK];

    for (guint i = 0; a && i < a->len; i++) {
        const vkDomainDiskDef *d = a->pdata[i];

        if (d->type == VK_DOMAIN_DISK_TYPE_FILE && vkXmlElemGetAttr(d->srcRest, "fdgroup")) {
            vkReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                          "driver does not support FD passing for disk '%s'", d->dst);
            return -1;
        }
    }
    return 0;
}

int
vkDomainDiskSourceCheck(vkDomainDef *def)
{
    static const char *const both[] = { "auth", "encryption", NULL };
    GPtrArray *a = def->priv->devs[VK_DOMAIN_DEVICE_DISK];

    for (guint i = 0; a && i < a->len; i++) {
        const vkDomainDiskDef *d = a->pdata[i];

        for (guint k = 0; both[k]; k++) {
            if (vkXmlElemListFind(d->extra, both[k]) && d->srcRest &&
                vkXmlElemListFind(d->srcRest->children, both[k])) {
                vkReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                              "an <%s> definition already found for disk source", both[k]);
                return -1;
            }
        }
        if (checkAuth(d, vkXmlElemListFind(d->extra, "auth")) < 0 ||
            checkAuth(d, vkXmlElemChild(d->srcRest, "auth")) < 0 ||
            checkEncryption(vkXmlElemListFind(d->extra, "encryption")) < 0 ||
            checkEncryption(vkXmlElemChild(d->srcRest, "encryption")) < 0 ||
            checkSeclabels(d->srcRest) < 0)
            return -1;
    }
    return 0;
}
