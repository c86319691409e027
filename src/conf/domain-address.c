/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Device addresses in libvirt's canonical form.
 *
 * virtkit keeps <address> elements as small trees, but libvirt parses
 * them and writes them back in one form per address type (PCI numbers in
 * zero-padded hex, every drive coordinate present, ...): a definition
 * that says slot='18' comes back as slot='0x12'.  Rewriting the kept tree
 * once, when it is read, gives the same output without a struct per
 * address type.  A value that is not a number is left as written.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/domain-conf-priv.h"

#define VIR_FROM_THIS VIR_FROM_DOMAIN
#include "util/error.h"

typedef struct {
    const char *name;
    const char *format;     /* NULL: decimal, kept only when present */
    bool always;            /* written with 0 when absent */
} addrField;

typedef struct {
    const char *type;
    addrField fields[6];
} addrLayout;

static const addrLayout layouts[] = {
    { "pci", { { "domain", "0x%04llx", true }, { "bus", "0x%02llx", true },
               { "slot", "0x%02llx", true }, { "function", "0x%llx", true } } },
    { "drive", { { "controller", "%llu", true }, { "bus", "%llu", true },
                 { "target", "%llu", true }, { "unit", "%llu", true } } },
    { "ccw", { { "cssid", "0x%llx", false }, { "ssid", "0x%llx", false },
               { "devno", "0x%04llx", false } } },
    { "virtio-serial", { { "controller", "%llu", true }, { "bus", "%llu", true },
                         { "port", "%llu", true } } },
    { "isa", { { "iobase", "0x%llx", false }, { "irq", "0x%llx", false } } },
    { "spapr-vio", { { "reg", "0x%08llx", false } } },
};

static bool
parseNumber(const char *s, unsigned long long *out)
{
    char *end;

    if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
        return false;
    errno = 0;
    *out = strtoull(s, &end, g_str_has_prefix(s, "0x") || g_str_has_prefix(s, "0X") ? 16 : 10);
    return errno == 0 && *end == '\0';
}

/* A host PCI address (<hostdev><source><address domain= bus= slot=
 * function=/>) carries no type attribute. */
static const addrLayout *
layoutOf(const vkXmlElem *addr)
{
    const char *type = vkXmlElemGetAttr(addr, "type");

    if (!type && vkXmlElemGetAttr(addr, "slot") && vkXmlElemGetAttr(addr, "function") &&
        !vkXmlElemGetAttr(addr, "device"))
        type = "pci";
    for (size_t i = 0; type && i < G_N_ELEMENTS(layouts); i++) {
        if (strcmp(layouts[i].type, type) == 0)
            return &layouts[i];
    }
    return NULL;
}

/* A guest PCI address of all zeros is libvirt's "not assigned yet": it
 * writes <address type='pci'/>, whatever zeros the input spelled out. */
static void
pciZeroIsUnassigned(vkXmlElem *addr)
{
    static const char *const coords[] = { "domain", "bus", "slot", "function" };
    g_autoptr(GPtrArray) kept = NULL;

    for (size_t i = 0; i < G_N_ELEMENTS(coords); i++) {
        unsigned long long v;
        if (!parseNumber(vkXmlElemGetAttr(addr, coords[i]), &v) || v != 0)
            return;
    }
    kept = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; i + 1 < addr->attrs->len; i += 2) {
        bool coord = false;
        for (size_t j = 0; j < G_N_ELEMENTS(coords); j++)
            coord |= strcmp(addr->attrs->pdata[i], coords[j]) == 0;
        if (coord)
            continue;
        g_ptr_array_add(kept, g_strdup(addr->attrs->pdata[i]));
        g_ptr_array_add(kept, g_strdup(addr->attrs->pdata[i + 1]));
    }
    g_ptr_array_unref(addr->attrs);
    addr->attrs = g_steal_pointer(&kept);
}

/* <zpci uid='' fid=''/>: libvirt keeps both as numbers and writes both,
 * zero-padded, as soon as either is given. */
static void
zpciCanonicalize(vkXmlElem *addr)
{
    for (guint i = 0; addr->children && i < addr->children->len; i++) {
        vkXmlElem *z = addr->children->pdata[i];
        unsigned long long uid = 0, fid = 0;
        const char *u = vkXmlElemGetAttr(z, "uid"), *f = vkXmlElemGetAttr(z, "fid");
        g_autofree char *us = NULL, *fs = NULL;

        if (strcmp(z->name, "zpci") != 0 || (!u && !f) ||
            (u && !parseNumber(u, &uid)) || (f && !parseNumber(f, &fid)))
            continue;
        us = g_strdup_printf("0x%04llx", uid);
        fs = g_strdup_printf("0x%08llx", fid);
        vkXmlElemSetAttr(z, "uid", us);
        vkXmlElemSetAttr(z, "fid", fs);
    }
}

