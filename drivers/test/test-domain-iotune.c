/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The test driver's block I/O throttling (blkdeviotune): the <iotune>
 * element kept among a <disk>'s children, one child per non-zero value.
 *
 * The idea: a change starts from the values the disk has, overwrites those
 * given, and is checked whole before it is stored, with the rules libvirt
 * 9.0's test driver applies (tried on it): no value above 10^15, a total
 * and its read/write pair never both set, and each of the six rates never
 * above its _max (a _max of 0 included).
 */
#include <string.h>

#define VIR_FROM_THIS VIR_FROM_TEST
#include "util/error.h"
#include "drivers/test/test-private.h"

#define IOTUNE_LIMIT 1000000000000000ULL

/* The API's parameters in the getter's (and the XML's) order. */
static const char *const ioParams[] = {
    VIR_DOMAIN_BLOCK_IOTUNE_TOTAL_BYTES_SEC, VIR_DOMAIN_BLOCK_IOTUNE_READ_BYTES_SEC,
    VIR_DOMAIN_BLOCK_IOTUNE_WRITE_BYTES_SEC, VIR_DOMAIN_BLOCK_IOTUNE_TOTAL_IOPS_SEC,
    VIR_DOMAIN_BLOCK_IOTUNE_READ_IOPS_SEC, VIR_DOMAIN_BLOCK_IOTUNE_WRITE_IOPS_SEC,
    VIR_DOMAIN_BLOCK_IOTUNE_TOTAL_BYTES_SEC_MAX, VIR_DOMAIN_BLOCK_IOTUNE_READ_BYTES_SEC_MAX,
    VIR_DOMAIN_BLOCK_IOTUNE_WRITE_BYTES_SEC_MAX, VIR_DOMAIN_BLOCK_IOTUNE_TOTAL_IOPS_SEC_MAX,
    VIR_DOMAIN_BLOCK_IOTUNE_READ_IOPS_SEC_MAX, VIR_DOMAIN_BLOCK_IOTUNE_WRITE_IOPS_SEC_MAX,
    VIR_DOMAIN_BLOCK_IOTUNE_SIZE_IOPS_SEC, VIR_DOMAIN_BLOCK_IOTUNE_GROUP_NAME,
    VIR_DOMAIN_BLOCK_IOTUNE_TOTAL_BYTES_SEC_MAX_LENGTH,
    VIR_DOMAIN_BLOCK_IOTUNE_READ_BYTES_SEC_MAX_LENGTH,
    VIR_DOMAIN_BLOCK_IOTUNE_WRITE_BYTES_SEC_MAX_LENGTH,
    VIR_DOMAIN_BLOCK_IOTUNE_TOTAL_IOPS_SEC_MAX_LENGTH,
    VIR_DOMAIN_BLOCK_IOTUNE_READ_IOPS_SEC_MAX_LENGTH,
    VIR_DOMAIN_BLOCK_IOTUNE_WRITE_IOPS_SEC_MAX_LENGTH,
    NULL,
};
#define N_IO 20
#define GROUP 13            /* ioParams[GROUP] is the one string */
#define MAX_OFS 6           /* ioParams[k + MAX_OFS] is rate k's _max */

typedef struct {
    unsigned long long v[N_IO];
    char *group;
} ioValues;

/* The disk of def named by target or source path, or libvirt's error. */
static vkDomainDiskDef *
findDisk(vkDomainDef *def, const char *path)
{
    int idx = vkDomainDiskFind(def, path);

    if (idx < 0) {
        vkReportError(VIR_ERR_INVALID_ARG, "disk '%s' was not found in the domain config",
                      path);
        return NULL;
    }
    return def->priv->devs[VK_DOMAIN_DEVICE_DISK]->pdata[idx];
}

static vkXmlElem *
iotune(vkDomainDiskDef *disk)
{
    for (guint i = 0; disk->extra && i < disk->extra->len; i++) {
        vkXmlElem *e = disk->extra->pdata[i];
        if (strcmp(e->name, "iotune") == 0)
            return e;
    }
    return NULL;
}

static void
ioRead(vkDomainDiskDef *disk, ioValues *out)
{
    vkXmlElem *io = iotune(disk);

    memset(out, 0, sizeof(*out));
    for (int k = 0; io && k < N_IO; k++) {
        vkXmlElem *c = vkTestTuneChild(io, ioParams[k], NULL, NULL, false);

        if (!c || !c->text)
            continue;
        if (k == GROUP)
            out->group = c->text;
        else
            out->v[k] = g_ascii_strtoull(c->text, NULL, 10);
    }
}

