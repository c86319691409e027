/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The test driver's block I/O tuning (blkiotune): the weight and the
 * per-device limits, kept in the def's <blkiotune> tree.
 *
 * The idea: the API gives each per-device limit as one string
 * "path,value,path,value"; a change merges into the devices already there
 * (the last value given for a path wins), a value of 0 removes that limit,
 * and a device left with no limit disappears, as with libvirt's test
 * driver.  libvirt's test driver stores any weight, even outside the
 * cgroup range, so this one does too.
 */
#include <string.h>

#define VIR_FROM_THIS VIR_FROM_TEST
#include "util/error.h"
#include "drivers/test/test-private.h"

/* The API's per-device parameters and the <device> children they are. */
static const struct {
    const char *param;
    const char *elem;
} blkioDev[] = {
    { VIR_DOMAIN_BLKIO_DEVICE_WEIGHT, "weight" },
    { VIR_DOMAIN_BLKIO_DEVICE_READ_IOPS, "read_iops_sec" },
    { VIR_DOMAIN_BLKIO_DEVICE_WRITE_IOPS, "write_iops_sec" },
    { VIR_DOMAIN_BLKIO_DEVICE_READ_BPS, "read_bytes_sec" },
    { VIR_DOMAIN_BLKIO_DEVICE_WRITE_BPS, "write_bytes_sec" },
};
static const char *const deviceOrder[] = {
    "path", "weight", "read_iops_sec", "write_iops_sec", "read_bytes_sec",
    "write_bytes_sec", NULL,
};
static const char *const blkioParams[] = {
    VIR_DOMAIN_BLKIO_WEIGHT, VIR_DOMAIN_BLKIO_DEVICE_WEIGHT,
    VIR_DOMAIN_BLKIO_DEVICE_READ_IOPS, VIR_DOMAIN_BLKIO_DEVICE_WRITE_IOPS,
    VIR_DOMAIN_BLKIO_DEVICE_READ_BPS, VIR_DOMAIN_BLKIO_DEVICE_WRITE_BPS, NULL,
};
static const int blkioTypes[] = {
    VIR_TYPED_PARAM_UINT, VIR_TYPED_PARAM_STRING, VIR_TYPED_PARAM_STRING,
    VIR_TYPED_PARAM_STRING, VIR_TYPED_PARAM_STRING, VIR_TYPED_PARAM_STRING,
};

static const char *
childText(vkXmlElem *e, const char *name)
{
    vkXmlElem *c = vkTestTuneChild(e, name, NULL, NULL, false);

    return c ? c->text : NULL;
}

/* "path,value,..." of the devices that have limit elem. */
static char *
deviceString(vkXmlElem *top, const char *elem)
{
    GString *s = g_string_new("");

    for (guint i = 0; top && top->children && i < top->children->len; i++) {
        vkXmlElem *d = top->children->pdata[i];
        const char *path = childText(d, "path"), *v = childText(d, elem);

        if (strcmp(d->name, "device") != 0 || !path || !v)
            continue;
        g_string_append_printf(s, "%s%s,%s", s->len ? "," : "", path, v);
    }
    return g_string_free(s, FALSE);
}

int
vkTestDomainGetBlkioParameters(virDomainPtr dom, virTypedParameterPtr params,
                               int *nparams, unsigned int flags)
{
    vkTestState *st;
    vkDomainDef *def;
    vkXmlElem *top;
    int n;

    VK_TEST_CHECK_FLAGS("testDomainGetBlkioParameters",
                        VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG |
                        VIR_TYPED_PARAM_STRING_OKAY, flags);
    flags &= ~VIR_TYPED_PARAM_STRING_OKAY;
    if (!(def = vkTestDomainOneDef(dom, flags, &st)))
        return -1;
    if (*nparams == 0) {
        *nparams = G_N_ELEMENTS(blkioTypes);
        g_mutex_unlock(&st->lock);
        return 0;
    }
    top = vkTestTuneTop(def, "blkiotune", false);
    n = MIN(*nparams, (int)G_N_ELEMENTS(blkioTypes));
    for (int i = 0; i < n; i++) {
        vkTestParamSet(&params[i], blkioParams[i], blkioTypes[i]);
        if (i == 0) {
            const char *w = childText(top, "weight");
            guint64 v = 0;

            if (w)
                g_ascii_string_to_unsigned(w, 10, 0, G_MAXUINT, &v, NULL);
            params[i].value.ui = v;
        } else {
            params[i].value.s = deviceString(top, blkioDev[i - 1].elem);
        }
    }
    *nparams = n;
    g_mutex_unlock(&st->lock);
    return 0;
}