static const char *const ccwFields[] = { "cssid", "ssid", "devno" };

/* A channel-subsystem address is all three numbers or none; none is
 * the address 0.0.0000, which libvirt writes out. */
static void
ccwNoneIsZero(vkXmlElem *addr)
{
    for (size_t i = 0; i < G_N_ELEMENTS(ccwFields); i++) {
        if (vkXmlElemGetAttr(addr, ccwFields[i]))
            return;
    }
    for (size_t i = 0; i < G_N_ELEMENTS(ccwFields); i++)
        vkXmlElemSetAttr(addr, ccwFields[i], "0");
}

int
vkDomainCcwAddressCheck(const vkXmlElem *addr)
{
    unsigned long long v[G_N_ELEMENTS(ccwFields)];
    static const unsigned long long max[] = { 0xfe, 3, 0xffff };
    guint given = 0;

    if (g_strcmp0(vkXmlElemGetAttr(addr, "type"), "ccw") != 0)
        return 0;
    for (size_t i = 0; i < G_N_ELEMENTS(ccwFields); i++) {
        const char *s = vkXmlElemGetAttr(addr, ccwFields[i]);

        if (!s)
            continue;
        given++;
        if (!parseNumber(s, &v[i]) || v[i] > G_MAXUINT) {
            vkReportErrorFull(VIR_FROM_XML, VIR_ERR_XML_ERROR, __FILE__, __func__, __LINE__,
                              "Invalid value for attribute '%s' in element 'address': '%s'. "
                              "Expected non-negative integer value", ccwFields[i], s);
            return -1;
        }
    }
    if (given != G_N_ELEMENTS(ccwFields)) {
        vkReportErrorFull(VIR_FROM_DEVICE, VIR_ERR_INTERNAL_ERROR, __FILE__, __func__, __LINE__,
                          "%s", "Invalid partial specification for virtio ccw address");
        return -1;
    }
    for (size_t i = 0; i < G_N_ELEMENTS(ccwFields); i++) {
        if (v[i] > max[i]) {
            vkReportErrorFull(VIR_FROM_DEVICE, VIR_ERR_INTERNAL_ERROR, __FILE__, __func__,
                              __LINE__, "Invalid specification for virtio ccw address: "
                              "cssid='0x%llx' ssid='0x%llx' devno='0x%04llx'", v[0], v[1], v[2]);
            return -1;
        }
    }
    return 0;
}

void
vkDomainAddressCanonicalize(vkXmlElem *addr)
{
    const addrLayout *layout = layoutOf(addr);
    g_autoptr(GPtrArray) attrs = NULL;
    const char *type;

    if (g_strcmp0(vkXmlElemGetAttr(addr, "type"), "usb") == 0) {
        vkDomainUsbAddressCanonicalize(addr);
        return;
    }
    if (!layout || !addr->attrs)
        return;
    if (strcmp(layout->type, "ccw") == 0)
        ccwNoneIsZero(addr);
    zpciCanonicalize(addr);
    /* every value must be a number, or the address is left alone */
    for (const addrField *f = layout->fields; f->name; f++) {
        unsigned long long v;
        const char *s = vkXmlElemGetAttr(addr, f->name);
        if (s && !parseNumber(s, &v))
            return;
    }
    attrs = g_ptr_array_new_with_free_func(g_free);
    if ((type = vkXmlElemGetAttr(addr, "type"))) {
        g_ptr_array_add(attrs, g_strdup("type"));
        g_ptr_array_add(attrs, g_strdup(type));
    }
    for (const addrField *f = layout->fields; f->name; f++) {
        const char *s = vkXmlElemGetAttr(addr, f->name);
        unsigned long long v = 0;

        if (!s && !f->always)
            continue;
        if (s)
            parseNumber(s, &v);
        g_ptr_array_add(attrs, g_strdup(f->name));
        g_ptr_array_add(attrs, g_strdup_printf(f->format, v));
    }
    /* the attributes of no field (multifunction, ...) follow in order */
    for (guint i = 0; i + 1 < addr->attrs->len; i += 2) {
        const char *name = addr->attrs->pdata[i];
        bool known = strcmp(name, "type") == 0;
        for (const addrField *f = layout->fields; f->name && !known; f++)
            known = strcmp(f->name, name) == 0;
        if (known)
            continue;
        g_ptr_array_add(attrs, g_strdup(name));
        g_ptr_array_add(attrs, g_strdup(addr->attrs->pdata[i + 1]));
    }
    g_ptr_array_unref(addr->attrs);
    addr->attrs = g_steal_pointer(&attrs);
    if (type && strcmp(layout->type, "pci") == 0)
        pciZeroIsUnassigned(addr);
}
