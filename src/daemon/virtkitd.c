/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * virtkitd: the daemon serving libvirt's remote protocol.
 *
 * main() parses options, loads the config, registers the default event
 * loop implementation (so the drivers' events and our sockets share one
 * GLib main context), listens, and only then announces readiness: the
 * pidfile and the --ready-fd byte are written after the sockets exist, so
 * a test or a service manager waits on that instead of polling for files.
 */
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <glib-unix.h>
#include <gnutls/gnutls.h>

#include "virtkit/virtkit.h"
#include "daemon/daemon.h"
#include "drivers/remote/remote-driver.h"
#include "drivers/qemu/qemu-driver.h"
#include "drivers/xen/xen-driver.h"
#include "drivers/lxc/lxc-driver.h"
#include "drivers/network/network-driver.h"

int vkDaemonVerbose;

/* gnutls would initialise itself (and fault in half a MiB) as soon as it
 * is loaded; most daemons never use TLS, so it is done on demand instead:
 * vkDaemonTlsGlobalInit (tls.c). */
GNUTLS_SKIP_GLOBAL_INIT

void
vkDaemonLog(bool debug, const char *fmt, ...)
{
    g_autofree char *text = NULL;
    g_autoptr(GDateTime) now = g_date_time_new_now_local();
    g_autofree char *stamp = g_date_time_format(now, "%F %T.%f");
    va_list ap;

    va_start(ap, fmt);
    text = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    fprintf(stderr, "%.23s virtkitd[%d]: %s%s\n", stamp, (int)getpid(),
            debug ? "debug: " : "", text);
}

static volatile bool quitting;

static void
requestQuit(void *opaque)
{
    quitting = true;
    g_main_context_wakeup(NULL);
}

static gboolean
onSignal(gpointer opaque)
{
    VK_LOG("caught %s; shutting down", (const char *)opaque);
    requestQuit(NULL);
    return G_SOURCE_CONTINUE;
}

static bool
writePidfile(const char *path, GError **error)
{
    g_autofree char *text = g_strdup_printf("%d\n", (int)getpid());

    return g_file_set_contents(path, text, -1, error);
}

