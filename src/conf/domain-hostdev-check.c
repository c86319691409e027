/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Mediated-device host devices (<hostdev type='mdev'>), which virtkit
 * keeps as element trees: libvirt reads their source and checks them at
 * define whatever the driver, so a definition it refuses must not be kept
 * here either.  The source names the mdev by UUID only; the guest address
 * must be one the model's bus can carry (vfio-ap is not checked); at most
 * one vGPU may drive a ramfb, the one display the firmware can see.
 *
 * The rules and messages are libvirt's as its test driver shows them
 * (define variations through test:///default), not its code.
 */
#include <string.h>

#include "conf/domain-conf-priv.h"
#include "util/uuid.h"

#define VIR_FROM_THIS VIR_FROM_DOMAIN
#include "util/error.h"

static bool
isMdev(const vkXmlElem *h)
{
    return strcmp(h->name, "hostdev") == 0 &&
           g_strcmp0(vkXmlElemGetAttr(h, "mode") ?: "subsystem", "subsystem") == 0 &&
           g_strcmp0(vkXmlElemGetAttr(h, "type"), "mdev") == 0;
}

/* Parsed, the source is a UUID alone, and libvirt writes it so. */
static int
checkSource(const vkXmlElem *h)
{
    const vkXmlElem *src = vkXmlElemChild(h, "source");
    vkXmlElem *addr = vkXmlElemChild(src, "address");
    const char *uuid = vkXmlElemGetAttr(addr, "uuid");
    unsigned char raw[VIR_UUID_BUFLEN];
    char canon[VIR_UUID_STRING_BUFLEN];

    if (!src)
        return 0;   /* the generic hostdev checks refuse that */
    if (!addr) {
        vkReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s", "Missing <address> element");
        return -1;
    }
    if (!uuid) {
        vkReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                      "Missing 'uuid' attribute for element <address>");
        return -1;
    }
    if (vkUUIDParse(uuid, raw) < 0) {
        vkReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                      "Cannot parse uuid attribute of element <address>");
        return -1;
    }
    g_ptr_array_set_size(addr->attrs, 0);
    vkXmlElemSetAttr(addr, "uuid", vkUUIDFormat(raw, canon));
    return 0;
}

/* vfio-pci sits on PCI, vfio-ccw on the channel subsystem. */
static int
checkAddress(const vkXmlElem *h)
{
    const char *model = vkXmlElemGetAttr(h, "model");
    const char *type = vkXmlElemGetAttr(vkXmlElemChild(h, "address"), "type");
    const char *bus = g_strcmp0(model, "vfio-pci") == 0 ? "pci" :
                      g_strcmp0(model, "vfio-ccw") == 0 ? "ccw" : NULL;

    if (!bus || !type || strcmp(type, bus) == 0)
        return 0;
    vkReportError(VIR_ERR_XML_ERROR,
                  "Unsupported address type '%s' with mediated device model '%s'",
                  type, model);
    return -1;
}

int
vkDomainDefMdevCheck(vkDomainDef *def)
{
    GPtrArray *a = def->priv->devs[VK_DOMAIN_DEVICE_OTHER];
    guint ramfb = 0;

    for (guint i = 0; a && i < a->len; i++) {
        const vkXmlElem *h = a->pdata[i];

        if (!isMdev(h))
            continue;
        if (checkSource(h) < 0 || checkAddress(h) < 0)
            return -1;
        ramfb += g_strcmp0(vkXmlElemGetAttr(h, "ramfb"), "on") == 0;
    }
    if (ramfb > 1) {
        vkReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                      "Only one vgpu device can have 'ramfb' enabled");
        return -1;
    }
    return 0;
}
