/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The container view of a domain definition.
 *
 * A container is a process tree, not a machine: it has a root directory,
 * an init command line, resource limits and network interfaces, and no
 * disks, graphics or emulated devices.  This pure function reads the
 * parsed definition once and says precisely which element cannot be
 * honoured, so drivers never look at the generic structs again.
 */
#include <string.h>

#define VIR_FROM_THIS VIR_FROM_LXC
#include "util/error.h"
#include "conf/domain-conf-priv.h"
#include "drivers/container/container.h"

#define VK_CONTAINER_DEFAULT_INIT "/sbin/init"

static void
mountFree(gpointer p)
{
    vkContainerMount *m = p;

    g_free(m->src);
    g_free(m->dst);
    g_free(m);
}

static void
netFree(gpointer p)
{
    vkContainerNet *n = p;

    g_free(n->bridge);
    g_free(n->network);
    g_free(n->ifname);
    g_free(n);
}

void
vkContainerDefFree(vkContainerDef *c)
{
    if (!c)
        return;
    g_free(c->name);
    g_free(c->rootDir);
    if (c->mounts)
        g_ptr_array_unref(c->mounts);
    if (c->nets)
        g_ptr_array_unref(c->nets);
    g_strfreev(c->argv);
    g_strfreev(c->env);
    g_free(c->uidMap);
    g_free(c->gidMap);
    g_free(c);
}

static guint
devCount(const vkDomainDef *def, int type)
{
    GPtrArray *a = def->priv->devs[type];

    return a ? a->len : 0;
}

static int
unsupported(const vkDomainDef *def, const char *what)
{
    vkReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                  "container '%s': %s is not supported by containers", def->name, what);
    return -1;
}

static int
parseULL(const vkDomainDef *def, const vkXmlElem *e, const char *what,
         unsigned long long *out)
{
    char *end = NULL;

    if (!e->text || !g_ascii_isdigit(e->text[0]) ||
        (*out = g_ascii_strtoull(e->text, &end, 10), *end)) {
        vkReportError(VIR_ERR_XML_DETAIL, "invalid <cputune><%s> '%s' in domain '%s'",
                      what, e->text ? e->text : "", def->name);
        return -1;
    }
    return 0;
}

static int
parseCputune(const vkDomainDef *def, const vkXmlElem *tune, vkContainerDef *c)
{
    for (guint i = 0; tune->children && i < tune->children->len; i++) {
        const vkXmlElem *e = tune->children->pdata[i];

        if (strcmp(e->name, "shares") == 0) {
            if (parseULL(def, e, "shares", &c->cpuShares) < 0)
                return -1;
        } else if (strcmp(e->name, "period") == 0) {
            if (parseULL(def, e, "period", &c->cpuPeriodUs) < 0)
                return -1;
        } else if (strcmp(e->name, "quota") == 0) {
            const char *t = e->text ? e->text : "";
            char *end = NULL;
            long long q = g_ascii_strtoll(t, &end, 10);

            if (!*t || *end) {
                vkReportError(VIR_ERR_XML_DETAIL, "invalid <cputune><quota> '%s' in domain '%s'",
                              t, def->name);
                return -1;
            }
            c->cpuQuotaUs = q;
        } else {
            g_autofree char *what = g_strdup_printf("<cputune><%s>", e->name);
            return unsupported(def, what);
        }
    }
    return 0;
}

static bool
parseUInt(const char *text, guint64 max, guint64 *out)
{
    char *end = NULL;

    if (!text || !g_ascii_isdigit(text[0]))
        return false;
    *out = g_ascii_strtoull(text, &end, 10);
    return !*end && *out <= max;
}

/* <idmap><uid start= target= count=/>...<gid .../></idmap>: the kernel
 * takes the same triples, so they are kept as its text. */
