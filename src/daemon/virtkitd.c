/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * virtkitd: the daemon serving libvirt's remote protocol.
 *
 * main() parses options, loads the config, registers the default event
 * loop implementation (so the drivers' events and our sockets share one
 * GLib main context), starts the state drivers through their table (each
 * may add one option, such as --qemu-root; none is named here), listens,
 * and only then announces readiness: the
 * pidfile and the --ready-fd byte are written after the sockets exist, so
 * a test or a service manager waits on that instead of polling for files.
 */
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <malloc.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stddef.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <glib-unix.h>

#include "virtkit/virtkit.h"
#include "daemon/daemon.h"
#include "daemon/admin.h"
#include "core/state-driver.h"

int vkDaemonVerbose;

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

/* One --OPTION=ARG per state driver that declares one; values[i] is
 * driver i's. */
static GOptionEntry *
stateDriverOptions(GPtrArray *values)
{
    size_t n = vkStateDriverCount();
    GOptionEntry *entries = g_new0(GOptionEntry, n + 1);
    size_t k = 0;

    for (size_t i = 0; i < n; i++) {
        const vkStateDriver *drv = vkStateDriverGet(i);

        if (!drv->option)
            continue;
        entries[k++] = (GOptionEntry) {
            drv->option, 0, 0, G_OPTION_ARG_FILENAME, &values->pdata[i], drv->optionHelp,
            drv->optionArg,
        };
    }
    return entries;
}

static void
stateDriverFailed(const vkStateDriver *drv, void *opaque)
{
    /* the other drivers keep working */
    VK_LOG("%s driver unavailable: %s", drv->name, virGetLastErrorMessage());
}

static bool
writePidfile(const char *path, GError **error)
{
    g_autofree char *text = g_strdup_printf("%d\n", (int)getpid());

    return g_file_set_contents(path, text, -1, error);
}

/* sd_notify(3)'s READY=1 without libsystemd: one datagram to the socket
 * systemd names (Type=notify units); "@" is the abstract namespace. */
static void
notifySystemd(void)
{
    const char *path = g_getenv("NOTIFY_SOCKET");
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    socklen_t len;
    int fd;

    if (!path || !*path || strlen(path) >= sizeof(sa.sun_path))
        return;
    strcpy(sa.sun_path, path);
    if (sa.sun_path[0] == '@')
        sa.sun_path[0] = '\0';
    len = offsetof(struct sockaddr_un, sun_path) + strlen(path);
    if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
        return;
    if (sendto(fd, "READY=1", 7, MSG_NOSIGNAL, (struct sockaddr *)&sa, len) < 0)
        VK_LOG("cannot notify systemd on %s: %s", path, g_strerror(errno));
    close(fd);
}

/* A large reply (ListAllDomains of 16k domains: the name array, then the
 * 640 KiB packet) is allocated and freed on every call.  With glibc's
 * defaults such blocks are mmap'd, or carved from the top of the heap and
 * trimmed back on free, so each call faulted its pages in again: about 70
 * page faults per call at 16k domains.  The daemon keeps up to
 * HEAP_KEEP of freed memory instead and serves blocks up to a packet's
 * maximum size from the heap; the kernel sees no call per RPC. */
#define HEAP_KEEP (64 * 1024 * 1024)

static void
tuneMalloc(void)
{
    mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
    mallopt(M_TRIM_THRESHOLD, HEAP_KEEP);
}

