/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the guest agent tells about the guest, in libvirt's shapes: the
 * interfaces of InterfaceAddresses (source agent), GetFSInfo, and the
 * typed parameters of GetGuestInfo (user.*, os.*, timezone.*, hostname,
 * fs.*, disk.*, if.*).  Each agent answer is translated by a pure
 * function of its JSON; the exchanges are qemu-agent-ops.c's.
 */
#include <string.h>

#define VIR_FROM_THIS VIR_FROM_QEMU
#include "util/error.h"
#include "core/ifaddr.h"
#include "conf/domain-conf-priv.h"
#include "drivers/qemu/qemu-private.h"

static void
malformed(const char *cmd)
{
    vkReportError(VIR_ERR_INTERNAL_ERROR, "malformed return value of %s", cmd);
}

/* guest-network-get-interfaces -> list; the agent names an address
 * alias "eth0:1": its addresses join eth0's, as libvirt shows them. */
static int
interfacesFromJSON(const vkJSON *ret, vkIfaddrList *list)
{
    g_autoptr(GHashTable) byName = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                                         NULL);

    if (vkJSONGetType(ret) != VK_JSON_ARRAY) {
        malformed("guest-network-get-interfaces");
        return -1;
    }
    for (size_t i = 0; i < vkJSONArraySize(ret); i++) {
        const vkJSON *e = vkJSONArrayGet(ret, i);
        const char *name = vkJSONObjectGetString(e, "name");
        const vkJSON *addrs = vkJSONObjectGet(e, "ip-addresses");
        g_autofree char *base = NULL;
        virDomainInterfacePtr iface;

        if (!name) {
            malformed("guest-network-get-interfaces");
            return -1;
        }
        base = g_strndup(name, strcspn(name, ":"));
        if (!(iface = g_hash_table_lookup(byName, base))) {
            iface = vkIfaddrAdd(list, base, vkJSONObjectGetString(e, "hardware-address"));
            g_hash_table_insert(byName, g_strdup(base), iface);
        }
        for (size_t j = 0; addrs && j < vkJSONArraySize(addrs); j++) {
            const vkJSON *a = vkJSONArrayGet(addrs, j);
            const char *type = vkJSONObjectGetString(a, "ip-address-type");
            const char *addr = vkJSONObjectGetString(a, "ip-address");
            long long prefix = 0;

            if (!type || !addr || vkJSONGetInt64(vkJSONObjectGet(a, "prefix"), &prefix) < 0) {
                malformed("guest-network-get-interfaces");
                return -1;
            }
            vkIfaddrAddAddress(iface, strcmp(type, "ipv6") == 0 ? VIR_IP_ADDR_TYPE_IPV6 :
                               VIR_IP_ADDR_TYPE_IPV4, addr, (unsigned int)prefix);
        }
    }
    return 0;
}

int
vkQemuAgentInterfaceAddresses(virDomainPtr dom, virDomainInterfacePtr **ifaces)
{
    g_autoptr(vkIfaddrList) list = vkIfaddrListNew();
    g_autoptr(vkJSON) ret = NULL;

    if (vkQemuAgentRun(dom, "guest-network-get-interfaces", NULL, &ret) < 0 ||
        interfacesFromJSON(ret, list) < 0)
        return -1;
    return vkIfaddrListSteal(g_steal_pointer(&list), ifaces);
}

/* An address attribute equal to the agent's number under key. */
static bool
attrIs(const vkXmlElem *addr, const char *name, const vkJSON *ctl, const char *key)
{
    const char *v = vkXmlElemGetAttr(addr, name);
    long long want;

    return v && vkJSONGetInt64(vkJSONObjectGet(ctl, key), &want) == 0 &&
           g_ascii_strtoll(v, NULL, 0) == want;
}

