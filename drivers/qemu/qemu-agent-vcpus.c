/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The guest's own view of its vCPUs through the agent: which exist, which
 * are online and which may go offline (guest-get-vcpus), and turning
 * them on or off inside the guest (guest-set-vcpus) -- not hotplug, only
 * the guest kernel's online state, as libvirt's GetGuestVcpus and
 * SetGuestVcpus do.  The lists travel as CPU lists ("0-3,5").
 */
#include <string.h>

#define VIR_FROM_THIS VIR_FROM_QEMU
#include "util/error.h"
#include "conf/cpuset.h"
#include "drivers/qemu/qemu-private.h"

typedef struct {
    unsigned int id;
    bool online;
    bool offlinable;
} vkGuestVcpu;

/* guest-get-vcpus -> array of vkGuestVcpu (ids below VK_CPUSET_MAX). */
static GArray *
guestVcpus(virDomainPtr dom)
{
    g_autoptr(vkJSON) ret = NULL;
    g_autoptr(GArray) out = g_array_new(FALSE, TRUE, sizeof(vkGuestVcpu));

    if (vkQemuAgentRun(dom, "guest-get-vcpus", NULL, &ret) < 0)
        return NULL;
    if (vkJSONGetType(ret) != VK_JSON_ARRAY)
        goto malformed;
    for (size_t i = 0; i < vkJSONArraySize(ret); i++) {
        vkJSON *e = vkJSONArrayGet(ret, i);
        vkGuestVcpu v = { 0 };
        long long id;

        if (vkJSONGetInt64(vkJSONObjectGet(e, "logical-id"), &id) < 0 || id < 0 ||
            id >= VK_CPUSET_MAX || vkJSONGetBool(vkJSONObjectGet(e, "online"), &v.online) < 0)
            goto malformed;
        /* can-offline is absent for a vCPU that is offline already */
        if (vkJSONGetBool(vkJSONObjectGet(e, "can-offline"), &v.offlinable) < 0)
            v.offlinable = !v.online;
        v.id = (unsigned int)id;
        g_array_append_val(out, v);
    }
    return g_steal_pointer(&out);

 malformed:
    vkReportError(VIR_ERR_INTERNAL_ERROR, "%s", "malformed return value of guest-get-vcpus");
    return NULL;
}

int
vkQemuDomainGetGuestVcpus(virDomainPtr dom, virTypedParameterPtr *params,
                          unsigned int *nparams, unsigned int flags)
{
    g_autoptr(GArray) vcpus = NULL;
    g_autofree guint8 *all = g_new0(guint8, VK_CPUSET_MAX + 1);
    g_autofree guint8 *online = g_new0(guint8, VK_CPUSET_MAX + 1);
    g_autofree guint8 *offlinable = g_new0(guint8, VK_CPUSET_MAX + 1);
    const guint8 *maps[] = { all, online, offlinable };
    const char *names[] = { "vcpus", "online", "offlinable" };
    virTypedParameterPtr p = NULL;
    int n = 0, max = 0;
    unsigned int limit = 0;

    vkCheckFlags(0, -1);
    if (!(vcpus = guestVcpus(dom)))
        return -1;
    for (guint i = 0; i < vcpus->len; i++) {
        const vkGuestVcpu *v = &g_array_index(vcpus, vkGuestVcpu, i);

        all[v->id] = 1;
        online[v->id] = v->online;
        offlinable[v->id] = v->offlinable;
        limit = MAX(limit, v->id + 1);
    }
    for (guint i = 0; i < G_N_ELEMENTS(maps); i++) {
        g_autofree char *s = vkCpusetFormat(maps[i], limit);

        if (virTypedParamsAddString(&p, &n, &max, names[i], s) < 0) {
            virTypedParamsFree(p, n);
            return -1;
        }
    }
    *params = p;
    *nparams = n;
    return 0;
}

int
vkQemuDomainSetGuestVcpus(virDomainPtr dom, const char *cpumap, int state, unsigned int flags)
{
    g_autoptr(GArray) vcpus = NULL;
    g_autofree guint8 *map = NULL;
    g_autoptr(GArray) ids = g_array_new(FALSE, FALSE, sizeof(unsigned int));
    guint done = 0;

    vkCheckFlags(0, -1);
    if (state != 0 && state != 1) {
        vkReportError(VIR_ERR_INVALID_ARG, "unsupported state value %d", state);
        return -1;
    }
    if (!(map = vkCpusetParse(cpumap))) {
        vkReportError(VIR_ERR_INVALID_ARG, "Failed to parse bitmap '%s'", cpumap);
        return -1;
    }
    if (!(vcpus = guestVcpus(dom)))
        return -1;
    for (guint i = 0; i < vcpus->len; i++) {
        const vkGuestVcpu *v = &g_array_index(vcpus, vkGuestVcpu, i);

        if (!map[v->id])
            continue;
        if (!state && !v->offlinable) {
            vkReportError(VIR_ERR_OPERATION_UNSUPPORTED, "vCPU '%u' is not offlinable", v->id);
            return -1;
        }
        map[v->id] = 0;
        g_array_append_val(ids, v->id);
    }
    if (memchr(map, 1, VK_CPUSET_MAX + 1)) {
        g_autofree char *missing = vkCpusetFormat(map, VK_CPUSET_MAX + 1);

        vkReportError(VIR_ERR_INVALID_ARG, "guest is missing vCPUs '%s'", missing);
        return -1;
    }
    /* the agent may stop at the first vCPU it cannot change: the rest
     * are sent again, as long as each round makes progress */
    while (done < ids->len) {
        vkJSON *args = vkJSONNewObject();
        vkJSON *rest = vkJSONNewArray();
        g_autoptr(vkJSON) ret = NULL;
        long long n = 0;

        for (guint i = done; i < ids->len; i++) {
            vkJSON *e = vkJSONNewObject();

            vkJSONObjectAppendInt(e, "logical-id", g_array_index(ids, unsigned int, i));
            vkJSONObjectAppendBool(e, "online", state);
            vkJSONArrayAppend(rest, e);
        }
        vkJSONObjectAppend(args, "vcpus", rest);
        if (vkQemuAgentRun(dom, "guest-set-vcpus", args, &ret) < 0)
            return -1;
        if (vkJSONGetInt64(ret, &n) < 0 || n <= 0 || n > (long long)(ids->len - done)) {
            vkReportError(VIR_ERR_OPERATION_FAILED,
                          "guest agent did not change the state of vCPU '%u'",
                          g_array_index(ids, unsigned int, done));
            return -1;
        }
        done += n;
    }
    return 0;
}
