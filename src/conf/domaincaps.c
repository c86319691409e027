/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Domain capabilities: the struct a driver fills and its formatter.
 *
 * Every repeated part of the document is a vkDomCapsBlock (supported flag
 * plus named enums), so one function formats <os>, <memoryBacking>, all
 * devices and all features; only the fixed header and the CPU modes are
 * written specially.
 */
#include <stdarg.h>
#include <string.h>

#include "conf/domaincaps.h"
#include "conf/domain-conf-priv.h"

static void
enumFree(gpointer p)
{
    vkDomCapsEnum *e = p;

    g_free(e->name);
    g_ptr_array_unref(e->values);
    g_free(e);
}

static void
blockFree(gpointer p)
{
    vkDomCapsBlock *b = p;

    if (!b)
        return;
    g_free(b->name);
    if (b->values)
        g_ptr_array_unref(b->values);
    g_ptr_array_unref(b->enums);
    blockFree(b->child);
    g_free(b);
}

static void
cpuModelFree(gpointer p)
{
    vkDomCapsCPUModel *m = p;

    g_free(m->name);
    g_free(m->vendor);
    g_free(m);
}

void
vkDomainCapsAddCPUModel(vkDomainCaps *caps, const char *name, int usable,
                        bool deprecated, const char *vendor)
{
    vkDomCapsCPUModel *m = g_new0(vkDomCapsCPUModel, 1);

    m->name = g_strdup(name);
    m->usable = usable;
    m->deprecated = deprecated;
    m->vendor = g_strdup(vendor);
    g_ptr_array_add(caps->cpuModels, m);
}

vkDomCapsBlock *
vkDomCapsBlockNew(const char *name, bool supported)
{
    vkDomCapsBlock *b = g_new0(vkDomCapsBlock, 1);

    b->name = g_strdup(name);
    b->supported = supported;
    b->enums = g_ptr_array_new_with_free_func(enumFree);
    return b;
}

vkDomainCaps *
vkDomainCapsNew(const char *path, const char *domain, const char *machine,
                const char *arch)
{
    vkDomainCaps *caps = g_new0(vkDomainCaps, 1);

    caps->path = g_strdup(path);
    caps->domain = g_strdup(domain);
    caps->machine = g_strdup(machine);
    caps->arch = g_strdup(arch);
    caps->iothreads = -1;
    caps->cpuModels = g_ptr_array_new_with_free_func(cpuModelFree);
    caps->devices = g_ptr_array_new_with_free_func(blockFree);
    caps->features = g_ptr_array_new_with_free_func(blockFree);
    return caps;
}

void
vkDomainCapsFree(vkDomainCaps *caps)
{
    if (!caps)
        return;
    g_free(caps->path);
    g_free(caps->domain);
    g_free(caps->machine);
    g_free(caps->arch);
    blockFree(caps->os);
    blockFree(caps->memoryBacking);
    g_ptr_array_unref(caps->cpuModels);
    g_ptr_array_unref(caps->devices);
    g_ptr_array_unref(caps->features);
    g_free(caps);
}

vkDomCapsBlock *
vkDomainCapsAddDevice(vkDomainCaps *caps, const char *name, bool supported)
{
    vkDomCapsBlock *b = vkDomCapsBlockNew(name, supported);

    g_ptr_array_add(caps->devices, b);
    return b;
}

vkDomCapsBlock *
vkDomainCapsAddFeature(vkDomainCaps *caps, const char *name, bool supported)
{
    vkDomCapsBlock *b = vkDomCapsBlockNew(name, supported);

    g_ptr_array_add(caps->features, b);
    return b;
}

void
vkDomCapsBlockAddEnum(vkDomCapsBlock *block, const char *name, ...)
{
    vkDomCapsEnum *e = g_new0(vkDomCapsEnum, 1);
    const char *v;
    va_list ap;

    e->name = g_strdup(name);
    e->values = g_ptr_array_new_with_free_func(g_free);
    va_start(ap, name);
    while ((v = va_arg(ap, const char *)))
        g_ptr_array_add(e->values, g_strdup(v));
    va_end(ap);
    g_ptr_array_add(block->enums, e);
}

static void
formatText(GString *buf, int indent, const char *name, const char *value)
{
    g_string_append_printf(buf, "%*s<%s>", indent, "", name);
    vkConfEscape(buf, value);
    g_string_append_printf(buf, "</%s>\n", name);
}