static bool
pciAddrIs(const vkXmlElem *addr, const vkJSON *ctl)
{
    return addr && g_strcmp0(vkXmlElemGetAttr(addr, "type"), "pci") == 0 &&
           attrIs(addr, "domain", ctl, "domain") && attrIs(addr, "bus", ctl, "bus") &&
           attrIs(addr, "slot", ctl, "slot") && attrIs(addr, "function", ctl, "function");
}

/* The controller the agent names by its PCI address (an IDE, SCSI or SATA
 * host adapter), or NULL. */
static const vkDomainControllerDef *
controllerAt(const vkDomainDef *def, const vkJSON *ctl)
{
    GPtrArray *list = def->priv->devs[VK_DOMAIN_DEVICE_CONTROLLER];

    for (guint i = 0; list && i < list->len; i++) {
        const vkDomainControllerDef *c = list->pdata[i];

        if (pciAddrIs(c->address, ctl))
            return c;
    }
    return NULL;
}

/* One disk of guest-get-fsinfo to the domain's disk: a virtio disk is its
 * own PCI function; a disk behind a host adapter is the one whose drive
 * address (controller index, bus, target, unit) the agent reports under
 * that adapter, as libvirt finds it by address.  The disk's bus must be
 * the adapter's type, so an IDE disk is never named for a SCSI adapter of
 * the same index. */
static const vkDomainDiskDef *
diskOfAgentDisk(const vkDomainDef *def, const vkJSON *ad)
{
    GPtrArray *list = def->priv->devs[VK_DOMAIN_DEVICE_DISK];
    const vkJSON *ctl = vkJSONObjectGet(ad, "pci-controller");
    const vkDomainControllerDef *c;

    if (!ctl || !list)
        return NULL;
    for (guint j = 0; j < list->len; j++) {
        const vkDomainDiskDef *d = list->pdata[j];

        if (g_strcmp0(d->bus, "virtio") == 0 && pciAddrIs(d->address, ctl))
            return d;
    }
    if (!(c = controllerAt(def, ctl)))
        return NULL;
    for (guint j = 0; j < list->len; j++) {
        const vkDomainDiskDef *d = list->pdata[j];
        const char *cidx = d->address ? vkXmlElemGetAttr(d->address, "controller") : NULL;

        if (cidx && g_strcmp0(d->bus, c->type) == 0 &&
            g_strcmp0(vkXmlElemGetAttr(d->address, "type"), "drive") == 0 &&
            g_ascii_strtoll(cidx, NULL, 10) == c->idx &&
            attrIs(d->address, "bus", ad, "bus") &&
            attrIs(d->address, "target", ad, "target") &&
            attrIs(d->address, "unit", ad, "unit"))
            return d;
    }
    return NULL;
}

char **
vkQemuFsinfoDiskTargets(const vkDomainDef *def, const vkJSON *disks)
{
    GPtrArray *out = g_ptr_array_new();

    for (size_t i = 0; def->priv && i < vkJSONArraySize(disks); i++) {
        const vkDomainDiskDef *d = diskOfAgentDisk(def, vkJSONArrayGet(disks, i));

        if (d)
            g_ptr_array_add(out, g_strdup(d->dst));
    }
    g_ptr_array_add(out, NULL);
    return (char **)g_ptr_array_free(out, FALSE);
}

/* A copy of the live definition, for the disks' addresses that name the
 * guest's disks by their targets; NULL when the domain is gone. */
static vkDomainDef *
liveDef(virDomainPtr dom)
{
    vkDomainDef *def = NULL;
    vkQemuState *st;
    vkQemuDomain *obj;

    if ((obj = vkQemuDomainGet(dom, &st))) {
        def = vkDomainDefCopy(obj->def);
        g_mutex_unlock(&st->lock);
    } else {
        vkErrorReset();
    }
    return def;
}

static void
fsInfoFree(gpointer p)
{
    virDomainFSInfoFree(p);
}

