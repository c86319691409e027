/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Capabilities: a plain struct filled by a driver, and its formatter.
 *
 * Nothing here probes the host beyond its architecture: drivers know what
 * they can run and say so through the vkCapsAdd* calls; this file only
 * guarantees the document has libvirt's shape (blank lines between the
 * host and each guest, as virsh users see them) and a valid schema.
 */
#include <string.h>
#include <sys/utsname.h>

#include "conf/capabilities.h"
#include "conf/domain-conf-priv.h"
#include "util/uuid.h"

static void
machineFree(gpointer p)
{
    vkCapsMachine *m = p;

    g_free(m->name);
    g_free(m->canonical);
    g_free(m);
}

static void
domainFree(gpointer p)
{
    vkCapsDomain *d = p;

    g_free(d->type);
    g_free(d->emulator);
    g_free(d);
}

static void
featureFree(gpointer p)
{
    vkCapsFeature *f = p;

    g_free(f->name);
    g_free(f);
}

static void
guestFree(gpointer p)
{
    vkCapsGuest *g = p;

    g_free(g->osType);
    g_free(g->arch);
    g_free(g->emulator);
    g_free(g->loader);
    g_ptr_array_unref(g->machines);
    g_ptr_array_unref(g->domains);
    g_ptr_array_unref(g->features);
    g_free(g);
}

static void
cpuFree(gpointer p)
{
    vkCapsCPU *c = p;

    g_free(c->siblings);
    g_free(c);
}

static void
cellFree(gpointer p)
{
    vkCapsCell *c = p;

    g_ptr_array_unref(c->cpus);
    g_array_unref(c->pages);
    g_free(c);
}

vkCaps *
vkCapsNew(const char *hostArch)
{
    vkCaps *caps = g_new0(vkCaps, 1);
    struct utsname u;

    if (!hostArch && uname(&u) == 0)
        hostArch = u.machine;
    caps->arch = g_strdup(hostArch ? hostArch : "x86_64");
    caps->iommu = -1;
    caps->cpuFeatures = g_ptr_array_new_with_free_func(g_free);
    caps->hostFeatures = g_ptr_array_new_with_free_func(g_free);
    caps->pageSizes = g_array_new(FALSE, FALSE, sizeof(unsigned int));
    caps->migrationTransports = g_ptr_array_new_with_free_func(g_free);
    caps->cells = g_ptr_array_new_with_free_func(cellFree);
    caps->guests = g_ptr_array_new_with_free_func(guestFree);
    return caps;
}

void
vkCapsFree(vkCaps *caps)
{
    if (!caps)
        return;
    g_free(caps->arch);
    g_free(caps->cpuModel);
    g_free(caps->cpuVendor);
    g_ptr_array_unref(caps->cpuFeatures);
    g_ptr_array_unref(caps->hostFeatures);
    g_array_unref(caps->pageSizes);
    g_ptr_array_unref(caps->migrationTransports);
    g_ptr_array_unref(caps->cells);
    g_free(caps->secModel);
    g_free(caps->secDoi);
    g_ptr_array_unref(caps->guests);
    g_free(caps);
}

vkCapsGuest *
vkCapsAddGuest(vkCaps *caps, const char *osType, const char *arch,
               int wordsize, const char *emulator, const char *loader)
{
    vkCapsGuest *g = g_new0(vkCapsGuest, 1);

    g->osType = g_strdup(osType);
    g->arch = g_strdup(arch);
    g->wordsize = wordsize;
    g->emulator = g_strdup(emulator);
    g->loader = g_strdup(loader);
    g->machines = g_ptr_array_new_with_free_func(machineFree);
    g->domains = g_ptr_array_new_with_free_func(domainFree);
    g->features = g_ptr_array_new_with_free_func(featureFree);
    g_ptr_array_add(caps->guests, g);
    return g;
}

void
vkCapsGuestAddMachine(vkCapsGuest *guest, const char *name,
                      const char *canonical, unsigned int maxCpus)
{
    vkCapsMachine *m = g_new0(vkCapsMachine, 1);

    m->name = g_strdup(name);
    m->canonical = g_strdup(canonical);
    m->maxCpus = maxCpus;
    g_ptr_array_add(guest->machines, m);
}

void
vkCapsGuestAddDomain(vkCapsGuest *guest, const char *type, const char *emulator)
{
    vkCapsDomain *d = g_new0(vkCapsDomain, 1);

    d->type = g_strdup(type);
    d->emulator = g_strdup(emulator);
    g_ptr_array_add(guest->domains, d);
}

void
vkCapsGuestAddFeature(vkCapsGuest *guest, const char *name, bool canToggle,
                      bool defaultOn, bool toggle)
{
    vkCapsFeature *f = g_new0(vkCapsFeature, 1);

    f->name = g_strdup(name);
    f->canToggle = canToggle;
    f->defaultOn = defaultOn;
    f->toggle = toggle;
    g_ptr_array_add(guest->features, f);
}

