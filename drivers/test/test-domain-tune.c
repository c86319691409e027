/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The test driver's domain tuning: memtune, numatune, perf events and the
 * balloon's statistics period.
 *
 * The idea: the conf module keeps <memtune>, <numatune> and <perf> as
 * element trees (they are only written back by the other drivers), so the
 * setters here edit those trees in place and dumpxml shows exactly what
 * libvirt's test driver would store; the getters read the same trees, so
 * a definition given with the elements answers like one tuned by the API.
 */
#include <string.h>

#define VIR_FROM_THIS VIR_FROM_TEST
#include "util/error.h"
#include "conf/cpuset.h"
#include "conf/domain-conf-priv.h"
#include "drivers/test/test-private.h"

/* ---- the kept trees ---- */

vkXmlElem *
vkTestTuneTop(vkDomainDef *def, const char *name, bool create)
{
    GPtrArray **a = &def->priv->topExtra;
    vkXmlElem *e;

    for (guint i = 0; *a && i < (*a)->len; i++) {
        e = (*a)->pdata[i];
        if (strcmp(e->name, name) == 0)
            return e;
    }
    if (!create)
        return NULL;
    if (!*a)
        *a = g_ptr_array_new_with_free_func((GDestroyNotify)vkXmlElemFree);
    e = g_new0(vkXmlElem, 1);
    e->name = g_strdup(name);
    g_ptr_array_add(*a, e);
    return e;
}

vkXmlElem *
vkTestTuneChild(vkXmlElem *e, const char *name, const char *attr,
                const char *value, bool create)
{
    vkXmlElem *c;

    for (guint i = 0; e && e->children && i < e->children->len; i++) {
        c = e->children->pdata[i];
        if (strcmp(c->name, name) == 0 &&
            (!attr || g_strcmp0(vkXmlElemGetAttr(c, attr), value) == 0))
            return c;
    }
    if (!create || !e)
        return NULL;
    if (!e->children)
        e->children = g_ptr_array_new_with_free_func((GDestroyNotify)vkXmlElemFree);
    c = g_new0(vkXmlElem, 1);
    c->name = g_strdup(name);
    if (attr)
        vkXmlElemSetAttr(c, attr, value);
    g_ptr_array_add(e->children, c);
    return c;
}

void
vkTestTuneDropTop(vkDomainDef *def, vkXmlElem *top)
{
    if (top && (!top->children || top->children->len == 0))
        g_ptr_array_remove(def->priv->topExtra, top);
}

/* libvirt's virTypedParamsValidate: every parameter known, of its type,
 * given once. */
int
vkTestValidateParams(virTypedParameterPtr params, int nparams,
                     const char *const *names, const int *types)
{
    static const char *const typeNames[] = {
        "", "int", "uint", "llong", "ullong", "double", "boolean", "string",
    };

    for (int i = 0; i < nparams; i++) {
        size_t k;

        for (k = 0; names[k]; k++) {
            if (strcmp(params[i].field, names[k]) == 0)
                break;
        }
        if (!names[k]) {
            vkReportError(VIR_ERR_ARGUMENT_UNSUPPORTED, "parameter '%s' not supported",
                          params[i].field);
            return -1;
        }
        if (params[i].type != types[k]) {
            vkReportError(VIR_ERR_INVALID_ARG,
                          "invalid type '%s' for parameter '%s', expected '%s'",
                          params[i].type >= 1 && params[i].type <= 7 ?
                          typeNames[params[i].type] : "unknown",
                          params[i].field, typeNames[types[k]]);
            return -1;
        }
        for (int j = 0; j < i; j++) {
            if (strcmp(params[i].field, params[j].field) == 0) {
                vkReportError(VIR_ERR_INVALID_ARG, "parameter '%s' occurs multiple times",
                              params[i].field);
                return -1;
            }
        }
    }
    return 0;
}

void
vkTestParamSet(virTypedParameterPtr p, const char *field, int type)
{
    memset(p, 0, sizeof(*p));
    g_strlcpy(p->field, field, VIR_TYPED_PARAM_FIELD_LENGTH);
    p->type = type;
}

/* ---- memtune ---- */

static const char *const memtuneOrder[] = {
    "hard_limit", "soft_limit", "min_guarantee", "swap_hard_limit", NULL,
};
static const char *const memParams[] = {
    VIR_DOMAIN_MEMORY_HARD_LIMIT, VIR_DOMAIN_MEMORY_SOFT_LIMIT,
    VIR_DOMAIN_MEMORY_SWAP_HARD_LIMIT, NULL,
};
static const int memTypes[] = {
    VIR_TYPED_PARAM_ULLONG, VIR_TYPED_PARAM_ULLONG, VIR_TYPED_PARAM_ULLONG,
};