int
vkQemuDomainGetFSInfo(virDomainPtr dom, virDomainFSInfoPtr **info, unsigned int flags)
{
    g_autoptr(vkJSON) ret = NULL;
    g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func(fsInfoFree);
    g_autoptr(vkDomainDef) def = NULL;
    int n;

    vkCheckFlags(0, -1);
    *info = NULL;
    if (vkQemuAgentRun(dom, "guest-get-fsinfo", NULL, &ret) < 0)
        return -1;
    def = liveDef(dom);
    if (vkJSONGetType(ret) != VK_JSON_ARRAY) {
        malformed("guest-get-fsinfo");
        return -1;
    }
    for (size_t i = 0; i < vkJSONArraySize(ret); i++) {
        const vkJSON *e = vkJSONArrayGet(ret, i);
        virDomainFSInfoPtr fs;

        if (!vkJSONObjectGetString(e, "mountpoint") || !vkJSONObjectGetString(e, "name") ||
            !vkJSONObjectGetString(e, "type")) {
            malformed("guest-get-fsinfo");
            return -1;
        }
        fs = g_new0(virDomainFSInfo, 1);
        fs->mountpoint = g_strdup(vkJSONObjectGetString(e, "mountpoint"));
        fs->name = g_strdup(vkJSONObjectGetString(e, "name"));
        fs->fstype = g_strdup(vkJSONObjectGetString(e, "type"));
        if (def) {
            fs->devAlias = vkQemuFsinfoDiskTargets(def, vkJSONObjectGet(e, "disk"));
            if (!(fs->ndevAlias = g_strv_length(fs->devAlias)))
                g_clear_pointer(&fs->devAlias, g_free);
        }
        g_ptr_array_add(out, fs);
    }
    n = (int)out->len;
    g_ptr_array_set_free_func(out, NULL);
    *info = (virDomainFSInfoPtr *)g_ptr_array_free(g_steal_pointer(&out), FALSE);
    return n;
}

/* The typed parameters being built; oom set by any failed add. */
typedef struct {
    virTypedParameterPtr params;
    int n, max;
    bool oom;
} paramList;

static void
addStr(paramList *p, const char *name, const char *v)
{
    if (v)
        p->oom |= virTypedParamsAddString(&p->params, &p->n, &p->max, name, v) < 0;
}

static void
addUInt(paramList *p, const char *name, unsigned int v)
{
    p->oom |= virTypedParamsAddUInt(&p->params, &p->n, &p->max, name, v) < 0;
}

static void
addULL(paramList *p, const char *name, unsigned long long v)
{
    p->oom |= virTypedParamsAddULLong(&p->params, &p->n, &p->max, name, v) < 0;
}

static void
usersParams(const vkJSON *ret, paramList *p)
{
    addUInt(p, "user.count", (unsigned int)vkJSONArraySize(ret));
    for (size_t i = 0; i < vkJSONArraySize(ret); i++) {
        const vkJSON *u = vkJSONArrayGet(ret, i);
        g_autofree char *k = g_strdup_printf("user.%zu.", i);
        g_autofree char *kn = g_strconcat(k, "name", NULL);
        g_autofree char *kd = g_strconcat(k, "domain", NULL);
        g_autofree char *kt = g_strconcat(k, "login-time", NULL);
        double t = 0;

        addStr(p, kn, vkJSONObjectGetString(u, "user"));
        addStr(p, kd, vkJSONObjectGetString(u, "domain"));
        if (vkJSONGetDouble(vkJSONObjectGet(u, "login-time"), &t) == 0)
            addULL(p, kt, (unsigned long long)(t * 1000));
    }
}

static void
osParams(const vkJSON *ret, paramList *p)
{
    static const char *const keys[][2] = {
        { "id", "os.id" }, { "name", "os.name" }, { "pretty-name", "os.pretty-name" },
        { "version", "os.version" }, { "version-id", "os.version-id" },
        { "machine", "os.machine" },
        { "kernel-release", "os.kernel-release" }, { "kernel-version", "os.kernel-version" },
        { "variant", "os.variant" },
        { "variant-id", "os.variant-id" },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(keys); i++)
        addStr(p, keys[i][1], vkJSONObjectGetString(ret, keys[i][0]));
}

