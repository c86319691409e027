/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What a start needs from the host for displays that libvirt accepts at
 * define but that only some hosts can run: an X display (sdl), a D-Bus
 * bus (dbus), a DRI render node (OpenGL: <gl enable='yes'>, egl-headless,
 * virgl's <acceleration accel3d='yes'>).
 *
 * The argv builder stays pure and emits what libvirt emits; this check
 * runs on the copy a start builds from, so a definition moves between
 * hosts unchanged and is refused, by element, only where it cannot run.
 */
#include <string.h>

#include "drivers/qemu/qemu-graphics.h"
#include "drivers/qemu/command-priv.h"

#define VIR_FROM_THIS VIR_FROM_QEMU
#include "util/error.h"

/* The first renderD* node under driDir (sorted, as the kernel numbers
 * them from 128), NULL when there is none. */
static char *
firstRenderNode(const char *driDir)
{
    g_autoptr(GDir) dir = g_dir_open(driDir, 0, NULL);
    g_autofree char *best = NULL;
    const char *n;

    while (dir && (n = g_dir_read_name(dir))) {
        if (g_str_has_prefix(n, "renderD") && (!best || strcmp(n, best) < 0)) {
            g_free(best);
            best = g_strdup(n);
        }
    }
    return best ? g_build_filename(driDir, best, NULL) : NULL;
}

static vkXmlElem *
glElem(const vkDomainGraphicsDef *g)
{
    for (guint i = 0; g->extra && i < g->extra->len; i++) {
        vkXmlElem *e = g->extra->pdata[i];
        if (strcmp(e->name, "gl") == 0)
            return e;
    }
    return NULL;
}

static const char *
attr(const vkDomainGraphicsDef *g, const char *name)
{
    for (guint i = 0; g->attrs && i + 1 < g->attrs->len; i += 2) {
        if (strcmp(g->attrs->pdata[i], name) == 0)
            return g->attrs->pdata[i + 1];
    }
    return NULL;
}

static int
noRenderNode(const vkDomainDef *def, const char *what, const char *driDir)
{
    vkReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                  "%s of domain '%s': OpenGL needs a DRI render node and this host has "
                  "none (%s/renderD*)", what, def->name, driDir);
    return -1;
}

/* One graphics device; node is the host's first render node or NULL. */
static int
checkGraphics(const vkDomainDef *def, vkDomainGraphicsDef *g, const char *node,
              const char *driDir)
{
    vkXmlElem *gl = glElem(g);
    const char *want = gl ? vkXmlElemGetAttr(gl, "rendernode") : NULL;
    g_autofree char *what = NULL;

    if (strcmp(g->type, "sdl") == 0) {
        vkReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      "graphics type 'sdl' of domain '%s': virtkitd starts QEMU without an "
                      "X display (no DISPLAY or XAUTHORITY in its environment)", def->name);
        return -1;
    }
    if (strcmp(g->type, "dbus") == 0 && !attr(g, "address") &&
        g_strcmp0(attr(g, "p2p"), "yes") != 0) {
        vkReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      "graphics type 'dbus' of domain '%s' without address='' or p2p='yes': "
                      "virtkitd runs no D-Bus daemon of its own for a domain", def->name);
        return -1;
    }
    if (strcmp(g->type, "egl-headless") != 0 &&
        !(gl && g_strcmp0(vkXmlElemGetAttr(gl, "enable"), "yes") == 0))
        return 0;
    what = g_strdup_printf("<graphics type='%s'>%s", g->type,
                           gl ? " <gl enable='yes'>" : "");
    if (want) {
        if (g_file_test(want, G_FILE_TEST_EXISTS))
            return 0;
        vkReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s of domain '%s': render node '%s' does "
                      "not exist", what, def->name, want);
        return -1;
    }
    if (!node)
        return noRenderNode(def, what, driDir);
    /* the live definition names the node QEMU renders on, as libvirt's */
    if (gl && strcmp(g->type, "egl-headless") != 0)
        vkXmlElemSetAttr(gl, "rendernode", node);
    return 0;
}

static bool
accel3d(const vkDomainVideoDef *v)
{
    for (guint i = 0; v->modelChildren && i < v->modelChildren->len; i++) {
        const vkXmlElem *e = v->modelChildren->pdata[i];
        if (strcmp(e->name, "acceleration") == 0 &&
            g_strcmp0(vkXmlElemGetAttr(e, "accel3d"), "yes") == 0)
            return true;
    }
    return false;
}

int
vkQemuGraphicsCheckHost(vkDomainDef *def, const char *driDir)
{
    GPtrArray *g = def->priv ? def->priv->devs[VK_DOMAIN_DEVICE_GRAPHICS] : NULL;
    GPtrArray *v = def->priv ? def->priv->devs[VK_DOMAIN_DEVICE_VIDEO] : NULL;
    g_autofree char *node = firstRenderNode(driDir);

    for (guint i = 0; g && i < g->len; i++) {
        if (checkGraphics(def, g->pdata[i], node, driDir) < 0)
            return -1;
    }
    for (guint i = 0; v && i < v->len; i++) {
        if (accel3d(v->pdata[i]) && !node)
            return noRenderNode(def, "video <acceleration accel3d='yes'>", driDir);
    }
    return 0;
}