int
main(int argc, char **argv)
{
    g_autofree char *socketDir = NULL;
    g_autofree char *configFile = NULL;
    g_autofree char *pidfile = NULL;
    g_autoptr(GPtrArray) locations = NULL;    /* the state drivers' options */
    g_autofree GOptionEntry *driverEntries = NULL;
    int timeout = 0;
    int readyFd = -1;
    gboolean verbose = FALSE;
    gboolean showVersion = FALSE;
    gboolean libvirtSockets = FALSE;
    GOptionEntry entries[] = {
        { "socket-dir", 0, 0, G_OPTION_ARG_FILENAME, &socketDir,
          "directory for virtkit-sock and virtkit-sock-ro (default /run/virtkit)", "DIR" },
        { "libvirt-sockets", 0, 0, G_OPTION_ARG_NONE, &libvirtSockets,
          "serve libvirtd's sockets (libvirt-sock, libvirt-sock-ro; default directory "
          "/run/libvirt) so stock clients reach this daemon", NULL },
        { "config", 'f', 0, G_OPTION_ARG_FILENAME, &configFile,
          "configuration file (libvirtd.conf syntax)", "FILE" },
        { "pidfile", 'p', 0, G_OPTION_ARG_FILENAME, &pidfile,
          "write the daemon's pid here once it is listening", "FILE" },
        { "timeout", 't', 0, G_OPTION_ARG_INT, &timeout,
          "exit after SEC seconds without any client", "SEC" },
        { "ready-fd", 0, 0, G_OPTION_ARG_INT, &readyFd,
          "write a newline to FD and close it once listening", "FD" },
        { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, "log debug messages", NULL },
        { "version", 'V', 0, G_OPTION_ARG_NONE, &showVersion, "print the version", NULL },
        { NULL },
    };
    g_autoptr(GOptionContext) octx = g_option_context_new("- the virtkit daemon");
    g_autoptr(GError) err = NULL;
    vkDaemonConfig *cfg;
    vkDaemonServer *srv;
    int ret = EXIT_FAILURE;

    tuneMalloc();
    setlocale(LC_ALL, "");
    /* The drivers register themselves (no connection is opened): their
     * options are known before the command line is read. */
    if (virInitialize() < 0) {
        fprintf(stderr, "virtkitd: cannot initialise the library\n");
        return EXIT_FAILURE;
    }
    locations = g_ptr_array_new_full(vkStateDriverCount(), g_free);
    g_ptr_array_set_size(locations, vkStateDriverCount());
    driverEntries = stateDriverOptions(locations);
    g_option_context_add_main_entries(octx, entries, NULL);
    g_option_context_add_main_entries(octx, driverEntries, NULL);
    if (!g_option_context_parse(octx, &argc, &argv, &err)) {
        fprintf(stderr, "virtkitd: %s\n", err->message);
        return EXIT_FAILURE;
    }
    if (showVersion) {
        printf("virtkitd %s\n", VK_PACKAGE_VERSION);
        return EXIT_SUCCESS;
    }
    vkDaemonLogInit(verbose ? 1 : 3);

    cfg = vkDaemonConfigNew();
    if (configFile && vkDaemonConfigLoadFile(cfg, configFile, &err) < 0) {
        fprintf(stderr, "virtkitd: %s\n", err->message);
        vkDaemonConfigFree(cfg);
        return EXIT_FAILURE;
    }
    /* log_level, log_filters and log_outputs, as libvirtd reads them */
    if (!verbose && cfg->logLevel)
        vkDaemonLogInit(cfg->logLevel);
    if ((cfg->logFilters && vkDaemonLogSetFilters(cfg->logFilters) < 0) ||
        (cfg->logOutputs && vkDaemonLogSetOutputs(cfg->logOutputs) < 0)) {
        fprintf(stderr, "virtkitd: %s: %s\n", configFile, virGetLastErrorMessage());
        vkDaemonConfigFree(cfg);
        return EXIT_FAILURE;
    }
    if (libvirtSockets)
        cfg->libvirtSockets = true;
    if (socketDir) {
        g_free(cfg->unixSockDir);
        cfg->unixSockDir = g_strdup(socketDir);
    } else if (cfg->libvirtSockets && strcmp(cfg->unixSockDir, VK_DAEMON_SOCK_DIR) == 0) {
        g_free(cfg->unixSockDir);
        cfg->unixSockDir = g_strdup("/run/libvirt");
    }

    /* The drivers deliver events through virEvent*: they must land on the
     * loop this process runs. */
    if (virEventRegisterDefaultImpl() < 0) {
        fprintf(stderr, "virtkitd: cannot initialise the library\n");
        vkDaemonConfigFree(cfg);
        return EXIT_FAILURE;
    }
    /* DRIVER:///system is served here from now on: guests are reattached
     * and autostarted, and a URI no local driver serves is an error, never
     * a hop to another daemon (or to this one). */
    vkStateDriversInitialize(true, (const char *const *)locations->pdata, stateDriverFailed,
                             NULL);
    g_unix_signal_add(SIGTERM, onSignal, (gpointer)"SIGTERM");
    g_unix_signal_add(SIGINT, onSignal, (gpointer)"SIGINT");
    g_unix_signal_add(SIGHUP, onSignal, (gpointer)"SIGHUP");
    signal(SIGPIPE, SIG_IGN);

    if (!(srv = vkDaemonServerNew(cfg, &err)) || !vkDaemonServerListen(srv, &err)) {
        fprintf(stderr, "virtkitd: %s\n", err ? err->message : "cannot start the server");
        goto cleanup;
    }
    /* always: virt-admin's daemon-timeout may set one later */
    vkDaemonServerSetIdleTimeout(srv, MAX(timeout, 0), requestQuit, NULL);
    vkDaemonAdminSetServer(srv);
    if (pidfile && !writePidfile(pidfile, &err)) {
        fprintf(stderr, "virtkitd: cannot write pidfile: %s\n", err->message);
        goto cleanup;
    }
    notifySystemd();
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
    vkStateDriversCleanup();
    vkDaemonConfigFree(cfg);
    if (pidfile && ret == EXIT_SUCCESS)
        unlink(pidfile);
    return ret;
}