static int
parseIdmap(const vkDomainDef *def, const vkXmlElem *idmap, vkContainerDef *c)
{
    g_autoptr(GString) uid = g_string_new(NULL);
    g_autoptr(GString) gid = g_string_new(NULL);
    guint uidLines = 0, gidLines = 0;

    for (guint i = 0; idmap->children && i < idmap->children->len; i++) {
        const vkXmlElem *e = idmap->children->pdata[i];
        guint64 start, target, count;
        GString *into;
        guint *lines;

        if (strcmp(e->name, "uid") == 0) {
            into = uid;
            lines = &uidLines;
        } else if (strcmp(e->name, "gid") == 0) {
            into = gid;
            lines = &gidLines;
        } else {
            g_autofree char *what = g_strdup_printf("<idmap><%s>", e->name);
            return unsupported(def, what);
        }
        if (!parseUInt(vkXmlElemGetAttr(e, "start"), G_MAXUINT32 - 1, &start) ||
            !parseUInt(vkXmlElemGetAttr(e, "target"), G_MAXUINT32 - 1, &target) ||
            !parseUInt(vkXmlElemGetAttr(e, "count"), G_MAXUINT32, &count) || count == 0 ||
            start + count - 1 > G_MAXUINT32 - 1 || target + count - 1 > G_MAXUINT32 - 1) {
            vkReportError(VIR_ERR_XML_DETAIL,
                          "<idmap><%s> of domain '%s' needs numeric start, target and a "
                          "non-zero count within the 32-bit id range", e->name, def->name);
            return -1;
        }
        /* the kernel takes at most 340 ranges per map */
        if (++*lines > 340) {
            vkReportError(VIR_ERR_XML_DETAIL, "too many <idmap> ranges in domain '%s'",
                          def->name);
            return -1;
        }
        g_string_append_printf(into, "%" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT
                               " %" G_GUINT64_FORMAT "\n", start, target, count);
    }
    if (!uid->len || !gid->len) {
        vkReportError(VIR_ERR_XML_DETAIL,
                      "<idmap> of domain '%s' needs both a <uid> and a <gid> range", def->name);
        return -1;
    }
    c->uidMap = g_string_free(g_steal_pointer(&uid), FALSE);
    c->gidMap = g_string_free(g_steal_pointer(&gid), FALSE);
    return 0;
}

static int
parseFilesystems(const vkDomainDef *def, vkContainerDef *c)
{
    GPtrArray *a = def->priv->devs[VK_DOMAIN_DEVICE_FS];

    for (guint i = 0; a && i < a->len; i++) {
        const vkDomainFSDef *fs = a->pdata[i];
        vkContainerMount *m;

        if (fs->type && strcmp(fs->type, "mount") != 0) {
            g_autofree char *what = g_strdup_printf("filesystem type '%s'", fs->type);
            return unsupported(def, what);
        }
        if (fs->accessmode && strcmp(fs->accessmode, "passthrough") != 0) {
            g_autofree char *what = g_strdup_printf("filesystem accessmode '%s'",
                                                    fs->accessmode);
            return unsupported(def, what);
        }
        if (!fs->src || fs->src[0] != '/' || !fs->dst || fs->dst[0] != '/') {
            vkReportError(VIR_ERR_XML_DETAIL,
                          "filesystem of container '%s' needs absolute source and "
                          "target directories", def->name);
            return -1;
        }
        if (strcmp(fs->dst, "/") == 0) {
            if (c->rootDir) {
                vkReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                              "container '%s' has more than one root filesystem", def->name);
                return -1;
            }
            c->rootDir = g_strdup(fs->src);
            continue;
        }
        m = g_new0(vkContainerMount, 1);
        m->src = g_strdup(fs->src);
        m->dst = g_strdup(fs->dst);
        m->readonly = fs->readonly;
        g_ptr_array_add(c->mounts, m);
    }
    return 0;
}

static int
parseNets(const vkDomainDef *def, vkContainerDef *c)
{
    GPtrArray *a = def->priv->devs[VK_DOMAIN_DEVICE_NET];

    for (guint i = 0; a && i < a->len; i++) {
        const vkDomainNetDef *net = a->pdata[i];
        vkContainerNet *n;

        if (net->type != VK_DOMAIN_NET_TYPE_BRIDGE && net->type != VK_DOMAIN_NET_TYPE_NETWORK) {
            g_autofree char *what = g_strdup_printf("interface type '%s'",
                                                    vkDomainNetTypeTable[net->type]);
            return unsupported(def, what);
        }
        if (!net->source) {
            vkReportError(VIR_ERR_XML_DETAIL, "%s interface of container '%s' names no %s",
                          vkDomainNetTypeTable[net->type], def->name,
                          net->type == VK_DOMAIN_NET_TYPE_BRIDGE ? "bridge" : "network");
            return -1;
        }
        n = g_new0(vkContainerNet, 1);
        if (net->type == VK_DOMAIN_NET_TYPE_BRIDGE)
            n->bridge = g_strdup(net->source);
        else
            n->network = g_strdup(net->source);
        n->ifname = g_strdup(net->ifname);
        memcpy(n->mac, net->mac, 6);
        g_ptr_array_add(c->nets, n);
    }
    return 0;
}

static int
parseConsoles(const vkDomainDef *def, vkContainerDef *c)
{
    GPtrArray *a = def->priv->devs[VK_DOMAIN_DEVICE_CHR];

    for (guint i = 0; a && i < a->len; i++) {
        const vkDomainChrDef *chr = a->pdata[i];

        if (chr->kind != VK_DOMAIN_CHR_CONSOLE)
            return unsupported(def, "a serial, parallel or channel device");
        if (!chr->type || strcmp(chr->type, "pty") != 0) {
            g_autofree char *what = g_strdup_printf("console type '%s'",
                                                    chr->type ? chr->type : "");
            return unsupported(def, what);
        }
        if (c->console)
            return unsupported(def, "more than one console");
        c->console = true;
    }
    return 0;
}

