/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Post-parse defaults of disks and interfaces, as libvirt 9.0's QEMU
 * driver fills them: every disk names its driver ('qemu') and, but for a
 * volume whose format the pool knows, its image format ('raw' unless
 * said); an interface without <model> gets the x86 default, rtl8139.
 * Filled at define and persisted, so argv and the stored XML agree.
 */
#include <string.h>

#include "drivers/qemu/defaults-priv.h"

/* The port a network disk's <host> gets when it names none. */
static void
hostPorts(vkDomainDiskDef *d)
{
    static const char *const ports[][2] = {
        { "nbd", "10809" }, { "iscsi", "3260" }, { "http", "80" }, { "https", "443" },
        { "ftp", "21" }, { "ftps", "990" }, { "gluster", "24007" }, { "ssh", "22" },
        { "tftp", "69" },
    };

    for (guint i = 0; d->srcHosts && i < d->srcHosts->len; i++) {
        vkXmlElem *h = d->srcHosts->pdata[i];
        const char *transport = vkXmlElemGetAttr(h, "transport");

        if (vkXmlElemGetAttr(h, "port") || !vkXmlElemGetAttr(h, "name") ||
            (transport && strcmp(transport, "tcp") != 0))
            continue;
        for (size_t k = 0; k < G_N_ELEMENTS(ports); k++) {
            if (g_strcmp0(d->srcProtocol, ports[k][0]) == 0)
                vkXmlElemSetAttr(h, "port", ports[k][1]);
        }
    }
}

/* An iSCSI target without a LUN ("iqn.../N") means LUN 0, which libvirt
 * writes out, for disks and SCSI host devices alike. */
static char *
iscsiLun(const char *name)
{
    return name && !strchr(name, '/') ? g_strdup_printf("%s/0", name) : NULL;
}

static void
hostdevIscsi(vkDomainDef *def)
{
    GPtrArray *o = def->priv ? def->priv->devs[VK_DOMAIN_DEVICE_OTHER] : NULL;

    for (guint i = 0; o && i < o->len; i++) {
        vkXmlElem *e = o->pdata[i];

        if (strcmp(e->name, "hostdev") != 0 || g_strcmp0(vkXmlElemGetAttr(e, "type"), "scsi") != 0)
            continue;
        for (guint k = 0; e->children && k < e->children->len; k++) {
            vkXmlElem *src = e->children->pdata[k];
            g_autofree char *name = NULL;

            if (strcmp(src->name, "source") == 0 &&
                g_strcmp0(vkXmlElemGetAttr(src, "protocol"), "iscsi") == 0 &&
                (name = iscsiLun(vkXmlElemGetAttr(src, "name"))))
                vkXmlElemSetAttr(src, "name", name);
        }
    }
}

/* A closed tray is the default state, which libvirt does not write. */
static void
closedTray(vkDomainDiskDef *d)
{
    for (guint k = 0; d->targetAttrs && k + 1 < d->targetAttrs->len; k += 2) {
        if (strcmp(d->targetAttrs->pdata[k], "tray") == 0 &&
            g_strcmp0(d->targetAttrs->pdata[k + 1], "closed") == 0) {
            g_ptr_array_remove_range(d->targetAttrs, k, 2);
            return;
        }
    }
}

int
vkQemuDefaultsDiskNet(vkDomainDef *def)
{
    GPtrArray *disks = def->priv ? def->priv->devs[VK_DOMAIN_DEVICE_DISK] : NULL;
    GPtrArray *nets = def->priv ? def->priv->devs[VK_DOMAIN_DEVICE_NET] : NULL;

    for (guint i = 0; disks && i < disks->len; i++) {
        vkDomainDiskDef *d = disks->pdata[i];

        if (!d->driverName)
            d->driverName = g_strdup("qemu");
        if (!d->driverType && d->type != VK_DOMAIN_DISK_TYPE_VOLUME)
            d->driverType = g_strdup("raw");
        hostPorts(d);
        closedTray(d);
        if (d->type == VK_DOMAIN_DISK_TYPE_NETWORK && g_strcmp0(d->srcProtocol, "iscsi") == 0) {
            char *name = iscsiLun(d->src);

            if (name) {
                g_free(d->src);
                d->src = name;
            }
        }
    }
    hostdevIscsi(def);
    for (guint i = 0; nets && i < nets->len; i++) {
        vkDomainNetDef *n = nets->pdata[i];

        if (!n->model && n->type != VK_DOMAIN_NET_TYPE_HOSTDEV)
            n->model = g_strdup("rtl8139");
    }
    return 0;
}
