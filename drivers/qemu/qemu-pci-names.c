/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What libvirt fills in on the PCI controllers once every address is
 * known: the QEMU device name (<model name=''>) and the <target>
 * numbers (chassis, port, chassisNr), written in libvirt's attribute
 * order.  Split from qemu-pci.c, which places the devices.
 */
#include <string.h>

#include "drivers/qemu/qemu-pci.h"

/* Sets attr of ct's child element name (made when missing), unless the
 * definition already gave it. */
static void
setChild(vkDomainControllerDef *ct, const char *name, const char *attr, const char *value)
{
    vkXmlElem *e = NULL;

    for (guint i = 0; ct->extra && i < ct->extra->len; i++) {
        vkXmlElem *x = ct->extra->pdata[i];
        if (strcmp(x->name, name) == 0)
            e = x;
    }
    if (!e) {
        e = g_new0(vkXmlElem, 1);
        e->name = g_strdup(name);
        if (!ct->extra)
            ct->extra = g_ptr_array_new_with_free_func((GDestroyNotify)vkXmlElemFree);
        /* <model> comes before <target> */
        if (strcmp(name, "model") == 0)
            g_ptr_array_insert(ct->extra, 0, e);
        else
            g_ptr_array_add(ct->extra, e);
    }
    if (!vkXmlElemGetAttr(e, attr))
        vkXmlElemSetAttr(e, attr, value);
}

/* libvirt writes a controller's <target> attributes in one order,
 * whatever order the document gave them in. */
static void
targetOrder(vkDomainControllerDef *ct)
{
    static const char *const order[] = {
        "chassisNr", "chassis", "port", "busNr", "index", "hotplug", NULL
    };
    vkXmlElem *t = NULL;
    GPtrArray *sorted;

    for (guint i = 0; ct->extra && i < ct->extra->len; i++) {
        if (strcmp(((vkXmlElem *)ct->extra->pdata[i])->name, "target") == 0)
            t = ct->extra->pdata[i];
    }
    if (!t || !t->attrs)
        return;
    sorted = g_ptr_array_new_with_free_func(g_free);
    for (size_t k = 0; order[k]; k++) {
        const char *v = vkXmlElemGetAttr(t, order[k]);
        if (v) {
            g_ptr_array_add(sorted, g_strdup(order[k]));
            g_ptr_array_add(sorted, g_strdup(v));
        }
    }
    for (guint i = 0; i + 1 < t->attrs->len; i += 2) {
        if (!g_strv_contains(order, t->attrs->pdata[i])) {
            g_ptr_array_add(sorted, g_strdup(t->attrs->pdata[i]));
            g_ptr_array_add(sorted, g_strdup(t->attrs->pdata[i + 1]));
        }
    }
    g_ptr_array_unref(t->attrs);
    t->attrs = sorted;
}

void
vkQemuPciControllerNames(vkDomainDef *def)
{
    static const struct { const char *model, *name; } names[] = {
        { "pcie-root-port", "pcie-root-port" }, { "pci-bridge", "pci-bridge" },
        { "dmi-to-pci-bridge", "i82801b11-bridge" }, { "pcie-to-pci-bridge", "pcie-pci-bridge" },
        { "pcie-switch-upstream-port", "x3130-upstream" },
        { "pcie-switch-downstream-port", "xio3130-downstream" },
    };
    GPtrArray *c = def->priv->devs[VK_DOMAIN_DEVICE_CONTROLLER];

    for (guint i = 0; c && i < c->len; i++) {
        vkDomainControllerDef *ct = c->pdata[i];
        char v[16];

        if (strcmp(ct->type, "pci") != 0 || !ct->model)
            continue;
        for (size_t j = 0; j < G_N_ELEMENTS(names); j++) {
            if (strcmp(ct->model, names[j].model) == 0)
                setChild(ct, "model", "name", names[j].name);
        }
        g_snprintf(v, sizeof(v), "%d", ct->idx);
        if (strcmp(ct->model, "pci-bridge") == 0) {
            setChild(ct, "target", "chassisNr", v);
        } else if (strcmp(ct->model, "pcie-root-port") == 0 ||
                   strcmp(ct->model, "pcie-switch-downstream-port") == 0) {
            setChild(ct, "target", "chassis", v);
            if (isPci(ct->address)) {
                /* a root port's number encodes slot and function; a switch's
                 * downstream ports count by slot on the upstream port's bus */
                if (strcmp(ct->model, "pcie-root-port") == 0)
                    g_snprintf(v, sizeof(v), "0x%x", (attrNum(ct->address, "slot") << 3) |
                               attrNum(ct->address, "function"));
                else
                    g_snprintf(v, sizeof(v), "0x%x", attrNum(ct->address, "slot"));
                setChild(ct, "target", "port", v);
            }
        }
        targetOrder(ct);
    }
}