vkContainerDef *
vkContainerDefFromDomain(const vkDomainDef *def)
{
    g_autoptr(vkContainerDef) c = g_new0(vkContainerDef, 1);
    const vkDomainDefPriv *p = def->priv;
    g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) env = g_ptr_array_new_with_free_func(g_free);
    static const struct { int type; const char *what; } refused[] = {
        { VK_DOMAIN_DEVICE_DISK, "a <disk>" },
        { VK_DOMAIN_DEVICE_GRAPHICS, "<graphics>" },
        { VK_DOMAIN_DEVICE_VIDEO, "<video>" },
        { VK_DOMAIN_DEVICE_INPUT, "<input>" },
        { VK_DOMAIN_DEVICE_OTHER, "a <hostdev>, <sound> or other emulated device" },
    };

    c->name = g_strdup(def->name);
    c->mounts = g_ptr_array_new_with_free_func(mountFree);
    c->nets = g_ptr_array_new_with_free_func(netFree);

    if (!def->osType || strcmp(def->osType, "exe") != 0) {
        vkReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      "container '%s' needs <os><type>exe</type>, not '%s'",
                      def->name, def->osType ? def->osType : "");
        return NULL;
    }
    for (size_t i = 0; i < G_N_ELEMENTS(refused); i++) {
        if (devCount(def, refused[i].type) > 0) {
            unsupported(def, refused[i].what);
            return NULL;
        }
    }
    if (def->kernel || def->initrd || def->loader) {
        unsupported(def, "a <kernel>, <initrd> or <loader>");
        return NULL;
    }

    g_ptr_array_add(argv, g_strdup(def->init ? def->init : VK_CONTAINER_DEFAULT_INIT));
    if (((char *)argv->pdata[0])[0] != '/') {
        vkReportError(VIR_ERR_XML_DETAIL, "init '%s' of container '%s' is not an absolute path",
                      (char *)argv->pdata[0], def->name);
        return NULL;
    }
    for (guint i = 0; p->initargs && i < p->initargs->len; i++)
        g_ptr_array_add(argv, g_strdup(p->initargs->pdata[i]));
    g_ptr_array_add(argv, NULL);
    c->argv = (char **)g_ptr_array_steal(argv, NULL);

    for (guint i = 0; p->osExtra && i < p->osExtra->len; i++) {
        const vkXmlElem *e = p->osExtra->pdata[i];
        const char *name;

        if (strcmp(e->name, "initenv") == 0) {
            name = vkXmlElemGetAttr(e, "name");
            if (!name || !*name || strchr(name, '=')) {
                vkReportError(VIR_ERR_XML_DETAIL, "invalid <initenv> name '%s' in domain '%s'",
                              name ? name : "", def->name);
                return NULL;
            }
            g_ptr_array_add(env, g_strdup_printf("%s=%s", name, e->text ? e->text : ""));
        } else if (strcmp(e->name, "initdir") == 0 || strcmp(e->name, "inituser") == 0 ||
                   strcmp(e->name, "initgroup") == 0) {
            g_autofree char *what = g_strdup_printf("<%s>", e->name);
            unsupported(def, what);
            return NULL;
        }
    }
    g_ptr_array_add(env, NULL);
    c->env = (char **)g_ptr_array_steal(env, NULL);

    for (guint i = 0; p->topExtra && i < p->topExtra->len; i++) {
        const vkXmlElem *e = p->topExtra->pdata[i];

        if (strcmp(e->name, "cputune") == 0) {
            if (parseCputune(def, e, c) < 0)
                return NULL;
        } else if (strcmp(e->name, "idmap") == 0) {
            if (c->uidMap) {
                unsupported(def, "more than one <idmap>");
                return NULL;
            }
            if (parseIdmap(def, e, c) < 0)
                return NULL;
        }
    }

    c->memoryKiB = def->currentMemory ? def->currentMemory : def->maxMemory;
    c->vcpus = def->vcpus ? def->vcpus : def->maxVcpus;

    if (parseFilesystems(def, c) < 0 || parseNets(def, c) < 0 || parseConsoles(def, c) < 0)
        return NULL;
    if (!c->rootDir) {
        vkReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      "container '%s' needs a <filesystem type='mount'> with "
                      "<target dir='/'/> for its root", def->name);
        return NULL;
    }
    return g_steal_pointer(&c);
}
