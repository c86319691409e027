/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Host links read from sysfs, one small file per attribute.
 *
 * The idea: sysfs already is the read-only view the udev backend of
 * libvirt's interface driver works from (udev's database only caches
 * it), so reading the files directly gives the same answers without a
 * udev dependency.  Everything takes the directory to read, so tests can
 * hand in a tree of their own.
 */
#include <string.h>

#define VIR_FROM_THIS VIR_FROM_INTERFACE
#include "util/error.h"
#include "drivers/interface/interface-sysfs.h"

void
vkHostIfaceFree(vkHostIface *i)
{
    if (!i)
        return;
    g_free(i->name);
    g_free(i->mac);
    g_free(i->operstate);
    g_free(i);
}

/* The first line of NET/NAME/ATTR, or NULL. */
static char *
attr(const char *net, const char *name, const char *file)
{
    g_autofree char *path = g_build_filename(net, name, file, NULL);
    char *text = NULL;

    if (!g_file_get_contents(path, &text, NULL, NULL))
        return NULL;
    text[strcspn(text, "\n")] = '\0';
    return text;
}

static long
attrLong(const char *net, const char *name, const char *file, long dflt)
{
    g_autofree char *s = attr(net, name, file);
    char *end;
    long v;

    if (!s || !*s)
        return dflt;
    v = strtol(s, &end, 10);
    return *end ? dflt : v;
}

static bool
exists(const char *net, const char *name, const char *file)
{
    g_autofree char *path = g_build_filename(net, name, file, NULL);

    return g_file_test(path, G_FILE_TEST_EXISTS);
}

vkHostIface *
vkHostIfaceRead(const char *net, const char *name)
{
    g_autoptr(vkHostIface) i = NULL;
    long speed;

    /* a name is one path component: no lookups outside the tree */
    if (!*name || strchr(name, '/') || strcmp(name, ".") == 0 || strcmp(name, "..") == 0 ||
        !exists(net, name, "ifindex"))
        return NULL;
    i = g_new0(vkHostIface, 1);
    i->name = g_strdup(name);
    if (!(i->mac = attr(net, name, "address")))
        i->mac = g_strdup("");
    if (!(i->operstate = attr(net, name, "operstate")))
        i->operstate = g_strdup("unknown");
    i->mtu = (unsigned int)attrLong(net, name, "mtu", 0);
    /* a speed is only meant for a link that is up (a down NIC answers
     * -1 or refuses the read, a veth always says 10000) */
    speed = strcmp(i->operstate, "up") == 0 ? attrLong(net, name, "speed", 0) : 0;
    i->speed = speed > 0 ? speed : 0;
    i->bridge = exists(net, name, "bridge");
    i->bridgePort = exists(net, name, "brport");
    if (i->bridge) {
        i->stp = attrLong(net, name, "bridge/stp_state", 0) != 0;
        i->delay = (unsigned long)attrLong(net, name, "bridge/forward_delay", 0);
    }
    return g_steal_pointer(&i);
}

static gint
byName(gconstpointer a, gconstpointer b)
{
    return strcmp((*(vkHostIface *const *)a)->name, (*(vkHostIface *const *)b)->name);
}

int
vkHostIfaceList(const char *net, GPtrArray **out)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(GDir) dir = g_dir_open(net, 0, &err);
    g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func((GDestroyNotify)vkHostIfaceFree);
    const char *name;

    if (!dir) {
        vkReportError(VIR_ERR_INTERNAL_ERROR, "cannot read the host's links in '%s': %s",
                      net, err->message);
        return -1;
    }
    while ((name = g_dir_read_name(dir))) {
        vkHostIface *i = vkHostIfaceRead(net, name);

        /* a link may vanish between the listing and the read */
        if (!i)
            continue;
        if (i->bridgePort)
            vkHostIfaceFree(i);
        else
            g_ptr_array_add(list, i);
    }
    g_ptr_array_sort(list, byName);
    *out = g_steal_pointer(&list);
    return 0;
}

bool
vkHostIfaceActive(const vkHostIface *i)
{
    return strcmp(i->operstate, "up") == 0;
}

static void
linkAndMac(GString *x, const vkHostIface *i, const char *indent)
{
    g_autofree char *state = g_markup_escape_text(i->operstate, -1);
    g_autofree char *mac = g_markup_escape_text(i->mac, -1);

    if (i->speed)
        g_string_append_printf(x, "%s<link speed='%ld' state='%s'/>\n", indent, i->speed, state);
    else
        g_string_append_printf(x, "%s<link state='%s'/>\n", indent, state);
    g_string_append_printf(x, "%s<mac address='%s'/>\n", indent, mac);
}

static gint
strCmp(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

char *
vkHostIfaceFormat(const char *net, const vkHostIface *i)
{
    GString *x = g_string_new(NULL);
    g_autofree char *name = g_markup_escape_text(i->name, -1);

    g_string_append_printf(x, "<interface type='%s' name='%s'>\n",
                           i->bridge ? "bridge" : "ethernet", name);
    if (i->mtu)
        g_string_append_printf(x, "  <mtu size='%u'/>\n", i->mtu);
    if (!i->bridge) {
        linkAndMac(x, i, "  ");
    } else {
        g_autofree char *brif = g_build_filename(net, i->name, "brif", NULL);
        g_autoptr(GDir) dir = g_dir_open(brif, 0, NULL);
        g_autoptr(GPtrArray) ports = g_ptr_array_new_with_free_func(g_free);
        const char *p;

        while (dir && (p = g_dir_read_name(dir)))
            g_ptr_array_add(ports, g_strdup(p));
        g_ptr_array_sort(ports, strCmp);
        g_string_append_printf(x, "  <bridge stp='%s' delay='%lu'%s>\n", i->stp ? "on" : "off",
                               i->delay, ports->len ? "" : "/");
        for (guint k = 0; k < ports->len; k++) {
            g_autoptr(vkHostIface) port = vkHostIfaceRead(net, ports->pdata[k]);
            g_autofree char *pname = NULL;

            if (!port)
                continue;
            pname = g_markup_escape_text(port->name, -1);
            g_string_append_printf(x, "    <interface type='%s' name='%s'>\n",
                                   port->bridge ? "bridge" : "ethernet", pname);
            linkAndMac(x, port, "      ");
            g_string_append(x, "    </interface>\n");
        }
        if (ports->len)
            g_string_append(x, "  </bridge>\n");
    }
    g_string_append(x, "</interface>\n");
    return g_string_free(x, FALSE);
}