static void
formatBlock(GString *buf, int indent, const vkDomCapsBlock *b)
{
    g_string_append_printf(buf, "%*s<%s supported='%s'", indent, "", b->name,
                           b->supported ? "yes" : "no");
    if (b->enums->len == 0 && !b->child && !(b->values && b->values->len)) {
        g_string_append(buf, "/>\n");
        return;
    }
    g_string_append(buf, ">\n");
    for (guint i = 0; b->values && i < b->values->len; i++)
        formatText(buf, indent + 2, "value", b->values->pdata[i]);
    for (guint i = 0; i < b->enums->len; i++) {
        const vkDomCapsEnum *e = b->enums->pdata[i];

        g_string_append_printf(buf, "%*s<enum", indent + 2, "");
        vkConfAttr(buf, "name", e->name);
        if (e->values->len == 0) {
            g_string_append(buf, "/>\n");
            continue;
        }
        g_string_append(buf, ">\n");
        for (guint j = 0; j < e->values->len; j++)
            formatText(buf, indent + 4, "value", e->values->pdata[j]);
        g_string_append_printf(buf, "%*s</enum>\n", indent + 2, "");
    }
    if (b->child)
        formatBlock(buf, indent + 2, b->child);
    g_string_append_printf(buf, "%*s</%s>\n", indent, "", b->name);
}

static void
formatCPU(GString *buf, const vkDomainCaps *caps)
{
    g_string_append(buf, "  <cpu>\n");
    g_string_append_printf(buf, "    <mode name='host-passthrough' supported='%s'/>\n",
                           caps->cpuHostPassthrough ? "yes" : "no");
    g_string_append_printf(buf, "    <mode name='maximum' supported='%s'/>\n",
                           caps->cpuMaximum ? "yes" : "no");
    g_string_append_printf(buf, "    <mode name='host-model' supported='%s'/>\n",
                           caps->cpuHostModel ? "yes" : "no");
    if (caps->cpuModels->len == 0) {
        g_string_append(buf, "    <mode name='custom' supported='no'/>\n");
    } else {
        g_string_append(buf, "    <mode name='custom' supported='yes'>\n");
        for (guint i = 0; i < caps->cpuModels->len; i++) {
            const vkDomCapsCPUModel *m = caps->cpuModels->pdata[i];

            g_string_append_printf(buf, "      <model usable='%s'",
                                   m->usable < 0 ? "unknown" : m->usable ? "yes" : "no");
            if (m->deprecated)
                g_string_append(buf, " deprecated='yes'");
            vkConfAttr(buf, "vendor", m->vendor ? m->vendor : "unknown");
            g_string_append_c(buf, '>');
            vkConfEscape(buf, m->name);
            g_string_append(buf, "</model>\n");
        }
        g_string_append(buf, "    </mode>\n");
    }
    g_string_append(buf, "  </cpu>\n");
}

static void
formatList(GString *buf, const char *name, const GPtrArray *blocks)
{
    if (blocks->len == 0)
        return;
    g_string_append_printf(buf, "  <%s>\n", name);
    for (guint i = 0; i < blocks->len; i++)
        formatBlock(buf, 4, blocks->pdata[i]);
    g_string_append_printf(buf, "  </%s>\n", name);
}

char *
vkDomainCapsFormat(const vkDomainCaps *caps)
{
    GString *buf = g_string_new("<domainCapabilities>\n");

    formatText(buf, 2, "path", caps->path);
    formatText(buf, 2, "domain", caps->domain);
    if (caps->machine)
        formatText(buf, 2, "machine", caps->machine);
    formatText(buf, 2, "arch", caps->arch);
    if (caps->maxVcpus)
        g_string_append_printf(buf, "  <vcpu max='%u'/>\n", caps->maxVcpus);
    if (caps->iothreads >= 0)
        g_string_append_printf(buf, "  <iothreads supported='%s'/>\n",
                               caps->iothreads ? "yes" : "no");
    if (caps->os)
        formatBlock(buf, 2, caps->os);
    if (caps->hasCPU)
        formatCPU(buf, caps);
    if (caps->memoryBacking)
        formatBlock(buf, 2, caps->memoryBacking);
    formatList(buf, "devices", caps->devices);
    formatList(buf, "features", caps->features);
    g_string_append(buf, "</domainCapabilities>\n");
    return g_string_free(buf, FALSE);
}
