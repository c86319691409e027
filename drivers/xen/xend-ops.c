/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The xend sub-driver: the driver's questions as xend's URLs and ops.
 *
 * xend knows everything about the domains it manages, running or not, so
 * it answers most questions alone; its records are (domain ...)
 * S-expressions, read here into vkXenDomInfo or, for the XML, through
 * sxpr-conf.c.  404 means "no such domain" and becomes "not mine", so the
 * dispatcher can ask the next sub-driver and name the domain in its error.
 */
#include <string.h>

#define VIR_FROM_THIS VIR_FROM_XEND
#include "util/error.h"
#include "util/uuid.h"
#include "drivers/xen/xen-private.h"
#include "drivers/xen/sxpr-conf.h"
#include "conf/domain-name.h"

/* xend's state string is six flag letters, '-' where unset: "-b----". */
static int
stateFromFlags(const char *s)
{
    if (!s)
        return VIR_DOMAIN_NOSTATE;
    if (strchr(s, 'c'))
        return VIR_DOMAIN_CRASHED;
    if (strchr(s, 'd') || strchr(s, 's'))
        return VIR_DOMAIN_SHUTDOWN;
    if (strchr(s, 'p'))
        return VIR_DOMAIN_PAUSED;
    if (strchr(s, 'b'))
        return VIR_DOMAIN_BLOCKED;
    if (strchr(s, 'r'))
        return VIR_DOMAIN_RUNNING;
    return VIR_DOMAIN_NOSTATE;
}

static void
infoFromSexpr(const vkSexpr *d, vkXenDomInfo *info)
{
    long long n;
    double secs;
    const char *v;

    if (vkSexprLong(d, "domid", &n) && n >= 0)
        info->id = (int)n;
    else
        info->id = -1;
    if (!info->name && (v = vkSexprString(d, "name")))
        info->name = g_strdup(v);
    if (!info->haveUUID && (v = vkSexprString(d, "uuid")) && vkUUIDParse(v, info->uuid) == 0)
        info->haveUUID = true;
    if (vkSexprLong(d, "memory", &n))
        info->memory = (unsigned long long)n * 1024;
    if (vkSexprLong(d, "maxmem", &n))
        info->maxMem = (unsigned long long)n * 1024;
    if (info->maxMem < info->memory)
        info->maxMem = info->memory;
    if (vkSexprLong(d, "online_vcpus", &n) || vkSexprLong(d, "vcpus", &n))
        info->vcpus = (unsigned int)n;
    if (vkSexprDouble(d, "cpu_time", &secs))
        info->cpuTime = (unsigned long long)(secs * 1e9);
    info->state = info->id < 0 ? VIR_DOMAIN_SHUTOFF : stateFromFlags(vkSexprString(d, "state"));
    if (info->id >= 0 && info->state == VIR_DOMAIN_NOSTATE)
        info->state = VIR_DOMAIN_RUNNING;
    info->haveState = true;
}

static int
xendList(vkXenPriv *p, bool inactive, GPtrArray *out)
{
    g_autoptr(vkSexpr) root = NULL;

    if (!p->xend)
        return VK_XEN_UNHANDLED;
    int rc = vkXendGet(p->xend, inactive ? "/xend/domain?detail=1&state=halted"
                                         : "/xend/domain?detail=1", &root);
    if (rc != 0)
        return rc < 0 ? -1 : VK_XEN_UNHANDLED;
    for (size_t i = 0; i < vkSexprLen(root); i++) {
        const vkSexpr *d = vkSexprItem(root, i);
        if (g_strcmp0(vkSexprHead(d), "domain") != 0)
            continue;
        g_autoptr(vkXenDomInfo) info = vkXenDomInfoNew();
        infoFromSexpr(d, info);
        /* the list of running domains must not show halted managed ones,
         * nor the other way round, whatever the xend version filtered */
        if (!info->name || (info->id >= 0) == inactive)
            continue;
        g_ptr_array_add(out, g_steal_pointer(&info));
    }
    return 0;
}