/* One <memtune> limit in KiB, VIR_DOMAIN_MEMORY_PARAM_UNLIMITED if unset. */
static unsigned long long
memLimit(vkDomainDef *def, const char *name)
{
    vkXmlElem *c = vkTestTuneChild(vkTestTuneTop(def, "memtune", false), name,
                                   NULL, NULL, false);
    unsigned long long kib;

    if (!c || !c->text ||
        vkDomainParseScaled(c->text, vkXmlElemGetAttr(c, "unit"), &kib) < 0 ||
        kib > VIR_DOMAIN_MEMORY_PARAM_UNLIMITED)
        return VIR_DOMAIN_MEMORY_PARAM_UNLIMITED;
    return kib;
}

static void
memLimitSet(vkDomainDef *def, const char *name, unsigned long long kib)
{
    vkXmlElem *top = vkTestTuneTop(def, "memtune", true);
    vkXmlElem *c;

    if (kib >= VIR_DOMAIN_MEMORY_PARAM_UNLIMITED) {
        if ((c = vkTestTuneChild(top, name, NULL, NULL, false)))
            g_ptr_array_remove(top->children, c);
        vkTestTuneDropTop(def, top);
        return;
    }
    c = vkTestTuneChild(top, name, NULL, NULL, true);
    vkXmlElemSetAttr(c, "unit", "KiB");
    g_free(c->text);
    c->text = g_strdup_printf("%llu", kib);
    vkXmlElemSortChildren(top, memtuneOrder);
}

int
vkTestDomainGetMemoryParameters(virDomainPtr dom, virTypedParameterPtr params,
                                int *nparams, unsigned int flags)
{
    vkTestState *st;
    vkDomainDef *def;
    int n;

    VK_TEST_CHECK_FLAGS("testDomainGetMemoryParameters",
                        VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG |
                        VIR_TYPED_PARAM_STRING_OKAY, flags);
    flags &= ~VIR_TYPED_PARAM_STRING_OKAY;
    if (!(def = vkTestDomainOneDef(dom, flags, &st)))
        return -1;
    if (*nparams == 0) {
        *nparams = 3;
        g_mutex_unlock(&st->lock);
        return 0;
    }
    n = MIN(*nparams, 3);
    for (int i = 0; i < n; i++) {
        vkTestParamSet(&params[i], memParams[i], VIR_TYPED_PARAM_ULLONG);
        params[i].value.ul = memLimit(def, memtuneOrder[i == 2 ? 3 : i]);
    }
    *nparams = n;
    g_mutex_unlock(&st->lock);
    return 0;
}

int
vkTestDomainSetMemoryParameters(virDomainPtr dom, virTypedParameterPtr params,
                                int nparams, unsigned int flags)
{
    vkTestState *st;
    vkTestDomain *obj;
    vkDomainDef *def;
    unsigned long long hard, swap;
    virTypedParameterPtr p;
    int ret = -1;

    VK_TEST_CHECK_FLAGS("testDomainSetMemoryParameters",
                        VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG, flags);
    if (vkTestValidateParams(params, nparams, memParams, memTypes) < 0)
        return -1;
    if (!(obj = vkTestDomainGet(dom, &st)))
        return -1;
    if (!(def = vkTestOneDef(obj, flags)))
        goto out;
    /* the swap limit bounds the hard limit, whichever of the two is new */
    hard = (p = virTypedParamsGet(params, nparams, VIR_DOMAIN_MEMORY_HARD_LIMIT)) ?
           p->value.ul : memLimit(def, "hard_limit");
    swap = (p = virTypedParamsGet(params, nparams, VIR_DOMAIN_MEMORY_SWAP_HARD_LIMIT)) ?
           p->value.ul : memLimit(def, "swap_hard_limit");
    if (hard < VIR_DOMAIN_MEMORY_PARAM_UNLIMITED &&
        swap < VIR_DOMAIN_MEMORY_PARAM_UNLIMITED && hard > swap) {
        vkReportError(VIR_ERR_INVALID_ARG, "%s",
                      "memory hard_limit tunable value must be lower than or equal "
                      "to swap_hard_limit");
        goto out;
    }
    for (int i = 0; i < nparams; i++) {
        for (int k = 0; k < 3; k++) {
            if (strcmp(params[i].field, memParams[k]) == 0)
                memLimitSet(def, memtuneOrder[k == 2 ? 3 : k], params[i].value.ul);
        }
    }
    ret = 0;
 out:
    g_mutex_unlock(&st->lock);
    return ret;
}