static void
timezoneParams(const vkJSON *ret, paramList *p)
{
    long long off = 0;

    addStr(p, "timezone.name", vkJSONObjectGetString(ret, "zone"));
    if (vkJSONGetInt64(vkJSONObjectGet(ret, "offset"), &off) == 0)
        p->oom |= virTypedParamsAddInt(&p->params, &p->n, &p->max, "timezone.offset",
                                       (int)off) < 0;
}

/* fs.N.disk.M.*: the disk's target when the definition has it at the
 * address the agent reports, its serial number and device node. */
static void
fsDiskParams(const vkDomainDef *def, const vkJSON *disks, size_t i, paramList *p)
{
    char k[80];

    g_snprintf(k, sizeof(k), "fs.%zu.disk.count", i);
    addUInt(p, k, (unsigned int)vkJSONArraySize(disks));
    for (size_t j = 0; j < vkJSONArraySize(disks); j++) {
        const vkJSON *ad = vkJSONArrayGet(disks, j);
        const vkDomainDiskDef *d = def && def->priv ? diskOfAgentDisk(def, ad) : NULL;

        if (d) {
            g_snprintf(k, sizeof(k), "fs.%zu.disk.%zu.alias", i, j);
            addStr(p, k, d->dst);
        }
        g_snprintf(k, sizeof(k), "fs.%zu.disk.%zu.serial", i, j);
        addStr(p, k, vkJSONObjectGetString(ad, "serial"));
        g_snprintf(k, sizeof(k), "fs.%zu.disk.%zu.device", i, j);
        addStr(p, k, vkJSONObjectGetString(ad, "dev"));
    }
}

static void
fsParams(const vkDomainDef *def, const vkJSON *ret, paramList *p)
{
    addUInt(p, "fs.count", (unsigned int)vkJSONArraySize(ret));
    for (size_t i = 0; i < vkJSONArraySize(ret); i++) {
        const vkJSON *f = vkJSONArrayGet(ret, i);
        unsigned long long v;
        char k[64];

        g_snprintf(k, sizeof(k), "fs.%zu.name", i);
        addStr(p, k, vkJSONObjectGetString(f, "name"));
        g_snprintf(k, sizeof(k), "fs.%zu.mountpoint", i);
        addStr(p, k, vkJSONObjectGetString(f, "mountpoint"));
        g_snprintf(k, sizeof(k), "fs.%zu.fstype", i);
        addStr(p, k, vkJSONObjectGetString(f, "type"));
        g_snprintf(k, sizeof(k), "fs.%zu.total-bytes", i);
        if (vkJSONGetUInt64(vkJSONObjectGet(f, "total-bytes"), &v) == 0)
            addULL(p, k, v);
        g_snprintf(k, sizeof(k), "fs.%zu.used-bytes", i);
        if (vkJSONGetUInt64(vkJSONObjectGet(f, "used-bytes"), &v) == 0)
            addULL(p, k, v);
        fsDiskParams(def, vkJSONObjectGet(f, "disk"), i, p);
    }
}

static void
ifParams(vkIfaddrList *list, paramList *p)
{
    addUInt(p, "if.count", list->len);
    for (guint i = 0; i < list->len; i++) {
        virDomainInterfacePtr f = list->pdata[i];
        char k[80];

        g_snprintf(k, sizeof(k), "if.%u.name", i);
        addStr(p, k, f->name);
        g_snprintf(k, sizeof(k), "if.%u.hwaddr", i);
        addStr(p, k, f->hwaddr);
        g_snprintf(k, sizeof(k), "if.%u.addr.count", i);
        addUInt(p, k, f->naddrs);
        for (unsigned int j = 0; j < f->naddrs; j++) {
            g_snprintf(k, sizeof(k), "if.%u.addr.%u.type", i, j);
            addStr(p, k, f->addrs[j].type == VIR_IP_ADDR_TYPE_IPV6 ? "ipv6" : "ipv4");
            g_snprintf(k, sizeof(k), "if.%u.addr.%u.addr", i, j);
            addStr(p, k, f->addrs[j].addr);
            g_snprintf(k, sizeof(k), "if.%u.addr.%u.prefix", i, j);
            addUInt(p, k, f->addrs[j].prefix);
        }
    }
}

