/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The test driver's interface bandwidth (domiftune): the <bandwidth>
 * element kept among an <interface>'s children.
 *
 * The idea: a change starts from the values the interface has and
 * overwrites those given; a direction left without an average (and, for
 * inbound, without a floor) is dropped, and so is an empty <bandwidth>,
 * which is what libvirt's test driver stores.
 */
#include <string.h>

#define VIR_FROM_THIS VIR_FROM_TEST
#include "util/error.h"
#include "drivers/test/test-private.h"

/* The API's parameters: direction element and attribute; the getter
 * returns them in this order. */
static const struct {
    const char *param;
    const char *dir;
    const char *attr;
} bwParams[] = {
    { VIR_DOMAIN_BANDWIDTH_IN_AVERAGE, "inbound", "average" },
    { VIR_DOMAIN_BANDWIDTH_IN_PEAK, "inbound", "peak" },
    { VIR_DOMAIN_BANDWIDTH_IN_BURST, "inbound", "burst" },
    { VIR_DOMAIN_BANDWIDTH_IN_FLOOR, "inbound", "floor" },
    { VIR_DOMAIN_BANDWIDTH_OUT_AVERAGE, "outbound", "average" },
    { VIR_DOMAIN_BANDWIDTH_OUT_PEAK, "outbound", "peak" },
    { VIR_DOMAIN_BANDWIDTH_OUT_BURST, "outbound", "burst" },
};
#define N_BW ((int)G_N_ELEMENTS(bwParams))

/* The interface of def named by device (target name or MAC). */
static vkDomainNetDef *
findNet(vkDomainDef *def, const char *device)
{
    GPtrArray *nets = def->priv->devs[VK_DOMAIN_DEVICE_NET];
    unsigned char mac[6];
    bool isMac = vkConfMACParse(device, mac) == 0;

    for (guint i = 0; nets && i < nets->len; i++) {
        vkDomainNetDef *n = nets->pdata[i];
        if (g_strcmp0(n->ifname, device) == 0 || (isMac && memcmp(n->mac, mac, 6) == 0))
            return n;
    }
    vkTestReportDomError(VIR_ERR_INVALID_ARG, "'%s' is not a known interface", device);
    return NULL;
}

static vkXmlElem *
bandwidth(vkDomainNetDef *net)
{
    for (guint i = 0; net->extra && i < net->extra->len; i++) {
        vkXmlElem *e = net->extra->pdata[i];
        if (strcmp(e->name, "bandwidth") == 0)
            return e;
    }
    return NULL;
}

static unsigned int
bwValue(vkXmlElem *bw, int k)
{
    vkXmlElem *d = vkTestTuneChild(bw, bwParams[k].dir, NULL, NULL, false);
    unsigned int v = 0;

    if (vkXmlElemGetAttr(d, bwParams[k].attr))
        vkDomainParseUInt(vkXmlElemGetAttr(d, bwParams[k].attr), &v);
    return v;
}

int
vkTestDomainGetInterfaceParameters(virDomainPtr dom, const char *device,
                                   virTypedParameterPtr params, int *nparams,
                                   unsigned int flags)
{
    vkTestState *st;
    vkTestDomain *obj;
    vkDomainDef *def;
    vkDomainNetDef *net;
    vkXmlElem *bw;
    int n, ret = -1;

    VK_TEST_CHECK_FLAGS("testDomainGetInterfaceParameters",
                        VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG |
                        VIR_TYPED_PARAM_STRING_OKAY, flags);
    flags &= ~VIR_TYPED_PARAM_STRING_OKAY;
    if (!(obj = vkTestDomainGet(dom, &st)))
        return -1;
    if (!(def = vkTestOneDef(obj, flags)))
        goto out;
    if (!(net = findNet(def, device)))
        goto out;
    if (*nparams == 0) {
        *nparams = N_BW;
        ret = 0;
        goto out;
    }
    bw = bandwidth(net);
    n = MIN(*nparams, N_BW);
    for (int k = 0; k < n; k++) {
        vkTestParamSet(&params[k], bwParams[k].param, VIR_TYPED_PARAM_UINT);
        params[k].value.ui = bwValue(bw, k);
    }
    *nparams = n;
    ret = 0;
 out:
    g_mutex_unlock(&st->lock);
    return ret;
}

/* Sets the given values on net's bandwidth, dropping what is left empty. */
static void
bwApply(vkDomainNetDef *net, virTypedParameterPtr params, int nparams)
{
    unsigned int v[N_BW];
    vkXmlElem *bw;

    bw = bandwidth(net);
    for (int k = 0; k < N_BW; k++) {
        virTypedParameterPtr p = virTypedParamsGet(params, nparams, bwParams[k].param);
        v[k] = p ? p->value.ui : bwValue(bw, k);
    }
    if (bw)
        g_ptr_array_remove(net->extra, bw);
    bw = g_new0(vkXmlElem, 1);
    bw->name = g_strdup("bandwidth");
    for (int k = 0; k < N_BW; k++) {
        bool inbound = k < 4;
        vkXmlElem *d;
        g_autofree char *s = NULL;

        /* a direction exists with an average (or an inbound floor) */
        if (v[k] == 0 || (inbound ? !v[0] && !v[3] : !v[4]))
            continue;
        d = vkTestTuneChild(bw, bwParams[k].dir, NULL, NULL, true);
        s = g_strdup_printf("%u", v[k]);
        vkXmlElemSetAttr(d, bwParams[k].attr, s);
    }
    if (!bw->children) {
        vkXmlElemFree(bw);
        return;
    }
    if (!net->extra)
        net->extra = g_ptr_array_new_with_free_func((GDestroyNotify)vkXmlElemFree);
    g_ptr_array_add(net->extra, bw);
}

int
vkTestDomainSetInterfaceParameters(virDomainPtr dom, const char *device,
                                   virTypedParameterPtr params, int nparams,
                                   unsigned int flags)
{
    const char *names[N_BW + 1];
    int types[N_BW];
    vkTestState *st;
    vkTestDomain *obj;
    vkDomainDef *live, *config;
    vkDomainNetDef *lnet = NULL, *cnet = NULL;
    int ret = -1;

    VK_TEST_CHECK_FLAGS("testDomainSetInterfaceParameters",
                        VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG, flags);
    for (int k = 0; k < N_BW; k++) {
        names[k] = bwParams[k].param;
        types[k] = VIR_TYPED_PARAM_UINT;
    }
    names[N_BW] = NULL;
    if (vkTestValidateParams(params, nparams, names, types) < 0)
        return -1;
    if (!(obj = vkTestDomainGet(dom, &st)))
        return -1;
    if (vkTestGetDefs(obj, flags, &live, &config) < 0)
        goto out;
    /* both definitions must have the interface before either changes */
    if ((live && !(lnet = findNet(live, device))) ||
        (config && !(cnet = findNet(config, device))))
        goto out;
    if (lnet)
        bwApply(lnet, params, nparams);
    if (cnet)
        bwApply(cnet, params, nparams);
    ret = 0;
 out:
    g_mutex_unlock(&st->lock);
    return ret;
}