static int
xendLookup(vkXenPriv *p, vkXenKeyType key, vkXenDomInfo *info)
{
    g_autoptr(vkSexpr) d = NULL;
    g_autofree char *ref = NULL;
    char uuid[VIR_UUID_STRING_BUFLEN];

    if (!p->xend)
        return VK_XEN_UNHANDLED;
    switch (key) {
    case VK_XEN_KEY_ID:
        ref = g_strdup_printf("%d", info->id);
        break;
    case VK_XEN_KEY_NAME:
        ref = vkDomainNameURISegment(info->name);
        break;
    case VK_XEN_KEY_UUID:
        ref = g_strdup(vkUUIDFormat(info->uuid, uuid));
        break;
    }
    g_autofree char *path = g_strdup_printf("/xend/domain/%s?detail=1", ref);
    int rc = vkXendGet(p->xend, path, &d);
    if (rc != 0)
        return rc < 0 ? -1 : VK_XEN_UNHANDLED;
    /* an id names the running domain only: a halted one has no id */
    long long domid;
    if (key == VK_XEN_KEY_ID && (!vkSexprLong(d, "domid", &domid) || domid != info->id))
        return VK_XEN_UNHANDLED;
    infoFromSexpr(d, info);
    return 0;
}

static int
xendControl(vkXenPriv *p, const vkXenDomInfo *dom, vkXenOp op, unsigned long long arg)
{
    char num[32];

    if (!p->xend)
        return VK_XEN_UNHANDLED;
    g_snprintf(num, sizeof(num), "%llu", arg);
    if (op == VK_XEN_OP_SET_MEMORY || op == VK_XEN_OP_SET_MAXMEM)
        g_snprintf(num, sizeof(num), "%llu", (arg + 1023) / 1024);

    switch (op) {
    case VK_XEN_OP_PAUSE:
        return vkXendPost(p->xend, dom->name, NULL, "op", "pause", NULL);
    case VK_XEN_OP_UNPAUSE:
        return vkXendPost(p->xend, dom->name, NULL, "op", "unpause", NULL);
    case VK_XEN_OP_SHUTDOWN:
        return vkXendPost(p->xend, dom->name, NULL, "op", "shutdown",
                          "reason", "poweroff", NULL);
    case VK_XEN_OP_REBOOT:
        return vkXendPost(p->xend, dom->name, NULL, "op", "shutdown",
                          "reason", "reboot", NULL);
    case VK_XEN_OP_DESTROY:
        return vkXendPost(p->xend, dom->name, NULL, "op", "destroy", NULL);
    case VK_XEN_OP_START:
        return vkXendPost(p->xend, dom->name, NULL, "op", "start", NULL);
    case VK_XEN_OP_UNDEFINE:
        return vkXendPost(p->xend, dom->name, NULL, "op", "delete", NULL);
    case VK_XEN_OP_SET_MEMORY:
        return vkXendPost(p->xend, dom->name, NULL, "op", "mem_target_set",
                          "target", num, NULL);
    case VK_XEN_OP_SET_MAXMEM:
        return vkXendPost(p->xend, dom->name, NULL, "op", "maxmem_set",
                          "memory", num, NULL);
    case VK_XEN_OP_SET_VCPUS:
        return vkXendPost(p->xend, dom->name, NULL, "op", "vcpu_set",
                          "vcpus", num, NULL);
    }
    return VK_XEN_UNHANDLED;
}

static int
getNode(vkXenPriv *p, vkSexpr **node)
{
    if (!p->xend)
        return VK_XEN_UNHANDLED;
    int rc = vkXendGet(p->xend, "/xend/node/", node);
    if (rc == 1) {
        vkReportError(VIR_ERR_GET_FAILED, "xend at %s has no /xend/node/",
                      vkXendAddress(p->xend));
        return -1;
    }
    return rc;
}