/* ---- numatune ---- */

static const char *const numaModes[] = {
    "strict", "preferred", "interleave", "restrictive", NULL,
};
static const char *const numaParams[] = {
    VIR_DOMAIN_NUMA_MODE, VIR_DOMAIN_NUMA_NODESET, NULL,
};
static const int numaTypes[] = { VIR_TYPED_PARAM_INT, VIR_TYPED_PARAM_STRING };

int
vkTestDomainGetNumaParameters(virDomainPtr dom, virTypedParameterPtr params,
                              int *nparams, unsigned int flags)
{
    vkTestState *st;
    vkDomainDef *def;
    vkXmlElem *mem;
    const char *mode;
    int n;

    VK_TEST_CHECK_FLAGS("testDomainGetNumaParameters",
                        VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG |
                        VIR_TYPED_PARAM_STRING_OKAY, flags);
    flags &= ~VIR_TYPED_PARAM_STRING_OKAY;
    if (!(def = vkTestDomainOneDef(dom, flags, &st)))
        return -1;
    if (*nparams == 0) {
        *nparams = 2;
        g_mutex_unlock(&st->lock);
        return 0;
    }
    mem = vkTestTuneChild(vkTestTuneTop(def, "numatune", false), "memory",
                          NULL, NULL, false);
    n = MIN(*nparams, 2);
    vkTestParamSet(&params[0], VIR_DOMAIN_NUMA_MODE, VIR_TYPED_PARAM_INT);
    mode = vkXmlElemGetAttr(mem, "mode");
    params[0].value.i = 0;
    for (int k = 0; mode && numaModes[k]; k++) {
        if (strcmp(mode, numaModes[k]) == 0)
            params[0].value.i = k;
    }
    if (n > 1) {
        vkTestParamSet(&params[1], VIR_DOMAIN_NUMA_NODESET, VIR_TYPED_PARAM_STRING);
        params[1].value.s = g_strdup(vkXmlElemGetAttr(mem, "nodeset") ?: "");
    }
    *nparams = n;
    g_mutex_unlock(&st->lock);
    return 0;
}

int
vkTestDomainSetNumaParameters(virDomainPtr dom, virTypedParameterPtr params,
                              int nparams, unsigned int flags)
{
    vkTestState *st;
    vkTestDomain *obj;
    vkDomainDef *def;
    vkXmlElem *top, *mem;
    virTypedParameterPtr pm, pn;
    g_autofree char *nodeset = NULL;
    int ret = -1;

    VK_TEST_CHECK_FLAGS("testDomainSetNumaParameters",
                        VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG, flags);
    if (vkTestValidateParams(params, nparams, numaParams, numaTypes) < 0)
        return -1;
    pm = virTypedParamsGet(params, nparams, VIR_DOMAIN_NUMA_MODE);
    pn = virTypedParamsGet(params, nparams, VIR_DOMAIN_NUMA_NODESET);
    if (pm && (pm->value.i < 0 || pm->value.i >= (int)G_N_ELEMENTS(numaModes) - 1)) {
        vkReportError(VIR_ERR_INVALID_ARG, "unsupported numatune mode: '%d'", pm->value.i);
        return -1;
    }
    if (pn && !(nodeset = vkCpusetCanonical(pn->value.s))) {
        vkReportError(VIR_ERR_INVALID_ARG, "Failed to parse bitmap '%s'", pn->value.s);
        return -1;
    }
    if (!(obj = vkTestDomainGet(dom, &st)))
        return -1;
    if (!(def = vkTestOneDef(obj, flags)))
        goto out;
    top = vkTestTuneTop(def, "numatune", false);
    mem = vkTestTuneChild(top, "memory", NULL, NULL, false);
    /* as libvirt: a static placement needs a nodeset, given now or before */
    if (!nodeset && !vkXmlElemGetAttr(mem, "nodeset") &&
        g_strcmp0(vkXmlElemGetAttr(mem, "placement"), "auto") != 0) {
        if (!pm)
            goto done;
        vkReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                      "nodeset for NUMA memory tuning must be set if 'placement' is 'static'");
        goto out;
    }
    /* a running domain keeps the mode it has */
    if (pm && mem && def == obj->def && obj->id >= 0 &&
        g_strcmp0(vkXmlElemGetAttr(mem, "mode") ?: "strict", numaModes[pm->value.i]) != 0) {
        vkReportError(VIR_ERR_OPERATION_INVALID, "%s",
                      "can't change numatune mode for running domain");
        goto out;
    }
    if (!pm && !nodeset)
        goto done;
    top = vkTestTuneTop(def, "numatune", true);
    if (!mem) {
        /* <memory> comes before any <memnode> */
        mem = vkTestTuneChild(top, "memory", NULL, NULL, true);
        g_ptr_array_steal_index(top->children, top->children->len - 1);
        g_ptr_array_insert(top->children, 0, mem);
    }
    if (pm)
        vkXmlElemSetAttr(mem, "mode", numaModes[pm->value.i]);
    else if (!vkXmlElemGetAttr(mem, "mode"))
        vkXmlElemSetAttr(mem, "mode", "strict");
    if (nodeset)
        vkXmlElemSetAttr(mem, "nodeset", nodeset);
 done:
    ret = 0;
 out:
    g_mutex_unlock(&st->lock);
    return ret;
}