int
main(int argc, char **argv)
{
    g_autofree char *socketDir = NULL;
    g_autofree char *configFile = NULL;
    g_autofree char *pidfile = NULL;
    g_autofree char *qemuRoot = NULL;
    g_autofree char *xendSocket = NULL;
    g_autofree char *lxcRoot = NULL;
    g_autofree char *networkRoot = NULL;
    int timeout = 0;
    int readyFd = -1;
    gboolean verbose = FALSE;
    gboolean showVersion = FALSE;
    GOptionEntry entries[] = {
        { "socket-dir", 0, 0, G_OPTION_ARG_FILENAME, &socketDir,
          "directory for virtkit-sock and virtkit-sock-ro (default /run/virtkit)", "DIR" },
        { "config", 'f', 0, G_OPTION_ARG_FILENAME, &configFile,
          "configuration file (libvirtd.conf syntax)", "FILE" },
        { "pidfile", 'p', 0, G_OPTION_ARG_FILENAME, &pidfile,
          "write the daemon's pid here once it is listening", "FILE" },
        { "timeout", 't', 0, G_OPTION_ARG_INT, &timeout,
          "exit after SEC seconds without any client", "SEC" },
        { "ready-fd", 0, 0, G_OPTION_ARG_INT, &readyFd,
          "write a newline to FD and close it once listening", "FD" },
        { "qemu-root", 0, 0, G_OPTION_ARG_FILENAME, &qemuRoot,
          "keep qemu:///system's files under DIR (default: VIRTKIT_QEMU_ROOT, "
          "else /etc/virtkit/qemu, /run/virtkit/qemu, ...)", "DIR" },
        { "lxc-root", 0, 0, G_OPTION_ARG_FILENAME, &lxcRoot,
          "keep lxc:///system's files under DIR (default: VIRTKIT_LXC_ROOT, "
          "else /etc/virtkit/lxc, /run/virtkit/lxc, ...)", "DIR" },
        { "network-root", 0, 0, G_OPTION_ARG_FILENAME, &networkRoot,
          "keep the virtual networks' files under DIR/etc/network and DIR/run/network "
          "(default: VIRTKIT_NETWORK_ROOT, else the QEMU root, else /etc/virtkit/network, "
          "/run/virtkit/network)", "DIR" },
        { "xend-socket", 0, 0, G_OPTION_ARG_FILENAME, &xendSocket,
          "reach xend for xen:///system at this UNIX socket (default: VIRTKIT_XEND_SOCKET, "
          "else /var/lib/xend/xend-socket, then localhost:8000)", "PATH" },
        { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, "log debug messages", NULL },
        { "version", 'V', 0, G_OPTION_ARG_NONE, &showVersion, "print the version", NULL },
        { NULL },
    };
    g_autoptr(GOptionContext) octx = g_option_context_new("- the virtkit daemon");
    g_autoptr(GError) err = NULL;
    vkDaemonConfig *cfg;
    vkDaemonServer *srv;
    int ret = EXIT_FAILURE;

    setlocale(LC_ALL, "");
    g_option_context_add_main_entries(octx, entries, NULL);
    if (!g_option_context_parse(octx, &argc, &argv, &err)) {
        fprintf(stderr, "virtkitd: %s\n", err->message);
        return EXIT_FAILURE;
    }
    if (showVersion) {
        printf("virtkitd %s\n", VK_PACKAGE_VERSION);
        return EXIT_SUCCESS;
    }
    vkDaemonVerbose = verbose;

    cfg = vkDaemonConfigNew();
    if (configFile && vkDaemonConfigLoadFile(cfg, configFile, &err) < 0) {
        fprintf(stderr, "virtkitd: %s\n", err->message);
        vkDaemonConfigFree(cfg);
        return EXIT_FAILURE;
    }
    if (socketDir) {
        g_free(cfg->unixSockDir);
        cfg->unixSockDir = g_strdup(socketDir);
    }

    /* The drivers deliver events through virEvent*: they must land on the
     * loop this process runs. */
    if (virEventRegisterDefaultImpl() < 0 || virInitialize() < 0) {
        fprintf(stderr, "virtkitd: cannot initialise the library\n");
        vkDaemonConfigFree(cfg);
        return EXIT_FAILURE;
    }
    /* Inside the daemon a URI no local driver serves is an error, never a
     * hop to another daemon (or to this one). */
    vkRemoteDriverDisableLocal();
    /* qemu:///system is served here (reattaching to running guests,
     * autostart); a failure leaves the other drivers working. */
    if (vkQemuDriverSetPrivileged(qemuRoot) < 0)
        VK_LOG("QEMU driver unavailable: %s", virGetLastErrorMessage());
    if (vkLxcDriverSetPrivileged(lxcRoot) < 0)
        VK_LOG("LXC driver unavailable: %s", virGetLastErrorMessage());
    /* the networks of qemu:///system and lxc:///system ('default' on a
     * first start, autostart, reattach to running ones) */
    if (vkNetworkDriverSetPrivileged(networkRoot,
                                     qemuRoot ? qemuRoot : g_getenv("VIRTKIT_QEMU_ROOT")) < 0)
        VK_LOG("network driver unavailable: %s", virGetLastErrorMessage());
    /* xen:///system is served here to every client; the read-only socket
     * is how users other than root reach it (see drivers/xen/driver.c) */
    if (vkXenDriverServeSystem(xendSocket) < 0)
        VK_LOG("Xen driver unavailable: %s", virGetLastErrorMessage());
    g_unix_signal_add(SIGTERM, onSignal, (gpointer)"SIGTERM");
    g_unix_signal_add(SIGINT, onSignal, (gpointer)"SIGINT");
    g_unix_signal_add(SIGHUP, onSignal, (gpointer)"SIGHUP");
    signal(SIGPIPE, SIG_IGN);

    if (!(srv = vkDaemonServerNew(cfg, &err)) || !vkDaemonServerListen(srv, &err)) {
        fprintf(stderr, "virtkitd: %s\n", err ? err->message : "cannot start the server");
        goto cleanup;
    }
    if (timeout > 0)
        vkDaemonServerSetIdleTimeout(srv, timeout, requestQuit, NULL);
    if (pidfile && !writePidfile(pidfile, &err)) {
        fprintf(stderr, "virtkitd: cannot write pidfile: %s\n", err->message);
        goto cleanup;
    }
    if (readyFd >= 0) {
        if (write(readyFd, "\n", 1) != 1)
            VK_LOG("cannot signal readiness on fd %d: %s", readyFd, g_strerror(errno));
        close(readyFd);
    }
    VK_DLOG("ready, sockets in %s", cfg->unixSockDir);

    while (!quitting)
        virEventRunDefaultImpl();
    ret = EXIT_SUCCESS;

 cleanup:
    /* waits for the calls still running, so the config can go after it;
     * connected clients are left to the process exit */
    vkDaemonServerFree(srv);
    vkDaemonConfigFree(cfg);
    if (pidfile && ret == EXIT_SUCCESS)
        unlink(pidfile);
    return ret;
}