static void
setText(vkXmlElem *c, const char *text)
{
    g_free(c->text);
    c->text = g_strdup(text);
}

/* Merges "path,value,..." of device limit k into top; -1 with libvirt's
 * error when the string does not parse. */
static int
mergeDevices(vkXmlElem *top, int k, const char *str)
{
    g_auto(GStrv) parts = g_strsplit(str, ",", -1);
    guint n = g_strv_length(parts);
    const char *elem = blkioDev[k].elem;

    if (!*str)
        return 0;
    if (n % 2) {
        vkReportError(VIR_ERR_INVALID_ARG, "unable to parse blkio device '%s' '%s'",
                      blkioDev[k].param, str);
        return -1;
    }
    for (guint i = 0; i < n; i += 2) {
        guint64 v;
        if (!g_ascii_string_to_unsigned(parts[i + 1], 10, 0,
                                        k < 3 ? G_MAXUINT : G_MAXUINT64, &v, NULL)) {
            vkReportError(VIR_ERR_INVALID_ARG,
                          "invalid value '%s' for parameter '%s' of device '%s'",
                          parts[i + 1], blkioDev[k].param, parts[i]);
            return -1;
        }
    }
    for (guint i = 0; i < n; i += 2) {
        vkXmlElem *dev = NULL, *c;
        guint64 v = g_ascii_strtoull(parts[i + 1], NULL, 10);

        for (guint j = 0; top->children && j < top->children->len; j++) {
            vkXmlElem *d = top->children->pdata[j];
            if (strcmp(d->name, "device") == 0 &&
                g_strcmp0(childText(d, "path"), parts[i]) == 0)
                dev = d;
        }
        if (!dev && v == 0)
            continue;
        if (!dev) {
            dev = g_new0(vkXmlElem, 1);
            dev->name = g_strdup("device");
            if (!top->children)
                top->children = g_ptr_array_new_with_free_func((GDestroyNotify)vkXmlElemFree);
            g_ptr_array_add(top->children, dev);
            setText(vkTestTuneChild(dev, "path", NULL, NULL, true), parts[i]);
        }
        c = vkTestTuneChild(dev, elem, NULL, NULL, v != 0);
        if (v == 0) {
            if (c)
                g_ptr_array_remove(dev->children, c);
            if (dev->children->len == 1)        /* only its <path> is left */
                g_ptr_array_remove(top->children, dev);
            continue;
        }
        g_autofree char *s = g_strdup_printf("%" G_GUINT64_FORMAT, v);
        setText(c, s);
        vkXmlElemSortChildren(dev, deviceOrder);
    }
    return 0;
}

int
vkTestDomainSetBlkioParameters(virDomainPtr dom, virTypedParameterPtr params,
                               int nparams, unsigned int flags)
{
    vkTestState *st;
    vkTestDomain *obj;
    vkDomainDef *def;
    vkXmlElem *top;
    int ret = -1;

    VK_TEST_CHECK_FLAGS("testDomainSetBlkioParameters",
                        VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG, flags);
    if (vkTestValidateParams(params, nparams, blkioParams, blkioTypes) < 0)
        return -1;
    if (!(obj = vkTestDomainGet(dom, &st)))
        return -1;
    if (!(def = vkTestOneDef(obj, flags)))
        goto out;
    top = vkTestTuneTop(def, "blkiotune", true);
    for (int i = 0; i < nparams; i++) {
        if (strcmp(params[i].field, VIR_DOMAIN_BLKIO_WEIGHT) == 0) {
            vkXmlElem *w = vkTestTuneChild(top, "weight", NULL, NULL, false);

            if (params[i].value.ui && !w) {
                /* <weight> comes before the devices */
                w = vkTestTuneChild(top, "weight", NULL, NULL, true);
                g_ptr_array_steal_index(top->children, top->children->len - 1);
                g_ptr_array_insert(top->children, 0, w);
            }
            if (params[i].value.ui) {
                g_autofree char *s = g_strdup_printf("%u", params[i].value.ui);
                setText(w, s);
            } else if (w) {
                g_ptr_array_remove(top->children, w);
            }
            continue;
        }
        for (int k = 0; k < (int)G_N_ELEMENTS(blkioDev); k++) {
            if (strcmp(params[i].field, blkioDev[k].param) == 0 &&
                mergeDevices(top, k, params[i].value.s) < 0)
                goto drop;
        }
    }
    ret = 0;
 drop:
    vkTestTuneDropTop(def, top);
 out:
    g_mutex_unlock(&st->lock);
    return ret;
}