static int
xendNodeInfo(vkXenPriv *p, virNodeInfoPtr info)
{
    g_autoptr(vkSexpr) node = NULL;
    long long n;
    int rc = getNode(p, &node);

    if (rc != 0)
        return rc;
    memset(info, 0, sizeof(*info));
    g_strlcpy(info->model, vkSexprString(node, "machine") ? vkSexprString(node, "machine")
                                                          : "x86_64", sizeof(info->model));
    info->memory = vkSexprLong(node, "total_memory", &n) ? (unsigned long)n * 1024 : 0;
    info->cpus = vkSexprLong(node, "nr_cpus", &n) ? (unsigned int)n : 1;
    info->mhz = vkSexprLong(node, "cpu_mhz", &n) ? (unsigned int)n : 0;
    info->nodes = vkSexprLong(node, "nr_nodes", &n) && n > 0 ? (unsigned int)n : 1;
    info->cores = vkSexprLong(node, "cores_per_socket", &n) && n > 0 ? (unsigned int)n : 1;
    info->threads = vkSexprLong(node, "threads_per_core", &n) && n > 0 ? (unsigned int)n : 1;
    info->sockets = info->cpus / (info->nodes * info->cores * info->threads);
    if (!info->sockets)
        info->sockets = 1;
    return 0;
}

static int
xendVersion(vkXenPriv *p, unsigned long *ver)
{
    g_autoptr(vkSexpr) node = NULL;
    long long major, minor;
    int rc = getNode(p, &node);

    if (rc != 0)
        return rc;
    if (!vkSexprLong(node, "xen_major", &major) || !vkSexprLong(node, "xen_minor", &minor))
        return VK_XEN_UNHANDLED;
    *ver = (unsigned long)major * 1000000 + (unsigned long)minor * 1000;
    return 0;
}

const vkXenSubDriver vkXenXendSub = {
    .name = "xend",
    .list = xendList,
    .lookup = xendLookup,
    .control = xendControl,
    .nodeInfo = xendNodeInfo,
    .version = xendVersion,
};

vkDomainDef *
vkXenXendGetDef(vkXenPriv *p, const char *name, bool inactive)
{
    g_autoptr(vkSexpr) d = NULL;
    g_autofree char *esc = vkDomainNameURISegment(name);
    g_autofree char *path = g_strdup_printf("/xend/domain/%s?detail=1", esc);

    if (!p->xend) {
        vkReportError(VIR_ERR_NO_SUPPORT,
                      "the definition of domain '%s' needs xend, which is not running", name);
        return NULL;
    }
    int rc = vkXendGet(p->xend, path, &d);
    if (rc == 1)
        vkReportErrorFull(VIR_FROM_XEN, VIR_ERR_NO_DOMAIN, __FILE__, __func__, __LINE__,
                          "no domain with matching name '%s'", name);
    if (rc != 0)
        return NULL;
    return vkXenDefFromSxpr(d, inactive);
}

int
vkXenXendCreate(vkXenPriv *p, const vkDomainDef *def, bool start, vkXenDomInfo *out)
{
    if (!p->xend) {
        vkReportError(VIR_ERR_NO_SUPPORT,
                      "creating domain '%s' needs xend, which is not running", def->name);
        return -1;
    }
    g_autofree char *config = vkXenSxprFormatDef(def);
    if (!config)
        return -1;
    if (vkXendPost(p->xend, "", NULL, "op", start ? "create" : "new",
                   "config", config, NULL) != 0) {
        if (!vkErrorIsSet())
            vkReportError(VIR_ERR_POST_FAILED, "xend at %s has no domain collection",
                          vkXendAddress(p->xend));
        return -1;
    }
    out->name = g_strdup(def->name);
    if (xendLookup(p, VK_XEN_KEY_NAME, out) != 0) {
        if (!vkErrorIsSet())
            vkReportError(VIR_ERR_INTERNAL_ERROR,
                          "xend accepted domain '%s' but does not list it", def->name);
        return -1;
    }
    return 0;
}