void
vkCapsAddCPUFeature(vkCaps *caps, const char *name)
{
    g_ptr_array_add(caps->cpuFeatures, g_strdup(name));
}

void
vkCapsAddHostFeature(vkCaps *caps, const char *name)
{
    g_ptr_array_add(caps->hostFeatures, g_strdup(name));
}

void
vkCapsCellAddPages(vkCapsCell *cell, unsigned int sizeKiB,
                   unsigned long long count)
{
    vkCapsPages p = { sizeKiB, count };

    g_array_append_val(cell->pages, p);
}

vkCapsCell *
vkCapsAddCell(vkCaps *caps, unsigned int id, unsigned long long memoryKiB)
{
    vkCapsCell *c = g_new0(vkCapsCell, 1);

    c->id = id;
    c->memory = memoryKiB;
    c->cpus = g_ptr_array_new_with_free_func(cpuFree);
    c->pages = g_array_new(FALSE, FALSE, sizeof(vkCapsPages));
    g_ptr_array_add(caps->cells, c);
    return c;
}

void
vkCapsCellAddCPU(vkCapsCell *cell, unsigned int id, int socket, int die,
                 int core, const char *siblings)
{
    vkCapsCPU *c = g_new0(vkCapsCPU, 1);

    c->id = id;
    c->socket = socket;
    c->die = die;
    c->core = core;
    c->siblings = g_strdup(siblings);
    g_ptr_array_add(cell->cpus, c);
}

const vkCapsGuest *
vkCapsLookupGuest(const vkCaps *caps, const char *osType, const char *arch,
                  const char *virtType)
{
    guint i, j;

    for (i = 0; i < caps->guests->len; i++) {
        const vkCapsGuest *g = caps->guests->pdata[i];
        if (osType && g_strcmp0(g->osType, osType) != 0)
            continue;
        if (arch && g_strcmp0(g->arch, arch) != 0)
            continue;
        if (!virtType)
            return g;
        for (j = 0; j < g->domains->len; j++) {
            if (g_strcmp0(((vkCapsDomain *)g->domains->pdata[j])->type, virtType) == 0)
                return g;
        }
    }
    return NULL;
}

static void
textElem(GString *buf, int indent, const char *name, const char *value)
{
    g_string_append_printf(buf, "%*s<%s>", indent, "", name);
    vkConfEscape(buf, value);
    g_string_append_printf(buf, "</%s>\n", name);
}

static void
formatHost(GString *buf, const vkCaps *caps)
{
    char uuid[VIR_UUID_STRING_BUFLEN];
    guint i, j;

    g_string_append(buf, "  <host>\n");
    if (caps->hasUUID) {
        vkUUIDFormat(caps->uuid, uuid);
        textElem(buf, 4, "uuid", uuid);
    }
    g_string_append(buf, "    <cpu>\n");
    textElem(buf, 6, "arch", caps->arch);
    if (caps->hostFeatures->len) {
        g_string_append(buf, "      <features>\n");
        for (i = 0; i < caps->hostFeatures->len; i++)
            g_string_append_printf(buf, "        <%s/>\n",
                                   (char *)caps->hostFeatures->pdata[i]);
        g_string_append(buf, "      </features>\n");
    }
    if (caps->cpuModel)
        textElem(buf, 6, "model", caps->cpuModel);
    if (caps->cpuVendor)
        textElem(buf, 6, "vendor", caps->cpuVendor);
    if (caps->sockets)
        g_string_append_printf(buf,
                               "      <topology sockets='%u' dies='%u' cores='%u' threads='%u'/>\n",
                               caps->sockets, caps->dies ? caps->dies : 1,
                               caps->cores ? caps->cores : 1,
                               caps->threads ? caps->threads : 1);
    for (i = 0; i < caps->cpuFeatures->len; i++) {
        g_string_append(buf, "      <feature");
        vkConfAttr(buf, "name", caps->cpuFeatures->pdata[i]);
        g_string_append(buf, "/>\n");
    }
    for (i = 0; i < caps->pageSizes->len; i++)
        g_string_append_printf(buf, "      <pages unit='KiB' size='%u'/>\n",
                               g_array_index(caps->pageSizes, unsigned int, i));
    g_string_append(buf, "    </cpu>\n");
    if (caps->powerManagement)
        g_string_append(buf, "    <power_management/>\n");
    if (caps->iommu >= 0)
        g_string_append_printf(buf, "    <iommu support='%s'/>\n",
                               caps->iommu ? "yes" : "no");
    if (caps->liveMigration || caps->migrationTransports->len) {
        g_string_append(buf, "    <migration_features>\n");
        if (caps->liveMigration)
            g_string_append(buf, "      <live/>\n");
        if (caps->migrationTransports->len) {
            g_string_append(buf, "      <uri_transports>\n");
            for (i = 0; i < caps->migrationTransports->len; i++)
                textElem(buf, 8, "uri_transport", caps->migrationTransports->pdata[i]);
            g_string_append(buf, "      </uri_transports>\n");
        }
        g_string_append(buf, "    </migration_features>\n");
    }
    if (caps->cells->len || caps->numa) {
        g_string_append_printf(buf, "    <topology>\n      <cells num='%u'>\n",
                               caps->cells->len);
        for (i = 0; i < caps->cells->len; i++) {
            const vkCapsCell *c = caps->cells->pdata[i];
            g_string_append_printf(buf, "        <cell id='%u'>\n", c->id);
            if (c->memory)
                g_string_append_printf(buf, "          <memory unit='KiB'>%llu</memory>\n",
                                       c->memory);
            for (j = 0; j < c->pages->len; j++) {
                const vkCapsPages *pg = &g_array_index(c->pages, vkCapsPages, j);
                g_string_append_printf(buf, "          <pages unit='KiB' size='%u'>%llu</pages>\n",
                                       pg->size, pg->count);
            }
            g_string_append_printf(buf, "          <cpus num='%u'>\n", c->cpus->len);
            for (j = 0; j < c->cpus->len; j++) {
                const vkCapsCPU *cpu = c->cpus->pdata[j];
                g_string_append_printf(buf, "            <cpu id='%u'", cpu->id);
                if (cpu->socket >= 0 && cpu->die >= 0 && cpu->core >= 0 && cpu->siblings) {
                    g_string_append_printf(buf, " socket_id='%d' die_id='%d' core_id='%d'",
                                           cpu->socket, cpu->die, cpu->core);
                    vkConfAttr(buf, "siblings", cpu->siblings);
                }
                g_string_append(buf, "/>\n");
            }
            g_string_append(buf, "          </cpus>\n        </cell>\n");
        }
        g_string_append(buf, "      </cells>\n    </topology>\n");
    }
    g_string_append(buf, "    <secmodel>\n");
    textElem(buf, 6, "model", caps->secModel ? caps->secModel : "none");
    textElem(buf, 6, "doi", caps->secDoi ? caps->secDoi : "0");
    g_string_append(buf, "    </secmodel>\n  </host>\n\n");
}