/* One category: its command, then its translation.  With no types named
 * a category the agent cannot answer is left out, as libvirt does. */
static int
category(virDomainPtr dom, unsigned int types, unsigned int type, const char *cmd,
         paramList *p)
{
    g_autoptr(vkJSON) ret = NULL;

    if (types && !(types & type))
        return 0;
    if (vkQemuAgentRun(dom, cmd, NULL, &ret) < 0) {
        virErrorPtr e = virGetLastError();

        if (types || !e || e->code == VIR_ERR_AGENT_UNRESPONSIVE ||
            e->code == VIR_ERR_ARGUMENT_UNSUPPORTED || e->code == VIR_ERR_OPERATION_INVALID)
            return -1;
        vkErrorReset();
        return 0;
    }
    switch (type) {
    case VIR_DOMAIN_GUEST_INFO_USERS:
        usersParams(ret, p);
        break;
    case VIR_DOMAIN_GUEST_INFO_OS:
        osParams(ret, p);
        break;
    case VIR_DOMAIN_GUEST_INFO_TIMEZONE:
        timezoneParams(ret, p);
        break;
    case VIR_DOMAIN_GUEST_INFO_HOSTNAME:
        addStr(p, "hostname", vkJSONObjectGetString(ret, "host-name"));
        break;
    case VIR_DOMAIN_GUEST_INFO_FILESYSTEM: {
        g_autoptr(vkDomainDef) def = liveDef(dom);

        fsParams(def, ret, p);
        break;
    }
    case VIR_DOMAIN_GUEST_INFO_INTERFACES: {
        g_autoptr(vkIfaddrList) list = vkIfaddrListNew();

        if (interfacesFromJSON(ret, list) < 0)
            return -1;
        ifParams(list, p);
        break;
    }
    }
    return 0;
}

int
vkQemuDomainGetGuestInfo(virDomainPtr dom, unsigned int types, virTypedParameterPtr *params,
                         int *nparams, unsigned int flags)
{
    paramList p = { 0 };

    vkCheckFlags(0, -1);
    if (types & VIR_DOMAIN_GUEST_INFO_DISKS) {
        vkReportError(VIR_ERR_ARGUMENT_UNSUPPORTED, "%s",
                      "guest disk information is not supported by virtkit");
        return -1;
    }
    if (category(dom, types, VIR_DOMAIN_GUEST_INFO_USERS, "guest-get-users", &p) < 0 ||
        category(dom, types, VIR_DOMAIN_GUEST_INFO_OS, "guest-get-osinfo", &p) < 0 ||
        category(dom, types, VIR_DOMAIN_GUEST_INFO_TIMEZONE, "guest-get-timezone", &p) < 0 ||
        category(dom, types, VIR_DOMAIN_GUEST_INFO_HOSTNAME, "guest-get-host-name", &p) < 0 ||
        category(dom, types, VIR_DOMAIN_GUEST_INFO_FILESYSTEM, "guest-get-fsinfo", &p) < 0 ||
        category(dom, types, VIR_DOMAIN_GUEST_INFO_INTERFACES, "guest-network-get-interfaces",
                 &p) < 0)
        goto fail;
    if (p.oom) {
        vkReportError(VIR_ERR_NO_MEMORY, "%s", "out of memory");
        goto fail;
    }
    *params = p.params;
    *nparams = p.n;
    return 0;

 fail:
    virTypedParamsFree(p.params, p.n);
    return -1;
}