int
vkTestDomainGetBlockIoTune(virDomainPtr dom, const char *path, virTypedParameterPtr params,
                           int *nparams, unsigned int flags)
{
    vkTestState *st;
    vkTestDomain *obj;
    vkDomainDef *def;
    vkDomainDiskDef *disk;
    ioValues io;
    int n, ret = -1;

    VK_TEST_CHECK_FLAGS("testDomainGetBlockIoTune",
                        VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG |
                        VIR_TYPED_PARAM_STRING_OKAY, flags);
    flags &= ~VIR_TYPED_PARAM_STRING_OKAY;
    /* libvirt's API lets a caller ask how many there are with no disk
     * (virsh does), and needs one otherwise */
    if (!path && *nparams != 0) {
        vkTestReportDomError(VIR_ERR_INVALID_ARG, "%s",
                             "disk in virDomainGetBlockIoTune must not be NULL");
        return -1;
    }
    if (!(obj = vkTestDomainGet(dom, &st)))
        return -1;
    if (!(def = vkTestOneDef(obj, flags)))
        goto out;
    if (*nparams == 0) {
        *nparams = N_IO;
        ret = 0;
        goto out;
    }
    if (!(disk = findDisk(def, path)))
        goto out;
    ioRead(disk, &io);
    n = MIN(*nparams, N_IO);
    for (int k = 0; k < n; k++) {
        if (k == GROUP) {
            vkTestParamSet(&params[k], ioParams[k], VIR_TYPED_PARAM_STRING);
            params[k].value.s = g_strdup(io.group ? io.group : "");
        } else {
            vkTestParamSet(&params[k], ioParams[k], VIR_TYPED_PARAM_ULLONG);
            params[k].value.ul = io.v[k];
        }
    }
    *nparams = n;
    ret = 0;
 out:
    g_mutex_unlock(&st->lock);
    return ret;
}

/* libvirt's rules on the merged values. */
static int
ioCheck(const ioValues *io)
{
    static const char *const pairs[] = { "bytes_sec", "iops_sec", "bytes_sec_max",
                                         "iops_sec_max" };
    static const int first[] = { 0, 3, 6, 9 };

    for (int p = 0; p < 4; p++) {
        const unsigned long long *t = &io->v[first[p]];

        if (t[0] && (t[1] || t[2])) {
            vkReportError(VIR_ERR_INVALID_ARG,
                          "total and read/write of %s cannot be set at the same time",
                          pairs[p]);
            return -1;
        }
    }
    for (int k = 0; k < MAX_OFS; k++) {
        if (io->v[k] > io->v[k + MAX_OFS]) {
            vkReportError(VIR_ERR_INVALID_ARG, "%s cannot be set higher than %s ",
                          ioParams[k], ioParams[k + MAX_OFS]);
            return -1;
        }
    }
    return 0;
}

static void
ioStore(vkDomainDiskDef *disk, const ioValues *io)
{
    vkXmlElem *old = iotune(disk);
    vkXmlElem *e = g_new0(vkXmlElem, 1);

    e->name = g_strdup("iotune");
    for (int k = 0; k < N_IO; k++) {
        g_autofree char *s = k == GROUP ? g_strdup(io->group)
                                        : io->v[k] ? g_strdup_printf("%llu", io->v[k])
                                                   : NULL;
        vkXmlElem *c;

        if (!s)
            continue;
        c = vkTestTuneChild(e, ioParams[k], NULL, NULL, true);
        c->text = g_steal_pointer(&s);
    }
    if (!disk->extra)
        disk->extra = g_ptr_array_new_with_free_func((GDestroyNotify)vkXmlElemFree);
    if (old)
        g_ptr_array_remove(disk->extra, old);
    if (e->children)
        g_ptr_array_add(disk->extra, e);
    else
        vkXmlElemFree(e);
}

int
vkTestDomainSetBlockIoTune(virDomainPtr dom, const char *path, virTypedParameterPtr params,
                           int nparams, unsigned int flags)
{
    g_autofree char *group = NULL;
    int types[N_IO];
    vkTestState *st;
    vkTestDomain *obj;
    vkDomainDef *def;
    vkDomainDiskDef *disk;
    ioValues io;
    int ret = -1;

    VK_TEST_CHECK_FLAGS("testDomainSetBlockIoTune",
                        VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG, flags);
    for (int k = 0; k < N_IO; k++)
        types[k] = k == GROUP ? VIR_TYPED_PARAM_STRING : VIR_TYPED_PARAM_ULLONG;
    if (vkTestValidateParams(params, nparams, ioParams, types) < 0)
        return -1;
    if (!(obj = vkTestDomainGet(dom, &st)))
        return -1;
    if (!(def = vkTestOneDef(obj, flags)) || !(disk = findDisk(def, path)))
        goto out;
    ioRead(disk, &io);
    for (int i = 0; i < nparams; i++) {
        int k = 0;

        while (strcmp(ioParams[k], params[i].field) != 0)
            k++;
        if (k == GROUP) {
            g_free(group);
            io.group = group = g_strdup(params[i].value.s);
            continue;
        }
        if (params[i].value.ul > IOTUNE_LIMIT) {
            vkReportError(VIR_ERR_ARGUMENT_UNSUPPORTED,
                          "block I/O throttle limit value must be no more than %llu",
                          IOTUNE_LIMIT);
            goto out;
        }
        io.v[k] = params[i].value.ul;
    }
    if (ioCheck(&io) < 0)
        goto out;
    ioStore(disk, &io);
    ret = 0;
 out:
    g_mutex_unlock(&st->lock);
    return ret;
}