static void
formatGuest(GString *buf, const vkCapsGuest *g)
{
    guint i;

    g_string_append(buf, "  <guest>\n");
    textElem(buf, 4, "os_type", g->osType);
    g_string_append(buf, "    <arch");
    vkConfAttr(buf, "name", g->arch);
    g_string_append(buf, ">\n");
    g_string_append_printf(buf, "      <wordsize>%d</wordsize>\n", g->wordsize);
    if (g->emulator)
        textElem(buf, 6, "emulator", g->emulator);
    if (g->loader)
        textElem(buf, 6, "loader", g->loader);
    for (i = 0; i < g->machines->len; i++) {
        const vkCapsMachine *m = g->machines->pdata[i];
        g_string_append(buf, "      <machine");
        vkConfAttr(buf, "canonical", m->canonical);
        if (m->maxCpus)
            g_string_append_printf(buf, " maxCpus='%u'", m->maxCpus);
        if (m->deprecated)
            g_string_append(buf, " deprecated='yes'");
        g_string_append_c(buf, '>');
        vkConfEscape(buf, m->name);
        g_string_append(buf, "</machine>\n");
    }
    for (i = 0; i < g->domains->len; i++) {
        const vkCapsDomain *d = g->domains->pdata[i];
        g_string_append(buf, "      <domain");
        vkConfAttr(buf, "type", d->type);
        if (d->emulator) {
            g_string_append(buf, ">\n");
            textElem(buf, 8, "emulator", d->emulator);
            g_string_append(buf, "      </domain>\n");
        } else {
            g_string_append(buf, "/>\n");
        }
    }
    g_string_append(buf, "    </arch>\n");
    if (g->features->len) {
        g_string_append(buf, "    <features>\n");
        for (i = 0; i < g->features->len; i++) {
            const vkCapsFeature *f = g->features->pdata[i];
            g_string_append_printf(buf, "      <%s", f->name);
            if (f->canToggle)
                g_string_append_printf(buf, " default='%s' toggle='%s'",
                                       f->defaultOn ? "on" : "off",
                                       f->toggle ? "yes" : "no");
            g_string_append(buf, "/>\n");
        }
        g_string_append(buf, "    </features>\n");
    }
    g_string_append(buf, "  </guest>\n\n");
}

char *
vkCapsFormat(const vkCaps *caps)
{
    GString *buf = g_string_sized_new(2048);
    guint i;

    g_string_append(buf, "<capabilities>\n\n");
    formatHost(buf, caps);
    for (i = 0; i < caps->guests->len; i++)
        formatGuest(buf, caps->guests->pdata[i]);
    g_string_append(buf, "</capabilities>\n");
    return g_string_free(buf, FALSE);
}
