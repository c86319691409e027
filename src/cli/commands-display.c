/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* commands-display.c: a domain's graphical displays — domdisplay (their
 * URIs, read from the domain's XML as virsh reads them) and screenshot
 * (the console's picture through a stream into a file). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "vksh.h"
#include "xmltree.h"

static const vkshOptDef optsDomdisplay[] = {
    VKSH_OPT_DOMAIN,
    { "include-password", VKSH_OT_BOOL, 0,
      "includes the password into the connection URI if available" },
    { "type", VKSH_OT_STRING, 0,
      "select particular graphical display (e.g. \"vnc\", \"spice\", \"rdp\", \"dbus\")" },
    { "all", VKSH_OT_BOOL, 0, "show all possible graphical displays" },
    { NULL, 0, 0, NULL },
};

/* The URI of one <graphics>, or NULL when it has nothing to connect to
 * (no port yet, a socket listen). */
static char *
displayUri(const vkshXml *g, const char *type, bool withPassword)
{
    const char *listen = vkshXmlChildAttr(g, "listen", "address");
    const char *ltype = vkshXmlChildAttr(g, "listen", "type");
    const char *port = vkshXmlAttr(g, "port");
    const char *tls = g_str_equal(type, "spice") ? vkshXmlAttr(g, "tlsPort") : NULL;
    const char *passwd = withPassword ? vkshXmlAttr(g, "passwd") : NULL;
    long portNum = port ? strtol(port, NULL, 10) : -1;
    long tlsNum = tls ? strtol(tls, NULL, 10) : -1;
    g_autoptr(GString) uri = g_string_new(type);

    if (ltype && !g_str_equal(ltype, "address") && !g_str_equal(ltype, "network"))
        return NULL;
    if (portNum <= 0 && tlsNum <= 0)
        return NULL;
    if (!listen)
        listen = vkshXmlAttr(g, "listen");
    /* a wildcard listen is reached on this host */
    if (!listen || g_str_equal(listen, "0.0.0.0") || g_str_equal(listen, "::"))
        listen = "localhost";
    g_string_append(uri, "://");
    if (passwd && g_str_equal(type, "vnc"))
        g_string_append_printf(uri, ":%s@", passwd);
    if (strchr(listen, ':'))
        g_string_append_printf(uri, "[%s]", listen);
    else
        g_string_append(uri, listen);
    if (portNum > 0)
        g_string_append_printf(uri, ":%ld", g_str_equal(type, "vnc") ? portNum - 5900 : portNum);
    if (tlsNum > 0)
        g_string_append_printf(uri, "?tls-port=%ld", tlsNum);
    if (passwd && g_str_equal(type, "spice"))
        g_string_append_printf(uri, "%cpassword=%s", tlsNum > 0 ? '&' : '?', passwd);
    return g_string_free(g_steal_pointer(&uri), FALSE);
}

static bool
cmdDomdisplay(vkshCtl *ctl, const vkshCmd *cmd)
{
    static const char *const types[] = { "vnc", "spice", "rdp", "dbus" };
    const char *only = vkshOptString(cmd, "type");
    bool withPassword = vkshOptBool(cmd, "include-password");
    bool all = vkshOptBool(cmd, "all");
    g_autoptr(virDomain) dom = vkshCommandDomain(ctl, cmd, NULL, VKSH_BYANY);
    g_autoptr(vkshXml) tree = NULL;
    g_autoptr(GPtrArray) gfx = NULL;
    bool found = false;

    if (!dom)
        return false;
    if (virDomainIsActive(dom) != 1) {
        vkshError(ctl, "%s", "Domain is not running");
        return false;
    }
    if (!(tree = vkshDomainTree(ctl, dom, withPassword ? VIR_DOMAIN_XML_SECURE : 0)))
        return false;
    gfx = vkshXmlFindAll(tree, "devices/graphics");
    for (size_t t = 0; t < G_N_ELEMENTS(types) && (all || !found); t++) {
        if (only && !g_str_equal(only, types[t]))
            continue;
        for (size_t i = 0; i < gfx->len; i++) {
            g_autofree char *uri = NULL;

            if (g_strcmp0(vkshXmlAttr(gfx->pdata[i], "type"), types[t]) != 0)
                continue;
            if (!(uri = displayUri(gfx->pdata[i], types[t], withPassword)))
                continue;
            /* virsh ends the line only between URIs of --all */
            vkshPrint(ctl, all ? "%s\n" : "%s", uri);
            found = true;
            break;
        }
    }
    if (!found) {
        if (only)
            vkshError(ctl, "No graphical display with type '%s' found", only);
        else
            vkshError(ctl, "%s", "No graphical display found");
        return false;
    }
    return true;
}

/* ---- screenshot ---- */

static const vkshOptDef optsScreenshot[] = {
    VKSH_OPT_DOMAIN,
    { "file", VKSH_OT_STRING, 0, "where to store the screenshot" },
    { "screen", VKSH_OT_INT, 0, "ID of a screen to take screenshot of" },
    { NULL, 0, 0, NULL },
};

/* virsh's default name: the domain's, the time, and the MIME type's extension. */
static char *
screenshotName(virDomainPtr dom, const char *mime)
{
    const char *ext = g_strcmp0(mime, "image/x-portable-pixmap") == 0 ? ".ppm" :
                      g_strcmp0(mime, "image/png") == 0 ? ".png" : "";
    g_autoptr(GDateTime) now = g_date_time_new_now_local();
    g_autofree char *stamp = g_date_time_format(now, "%Y-%m-%d-%H:%M:%S");

    return g_strdup_printf("%s-%s%s", virDomainGetName(dom), stamp, ext);
}

static bool
cmdScreenshot(vkshCtl *ctl, const vkshCmd *cmd)
{
    g_autoptr(virDomain) dom = vkshCommandDomain(ctl, cmd, NULL, VKSH_BYANY);
    g_autofree char *mime = NULL;
    g_autofree char *file = g_strdup(vkshOptString(cmd, "file"));
    virStreamPtr st = NULL;
    int screen = 0;
    int fd = -1;
    bool ok = false;

    if (!dom || vkshOptInt(ctl, cmd, "screen", &screen) < 0)
        return false;
    if (!(st = virStreamNew(ctl->conn, 0)))
        return false;
    if (!(mime = virDomainScreenshot(dom, st, screen, 0))) {
        vkshError(ctl, "could not take a screenshot of %s", virDomainGetName(dom));
        goto out;
    }
    if (!file)
        file = screenshotName(dom, mime);
    if ((fd = open(file, O_WRONLY | O_CREAT | O_EXCL, 0666)) < 0) {
        if (errno != EEXIST ||
            (fd = open(file, O_WRONLY | O_TRUNC, 0666)) < 0) {
            vkshError(ctl, "cannot create file %s", file);
            virStreamAbort(st);
            goto out;
        }
    }
    if (virStreamRecvAll(st, vkshWriteSink, &fd) < 0) {
        vkshError(ctl, "could not receive data from domain '%s'", virDomainGetName(dom));
        virStreamAbort(st);
        goto out;
    }
    if (close(fd) < 0) {
        fd = -1;
        vkshError(ctl, "cannot close file %s", file);
        goto out;
    }
    fd = -1;
    if (virStreamFinish(st) < 0) {
        vkshError(ctl, "%s", "cannot close stream on domain");
        goto out;
    }
    vkshPrint(ctl, "Screenshot saved to %s, with type of %s\n", file, mime);
    ok = true;

 out:
    if (fd >= 0)
        close(fd);
    if (!ok && file && !vkshOptString(cmd, "file"))
        unlink(file);
    virStreamFree(st);
    return ok;
}

VKSH_CMD(vkshCmdDomdisplay, "domdisplay", cmdDomdisplay, optsDomdisplay,
         "domain display connection URI",
         "Output the IP address and port number for the graphical display.");
/* virsh prints no blank line after the file's name */
const vkshCmdDef vkshCmdScreenshot = {
    "screenshot", cmdScreenshot, optsScreenshot,
    "take a screenshot of a current domain console and store it into a file",
    "screenshot of a current domain console", VKSH_CMD_NO_BLANK,
};
