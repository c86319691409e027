/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * USB rules libvirt applies to any definition: a guest USB address is a
 * bus number and a port path of at most four hops (a device behind up to
 * three hubs), a USB bus needs one controller that is not a companion
 * (an ICH9 UHCI is one even unsaid), and a redirected USB device needs a
 * USB controller at all.
 *
 * The address is kept as a tree (domain-address.c), so it is parsed here
 * twice: once to write it in libvirt's form (the path cut at its first
 * 0, the bus always written) and once to refuse what libvirt cannot parse,
 * with its error.  The redirdev rule runs after a driver's implicit
 * devices: the QEMU driver adds a USB controller first and calls it
 * itself.  Rules and messages are libvirt's behaviour on test:///default.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "conf/domain-conf-priv.h"

#define VIR_FROM_THIS VIR_FROM_DOMAIN
#include "util/error.h"

#define USB_PORT_DEPTH 4

/* An unsigned 32-bit decimal: leading blanks and '+' pass, a '-' not. */
static bool
parseUInt(const char *s, unsigned int *out)
{
    unsigned long long v;
    char *end;

    if (!s || strchr(s, '-'))
        return false;
    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno || end == s || *end || v > G_MAXUINT)
        return false;
    *out = (unsigned int)v;
    return true;
}

/* "1.2.3" into port[]; false when a hop is no number or there are more
 * than USB_PORT_DEPTH of them. */
static bool
parsePort(const char *s, unsigned int port[USB_PORT_DEPTH])
{
    g_auto(GStrv) hops = g_strsplit(s, ".", 0);
    guint n = g_strv_length(hops);

    if (n == 0 || n > USB_PORT_DEPTH)
        return false;
    memset(port, 0, USB_PORT_DEPTH * sizeof(*port));
    for (guint i = 0; i < n; i++) {
        if (!parseUInt(hops[i], &port[i]))
            return false;
    }
    return true;
}

void
vkDomainUsbAddressCanonicalize(vkXmlElem *addr)
{
    const char *b = vkXmlElemGetAttr(addr, "bus"), *p = vkXmlElemGetAttr(addr, "port");
    unsigned int bus = 0, port[USB_PORT_DEPTH] = { 0 };
    char num[16];
    GString *path;

    if ((b && !parseUInt(b, &bus)) || (p && !parsePort(p, port)))
        return;     /* vkDomainUsbAddressCheck refuses it */
    /* a 0 hop ends the path; what follows it is not written */
    path = g_string_new(NULL);
    for (guint i = 0; i < USB_PORT_DEPTH && port[i]; i++)
        g_string_append_printf(path, "%s%u", i ? "." : "", port[i]);
    if (addr->attrs)
        g_ptr_array_set_size(addr->attrs, 0);
    vkXmlElemSetAttr(addr, "type", "usb");
    g_snprintf(num, sizeof(num), "%u", bus);
    vkXmlElemSetAttr(addr, "bus", num);
    if (path->len)
        vkXmlElemSetAttr(addr, "port", path->str);
    g_string_free(path, TRUE);
}

int
vkDomainUsbAddressCheck(const vkXmlElem *addr)
{
    const char *b = vkXmlElemGetAttr(addr, "bus"), *p = vkXmlElemGetAttr(addr, "port");
    unsigned int bus, port[USB_PORT_DEPTH];

    if (g_strcmp0(vkXmlElemGetAttr(addr, "type"), "usb") != 0)
        return 0;
    /* libvirt reads the port first */
    if (p && !parsePort(p, port)) {
        vkReportErrorFull(VIR_FROM_DEVICE, VIR_ERR_INTERNAL_ERROR, __FILE__, __func__, __LINE__,
                          "%s", "Cannot parse <address> 'port' attribute");
        return -1;
    }
    if (b && !parseUInt(b, &bus)) {
        vkReportErrorFull(VIR_FROM_XML, VIR_ERR_XML_ERROR, __FILE__, __func__, __LINE__,
                          "Invalid value for attribute 'bus' in element 'address': '%s'. "
                          "Expected non-negative integer value", b);
        return -1;
    }
    return 0;
}

/* An ICH9 UHCI companion serves two ports of its EHCI: uhci1 from port 0,
 * uhci2 from 2, uhci3 from 4, unless <master> says otherwise. */
void
vkDomainUsbCompanionMaster(vkDomainControllerDef *c)
{
    static const char *const models[] = { "ich9-uhci1", "ich9-uhci2", "ich9-uhci3" };
    vkXmlElem *m;

    if (strcmp(c->type, "usb") != 0 || !c->model)
        return;
    for (guint i = 0; c->extra && i < c->extra->len; i++) {
        if (strcmp(((vkXmlElem *)c->extra->pdata[i])->name, "master") != 0)
            continue;
        /* no USB, nothing to be a companion of */
        if (strcmp(c->model, "none") == 0)
            g_ptr_array_remove_index(c->extra, i);
        return;
    }
    for (size_t i = 0; i < G_N_ELEMENTS(models); i++) {
        char port[4];

        if (strcmp(c->model, models[i]) != 0)
            continue;
        m = g_new0(vkXmlElem, 1);
        m->name = g_strdup("master");
        g_snprintf(port, sizeof(port), "%zu", i * 2);
        vkXmlElemSetAttr(m, "startport", port);
        if (!c->extra)
            c->extra = g_ptr_array_new_with_free_func((GDestroyNotify)vkXmlElemFree);
        g_ptr_array_add(c->extra, m);
    }
}

bool
vkDomainUsbIsCompanion(const vkDomainControllerDef *c)
{
    return strcmp(c->type, "usb") == 0 && vkXmlElemListFind(c->extra, "master");
}

/* Companions (<master>, implied for ICH9 UHCIs) hang off a controller
 * that has none: a guest with companions only has no USB bus. */
int
vkDomainDefUsbMasterCheck(vkDomainDef *def)
{
    GPtrArray *a = def->priv->devs[VK_DOMAIN_DEVICE_CONTROLLER];
    bool any = false;

    for (guint i = 0; a && i < a->len; i++) {
        const vkDomainControllerDef *c = a->pdata[i];

        if (strcmp(c->type, "usb") != 0 || g_strcmp0(c->model, "none") == 0)
            continue;
        if (!vkDomainUsbIsCompanion(c))
            return 0;
        any = true;
    }
    if (!any)
        return 0;
    vkReportError(VIR_ERR_XML_DETAIL, "%s", "No master USB controller specified");
    return -1;
}

int
vkDomainDefRedirdevCheck(const vkDomainDef *def)
{
    GPtrArray *a = def->priv->devs[VK_DOMAIN_DEVICE_CONTROLLER];

    for (guint i = 0; a && i < a->len; i++) {
        const vkDomainControllerDef *c = a->pdata[i];
        if (strcmp(c->type, "usb") == 0 && g_strcmp0(c->model, "none") != 0)
            return 0;
    }
    a = def->priv->devs[VK_DOMAIN_DEVICE_OTHER];
    for (guint i = 0; a && i < a->len; i++) {
        const vkXmlElem *e = a->pdata[i];
        if (strcmp(e->name, "redirdev") == 0 &&
            g_strcmp0(vkXmlElemGetAttr(e, "bus") ?: "usb", "usb") == 0) {
            vkReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                          "cannot add redirected USB device: USB is disabled for this domain");
            return -1;
        }
    }
    return 0;
}