/* ---- perf ---- */

/* libvirt's virPerfEvent order: the order of both the API's list and the
 * <perf> element. */
static const char *const perfEvents[] = {
    "cmt", "mbmt", "mbml", "cpu_cycles", "instructions", "cache_references",
    "cache_misses", "branch_instructions", "branch_misses", "bus_cycles",
    "stalled_cycles_frontend", "stalled_cycles_backend", "ref_cpu_cycles",
    "cpu_clock", "task_clock", "page_faults", "context_switches",
    "cpu_migrations", "page_faults_min", "page_faults_maj",
    "alignment_faults", "emulation_faults", NULL,
};
#define N_PERF ((int)G_N_ELEMENTS(perfEvents) - 1)

static int
perfRank(const char *name)
{
    for (int i = 0; i < N_PERF; i++) {
        if (g_strcmp0(name, perfEvents[i]) == 0)
            return i;
    }
    return N_PERF;
}

static gint
perfCompare(gconstpointer a, gconstpointer b)
{
    const vkXmlElem *x = *(vkXmlElem *const *)a, *y = *(vkXmlElem *const *)b;

    return perfRank(vkXmlElemGetAttr(x, "name")) - perfRank(vkXmlElemGetAttr(y, "name"));
}

int
vkTestDomainGetPerfEvents(virDomainPtr dom, virTypedParameterPtr *params,
                          int *nparams, unsigned int flags)
{
    vkTestState *st;
    vkDomainDef *def;
    vkXmlElem *perf;
    virTypedParameterPtr out;

    VK_TEST_CHECK_FLAGS("testDomainGetPerfEvents",
                        VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG |
                        VIR_TYPED_PARAM_STRING_OKAY, flags);
    flags &= ~VIR_TYPED_PARAM_STRING_OKAY;
    if (!(def = vkTestDomainOneDef(dom, flags, &st)))
        return -1;
    perf = vkTestTuneTop(def, "perf", false);
    out = g_new0(virTypedParameter, N_PERF);
    for (int i = 0; i < N_PERF; i++) {
        vkXmlElem *ev = vkTestTuneChild(perf, "event", "name", perfEvents[i], false);
        vkTestParamSet(&out[i], perfEvents[i], VIR_TYPED_PARAM_BOOLEAN);
        out[i].value.b = g_strcmp0(vkXmlElemGetAttr(ev, "enabled"), "yes") == 0;
    }
    g_mutex_unlock(&st->lock);
    *params = out;
    *nparams = N_PERF;
    return 0;
}

int
vkTestDomainSetPerfEvents(virDomainPtr dom, virTypedParameterPtr params,
                          int nparams, unsigned int flags)
{
    vkTestState *st;
    vkDomainDef *def;
    vkXmlElem *perf;
    int types[N_PERF];

    VK_TEST_CHECK_FLAGS("testDomainSetPerfEvents",
                        VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG, flags);
    for (int i = 0; i < N_PERF; i++)
        types[i] = VIR_TYPED_PARAM_BOOLEAN;
    if (vkTestValidateParams(params, nparams, perfEvents, types) < 0)
        return -1;
    if (!(def = vkTestDomainOneDef(dom, flags, &st)))
        return -1;
    perf = vkTestTuneTop(def, "perf", nparams > 0);
    for (int i = 0; i < nparams; i++) {
        vkXmlElem *ev = vkTestTuneChild(perf, "event", "name", params[i].field, true);
        vkXmlElemSetAttr(ev, "enabled", params[i].value.b ? "yes" : "no");
    }
    if (perf && perf->children)
        g_ptr_array_sort(perf->children, perfCompare);
    g_mutex_unlock(&st->lock);
    return 0;
}
