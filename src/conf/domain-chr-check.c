/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The checks libvirt makes on a character device's <source> elements at
 * define, wherever a chardev backend appears: serial, parallel, console
 * and channel devices, and the chardev backends of redirdev and
 * smartcard.  A TCP backend needs one source with a host and a service, a
 * UDP one at most two sources and a service to send to, and a reconnect
 * timer only makes sense when connecting.  Errors are libvirt's codes and
 * messages, so that a definition libvirt refuses is refused here too.
 */
#include <string.h>

#include "conf/domain-conf-priv.h"

#define VIR_FROM_THIS VIR_FROM_DOMAIN
#include "util/error.h"

static int
missing(const char *what)
{
    vkReportError(VIR_ERR_INTERNAL_ERROR, "Missing source %s attribute for char device", what);
    return -1;
}

/* The reconnect timer of one connecting source: enabled needs a timeout. */
static int
checkReconnect(const vkXmlElem *src)
{
    for (guint i = 0; src->children && i < src->children->len; i++) {
        const vkXmlElem *r = src->children->pdata[i];

        if (strcmp(r->name, "reconnect") != 0 ||
            g_strcmp0(vkXmlElemGetAttr(r, "enabled"), "yes") != 0)
            continue;
        if (!vkXmlElemGetAttr(r, "timeout")) {
            vkReportErrorFull(VIR_FROM_XML, VIR_ERR_XML_ERROR, __FILE__, __func__, __LINE__,
                              "%s", "Missing required attribute 'timeout' in element 'reconnect'");
            return -1;
        }
        if (g_strcmp0(vkXmlElemGetAttr(src, "mode"), "bind") == 0) {
            vkReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                          "chardev reconnect is possible only for connect mode");
            return -1;
        }
    }
    return 0;
}

/* type: the backend type (tcp, udp, unix, ...); sources: its <source>
 * elements in document order; pathOptional: a virtio channel's UNIX
 * socket, which the hypervisor driver names itself. */
static int
checkSources(const char *type, const GPtrArray *sources, bool pathOptional)
{
    guint n = sources ? sources->len : 0;

    if (g_strcmp0(type, "tcp") == 0 && n > 1) {
        vkReportError(VIR_ERR_XML_ERROR, "%s",
                      "only one source element is allowed for character device");
        return -1;
    }
    if (g_strcmp0(type, "udp") == 0 && n > 2) {
        vkReportError(VIR_ERR_XML_ERROR, "%s",
                      "only two source elements are allowed for character device");
        return -1;
    }
    for (guint i = 0; i < n; i++) {
        if (checkReconnect(sources->pdata[i]) < 0)
            return -1;
    }
    if (g_strcmp0(type, "tcp") == 0) {
        const vkXmlElem *s = n ? sources->pdata[0] : NULL;
        if (!vkXmlElemGetAttr(s, "host"))
            return missing("host");
        if (!vkXmlElemGetAttr(s, "service"))
            return missing("service");
    } else if (g_strcmp0(type, "udp") == 0) {
        bool service = false;
        for (guint i = 0; i < n; i++) {
            const vkXmlElem *s = sources->pdata[i];
            if (g_strcmp0(vkXmlElemGetAttr(s, "mode"), "bind") != 0)
                service |= vkXmlElemGetAttr(s, "service") != NULL;
        }
        if (!service)
            return missing("service");
    } else if (g_strcmp0(type, "unix") == 0 && !pathOptional) {
        bool path = false;
        for (guint i = 0; i < n; i++)
            path |= vkXmlElemGetAttr(sources->pdata[i], "path") != NULL;
        if (!path)
            return missing("path");
    }
    return 0;
}

int
vkDomainChrSourcesCheck(vkDomainDef *def)
{
    GPtrArray *a = def->priv->devs[VK_DOMAIN_DEVICE_CHR];
    GPtrArray *others = def->priv->devs[VK_DOMAIN_DEVICE_OTHER];

    for (guint i = 0; a && i < a->len; i++) {
        const vkDomainChrDef *c = a->pdata[i];
        bool virtioChannel = c->kind == VK_DOMAIN_CHR_CHANNEL &&
                             g_strcmp0(vkXmlElemGetAttr(c->target, "type"), "virtio") == 0;

        if (checkSources(c->type, c->sources, virtioChannel) < 0)
            return -1;
    }
    for (guint i = 0; others && i < others->len; i++) {
        const vkXmlElem *dev = others->pdata[i];
        g_autoptr(GPtrArray) srcs = NULL;

        if (strcmp(dev->name, "redirdev") != 0 && strcmp(dev->name, "smartcard") != 0)
            continue;
        /* a smartcard is a chardev only in passthrough mode */
        if (strcmp(dev->name, "smartcard") == 0 &&
            g_strcmp0(vkXmlElemGetAttr(dev, "mode"), "passthrough") != 0)
            continue;
        srcs = g_ptr_array_new();
        for (guint j = 0; dev->children && j < dev->children->len; j++) {
            if (strcmp(((vkXmlElem *)dev->children->pdata[j])->name, "source") == 0)
                g_ptr_array_add(srcs, dev->children->pdata[j]);
        }
        if (checkSources(vkXmlElemGetAttr(dev, "type"), srcs, false) < 0)
            return -1;
    }
    return 0;
}
